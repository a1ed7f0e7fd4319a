"""Guards for the causes of librosa-test failures the conformance runner (conformance/run.py) found.

Each test runs one call with ``tunelens.compat.librosa`` and with librosa and
compares the results: native results to the tolerance stated, calls the shim
leaves to librosa exactly (they are librosa's own result).
"""

from __future__ import annotations

import warnings

import librosa
import numpy as np
import pytest
from signals import music

import tunelens.compat.librosa as shim
from tunelens.compat import TunelensFallbackWarning

SR = 22050


@pytest.fixture(scope="module")
def y() -> np.ndarray:
    return music(SR, 3.0)


def quietly(function, *args, **kwargs):
    """``function(*args, **kwargs)`` without the once-per-process TunelensFallbackWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TunelensFallbackWarning)
        return function(*args, **kwargs)


def test_onset_strength_with_chroma_feature_takes_no_mel_fmax(y):
    # librosa sets fmax=sr/2 only for its default mel feature; chroma_stft takes no fmax.
    ours = shim.onset.onset_strength(y=y, sr=SR, feature=shim.feature.chroma_stft)
    ref = librosa.onset.onset_strength(y=y, sr=SR, feature=librosa.feature.chroma_stft)
    assert ours.dtype == ref.dtype and ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5)  # float32 chroma, envelope up to ~7


@pytest.mark.parametrize("name", ["spectral_centroid", "spectral_bandwidth", "spectral_rolloff"])
def test_spectral_time_varying_freq(y, name):
    S = np.abs(librosa.stft(y))
    freq = np.repeat(librosa.fft_frequencies(sr=SR)[:, np.newaxis], S.shape[-1], axis=1)
    freq *= 1.0 + 0.01 * np.sin(np.arange(S.shape[-1]))
    ours = quietly(getattr(shim.feature, name), S=S, sr=SR, freq=freq)
    np.testing.assert_array_equal(ours, getattr(librosa.feature, name)(S=S, sr=SR, freq=freq))


def test_onset_backtrack_multichannel_energy(y):
    energy = librosa.feature.rms(y=y)  # shape (1, t), as librosa's tests pass it
    events = librosa.onset.onset_detect(y=y, sr=SR)
    ours = quietly(shim.onset.onset_backtrack, events, energy)
    np.testing.assert_array_equal(ours, librosa.onset.onset_backtrack(events, energy))


def test_onset_backtrack_native_for_1d_energy(y):
    energy = librosa.onset.onset_strength(y=y, sr=SR)
    events = librosa.onset.onset_detect(y=y, sr=SR)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TunelensFallbackWarning)
        ours = shim.onset.onset_backtrack(events, energy)
    np.testing.assert_array_equal(ours, librosa.onset.onset_backtrack(events, energy))


@pytest.mark.filterwarnings("ignore:n_fft=384 is too large")  # 3 s of audio: 130 envelope frames, as librosa warns
def test_fourier_tempogram_native_and_consistent(y):
    ours = shim.feature.fourier_tempogram(y=y, sr=SR)
    from_envelope = shim.feature.fourier_tempogram(onset_envelope=shim.onset.onset_strength(y=y, sr=SR), sr=SR)
    np.testing.assert_array_equal(ours, from_envelope)  # librosa's own test: y and its envelope agree
    ref = librosa.feature.fourier_tempogram(y=y, sr=SR)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    # float32 envelopes differ from librosa's by a few ulps (up to ~1e-5 at values ~10); the STFT carries that
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-3 * np.abs(ref).max())


@pytest.mark.parametrize("extra_frames", [0, 3])
def test_stft_out_is_returned_as_librosa_does(extra_frames):
    y = np.random.default_rng(1).standard_normal((2, 2048))
    D1 = shim.stft(y, n_fft=1023, hop_length=128)
    out = np.empty(D1.shape[:-1] + (D1.shape[-1] + extra_frames,), dtype=D1.dtype)
    D2 = shim.stft(y, n_fft=1023, hop_length=128, out=out)
    assert (D2 is out) == (extra_frames == 0)  # librosa returns out itself when the shape is exact
    np.testing.assert_array_equal(D2, D1)
    np.testing.assert_allclose(D1, librosa.stft(y, n_fft=1023, hop_length=128), rtol=0, atol=1e-9)  # float64
