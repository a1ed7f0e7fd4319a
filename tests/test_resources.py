"""Resources: flat memory over repeated calls, huge parameters refused up front,
regressions of the fuzzers' findings, and the panic boundary's bug-report hint.

``TUNELENS_SOAK_CALLS`` sets the repetitions of the memory test (CI: 2,000;
the soak run in docs/reliability.md uses 10,000+).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
import time
from typing import Any, Callable

import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl

CALLS = int(os.environ.get("TUNELENS_SOAK_CALLS", "2000"))
ROOT = Path(__file__).resolve().parents[1]
Y = music(22050, 0.1, seed=5)
X = np.random.default_rng(0).normal(size=(60, 5))
WAV = ROOT / "tests" / "data" / "malformed" / "wav_one_sample.wav"
BAD = ROOT / "tests" / "data" / "malformed" / "wav_random_bytes.wav"


def rss() -> int:
    """Resident set size in bytes (Linux /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


#: The main functions, each with a small input (a failing call included:
#: error paths must not leak either). A new entry point is one line.
MAIN: dict[str, Callable[[], Any]] = {
    "load": lambda: tl.load(WAV, sr=None),
    "load_error": lambda: pytest.raises(tl.TunelensError, tl.load, BAD),
    "load_batch": lambda: tl.load_batch([WAV, BAD], sr=None, n_jobs=1),
    "resample": lambda: tl.resample(Y, orig_sr=22050, target_sr=16000),
    "stft": lambda: tl.stft(Y, n_fft=512),
    "istft": lambda: tl.istft(tl.stft(Y, n_fft=512)),
    "melspectrogram": lambda: tl.melspectrogram(y=Y, n_fft=512),
    "mfcc": lambda: tl.feature.mfcc(y=Y, n_fft=512),
    "chroma_stft": lambda: tl.feature.chroma_stft(y=Y, n_fft=512),
    "hpss": lambda: tl.effects.hpss(Y, n_fft=512),
    "onset_strength": lambda: tl.onset.onset_strength(y=Y),
    "kneighbors": lambda: tl.NearestNeighbors(n_neighbors=3).fit(X).kneighbors(),
    "pca": lambda: tl.PCA(n_components=2).fit_transform(X),
    "kmeans": lambda: tl.KMeans(n_clusters=3, n_init=1, random_state=0).fit(X),
    "extract_features": lambda: tl.extract_features({"a": Y}, feature_set=["rms"], progress=False, n_jobs=1),
}


@pytest.mark.parametrize("name", list(MAIN))
def test_memory_stays_flat_over_repeated_calls(name: str) -> None:
    call = MAIN[name]
    for _ in range(max(CALLS // 10, 50)):  # warm up: pools, FFT plans, caches
        call()
    gc.collect()
    before = rss()
    for _ in range(CALLS):
        call()
    gc.collect()
    grown = rss() - before
    # Noise (allocator arenas, Python free lists) stays within a few MB; a leak
    # of even 1 kB per call would show as 2 MB per 2,000 calls on top of it.
    assert grown < 8 * 2**20 + 1024 * CALLS, f"{name}: RSS grew {grown / 2**20:.1f} MiB over {CALLS} calls"


HUGE: dict[str, Callable[[], Any]] = {
    "n_fft=2**40": lambda: tl.stft(Y, n_fft=2**40),
    "n_mels=10**7": lambda: tl.melspectrogram(y=Y, n_mels=10**7),
    "n_mels=10**7 filters": lambda: tl.filters.mel(sr=22050, n_fft=2048, n_mels=10**7),
    "win_length=2**40 tempogram": lambda: tl.feature.tempogram(y=Y, win_length=2**40),
    "length=2**62 istft": lambda: tl.istft(tl.stft(Y, n_fft=256), length=2**62),
    "hop_length=2**40 istft": lambda: tl.istft(tl.stft(Y, n_fft=256), hop_length=2**40),
    "frame_length=2**62 rms": lambda: tl.feature.rms(y=Y, frame_length=2**62),
    "frame_length=2**62 zcr": lambda: tl.feature.zero_crossing_rate(Y, frame_length=2**62),
    "k=10**9": lambda: tl.NearestNeighbors(n_neighbors=10**9).fit(X).kneighbors(),
    "n_clusters=10**9": lambda: tl.KMeans(n_clusters=10**9).fit(X),
    "sr=1e12 resample": lambda: tl.resample(Y, orig_sr=22050, target_sr=1e12),
    "sr=2**32 load": lambda: tl.load(WAV, sr=2**32),
    # Found by the fuzz2 audit of every size-like parameter (each aborted on a failed allocation before):
    "n_chroma=2**40": lambda: tl.feature.chroma_stft(y=Y, n_chroma=2**40),
    "n_chroma=2**40 from S": lambda: tl.feature.chroma_stft(S=np.ones((1025, 10)), n_chroma=2**40),
    "n_mels=2**40 mel_frequencies": lambda: tl.mel_frequencies(n_mels=2**40),
    "n_fft=2**40 fft_frequencies": lambda: tl.fft_frequencies(n_fft=2**40),
    "n_bands=2**40 spectral_contrast": lambda: tl.feature.spectral_contrast(y=Y, n_bands=2**40),
    "lag=2**40 onset_strength": lambda: tl.onset.onset_strength(y=Y, lag=2**40),
    "n_songs=10**12 make_catalogs": lambda: tl.datasets.make_catalogs(n_songs=10**12),
    "n_bands=2**40 FrequencyBands": lambda: tl.explain.explain(
        Y, 22050, lambda b: np.zeros((len(b), 2)), tl.explain.FrequencyBands(2**40), num_samples=10, progress=False),
    "sr=1e-300 integrated_loudness": lambda: tl.descriptors.integrated_loudness(Y, 1e-300),
    "duration=1e12 synth_clip": lambda: tl.datasets.synth_clip(duration=1e12),
    "order=2**40 poly_features": lambda: tl.feature.poly_features(y=Y, order=2**40),
    "kernel_size=2**40 hpss": lambda: tl.effects.hpss(Y, kernel_size=2**40),
    "kernel_size=2**40 decompose.hpss": lambda: tl.decompose.hpss(np.ones((65, 20)), kernel_size=(3, 2**40)),
    "num_samples=10**12": lambda: tl.explain.explain(
        Y, 22050, lambda b: np.zeros((len(b), 2)), tl.explain.TimeSegments(4), num_samples=10**12, progress=False),
}


@pytest.mark.parametrize("name", list(HUGE))
def test_huge_parameters_are_refused_before_allocating(name: str) -> None:
    before = rss()
    with pytest.raises(tl.InvalidParameterError):
        HUGE[name]()
    assert rss() - before < 256 * 2**20, name


def test_n_fft_2_pow_24_on_a_short_signal_works_in_bounded_memory() -> None:
    """Like librosa: a warning and one zero-padded frame (about 1 GB of buffers), not an error."""
    with pytest.warns(UserWarning, match="too large"):
        S = tl.stft(Y[:1000], n_fft=2**24)
    assert S.shape == (2**23 + 1, 1)


def test_fuzzer_regressions_raise_typed_errors() -> None:
    """Inputs that crashed the Rust fuzzers (fuzz/regressions/) are typed errors from Python too."""
    adpcm = (ROOT / "fuzz" / "regressions" / "decode" / "adpcm-many-channels").read_bytes()[4:]
    with pytest.raises(tl.AudioDecodeError):
        tl.load(adpcm, sr=None)
    # An empty signal padded symmetrically divided by zero in the frame mapper.
    out = tl.feature.rms(y=np.zeros(0, np.float32), frame_length=4, hop_length=1, pad_mode="symmetric")
    assert out.shape[0] == 1 and np.all(out == 0)


def test_wav_sample_rate_0_is_refused_before_the_decoder_sees_it() -> None:
    """The fuzzer's input (fuzz/regressions/decode/wav-zero-sample-rate-shielded): a pre-check of the
    ``fmt `` chunk now refuses it, with the same typed error as before (formerly a caught decoder panic)."""
    data = (ROOT / "fuzz" / "regressions" / "decode" / "wav-zero-sample-rate-shielded").read_bytes()[4:]
    for call in (lambda: tl.load(data, sr=None), lambda: tl.get_duration(path=data)):
        with pytest.raises(tl.AudioDecodeError, match="no sample rate"):
            call()


def test_onset_max_size_larger_than_the_spectrum_is_fast_and_exact() -> None:
    """max_size=2**40 hung (a window of 2**40 bins per bin); any window of 2 n bins already covers the
    symmetric-padded axis, so the result equals that of max_size = 2 n."""
    S = np.abs(np.random.default_rng(0).normal(size=(40, 30)))
    start = time.perf_counter()
    huge = tl.onset.onset_strength(S=S, max_size=2**40)
    assert time.perf_counter() - start < 5
    np.testing.assert_array_equal(huge, tl.onset.onset_strength(S=S, max_size=80))


def test_normalize_refuses_a_non_text_with_a_typed_error() -> None:
    for bad in (0, 3.5, b"bytes"):
        with pytest.raises(tl.InvalidParameterError, match="text must be"):
            tl.normalize(bad)


def test_one_hour_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """get_duration reads the header; load with offset/duration seeks (PCM/FLAC) and decodes only the window."""
    path = tmp_path / "hour.wav"
    block = (music(8000, 60.0, seed=9) * 0.5).astype(np.float32)
    with sf.SoundFile(path, "w", samplerate=8000, channels=1, subtype="PCM_16") as f:
        for _ in range(60):
            f.write(block)
    assert path.stat().st_size > 57_000_000
    gc.collect()
    before = rss()
    assert tl.get_duration(path=path) == pytest.approx(3600.0)
    y, sr = tl.load(path, sr=None, offset=1800.0, duration=10.0)
    assert y.shape == (80_000,) and sr == 8000
    assert np.array_equal(y, tl.load(path, sr=None, offset=1800.0, duration=10.0)[0])
    assert rss() - before < 16 * 2**20, "the whole hour was read into memory"


def test_pca_on_overflowing_values_returns_instead_of_hanging() -> None:
    """Hypothesis long-run finding: values near 1e108 next to 1e-180 made the QL eigen solver spin for ever
    (a NaN never meets its tolerance). The solver is now faer's, whose iterations are bounded."""
    X = np.full((6, 19), -1.06770838e-180)
    X[0, 7], X[0, 18], X[2, 1], X[2, 12], X[4, 0], X[4, 2], X[4, 12] = 1.46e99, 9.41e108, -5.1e16, 0.3, 2.3e16, -4.8e16, -4.7e16
    start = time.perf_counter()
    try:
        tl.PCA(n_components=2).fit_transform(X)
    except tl.TunelensError:
        pass
    assert time.perf_counter() - start < 10
