"""rapidfuzz-compatible batch matching (``tunelens.process``).

``extractOne``, ``extract``, ``extract_iter``, ``cdist`` and ``cpdist`` return
what rapidfuzz 3.14 returns (same choices, scores, keys and order). With a
tunelens or rapidfuzz ``fuzz`` scorer the work runs in Rust (each query prepared
once, rows in parallel); any other callable runs in Python like rapidfuzz's
fallback. ``extract_many`` adds the batched best-match search: every query at
once on all cores, memory bounded by ``queries × limit``.
"""

from __future__ import annotations

import heapq
import numbers
import sys
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from tunelens import _core, fuzz
from tunelens._validate import affordable, typed_errors
from tunelens.exceptions import InvalidTypeError
from tunelens.fuzz import WRatio, ratio
from tunelens.utils import default_process

__all__ = ["extractOne", "extract", "extract_iter", "cdist", "cpdist", "extract_many"]

_FUZZ_NAMES = set(fuzz.__all__)
_NATIVE = {getattr(fuzz, name): name for name in fuzz.__all__}


def _is_none(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, float):
        return value != value
    return type(value).__name__ == "NAType" and type(value).__module__.startswith("pandas")


def _native(scorer: Callable, scorer_kwargs: dict | None) -> str | None:
    """Name of the Rust scorer equivalent to ``scorer`` (None for other callables)."""
    if scorer_kwargs:
        return None
    try:
        if scorer in _NATIVE:
            return _NATIVE[scorer]
    except TypeError:  # unhashable callable
        return None
    name = getattr(scorer, "__name__", None)
    if name in _FUZZ_NAMES and str(getattr(scorer, "__module__", "")).startswith("rapidfuzz.fuzz"):
        return name
    return None


def _flags(scorer: Callable, scorer_kwargs: dict) -> tuple[Any, Any]:
    """``(worst, optimal)`` score of a scorer, from rapidfuzz's scorer protocol."""
    params = getattr(scorer, "_RF_ScorerPy", None)
    if params is not None:
        flags = params["get_scorer_flags"](**scorer_kwargs)
        return flags["worst_score"], flags["optimal_score"]
    return 0, 100


def _items(choices: Any) -> tuple[list, list]:
    """``(keys, values)``: dict keys / Series index labels, else positions."""
    if hasattr(choices, "items"):
        pairs = list(choices.items())
        return [k for k, _ in pairs], [v for _, v in pairs]
    values = list(choices)
    return list(range(len(values))), values


def _prepared(values: Iterable, processor: Callable | None) -> list:
    """Processed values, None for missing ones.

    ``default_process`` (tunelens's or rapidfuzz's) runs in one Rust call for
    the whole list when every value is a string or missing.
    """
    if processor is None:
        return [None if _is_none(v) else v for v in values]
    if _is_default_process(processor):
        values = values if isinstance(values, list) else list(values)
        try:
            return _core.default_process_many(values)
        except TypeError:
            pass  # non-string items: processed one by one below, raising as rapidfuzz does
    return [None if _is_none(v) else processor(v) for v in values]


def _processed_as_is(values: list, processor: Callable | None) -> list:
    """``processor`` applied to the present values; missing ones kept as they are
    (rapidfuzz's generic path hands them to the scorer)."""
    return values if processor is None else [v if _is_none(v) else processor(v) for v in values]


def _native_input(values: list, processor: Callable | None) -> list:
    """Values for the Rust core, which recognises missing values itself: the
    list as is without a processor, else :func:`_prepared`."""
    return values if processor is None else _prepared(values, processor)


def _is_default_process(processor: Callable) -> bool:
    if processor is default_process:
        return True
    rapidfuzz_utils = sys.modules.get("rapidfuzz.utils")
    return rapidfuzz_utils is not None and processor is getattr(rapidfuzz_utils, "default_process", None)


