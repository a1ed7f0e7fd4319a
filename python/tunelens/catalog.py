"""Joining two music catalogs on artist and title: exact, then fuzzy, one-to-one."""

from __future__ import annotations

import numbers
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tunelens import _core
from tunelens.exceptions import InvalidParameterError, MissingColumnError
from tunelens.text import as_texts, normalize as normalize_texts

__all__ = ["match_catalogs"]

_HOW = ("inner", "left")


def match_catalogs(
    left: Any,
    right: Any,
    *,
    left_on: str | tuple[str, ...] | list[str] = ("artist", "title"),
    right_on: str | tuple[str, ...] | list[str] | None = None,
    scorer: str = "token_sort_ratio",
    threshold: float = 90,
    normalize: bool | dict[str, Any] = True,
    one_to_one: bool = True,
    how: str = "inner",
    exhaustive: bool = False,
    field_threshold: float | None = None,
    n_jobs: int = -1,
    progress: bool = True,
) -> Any:
    """Matches the rows of two catalogs that hold the same song, on artist and title.

    1. **Keys.** Each key column is normalized with :func:`tunelens.normalize`
       (``normalize=True``: its defaults plus ``drop_leading_the=True``, since
       services disagree on "The"; a dict passes options on top of those;
       ``False`` keeps the raw strings). A row whose key has a missing value (None, NaN), a non-string
       value (numbers, bytes) or a value that is empty after normalization
       never matches, and never raises.
    2. **Exact pass.** Rows with equal normalized key tuples match with score
       100 and ``match_type="exact"`` (a hash join).
    3. **Fuzzy pass** over the rows left. Each key column is scored with
       ``scorer`` (a :mod:`tunelens.fuzz` scorer name, rapidfuzz semantics, 0-100);
       the combined ``score`` is the mean of the column scores weighted by the
       summed lengths (code points) of the two values, so one typo costs about
       as much as in the concatenated key. Pairs with ``score >= threshold``
       are candidates (``match_type="fuzzy"``).

       Every key column must also score at least ``field_threshold``
       (default ``2 * threshold - 100``, i.e. 80: the score the other column
       would need if one were perfect and both weighed the same), which keeps
       "Fire" from matching "Fire Echo" by a long-named artist.

       *Blocking* (``exhaustive=False``): a left row is compared only with the
       right rows whose first key (the artist) shares at least one character
       bigram with its own, both padded with a sentinel at each end (so even
       "lowe" and "lwoe" share "^l" and "e$"). For Indel-based scorers
       (``ratio``, ``token_sort_ratio``, ``QRatio``) the q-gram lemma's count
       filter also skips artist pairs that cannot reach ``field_threshold``
       (lossless). So blocking only loses pairs whose artists score at least
       ``field_threshold`` yet share no padded bigram; ``exhaustive=True``
       scores every remaining pair instead (slower, same memory bound). With a
       single key column its cutoff is ``max(threshold, field_threshold)``. Each left row
keeps its 16 best candidates, so memory stays linear in the row counts.
    4. **Assignment.** Candidates are taken by descending score; ties go to
       the left row whose normalized key sorts first (then its position), then
       likewise on the right. Exact matches are assigned before fuzzy ones.
       With ``one_to_one`` each row is used at most once; otherwise each left
       row takes its best right row. The result depends neither on ``n_jobs``
       nor on the order of the rows (rows with identical keys are
       interchangeable).

    Parameters
    ----------
    left, right : pandas.DataFrame
        The two catalogs.
    left_on : str or sequence of str
        Key columns of ``left``, the artist first (it is the blocking key).
    right_on : str or sequence of str, optional
        Key columns of ``right`` (default: ``left_on``), same count and order.
    scorer : str
        ``"ratio"``, ``"token_sort_ratio"``, ``"token_set_ratio"``, ``"WRatio"``, ...
    threshold : float in [0, 100]
        Minimum combined score of a fuzzy match.
    normalize : bool or dict
        Normalize the keys first (a dict holds :func:`tunelens.normalize` options).
    one_to_one : bool
        Use every row at most once.
    how : {"inner", "left"}
        ``"left"`` also returns the unmatched left rows (right side NaN).
    exhaustive : bool
        Score every fuzzy pair instead of blocking by the first key.
    field_threshold : float in [0, 100], optional
        Minimum score of every key column of a fuzzy match (default ``2 * threshold - 100``).
    n_jobs : int
        Threads (-1 = all cores).
    progress : bool
        Show a tqdm bar of the fuzzy pass when tqdm is installed and a terminal
        or notebook is attached.

    Returns
    -------
    pandas.DataFrame
        One row per match, ordered by left row: ``left_index``, ``right_index``
        (the frames' index labels), the original keys ``left_<col>`` and
        ``right_<col>``, the normalized keys ``left_<col>_norm`` and
        ``right_<col>_norm``, ``<col>_score`` per key (named by ``left_on``),
        ``score`` and ``match_type`` (``"exact"`` or ``"fuzzy"``). With
        ``how="left"`` every left row appears once, in left order, the right
        side, scores and ``match_type`` of the unmatched ones NaN.

    Raises
    ------
    MissingColumnError
        A key column is missing (the message names it and the side).
    InvalidParameterError
        An argument is out of range or of the wrong kind.

    Examples
    --------
    >>> chart, features, truth = tunelens.datasets.make_catalogs(1000)
    >>> pairs = tunelens.match_catalogs(chart, features)
    """
    import pandas as pd

    left_cols = _columns(left_on, "left_on")
    right_cols = left_cols if right_on is None else _columns(right_on, "right_on")
    if len(right_cols) != len(left_cols):
        raise InvalidParameterError(f"right_on must name as many columns as left_on ({len(left_cols)}), got {right_cols}")
    for name, frame, cols in (("left", left, left_cols), ("right", right, right_cols)):
        if not isinstance(frame, pd.DataFrame):
            raise InvalidParameterError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
        for col in cols:
            if col not in frame.columns:
                raise MissingColumnError(f"{name} has no column {col!r} (from {name}_on); its columns are {list(frame.columns)}")
    threshold, block = _thresholds(threshold, field_threshold)
    if how not in _HOW:
        raise InvalidParameterError(f"how must be one of {_HOW}, got {how!r}")
    if not isinstance(scorer, str):
        raise InvalidParameterError(f"scorer must be a scorer name such as 'token_sort_ratio', got {scorer!r}")

    raw_left = [as_texts(left[c]) for c in left_cols]
    raw_right = [as_texts(right[c]) for c in right_cols]
    norm_left = [_prepare(v, normalize, n_jobs) for v in raw_left]
    norm_right = [_prepare(v, normalize, n_jobs) for v in raw_right]
    bar, report = _progress(progress)
    try:
        li, ri, field_scores, score, exact = _core.match_keys(
            norm_left, norm_right, scorer=scorer, threshold=threshold, field_threshold=block,
            one_to_one=bool(one_to_one), exhaustive=bool(exhaustive), n_jobs=n_jobs, progress=report)
    finally:
        if bar is not None:
            bar.close()

    return _pairs_table(left, right, left_cols, right_cols, norm_left, norm_right,
                        (li, ri, field_scores, score, exact), how)


