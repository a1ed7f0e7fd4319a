"""Onset detection functions, matching ``librosa.onset`` 0.11."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.signal

from tunelens import _core
from tunelens._validate import positive_int, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.spectral import melspectrogram, power_to_db

__all__ = ["onset_strength"]


def onset_strength(*, y: Any = None, sr: float = 22050, S: Any = None, lag: int = 1, max_size: int = 1,
                   ref: Any = None, detrend: bool = False, center: bool = True, feature: Callable | None = None,
                   aggregate: Callable | None = None, n_fft: int = 2048, hop_length: int = 512,
                   **kwargs: Any) -> np.ndarray:
    """Spectral-flux onset strength envelope (``librosa.onset.onset_strength``).

    ``S`` defaults to ``power_to_db(|melspectrogram(y, sr, n_fft, hop_length, fmax=sr/2, **kwargs)|)``;
    the envelope at frame ``t`` aggregates ``max(0, S[:, t] - ref[:, t - lag])``
    over frequency, where ``ref`` is ``S`` maximum-filtered over ``max_size``
    bins. It is shifted right by ``lag`` (plus ``n_fft // (2 hop_length)`` frames
    when ``center``) so that onsets line up with the signal.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio.
    sr : number > 0
        Sample rate.
    S : np.ndarray [shape=(..., d, m)] or None
        A precomputed (log-power) spectrogram, used as given.
    lag : int > 0
        Frames between the compared spectra.
    max_size : int > 0
        Width of the reference's maximum filter over frequency (1: none).
    ref : None
        Only ``None`` (the reference derived from ``S``) is supported.
    detrend : bool
        Remove the DC component with librosa's leaky differentiator.
    center : bool
        Center the envelope on the analysis frames.
    feature : callable or None
        Spectrogram function of ``(y=, sr=, n_fft=, hop_length=, **kwargs)``;
        :func:`tunelens.melspectrogram` by default.
    aggregate : np.mean, np.median or None
        Aggregation over frequency (``None``: mean).
    n_fft, hop_length : int > 0
        STFT parameters (also used for centering).
    **kwargs
        Passed to ``feature``.

    Returns
    -------
    np.ndarray [shape=(..., m)]
        In the spectrogram's float type.
    """
    if ref is not None:
        raise InvalidParameterError("ref: only ref=None (derived from S) is supported")
    if aggregate is None or aggregate is np.mean:
        median = False
    elif aggregate is np.median:
        median = True
    else:
        raise InvalidParameterError(f"aggregate must be np.mean, np.median or None, got {aggregate!r}")
    n_fft, hop_length = positive_int(n_fft, "n_fft"), positive_int(hop_length, "hop_length")
    if S is None:
        if y is None:
            raise InvalidParameterError("pass either audio y or a spectrogram S")
        kwargs.setdefault("fmax", 0.5 * sr)
        spec = (feature or melspectrogram)(y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, **kwargs)
        S = power_to_db(np.abs(spec))
    S = real_array(S, "S")
    if S.ndim == 1:
        S = S[np.newaxis]
    lag = positive_int(lag, "lag")
    pad_width = lag + (n_fft // (2 * hop_length) if center else 0)
    env = _core.onset_strength(S, lag=lag, max_size=positive_int(max_size, "max_size"), median=median,
                               pad_width=pad_width, center=bool(center))
    if detrend:
        env = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.99], env, axis=-1)
    return env
