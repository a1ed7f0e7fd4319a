"""tunelens.normalize and tunelens.split_featuring: every rule, on and off, every script."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pytest

import tunelens
from tunelens import normalize, split_featuring

ALL_OFF = dict(fold_accents=False, casefold=False, drop_featuring=False, drop_version_tags=False,
               unify_and=False, drop_leading_the=False, punctuation=False)


@pytest.mark.parametrize(
    "text, expected",
    [
        # fold_accents (NFKD + Latin/Greek/Cyrillic marks + table) and casefold
        ("Beyoncé", "beyonce"),
        ("Sigur Rós", "sigur ros"),
        ("Mötley Crüe", "motley crue"),
        ("Søren Østergaard", "soren ostergaard"),
        ("Łódź Æther Œuvre Þór Đorđe", "lodz aether oeuvre thor dorde"),
        ("Die Ärzte – Straße", "die arzte strasse"),
        ("Ｆｕｌｌ Ｗｉｄｔｈ", "full width"),
        ("ﬁre", "fire"),
        ("Beyonce\u0301", "beyonce"),  # decomposed input
        # scripts: letters of every script are kept
        ("Кино", "кино"),
        ("Ёлка Йода", "елка иода"),
        ("Αστέρια ΣΟΦΟΣ", "αστερια σοφοσ"),
        ("宇多田ヒカル", "宇多田ヒカル"),
        ("ガガ・ザ・ボーイ", "ガガ ザ ボーイ"),  # dakuten kept (NFC recomposed)
        ("ｶﾞｶﾞ", "ガガ"),  # half-width kana fold to full-width
        ("방탄소년단 BTS", "방탄소년단 bts"),  # Hangul syllables survive NFKD + NFC
        ("فيروز", "فيروز"),
        ("שָׁלוֹם Shalom", "שָׁלוֹם shalom"),  # Hebrew points are not Latin marks: kept
        ("नमस्ते", "नमस्ते"),
        ("🔥 Fire 🔥", "fire"),  # emoji are symbols: spaces
        ("Track 2", "track 2"),
        # featuring
        ("Crazy in Love (feat. Jay-Z)", "crazy in love"),
        ("Crazy in Love [ft Jay-Z]", "crazy in love"),
        ("Crazy in Love {featuring Jay-Z}", "crazy in love"),
        ("Stay (with Justin Bieber)", "stay"),
        ("Beyoncé feat. Jay-Z", "beyonce"),
        ("Beyoncé Ft. Jay-Z & Kanye", "beyonce"),
        ("Beyoncé featuring Jay-Z - Live at Wembley", "beyonce"),
        ("Dancing with Myself", "dancing with myself"),  # a bare "with" is not a credit
        ("Left (Feat. A) Right", "left right"),
        # version tags
        ("Hey Jude (Remastered 2011)", "hey jude"),
        ("Hey Jude - Remastered 2009", "hey jude"),
        ("Hey Jude - 2011 Remaster", "hey jude"),
        ("Hey Jude [Radio Edit]", "hey jude"),
        ("Hey Jude (Live)", "hey jude"),
        ("Hey Jude - Live at Wembley", "hey jude"),
        ("Hey Jude (Acoustic Version)", "hey jude"),
        ("Hey Jude (Deluxe Edition)", "hey jude"),
        ("Hey Jude - Single Version", "hey jude"),
        ("Hey Jude (Mono) [Explicit]", "hey jude"),
        ("Strobe (Original Mix)", "strobe"),
        ("Hey Jude — Remastered", "hey jude"),
        ("Hey Jude (Rematered 2011)", "hey jude"),  # one typo in a long version word
        ("Hey Jude - 2019 Reamster", "hey jude"),
        # non-version brackets and dashes stay
        ("(I Can't Get No) Satisfaction", "i cant get no satisfaction"),
        ("(Don't Fear) The Reaper", "dont fear the reaper"),
        ("Song (Edith)", "song edith"),
        ("Song (Part 2)", "song part 2"),
        ("Jay-Z - Encore", "jay z encore"),
        # conjunctions
        ("Simon & Garfunkel", "simon garfunkel"),
        ("Simon and Garfunkel", "simon garfunkel"),
        ("Simon + Garfunkel", "simon garfunkel"),
        ("Simon x Garfunkel", "simon garfunkel"),
        ("Simon, Garfunkel", "simon garfunkel"),
        ("Simon&Garfunkel", "simon garfunkel"),
        ("Rock 'n' Roll", "rock roll"),
        ("Malcolm X", "malcolm x"),
        # punctuation
        ("Guns N' Roses", "guns roses"),
        ("Don’t Stop", "dont stop"),
        ("R.E.M.", "rem"),
        ("St. Vincent", "st vincent"),
        ("AC/DC", "ac dc"),
        ("  many   spaces\there ", "many spaces here"),
        ("The Beatles", "the beatles"),  # drop_leading_the is off by default
    ],
)
def test_default_rules(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "rule, text, off, on",
    [
        ("fold_accents", "Beyoncé Øst", "Beyoncé Øst", "Beyonce Ost"),
        ("casefold", "Straße ABC", "Straße ABC", "strasse abc"),
        ("drop_featuring", "Song (feat. X)", "Song (feat. X)", "Song"),
        ("drop_version_tags", "Song [Radio Edit]", "Song [Radio Edit]", "Song"),
        ("unify_and", "A & B and C", "A & B and C", "A B C"),
        ("drop_leading_the", "The Beatles", "The Beatles", "Beatles"),
        ("punctuation", "Don't, stop!", "Don't, stop!", "Dont stop"),
    ],
)
def test_each_rule_switches_alone(rule: str, text: str, off: str, on: str) -> None:
    assert normalize(text, **ALL_OFF) == off
    assert normalize(text, **{**ALL_OFF, rule: True}) == on


def test_leading_the_kept_when_alone() -> None:
    assert normalize("The", drop_leading_the=True) == "the"
    assert normalize("The The", drop_leading_the=True) == "the"


def test_casefold_equals_python_full_case_folding() -> None:
    # Parity with str.casefold (full Unicode case folding) on every cased letter of
    # Latin-1, Latin Extended-A, Greek and Cyrillic, one word per code point; the
    # result is composed again (NFC), where str.casefold leaves "ǰ" decomposed.
    letters = [chr(c) for r in ((0xC0, 0x250), (0x370, 0x3FF), (0x400, 0x4FF)) for c in range(*r)
               if unicodedata.category(chr(c)) in ("Lu", "Ll", "Lt")]
    words = [f"a{c}b" for c in letters]
    options = {**ALL_OFF, "casefold": True}
    got = normalize(words, **options)
    expected = [unicodedata.normalize("NFC", unicodedata.normalize("NFC", w).casefold()) for w in words]
    mismatches = [(w, g, e) for w, g, e in zip(words, got, expected) if g != e]
    assert not mismatches, mismatches[:10]


def test_accent_folding_equals_stripping_latin_marks() -> None:
    # For letters of Latin-1 and Latin Extended-A that NFKD decomposes, folding
    # equals "NFKD, drop combining marks" (the textbook definition).
    letters = [chr(c) for c in range(0xC0, 0x180) if unicodedata.decomposition(chr(c))]
    got = normalize(letters, **{**ALL_OFF, "fold_accents": True})
    expected = ["".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)) for c in letters]
    assert got == expected


@pytest.mark.parametrize(
    "text, main, featured",
    [
        ("Crazy in Love (feat. Jay-Z)", "Crazy in Love", ["Jay-Z"]),
        ("Song [ft. A, B & C] - Radio Edit", "Song - Radio Edit", ["A", "B", "C"]),
        ("Artist feat. Other x Third", "Artist", ["Other", "Third"]),
        ("Artist featuring Other and Third (Live)", "Artist (Live)", ["Other", "Third"]),
        ("Stay (with Justin Bieber)", "Stay", ["Justin Bieber"]),
        ("Plain Title", "Plain Title", []),
        ("Feature Film", "Feature Film", []),
    ],
)
def test_split_featuring(text: str, main: str, featured: list[str]) -> None:
    assert split_featuring(text) == (main, featured)


def test_split_featuring_rejects_non_strings() -> None:
    with pytest.raises(tunelens.InvalidParameterError, match="text"):
        split_featuring(3)  # type: ignore[arg-type]


def test_missing_and_non_string_values_stay_missing() -> None:
    values = ["Beyoncé", None, float("nan"), 42, b"bytes", "", np.nan]
    assert normalize(values) == ["beyonce", None, None, None, None, "", None]
    assert normalize(None) is None
    assert normalize(float("nan")) is None


def test_containers_keep_their_kind() -> None:
    series = pd.Series(["Beyoncé", None, "Кино"], index=[10, 20, 30], name="artist")
    out = normalize(series)
    assert isinstance(out, pd.Series)
    assert out.index.tolist() == [10, 20, 30] and out.name == "artist"
    assert out.tolist() == ["beyonce", None, "кино"]
    arr = np.array([["Beyoncé", "Sigur Rós"], ["A & B", "x"]], dtype=object)
    out_arr = normalize(arr)
    assert isinstance(out_arr, np.ndarray) and out_arr.shape == (2, 2)
    assert out_arr.tolist() == [["beyonce", "sigur ros"], ["a b", "x"]]
    assert normalize(np.array(["Beyoncé", "Mötley"])).tolist() == ["beyonce", "motley"]
    assert normalize(("A", "B")) == ["a", "b"]


def test_threads_do_not_change_results() -> None:
    chart, features, _ = tunelens.datasets.make_catalogs(3000, seed=3)
    texts = list(chart.title) + list(features.title) + list(features.artist)
    assert normalize(texts, n_jobs=1) == normalize(texts, n_jobs=2)


def test_bad_n_jobs_is_a_typed_error() -> None:
    with pytest.raises(tunelens.InvalidParameterError, match="n_jobs"):
        normalize(["a"], n_jobs=0)
