"""The native path of :mod:`tunelens.process`: the six functions for a scorer
that runs in Rust (``scorer`` named by ``name``, see
:func:`tunelens._process_common.native_name`).

Each function takes the public function's arguments after ``name``; the
public docstrings are those of :mod:`tunelens._process_py` (rapidfuzz's
``fallback_import``). ``score_hint`` is checked like ``score_cutoff`` (a score
in 0..100, as rapidfuzz's compiled ``process`` checks it) and changes nothing:
no ``fuzz`` scorer has a hinted path, in rapidfuzz either.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

from tunelens import _core
from tunelens._process_common import (
    is_default_process,
    is_none,
    items,
    kwargs,
    limit_of,
    matrix_dtype,
    paired,
    prepared,
    rounded,
)
from tunelens._validate import affordable

#: Result types the Rust kernel writes directly (others: float64, then converted).
_NATIVE_DTYPES = frozenset(_core.OPTION_NAMES["matching.ScoreType"])


def _score(value: float | None, name: str) -> float:
    """A score bound of a fuzz scorer (``score_cutoff``, ``score_hint``): 0 for
    None, else a number in 0..100 (a TypeError otherwise, as in rapidfuzz)."""
    if value is None:
        return 0.0
    if not 0 <= value <= 100:
        raise TypeError(f"{name} has to be in the range of 0.0 - 100.0")
    return float(value)


def _native_input(values: list, processor: Callable | None) -> list:
    """Values for the Rust core, which recognises missing values itself: the
    list as is without a processor, else :func:`prepared`."""
    return values if processor is None else prepared(values, processor)


def _best(name: str, queries: list, values: list, processor: Callable | None, cutoff: float, limit: int,
          workers: int) -> list:
    """Best ``(index, score)`` per query in Rust; ``default_process`` is applied there too."""
    if processor is not None and is_default_process(processor):
        try:
            return _core.MatchBatch(name, queries, values, workers=workers).extract_many(
                score_cutoff=cutoff, limit=limit, default_process=True)
        except TypeError:
            pass  # non-string items: processed in Python below, raising as rapidfuzz does
    batch = _core.MatchBatch(name, _native_input(queries, processor), _native_input(values, processor), workers=workers)
    return batch.extract_many(score_cutoff=cutoff, limit=limit)


class _ProcessedChoices:
    """The list (or tuple) of choices last given to ``extract``/``extractOne``/
    ``extract_iter`` with ``processor=default_process``, and its processed values.

    A loop ``for q in queries: extractOne(q, choices, processor=default_process)``
    then processes the choices once instead of once per call. The entry is reused
    only for the same object whose items still equal a shallow copy taken then
    (``list == list``: a C loop short-cut by identical items, ~0.2 ms per 100k
    choices), so mutating the list in place (assignment, append, del, sort)
    invalidates it; ``default_process`` is pure, so equal items give equal
    results. One entry (the loop's choices), replaced by the next list seen.
    """

    last: tuple | None = None  # (choices, snapshot, processed)

    @classmethod
    def get(cls, choices: Any) -> tuple[list, list] | None:
        """``(values, processed)`` for a list/tuple of strings (or missing values), else None."""
        if not isinstance(choices, (list, tuple)):
            return None
        last = cls.last
        if last is not None and last[0] is choices and last[1] == choices:
            return last[1], last[2]
        snapshot = list(choices) if isinstance(choices, list) else choices  # tuples cannot change
        try:
            processed = _core.default_process_many(snapshot)
        except TypeError:
            return None  # non-string items: processed one by one, raising as rapidfuzz does
        cls.last = (choices, snapshot, processed)
        return snapshot, processed


def _choices(choices: Any, processor: Callable | None) -> tuple[Any, list, list | None]:
    """``(keys, values, processed)``: ``processed`` is None when ``processor``
    is to be applied by :func:`_best`."""
    if processor is not None and is_default_process(processor):
        cached = _ProcessedChoices.get(choices)
        if cached is not None:
            values, processed = cached
            return range(len(values)), values, processed
    keys, values = items(choices)
    return keys, values, None


def extract_iter(name: str, query: Any, choices: Any, *, scorer: Callable, processor: Callable | None = None,
                 score_cutoff: float | None = None, score_hint: float | None = None,
                 scorer_kwargs: dict | None = None) -> Iterator[tuple]:
    """Native :func:`tunelens.process.extract_iter`."""
    kwargs(scorer_kwargs)
    _score(score_hint, "score_hint")
    if is_none(query):
        return
    keys, values, processed = _choices(choices, processor)
    processed = prepared(values, processor) if processed is None else processed
    query = processor(query) if processor is not None else query
    cutoff = _score(score_cutoff, "score_cutoff")
    row = _core.MatchBatch(name, [query], processed, workers=1).cdist(score_cutoff=cutoff, dtype="float64")[0]
    for key, value, item, score in zip(keys, values, processed, row.tolist()):
        if item is not None and score >= cutoff:
            yield value, score, key


def extractOne(name: str, query: Any, choices: Any, *, scorer: Callable, processor: Callable | None = None,
               score_cutoff: float | None = None, score_hint: float | None = None,
               scorer_kwargs: dict | None = None) -> tuple | None:
    """Native :func:`tunelens.process.extractOne`."""
    found = extract(name, query, choices, scorer=scorer, processor=processor, limit=1, score_cutoff=score_cutoff,
                    score_hint=score_hint, scorer_kwargs=scorer_kwargs)
    return found[0] if found else None


def extract(name: str, query: Any, choices: Any, *, scorer: Callable, processor: Callable | None = None,
            limit: int | None = 5, score_cutoff: float | None = None, score_hint: float | None = None,
            scorer_kwargs: dict | None = None) -> list[tuple]:
    """Native :func:`tunelens.process.extract`."""
    kwargs(scorer_kwargs)
    _score(score_hint, "score_hint")
    if is_none(query):
        return []
    keys, values, processed = _choices(choices, processor)
    n = limit_of(limit, len(values))
    if n <= 0:
        return []
    cutoff = _score(score_cutoff, "score_cutoff")
    if processed is None:
        best = _best(name, [query], values, processor, cutoff, n, 1)[0]
    else:
        batch = _core.MatchBatch(name, [processor(query)], processed, workers=1)
        best = batch.extract_many(score_cutoff=cutoff, limit=n)[0]
    return [(values[i], score, keys[i]) for i, score in best]


def extract_many(name: str, queries: Iterable, choices: Any, *, scorer: Callable, processor: Callable | None = None,
                 limit: int | None = None, score_cutoff: float | None = None, workers: int = -1,
                 scorer_kwargs: dict | None = None) -> list:
    """Native :func:`tunelens.process.extract_many`."""
    queries = list(queries)
    kwargs(scorer_kwargs)
    keys, values = items(choices)
    cutoff = _score(score_cutoff, "score_cutoff")
    n = 1 if limit is None else limit_of(limit, len(values))
    found = _best(name, queries, values, processor, cutoff, max(n, 0), workers)
    rows = [[(values[i], score, keys[i]) for i, score in row] for row in found]
    if limit is None:
        return [row[0] if row else None for row in rows]
    return rows


def cdist(name: str, queries: Iterable, choices: Iterable, *, scorer: Callable, processor: Callable | None = None,
          score_cutoff: float | None = None, score_hint: float | None = None, score_multiplier: float = 1,
          dtype: Any = None, workers: int = 1, scorer_kwargs: dict | None = None) -> np.ndarray:
    """Native :func:`tunelens.process.cdist` (``score_multiplier`` is 1)."""
    scorer_kwargs = kwargs(scorer_kwargs)
    queries, choices = list(queries), list(choices)
    out_dtype = matrix_dtype(dtype, scorer, scorer_kwargs)
    q, c = _native_input(queries, processor), _native_input(choices, processor)
    cutoff = _score(score_cutoff, "score_cutoff")
    _score(score_hint, "score_hint")
    if out_dtype.name in _NATIVE_DTYPES:
        return _core.MatchBatch(name, q, c, workers=workers).cdist(score_cutoff=cutoff, dtype=out_dtype.name)
    # The float64 matrix (checked by the core) and its conversion, which the core does not see.
    affordable(float(len(q)) * len(c) * (8 + 2 * out_dtype.itemsize), "len(queries) × len(choices)",
               f"{len(q)} × {len(c)}")
    scores = _core.MatchBatch(name, q, c, workers=workers).cdist(score_cutoff=cutoff, dtype="float64")
    return rounded(scores, out_dtype)


def cpdist(name: str, queries: Iterable, choices: Iterable, *, scorer: Callable, processor: Callable | None = None,
           score_cutoff: float | None = None, score_hint: float | None = None, score_multiplier: float = 1,
           dtype: Any = None, workers: int = 1, scorer_kwargs: dict | None = None) -> np.ndarray:
    """Native :func:`tunelens.process.cpdist` (``score_multiplier`` is 1)."""
    scorer_kwargs = kwargs(scorer_kwargs)
    queries, choices = paired(queries, choices)
    out_dtype = matrix_dtype(dtype, scorer, scorer_kwargs)
    q, c = prepared(queries, processor), prepared(choices, processor)
    _score(score_hint, "score_hint")
    scores = _core.MatchBatch(name, q, c, workers=workers).cpdist(score_cutoff=_score(score_cutoff, "score_cutoff"))
    return rounded(scores, out_dtype)