def _kwargs(scorer_kwargs: Any) -> dict:
    """``scorer_kwargs`` as a dict (None: empty); anything else is refused as rapidfuzz does."""
    if scorer_kwargs is None:
        return {}
    if not isinstance(scorer_kwargs, dict):
        raise InvalidTypeError(f"scorer_kwargs must be a dict or None, not {type(scorer_kwargs).__name__}")
    return scorer_kwargs


def _limit(limit: Any, n: int) -> int:
    """At most ``n`` (None: all); a limit that is not a number is refused as rapidfuzz does (TypeError)."""
    if limit is None:
        return n
    if not isinstance(limit, numbers.Real):
        raise InvalidTypeError(f"limit must be an int or None, not {type(limit).__name__}")
    return min(int(limit), n)


def _check_cutoff(score_cutoff: float | None) -> float:
    if score_cutoff is None:
        return 0.0
    if not 0 <= score_cutoff <= 100:
        raise TypeError("score_cutoff has to be in the range of 0.0 - 100.0")
    return float(score_cutoff)


def _native_best(name: str, queries: list, values: list, processor: Callable | None, cutoff: float, limit: int,
                 workers: int) -> list:
    """Best ``(index, score)`` per query in Rust; ``default_process`` is applied there too."""
    if processor is not None and _is_default_process(processor):
        try:
            return _core.match_extract_many(name, queries, values, score_cutoff=cutoff, limit=limit, workers=workers,
                                            default_process=True)
        except TypeError:
            pass  # non-string items: processed in Python below, raising as rapidfuzz does
    return _core.match_extract_many(name, _native_input(queries, processor), _native_input(values, processor),
                                    score_cutoff=cutoff, limit=limit, workers=workers)


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


def _choices_for_native(choices: Any, processor: Callable | None) -> tuple[Any, list, list | None]:
    """``(keys, values, processed)`` for the Rust kernels: ``processed`` is None
    when ``processor`` is to be applied by :func:`_native_best`."""
    if processor is not None and _is_default_process(processor):
        cached = _ProcessedChoices.get(choices)
        if cached is not None:
            values, processed = cached
            return range(len(values)), values, processed
    keys, values = _items(choices)
    return keys, values, None


def _generic_iter(query, keys, values, processed, scorer, cutoff, scorer_kwargs) -> Iterator[tuple]:
    worst, optimal = _flags(scorer, scorer_kwargs)
    higher_is_better = optimal > worst
    for key, value, item in zip(keys, values, processed):
        if item is None:
            continue
        score = scorer(query, item, score_cutoff=cutoff, **scorer_kwargs)
        if (score >= cutoff) if higher_is_better else (score <= cutoff):
            yield value, score, key


