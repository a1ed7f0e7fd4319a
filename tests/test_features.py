"""Parity of ``tunelens.feature`` with ``librosa.feature`` 0.11, side by side.

Tolerances, and why:
- centroid, bandwidth, flatness, rms, mfcc: rtol 1e-4 (with an absolute floor of
  1e-4 x the largest value for MFCCs and contrast, whose coefficients cross zero).
  tunelens sums in float64 where librosa sums float32 values; the difference is
  float32 rounding of the magnitudes (~1e-7 relative).
- rolloff: the cumulative sum runs in the input's precision like numpy's, but the
  FFTs differ in the last ulp, so a frame whose cumulative magnitude sits exactly
  on the threshold may land one bin away: at most 0.5% of frames may differ, by
  exactly one bin.
- zero-crossing rate: identical (integer counts).
- delta: same Savitzky-Golay filter as librosa, rtol 1e-6.
"""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
from signals import music, silence

import tunelens as tl
from tunelens import feature

SIGNALS = {
    "music22k": (music(22050, 2.3456, seed=1), 22050),
    "music8k_odd": (music(8000, 1.0003, seed=2), 8000),
    "music44k": (music(44100, 1.5, seed=3), 44100),
    "stereo48k": (music(48000, 1.25, seed=4, channels=2), 48000),
    "silence": (silence(22050, 0.77), 22050),
    "float64": (music(22050, 1.1, seed=5).astype(np.float64), 22050),
    "shorter_than_frame": (music(22050, 0.05, seed=6), 22050),
}


