"""``tunelens.distance`` equals rapidfuzz 3.14's ``distance`` modules.

Integer results must be equal; float results within 1e-9 absolute (the same
float operations in the same order: the acceptance criterion's tolerance).
"""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import distance as rd
from rapidfuzz import process as rp

from tunelens import distance as td
from tunelens.utils import default_process

from matching_pairs import make_hashable_pairs, make_pairs

METRICS = ["Levenshtein", "Indel", "Hamming", "Jaro", "JaroWinkler"]
FUNCS = ["distance", "similarity", "normalized_distance", "normalized_similarity"]
TOL = 1e-9
A, B = make_pairs(100_000, seed=21)
OPTIONS = {
    "Levenshtein": [{}, {"weights": (1, 1, 2)}, {"weights": (2, 3, 1)}, {"weights": (1, 1, 5)}],
    "Indel": [{}],
    "Hamming": [{}, {"pad": True}],
    "Jaro": [{}],
    "JaroWinkler": [{}, {"prefix_weight": 0.25}],
}


def _cutoffs(metric: str, func: str) -> list:
    integer = func in ("distance", "similarity") and not metric.startswith("Jaro")
    # Jaro cutoffs avoid exact score values: at a cutoff exactly equal to the
    # score rapidfuzz's bit-parallel Jaro sometimes returns 0 (float boundary).
    return [None, 0, 3, 20] if integer else [None, 0.31, 0.77]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("func", FUNCS)
def test_bulk_pairs_match_rapidfuzz(metric: str, func: str) -> None:
    """100,000 pairs per metric/function through rapidfuzz's own cpdist (it
    accepts tunelens scorers) vs rapidfuzz's scorer."""
    ours = getattr(getattr(td, metric), func)
    ref = getattr(getattr(rd, metric), func)
    n = 100_000 if metric != "Levenshtein" else 60_000
    x = rp.cpdist(A[:n], B[:n], scorer=ours, dtype=np.float64)
    y = rp.cpdist(A[:n], B[:n], scorer=ref, dtype=np.float64)
    bad = np.flatnonzero(np.abs(x - y) > TOL)
    assert bad.size == 0, f"{metric}.{func}: {A[bad[0]]!r} {B[bad[0]]!r}: {x[bad[0]]} != {y[bad[0]]}"


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("func", FUNCS)
def test_options_cutoffs_and_processor(metric: str, func: str) -> None:
    ours = getattr(getattr(td, metric), func)
    ref = getattr(getattr(rd, metric), func)
    for options in OPTIONS[metric]:
        for cutoff in _cutoffs(metric, func):
            for i in range(1_500):
                a, b = A[i], B[i]
                proc = default_process if i % 4 == 0 else None
                x = ours(a, b, score_cutoff=cutoff, processor=proc, **options)
                y = ref(a, b, score_cutoff=cutoff, processor=proc, **options)
                assert type(x) is type(y) and abs(x - y) <= TOL, (metric, func, options, cutoff, a, b, x, y)


@pytest.mark.parametrize("metric", METRICS)
def test_hashable_sequences(metric: str) -> None:
    a, b = make_hashable_pairs(2_000, seed=4)
    for func in FUNCS:
        ours = getattr(getattr(td, metric), func)
        ref = getattr(getattr(rd, metric), func)
        for x, y in zip(a, b):
            assert abs(ours(x, y) - ref(x, y)) <= TOL, (metric, func, x, y)


def test_missing_values_like_rapidfuzz() -> None:
    for metric in METRICS:
        for func in ("normalized_distance", "normalized_similarity"):
            assert getattr(getattr(td, metric), func)(None, "a") == getattr(getattr(rd, metric), func)(None, "a")
    with pytest.raises(TypeError):
        td.Levenshtein.distance(None, "a")


def test_bad_arguments_raise_typed_errors() -> None:
    with pytest.raises(ValueError, match="same length"):
        td.Hamming.distance("ab", "abc", pad=False)
    with pytest.raises(ValueError, match="prefix_weight"):
        td.JaroWinkler.similarity("ab", "abc", prefix_weight=1.5)
    with pytest.raises(TypeError, match="weights"):
        td.Indel.distance("ab", "abc", weights=(1, 1, 1))
    assert td.Hamming.distance("abc", "abd", pad=False) == 1


@pytest.mark.parametrize("metric", METRICS)
def test_vectorcall_and_tp_call_agree(metric: str) -> None:
    """Distance functions are called through vectorcall (the fast path) and
    through ``tp_call`` (``type(f).__call__``, argument tuple and dict): both
    parse the same arguments and give the same results and errors."""
    for func in FUNCS:
        ours = getattr(getattr(td, metric), func)
        ref = getattr(getattr(rd, metric), func)
        slow = type(ours).__call__
        for options in OPTIONS[metric]:
            for a, b in zip(A[:200], B[:200]):
                expected = ref(a, b, **options)
                assert ours(a, b, **options) == pytest.approx(expected, abs=TOL), (func, a, b, options)
                assert slow(ours, a, b, **options) == pytest.approx(expected, abs=TOL), (func, a, b, options)
                assert ours(s1=a, s2=b, score_cutoff=None, score_hint=None, **options) == ours(a, b, **options)
        with pytest.raises(TypeError, match="positional"):
            ours("a", "b", "c")
        with pytest.raises(TypeError, match="s2"):
            ours("a")
        with pytest.raises(TypeError, match="unexpected keyword"):
            ours("a", "b", bogus=1)
        with pytest.raises(TypeError):
            ours("a", "b", score_cutoff="high")
        assert ours("Beyonce", "beyoncé", processor=str.lower) == ref("Beyonce", "beyoncé", processor=str.lower)
