"""Spectral and temporal frame features, matching ``librosa.feature`` 0.11.

Outputs have librosa's shapes, ``(..., rows, n_frames)``, and dtypes. Audio
input is analysed inside one Rust frame loop (the spectrogram is never
materialised); a precomputed ``S`` is used as given.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np

from tunelens import _core
from tunelens._docs import fill_doc
from tunelens._validate import audio, finite_number, positive_int, positive_number, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.filters import WindowSpec
from tunelens._framing import bins_first, prepare, stft_args
from tunelens.spectral import melspectrogram, power_to_db

__all__ = [
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "spectral_contrast",
    "rms",
    "zero_crossing_rate",
    "mfcc",
    "chroma_stft",
]


def _freqs(freq: Any, sr: float, n_fft: int, n_bins: int) -> np.ndarray:
    """The bin frequencies: librosa's ``fft_frequencies`` unless given (1-D)."""
    if freq is None:
        sr = positive_number(sr, "sr")
        return np.fft.rfftfreq(n_fft, 1.0 / sr)[:n_bins] if n_fft else np.zeros(n_bins)
    freq = np.ascontiguousarray(freq, dtype=np.float64)
    if freq.ndim != 1:
        raise InvalidParameterError(f"freq must be a 1-D array of bin frequencies, got shape {freq.shape}")
    return freq


#: Options of every spectral descriptor; each descriptor overrides its own.
_SPECTRAL_OPTIONS = dict(p=2.0, norm=True, roll_percent=0.85, power=2.0, amin=1e-10, fmin=200.0, n_bands=6,
                         quantile=0.02, linear=False)

#: The Parameters entries of the input and STFT arguments of the spectral descriptors.
_SPECTRUM = """
y : np.ndarray [shape=(..., n)] or None
    Audio (float32 or float64); leading axes are channels.
sr : number > 0
    Sample rate of ``y`` (or of the signal ``S`` was computed from).
S : np.ndarray [shape=(..., 1 + n_fft // 2, t)] or None
    Precomputed magnitude spectrogram; used instead of ``y``.
n_fft, hop_length, win_length, window, center, pad_mode
    STFT parameters when ``y`` is given (see :func:`tunelens.stft`).
freq : np.ndarray or None
    Bin center frequencies.
"""
#: The examples' signal: one second of a 440 Hz tone.
_TONE = """
>>> sr = 22050
>>> y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
"""
_spectrum_doc = fill_doc(spectrum=_SPECTRUM, tone=_TONE)
_tone_doc = fill_doc(tone=_TONE)


