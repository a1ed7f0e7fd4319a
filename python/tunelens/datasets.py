"""Synthetic, music-like example data that tunelens makes itself (no downloads)."""

from __future__ import annotations

import numpy as np

from tunelens._validate import positive_number

__all__ = ["synth_clip"]

_MAJOR = (0, 4, 7)
_MINOR = (0, 3, 7)
#: I-V-vi-IV in major, i-VI-III-VII in minor (semitones above the tonic).
_PROGRESSIONS = {"major": ((0, _MAJOR), (7, _MAJOR), (9, _MINOR), (5, _MAJOR)),
                 "minor": ((0, _MINOR), (8, _MAJOR), (3, _MAJOR), (10, _MAJOR))}


def synth_clip(
    *,
    sr: int = 22050,
    duration: float = 10.0,
    tempo: float = 120.0,
    key: int = 0,
    mode: str = "major",
    drums: bool = True,
    seed: int = 0,
) -> np.ndarray:
    """A deterministic music-like clip: a chord progression, a bass line and drums.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    duration : float
        Length in seconds.
    tempo : float
        Beats per minute; one chord per bar of four beats.
    key : int
        Tonic as a pitch class (0 = C, 9 = A).
    mode : {"major", "minor"}
        Chord progression (I-V-vi-IV or i-VI-III-VII).
    drums : bool
        Add kick (beats 1, 3), snare (2, 4) and hi-hat (eighth notes).
    seed : int
        Seed of the noise in the drums and the voicing.

    Returns
    -------
    np.ndarray [shape=(round(sr * duration),)], float32
        Samples in [-1, 1].
    """
    sr = int(positive_number(sr, "sr"))
    duration = positive_number(duration, "duration")
    beat = 60.0 / positive_number(tempo, "tempo")
    rng = np.random.default_rng(seed)
    n = int(round(sr * duration))
    t = np.arange(n) / sr
    y = np.zeros(n)
    tonic = 220.0 * 2 ** (((key % 12) - 9) / 12)  # A3 = 220 Hz
    for bar, start in enumerate(np.arange(0.0, duration, 4 * beat)):
        root, triad = _PROGRESSIONS[mode][bar % 4]
        idx = (t >= start) & (t < start + 4 * beat)
        tt = t[idx] - start
        for interval in triad:
            f = tonic * 2 ** ((root + interval) / 12)
            y[idx] += 0.15 * np.exp(-0.4 * tt) * sum(np.sin(2 * np.pi * f * h * tt + rng.random()) / h**1.5 for h in range(1, 6))
        bass = tonic / 2 * 2 ** (root / 12)
        y[idx] += 0.25 * np.sin(2 * np.pi * bass * tt) * (1 - np.exp(-30 * tt))
    if drums:
        for k, start in enumerate(np.arange(0.0, duration, beat / 2)):
            i0 = int(start * sr)
            seg = np.arange(min(int(0.2 * sr), n - i0)) / sr
            if seg.size == 0:
                continue
            hit = 0.05 * rng.standard_normal(seg.size) * np.exp(-60 * seg)  # hi-hat
            if k % 4 == 0:
                hit += 0.8 * np.sin(2 * np.pi * (50 + 100 * np.exp(-25 * seg)) * seg) * np.exp(-12 * seg)  # kick
            elif k % 4 == 2:
                hit += 0.4 * rng.standard_normal(seg.size) * np.exp(-20 * seg)  # snare
            y[i0 : i0 + seg.size] += hit
    y /= max(1e-9, float(np.abs(y).max())) * 1.05
    return y.astype(np.float32)
