"""Rhythm features, matching ``librosa.feature.rhythm`` 0.11: tempogram and tempo."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from tunelens import _core
from tunelens._docs import ONSET_ENVELOPE, fill_doc
from tunelens._validate import affordable, positive_int, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.filters import WindowSpec, get_window
from tunelens._framing import bins_first

__all__ = ["tempogram", "fourier_tempogram", "tempo"]

#: The Parameters entries of the audio of the tempograms, which analyse its onset strength.
_ONSET_AUDIO = """
y : np.ndarray [shape=(..., n)] or None
    Audio; its onset strength (:func:`tunelens.onset.onset_strength`) is used.
sr : number > 0
    Sample rate.
"""


def _envelope(y: Any, sr: float, onset_envelope: Any, hop_length: int) -> np.ndarray:
    if onset_envelope is not None:
        return real_array(onset_envelope, "onset_envelope")
    if y is None:
        raise InvalidParameterError("Either y or onset_envelope must be provided")
    from tunelens.onset import onset_strength

    return onset_strength(y=y, sr=sr, hop_length=hop_length)


@fill_doc(onset_audio=_ONSET_AUDIO, onset_envelope=ONSET_ENVELOPE)
def tempogram(*, y: Any = None, sr: float = 22050, onset_envelope: Any = None, hop_length: int = 512,
              win_length: int = 384, center: bool = True, window: WindowSpec = "hann",
              norm: float | None = np.inf) -> np.ndarray:
    """Autocorrelation tempogram (``librosa.feature.tempogram``).

    Each frame of the onset envelope (``win_length`` frames, centered with a
    linear ramp to zero at the ends) is windowed and autocorrelated; each
    column is divided by its ``norm`` (max by default).

    Parameters
    ----------
    {onset_audio}
    {onset_envelope}
    win_length : int > 0
        Autocorrelation window in frames (lags).
    center : bool
        Center the windows on the frames.
    window : str, tuple, number, callable or array
        Window applied before autocorrelation.
    norm : float > 0, np.inf or None
        Column normalisation.

    Returns
    -------
    np.ndarray [shape=(..., win_length, m)], float64

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(4 * sr)
    >>> y[::sr // 2] = 1.0
    >>> tl.feature.tempogram(y=y, sr=sr, win_length=128).shape
    (128, 173)
    """
    win_length = positive_int(win_length, "win_length")
    affordable(48.0 * win_length, "win_length", win_length)  # the window get_window builds (the core checks the rest)
    env = _envelope(y, sr, onset_envelope, positive_int(hop_length, "hop_length"))
    win = np.ascontiguousarray(get_window(window, win_length, fftbins=True), dtype=np.float64)
    return bins_first(_core.tempogram(env, window=win, center=bool(center),
                                       norm=None if norm is None else float(norm), n_jobs=-1))


@fill_doc(onset_audio=_ONSET_AUDIO, onset_envelope=ONSET_ENVELOPE)
def fourier_tempogram(*, y: Any = None, sr: float = 22050, onset_envelope: Any = None, hop_length: int = 512,
                      win_length: int = 384, center: bool = True, window: WindowSpec = "hann") -> np.ndarray:
    """Fourier tempogram: the STFT of the onset envelope (``librosa.feature.fourier_tempogram``).

    Parameters
    ----------
    {onset_audio}
    {onset_envelope}
    win_length : int > 0
        STFT window (and FFT size) in envelope frames.
    center : bool
        Center the windows on the frames.
    window : str, tuple, number, callable or array
        STFT window.

    Returns
    -------
    np.ndarray [shape=(..., win_length // 2 + 1, m)], complex
        :func:`tunelens.stft` of the envelope with hop 1.

    Examples
    --------
    >>> import numpy as np, tunelens
    >>> y = np.random.default_rng(0).standard_normal(10 * 22050).astype(np.float32)
    >>> tunelens.feature.fourier_tempogram(y=y, sr=22050).shape
    (193, 432)
    """
    from tunelens.spectral import stft

    win_length = positive_int(win_length, "win_length")
    envelope = _envelope(y, sr, onset_envelope, hop_length)
    return stft(envelope, n_fft=win_length, hop_length=1, center=center, window=window)


def tempo(*, y: Any = None, sr: float = 22050, onset_envelope: Any = None, tg: Any = None, hop_length: int = 512,
          start_bpm: float = 120, std_bpm: float = 1.0, ac_size: float = 8.0, max_tempo: float | None = 320.0,
          aggregate: Callable | None = np.mean, prior: Any = None) -> np.ndarray:
    """Global (or per-frame) tempo estimate in BPM (``librosa.feature.rhythm.tempo``).

    The tempogram (window ``ac_size`` seconds) is aggregated over time, weighted
    by a log-normal prior ``-0.5 ((log2 bpm - log2 start_bpm) / std_bpm)^2`` with
    tempi at or above ``max_tempo`` excluded, and the lag maximising
    ``log1p(1e6 * strength) + prior`` gives the tempo.

    Parameters
    ----------
    y, sr, onset_envelope, hop_length
        Audio or onset envelope (see :func:`tempogram`).
    tg : np.ndarray [shape=(..., win_length, m)] or None
        A precomputed tempogram.
    start_bpm : float > 0
        Center of the prior.
    std_bpm : float > 0
        Width of the prior in octaves.
    ac_size : float > 0
        Autocorrelation window in seconds.
    max_tempo : float or None
        Upper tempo limit.
    aggregate : callable or None
        ``aggregate(tg, axis=-1, keepdims=True)`` over time; ``None`` gives a tempo per frame.
    prior : scipy.stats distribution or None
        A tempo prior whose ``logpdf`` replaces the log-normal one.

    Returns
    -------
    np.ndarray [shape=(..., 1) or (..., m)], float64

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(8 * sr)
    >>> y[::sr // 2] = 1.0  # a click every half second
    >>> tl.feature.tempo(y=y, sr=sr).round(1)  # the tempogram's lag grid is coarse: 117.5, not 120
    array([117.5])
    """
    if not start_bpm > 0:
        raise InvalidParameterError("start_bpm must be strictly positive")
    hop_length = positive_int(hop_length, "hop_length")
    if tg is None:
        win_length = int(np.floor(ac_size * sr / hop_length))
        tg = tempogram(y=y, sr=sr, onset_envelope=onset_envelope, hop_length=hop_length, win_length=win_length)
    tg = np.asarray(tg, dtype=np.float64)
    if aggregate is not None:
        tg = aggregate(tg, axis=-1, keepdims=True)
    if prior is not None:
        return _tempo_with_prior(tg, sr, hop_length, prior, max_tempo)
    strength = np.ascontiguousarray(np.swapaxes(tg, -1, -2))
    return _core.tempo_from_strength(strength, sr=float(sr), hop_length=hop_length, start_bpm=float(start_bpm),
                                     std_bpm=float(std_bpm), max_tempo=None if max_tempo is None else float(max_tempo))


def _tempo_with_prior(tg: np.ndarray, sr: float, hop_length: int, prior: Any, max_tempo: float | None) -> np.ndarray:
    """librosa's tempo selection with a user prior: ``argmax(log1p(1e6 tg) + prior.logpdf(bpm))`` over lags."""
    if not hasattr(prior, "logpdf"):
        raise InvalidParameterError(f"prior must be a scipy.stats distribution (with logpdf), got {prior!r}")
    n_bins = tg.shape[-2]
    bpms = np.full(n_bins, np.inf)
    bpms[1:] = 60.0 * sr / (hop_length * np.arange(1.0, n_bins))
    with np.errstate(divide="ignore", invalid="ignore"):
        logprior = np.asarray(prior.logpdf(bpms), dtype=np.float64)
    if max_tempo is not None:
        logprior[: int(np.argmax(bpms < max_tempo))] = -np.inf
    best = np.argmax(np.log1p(1e6 * tg) + logprior[:, None], axis=-2)
    return np.take(bpms, best)