@typed_errors
def extract_iter(
    query: Any,
    choices: Any,
    *,
    scorer: Callable = WRatio,
    processor: Callable | None = None,
    score_cutoff: float | None = None,
    score_hint: float | None = None,
    scorer_kwargs: dict | None = None,
) -> Iterator[tuple]:
    """Yield ``(choice, score, key)`` for every choice scoring at least ``score_cutoff``.

    Parameters
    ----------
    query : str or Sequence[Hashable]
        The string to look for.
    choices : list, dict or pandas.Series
        Candidates; dict keys / Series labels are returned as ``key``, list
        positions otherwise. None and NaN choices are skipped.
    scorer : callable, optional
        A ``tunelens.fuzz`` / ``rapidfuzz.fuzz`` scorer (runs in Rust) or any
        callable ``scorer(a, b, score_cutoff=..., **scorer_kwargs)``.
    processor : callable, optional
        Applied to the query and each choice before scoring.
    score_cutoff : float, optional
        Minimum score (maximum for distances) to yield.
    score_hint : float, optional
        Accepted for rapidfuzz compatibility; ignored.
    scorer_kwargs : dict, optional
        Extra keyword arguments for ``scorer``.

    Yields
    ------
    tuple
        ``(choice, score, key)`` in choice order.

    Examples
    --------
    >>> from tunelens import fuzz, process
    >>> for choice, score, key in process.extract_iter("abba", ["ABBA", "Abba Gold", "Queen"], scorer=fuzz.ratio,
    ...                                                processor=str.lower, score_cutoff=50):
    ...     print(key, choice, round(score, 1))
    0 ABBA 100.0
    1 Abba Gold 61.5
    """
    _ = score_hint
    scorer_kwargs = _kwargs(scorer_kwargs)
    if _is_none(query):
        return
    name = _native(scorer, scorer_kwargs)
    if name is None:
        keys, values = _items(choices)
        query = processor(query) if processor is not None else query
        worst, _optimal = _flags(scorer, scorer_kwargs)
        cutoff = worst if score_cutoff is None else score_cutoff
        yield from _generic_iter(query, keys, values, _prepared(values, processor), scorer, cutoff, scorer_kwargs)
        return
    keys, values, processed = _choices_for_native(choices, processor)
    processed = _prepared(values, processor) if processed is None else processed
    query = processor(query) if processor is not None else query
    cutoff = _check_cutoff(score_cutoff)
    row = _core.match_cdist(name, [query], processed, score_cutoff=cutoff, dtype="float64", workers=1)[0]
    for key, value, item, score in zip(keys, values, processed, row.tolist()):
        if item is not None and score >= cutoff:
            yield value, score, key


@typed_errors
def extractOne(
    query: Any,
    choices: Any,
    *,
    scorer: Callable = WRatio,
    processor: Callable | None = None,
    score_cutoff: float | None = None,
    score_hint: float | None = None,
    scorer_kwargs: dict | None = None,
) -> tuple | None:
    """Best match of ``query`` among ``choices`` (the first one on ties).

    Parameters
    ----------
    query, choices, scorer, processor, score_cutoff, score_hint, scorer_kwargs
        As in :func:`extract_iter`.

    Returns
    -------
    tuple or None
        ``(choice, score, key)``, or None when no choice reaches ``score_cutoff``.

    Examples
    --------
    >>> from tunelens import process
    >>> process.extractOne("bohemian rapsody", ["Waterloo", "Bohemian Rhapsody", "Hey Jude"])
    ('Bohemian Rhapsody', 84.84848484848484, 1)
    >>> process.extractOne("kraftwerk", ["Waterloo", "Bohemian Rhapsody"], score_cutoff=80) is None
    True
    """
    _ = score_hint
    scorer_kwargs = _kwargs(scorer_kwargs)
    name = _native(scorer, scorer_kwargs)
    if name is None:
        best = None
        worst, optimal = _flags(scorer, scorer_kwargs or {})
        higher_is_better = optimal > worst
        for found in extract_iter(query, choices, scorer=scorer, processor=processor,
                                  score_cutoff=score_cutoff, scorer_kwargs=scorer_kwargs):
            if best is None or (found[1] > best[1] if higher_is_better else found[1] < best[1]):
                best = found
                if found[1] == optimal:
                    break
        return best
    found = extract(query, choices, scorer=scorer, processor=processor, limit=1, score_cutoff=score_cutoff)
    return found[0] if found else None


