"""``rapidfuzz.process`` served by ``tunelens.process`` where it exists (see :mod:`tunelens.compat.rapidfuzz`).

rapidfuzz's ``cdist``/``cpdist`` pass extra keywords (and ``scorer_kwargs``)
to the scorer; tunelens takes them as ``scorer_kwargs``, which the adapters
below forward.
"""

import functools as _functools
import inspect as _inspect
from typing import Any as _Any, Callable as _Callable

from tunelens.compat._shim import install as _install, optional_module as _optional, public_functions as _public

_process = _optional("tunelens.process")


def _scorer_kwargs_from_keywords(matrix: _Callable) -> _Callable:
    """rapidfuzz's ``matrix(queries, choices, ..., **kwargs)`` on tunelens's ``scorer_kwargs``."""

    options = _options(matrix)

    @_functools.wraps(matrix)
    def call(queries: _Any, choices: _Any, **kwargs: _Any) -> _Any:
        own = {k: kwargs.pop(k) for k in list(kwargs) if k in options}
        scorer_kwargs = {**(kwargs.pop("scorer_kwargs", None) or {}), **kwargs}
        return matrix(queries, choices, scorer_kwargs=scorer_kwargs or None, **own)

    own_signature = _inspect.signature(matrix)
    parameters = [p for p in own_signature.parameters.values() if p.name != "scorer_kwargs"]
    kwargs = _inspect.Parameter("kwargs", _inspect.Parameter.VAR_KEYWORD)
    call.__signature__ = own_signature.replace(parameters=[*parameters, kwargs])
    return call


def _options(matrix: _Callable) -> set:
    return set(_inspect.signature(matrix).parameters) - {"queries", "choices", "scorer_kwargs"}


_FUNCTIONS = _public(_process)
_FUNCTIONS.update({name: _scorer_kwargs_from_keywords(_FUNCTIONS[name]) for name in ("cdist", "cpdist")
                   if name in _FUNCTIONS})

_install(__name__, "rapidfuzz.process", _FUNCTIONS)
