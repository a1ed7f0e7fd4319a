"""Unit conversions between frames, samples, seconds, Hz and mels (as ``librosa``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens._validate import affordable, positive_int, positive_number

__all__ = [
    "fft_frequencies",
    "mel_frequencies",
    "hz_to_mel",
    "mel_to_hz",
    "frames_to_samples",
    "samples_to_frames",
    "frames_to_time",
    "time_to_frames",
    "time_to_samples",
    "samples_to_time",
]


def fft_frequencies(*, sr: float = 22050, n_fft: int = 2048) -> np.ndarray:
    """Center frequency (Hz) of each FFT bin, ``np.fft.rfftfreq(n_fft, 1 / sr)``.

    Parameters
    ----------
    sr : float > 0
        Sample rate in Hz.
    n_fft : int > 0
        FFT length.

    Returns
    -------
    np.ndarray [shape=(1 + n_fft // 2,)]
        Frequencies in Hz.
    """
    n_fft = positive_int(n_fft, "n_fft")
    affordable(4.0 * n_fft, "n_fft", n_fft)
    return _core.fft_frequencies(sr=positive_number(sr, "sr"), n_fft=n_fft)


def mel_frequencies(n_mels: int = 128, *, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False) -> np.ndarray:
    """``n_mels`` frequencies (Hz) evenly spaced on the mel scale, as ``librosa.mel_frequencies``.

    Parameters
    ----------
    n_mels : int >= 0
        Number of frequencies.
    fmin, fmax : float
        Range in Hz.
    htk : bool
        HTK mel formula instead of Slaney's.

    Returns
    -------
    np.ndarray [shape=(n_mels,)]
        Frequencies in Hz.
    """
    n_mels = int(n_mels)
    affordable(8.0 * n_mels, "n_mels", n_mels)
    return _core.mel_frequencies(n_mels=n_mels, fmin=float(fmin), fmax=float(fmax), htk=bool(htk))


def _mel_scale(values: Any, to_mel: bool, htk: bool) -> Any:
    arr = np.asarray(values, dtype=np.float64)
    out = _core.convert_mel(arr, to_mel=to_mel, htk=bool(htk))
    return out if arr.ndim else out[()]


def hz_to_mel(frequencies: Any, *, htk: bool = False) -> Any:
    """Hz to mels (Slaney's scale by default, HTK's with ``htk=True``).

    Parameters
    ----------
    frequencies : float or np.ndarray
        Frequencies in Hz.
    htk : bool
        Use ``2595 * log10(1 + f / 700)``.

    Returns
    -------
    float or np.ndarray
        Mels, same shape.
    """
    return _mel_scale(frequencies, True, htk)


def mel_to_hz(mels: Any, *, htk: bool = False) -> Any:
    """Mels to Hz, inverse of :func:`hz_to_mel`.

    Parameters
    ----------
    mels : float or np.ndarray
        Mel values.
    htk : bool
        Use the HTK formula.

    Returns
    -------
    float or np.ndarray
        Frequencies in Hz, same shape.
    """
    return _mel_scale(mels, False, htk)


def _offset(n_fft: int | None) -> int:
    return int(n_fft // 2) if n_fft else 0


def frames_to_samples(frames: Any, *, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Frame indices to sample indices: ``frames * hop_length + n_fft // 2``.

    Parameters
    ----------
    frames : int or np.ndarray
        Frame indices.
    hop_length : int > 0
        Samples between frames.
    n_fft : int or None
        If given, offset by half a frame (centre of the frame).

    Returns
    -------
    int or np.ndarray
        Sample indices.
    """
    return (np.asanyarray(frames) * hop_length + _offset(n_fft)).astype(int)


def samples_to_frames(samples: Any, *, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Sample indices to frame indices: ``floor((samples - n_fft // 2) / hop_length)``.

    Parameters
    ----------
    samples : int or np.ndarray
        Sample indices.
    hop_length : int > 0
        Samples between frames.
    n_fft : int or None
        If given, account for the half-frame offset.

    Returns
    -------
    int or np.ndarray
        Frame indices.
    """
    samples = np.asanyarray(samples)
    return np.asarray(np.floor((samples - _offset(n_fft)) // hop_length), dtype=int)


def time_to_samples(times: Any, *, sr: float = 22050) -> Any:
    """Seconds to sample indices, ``int(times * sr)``.

    Parameters
    ----------
    times : float or np.ndarray
        Times in seconds.
    sr : float
        Sample rate in Hz.

    Returns
    -------
    int or np.ndarray
        Sample indices.
    """
    return (np.asanyarray(times) * sr).astype(int)


def samples_to_time(samples: Any, *, sr: float = 22050) -> Any:
    """Sample indices to seconds, ``samples / sr``.

    Parameters
    ----------
    samples : int or np.ndarray
        Sample indices.
    sr : float
        Sample rate in Hz.

    Returns
    -------
    float or np.ndarray
        Times in seconds.
    """
    return np.asanyarray(samples) / float(sr)


def frames_to_time(frames: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Frame indices to seconds (``librosa.frames_to_time``).

    Parameters
    ----------
    frames : int or np.ndarray
        Frame indices.
    sr : float
        Sample rate in Hz.
    hop_length : int > 0
        Samples between frames.
    n_fft : int or None
        If given, times refer to frame centres offset by ``n_fft // 2``.

    Returns
    -------
    float or np.ndarray
        Times in seconds.
    """
    return samples_to_time(frames_to_samples(frames, hop_length=hop_length, n_fft=n_fft), sr=sr)


def time_to_frames(times: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Seconds to frame indices (``librosa.time_to_frames``).

    Parameters
    ----------
    times : float or np.ndarray
        Times in seconds.
    sr : float
        Sample rate in Hz.
    hop_length : int > 0
        Samples between frames.
    n_fft : int or None
        If given, account for the half-frame offset.

    Returns
    -------
    int or np.ndarray
        Frame indices.
    """
    return samples_to_frames(time_to_samples(times, sr=sr), hop_length=hop_length, n_fft=n_fft)
