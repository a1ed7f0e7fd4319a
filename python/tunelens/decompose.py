"""Spectrogram decompositions, matching ``librosa.decompose`` 0.11."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens._validate import positive_int, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens._framing import bins_first

__all__ = ["hpss"]


def _pair(value: Any, name: str, convert: Any) -> tuple[Any, Any]:
    """``(harmonic, percussive)`` from a scalar or a 2-sequence."""
    if np.isscalar(value):
        return convert(value, name), convert(value, name)
    if len(value) != 2:
        raise InvalidParameterError(f"{name} must be a number or a (harmonic, percussive) pair, got {value!r}")
    return convert(value[0], name), convert(value[1], name)


def _margin(value: Any, name: str) -> float:
    value = float(value)
    if not value >= 1.0:
        raise InvalidParameterError(f"{name} must be >= 1.0, got {value}")
    return value


def hpss_args(kernel_size: Any, power: Any, margin: Any) -> dict:
    """Validated core keywords of a harmonic/percussive separation."""
    kh, kp = _pair(kernel_size, "kernel_size", positive_int)
    mh, mp = _pair(margin, "margin", _margin)
    power = float(power)
    if not power > 0:
        raise InvalidParameterError(f"power must be strictly positive, got {power}")
    return dict(kernel_harmonic=kh, kernel_percussive=kp, power=power, margin_harmonic=mh, margin_percussive=mp)


def hpss(S: Any, *, kernel_size: Any = 31, power: float = 2.0, mask: bool = False, margin: Any = 1.0,
         n_jobs: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """Median-filtering harmonic/percussive separation of a spectrogram (``librosa.decompose.hpss``).

    The harmonic part is the spectrogram median-filtered along time
    (``kernel_size`` frames), the percussive part along frequency, both with
    mirrored edges (``scipy.ndimage.median_filter(mode="reflect")``); each
    component is the input times a soft mask ``H^p / (H^p + (margin P)^p)``
    (``librosa.util.softmask``; a hard mask for ``power=np.inf``).

    Parameters
    ----------
    S : np.ndarray [shape=(..., d, n)], real or complex
        Spectrogram; complex input keeps its phase.
    kernel_size : int or (int, int)
        Median window (harmonic frames, percussive bins).
    power : float > 0 or np.inf
        Soft-mask exponent.
    mask : bool
        Return the masks instead of the masked spectrograms.
    margin : float >= 1 or (float, float)
        Separation margins; above 1 leaves a residual out of both parts.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    harmonic, percussive : np.ndarray [shape=(..., d, n)]
        Components (or masks), in the input's type.

    Examples
    --------
    >>> sr = 22050
    >>> y = 0.5 * np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
    >>> y[::sr // 4] += 1.0
    >>> S = np.abs(tl.stft(y, n_fft=1024))
    >>> H, P = tl.decompose.hpss(S)
    >>> H.shape == P.shape == S.shape
    True
    >>> int(np.argmax(H.sum(axis=1)))  # the tone's bin, 440 / (sr / 1024)
    20
    """
    S = np.asarray(S)
    mag = np.abs(S) if np.iscomplexobj(S) else real_array(S, "S")
    if mag.ndim < 2:
        raise InvalidParameterError(f"S must be a (..., freq, time) spectrogram, got shape {S.shape}")
    mask_h, mask_p = _core.hpss_masks(mag, **hpss_args(kernel_size, power, margin), n_jobs=n_jobs)
    mask_h, mask_p = bins_first(mask_h), bins_first(mask_p)
    if mask:
        return mask_h, mask_p
    return S * mask_h, S * mask_p
