"""Onset detection functions, matching ``librosa.onset`` 0.11."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from tunelens import _core
from tunelens._docs import AUDIO, MONO_AUDIO, fill_doc
from tunelens._validate import affordable, positive_int, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.convert import frames_to_samples, frames_to_time
from tunelens.spectral import melspectrogram, power_to_db

__all__ = ["onset_strength", "onset_detect", "onset_backtrack"]


@fill_doc(audio=AUDIO)
def onset_strength(*, y: Any = None, sr: float = 22050, S: Any = None, lag: int = 1, max_size: int = 1,
                   ref: Any = None, detrend: bool = False, center: bool = True, feature: Callable | None = None,
                   aggregate: Callable | None = None, n_fft: int = 2048, hop_length: int = 512,
                   **kwargs: Any) -> np.ndarray:
    """Spectral-flux onset strength envelope (``librosa.onset.onset_strength``).

    ``S`` defaults to ``power_to_db(|feature(y, sr, n_fft, hop_length, **kwargs)|)``, where the
    default ``feature`` is :func:`tunelens.melspectrogram` with ``fmax=sr/2`` unless given;
    the envelope at frame ``t`` aggregates ``max(0, S[:, t] - ref[:, t - lag])``
    over frequency, where ``ref`` is ``S`` maximum-filtered over ``max_size``
    bins. It is shifted right by ``lag`` (plus ``n_fft // (2 hop_length)`` frames
    when ``center``) so that onsets line up with the signal.

    Parameters
    ----------
    {audio}
    S : np.ndarray [shape=(..., d, m)] or None
        A precomputed (log-power) spectrogram, used as given.
    lag : int > 0
        Frames between the compared spectra.
    max_size : int > 0
        Width of the reference's maximum filter over frequency (1: none).
    ref : np.ndarray [shape=(..., d, m)] or None
        Reference spectrum subtracted from ``S`` (lagged); ``None`` derives it
        from ``S`` with the ``max_size`` maximum filter.
    detrend : bool
        Remove the DC component with librosa's leaky differentiator.
    center : bool
        Center the envelope on the analysis frames.
    feature : callable or None
        Spectrogram function of ``(y=, sr=, n_fft=, hop_length=, **kwargs)``;
        :func:`tunelens.melspectrogram` by default.
    aggregate : callable or None
        ``aggregate(x, axis=-2)`` over frequency (``None``: mean). ``np.mean``
        and ``np.median`` run in Rust; other callables (and a given ``ref``) in numpy.
    n_fft, hop_length : int > 0
        STFT parameters (also used for centering).
    **kwargs
        Passed to ``feature``.

    Returns
    -------
    np.ndarray [shape=(..., m)]
        In the spectrogram's float type.

    Examples
    --------
    Clicks every half second (120 BPM):

    >>> sr = 22050
    >>> y = np.zeros(2 * sr)
    >>> y[::sr // 2] = 1.0
    >>> env = tl.onset.onset_strength(y=y, sr=sr)
    >>> env.shape
    (87,)
    """
    if aggregate is None or aggregate is np.mean:
        median: bool | None = False
    elif aggregate is np.median:
        median = True
    elif callable(aggregate):
        median = None  # any other aggregation: numpy
    else:
        raise InvalidParameterError(f"aggregate must be callable or None, got {aggregate!r}")
    n_fft, hop_length = positive_int(n_fft, "n_fft"), positive_int(hop_length, "hop_length")
    if S is None:
        if y is None:
            raise InvalidParameterError("pass either audio y or a spectrogram S")
        if feature is None:
            feature = melspectrogram
            kwargs.setdefault("fmax", 0.5 * sr)
        spec = feature(y=y, sr=sr, n_fft=n_fft, hop_length=hop_length, **kwargs)
        S = power_to_db(np.abs(spec))
    S = real_array(S, "S")
    if S.ndim == 1:
        S = S[np.newaxis]
    lag, max_size = positive_int(lag, "lag"), positive_int(max_size, "max_size")
    pad_width = lag + (n_fft // (2 * hop_length) if center else 0)
    if ref is None and median is not None:
        env = _core.onset_strength(S, lag=lag, max_size=max_size, median=median, pad_width=pad_width,
                                   center=bool(center))
    else:
        affordable(8.0 * lag, "lag", lag)  # numpy pads the envelope by lag frames (the core checks its own)
        env = _flux(S, ref, lag, max_size, aggregate or np.mean, pad_width, center)
    if detrend:
        import scipy.signal

        env = scipy.signal.lfilter([1.0, -1.0], [1.0, -0.99], env, axis=-1)
    return env


def _flux(S: np.ndarray, ref: Any, lag: int, max_size: int, aggregate: Callable, pad_width: int,
          center: bool) -> np.ndarray:
    """librosa's onset envelope in numpy, for a given ``ref`` or a custom ``aggregate``."""
    if ref is None:
        import scipy.ndimage

        ref = S if max_size == 1 else scipy.ndimage.maximum_filter1d(S, max_size, axis=-2)
    else:
        ref = np.atleast_2d(real_array(ref, "ref"))
        if ref.shape != S.shape:
            raise InvalidParameterError(f"Reference spectrum shape {ref.shape} must match input spectrum {S.shape}")
    flux = np.maximum(0.0, S[..., lag:] - ref[..., :-lag])
    env = np.asarray(aggregate(flux, axis=-2), dtype=flux.dtype)
    env = np.pad(env, [(0, 0)] * (env.ndim - 1) + [(pad_width, 0)])
    return env[..., : S.shape[-1]] if center else env


def _frame_count(value: Any, name: str) -> int:
    """librosa's ``valid_int(value, cast=np.ceil)`` for the peak picker's windows."""
    try:
        count = int(np.ceil(value))
    except (TypeError, ValueError, OverflowError):
        raise InvalidParameterError(f"{name} must be a number, got {value!r}") from None
    if count < 0:
        raise InvalidParameterError(f"{name} must be non-negative, got {value!r}")
    return count


def _peak_pick(x: np.ndarray, *, pre_max: Any, post_max: Any, pre_avg: Any, post_avg: Any, delta: float,
               wait: Any) -> np.ndarray:
    """Boolean peak indicator of ``x`` along its last axis (``librosa.util.peak_pick``)."""
    for name, value in (("post_max", post_max), ("post_avg", post_avg)):
        if not value > 0:
            raise InvalidParameterError(f"{name} must be positive, got {value!r}")
    if not delta >= 0:
        raise InvalidParameterError(f"delta must be non-negative, got {delta!r}")
    windows = {name: _frame_count(value, name) for name, value in
               (("pre_max", pre_max), ("post_max", post_max), ("pre_avg", pre_avg), ("post_avg", post_avg),
                ("wait", wait))}
    lanes = x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)
    peaks = [_core.peak_pick(np.ascontiguousarray(lane), delta=float(delta), **windows) for lane in lanes]
    return np.stack(peaks).reshape(x.shape)