@typed_errors
def extract(
    query: Any,
    choices: Any,
    *,
    scorer: Callable = WRatio,
    processor: Callable | None = None,
    limit: int | None = 5,
    score_cutoff: float | None = None,
    score_hint: float | None = None,
    scorer_kwargs: dict | None = None,
) -> list[tuple]:
    """The ``limit`` best matches, best first (ties keep choice order).

    Parameters
    ----------
    query, choices, scorer, processor, score_cutoff, score_hint, scorer_kwargs
        As in :func:`extract_iter`.
    limit : int or None, optional
        Number of matches to return (default 5); None returns all.

    Returns
    -------
    list of tuple
        ``(choice, score, key)`` sorted by score (best first), then position.

    Examples
    --------
    >>> from tunelens import fuzz, process
    >>> choices = {"a": "ABBA - Waterloo", "b": "Queen - Bohemian Rhapsody", "c": "Waterloo Sunset"}
    >>> process.extract("waterloo", choices, scorer=fuzz.partial_ratio, limit=2)
    [('ABBA - Waterloo', 93.33333333333333, 'a'), ('Waterloo Sunset', 87.5, 'c')]
    """
    _ = score_hint
    scorer_kwargs = _kwargs(scorer_kwargs)
    if _is_none(query):
        return []
    name = _native(scorer, scorer_kwargs)
    keys, values, processed = _choices_for_native(choices, processor) if name else (*_items(choices), None)
    n = _limit(limit, len(values))
    if name is None:
        worst, optimal = _flags(scorer, scorer_kwargs or {})
        found = extract_iter(query, choices, scorer=scorer, processor=processor,
                             score_cutoff=score_cutoff, scorer_kwargs=scorer_kwargs)
        if optimal > worst:
            return heapq.nlargest(n, found, key=lambda r: r[1])
        return heapq.nsmallest(n, found, key=lambda r: r[1])
    if n <= 0:
        return []
    cutoff = _check_cutoff(score_cutoff)
    if processed is None:
        best = _native_best(name, [query], values, processor, cutoff, n, 1)[0]
    else:
        best = _core.match_extract_many(name, [processor(query)], processed, score_cutoff=cutoff, limit=n, workers=1)[0]
    return [(values[i], score, keys[i]) for i, score in best]


@typed_errors
def extract_many(
    queries: Iterable,
    choices: Any,
    *,
    scorer: Callable = WRatio,
    processor: Callable | None = None,
    limit: int | None = None,
    score_cutoff: float | None = None,
    workers: int = -1,
    scorer_kwargs: dict | None = None,
) -> list:
    """Best match(es) of every query at once: ``[extractOne(q, choices, ...) for q in queries]``.

    Runs in Rust for fuzz scorers on ``workers`` threads (-1 = all cores): each
    query is prepared once, each distinct choice is scored once (repeated
    entries, as in playlist exports, get its score at every position; ties
    still go to the first position), the score cutoff rises as matches are
    found, and memory stays ``O(queries × limit)`` (no score matrix).

    Parameters
    ----------
    queries : iterable of str
        Strings to look for (None/NaN give no match).
    choices : list, dict or pandas.Series
        Candidates, as in :func:`extractOne`.
    scorer, processor, score_cutoff, scorer_kwargs
        As in :func:`extractOne`.
    limit : int or None, optional
        None (default): one ``extractOne`` result (tuple or None) per query;
        an int: a list like :func:`extract` with that ``limit`` per query.
    workers : int, optional
        Threads (-1 = all cores).

    Returns
    -------
    list
        One result per query, in query order.

    Examples
    --------
    >>> from tunelens import fuzz, process
    >>> choices = ["ABBA - Waterloo", "Queen - Bohemian Rhapsody", "ABBA - Waterloo", "Waterloo ABBA"]
    >>> process.extract_many(["Queen - Bohemian Rapsody", "Kraftwerk - Autobahn"], choices,
    ...                      scorer=fuzz.token_sort_ratio, score_cutoff=80)
    [('Queen - Bohemian Rhapsody', 97.95918367346938, 1), None]
    >>> process.extract_many(["Waterloo - ABBA"], choices, scorer=fuzz.token_sort_ratio, limit=3)
    [[('ABBA - Waterloo', 100.0, 0), ('ABBA - Waterloo', 100.0, 2), ('Waterloo ABBA', 92.85714285714286, 3)]]
    """
    queries = list(queries)
    scorer_kwargs = _kwargs(scorer_kwargs)
    name = _native(scorer, scorer_kwargs)
    if name is None:
        if limit is None:
            return [extractOne(q, choices, scorer=scorer, processor=processor, score_cutoff=score_cutoff,
                               scorer_kwargs=scorer_kwargs) for q in queries]
        return [extract(q, choices, scorer=scorer, processor=processor, limit=limit,
                        score_cutoff=score_cutoff, scorer_kwargs=scorer_kwargs) for q in queries]
    keys, values = _items(choices)
    cutoff = _check_cutoff(score_cutoff)
    n = 1 if limit is None else _limit(limit, len(values))
    found = _native_best(name, queries, values, processor, cutoff, max(n, 0), workers)
    rows = [[(values[i], score, keys[i]) for i, score in row] for row in found]
    if limit is None:
        return [row[0] if row else None for row in rows]
    return rows


