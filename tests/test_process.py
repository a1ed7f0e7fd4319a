"""``tunelens.process`` returns what rapidfuzz 3.14's ``process`` returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz as rf
from rapidfuzz import process as rp
from rapidfuzz import utils as rutils

from tunelens import fuzz as tf
from tunelens import process as tp
from tunelens.distance import Levenshtein
from tunelens.utils import default_process

from matching_pairs import make_pairs, make_playlist

QUERIES, CHOICES = make_pairs(600, seed=33)
CHOICES = CHOICES + [None, float("nan"), "", "love song", "LOVE SONG"] + QUERIES[:50]
SCORERS = list(tf.__all__)


def _as_dict(choices: list) -> dict:
    return {f"k{i}": c for i, c in enumerate(choices)}


def _as_series(choices: list) -> pd.Series:
    return pd.Series(choices, index=[100 + 3 * i for i in range(len(choices))], dtype=object)


CONTAINERS = {"list": list, "dict": _as_dict, "series": _as_series}


@pytest.mark.parametrize("name", SCORERS)
@pytest.mark.parametrize("container", list(CONTAINERS))
@pytest.mark.parametrize("score_cutoff", [None, 60.0])
def test_extract_one_and_extract_match_rapidfuzz(name: str, container: str, score_cutoff: float | None) -> None:
    choices = CONTAINERS[container](CHOICES)
    for query in QUERIES[:6]:
        for processor, rproc in [(None, None), (default_process, rutils.default_process)]:
            kw = {"score_cutoff": score_cutoff}
            ours = tp.extractOne(query, choices, scorer=getattr(tf, name), processor=processor, **kw)
            ref = rp.extractOne(query, choices, scorer=getattr(rf, name), processor=rproc, **kw)
            assert ours == ref, (name, query)
            for limit in (1, 3, None):
                ours = tp.extract(query, choices, scorer=getattr(tf, name), processor=processor, limit=limit, **kw)
                ref = rp.extract(query, choices, scorer=getattr(rf, name), processor=rproc, limit=limit, **kw)
                assert ours == ref, (name, query, limit)


@pytest.mark.parametrize("container", list(CONTAINERS))
def test_extract_iter_matches_rapidfuzz(container: str) -> None:
    choices = CONTAINERS[container](CHOICES)
    for query in QUERIES[:10]:
        assert list(tp.extract_iter(query, choices, scorer=tf.ratio, score_cutoff=40)) == list(
            rp.extract_iter(query, choices, scorer=rf.ratio, score_cutoff=40)
        )


def test_rapidfuzz_scorers_and_generic_callables() -> None:
    for query in QUERIES[:10]:
        assert tp.extractOne(query, CHOICES, scorer=rf.token_set_ratio) == rp.extractOne(
            query, CHOICES, scorer=rf.token_set_ratio
        )
        assert tp.extract(query, CHOICES, scorer=Levenshtein.distance, limit=4) == rp.extract(
            query, CHOICES, scorer=Levenshtein.distance, limit=4
        )
        generic = lambda a, b, score_cutoff=None: float(len(set(a) & set(b)))  # noqa: E731
        assert tp.extract(query, CHOICES, scorer=generic, limit=3) == rp.extract(query, CHOICES, scorer=generic, limit=3)
    assert tp.extractOne(None, CHOICES) is None


@pytest.mark.parametrize("name", SCORERS)
@pytest.mark.parametrize("dtype", [None, np.float64, np.float32, np.uint8, np.int32])
def test_cdist_matches_rapidfuzz(name: str, dtype) -> None:
    q, c = QUERIES[:40], CHOICES[:400]
    c = [x if x is not None and x == x else "" for x in c]
    ours = tp.cdist(q, c, scorer=getattr(tf, name), dtype=dtype, workers=2, score_cutoff=30)
    ref = rp.cdist(q, c, scorer=getattr(rf, name), dtype=dtype, workers=2, score_cutoff=30)
    assert ours.dtype == ref.dtype and ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-9)  # same float ops; exact for ints


@pytest.mark.parametrize("workers", [1, 2, -1])
def test_cdist_cpdist_workers_and_missing_values(workers: int) -> None:
    q = QUERIES[:30] + [None]
    c = CHOICES[:200]
    ours = tp.cdist(q, c, scorer=tf.WRatio, workers=workers)
    ref = rp.cdist(q, c, scorer=rf.WRatio, workers=workers)
    np.testing.assert_array_equal(ours, ref)  # identical float32 casts of identical float64 scores
    pairs = (QUERIES[:200] + [None], CHOICES[:200] + ["x"])
    np.testing.assert_array_equal(tp.cpdist(*pairs, scorer=tf.ratio, workers=workers), rp.cpdist(*pairs, scorer=rf.ratio))
    with pytest.raises(ValueError, match="Length"):
        tp.cpdist(["a"], ["a", "b"])


@pytest.mark.parametrize("name", ["token_sort_ratio", "WRatio", "partial_ratio", "ratio"])
@pytest.mark.parametrize("container", list(CONTAINERS))
def test_extract_many_equals_row_by_row_extract_one(name: str, container: str) -> None:
    choices = CONTAINERS[container](CHOICES)
    queries = QUERIES[:80] + [None]
    ours = tp.extract_many(queries, choices, scorer=getattr(tf, name), score_cutoff=70, workers=2)
    ref = [rp.extractOne(q, choices, scorer=getattr(rf, name), score_cutoff=70) for q in queries]
    assert ours == ref
    ours = tp.extract_many(queries, choices, scorer=getattr(tf, name), limit=3, processor=default_process)
    ref = [rp.extract(q, choices, scorer=getattr(rf, name), limit=3, processor=rutils.default_process) if q is not None else []
           for q in queries]
    assert ours == ref


def _lane_strings() -> list:
    """Strings on both sides of the 8/16/32/64-symbol lane widths, Unicode, empty and missing."""
    base = "ab cd éf 宇多 gh 😀 "
    out = ["".join(base[i % len(base)] for i in range(n)) for n in (0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 140)]
    return out + ["kitten sitting", "sitting kitten", "Beyoncé Halo", "宇多田ヒカル First Love", None]


@pytest.mark.parametrize("name", ["ratio", "QRatio", "token_sort_ratio"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8])
@pytest.mark.parametrize("score_cutoff", [None, 55.0])
def test_cdist_lane_boundaries_match_rapidfuzz(name: str, dtype, score_cutoff) -> None:
    texts = _lane_strings()
    ours = tp.cdist(texts, texts, scorer=getattr(tf, name), dtype=dtype, score_cutoff=score_cutoff, workers=2)
    ref = rp.cdist(texts, texts, scorer=getattr(rf, name), dtype=dtype, score_cutoff=score_cutoff, workers=2)
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours, ref)  # same float64 arithmetic, same casts: bit-identical


@pytest.mark.parametrize("name", ["ratio", "QRatio", "token_sort_ratio"])
def test_extract_many_lane_boundaries_equal_extract(name: str) -> None:
    texts = _lane_strings()
    ours = tp.extract_many(texts, texts, scorer=getattr(tf, name), limit=3, score_cutoff=20)
    ref = [rp.extract(q, texts, scorer=getattr(rf, name), limit=3, score_cutoff=20) if q is not None else []
           for q in texts]
    assert ours == ref


PLAYLIST_QUERIES, PLAYLIST = make_playlist(40, 400, seed=5)


@pytest.mark.parametrize("name", ["ratio", "token_sort_ratio", "WRatio", "QRatio", "partial_ratio"])
@pytest.mark.parametrize("processor", [None, default_process])
@pytest.mark.parametrize("score_cutoff", [None, 80.0, 100.0])
def test_extract_many_on_repeated_choices_equals_extract_one(name: str, processor, score_cutoff) -> None:
    """Each distinct choice is scored once: repeats and ties still give the
    first position of the best score, and every position in top-k lists."""
    rproc = None if processor is None else rutils.default_process
    queries = PLAYLIST_QUERIES
    ours = tp.extract_many(queries, PLAYLIST, scorer=getattr(tf, name), processor=processor,
                           score_cutoff=score_cutoff, workers=2)
    ref = [rp.extractOne(q, PLAYLIST, scorer=getattr(rf, name), processor=rproc, score_cutoff=score_cutoff)
           for q in queries]
    assert ours == ref
    assert sum(r is not None for r in ref) >= 5  # the comparison is not vacuous
    ours = tp.extract_many(queries, PLAYLIST, scorer=getattr(tf, name), processor=processor,
                           score_cutoff=score_cutoff, limit=5)
    ref = [rp.extract(q, PLAYLIST, scorer=getattr(rf, name), processor=rproc, score_cutoff=score_cutoff, limit=5)
           if q is not None else [] for q in queries]
    assert ours == ref
