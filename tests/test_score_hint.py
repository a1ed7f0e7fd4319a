"""``score_hint``: accepted where rapidfuzz accepts it, checked as rapidfuzz
checks it, and never changing a result (rapidfuzz uses it only to pick a
faster Levenshtein algorithm; tunelens's Levenshtein has no banded path)."""

from __future__ import annotations

import pytest
import rapidfuzz

import tunelens as tl
from tunelens.exceptions import InvalidTypeError, ParameterOverflowError

PAIRS = [("kitten", "sitting"), ("", "abc"), ("宇多田ヒカル", "宇多田"), ("a" * 70, "ab" * 40)]


@pytest.mark.parametrize("kind", ["distance", "similarity", "normalized_distance", "normalized_similarity"])
@pytest.mark.parametrize("hint", [0, 1, 3, 1000])
def test_levenshtein_hint_changes_no_result(kind, hint) -> None:
    ours, ref = getattr(tl.distance.Levenshtein, kind), getattr(rapidfuzz.distance.Levenshtein, kind)
    hint = min(hint, 1) if kind.startswith("normalized") else hint
    for a, b in PAIRS:
        assert ours(a, b, score_hint=hint) == ours(a, b) == ref(a, b, score_hint=hint)


def test_levenshtein_hint_is_checked_as_rapidfuzz_checks_it() -> None:
    with pytest.raises(OverflowError):
        rapidfuzz.distance.Levenshtein.distance("a", "b", score_hint=-3)
    with pytest.raises(ParameterOverflowError):
        tl.distance.Levenshtein.distance("a", "b", score_hint=-3)
    with pytest.raises(TypeError):
        rapidfuzz.distance.Levenshtein.normalized_distance("a", "b", score_hint=3)
    with pytest.raises(InvalidTypeError):
        tl.distance.Levenshtein.normalized_distance("a", "b", score_hint=3)


@pytest.mark.parametrize("metric", ["Indel", "Hamming", "Jaro", "JaroWinkler"])
def test_other_metrics_take_no_hint_as_in_rapidfuzz(metric) -> None:
    with pytest.raises(TypeError):
        getattr(rapidfuzz.distance, metric).distance("ab", "ab", score_hint=1)
    with pytest.raises(InvalidTypeError):
        getattr(tl.distance, metric).distance("ab", "ab", score_hint=1)


@pytest.mark.parametrize("function", ["extractOne", "extract", "cdist", "cpdist"])
def test_process_hint_range_is_checked_and_changes_nothing(function) -> None:
    ours, ref = getattr(tl.process, function), getattr(rapidfuzz.process, function)
    queries = "abba" if function.startswith("extract") else ["abba"]
    choices = ["ABBA", "abba", "abbey"] if function != "cpdist" else ["abbey"]
    with pytest.raises(TypeError):
        ref(queries, choices, scorer=rapidfuzz.fuzz.ratio, score_hint=300)
    with pytest.raises(InvalidTypeError):
        ours(queries, choices, scorer=tl.fuzz.ratio, score_hint=300)
    plain = ours(queries, choices, scorer=tl.fuzz.ratio)
    hinted = ours(queries, choices, scorer=tl.fuzz.ratio, score_hint=50)
    assert str(plain) == str(hinted) == str(ref(queries, choices, scorer=rapidfuzz.fuzz.ratio, score_hint=50))


def test_python_scorers_do_not_receive_the_hint_as_in_rapidfuzz() -> None:
    def scorer(a, b, **kwargs):
        assert "score_hint" not in kwargs
        return 50

    assert tl.process.extractOne("a", ["b"], scorer=scorer, score_hint=300) == ("b", 50, 0)
    assert rapidfuzz.process.extractOne("a", ["b"], scorer=scorer, score_hint=300) == ("b", 50, 0)


def test_fuzz_hint_is_checked_and_changes_nothing() -> None:
    assert tl.fuzz.ratio("abba", "abbey", score_hint=50) == tl.fuzz.ratio("abba", "abbey")
    with pytest.raises(InvalidTypeError):
        tl.fuzz.ratio("abba", "abbey", score_hint=300)
    with pytest.raises(InvalidTypeError):
        tl.fuzz.ratio("abba", "abbey", score_hint="high")
