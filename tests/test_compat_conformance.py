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


@pytest.mark.parametrize("window", ["hann", np.ones])
@pytest.mark.parametrize("n_fft", [128, 755, 2048])
def test_stft_float32_rounds_a_float64_transform_as_librosa(y, window, n_fft):
    # librosa's float64 window makes the FFT of float32 audio run in float64; only the result is complex64.
    # np.allclose's default rtol=1e-5 then holds bin by bin, also for bins ~1e-6 of the largest (librosa's tests).
    y32 = y.astype(np.float32)
    ours = shim.stft(y32, n_fft=n_fft, hop_length=n_fft // 2, window=window, center=False)
    ref = librosa.stft(y32, n_fft=n_fft, hop_length=n_fft // 2, window=window, center=False)
    assert ours.dtype == ref.dtype == np.complex64 and ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=0)  # a complex64 rounding of the same float64 values
    assert ours.flags.f_contiguous == ref.flags.f_contiguous


def test_spectrogram_of_a_precomputed_float32_stft_matches_librosa(y):
    import librosa.core.spectrum

    y32 = y.astype(np.float32)
    S = np.abs(shim.stft(y32, n_fft=2048, hop_length=512)) ** 2
    S_, n_fft = librosa.core.spectrum._spectrogram(y=y32, n_fft=2048, hop_length=512, power=2)
    assert n_fft == 2048
    np.testing.assert_allclose(S, S_, rtol=1e-5, atol=0)  # librosa's test__spectrogram uses np.allclose


@pytest.mark.parametrize("window", ["hann", ("kaiser", 4.0), "rect"])
def test_get_window_returns_a_writable_array_as_librosa(window):
    ours = shim.filters.get_window(window, 17, fftbins=False)
    ref = librosa.filters.get_window(window, 17, fftbins=False)
    np.testing.assert_array_equal(ours, ref)  # scipy's window, exactly
    ours /= ours.sum()  # librosa's test_diagonal_filter normalises it in place
    np.testing.assert_array_equal(shim.filters.get_window(window, 17, fftbins=False), ref)  # the cache is intact


def test_private_names_are_forwarded_to_librosa():
    import scipy.signal

    # librosa's test__window reads librosa.filters.__float_window (no name mangling at module level)
    ours = quietly(getattr, shim.filters, "__float_window")
    assert ours is getattr(librosa.filters, "__float_window")
    np.testing.assert_array_equal(ours(scipy.signal.windows.hann)(16.5), getattr(librosa.filters, "__float_window")(
        scipy.signal.windows.hann)(16.5))
    with pytest.raises(AttributeError):
        shim.filters.__wrapped__  # dunders stay the module's own


def test_onset_strength_of_a_complex_stft_is_librosas(y):
    # librosa's test_multichannel passes librosa.stft(y) itself as S; librosa returns a complex envelope
    S = librosa.stft(np.stack([y, y[::-1]]).astype(np.float32))
    ours = quietly(shim.onset.onset_strength, S=S)
    ref = librosa.onset.onset_strength(S=S)
    assert ours.dtype == ref.dtype and np.iscomplexobj(ours)
    np.testing.assert_array_equal(ours, ref)  # librosa's own function


def test_onset_strength_of_a_real_spectrogram_stays_native(y):
    S = np.abs(librosa.stft(y.astype(np.float32)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TunelensFallbackWarning)
        ours = shim.onset.onset_strength(S=S)
    np.testing.assert_allclose(ours, librosa.onset.onset_strength(S=S), rtol=1e-5, atol=1e-5)  # float32 flux


def test_specshow_of_complex_data_warns_as_librosa():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    S = librosa.stft(np.random.default_rng(0).standard_normal(4096))
    with pytest.warns(UserWarning, match="Trying to display complex"):  # librosa's test_complex_input
        ours = shim.display.specshow(S)
    with pytest.warns(UserWarning, match="Trying to display complex"):
        librosa.display.specshow(S)
    np.testing.assert_array_equal(np.asarray(ours.get_array()).ravel(), np.abs(S).ravel())  # the magnitude
    plt.close("all")


def test_waveshow_returns_librosas_adaptive_waveplot(y):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ours = quietly(lambda: shim.display.waveshow(y, sr=SR, ax=ax))
    assert isinstance(ours, librosa.display.AdaptiveWaveplot)  # librosa's test_waveshow_disconnect uses .envelope
    assert ours.envelope.get_visible() and not ours.steps.get_visible()
    plt.close(fig)