def _thresholds(threshold: Any, field_threshold: Any) -> tuple[float, float]:
    """The validated ``threshold`` and ``field_threshold`` (default ``2 * threshold - 100``)."""
    threshold = _score(threshold, "threshold")
    default = max(0.0, 2 * threshold - 100)
    return threshold, _score(default if field_threshold is None else field_threshold, "field_threshold")


def _pairs_table(left: Any, right: Any, left_cols: list[str], right_cols: list[str],
                 norm_left: list[list[str | None]], norm_right: list[list[str | None]],
                 matched: tuple[np.ndarray, ...], how: str) -> Any:
    """The output table of :func:`match_catalogs` from the matched
    ``(left, right, field_scores, score, exact)`` arrays, ordered by left row."""
    import pandas as pd

    li, ri, field_scores, score, exact = matched
    columns: dict[str, Any] = {"left_index": left.index[li], "right_index": right.index[ri]}
    for lc in left_cols:
        columns[f"left_{lc}"] = left[lc].to_numpy()[li]
    for rc in right_cols:
        columns[f"right_{rc}"] = right[rc].to_numpy()[ri]
    for lc, values in zip(left_cols, norm_left):
        columns[f"left_{lc}_norm"] = _take(values, li)
    for rc, values in zip(right_cols, norm_right):
        columns[f"right_{rc}_norm"] = _take(values, ri)
    for k, lc in enumerate(left_cols):
        columns[f"{lc}_score"] = field_scores[:, k]
    columns["score"] = score
    columns["match_type"] = np.where(exact, "exact", "fuzzy").astype(object)
    out = pd.DataFrame(columns)
    if how == "left":
        out = _with_unmatched_left(out.set_axis(li), left, left_cols, norm_left)
    return out.reset_index(drop=True)


def _columns(on: Any, name: str) -> list[str]:
    cols = [on] if isinstance(on, str) else list(on) if isinstance(on, (list, tuple)) else None
    if not cols:
        raise InvalidParameterError(f"{name} must be a column name or a non-empty list of them, got {on!r}")
    return cols


def _score(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 100:
        raise InvalidParameterError(f"{name} must be a number in [0, 100], got {value!r}")
    return float(value)


def _prepare(values: list[str | None], normalize: bool | dict[str, Any], n_jobs: int) -> list[str | None]:
    if normalize is False:
        return values
    if normalize is True:
        return normalize_texts(values, n_jobs=n_jobs, drop_leading_the=True)
    if isinstance(normalize, dict):
        return normalize_texts(values, n_jobs=n_jobs, **{"drop_leading_the": True, **normalize})
    raise InvalidParameterError(f"normalize must be True, False or a dict of tunelens.normalize options, got {normalize!r}")


def _take(values: list[str | None], rows: np.ndarray) -> np.ndarray:
    return np.array(values, dtype=object)[rows] if len(rows) else np.array([], dtype=object)


def _with_unmatched_left(out: Any, left: Any, left_cols: list[str], norm_left: list[list[str | None]]) -> Any:
    """``out`` (indexed by left position) with a row for every left row, the unmatched ones NaN on the right."""
    full = out.reindex(np.arange(len(left)))
    full["left_index"] = left.index
    for lc, values in zip(left_cols, norm_left):
        full[f"left_{lc}"] = left[lc].to_numpy()
        full[f"left_{lc}_norm"] = np.array(values, dtype=object)
    return full


def _progress(enabled: bool) -> tuple[Any, Callable[[int, int], None] | None]:
    """A tqdm bar and its ``(done, total)`` callback, when someone can see it."""
    if not enabled or not (sys.stderr.isatty() or "ipykernel" in sys.modules):
        return None, None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=0, unit="row", desc="match_catalogs (fuzzy)")

    def report(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return bar, report