def _spectral(kind: str, y: Any, sr: float, S: Any, n_fft: int, hop_length: int, freq: Any, win_length: Any,
              window: WindowSpec, center: bool, pad_mode: Any, **options: Any) -> np.ndarray:
    """Runs one spectral descriptor on ``y`` (via the STFT) or on magnitudes ``S``."""
    options = {**_SPECTRAL_OPTIONS, **options, "kind": kind}
    if S is not None:
        S = real_array(S, "S")
        if S.ndim < 2:
            raise InvalidParameterError(f"S must be a (..., freq, time) spectrogram, got shape {S.shape}")
        n_fft = 2 * (S.shape[-2] - 1)
        f = _freqs(freq, sr, n_fft, S.shape[-2])
        return bins_first(_core.spectral_from_s(S, sr=float(sr), freq=f, options=options, n_jobs=-1))
    if y is None:
        raise InvalidParameterError("pass either audio y or a spectrogram S")
    args = stft_args(n_fft, hop_length, win_length, window, center, pad_mode)
    y, args = prepare(audio(y), args)
    f = _freqs(freq, sr, args["n_fft"], args["n_fft"] // 2 + 1)
    return bins_first(_core.spectral_from_y(y, sr=float(sr), **args, freq=f, options=options, n_jobs=-1))


@_tone_doc
def spectral_centroid(*, y: Any = None, sr: float = 22050, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                      freq: Any = None, win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                      pad_mode: Any = "constant") -> np.ndarray:
    """Magnitude-weighted mean frequency of each frame (``librosa.feature.spectral_centroid``).

    Parameters
    ----------
    y, sr, S, n_fft, hop_length, win_length, window, center, pad_mode
        Audio or magnitude spectrogram and STFT parameters (see :func:`spectral_rolloff`).
    freq : np.ndarray [shape=(1 + n_fft // 2,)] or None
        Bin center frequencies; ``fft_frequencies(sr, n_fft)`` by default.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)], float64
        Centroid in Hz; 0 for silent frames.

    Examples
    --------
    {tone}
    >>> centroid = tl.feature.spectral_centroid(y=y, sr=sr)
    >>> centroid.shape
    (1, 44)
    >>> round(float(np.median(centroid)))
    440
    """
    return _spectral("centroid", y, sr, S, n_fft, hop_length, freq, win_length, window, center, pad_mode)


@_tone_doc
def spectral_bandwidth(*, y: Any = None, sr: float = 22050, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                       win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                       pad_mode: Any = "constant", freq: Any = None, centroid: Any = None, norm: bool = True,
                       p: float = 2) -> np.ndarray:
    """``p``-th order spectral bandwidth around the centroid (``librosa.feature.spectral_bandwidth``).

    Parameters
    ----------
    y, sr, S, n_fft, hop_length, win_length, window, center, pad_mode, freq
        As :func:`spectral_centroid`.
    centroid : np.ndarray [shape=(..., 1, t)] or None
        Precomputed centroids; computed from the spectrum when ``None``.
    norm : bool
        Normalise each frame's magnitudes to sum to one.
    p : float > 0
        Order of the deviation.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)], float64
        ``(sum_k S[k] |freq[k] - centroid|^p)^(1/p)``.

    Examples
    --------
    {tone}
    >>> tl.feature.spectral_bandwidth(y=y, sr=sr).shape
    (1, 44)
    """
    if centroid is None:
        return _spectral("bandwidth", y, sr, S, n_fft, hop_length, freq, win_length, window, center, pad_mode,
                         p=float(p), norm=bool(norm))
    # A caller-supplied centroid: evaluate librosa's formula on the magnitude spectrogram.
    if S is None:
        from tunelens.spectral import stft

        S = np.abs(stft(audio(y), n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
                        center=center, pad_mode=pad_mode))
    S = real_array(S, "S")
    f = _freqs(freq, sr, 2 * (S.shape[-2] - 1), S.shape[-2])[:, None]
    if norm:
        total = np.sum(np.abs(S), axis=-2, keepdims=True)
        S = S / np.where(total < np.finfo(S.dtype).tiny, 1.0, total)
    return np.sum(S * np.abs(f - centroid) ** p, axis=-2, keepdims=True) ** (1.0 / p)


@_spectrum_doc
def spectral_rolloff(*, y: Any = None, sr: float = 22050, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                     win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                     pad_mode: Any = "constant", freq: Any = None, roll_percent: float = 0.85) -> np.ndarray:
    """Roll-off frequency of each frame (``librosa.feature.spectral_rolloff``).

    Parameters
    ----------
    {spectrum}
    roll_percent : float in (0, 1)
        Fraction of the frame's total magnitude.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)], float64
        The lowest bin frequency at which the cumulative magnitude (summed in the
        input's precision, like numpy's ``cumsum``) reaches ``roll_percent`` of the total.

    Examples
    --------
    {tone}
    >>> rolloff = tl.feature.spectral_rolloff(y=y, sr=sr)
    >>> rolloff.shape, round(float(np.median(rolloff)))  # the bin above 440 Hz
    ((1, 44), 452)
    """
    return _spectral("rolloff", y, sr, S, n_fft, hop_length, freq, win_length, window, center, pad_mode,
                     roll_percent=float(roll_percent))


def spectral_flatness(*, y: Any = None, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                      win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                      pad_mode: Any = "constant", amin: float = 1e-10, power: float = 2.0) -> np.ndarray:
    """Spectral flatness (tonality coefficient) of each frame (``librosa.feature.spectral_flatness``).

    Parameters
    ----------
    y, S, n_fft, hop_length, win_length, window, center, pad_mode
        Audio or magnitude spectrogram and STFT parameters.
    amin : float > 0
        Floor applied to ``S ** power`` before the logarithm.
    power : float > 0
        Exponent of the magnitude spectrogram.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)]
        Geometric over arithmetic mean, in the input's float type.

    Examples
    --------
    A tone is far from flat, white noise is close to it:

    >>> sr = 22050
    >>> tone = np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
    >>> noise = np.random.default_rng(0).standard_normal(sr)
    >>> bool(np.median(tl.feature.spectral_flatness(y=tone)) < 1e-6)
    True
    >>> round(float(np.median(tl.feature.spectral_flatness(y=noise))), 2)
    0.56
    """
    dtype = _dtype_of(y, S)
    out = _spectral("flatness", y, 22050, S, n_fft, hop_length, None, win_length, window, center, pad_mode,
                    power=float(power), amin=float(amin))
    return out.astype(dtype)


@_spectrum_doc
def spectral_contrast(*, y: Any = None, sr: float = 22050, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                      win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                      pad_mode: Any = "constant", freq: Any = None, fmin: float = 200.0, n_bands: int = 6,
                      quantile: float = 0.02, linear: bool = False) -> np.ndarray:
    """Spectral contrast per octave band (``librosa.feature.spectral_contrast``).

    Parameters
    ----------
    {spectrum}
    fmin : float > 0
        Upper edge of the first band; band ``k`` ends at ``fmin * 2**k``.
    n_bands : int > 0
        Number of octave bands above the first.
    quantile : float in (0, 1)
        Fraction of a band's bins averaged for its peak and its valley.
    linear : bool
        Return ``peak - valley`` instead of the difference of their dB values.

    Returns
    -------
    np.ndarray [shape=(..., n_bands + 1, t)], float64

    Examples
    --------
    {tone}
    >>> tl.feature.spectral_contrast(y=y, sr=sr).shape
    (7, 44)
    """
    n_bands = positive_int(n_bands, "n_bands")
    return _spectral("contrast", y, sr, S, n_fft, hop_length, freq, win_length, window, center, pad_mode,
                     fmin=float(fmin), n_bands=n_bands, quantile=float(quantile),
                     linear=bool(linear))


def _dtype_of(y: Any, S: Any) -> np.dtype:
    """librosa's output float type: that of the input (float32 for other floats)."""
    x = np.asarray(S if S is not None else y)
    return np.dtype(np.float64) if x.dtype == np.float64 or not np.issubdtype(x.dtype, np.floating) else np.dtype(np.float32)


@_tone_doc
def rms(*, y: Any = None, S: Any = None, frame_length: int = 2048, hop_length: int = 512, center: bool = True,
        pad_mode: Any = "constant", dtype: Any = np.float32) -> np.ndarray:
    """Root-mean-square energy of each frame (``librosa.feature.rms``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio; frames are the raw samples (no window), centered frames padded with ``pad_mode``.
    S : np.ndarray [shape=(..., 1 + frame_length // 2, t)] or None
        A magnitude STFT computed with ``n_fft = frame_length``; RMS is then
        obtained by Parseval's theorem.
    frame_length, hop_length : int > 0
        Frame size and hop in samples.
    center : bool
        Center frames at ``t * hop_length``.
    pad_mode : str
        Padding of centered frames (``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``).
    dtype : np.dtype
        Output float type.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)]
        In ``dtype`` (float32 by default, as librosa; the energies are summed in float64).

    Examples
    --------
    {tone}
    >>> energy = tl.feature.rms(y=y)
    >>> energy.shape, energy.dtype
    ((1, 44), dtype('float32'))
    >>> round(float(np.median(energy)), 3)  # 1 / sqrt(2)
    0.707
    """
    frame_length = positive_int(frame_length, "frame_length")
    hop_length = positive_int(hop_length, "hop_length")
    if y is not None:
        y = audio(y)
        out = _core.rms(y, frame_length=frame_length, hop_length=hop_length, center=bool(center),
                        pad_mode=str(pad_mode), n_jobs=-1)
        return bins_first(out).astype(dtype)
    if S is None:
        raise InvalidParameterError("pass either audio y or a spectrogram S")
    S = real_array(S, "S")
    if S.shape[-2] != frame_length // 2 + 1:
        raise InvalidParameterError(
            f"Since S.shape[-2] is {S.shape[-2]}, frame_length is expected to be {S.shape[-2] * 2 - 2} "
            f"or {S.shape[-2] * 2 - 1}; found {frame_length}")
    # Parseval on the one-sided spectrum: DC (and Nyquist for even frames) count once.
    x = np.abs(S) ** 2
    x[..., 0, :] *= 0.5
    if frame_length % 2 == 0:
        x[..., -1, :] *= 0.5
    power = 2 * np.sum(x, axis=-2, keepdims=True) / frame_length**2
    return np.sqrt(power).astype(dtype, copy=False)


@_tone_doc
def zero_crossing_rate(y: Any, *, frame_length: int = 2048, hop_length: int = 512, center: bool = True,
                       threshold: float = 1e-10) -> np.ndarray:
    """Fraction of zero crossings per frame (``librosa.feature.zero_crossing_rate``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio; centered frames are padded by repeating the edge samples.
    frame_length, hop_length : int > 0
        Frame size and hop in samples.
    center : bool
        Center frames at ``t * hop_length``.
    threshold : float >= 0
        Samples with ``|y| <= threshold`` count as (positive) zero.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)], float64
        Crossings between consecutive samples of a frame divided by ``frame_length``.

    Examples
    --------
    {tone}
    >>> zcr = tl.feature.zero_crossing_rate(y)
    >>> zcr.shape
    (1, 44)
    >>> round(float(np.median(zcr)), 3)  # 880 crossings per second, 82 per frame of 2048
    0.04
    """
    y = audio(y)
    frame_length = positive_int(frame_length, "frame_length")
    out = _core.zero_crossing_rate(y, frame_length=frame_length,
                                   hop_length=positive_int(hop_length, "hop_length"), center=bool(center),
                                   threshold=float(threshold), n_jobs=-1)
    return bins_first(out)


@_tone_doc
def mfcc(*, y: Any = None, sr: float = 22050, S: Any = None, n_mfcc: int = 20, dct_type: int = 2,
         norm: Any = "ortho", lifter: float = 0, mel_norm: Any = "slaney", **kwargs: Any) -> np.ndarray:
    """Mel-frequency cepstral coefficients (``librosa.feature.mfcc``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio; its log-power mel spectrogram is ``power_to_db(melspectrogram(y, sr, **kwargs))``.
    sr : number > 0
        Sample rate.
    S : np.ndarray [shape=(..., n_mels, t)] or None
        A precomputed log-power mel spectrogram.
    n_mfcc : int > 0
        Coefficients kept.
    dct_type : {1, 2, 3, 4}
        DCT type; 2 (the default) runs as one matrix product with a
        precomputed basis, the others through ``scipy.fft.dct`` as librosa.
    norm : "ortho" or None
        DCT normalisation (``scipy.fft.dct``'s ``norm``).
    lifter : float >= 0
        Sinusoidal liftering ``1 + (lifter / 2) sin(pi k / lifter)``; 0 disables it.
    mel_norm : "slaney", number or None
        Normalisation of the mel filters.
    **kwargs
        Passed to :func:`tunelens.melspectrogram` (``n_fft``, ``hop_length``, ``n_mels`` ...).

    Returns
    -------
    np.ndarray [shape=(..., n_mfcc, t)]
        In the spectrogram's float type.

    Examples
    --------
    {tone}
    >>> tl.feature.mfcc(y=y, sr=sr, n_mfcc=13).shape
    (13, 44)
    """
    if S is None:
        if y is None:
            raise InvalidParameterError("pass either audio y or a log-mel spectrogram S")
        S = power_to_db(melspectrogram(y=y, sr=sr, norm=mel_norm, **kwargs))
    S = real_array(S, "S")
    if S.ndim < 2:
        raise InvalidParameterError(f"S must be a (..., n_mels, t) log-mel spectrogram, got shape {S.shape}")
    n_mfcc = min(positive_int(n_mfcc, "n_mfcc"), S.shape[-2])  # librosa keeps at most n_mels coefficients
    if dct_type != 2 or norm != "ortho":
        return _scipy_mfcc(S, dct_type, norm, n_mfcc, lifter)
    # One matrix product with the (liftered) orthonormal DCT-II basis, in S's dtype (as scipy's dct).
    basis = _dct_basis(S.shape[-2], n_mfcc, float(lifter), S.dtype)
    return np.matmul(basis, S).astype(S.dtype, copy=False)


@functools.lru_cache(maxsize=16)
def _dct_basis(n_in: int, n_out: int, lifter: float, dtype: np.dtype) -> np.ndarray:
    """The (liftered) orthonormal DCT-II basis in ``dtype``, built once per shape (read-only)."""
    basis = _core.dct_basis(n_in=n_in, n_out=n_out, lifter=lifter).astype(dtype)
    basis.flags.writeable = False
    return basis


def _scipy_mfcc(S: np.ndarray, dct_type: Any, norm: Any, n_mfcc: int, lifter: float) -> np.ndarray:
    """MFCCs with another DCT type or normalisation, as librosa computes them (``scipy.fft.dct``)."""
    import scipy.fft

    try:
        M = scipy.fft.dct(S, axis=-2, type=dct_type, norm=norm)[..., :n_mfcc, :]
    except (ValueError, NotImplementedError) as e:
        raise InvalidParameterError(f"invalid DCT settings dct_type={dct_type!r}, norm={norm!r}: {e}") from e
    if lifter > 0:
        M *= (1 + (lifter / 2) * np.sin(np.pi * np.arange(1, 1 + M.shape[-2], dtype=M.dtype) / lifter))[:, None]
    elif lifter != 0:
        raise InvalidParameterError(f"MFCC lifter={lifter} must be a non-negative number")
    return M


@_tone_doc
def chroma_stft(*, y: Any = None, sr: float = 22050, S: Any = None, norm: Any = np.inf, n_fft: int = 2048,
                hop_length: int = 512, win_length: Any = None, window: WindowSpec = "hann", center: bool = True,
                pad_mode: Any = "constant", tuning: Any = None, n_chroma: int = 12, **kwargs: Any) -> np.ndarray:
    """Chromagram from audio or a power spectrogram (``librosa.feature.chroma_stft``).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio; its power STFT (``|X|**2``) is computed in Rust.
    sr : number > 0
        Sample rate.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, t)] or None
        A precomputed power spectrogram, used instead of ``y``.
    norm : float or None
        Norm of each chroma frame (``np.inf``: divide by the largest bin).
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT parameters when ``y`` is given.
    tuning : float or None
        Deviation from A440 in fractions of a chroma bin. ``None`` estimates it
        exactly like ``librosa.estimate_tuning`` (``piptrack`` peaks between
        150 Hz and 4 kHz above 10 % of each frame's maximum, magnitudes at least
        their median, histogram of deviations at 0.01 resolution); passing a
        value skips the estimation.
    n_chroma : int > 0
        Chroma bins per octave.
    **kwargs
        Filter-bank options of ``librosa.filters.chroma``: ``ctroct`` (5.0),
        ``octwidth`` (2), ``base_c`` (True), ``dtype`` (ignored: float32 filters).

    Returns
    -------
    np.ndarray [shape=(..., n_chroma, t)]
        In the spectrogram's float type (float32 for float32 audio).

    Warns
    -----
    UserWarning
        When the tuning is estimated from a spectrum without any pitch (silence),
        as librosa does; a tuning of 0 is used.

    Examples
    --------
    An A (440 Hz): the chroma bin of A (index 9, counting from C) is the loudest.

    {tone}
    >>> chroma = tl.feature.chroma_stft(y=y, sr=sr, tuning=0.0)
    >>> chroma.shape
    (12, 44)
    >>> int(np.argmax(chroma.mean(axis=1)))
    9
    """
    kwargs.pop("dtype", None)
    options = dict(tuning=None if tuning is None else finite_number(tuning, "tuning"), n_chroma=positive_int(n_chroma, "n_chroma"),
                   ctroct=float(kwargs.pop("ctroct", 5.0)), octwidth=_optional_float(kwargs.pop("octwidth", 2)),
                   filter_norm=2.0, base_c=bool(kwargs.pop("base_c", True)), norm=_optional_float(norm), n_jobs=-1)
    if kwargs:
        raise InvalidParameterError(f"unexpected chroma filter options: {sorted(kwargs)}")
    if S is not None:
        S = real_array(S, "S")
        if S.ndim < 2:
            raise InvalidParameterError(f"S must be a (..., freq, time) spectrogram, got shape {S.shape}")
        out, used = _core.chroma_from_s(S, sr=float(sr), n_fft=2 * (S.shape[-2] - 1), **options)
    elif y is None:
        raise InvalidParameterError("pass either audio y or a power spectrogram S")
    else:
        y, args = prepare(audio(y), stft_args(n_fft, hop_length, win_length, window, center, pad_mode))
        out, used = _core.chroma_stft(y, sr=float(sr), **args, **options)
    if used is None:
        warnings.warn("Trying to estimate tuning from empty frequency set.", UserWarning, stacklevel=2)
    return bins_first(out)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