def both(fn_tl, fn_lr, **kw):
    """Calls both implementations, silencing the short-signal warning both emit."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="n_fft=.*too large")
        return fn_tl(**kw), fn_lr(**kw)


def assert_close(a: np.ndarray, b: np.ndarray, rtol: float, atol_rel: float = 0.0) -> None:
    assert a.shape == b.shape, (a.shape, b.shape)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    atol = atol_rel * float(np.abs(b).max()) if b.size else 0.0
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


SPECTRAL = [
    ("spectral_centroid", {}),
    ("spectral_centroid", {"n_fft": 512, "hop_length": 128}),
    ("spectral_bandwidth", {}),
    ("spectral_bandwidth", {"p": 3, "norm": False}),
    ("spectral_flatness", {}),
    ("spectral_flatness", {"power": 1.0, "n_fft": 1024}),
    ("spectral_contrast", {}),
    ("spectral_contrast", {"linear": True, "n_bands": 4, "fmin": 300.0}),
]


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("fn,kw", SPECTRAL, ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "defaults")
def test_spectral_features_match_librosa(name: str, fn: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    if fn != "spectral_flatness":
        kw = dict(kw, sr=sr)
    if fn == "spectral_contrast" and name == "music8k_odd":
        kw = dict(kw, n_bands=3)  # 200 * 2**6 Hz is above 8 kHz's Nyquist
    ours, ref = both(getattr(feature, fn), getattr(librosa.feature, fn), y=y, **kw)
    # Contrast: dB differences of float32 quantile means; floor for near-equal peak/valley.
    assert_close(ours, ref, rtol=1e-4, atol_rel=1e-4 if fn == "spectral_contrast" else 1e-9)


@pytest.mark.parametrize("name", ["music22k", "stereo48k", "float64"])
@pytest.mark.parametrize("fn", ["spectral_centroid", "spectral_bandwidth", "spectral_contrast", "spectral_flatness"])
def test_spectral_features_from_S(name: str, fn: str) -> None:
    y, sr = SIGNALS[name]
    S = np.abs(librosa.stft(y, n_fft=1024, hop_length=256))
    kw = {} if fn == "spectral_flatness" else {"sr": sr}
    assert_close(getattr(feature, fn)(S=S, **kw), getattr(librosa.feature, fn)(S=S, **kw), rtol=1e-4, atol_rel=1e-9 if fn != "spectral_contrast" else 1e-4)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"roll_percent": 0.5, "n_fft": 1024, "hop_length": 300}])
def test_rolloff_matches_librosa(name: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    ours, ref = both(feature.spectral_rolloff, librosa.feature.spectral_rolloff, y=y, sr=sr, **kw)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    n_fft = kw.get("n_fft", 2048)
    off = np.abs(ours - ref)
    assert np.all((off < 1e-6) | (np.abs(off - sr / n_fft) < 1e-6)), "differ by more than one bin"
    assert np.mean(off > 1e-6) <= 0.005, f"{np.mean(off > 1e-6):.3%} of frames differ by one bin"


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"frame_length": 1024, "hop_length": 333}, {"center": False, "frame_length": 512}, {"pad_mode": "reflect"}])
def test_rms_matches_librosa(name: str, kw: dict) -> None:
    y, _ = SIGNALS[name]
    if not kw.get("center", True) and y.shape[-1] < kw["frame_length"]:
        with pytest.raises(librosa.ParameterError):
            librosa.feature.rms(y=y, **kw)
        with pytest.raises(tl.InvalidParameterError):
            feature.rms(y=y, **kw)
        return
    assert_close(feature.rms(y=y, **kw), librosa.feature.rms(y=y, **kw), rtol=1e-4, atol_rel=1e-9)


def test_rms_from_S_and_errors() -> None:
    y, _ = SIGNALS["music22k"]
    S = np.abs(librosa.stft(y))
    assert_close(feature.rms(S=S), librosa.feature.rms(S=S), rtol=1e-5)
    with pytest.raises(tl.InvalidParameterError, match="frame_length"):
        feature.rms(S=S, frame_length=1000)
    with pytest.raises(tl.InvalidParameterError, match="n_fft"):
        feature.rms(y=y[:100], frame_length=512, center=False)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"frame_length": 1024, "hop_length": 100}, {"center": False, "frame_length": 256}, {"threshold": 0.01}])
def test_zero_crossing_rate_is_identical(name: str, kw: dict) -> None:
    y, _ = SIGNALS[name]
    if not kw.get("center", True) and y.shape[-1] < kw["frame_length"]:
        with pytest.raises(librosa.ParameterError):
            librosa.feature.zero_crossing_rate(y, **kw)
        with pytest.raises(tl.InvalidParameterError):
            feature.zero_crossing_rate(y, **kw)
        return
    ours, ref = feature.zero_crossing_rate(y, **kw), librosa.feature.zero_crossing_rate(y, **kw)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"n_mfcc": 13, "lifter": 22}, {"n_mfcc": 40, "n_mels": 64, "n_fft": 1024, "hop_length": 256}])
def test_mfcc_matches_librosa(name: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    ours, ref = both(feature.mfcc, librosa.feature.mfcc, y=y, sr=sr, **kw)
    # Coefficients cross zero: absolute floor of 1e-4 x the largest coefficient.
    assert_close(ours, ref, rtol=1e-4, atol_rel=1e-4)


def test_mfcc_from_S_and_delta() -> None:
    y, sr = SIGNALS["music22k"]
    S = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))
    m = feature.mfcc(S=S, n_mfcc=13)
    assert_close(m, librosa.feature.mfcc(S=S, n_mfcc=13), rtol=1e-4, atol_rel=1e-5)
    for kw in [{}, {"order": 2, "width": 5}, {"mode": "nearest"}]:
        assert_close(feature.delta(m, **kw), librosa.feature.delta(m, **kw), rtol=1e-6, atol_rel=1e-7)
    with pytest.raises(tl.InvalidParameterError, match="width"):
        feature.delta(m, width=4)
    with pytest.raises(tl.InvalidParameterError, match="dct_type"):
        feature.mfcc(S=S, dct_type=7)
    with pytest.raises(tl.InvalidParameterError, match="lifter"):
        feature.mfcc(S=S, dct_type=3, lifter=-1)


def test_bad_input_raises_typed_errors() -> None:
    y, sr = SIGNALS["music22k"]
    with pytest.raises(tl.InvalidParameterError, match="roll_percent"):
        feature.spectral_rolloff(y=y, sr=sr, roll_percent=1.5)
    with pytest.raises(tl.InvalidParameterError, match="non-negative"):
        feature.spectral_centroid(S=-np.ones((1025, 3)))
    with pytest.raises(tl.InvalidParameterError, match="n_bands"):
        feature.spectral_contrast(y=y, sr=8000)
    with pytest.raises(tl.InvalidParameterError, match="y"):
        feature.spectral_centroid(y=np.array([0.0, np.nan] * 2000))
    with pytest.raises(tl.InvalidParameterError):
        feature.spectral_centroid()


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("kw", [{}, {"tuning": 0.0}, {"tuning": -0.23, "n_chroma": 24, "n_fft": 4096}, {"norm": None, "octwidth": None}, {"n_fft": 1024, "hop_length": 256, "base_c": False}])
def test_chroma_stft_matches_librosa(name: str, kw: dict) -> None:
    y, sr = SIGNALS[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours, ref = both(feature.chroma_stft, librosa.feature.chroma_stft, y=y, sr=sr, **kw)
    # Both warn the same way about tuning estimated from silence.
    tuning_warnings = [str(w.message) for w in caught if "tuning" in str(w.message)]
    assert len(tuning_warnings) in (0, 2), tuning_warnings
    # Tuning estimation is exact (same piptrack peaks and histogram bin), so the
    # only difference is float32 accumulation of the filter bank product.
    assert_close(ours, ref, rtol=1e-4, atol_rel=1e-5)


def test_chroma_from_power_spectrogram() -> None:
    y, sr = SIGNALS["stereo48k"]
    S = np.abs(librosa.stft(y, n_fft=4096)) ** 2
    assert_close(feature.chroma_stft(S=S, sr=sr), librosa.feature.chroma_stft(S=S, sr=sr), rtol=1e-4, atol_rel=1e-5)
    with pytest.raises(tl.InvalidParameterError, match="unexpected"):
        feature.chroma_stft(S=S, sr=sr, bogus=1)
