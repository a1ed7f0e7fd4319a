"""tunelens.match_catalogs: accuracy on catalogs with an answer key, the documented
algorithm against a brute-force rapidfuzz reference, determinism, and bad input."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

import tunelens
from tunelens import match_catalogs
from tunelens.datasets import make_catalogs


def _pairs(result: pd.DataFrame, chart: pd.DataFrame, features: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(chart.song_id.loc[result.left_index], features.track_id.loc[result.right_index]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_precision_and_recall_on_generated_catalogs(seed: int) -> None:
    # Accents, case, feat. credits, version tags, "The", typos, songs missing on
    # either side and same-artist distractors with similar titles.
    chart, features, key = make_catalogs(3000, seed=seed, distractors=0.3)
    result = match_catalogs(chart, features, progress=False)
    found = _pairs(result, chart, features)
    truth = set(zip(key.song_id, key.track_id))
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision >= 0.98 and recall >= 0.98, f"seed={seed}: precision={precision:.4f} recall={recall:.4f}"
    assert set(result.match_type) == {"exact", "fuzzy"}
    assert result.left_index.is_unique and result.right_index.is_unique  # one-to-one


def test_seed_notebook_approach_fails_where_tunelens_matches() -> None:
    left = pd.DataFrame({
        "artist": ["Beyoncé", "Кино", "Сплин", "宇多田ヒカル", "Sigur Rós", "Mötley Crüe", "Björk"],
        "title": ["Halo", "Кукушка", "Романс", "First Love", "Hoppípolla", "Kickstart My Heart", "Jóga"],
    })
    right = pd.DataFrame({
        "artist": ["Bjork", "Motley Crue", "Sigur Ros", "宇多田ヒカル", "КИНО", "Beyonce feat. Jay-Z", "Сплин"],
        "title": ["Joga", "Kickstart My Heart - 2003 Remaster", "Hoppipolla", "First Love (Remastered 2014)",
                  "КУКУШКА", "Halo", "Романс"],
    })
    truth = {(0, 5), (1, 4), (2, 6), (3, 3), (4, 2), (5, 1), (6, 0)}

    def seed_key(df: pd.DataFrame) -> pd.Series:
        clean = lambda s: re.sub("[^a-zA-Z0-9 ]", "", s.lower())  # noqa: E731
        return df.artist.map(clean) + "|" + df.title.map(clean)

    naive = pd.merge(left.assign(key=seed_key(left)).reset_index(), right.assign(key=seed_key(right)).reset_index(),
                     on="key")
    naive_pairs = set(zip(naive.index_x, naive.index_y))
    assert len(naive_pairs & truth) < 3  # the notebook finds almost nothing...
    assert naive_pairs - truth  # ...and pairs unrelated Cyrillic songs (both keys empty)

    result = match_catalogs(left, right, progress=False)
    assert set(zip(result.left_index, result.right_index)) == truth
    assert (result.match_type == "exact").all()
    assert result.left_artist_norm.tolist() == ["beyonce", "kino", "splin", "宇多田ヒカル", "sigur ros", "motley crue", "bjork"]


#: The join's own rules off: the reference below is the plain algorithm on normalized keys.
NO_RULES = {"artist_lists": False, "subtitles": False, "version_tags": False}


def _reference(left: pd.DataFrame, right: pd.DataFrame, threshold: float,
               field_threshold: float) -> tuple[set[tuple], float, int]:
    """The documented algorithm, written plainly with rapidfuzz's token_sort_ratio
    and scipy's dense assignment solver: the exact pairs, the best total score of
    the one-to-one choice among the 16 best candidates of each left row, and its
    number of pairs (the chosen pairs themselves may differ where totals tie)."""
    from scipy.optimize import linear_sum_assignment

    def keys(df: pd.DataFrame) -> list[tuple | None]:
        cols = [tunelens.normalize(df[c], drop_leading_the=True, drop_version_tags=False,
                                   transliterate=True).tolist() for c in ("artist", "title")]
        return [k if all(isinstance(v, str) and v for v in k) else None for k in zip(*cols)]

    lk, rk = keys(left), keys(right)
    lrank = {i: r for r, i in enumerate(sorted((i for i in range(len(lk)) if lk[i]), key=lambda i: (lk[i], i)))}
    rrank = {j: r for r, j in enumerate(sorted((j for j in range(len(rk)) if rk[j]), key=lambda j: (rk[j], j)))}
    exact, used_l, used_r = set(), set(), set()
    groups: dict[tuple, list[int]] = {}
    for j in sorted(rrank, key=rrank.get):
        groups.setdefault(rk[j], []).append(j)
    for i in sorted(lrank, key=lrank.get):
        free = [j for j in groups.get(lk[i], []) if j not in used_r]
        if free:
            exact.add((i, free[0], 100.0, "exact"))
            used_l.add(i)
            used_r.add(free[0])
    weights = np.zeros((len(lk), len(rk)))
    for i in lrank:
        if i in used_l:
            continue
        cands = []
        for j in rrank:
            if j in used_r:
                continue
            scores = [fuzz.token_sort_ratio(a, b) for a, b in zip(lk[i], rk[j])]
            lengths = [len(a) + len(b) for a, b in zip(lk[i], rk[j])]
            score = sum(w * s for w, s in zip(lengths, scores)) / sum(lengths)
            if min(scores) >= field_threshold and score + 1e-9 >= threshold:
                cands.append((-score, rrank[j], j, score))
        for _, _, j, score in sorted(cands)[:16]:
            weights[i, j] = score
    # as the solver: millionths of a point, every candidate worth more than none
    rows, cols = linear_sum_assignment(np.where(weights > 0, np.round(weights * 1e6) + 1, 0), maximize=True)
    chosen = weights[rows, cols] > 0
    return exact, float(weights[rows, cols][chosen].sum()), int(chosen.sum())


@pytest.mark.parametrize("threshold,exhaustive", [(90, True), (90, False), (80, True), (75, False)])
def test_equals_brute_force_reference(threshold: float, exhaustive: bool) -> None:
    # Blocking only skips artist pairs that share no padded bigram; on these
    # catalogs every pair that passes field_threshold shares one, so blocking and
    # exhaustive search give the reference's exact result: the same exact pairs
    # and a fuzzy choice with the same total score and size (ties among the
    # distractors leave several optimal choices).
    chart, features, _ = make_catalogs(250, seed=11, distractors=0.5)
    field_threshold = 2 * threshold - 100
    result = match_catalogs(chart, features, threshold=threshold, exhaustive=exhaustive, rules=NO_RULES,
                            progress=False)
    exact, total, size = _reference(chart, features, threshold, field_threshold)
    got = {(i, j, round(s, 9), t) for i, j, s, t in zip(result.left_index, result.right_index, result.score, result.match_type)}
    assert {g for g in got if g[3] == "exact"} == exact
    fuzzy = result[result.match_type == "fuzzy"]
    assert len(fuzzy) == size
    assert fuzzy.score.sum() == pytest.approx(total, abs=1e-6)


def test_independent_of_n_jobs_and_row_order() -> None:
    chart, features, _ = make_catalogs(4000, seed=5, distractors=0.3)
    base = match_catalogs(chart, features, n_jobs=1, progress=False)
    assert base.equals(match_catalogs(chart, features, n_jobs=2, progress=False))
    # Shuffling keeps the index labels, so the same labels must pair up with the same scores.
    shuffled = match_catalogs(chart.sample(frac=1.0, random_state=1), features.sample(frac=1.0, random_state=2),
                              n_jobs=2, progress=False)
    key = ["left_index", "right_index", "score", "match_type"]
    pd.testing.assert_frame_equal(base[key].sort_values("left_index").reset_index(drop=True),
                                  shuffled[key].sort_values("left_index").reset_index(drop=True))


def test_output_columns_and_scores() -> None:
    left = pd.DataFrame({"artist": ["Beyoncé", "Adele"], "title": ["Halo", "Hello"]}, index=["a", "b"])
    right = pd.DataFrame({"performer": ["Beyonce", "Adele"], "song": ["Halo", "Helo"]}, index=[10, 20])
    result = match_catalogs(left, right, right_on=["performer", "song"], progress=False)
    assert list(result.columns) == [
        "left_index", "right_index", "left_artist", "left_title", "right_performer", "right_song",
        "left_artist_norm", "left_title_norm", "right_performer_norm", "right_song_norm",
        "artist_score", "title_score", "string_score", "tags_score", "artist_subset", "title_form",
        "cross_script", "score", "match_type"]
    assert result.left_index.tolist() == ["a", "b"] and result.right_index.tolist() == [10, 20]
    assert result.match_type.tolist() == ["exact", "fuzzy"]
    hello = fuzz.token_sort_ratio("hello", "helo")
    assert result.title_score[1] == pytest.approx(hello, abs=1e-9)
    # string score: mean weighted by the summed lengths of the two values; no
    # other evidence (no tags, durations or extras), so it is the combined score
    assert result.string_score[1] == pytest.approx((10 * 100 + 9 * hello) / 19, abs=1e-9)
    assert result.score.tolist() == result.string_score.tolist()
    assert result.tags_score.isna().all() and not result[["artist_subset", "title_form", "cross_script"]].any(axis=None)


def test_missing_empty_and_non_string_keys_never_match() -> None:
    left = pd.DataFrame({"artist": ["Adele", None, np.nan, "", 42, "Adele", "   "],
                         "title": ["Hello", "Hello", "Hello", "Hello", "Hello", None, "Hello"]})
    right = pd.DataFrame({"artist": [None, np.nan, "", 42, "Adele", "!!!"], "title": ["Hello"] * 5 + [""]})
    result = match_catalogs(left, right, progress=False)
    assert result[["left_index", "right_index"]].values.tolist() == [[0, 4]]
    left_join = match_catalogs(left, right, how="left", progress=False)
    assert left_join.left_index.tolist() == list(range(7))
    assert left_join.right_index.isna().sum() == 6
    assert left_join.left_artist.tolist()[:2] == ["Adele", None]


def test_how_left_keeps_every_left_row_in_order() -> None:
    chart, features, _ = make_catalogs(500, seed=4)
    inner = match_catalogs(chart, features, progress=False)
    left = match_catalogs(chart, features, how="left", progress=False)
    assert left.left_index.tolist() == chart.index.tolist()
    matched = left.dropna(subset=["right_index"])
    assert len(matched) == len(inner)
    assert matched.right_index.astype(int).tolist() == inner.right_index.tolist()
    assert left.match_type.isna().sum() == len(chart) - len(inner)


def test_one_to_one_off_lets_right_rows_repeat() -> None:
    left = pd.DataFrame({"artist": ["Adele", "Adele", "Adele"], "title": ["Hello", "Hello", "Helo"]})
    right = pd.DataFrame({"artist": ["Adele"], "title": ["Hello"]})
    assert len(match_catalogs(left, right, progress=False)) == 1
    many = match_catalogs(left, right, one_to_one=False, progress=False)
    assert many.right_index.tolist() == [0, 0, 0]
    assert many.match_type.tolist() == ["exact", "exact", "fuzzy"]


def test_single_key_and_raw_keys() -> None:
    left = pd.DataFrame({"title": ["Hello", "Halo", "Rolling in the Deep"]})
    right = pd.DataFrame({"title": ["Rolling in the Deep (Live)", "hello", "Halo!"]})
    raw = match_catalogs(left, right, left_on="title", normalize=False, progress=False)
    assert raw.empty or (raw.score >= 90).all()
    norm = match_catalogs(left, right, left_on="title", progress=False)
    assert sorted(zip(norm.left_index, norm.right_index)) == [(0, 1), (1, 2), (2, 0)]
    custom = match_catalogs(left, right, left_on="title", normalize={"drop_version_tags": False}, progress=False)
    assert (2, 0) not in set(zip(custom.left_index, custom.right_index))


def test_empty_frames() -> None:
    empty = pd.DataFrame({"artist": pd.Series([], dtype=object), "title": pd.Series([], dtype=object)})
    full = pd.DataFrame({"artist": ["Adele"], "title": ["Hello"]})
    for a, b in ((empty, full), (full, empty), (empty, empty)):
        result = match_catalogs(a, b, progress=False)
        assert result.empty and "score" in result.columns
    assert match_catalogs(full, empty, how="left", progress=False).left_index.tolist() == [0]


def test_missing_column_is_a_typed_error_naming_it() -> None:
    df = pd.DataFrame({"artist": ["Adele"], "title": ["Hello"]})
    with pytest.raises(tunelens.MissingColumnError, match="right has no column 'artist'"):
        match_catalogs(df, df.rename(columns={"artist": "name"}), progress=False)
    with pytest.raises(KeyError):
        match_catalogs(df, df, left_on=["artist", "album"], progress=False)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(threshold=101), "threshold"),
        (dict(threshold="90"), "threshold"),
        (dict(field_threshold=-1), "field_threshold"),
        (dict(how="outer"), "how"),
        (dict(scorer="no_such_scorer"), "scorer"),
        (dict(right_on=["artist"]), "right_on"),
        (dict(left_on=[]), "left_on"),
        (dict(normalize="yes"), "normalize"),
        (dict(n_jobs=0), "n_jobs"),
    ],
)
def test_bad_arguments_are_typed_errors(kwargs: dict, name: str) -> None:
    df = pd.DataFrame({"artist": ["Adele"], "title": ["Hello"]})
    with pytest.raises(tunelens.InvalidParameterError, match=name):
        match_catalogs(df, df, progress=False, **kwargs)
    with pytest.raises(tunelens.InvalidParameterError, match="left"):
        match_catalogs([1, 2], df, progress=False)


def test_progress_callback_reports_and_cannot_break_the_match() -> None:
    from tunelens import _core

    from tunelens.catalog import _plan

    chart, features, _ = make_catalogs(1000, seed=6)
    defaults = dict(left_on=("artist", "title"), right_on=None, duration_on=None, duration_units="ms",
                    duration_tolerance=5.0, extra_on=None, weights=None, left_id=None, right_id=None, rules=None,
                    scorer="token_sort_ratio", threshold=90, normalize=True, one_to_one=True, how="inner",
                    exhaustive=False, field_threshold=None, n_jobs=2)
    plan = _plan(chart, features, **defaults)
    tables = (plan.left.table, plan.right.table, plan.settings)
    seen: list[tuple[int, int]] = []
    with_progress = _core.match_keys(*tables, lambda done, total: seen.append((done, total)))
    assert seen and all(0 < done <= total for done, total in seen)
    assert max(done for done, _ in seen) == seen[0][1]  # from worker threads, in any order; the last one always comes

    def failing(done: int, total: int) -> None:
        raise RuntimeError("progress display broke")

    failed = _core.match_keys(*tables, failing)
    for key in with_progress:
        np.testing.assert_array_equal(with_progress[key], failed[key])
