"""Unit conversions between frames, samples, seconds, Hz and mels (as ``librosa``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens._docs import fill_doc
from tunelens._validate import positive_int, positive_number

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

    Examples
    --------
    >>> tl.fft_frequencies(sr=22050, n_fft=16)
    array([    0.   ,  1378.125,  2756.25 ,  4134.375,  5512.5  ,  6890.625,
            8268.75 ,  9646.875, 11025.   ])
    """
    n_fft = positive_int(n_fft, "n_fft")
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

    Examples
    --------
    >>> tl.mel_frequencies(5, fmax=8000.0).round(1)
    array([   0. ,  754.1, 1688.9, 3675.8, 8000. ])
    """
    n_mels = int(n_mels)
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

    Examples
    --------
    >>> round(float(tl.hz_to_mel(1000.0)), 6)
    15.0
    >>> tl.hz_to_mel(np.array([440.0, 1000.0]), htk=True).round(2)
    array([549.64, 999.99])
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

    Examples
    --------
    >>> round(float(tl.mel_to_hz(15.0)), 6)
    1000.0
    >>> round(float(tl.mel_to_hz(tl.hz_to_mel(440.0, htk=True), htk=True)), 6)
    440.0
    """
    return _mel_scale(mels, False, htk)


#: The end of the docstrings of the conversions to frame indices: the framing
#: arguments and the result.
_TO_FRAMES = """
hop_length : int > 0
    Samples between frames.
n_fft : int or None
    If given, account for the half-frame offset.

Returns
-------
int or np.ndarray
    Frame indices.
"""
_to_frames_doc = fill_doc(to_frames=_TO_FRAMES)


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

    Examples
    --------
    >>> tl.frames_to_samples(np.arange(4), hop_length=512)
    array([   0,  512, 1024, 1536])
    >>> int(tl.frames_to_samples(2, hop_length=512, n_fft=2048))
    2048
    """
    return (np.asanyarray(frames) * hop_length + _offset(n_fft)).astype(int)


@_to_frames_doc
def samples_to_frames(samples: Any, *, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Sample indices to frame indices: ``floor((samples - n_fft // 2) / hop_length)``.

    Parameters
    ----------
    samples : int or np.ndarray
        Sample indices.
    {to_frames}

    Examples
    --------
    >>> tl.samples_to_frames(np.array([0, 511, 512, 22050]), hop_length=512)
    array([ 0,  0,  1, 43])
    """
    samples = np.asanyarray(samples)
    return np.asarray(np.floor((samples - _offset(n_fft)) // hop_length), dtype=int)


#: The docstring of the conversions between seconds and sample indices.
_SECONDS_SAMPLES = """{summary}

Parameters
----------
{values}
sr : float
    Sample rate in Hz.

Returns
-------
{result}

Examples
--------
{example}
"""


@fill_doc(_SECONDS_SAMPLES, summary="Seconds to sample indices, ``int(times * sr)``.",
          values="times : float or np.ndarray\n    Times in seconds.", result="int or np.ndarray\n    Sample indices.",
          example=">>> tl.time_to_samples(np.array([0.0, 0.5, 1.0]), sr=22050)\narray([    0, 11025, 22050])")
def time_to_samples(times: Any, *, sr: float = 22050) -> Any:
    return (np.asanyarray(times) * sr).astype(int)


@fill_doc(_SECONDS_SAMPLES, summary="Sample indices to seconds, ``samples / sr``.",
          values="samples : int or np.ndarray\n    Sample indices.",
          result="float or np.ndarray\n    Times in seconds.",
          example=">>> tl.samples_to_time(np.array([0, 11025, 22050]), sr=22050)\narray([0. , 0.5, 1. ])")
def samples_to_time(samples: Any, *, sr: float = 22050) -> Any:
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

    Examples
    --------
    >>> tl.frames_to_time(np.arange(3), sr=22050, hop_length=512)
    array([0.    , 0.02321995, 0.04643991])
    """
    return samples_to_time(frames_to_samples(frames, hop_length=hop_length, n_fft=n_fft), sr=sr)


@_to_frames_doc
def time_to_frames(times: Any, *, sr: float = 22050, hop_length: int = 512, n_fft: int | None = None) -> Any:
    """Seconds to frame indices (``librosa.time_to_frames``).

    Parameters
    ----------
    times : float or np.ndarray
        Times in seconds.
    sr : float
        Sample rate in Hz.
    {to_frames}

    Examples
    --------
    >>> tl.time_to_frames(np.array([0.0, 0.5, 1.0]), sr=22050, hop_length=512)
    array([ 0, 21, 43])
    """
    return samples_to_frames(time_to_samples(times, sr=sr), hop_length=hop_length, n_fft=n_fft)
