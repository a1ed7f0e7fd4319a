"""``tunelens.resample`` and ``load(sr=...)`` against ``librosa.resample``/``librosa.load``, side by side.

Tolerances, and why:
- soxr family: max abs difference <= 1e-6 (the bound librosa users can rely on).
  Both sides run libsoxr's own engines with python-soxr's settings (one
  resampler per lane, the same input pieces and output room); measured: 0.0,
  bit-identical, for every quality, rate pair, dtype and layout below.
- fft/scipy and polyphase: exact (``assert_array_equal``): tunelens makes the
  same scipy call librosa makes.
- samplerate/resampy names: exact, same reasoning, when those packages are
  installed; without them both libraries raise ``ModuleNotFoundError``.
"""

from __future__ import annotations

import itertools
import sys

import librosa
import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl

SOXR = ["soxr_vhq", "soxr_hq", "soxr_mq", "soxr_lq", "soxr_qq"]
RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000]
PAIRS = [(a, b) for a, b in itertools.permutations(RATES, 2)]
#: Rates librosa accepts that are not whole numbers of Hz.
FRACTIONAL = [(44100.5, 22050), (22050, 44100.25), (48000, 16000.5), (7999.9, 96000)]
BOUND = 1e-6


def clip(n: int, channels: int, dtype: type, seed: int) -> np.ndarray:
    """Music-shaped audio in [-1, 1] (tones, clicks, noise), ``(channels, n)`` or 1-D; long clips repeat 10 s."""
    y = music(44100, min(max(n, 4096), 441000) / 44100, seed=seed, channels=channels)
    reps = -(-n // y.shape[-1])
    return np.ascontiguousarray(np.tile(y, (1,) * (y.ndim - 1) + (reps,))[..., :n]).astype(dtype)


def worst(pairs: list, quality: str, dtype: type, channels: int, n: int) -> tuple[float, list]:
    """Largest |tunelens - librosa| over ``pairs``, and the pairs whose shape or dtype differ."""
    y = clip(n, channels, dtype, seed=n)
    diff, mismatched = 0.0, []
    for orig, target in pairs:
        ours = tl.resample(y, orig_sr=orig, target_sr=target, res_type=quality)
        ref = librosa.resample(y, orig_sr=orig, target_sr=target, res_type=quality)
        if ours.shape != ref.shape or ours.dtype != ref.dtype:
            mismatched.append((orig, target, ours.shape, ref.shape, ours.dtype, ref.dtype))
            continue
        diff = max(diff, float(np.abs(ours.astype(np.float64) - ref).max(initial=0.0)))
    return diff, mismatched


@pytest.mark.parametrize("quality", SOXR)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channels", [0, 2])
def test_soxr_family_equals_librosa_for_every_rate_pair(quality: str, dtype: type, channels: int) -> None:
    diff, mismatched = worst(PAIRS + FRACTIONAL, quality, dtype, channels, n=4411)
    assert not mismatched
    assert diff <= BOUND, diff


@pytest.mark.parametrize("quality", SOXR)
@pytest.mark.parametrize("n", [1, 2, 3, 17, 999, 1000, 1001, 48000, 96001])
def test_soxr_lengths_from_one_sample(quality: str, n: int) -> None:
    # Few pairs here, every length: the piece boundaries (1000 and 48000*in/out frames) and tiny inputs.
    pairs = [(44100, 22050), (22050, 44100), (48000, 8000), (8000, 96000), (44100.5, 22050)]
    diff, mismatched = worst(pairs, quality, np.float32, 0, n)
    assert not mismatched
    assert diff <= BOUND, diff


def test_ten_minutes_and_multichannel_layouts() -> None:
    y = clip(44100 * 600, 0, np.float32, seed=600)
    ours = tl.resample(y, orig_sr=44100, target_sr=22050)
    ref = librosa.resample(y, orig_sr=44100, target_sr=22050)
    assert ours.shape == ref.shape == (13_230_000,)
    assert np.abs(ours - ref).max() <= BOUND
    # (2, 3, n) with the time axis first, Fortran-ordered and strided: every lane as librosa's.
    cube = clip(20000, 6, np.float64, seed=7).reshape(2, 3, -1)
    moved = np.asfortranarray(np.moveaxis(cube, -1, 0))[::1]
    ours = tl.resample(moved, orig_sr=48000, target_sr=44100, axis=0)
    ref = librosa.resample(moved, orig_sr=48000, target_sr=44100, axis=0)
    assert ours.shape == ref.shape and np.abs(ours - ref).max() <= BOUND
    strided = cube[:, :, ::2]
    np.testing.assert_array_equal(tl.resample(strided, orig_sr=24000, target_sr=16000),
                                  librosa.resample(np.ascontiguousarray(strided), orig_sr=24000, target_sr=16000))


@pytest.mark.parametrize("fix,scale", [(False, False), (True, True), (False, True)])
@pytest.mark.parametrize("quality", ["soxr_hq", "soxr_vhq"])
def test_fix_and_scale_as_librosa(fix: bool, scale: bool, quality: str) -> None:
    y = clip(30001, 2, np.float32, seed=3)
    for orig, target in [(44100, 22050), (22050, 48000), (48000, 11025)]:
        ours = tl.resample(y, orig_sr=orig, target_sr=target, res_type=quality, fix=fix, scale=scale)
        ref = librosa.resample(y, orig_sr=orig, target_sr=target, res_type=quality, fix=fix, scale=scale)
        assert ours.shape == ref.shape and ours.dtype == ref.dtype
        assert np.abs(ours - ref).max() <= BOUND


@pytest.mark.parametrize("res_type", ["fft", "scipy", "polyphase"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fix", [True, False])
def test_scipy_family_is_librosas_call(res_type: str, dtype: type, fix: bool) -> None:
    y = clip(22051, 2, dtype, seed=5)
    for orig, target in [(44100, 22050), (48000, 44100), (8000, 22050)]:
        ours = tl.resample(y, orig_sr=orig, target_sr=target, res_type=res_type, fix=fix, scale=True)
        ref = librosa.resample(y, orig_sr=orig, target_sr=target, res_type=res_type, fix=fix, scale=True)
        assert ours.dtype == ref.dtype
        np.testing.assert_array_equal(ours, ref)


def test_polyphase_needs_whole_rates_as_librosa() -> None:
    y = clip(1000, 0, np.float32, seed=1)
    with pytest.raises(librosa.util.exceptions.ParameterError):
        librosa.resample(y, orig_sr=44100.5, target_sr=22050, res_type="polyphase")
    with pytest.raises(tl.InvalidParameterError, match="polyphase"):
        tl.resample(y, orig_sr=44100.5, target_sr=22050, res_type="polyphase")


@pytest.mark.parametrize("res_type,package", [("kaiser_best", "resampy"), ("kaiser_fast", "resampy"),
                                              ("sinc_best", "samplerate"), ("sinc_fastest", "samplerate"),
                                              ("linear", "samplerate"), ("zero_order_hold", "samplerate")])
def test_optional_resamplers_use_the_same_package(res_type: str, package: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    y = clip(8000, 2, np.float32, seed=2)
    pytest.importorskip(package)  # installed by the test extras
    ours = tl.resample(y, orig_sr=44100, target_sr=22050, res_type=res_type)
    ref = librosa.resample(y, orig_sr=44100, target_sr=22050, res_type=res_type)
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours, ref)
    # Without the package: a typed error that is also the ModuleNotFoundError librosa raises.
    monkeypatch.setitem(sys.modules, package, None)
    with pytest.raises(tl.MissingDependencyError, match=package) as caught:
        tl.resample(y, orig_sr=44100, target_sr=22050, res_type=res_type)
    assert isinstance(caught.value, ModuleNotFoundError) and caught.value.name == package


@pytest.mark.parametrize("res_type", ["soxr", "SOXR_HQ", "kaiser", "", None, 3])
def test_unknown_res_type_lists_the_names(res_type: object) -> None:
    with pytest.raises(tl.InvalidParameterError, match="soxr_hq.*polyphase.*kaiser_best"):
        tl.resample(np.zeros(100, np.float32), orig_sr=44100, target_sr=22050, res_type=res_type)


@pytest.mark.parametrize("kwargs,name", [
    ({"orig_sr": 0}, "orig_sr"), ({"orig_sr": -44100}, "orig_sr"), ({"orig_sr": float("nan")}, "orig_sr"),
    ({"target_sr": float("inf")}, "target_sr"), ({"target_sr": 0.0}, "target_sr"), ({"target_sr": True}, "target_sr"),
    ({"target_sr": 1e13}, "target_sr"), ({"orig_sr": 1e-9}, "target_sr"),
    # Ratios beyond 2^16 either way, where libsoxr would run for minutes (1e300 -> 1 never returned).
    ({"orig_sr": 1e300, "target_sr": 1}, "target_sr"), ({"orig_sr": 1, "target_sr": 1e6}, "target_sr"),
])
def test_bad_rates_are_typed_errors_naming_the_argument(kwargs: dict, name: str) -> None:
    args = {"orig_sr": 44100, "target_sr": 22050, **kwargs}
    for res_type in ("soxr_hq", "soxr_qq"):
        with pytest.raises(tl.InvalidParameterError, match=name):
            tl.resample(np.zeros(1000, np.float32), res_type=res_type, **args)


def test_empty_signal_is_a_typed_error() -> None:
    for y in (np.zeros(0, np.float32), np.zeros((2, 0))):
        with pytest.raises(tl.InvalidParameterError, match="y.*empty"):
            tl.resample(y, orig_sr=44100, target_sr=22050)


@pytest.fixture(scope="module")
def real_rate_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("rates")
    out = {}
    for sr in (44100, 48000):
        stereo = music(sr, 4.3, seed=sr, channels=2).T
        for fmt, subtype in (("wav", "PCM_16"), ("flac", "PCM_24"), ("wav", "FLOAT")):
            out[f"{sr}_{fmt}_{subtype}"] = path = d / f"{sr}_{subtype}.{fmt}"
            sf.write(path, stereo, sr, subtype=subtype)
    return out


@pytest.mark.parametrize("target", [22050, 16000, 8000, 44100, 48000, 22050.5])
@pytest.mark.parametrize("mono", [True, False])
def test_load_resamples_real_rate_files_as_librosa(real_rate_files: dict, target: float, mono: bool) -> None:
    for name, path in real_rate_files.items():
        for res_type in ("soxr_hq", "soxr_vhq", "polyphase" if float(target).is_integer() else "fft"):
            ours, sr = tl.load(path, sr=target, mono=mono, res_type=res_type)
            ref, ref_sr = librosa.load(path, sr=target, mono=mono, res_type=res_type)
            assert sr == ref_sr and ours.shape == ref.shape and ours.dtype == ref.dtype, name
            assert np.abs(ours - ref).max() <= BOUND, (name, res_type)


def test_load_window_and_float64_as_librosa(real_rate_files: dict) -> None:
    path = real_rate_files["44100_flac_PCM_24"]
    ours, _ = tl.load(path, sr=22050, offset=0.7, duration=1.3)
    ref, _ = librosa.load(path, sr=22050, offset=0.7, duration=1.3)
    assert ours.shape == ref.shape and np.abs(ours - ref).max() <= BOUND
    ours, sr = tl.load(path, sr=22050.5, offset=4.0, dtype=np.float64)
    ref, ref_sr = librosa.load(path, sr=22050.5, offset=4.0, dtype=np.float64)
    assert sr == ref_sr and ours.shape == ref.shape and ours.dtype == ref.dtype
    assert np.abs(ours - ref).max() <= BOUND
    # Past the end: empty at the target rate, no error (soundfile cannot seek there, so
    # librosa hands this file to audioread; its result is the same empty signal).
    ours, sr = tl.load(path, sr=22050.5, offset=60.0)
    assert ours.shape == (0,) and sr == 22050.5


@pytest.mark.parametrize("kwargs,name", [({"sr": 0}, "sr"), ({"sr": float("nan")}, "sr"), ({"sr": -1}, "sr"),
                                         ({"sr": 22050, "res_type": "bogus"}, "res_type")])
def test_bad_load_rates_name_the_argument(real_rate_files: dict, kwargs: dict, name: str) -> None:
    with pytest.raises(tl.InvalidParameterError, match=name):
        tl.load(real_rate_files["48000_wav_PCM_16"], **kwargs)