@fill_doc(mono_audio=MONO_AUDIO)
def onset_detect(*, y: Any = None, sr: float = 22050, onset_envelope: Any = None, hop_length: int = 512,
                 backtrack: bool = False, energy: Any = None, units: str = "frames", normalize: bool = True,
                 sparse: bool = True, **kwargs: Any) -> np.ndarray:
    """Onset events by peak picking the onset strength (``librosa.onset.onset_detect``).

    The envelope (:func:`onset_strength` of ``y`` unless given) is scaled to
    [0, 1] when ``normalize``; a frame is an onset when it is the maximum of the
    frames ``n - pre_max .. n + post_max``, exceeds the mean of
    ``n - pre_avg .. n + post_avg`` by ``delta``, and comes more than ``wait``
    frames after the previous onset. Defaults as librosa: 30 ms, 0 ms, 100 ms,
    100 ms windows, ``delta=0.07``, ``wait`` 30 ms (in frames of ``hop_length``).

    Parameters
    ----------
    {mono_audio}
    onset_envelope : np.ndarray [shape=(..., m)] or None
        A precomputed onset strength envelope.
    hop_length : int > 0
        Hop of the envelope in samples.
    backtrack : bool
        Move each onset back to the preceding local minimum of ``energy``
        (:func:`onset_backtrack`); needs ``sparse=True``.
    energy : np.ndarray [shape=(m,)] or None
        Energy function for backtracking (default: the onset envelope).
    units : {"frames", "samples", "time"}
        Units of the sparse result.
    normalize : bool
        Scale the envelope to [0, 1] first.
    sparse : bool
        Return event positions (True) or a boolean indicator of the envelope's shape.
    **kwargs
        ``pre_max``, ``post_max``, ``pre_avg``, ``post_avg``, ``delta``, ``wait``.

    Returns
    -------
    np.ndarray
        Event positions (int frames/samples, or float seconds), or a boolean array when ``sparse=False``.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.zeros(2 * sr)
    >>> y[sr // 4::sr // 2] = 1.0
    >>> tl.onset.onset_detect(y=y, sr=sr, units="time").round(2)  # the clicks at 0.25, 0.75, 1.25, 1.75 s
    array([0.26, 0.77, 1.25, 1.76])
    """
    hop_length = positive_int(hop_length, "hop_length")
    if onset_envelope is None:
        if y is None:
            raise InvalidParameterError("y or onset_envelope must be provided")
        onset_envelope = onset_strength(y=y, sr=sr, hop_length=hop_length)
    onset_envelope = real_array(onset_envelope, "onset_envelope")
    if sparse and onset_envelope.ndim != 1:
        raise InvalidParameterError(
            f"sparse=True does not support {onset_envelope.ndim}-dimensional onset envelopes; "
            "set sparse=False or process each channel separately"
        )
    if normalize:
        onset_envelope = onset_envelope - np.min(onset_envelope, keepdims=True, axis=-1)
        onset_envelope /= np.max(onset_envelope, keepdims=True, axis=-1) + np.finfo(onset_envelope.dtype).tiny
    if not onset_envelope.any() or not np.all(np.isfinite(onset_envelope)):
        onsets = np.array([], dtype=int) if sparse else np.zeros_like(onset_envelope, dtype=bool)
    else:
        kwargs.setdefault("pre_max", 0.03 * sr // hop_length)
        kwargs.setdefault("post_max", 0.00 * sr // hop_length + 1)
        kwargs.setdefault("pre_avg", 0.10 * sr // hop_length)
        kwargs.setdefault("post_avg", 0.10 * sr // hop_length + 1)
        kwargs.setdefault("wait", 0.03 * sr // hop_length)
        kwargs.setdefault("delta", 0.07)
        unknown = sorted(set(kwargs) - {"pre_max", "post_max", "pre_avg", "post_avg", "wait", "delta"})
        if unknown:
            raise InvalidParameterError(f"unexpected peak-picking arguments: {unknown}")
        peaks = _peak_pick(onset_envelope, **kwargs)
        onsets = np.flatnonzero(peaks) if sparse else peaks
        if backtrack:
            if not sparse:
                raise InvalidParameterError("onset backtracking is only supported if sparse=True")
            onsets = onset_backtrack(onsets, onset_envelope if energy is None else energy)
    if not sparse:
        return onsets
    if units == "frames":
        return onsets
    if units == "samples":
        return frames_to_samples(onsets, hop_length=hop_length)
    if units == "time":
        return frames_to_time(onsets, hop_length=hop_length, sr=sr)
    raise InvalidParameterError(f"Invalid unit type: {units!r}; use 'frames', 'samples' or 'time'")


def onset_backtrack(events: Any, energy: Any) -> np.ndarray:
    """Move onset events back to the nearest preceding energy minimum (``librosa.onset.onset_backtrack``).

    Parameters
    ----------
    events : np.ndarray [shape=(k,)], int
        Onset frames.
    energy : np.ndarray [shape=(m,)]
        An energy function (e.g. RMS or the onset envelope).

    Returns
    -------
    np.ndarray [shape=(k,)], int
        For each event, the last frame at or before it where ``energy`` stops
        decreasing (frame 0 when there is none).

    Raises
    ------
    InvalidParameterError
        When ``events`` is empty (as librosa).

    Examples
    --------
    >>> energy = np.array([3.0, 1.0, 2.0, 5.0, 4.0, 0.5, 6.0])
    >>> tl.onset.onset_backtrack(np.array([3, 6]), energy)
    array([1, 5])
    """
    energy = real_array(energy, "energy")
    if energy.ndim != 1:
        raise InvalidParameterError(f"energy must be 1-D, got shape {energy.shape}")
    events = np.asarray(events)
    minima = 1 + np.flatnonzero((energy[1:-1] <= energy[:-2]) & (energy[1:-1] < energy[2:]))
    minima = np.unique(np.concatenate([[0], minima])).astype(int)
    if events.size == 0:
        raise InvalidParameterError("Attempting to match empty event list")  # as librosa's match_events
    return minima[np.searchsorted(minima, events, side="right") - 1]
