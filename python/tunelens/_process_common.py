"""Helpers shared by the native (``_process_native``) and Python
(``_process_py``) paths of :mod:`tunelens.process`."""

from __future__ import annotations

import numbers
import sys
from typing import Any, Callable, Iterable

import numpy as np

from tunelens import _core, fuzz
from tunelens.exceptions import InvalidTypeError
from tunelens.utils import default_process

#: rapidfuzz's missing values (None, float NaN, ``pandas.NA``): the core's one test.
is_none = _core.is_missing

_FUZZ_NAMES = set(fuzz.__all__)
_NATIVE = {getattr(fuzz, name): name for name in fuzz.__all__}


def native_name(scorer: Callable, scorer_kwargs: Any, score_multiplier: Any = 1) -> str | None:
    """Name of the Rust scorer that replaces ``scorer`` (None: the call runs in Python).

    A ``tunelens.fuzz`` or ``rapidfuzz.fuzz`` scorer without ``scorer_kwargs``
    and with ``score_multiplier`` 1 runs in Rust.
    """
    if scorer_kwargs or score_multiplier != 1:
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


def items(choices: Any) -> tuple[list, list]:
    """``(keys, values)``: dict keys / Series index labels, else positions."""
    if hasattr(choices, "items"):
        pairs = list(choices.items())
        return [k for k, _ in pairs], [v for _, v in pairs]
    values = list(choices)
    return list(range(len(values))), values


def paired(queries: Iterable, choices: Iterable) -> tuple[list, list]:
    """``(queries, choices)`` as lists of one length (cpdist's pairs); a
    ValueError otherwise, rapidfuzz's message."""
    queries, choices = list(queries), list(choices)
    if len(queries) != len(choices):
        raise ValueError("Length of queries and choices must be the same!")
    return queries, choices


def is_default_process(processor: Callable) -> bool:
    """Whether ``processor`` is tunelens's or rapidfuzz's ``default_process``."""
    if processor is default_process:
        return True
    rapidfuzz_utils = sys.modules.get("rapidfuzz.utils")
    return rapidfuzz_utils is not None and processor is getattr(rapidfuzz_utils, "default_process", None)


def prepared(values: Iterable, processor: Callable | None) -> list:
    """Processed values, None for missing ones.

    ``default_process`` (tunelens's or rapidfuzz's) runs in one Rust call for
    the whole list when every value is a string or missing.
    """
    if processor is None:
        return [None if is_none(v) else v for v in values]
    if is_default_process(processor):
        values = values if isinstance(values, list) else list(values)
        try:
            return _core.default_process_many(values)
        except TypeError:
            pass  # non-string items: processed one by one below, raising as rapidfuzz does
    return [None if is_none(v) else processor(v) for v in values]


def kwargs(scorer_kwargs: Any) -> dict:
    """``scorer_kwargs`` as a dict (None: empty); anything else is refused as rapidfuzz does."""
    if scorer_kwargs is None:
        return {}
    if not isinstance(scorer_kwargs, dict):
        raise InvalidTypeError(f"scorer_kwargs must be a dict or None, not {type(scorer_kwargs).__name__}")
    return scorer_kwargs


def limit_of(limit: Any, n: int) -> int:
    """At most ``n`` (None: all); a limit that is not a number is refused as rapidfuzz does (TypeError)."""
    if limit is None:
        return n
    if not isinstance(limit, numbers.Real):
        raise InvalidTypeError(f"limit must be an int or None, not {type(limit).__name__}")
    return min(int(limit), n)


_INT_DTYPES = {np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)}
_RESULT_F64, _RESULT_I64, _RESULT_SIZE_T = 32, 64, 128


def rounded(scores: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Scores in ``dtype``; integer dtypes round half up like rapidfuzz."""
    if dtype in _INT_DTYPES:
        return np.floor(scores + 0.5).astype(dtype)
    return scores.astype(dtype)


def matrix_dtype(dtype: Any, scorer: Callable, scorer_kwargs: dict) -> np.dtype:
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
