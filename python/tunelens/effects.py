"""Signal effects, matching ``librosa.effects`` 0.11."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import numpy as np

from tunelens import _core
from tunelens._validate import audio
from tunelens.decompose import hpss_args
from tunelens.filters import WindowSpec
from tunelens._docs import fill_doc
from tunelens._framing import prepare, stft_args

__all__ = ["hpss", "harmonic", "percussive"]

_F = TypeVar("_F", bound=Callable)


#: The Parameters section of hpss, harmonic and percussive.
_PARAMETERS = """
Parameters
----------
y : np.ndarray [shape=(..., n)]
    Audio (float32 or float64).
kernel_size : int or (int, int)
    Median window (harmonic frames, percussive bins).
power : float > 0 or np.inf
    Soft-mask exponent.
mask : bool
    As librosa: with True, the signals are the inverse STFTs of the soft
    (or hard) masks themselves instead of the masked spectrograms.
margin : float >= 1 or (float, float)
    Separation margins.
n_fft, hop_length, win_length, center, pad_mode
    STFT parameters.
window
    Ignored, as in librosa (the STFT uses a Hann window).
"""

#: The examples' signal: a 440 Hz tone with a click every quarter second.
_SIGNAL = """
>>> sr = 22050
>>> y = 0.5 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
>>> y[::sr // 4] += 1.0
"""

#: The docstring of harmonic and percussive, each one part of hpss's result.
_PART_DOC = """The {part} part of audio (``librosa.effects.{part}``).

{parameters}

Returns
-------
np.ndarray [shape=(..., n)]
    The {ordinal} element of :func:`hpss`'s result.

Examples
--------
{signal}
>>> y_{part} = tl.effects.{part}(y, n_fft=1024)
>>> y_{part}.shape
(22050,)
"""


def _part_doc(**names: str) -> Callable[[_F], _F]:
    """Decorator: the docstring of one hpss part (``part``, ``ordinal``) from ``_PART_DOC``."""
    return fill_doc(_PART_DOC, parameters=_PARAMETERS, signal=_SIGNAL, **names)


def _separate(y: Any, kernel_size: Any, power: float, mask: bool, margin: Any, n_fft: int, hop_length: Any,
              win_length: Any, center: bool, pad_mode: Any, same_length: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """STFT, median-filter masks and both inverse STFTs in one Rust call."""
    # librosa.effects.hpss ignores `window` (its STFT always uses Hann); so do we.
    y, args = prepare(audio(y), stft_args(n_fft, hop_length, win_length, "hann", center, pad_mode))
    return _core.hpss_signal(y, **args, **hpss_args(kernel_size, power, margin), same_length=same_length,
                             mask=bool(mask), n_jobs=-1)


@fill_doc(parameters=_PARAMETERS, signal=_SIGNAL)
def hpss(y: Any, *, kernel_size: Any = 31, power: float = 2.0, mask: bool = False, margin: Any = 1.0,
         n_fft: int = 2048, hop_length: Any = None, win_length: Any = None, window: WindowSpec = "hann",
         center: bool = True, pad_mode: Any = "constant") -> tuple[np.ndarray, np.ndarray]:
    """Split audio into harmonic and percussive signals (``librosa.effects.hpss``).

    {parameters}

    Returns
    -------
    y_harmonic, y_percussive : np.ndarray [shape=(..., n)]
        Both of the input's length and dtype.

    Examples
    --------
    A 440 Hz tone with a click every quarter second:

    {signal}
    >>> y_harmonic, y_percussive = tl.effects.hpss(y, n_fft=1024)
    >>> y_harmonic.shape, y_percussive.dtype
    ((22050,), dtype('float64'))
    >>> bool(np.sum(y_harmonic**2) > np.sum(y_percussive**2))  # the tone is the harmonic part
    True
    """
    return _separate(y, kernel_size, power, mask, margin, n_fft, hop_length, win_length, center, pad_mode)


@_part_doc(part="harmonic", ordinal="first")
def harmonic(y: Any, *, kernel_size: Any = 31, power: float = 2.0, mask: bool = False, margin: Any = 1.0,
             n_fft: int = 2048, hop_length: Any = None, win_length: Any = None, window: WindowSpec = "hann",
             center: bool = True, pad_mode: Any = "constant") -> np.ndarray:
    return _separate(y, kernel_size, power, mask, margin, n_fft, hop_length, win_length, center, pad_mode)[0]


@_part_doc(part="percussive", ordinal="second")
def percussive(y: Any, *, kernel_size: Any = 31, power: float = 2.0, mask: bool = False, margin: Any = 1.0,
               n_fft: int = 2048, hop_length: Any = None, win_length: Any = None, window: WindowSpec = "hann",
               center: bool = True, pad_mode: Any = "constant") -> np.ndarray:
    return _separate(y, kernel_size, power, mask, margin, n_fft, hop_length, win_length, center, pad_mode)[1]
