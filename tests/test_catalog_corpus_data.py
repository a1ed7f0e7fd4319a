"""Integrity of the hand-curated catalog-matching corpus in tests/data/catalog_corpus.

These tests check the data only (parsing, references between the three files,
the per-kind minimums of issue 19 and the counts its README states); they do not
run the matcher.
"""

from __future__ import annotations

import collections
import csv
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "catalog_corpus"

PLAYLIST_COLUMNS = ["playlist", "track_uri", "artist", "title", "album", "duration_ms", "added_at"]
FEATURE_COLUMNS = ["id", "artists", "name", "duration_ms", "year", "danceability", "energy", "valence", "tempo"]
TRUTH_COLUMNS = ["track_uri", "id", "kind"]
KINDS = {"plain", "version", "collaboration", "subtitle", "cleaning", "truncated", "medley", "stylised",
         "non_latin", "feat", "hard_negative", "absent"}
NEGATIVE_KINDS = {"hard_negative", "absent"}
MINIMUMS = {"version": 40, "collaboration": 25, "subtitle": 20, "cleaning": 20, "non_latin": 20,
            "hard_negative": 30, "stylised": 3}


def _read(name: str, columns: list[str]) -> list[dict[str, str]]:
    with open(CORPUS / name, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == columns
        rows = list(reader)
    for row in rows:
        assert None not in row and all(v is not None for v in row.values()), row
    return rows


@pytest.fixture(scope="module")
def playlist() -> list[dict[str, str]]:
    return _read("playlist.csv", PLAYLIST_COLUMNS)


@pytest.fixture(scope="module")
def features() -> list[dict[str, str]]:
    return _read("features.csv", FEATURE_COLUMNS)


@pytest.fixture(scope="module")
def truth() -> list[dict[str, str]]:
    return _read("truth.csv", TRUTH_COLUMNS)


def test_playlist_rows_are_well_formed(playlist):
    for row in playlist:
        assert re.fullmatch(r"spotify:track:[0-9A-Za-z]{22}", row["track_uri"]), row
        assert row["playlist"] and row["artist"].strip() and row["title"].strip(), row
        assert int(row["duration_ms"]) > 0, row
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["added_at"]), row


def test_repeated_playlist_rows_are_identical_but_for_playlist_and_added_at(playlist):
    by_uri = collections.defaultdict(list)
    for row in playlist:
        by_uri[row["track_uri"]].append(row)
    repeated = 0
    for rows in by_uri.values():
        fields = {tuple(r[c] for c in ("artist", "title", "album", "duration_ms")) for r in rows}
        assert len(fields) == 1, rows
        playlists = [r["playlist"] for r in rows]
        assert len(set(playlists)) == len(playlists), rows
        assert len(rows) <= 4, rows
        repeated += len(rows) > 1
    assert repeated >= 40


def test_feature_rows_are_well_formed_and_ids_unique(features):
    ids = [row["id"] for row in features]
    assert len(set(ids)) == len(ids)
    for row in features:
        assert re.fullmatch(r"[0-9A-Za-z]{22}", row["id"]), row
        assert row["artists"].strip() and row["name"].strip(), row
        assert int(row["duration_ms"]) > 0, row
        assert 1900 <= int(row["year"]) <= 2025, row
        for column in ("danceability", "energy", "valence"):
            assert 0.0 <= float(row[column]) <= 1.0, row
        assert 60.0 <= float(row["tempo"]) <= 200.0, row


def test_truth_references_both_sides(playlist, features, truth):
    left = {row["track_uri"]: row for row in playlist}
    right = {row["id"]: row for row in features}
    uris = [row["track_uri"] for row in truth]
    assert len(set(uris)) == len(uris)
    assert set(uris) == set(left), "every left recording has exactly one truth row"
    for row in truth:
        assert row["kind"] in KINDS, row
        ids = row["id"].split("|") if row["id"] else []
        if row["kind"] in NEGATIVE_KINDS:
            assert not ids, row
            continue
        assert ids, row
        for i in ids:
            assert i in right, row
            # the same recording: durations agree within the sources' noise
            assert abs(int(right[i]["duration_ms"]) - int(left[row["track_uri"]]["duration_ms"])) <= 2000, row
        if len(ids) > 1:  # one recording listed twice by the right source
            spellings = {(right[i]["artists"], right[i]["name"], right[i]["duration_ms"]) for i in ids}
            assert len(spellings) == 1, row


def test_counts_meet_the_issue_minimums(playlist, features, truth):
    kinds = collections.Counter(row["kind"] for row in truth)
    assert len(truth) >= 300
    assert sum(n for k, n in kinds.items() if k not in NEGATIVE_KINDS) >= 270
    for kind, minimum in MINIMUMS.items():
        assert kinds[kind] >= minimum, kind
    assert kinds["truncated"] + kinds["medley"] >= 10
    assert kinds["absent"] > 0
    assert len(features) >= 1.5 * len(truth)


def test_version_truths_compete_with_other_rows_of_the_same_artists(features, truth):
    by_artists = collections.Counter(row["artists"] for row in features)
    right = {row["id"]: row for row in features}
    for row in truth:
        if row["kind"] == "version":
            assert by_artists[right[row["id"].split("|")[0]]["artists"]] >= 2, row


def test_readme_counts_match_truth(truth):
    text = (CORPUS / "README.md").read_text(encoding="utf-8")
    stated = {kind: int(n) for kind, n in re.findall(r"^\| (\w+) \| (\d+) \|", text, flags=re.M)}
    assert stated == dict(collections.Counter(row["kind"] for row in truth))
