"""Native functions that leave the argument combinations they do not serve to librosa."""

from __future__ import annotations

import functools
from typing import Any, Callable

from tunelens.compat._shim import fallback
from tunelens.compat.librosa._errors import librosa_errors


def native_unless(shim: str, reference: str, native: Callable, unsupported: Callable[..., bool]) -> Callable:
    """``native`` (its errors also librosa's), or ``reference``'s function of the same name for a call
    ``unsupported(*args, **kwargs)`` flags (with one ``TunelensFallbackWarning`` per name and process)."""
    name = native.__name__
    served = librosa_errors(native)

    @functools.wraps(native)
    def call(*args: Any, **kwargs: Any) -> Any:
        if unsupported(*args, **kwargs):
            return fallback(shim, reference, name)(*args, **kwargs)
        return served(*args, **kwargs)

    return call
