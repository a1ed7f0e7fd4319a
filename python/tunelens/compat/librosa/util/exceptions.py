"""``librosa.util.exceptions``: ``ParameterError`` also catches tunelens's parameter errors.

With librosa installed these are librosa's own classes (parameter errors raised
through the shim subclass its ``ParameterError``); without librosa,
``ParameterError`` is :class:`tunelens.InvalidParameterError` and
``LibrosaError`` is :class:`tunelens.TunelensError`.
"""

from importlib import import_module as _import_module
from importlib.util import find_spec as _find_spec
from typing import Any as _Any

from tunelens.exceptions import InvalidParameterError as _InvalidParameterError, TunelensError as _TunelensError

_STANDALONE = {"ParameterError": _InvalidParameterError, "LibrosaError": _TunelensError}


def __getattr__(name: str) -> _Any:
    if _find_spec("librosa") is not None:
        return getattr(_import_module("librosa.util.exceptions"), name)
    if name in _STANDALONE:
        return _STANDALONE[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
