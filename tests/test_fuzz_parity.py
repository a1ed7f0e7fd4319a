"""Every ``tunelens.fuzz`` scorer equals rapidfuzz 3.14's on generated pairs.

Tolerance: absolute difference <= 1e-9 (both compute the same float operations;
the bound only absorbs nothing but is stated as the acceptance criterion).
"""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz as rf
from rapidfuzz import process as rp
from rapidfuzz import utils as rutils

from tunelens import fuzz as tf
from tunelens import process as tp
from tunelens.utils import default_process

from matching_pairs import make_hashable_pairs, make_pairs

SCORERS = list(tf.__all__)
TOL = 1e-9
N_BULK = 100_000
A, B = make_pairs(N_BULK, seed=5)


def _assert_close(ours: np.ndarray, ref: np.ndarray, a: list, b: list, what: str) -> None:
    bad = np.flatnonzero(np.abs(ours - ref) > TOL)
    assert bad.size == 0, f"{what}: {bad.size} mismatches, first {a[bad[0]]!r} vs {b[bad[0]]!r}: {ours[bad[0]]} != {ref[bad[0]]}"


@pytest.mark.parametrize("name", SCORERS)
@pytest.mark.parametrize("score_cutoff", [None, 50.0, 90.0])
def test_bulk_pairs_match_rapidfuzz(name: str, score_cutoff: float | None) -> None:
    """100,000 pairs (30,000 with a cutoff) through cpdist vs rapidfuzz's cpdist."""
    n = N_BULK if score_cutoff is None else 30_000
    a, b = A[:n], B[:n]
    ours = tp.cpdist(a, b, scorer=getattr(tf, name), score_cutoff=score_cutoff, dtype=np.float64, workers=-1)
    ref = rp.cpdist(a, b, scorer=getattr(rf, name), score_cutoff=score_cutoff, dtype=np.float64, workers=-1)
    _assert_close(ours, ref, a, b, f"{name} cutoff={score_cutoff}")


@pytest.mark.parametrize("name", SCORERS)
def test_bulk_pairs_with_processor(name: str) -> None:
    a, b = A[:10_000], B[:10_000]
    ours = tp.cpdist(a, b, scorer=getattr(tf, name), processor=default_process, dtype=np.float64)
    ref = rp.cpdist(a, b, scorer=getattr(rf, name), processor=rutils.default_process, dtype=np.float64)
    _assert_close(ours, ref, a, b, f"{name} processor")


@pytest.mark.parametrize("name", SCORERS)
def test_per_pair_calls_match_rapidfuzz(name: str) -> None:
    """The per-pair call path (str buffers, processor, cutoff, None)."""
    ours_f, ref_f = getattr(tf, name), getattr(rf, name)
    for i in range(0, 4_000):
        a, b = A[i], B[i]
        cutoff = (0, 30, 75.5, 100)[i % 4]
        processor = default_process if i % 3 == 0 else None
        rproc = rutils.default_process if i % 3 == 0 else None
        x = ours_f(a, b, processor=processor, score_cutoff=cutoff)
        y = ref_f(a, b, processor=rproc, score_cutoff=cutoff)
        assert abs(x - y) <= TOL, (name, a, b, cutoff, processor, x, y)
    assert ours_f(None, "a") == ref_f(None, "a") == 0
    assert ours_f("a", float("nan")) == 0


@pytest.mark.parametrize("name", SCORERS)
def test_empty_strings(name: str) -> None:
    for a, b in [("", ""), ("", "a"), ("a", ""), (" ", ""), ("  ", " a")]:
        assert getattr(tf, name)(a, b) == getattr(rf, name)(a, b), (a, b)


@pytest.mark.parametrize("name", SCORERS)
def test_sequences_of_hashables(name: str) -> None:
    a, b = make_hashable_pairs(3_000, seed=9)
    for x, y in zip(a, b):
        assert abs(getattr(tf, name)(x, y) - getattr(rf, name)(x, y)) <= TOL, (name, x, y)
    # a list of one-character strings equals the string itself
    assert getattr(tf, name)(list("hello world"), "hello wrld") == getattr(rf, name)("hello world", "hello wrld")


def test_default_process_matches_rapidfuzz_on_every_code_point() -> None:
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    text = "".join(chars)
    for i in range(0, len(text), 50_000):
        chunk = "x" + text[i : i + 50_000] + "x"
        assert default_process(chunk) == rutils.default_process(chunk), i
    for s in ["  Beyoncé — Кино  ", "", "___", "İstanbul", "宇多田ヒカル!!"]:
        assert default_process(s) == rutils.default_process(s)


def test_rapidfuzz_process_accepts_tunelens_scorers() -> None:
    choices = A[:300]
    for name in SCORERS:
        assert rp.extractOne(B[0], choices, scorer=getattr(tf, name)) == rp.extractOne(
            B[0], choices, scorer=getattr(rf, name)
        )
