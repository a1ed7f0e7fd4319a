"""librosa 0.11 options beyond the defaults: poly_features, onset references and aggregates,
tempo priors, every DCT type for MFCCs, contrast on near-silent frames, and signatures."""

from __future__ import annotations

import inspect

import librosa
import numpy as np
import pytest
import scipy.stats
from signals import music

import tunelens
from tunelens import feature

RATES = [22050, 16000]


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("kwargs", [{}, {"order": 0}, {"order": 2}, {"order": 3, "n_fft": 1024, "hop_length": 256},
                                    {"center": False, "pad_mode": "reflect"}])
def test_poly_features(sr, kwargs):
    y = music(sr, 3.3, seed=2)
    ours = feature.poly_features(y=y, sr=sr, **kwargs)
    ref = librosa.feature.poly_features(y=y, sr=sr, **kwargs)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    # Same least-squares solve (np.polyfit) on float32 magnitudes whose FFTs differ
    # in the last ulp: 1e-6 of each coefficient row's largest value.
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6 * np.abs(ref).max(axis=-1, keepdims=True).max())


def test_poly_features_from_S_and_per_frame_frequencies():
    y = music(22050, 2.0, seed=4)
    S = np.abs(librosa.stft(np.stack([y, y[::-1]])))
    # One lstsq for all frames vs librosa's per-channel solves: ulp-level differences.
    np.testing.assert_allclose(feature.poly_features(S=S, order=2), librosa.feature.poly_features(S=S, order=2), rtol=1e-12)
    freq = np.broadcast_to(librosa.fft_frequencies(sr=22050)[:, None], S.shape[-2:]) * 1.01
    np.testing.assert_allclose(feature.poly_features(S=S[0], freq=freq), librosa.feature.poly_features(S=S[0], freq=freq),
                               rtol=1e-12)
    with pytest.raises(tunelens.InvalidParameterError, match="order"):
        feature.poly_features(S=S, order=-1)


@pytest.mark.parametrize("kwargs", [{"aggregate": np.max}, {"aggregate": np.std, "lag": 2},
                                    {"max_size": 3, "aggregate": lambda x, axis: np.percentile(x, 75, axis=axis)}])
def test_onset_strength_custom_aggregate(kwargs):
    y = music(22050, 3.0, seed=5)
    ours = tunelens.onset.onset_strength(y=y, sr=22050, **kwargs)
    ref = librosa.onset.onset_strength(y=y, sr=22050, **kwargs)
    # Same numpy code on a log-mel spectrogram that agrees to ~1e-5 dB.
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


def test_onset_strength_with_reference():
    y = music(22050, 3.0, seed=6)
    S = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=22050))
    ref = np.roll(S, 1, axis=0)
    np.testing.assert_allclose(tunelens.onset.onset_strength(S=S, ref=ref, detrend=True),
                               librosa.onset.onset_strength(S=S, ref=ref, detrend=True), rtol=1e-6, atol=1e-6)
    with pytest.raises(tunelens.InvalidParameterError, match="Reference spectrum shape"):
        tunelens.onset.onset_strength(S=S, ref=ref[:, :-1])


@pytest.mark.parametrize("prior", [scipy.stats.uniform(30, 300), scipy.stats.lognorm(loc=np.log(120), s=1),
                                   scipy.stats.norm(loc=90, scale=10)])
def test_tempo_prior(prior):
    for seed in range(3):
        y = music(22050, 6.0, seed=seed)
        np.testing.assert_array_equal(feature.tempo(y=y, sr=22050, prior=prior),
                                      librosa.feature.tempo(y=y, sr=22050, prior=prior))
    y = music(22050, 6.0, seed=7)
    np.testing.assert_array_equal(tunelens.beat.beat_track(y=y, prior=prior)[1], librosa.beat.beat_track(y=y, prior=prior)[1])


@pytest.mark.parametrize("dct_type", [1, 2, 3, 4])
@pytest.mark.parametrize("norm", [None, "ortho"])
def test_mfcc_dct_types(dct_type, norm):
    y = music(22050, 2.5, seed=8)
    ours = feature.mfcc(y=y, sr=22050, dct_type=dct_type, norm=norm, lifter=22)
    ref = librosa.feature.mfcc(y=y, sr=22050, dct_type=dct_type, norm=norm, lifter=22)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    # Same scipy DCT of a log-mel spectrogram that agrees to ~1e-5 dB (float32).
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-4 * np.abs(ref).max())


def test_contrast_on_near_silent_frames():
    y = music(22050, 3.0, seed=1)
    y[11025:22050] = 0.0
    y[22050:27000] *= 1e-6
    ref = librosa.feature.spectral_contrast(y=y, sr=22050)
    ours = feature.spectral_contrast(y=y, sr=22050)
    # In float32, a near-silent frame's valley magnitudes are at the level of
    # the FFT's own rounding, which differs between pocketfft and rustfft: the
    # dB contrast of those frames agrees to 0.1 dB (elsewhere to 1e-4 relative).
    np.testing.assert_allclose(ours, ref, rtol=0, atol=0.1)
    # In float64 the rounding is 1e-9 below the signal and both agree to 1e-9 dB.
    y64 = y.astype(np.float64)
    np.testing.assert_allclose(feature.spectral_contrast(y=y64, sr=22050), librosa.feature.spectral_contrast(y=y64, sr=22050),
                               rtol=0, atol=1e-9)


ISSUE_FUNCTIONS = [
    (feature.rms, librosa.feature.rms), (feature.zero_crossing_rate, librosa.feature.zero_crossing_rate),
    (feature.spectral_centroid, librosa.feature.spectral_centroid),
    (feature.spectral_bandwidth, librosa.feature.spectral_bandwidth),
    (feature.spectral_rolloff, librosa.feature.spectral_rolloff),
    (feature.spectral_flatness, librosa.feature.spectral_flatness),
    (feature.spectral_contrast, librosa.feature.spectral_contrast),
    (feature.poly_features, librosa.feature.poly_features), (feature.chroma_stft, librosa.feature.chroma_stft),
    (feature.mfcc, librosa.feature.mfcc), (feature.delta, librosa.feature.delta),
    (feature.tempogram, librosa.feature.tempogram), (feature.rhythm.tempo, librosa.feature.rhythm.tempo),
    (tunelens.onset.onset_strength, librosa.onset.onset_strength), (tunelens.onset.onset_detect, librosa.onset.onset_detect),
    (tunelens.beat.beat_track, librosa.beat.beat_track), (tunelens.effects.hpss, librosa.effects.hpss),
    (tunelens.effects.harmonic, librosa.effects.harmonic), (tunelens.effects.percussive, librosa.effects.percussive),
    (tunelens.decompose.hpss, librosa.decompose.hpss),
]


@pytest.mark.parametrize("ours, ref", ISSUE_FUNCTIONS, ids=lambda f: getattr(f, "__qualname__", str(f)))
def test_librosa_arguments_are_accepted(ours, ref):
    """Every argument of librosa's function exists here with the same default (extra
    tunelens arguments such as ``n_jobs`` are allowed, keyword-only)."""
    mine = inspect.signature(ours).parameters
    for name, p in inspect.signature(ref).parameters.items():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        assert name in mine or any(q.kind is inspect.Parameter.VAR_KEYWORD for q in mine.values()), name
        if name in mine and p.default is not inspect.Parameter.empty:
            assert mine[name].default is p.default or mine[name].default == p.default, name
