"""rapidfuzz-compatible batch matching (``tunelens.process``).

``extractOne``, ``extract``, ``extract_iter``, ``cdist`` and ``cpdist`` return
what rapidfuzz 3.14 returns (same choices, scores, keys and order). With a
tunelens or rapidfuzz ``fuzz`` scorer the work runs in Rust (each query prepared
once, rows in parallel); any other callable runs in Python like rapidfuzz's
fallback. ``extract_many`` adds the batched best-match search: every query at
once on all cores, memory bounded by ``queries × limit``.

The two paths live apart, as rapidfuzz keeps ``process_cpp`` and
``process_py``: :mod:`tunelens._process_native` and
:mod:`tunelens._process_py`. Each function here picks one per call
(:func:`tunelens._process_common.native_name`) and carries the Python path's
docstring (rapidfuzz's ``fallback_import``).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from tunelens import _process_native, _process_py
from tunelens._process_common import native_name
from tunelens._validate import typed_errors
from tunelens.utils import default_process  # noqa: F401  (importable from here, as before)

__all__ = ["extractOne", "extract", "extract_iter", "cdist", "cpdist", "extract_many"]


def _fallback_import(name: str) -> Callable:
    """The public function ``name``: the native implementation when the scorer
    runs in Rust, else the Python one, whose name, signature and docstring it
    carries; builtin errors become typed ones (:func:`typed_errors`)."""
    native, python = getattr(_process_native, name), getattr(_process_py, name)
    default_scorer = inspect.signature(python).parameters["scorer"].default

    def pick(kwargs: dict) -> Callable:
        scorer = kwargs.get("scorer", default_scorer)
        found = native_name(scorer, kwargs.get("scorer_kwargs"), kwargs.get("score_multiplier", 1))
        return python if found is None else functools.partial(native, found, scorer=scorer)

    if inspect.isgeneratorfunction(python):
        def dispatch(*args: Any, **kwargs: Any) -> Any:
            yield from pick(kwargs)(*args, **kwargs)
    else:
        def dispatch(*args: Any, **kwargs: Any) -> Any:
            return pick(kwargs)(*args, **kwargs)

    functools.update_wrapper(dispatch, python)
    dispatch.__module__ = __name__
    return typed_errors(dispatch)


extract_iter = _fallback_import("extract_iter")
extractOne = _fallback_import("extractOne")
extract = _fallback_import("extract")
extract_many = _fallback_import("extract_many")
cdist = _fallback_import("cdist")
cpdist = _fallback_import("cpdist")
