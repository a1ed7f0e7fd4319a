"""Onset strength, tempogram and tempo against librosa 0.11.

Tolerances, and why:
- onset_strength: rtol 1e-4 with an absolute floor of 1e-4 x max: the envelope is
  a difference of dB values of float32 mel spectrograms (mel values agree to
  ~1e-6 relative, i.e. ~1e-5 dB); tunelens averages bands in float64.
- tempogram: rtol 1e-4, floor 1e-5 x max: autocorrelation in float64 of the
  (float32) envelope, so its error is the envelope's.
- tempo: identical BPM (argmax of a smooth score over discrete lags).
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest
from signals import music, silence

import tunelens as tl
from tunelens import feature, onset
from tunelens.datasets import synth_clip

SIGNALS = {
    "synth112": (synth_clip(sr=22050, duration=12.0, tempo=112, key=2, seed=1).astype(np.float32), 22050),
    "synth90_8k": (synth_clip(sr=8000, duration=9.0, tempo=90, key=7, seed=2).astype(np.float32), 8000),
    "synth140_44k": (synth_clip(sr=44100, duration=7.5, tempo=140, key=9, seed=3).astype(np.float32), 44100),
    "music": (music(22050, 6.1, seed=4), 22050),
    "stereo": (music(22050, 4.0, seed=5, channels=2), 22050),
    "float64": (music(22050, 5.0, seed=6).astype(np.float64), 22050),
    "silence": (silence(22050, 2.0), 22050),
}


def assert_close(a: np.ndarray, b: np.ndarray, rtol: float, atol_rel: float) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol_rel * max(float(np.abs(b).max()), 1e-30))


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"lag": 2, "max_size": 3}, {"aggregate": np.median}, {"center": False, "hop_length": 256}, {"detrend": True, "n_mels": 64}])
def test_onset_strength_matches_librosa(name: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    assert_close(onset.onset_strength(y=y, sr=sr, **kw), librosa.onset.onset_strength(y=y, sr=sr, **kw), rtol=1e-4, atol_rel=1e-4)


@pytest.mark.parametrize("name", list(SIGNALS))
def test_tempogram_matches_librosa(name: str) -> None:
    y, sr = SIGNALS[name]
    env = librosa.onset.onset_strength(y=y, sr=sr)
    for kw in [{}, {"win_length": 200, "norm": None}, {"center": False, "win_length": 64}]:
        assert_close(feature.tempogram(onset_envelope=env, sr=sr, **kw), librosa.feature.tempogram(onset_envelope=env, sr=sr, **kw), rtol=1e-4, atol_rel=1e-5)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"start_bpm": 90.0, "std_bpm": 0.5}, {"max_tempo": None, "ac_size": 4.0}, {"aggregate": None}, {"hop_length": 256}])
def test_tempo_is_identical(name: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    ours, ref = feature.tempo(y=y, sr=sr, **kw), librosa.feature.tempo(y=y, sr=sr, **kw)
    assert ours.shape == ref.shape
    np.testing.assert_array_equal(ours, ref)


def test_rhythm_errors() -> None:
    with pytest.raises(tl.InvalidParameterError, match="onset_envelope"):
        feature.tempo()
    with pytest.raises(tl.InvalidParameterError, match="aggregate"):
        onset.onset_strength(y=SIGNALS["music"][0], aggregate="max")
    with pytest.raises(tl.InvalidParameterError, match="start_bpm"):
        feature.tempo(onset_envelope=np.ones(100), start_bpm=0)
