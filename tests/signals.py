"""Music-like test signals shared by the parity suites.

Parity is checked on signals that look like music to the algorithms under test,
not only on sine waves: harmonic tones with vibrato and decaying envelopes, a
drum-like click track, broadband noise, silence, and odd lengths.
"""

from __future__ import annotations

import numpy as np

#: Sample rates every parity suite covers.
RATES = (8000, 22050, 44100, 48000)


def music(sr: int = 22050, seconds: float = 3.0, *, seed: int = 0, channels: int = 0) -> np.ndarray:
    """A deterministic music-like clip: chords of harmonic tones, clicks and noise.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    seconds : float
        Duration; any value, so lengths are odd and not multiples of a hop.
    seed : int
        Seed of the noise and the note choice.
    channels : int
        0 for a 1-D mono signal, otherwise a ``(channels, n)`` array whose
        channels differ (panned notes, independent noise).

    Returns
    -------
    np.ndarray
        float32 samples in [-1, 1].
    """
    rng = np.random.default_rng(seed)
    n = max(1, int(round(sr * seconds)))
    t = np.arange(n) / sr
    out = np.zeros((max(channels, 1), n))
    note_len = 0.25 + 0.1 * rng.random()
    for c in range(out.shape[0]):
        y = np.zeros(n)
        for start in np.arange(0.0, seconds, note_len):
            f0 = 110.0 * 2 ** (rng.integers(0, 36) / 12)
            idx = (t >= start) & (t < start + 2 * note_len)
            tt = t[idx] - start
            env = np.exp(-3.0 * tt)
            vib = 1 + 0.003 * np.sin(2 * np.pi * 5.0 * tt)
            for h in range(1, 8):
                if f0 * h < sr / 2:
                    y[idx] += env * np.sin(2 * np.pi * f0 * h * tt * vib + rng.random()) / h
        clicks = np.zeros(n)
        clicks[:: max(1, int(sr * 0.125))] = 1.0
        y += np.convolve(clicks, np.exp(-np.arange(64) / 8.0) * rng.standard_normal(64), mode="same")
        y += 0.02 * rng.standard_normal(n)
        out[c] = y
    out /= max(1e-9, np.abs(out).max()) * 1.1
    out = out.astype(np.float32)
    return out if channels else out[0]


def silence(sr: int = 22050, seconds: float = 1.0) -> np.ndarray:
    """All-zero float32 signal."""
    return np.zeros(max(1, int(round(sr * seconds))), dtype=np.float32)
