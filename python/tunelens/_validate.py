"""Argument checks shared by the public functions: one message style everywhere."""

from __future__ import annotations

import contextlib
import functools
import inspect
import numbers
import os
from typing import Any, Callable, Iterator

import numpy as np

from tunelens import _core
from tunelens.exceptions import (
    InvalidAxisError,
    InvalidParameterError,
    InvalidTypeError,
    OutputExistsError,
    OutputWriteError,
    ParameterOverflowError,
)


def audio(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as a float32/float64 array (float16 is widened), without copying.

    Raises
    ------
    InvalidParameterError
        If ``y`` is not floating-point (integer PCM must be scaled by the
        caller, as librosa requires) or is a scalar.
    """
    arr = np.asarray(y)
    if not np.issubdtype(arr.dtype, np.floating):
        raise InvalidParameterError(
            f"{name} must be floating-point audio (float32 or float64), got dtype {arr.dtype}; "
            "scale integer PCM to [-1, 1] first, e.g. y.astype(np.float32) / 32768"
        )
    if arr.ndim == 0:
        raise InvalidParameterError(f"{name} must have at least one dimension, got a scalar")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float32)
    return arr


def mono32(y: Any, name: str) -> np.ndarray:
    """``y`` (see :func:`audio`) as a contiguous 1-D float32 signal; other shapes are refused."""
    arr = audio(y, name)
    if arr.ndim != 1:
        raise InvalidParameterError(f"{name} must be a 1-D mono signal, got shape {arr.shape}")
    return np.ascontiguousarray(arr, dtype=np.float32)


def real_array(x: Any, name: str) -> np.ndarray:
    """``x`` as a float32/float64 array: other floats become float32, integers float64."""
    arr = np.asarray(x)
    if arr.dtype in (np.float32, np.float64):
        return arr
    if np.issubdtype(arr.dtype, np.floating):
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        return arr.astype(np.float64)
    raise InvalidParameterError(f"{name} must be a real numeric array, got dtype {arr.dtype}")


def positive_int(value: Any, name: str) -> int:
    """``value`` as a positive ``int``; bools and fractional numbers are rejected."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise InvalidParameterError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def positive_number(value: Any, name: str) -> float:
    """``value`` as a positive finite ``float``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value <= 0:
        raise InvalidParameterError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def finite_number(value: Any, name: str) -> float:
    """``value`` as a finite ``float`` (librosa: "Input must be finite")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise InvalidParameterError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def axis(value: Any, ndim: int, name: str = "axis") -> int:
    """``value`` as an axis of an ``ndim``-dimensional array (negative counts from the end)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not -ndim <= value < ndim:
        raise InvalidAxisError(f"{name}={value!r} is out of range for an array with {ndim} dimension(s)")
    return int(value)


def float_dtype(value: Any, name: str = "dtype") -> np.dtype:
    """``value`` as a floating-point numpy dtype (audio is floating-point, as in librosa)."""
    try:
        dtype = np.dtype(value)
    except TypeError as e:
        raise InvalidParameterError(f"{name}={value!r} is not a numpy dtype") from e
    if not np.issubdtype(dtype, np.floating):
        raise InvalidParameterError(f"{name}={dtype} is not floating-point: audio data must be floating-point")
    return dtype


def affordable(nbytes: float, name: str, value: Any) -> None:
    """Refuses a parameter value whose buffers would not fit in this process's memory.

    The rule is the core's (half of the smallest of physical memory, the
    address-space limit and the cgroup limit); ``value`` is named in the message.

    Raises
    ------
    TooLargeError
        Before anything is allocated, instead of a MemoryError or an OOM kill.
    """
    _core.affordable(f"{name}={value!r}", float(nbytes))

def output_path(path: Any, name: str = "path") -> str:
    """``path`` (str or PathLike) as a ``str``, for a file tunelens will write.

    Raises
    ------
    InvalidTypeError
        For anything else (``None``, a number, an open file), naming ``name``.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidTypeError(f"{name} must be a file path (str or os.PathLike), got {type(path).__name__}: {path!r:.80}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text:
        raise InvalidTypeError(f"{name} must be a non-empty text path, got {text!r:.80}")
    return text


@contextlib.contextmanager
def writing(path: Any) -> Iterator[None]:
    """Runs a write of ``path``: any ``OSError`` it raises (missing or
    unwritable folder, a folder in the way, a full disk) becomes an
    :class:`~tunelens.OutputWriteError` ("cannot write: <reason>: '<path>'"), a
    ``FileExistsError`` an :class:`~tunelens.OutputExistsError`.

    Examples
    --------
    >>> with writing("/no/such/folder/out.json"):  # doctest: +SKIP
    ...     open("/no/such/folder/out.json", "w")
    Traceback (most recent call last):
    tunelens.exceptions.OutputWriteError: [Errno 2] cannot write: No such file or directory: '/no/such/folder/out.json'
    """
    try:
        yield
    except OutputWriteError:
        raise
    except OSError as err:
        cls = OutputExistsError if isinstance(err, FileExistsError) else OutputWriteError
        reason = err.strerror or str(err) or type(err).__name__
        where = f" ('{err.filename}')" if err.filename and os.fspath(err.filename) != os.fspath(path) else ""
        raise cls(err.errno, f"cannot write: {reason}{where}", os.fspath(path)) from err


#: The tunelens class for each builtin the rapidfuzz-compatible functions
#: raise where rapidfuzz raises the same builtin.
_RETYPED: dict[type, type] = {
    TypeError: InvalidTypeError,
    ValueError: InvalidParameterError,
    OverflowError: ParameterOverflowError,
}


def retyped(error: BaseException, where: str) -> BaseException:
    """``error`` as the :class:`TunelensError` subclass that also subclasses
    its builtin class (``TypeError`` -> ``InvalidTypeError``...), the message
    prefixed by ``where`` (the function), the original as its ``__cause__``.

    Only exact builtins are converted: tunelens's own errors and any other
    class (a processor's or scorer's own exceptions) are returned unchanged.
    The native ``fuzz``/``distance`` functions call it from Rust on failure
    (``src/py/errors.rs``), the ``process`` and ``utils`` functions through
    :func:`typed_errors`: one table for the whole rapidfuzz-compatible API.
    """
    cls = _RETYPED.get(type(error))
    if cls is None:
        return error
    new = cls(f"{where}: {error}")
    new.__cause__ = error
    return new


@contextlib.contextmanager
def _retyping(where: str) -> Iterator[None]:
    """Re-raises the builtin errors of the block as typed ones (:func:`retyped`)."""
    try:
        yield
    except (TypeError, ValueError, OverflowError) as error:
        new = retyped(error, where)
        if new is error:
            raise
        raise new from error


def typed_errors(func: Callable) -> Callable:
    """Wraps a rapidfuzz-compatible function (or generator function) so that
    the builtin errors it raises become typed ones (:func:`retyped`)."""
    where = f"{func.__module__.removeprefix('tunelens.')}.{func.__name__}"

    if inspect.isgeneratorfunction(func):
        @functools.wraps(func)
        def generate(*args: Any, **kwargs: Any) -> Any:
            with _retyping(where):
                yield from func(*args, **kwargs)
        return generate

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _retyping(where):
            return func(*args, **kwargs)
    return call