def _rounded(scores: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Scores in ``dtype``; integer dtypes round half up like rapidfuzz."""
    if dtype in _INT_DTYPES:
        return np.floor(scores + 0.5).astype(dtype)
    return scores.astype(dtype)


_INT_DTYPES = {np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)}


def _matrix_dtype(dtype: Any, scorer: Callable, scorer_kwargs: dict) -> np.dtype:
    """rapidfuzz's result type: ``dtype``, else from the scorer's flags (int32
    for signed integer scores, uint32 for unsigned ones, float32 otherwise)."""
    if dtype is not None:
        try:
            out = np.dtype(dtype)
        except TypeError:
            out = None
        if out is None or out.kind not in "iuf":
            raise InvalidTypeError(f"unsupported dtype: {dtype!r} (dtype must be an integer or float type)")
        return out
    params = getattr(scorer, "_RF_ScorerPy", None)
    flags = params["get_scorer_flags"](**scorer_kwargs)["flags"] if params is not None else _RESULT_F64
    if flags & _RESULT_I64:
        return np.dtype(np.int32)
    return np.dtype(np.uint32 if flags & _RESULT_SIZE_T else np.float32)


_RESULT_F64, _RESULT_I64, _RESULT_SIZE_T = 32, 64, 128

#: Result types the Rust kernel writes directly (others: float64, then converted).
_NATIVE_DTYPES = {"float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}

#: Bytes per cell of a matrix scored by a Python scorer: a float object and a
#: list slot per score, then the float64 array.
_PYTHON_CELL_BYTES = 48


def _affordable_matrix(rows: int, cols: int, cell_bytes: int) -> None:
    """Refuses a ``rows × cols`` score matrix of ``cell_bytes`` per cell (all
    buffers included) that would not fit in memory (:class:`TooLargeError`,
    a ``MemoryError`` like numpy's refusal in rapidfuzz)."""
    affordable(float(rows) * cols * cell_bytes, "len(queries) × len(choices)", f"{rows} × {cols}")


def _scored(scorer: Callable, a: Any, b: Any, score_cutoff: Any, multiplier: float, scorer_kwargs: dict) -> Any:
    """One pair scored by a Python scorer, as rapidfuzz's generic path does:
    missing values are passed on (the scorer decides), the result multiplied."""
    return scorer(a, b, score_cutoff=score_cutoff, **scorer_kwargs) * multiplier


@typed_errors
def cdist(
    queries: Iterable,
    choices: Iterable,
    *,
    scorer: Callable = ratio,
    processor: Callable | None = None,
    score_cutoff: float | None = None,
    score_hint: float | None = None,
    score_multiplier: float = 1,
    dtype: Any = None,
    workers: int = 1,
    scorer_kwargs: dict | None = None,
) -> np.ndarray:
    """Score matrix of every query against every choice (``len(queries) × len(choices)``).

    Parameters
    ----------
    queries, choices : iterable of str
        The strings to compare (None/NaN score 0).
    scorer, processor, score_cutoff, scorer_kwargs
        As in :func:`extractOne` (default scorer: ``ratio``).
    score_hint : float, optional
        Accepted for rapidfuzz compatibility; ignored.
    score_multiplier : float, optional
        Multiplies every score (rapidfuzz's argument; default 1).
    dtype : numpy dtype, optional
        Result type (default float32 for similarity scorers, int32 for integer
        distances); integer dtypes round the scores.
    workers : int, optional
        Threads used for the rows (-1 = all cores, default 1).

    Returns
    -------
    numpy.ndarray
        The matrix.

    Examples
    --------
    >>> from tunelens import fuzz, process
    >>> process.cdist(["abba", "queen"], ["ABBA", "Queen", "Abba Gold"], scorer=fuzz.ratio, processor=str.lower)
    array([[100.     ,   0.     ,  61.53846],
           [  0.     , 100.     ,   0.     ]], dtype=float32)
    """
    _ = score_hint
    scorer_kwargs = _kwargs(scorer_kwargs)
    queries, choices = list(queries), list(choices)
    out_dtype = _matrix_dtype(dtype, scorer, scorer_kwargs)
    name = _native(scorer, scorer_kwargs)
    if name is not None and score_multiplier == 1:
        q, c = _native_input(queries, processor), _native_input(choices, processor)
        cutoff = _check_cutoff(score_cutoff)
        if out_dtype.name in _NATIVE_DTYPES:
            return _core.match_cdist(name, q, c, score_cutoff=cutoff, dtype=out_dtype.name, workers=workers)
        _affordable_matrix(len(q), len(c), 8 + 2 * out_dtype.itemsize)
        scores = _core.match_cdist(name, q, c, score_cutoff=cutoff, dtype="float64", workers=workers)
        return _rounded(scores, out_dtype)
    q, c = _processed_as_is(queries, processor), _processed_as_is(choices, processor)
    _affordable_matrix(len(q), len(c), _PYTHON_CELL_BYTES)
    scores = np.array([[_scored(scorer, a, b, score_cutoff, score_multiplier, scorer_kwargs) for b in c] for a in q],
                      dtype=np.float64).reshape(len(q), len(c))
    return _rounded(scores, out_dtype)


@typed_errors
def cpdist(
    queries: Iterable,
    choices: Iterable,
    *,
    scorer: Callable = ratio,
    processor: Callable | None = None,
    score_cutoff: float | None = None,
    score_hint: float | None = None,
    score_multiplier: float = 1,
    dtype: Any = None,
    workers: int = 1,
    scorer_kwargs: dict | None = None,
) -> np.ndarray:
    """Scores of each pair ``(queries[i], choices[i])``.

    Parameters
    ----------
    queries, choices : iterable of str
        Of the same length; pair ``i`` is ``(queries[i], choices[i])``.
    scorer, processor, score_cutoff, score_hint, score_multiplier, dtype, workers, scorer_kwargs
        As in :func:`cdist`.

    Returns
    -------
    numpy.ndarray
        One score per pair.

    Examples
    --------
    >>> from tunelens import process
    >>> process.cpdist(["abba", "queen"], ["ABBA", "queen"], processor=str.lower)
    array([100., 100.], dtype=float32)
    """
    _ = score_hint
    scorer_kwargs = _kwargs(scorer_kwargs)
    queries, choices = list(queries), list(choices)
    if len(queries) != len(choices):
        raise ValueError("Length of queries and choices must be the same!")
    out_dtype = _matrix_dtype(dtype, scorer, scorer_kwargs)
    name = _native(scorer, scorer_kwargs)
    if name is not None and score_multiplier == 1:
        q, c = _prepared(queries, processor), _prepared(choices, processor)
        scores = _core.match_cpdist(name, q, c, score_cutoff=_check_cutoff(score_cutoff), workers=workers)
    else:
        q, c = _processed_as_is(queries, processor), _processed_as_is(choices, processor)
        scores = np.array([_scored(scorer, a, b, score_cutoff, score_multiplier, scorer_kwargs) for a, b in zip(q, c)],
                          dtype=np.float64)
    return _rounded(scores, out_dtype)
