"""tunelens errors that ``except librosa.util.exceptions.ParameterError`` also catches."""

from __future__ import annotations

import functools
import importlib.util
from types import ModuleType
from typing import Any, Callable

from tunelens.exceptions import InvalidParameterError


@functools.lru_cache(maxsize=None)
def parameter_error() -> type[Exception]:
    """librosa's ``ParameterError`` when librosa is installed, else tunelens's InvalidParameterError."""
    if importlib.util.find_spec("librosa") is None:
        return InvalidParameterError
    from librosa.util.exceptions import ParameterError

    return type("ParameterError", (InvalidParameterError, ParameterError), {
        "__module__": __name__,
        "__doc__": "A tunelens InvalidParameterError that is also a librosa ParameterError.",
    })


def librosa_errors(function: Callable) -> Callable:
    """Wraps a tunelens function so that its parameter errors are also librosa ParameterErrors."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except InvalidParameterError as error:
            cls = parameter_error()
            if isinstance(error, cls):
                raise
            raise cls(*error.args) from error

    return call


def wrap_all(functions: dict[str, Any]) -> dict[str, Any]:
    """:func:`librosa_errors` applied to every function of a name -> function table (modules kept)."""
    return {name: f if isinstance(f, ModuleType) else librosa_errors(f) for name, f in functions.items()}
