"""The Python path of :mod:`tunelens.process` (rapidfuzz's ``process_py``):
the six functions for any scorer, called per pair. They hold the public
docstrings, which :mod:`tunelens.process` gives the dispatching functions.

``score_hint`` is not passed to the scorer: rapidfuzz passes it to no Python
scorer either, and it never changes a result there.
"""

from __future__ import annotations

import heapq
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from tunelens._process_common import is_none, items, kwargs, limit_of, matrix_dtype, paired, prepared, rounded
from tunelens._validate import affordable
from tunelens.fuzz import WRatio, ratio

#: Bytes per cell of a matrix scored by a Python scorer: a float object and a
#: list slot per score, then the float64 array.
_PYTHON_CELL_BYTES = 48


def _flags(scorer: Callable, scorer_kwargs: dict) -> tuple[Any, Any]:
    """``(worst, optimal)`` score of a scorer, from rapidfuzz's scorer protocol."""
    params = getattr(scorer, "_RF_ScorerPy", None)
    if params is not None:
        flags = params["get_scorer_flags"](**scorer_kwargs)
        return flags["worst_score"], flags["optimal_score"]
    return 0, 100


def _processed_as_is(values: list, processor: Callable | None) -> list:
    """``processor`` applied to the present values; missing ones kept as they are
    (rapidfuzz's generic path hands them to the scorer)."""
    return values if processor is None else [v if is_none(v) else processor(v) for v in values]


def _scored(scorer: Callable, a: Any, b: Any, score_cutoff: Any, multiplier: float, scorer_kwargs: dict) -> Any:
    """One pair scored by a Python scorer, as rapidfuzz's generic path does:
    missing values are passed on (the scorer decides), the result multiplied."""
    return scorer(a, b, score_cutoff=score_cutoff, **scorer_kwargs) * multiplier


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
        An expected score, as in rapidfuzz, where it only selects a faster
        Levenshtein algorithm and never changes a result. With a fuzz scorer
        it is checked like ``score_cutoff`` (0..100, else
        ``InvalidTypeError``) and changes nothing (no fuzz scorer has a
        hinted path); any other scorer does not receive it (rapidfuzz passes
        it to no Python scorer either).
    scorer_kwargs : dict, optional
        Extra keyword arguments for ``scorer``.

    Yields
    ------
    tuple
        ``(choice, score, key)`` in choice order.

    Examples
    --------
    >>> from tunelens import fuzz, process
    >>> list(process.extract_iter("abba", ["ABBA", "abba", "queen"], scorer=fuzz.ratio, score_cutoff=50))
    [('abba', 100.0, 1)]
    """
    _ = score_hint  # passed to no Python scorer, as in rapidfuzz
    scorer_kwargs = kwargs(scorer_kwargs)
    if is_none(query):
        return
    keys, values = items(choices)
    query = processor(query) if processor is not None else query
    worst, optimal = _flags(scorer, scorer_kwargs)
    cutoff = worst if score_cutoff is None else score_cutoff
    higher_is_better = optimal > worst
    for key, value, item in zip(keys, values, prepared(values, processor)):
        if item is None:
            continue
        score = scorer(query, item, score_cutoff=cutoff, **scorer_kwargs)
        if (score >= cutoff) if higher_is_better else (score <= cutoff):
            yield value, score, key


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
    >>> from tunelens import fuzz, process
    >>> process.extractOne("Queen - Bohemian Rapsody", ["ABBA - Waterloo", "Queen - Bohemian Rhapsody"],
    ...                    scorer=fuzz.ratio)
    ('Queen - Bohemian Rhapsody', 97.95918367346938, 1)
    """
    scorer_kwargs = kwargs(scorer_kwargs)
    best = None
    worst, optimal = _flags(scorer, scorer_kwargs)
    higher_is_better = optimal > worst
    for found in extract_iter(query, choices, scorer=scorer, processor=processor,
                              score_cutoff=score_cutoff, score_hint=score_hint, scorer_kwargs=scorer_kwargs):
        if best is None or (found[1] > best[1] if higher_is_better else found[1] < best[1]):
            best = found
            if found[1] == optimal:
                break
    return best


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
    >>> process.extract("abba", ["ABBA", "abba", "abbey"], scorer=fuzz.ratio, limit=2)
    [('abba', 100.0, 1), ('abbey', 66.66666666666667, 2)]
    """
    scorer_kwargs = kwargs(scorer_kwargs)
    if is_none(query):
        return []
    _, values = items(choices)
    n = limit_of(limit, len(values))
    worst, optimal = _flags(scorer, scorer_kwargs)
    found = extract_iter(query, choices, scorer=scorer, processor=processor,
                         score_cutoff=score_cutoff, score_hint=score_hint, scorer_kwargs=scorer_kwargs)
    if optimal > worst:
        return heapq.nlargest(n, found, key=lambda r: r[1])
    return heapq.nsmallest(n, found, key=lambda r: r[1])


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
    scorer_kwargs = kwargs(scorer_kwargs)
    if limit is None:
        return [extractOne(q, choices, scorer=scorer, processor=processor, score_cutoff=score_cutoff,
                           scorer_kwargs=scorer_kwargs) for q in queries]
    return [extract(q, choices, scorer=scorer, processor=processor, limit=limit,
                    score_cutoff=score_cutoff, scorer_kwargs=scorer_kwargs) for q in queries]


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
    scorer, processor, score_cutoff, score_hint, scorer_kwargs
        As in :func:`extractOne` (default scorer: ``ratio``).
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
    >>> process.cdist(["abba", "queen"], ["abba", "abbey"], scorer=fuzz.ratio, dtype="uint8")
    array([[100,  67],
           [  0,  20]], dtype=uint8)
    """
    _ = score_hint  # passed to no Python scorer, as in rapidfuzz
    scorer_kwargs = kwargs(scorer_kwargs)
    queries, choices = list(queries), list(choices)
    out_dtype = matrix_dtype(dtype, scorer, scorer_kwargs)
    q, c = _processed_as_is(queries, processor), _processed_as_is(choices, processor)
    # Refused before the loop (TooLargeError, a MemoryError like numpy's refusal in rapidfuzz).
    affordable(float(len(q)) * len(c) * _PYTHON_CELL_BYTES, "len(queries) × len(choices)", f"{len(q)} × {len(c)}")
    scores = np.array([[_scored(scorer, a, b, score_cutoff, score_multiplier, scorer_kwargs) for b in c] for a in q],
                      dtype=np.float64).reshape(len(q), len(c))
    return rounded(scores, out_dtype)


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
    >>> from tunelens import fuzz, process
    >>> process.cpdist(["abba", "queen"], ["abba", "abbey"], scorer=fuzz.ratio, dtype="float64")
    array([100.,  20.])
    """
    _ = score_hint  # passed to no Python scorer, as in rapidfuzz
    scorer_kwargs = kwargs(scorer_kwargs)
    queries, choices = paired(queries, choices)
    out_dtype = matrix_dtype(dtype, scorer, scorer_kwargs)
    q, c = _processed_as_is(queries, processor), _processed_as_is(choices, processor)
    scores = np.array([_scored(scorer, a, b, score_cutoff, score_multiplier, scorer_kwargs) for a, b in zip(q, c)],
                      dtype=np.float64)
    return rounded(scores, out_dtype)
