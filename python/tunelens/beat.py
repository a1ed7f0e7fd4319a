"""Beat tracking, matching ``librosa.beat.beat_track`` 0.11."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens._docs import MONO_AUDIO, ONSET_ENVELOPE, fill_doc
from tunelens._validate import positive_int, real_array
from tunelens.convert import frames_to_samples, frames_to_time
from tunelens.exceptions import InvalidParameterError
from tunelens.feature.rhythm import tempo as _tempo
from tunelens.onset import onset_strength

__all__ = ["beat_track"]


@fill_doc(mono_audio=MONO_AUDIO, onset_envelope=ONSET_ENVELOPE)
def beat_track(*, y: Any = None, sr: float = 22050, onset_envelope: Any = None, hop_length: int = 512,
               start_bpm: float = 120.0, tightness: float = 100, trim: bool = True, bpm: Any = None,
               prior: Any = None, units: str = "frames", sparse: bool = True) -> tuple[Any, np.ndarray]:
    """Dynamic-programming beat tracker (Ellis 2007), as ``librosa.beat.beat_track``.

    The onset envelope (median-aggregated :func:`tunelens.onset.onset_strength`
    unless given) is divided by its standard deviation and smoothed with a
    Gaussian window one beat period wide; a dynamic program then chains beats
    whose spacing stays close to the period of ``bpm`` (estimated with
    :func:`tunelens.feature.rhythm.tempo` unless given), ``tightness`` weighing
    the deviation; the chain ends at the last strong maximum of the cumulative
    score and, with ``trim``, weak leading and trailing beats are dropped.
    Beats are identical to librosa 0.11's.

    Parameters
    ----------
    {mono_audio}
    {onset_envelope}
    start_bpm : float > 0
        Initial guess for the tempo estimator.
    tightness : float > 0
        How strongly beat spacing is held to the tempo.
    trim : bool
        Drop weak onsets at the start and end.
    bpm : float, np.ndarray or None
        Tempo (global, or one per frame); estimated when None.
    prior : scipy.stats distribution or None
        Tempo prior for the estimator.
    units : {"frames", "samples", "time"}
        Units of the sparse beat positions.
    sparse : bool
        Return beat positions (True) or a boolean indicator of the envelope's shape.

    Returns
    -------
    tempo : float or np.ndarray
        BPM (``0.0`` for a silent envelope), as librosa returns it.
    beats : np.ndarray
        Beat positions in ``units``, or a boolean array when ``sparse=False``.

    Examples
    --------
    >>> sr = 22050
    >>> y = tl.datasets.synth_clip(sr=sr, duration=6.0, tempo=120.0)
    >>> tempo, beats = tl.beat.beat_track(y=y, sr=sr)
    >>> tempo.round()
    array([117.])
    >>> tl.frames_to_time(beats, sr=sr).round(2)
    array([0.51, 1.02, 1.53, 2.02, 2.53, 3.02, 3.53, 4.02, 4.53, 5.04, 5.53])
    """
    hop_length = positive_int(hop_length, "hop_length")
    if onset_envelope is None:
        if y is None:
            raise InvalidParameterError("y or onset_envelope must be provided")
        onset_envelope = onset_strength(y=y, sr=sr, hop_length=hop_length, aggregate=np.median)
    onset_envelope = real_array(onset_envelope, "onset_envelope")
    if sparse and onset_envelope.ndim != 1:
        raise InvalidParameterError(
            f"sparse=True does not support {onset_envelope.ndim}-dimensional onset envelopes; "
            "set sparse=False or convert the signal to mono"
        )
    if not onset_envelope.any():
        if sparse:
            return 0.0, np.array([], dtype=int)
        return np.zeros(onset_envelope.shape[:-1]), np.zeros_like(onset_envelope, dtype=bool)
    if bpm is None:
        bpm = _tempo(onset_envelope=onset_envelope, sr=sr, hop_length=hop_length, start_bpm=start_bpm, prior=prior)
    beats = _track(onset_envelope, np.atleast_1d(bpm), float(sr) / hop_length, tightness, trim)
    if not sparse:
        return bpm, beats
    beats = np.flatnonzero(beats)
    if units == "frames":
        return bpm, beats
    if units == "samples":
        return bpm, frames_to_samples(beats, hop_length=hop_length)
    if units == "time":
        return bpm, frames_to_time(beats, hop_length=hop_length, sr=sr)
    raise InvalidParameterError(f"Invalid unit type: {units!r}; use 'frames', 'samples' or 'time'")


def _track(onset_envelope: np.ndarray, bpm: np.ndarray, frame_rate: float, tightness: float,
           trim: bool) -> np.ndarray:
    """Beat indicator per envelope lane: normalisation as librosa (numpy, envelope dtype), tracking in Rust."""
    if np.any(bpm <= 0):
        raise InvalidParameterError(f"bpm={bpm} must be strictly positive")
    if not tightness > 0:
        raise InvalidParameterError("tightness must be strictly positive")
    frames_per_beat = np.round(frame_rate * 60.0 / bpm.astype(np.float64))
    norm = onset_envelope.std(ddof=1, axis=-1, keepdims=True)
    normalized = onset_envelope / (norm + np.finfo(onset_envelope.dtype).tiny)
    lanes = normalized.reshape(-1, normalized.shape[-1])
    periods = frames_per_beat.reshape(-1, frames_per_beat.shape[-1])
    if len(periods) not in (1, len(lanes)):
        raise InvalidParameterError(
            f"Invalid bpm shape={bpm.shape} does not match onset envelope shape={onset_envelope.shape}"
        )
    beats = [
        _core.track_beat_frames(np.ascontiguousarray(lane, dtype=np.float64),
                                np.ascontiguousarray(periods[i % len(periods)]),
                                tightness=float(tightness), trim=bool(trim))
        for i, lane in enumerate(lanes)
    ]
    return np.stack(beats).reshape(onset_envelope.shape)
