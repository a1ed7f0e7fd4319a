"""Audio loading parity with soundfile and librosa (soundfile backend, soxr_hq).

Tolerances, and why:
- Native rate: exact. tunelens converts PCM to float32 with libsndfile's formulas
  and mixes to mono with numpy's float32 mean, so samples are bit-identical.
- Resampled: max abs difference <= 1e-6 against librosa's soxr_hq; both run
  libsoxr with python-soxr's settings (measured: identical). The full matrix of
  qualities, rates, dtypes and layouts is in test_resample.py.
- mp3/ogg: lengths within one codec frame; decoders agree to float rounding.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("audio")
    stereo = music(44100, 2.5, seed=11, channels=2).T
    out = {}
    for subtype in ("PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"):
        out[f"wav_{subtype}"] = d / f"{subtype}.wav"
        sf.write(out[f"wav_{subtype}"], stereo, 44100, subtype=subtype)
    for subtype in ("PCM_16", "PCM_24"):
        out[f"flac_{subtype}"] = d / f"{subtype}.flac"
        sf.write(out[f"flac_{subtype}"], stereo, 44100, subtype=subtype)
    out["mono_wav"] = d / "mono.wav"
    sf.write(out["mono_wav"], music(22050, 1.7, seed=12), 22050, subtype="PCM_16")
    out["three_ch"] = d / "three.wav"
    sf.write(out["three_ch"], music(48000, 1.2, seed=13, channels=3).T, 48000, subtype="PCM_24")
    out["mp3"] = d / "clip.mp3"
    long_stereo = np.tile(stereo, (6, 1))  # 15 s: several parallel decoding segments
    sf.write(out["mp3"], long_stereo, 44100, format="MP3")
    out["ogg"] = d / "clip.ogg"
    sf.write(out["ogg"], long_stereo, 44100, format="OGG", subtype="VORBIS")
    for sr in (8000, 22050, 44100, 48000):
        out[f"rate_{sr}"] = d / f"rate{sr}.wav"
        sf.write(out[f"rate_{sr}"], music(sr, 3.0, seed=sr), sr, subtype="FLOAT")
    return out


PCM = ["wav_PCM_U8", "wav_PCM_16", "wav_PCM_24", "wav_PCM_32", "wav_FLOAT", "wav_DOUBLE", "flac_PCM_16", "flac_PCM_24"]


@pytest.mark.parametrize("name", PCM)
def test_native_rate_equals_soundfile_exactly(files: dict[str, Path], name: str) -> None:
    ours, sr = tl.load(files[name], sr=None, mono=False)
    ref, ref_sr = sf.read(files[name], dtype="float32", always_2d=True)
    assert sr == ref_sr and ours.dtype == np.float32
    np.testing.assert_array_equal(ours, ref.T)


@pytest.mark.parametrize("name", PCM + ["mono_wav", "three_ch"])
@pytest.mark.parametrize("offset,duration", [(0.0, None), (0.3, None), (0.25, 1.0), (0.0, 0.01), (1.0, 5.0)])
def test_native_rate_mono_equals_librosa_exactly(files: dict[str, Path], name: str, offset: float, duration: float | None) -> None:
    ours, sr = tl.load(files[name], sr=None, offset=offset, duration=duration)
    ref, ref_sr = librosa.load(files[name], sr=None, offset=offset, duration=duration)
    assert sr == ref_sr
    np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize(
    "src,target",
    [(44100, 22050), (48000, 22050), (22050, 44100), (8000, 22050), (44100, 16000), (44100, 22000)],
)
def test_resampled_load_matches_soxr_hq(files: dict[str, Path], src: int, target: int) -> None:
    path = files[f"rate_{src}"] if f"rate_{src}" in files else files["wav_FLOAT"]
    ours, sr = tl.load(path, sr=target)
    ref, _ = librosa.load(path, sr=target)
    assert sr == target and ours.shape == ref.shape and ours.dtype == np.float32
    assert np.abs(ours - ref).max() <= 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_resample_function_matches_librosa(dtype: type) -> None:
    y = music(44100, 2.0, seed=21, channels=2).astype(dtype)
    ours = tl.resample(y, orig_sr=44100, target_sr=22050)
    ref = librosa.resample(y, orig_sr=44100, target_sr=22050)
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    assert np.abs(ours - ref).max() <= 1e-6
    strided = tl.resample(np.asfortranarray(y)[:, ::2], orig_sr=22050, target_sr=11025)
    assert np.abs(strided - librosa.resample(np.ascontiguousarray(y[:, ::2]), orig_sr=22050, target_sr=11025)).max() <= 1e-6
    assert tl.resample(y, orig_sr=8000, target_sr=8000) is not None
    scaled = tl.resample(y, orig_sr=44100, target_sr=22050, scale=True)
    np.testing.assert_allclose(scaled, ours / np.sqrt(0.5), rtol=1e-5)


@pytest.mark.parametrize("name,frame", [("mp3", 1152), ("ogg", 1024)])
def test_lossy_formats_match_librosa_length_and_content(files: dict[str, Path], name: str, frame: int) -> None:
    ours, sr = tl.load(files[name], sr=None)
    ref, ref_sr = librosa.load(files[name], sr=None)
    assert sr == ref_sr and abs(len(ours) - len(ref)) <= frame
    n = min(len(ours), len(ref))
    # Both decode the same bitstream; only float rounding in the decoders differs
    # (~1e-6). tunelens decodes packet segments in parallel with warm-up; a glitch
    # at a segment boundary would stand out by orders of magnitude.
    assert np.corrcoef(ours[:n], ref[:n])[0, 1] >= 0.999
    assert np.abs(ours[:n] - ref[:n]).max() <= 1e-4


def test_offset_past_the_end_gives_empty_audio(files: dict[str, Path]) -> None:
    """soundfile cannot seek there and librosa falls back to audioread; tunelens returns no samples."""
    y, sr = tl.load(files["flac_PCM_16"], sr=None, offset=60.0)
    assert y.shape == (0,) and sr == 44100


def test_file_like_and_bytes_equal_path(files: dict[str, Path]) -> None:
    path = files["flac_PCM_16"]
    want, _ = tl.load(path, sr=16000)
    with open(path, "rb") as f:
        assert np.array_equal(tl.load(f, sr=16000)[0], want)
    assert np.array_equal(tl.load(path.read_bytes(), sr=16000)[0], want)
    assert np.array_equal(tl.load(io.BytesIO(files["mp3"].read_bytes()), sr=None)[0], tl.load(files["mp3"], sr=None)[0])


def test_dtype_mono_false_and_get_duration(files: dict[str, Path]) -> None:
    y, _ = tl.load(files["wav_PCM_16"], sr=None, dtype=np.float64)
    assert y.dtype == np.float64
    mono_file, _ = tl.load(files["mono_wav"], sr=None, mono=False)
    assert mono_file.ndim == 1
    for name in ("wav_PCM_16", "flac_PCM_24", "three_ch", "mono_wav"):
        assert tl.get_duration(path=files[name]) == librosa.get_duration(path=files[name])
    for name, frame in (("mp3", 1152), ("ogg", 1024)):
        sr = sf.info(files[name]).samplerate
        assert abs(tl.get_duration(path=files[name]) - librosa.get_duration(path=files[name])) <= frame / sr
    y, sr = librosa.load(files["mono_wav"], sr=None)
    assert tl.get_duration(y=y, sr=sr) == librosa.get_duration(y=y, sr=sr)
    S = librosa.stft(y)
    assert tl.get_duration(S=S, sr=sr) == librosa.get_duration(S=S, sr=sr)


def test_load_batch_keeps_order_and_reports_failures_in_place(files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_text("not audio at all")
    paths = [files["wav_PCM_16"], broken, files["mp3"], tmp_path / "missing.flac", files["flac_PCM_24"]]
    for n_jobs in (1, -1):
        results = tl.load_batch(paths, sr=22050, n_jobs=n_jobs)
        assert len(results) == 5
        assert isinstance(results[1], tl.AudioDecodeError) and "broken.wav" in str(results[1])
        assert isinstance(results[3], tl.AudioFileNotFoundError)
        for i in (0, 2, 4):
            y, sr = results[i]
            assert sr == 22050 and np.array_equal(y, tl.load(paths[i], sr=22050)[0])


def test_bad_files_give_typed_errors_naming_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("these are my notes, not a wave file\n" * 20)
    truncated = tmp_path / "truncated.flac"
    truncated.write_bytes(files["flac_PCM_16"].read_bytes()[:60])
    for path in (empty, text, truncated):
        with pytest.raises(tl.AudioDecodeError, match=path.name):
            tl.load(path)
    with pytest.raises(tl.AudioFileNotFoundError) as missing:
        tl.load(tmp_path / "nope.wav")
    assert missing.value.filename.endswith("nope.wav")
    unsupported = tmp_path / "movie.mkv"
    unsupported.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 200)
    with pytest.raises(tl.AudioDecodeError, match="movie.mkv"):
        tl.load(unsupported)


def test_truncated_wav_returns_the_audio_before_the_cut(files: dict[str, Path], tmp_path: Path) -> None:
    data = files["wav_PCM_16"].read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2 + 1])
    ours, _ = tl.load(cut, sr=None, mono=False)
    ref, _ = sf.read(cut, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(ours, ref.T)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files whatever their permissions")
def test_unreadable_file(files: dict[str, Path], tmp_path: Path) -> None:
    locked = tmp_path / "locked.wav"
    locked.write_bytes(files["wav_PCM_16"].read_bytes())
    locked.chmod(0)
    with pytest.raises(tl.AudioReadError, match="locked.wav"):
        tl.load(locked)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"sr": 0}, "sr"), ({"sr": -5}, "sr"), ({"sr": float("inf")}, "sr"), ({"offset": -1.0}, "offset"),
     ({"duration": -2.0}, "duration"), ({"offset": float("nan")}, "offset")],
)
def test_bad_load_parameters(files: dict[str, Path], kwargs: dict, match: str) -> None:
    with pytest.raises(tl.InvalidParameterError, match=match):
        tl.load(files["mono_wav"], **kwargs)


def test_bad_resample_input() -> None:
    with pytest.raises(tl.InvalidParameterError, match="finite"):
        tl.resample(np.array([0.0, np.nan, 1.0]), orig_sr=8000, target_sr=16000)
    with pytest.raises(tl.InvalidParameterError, match="floating-point"):
        tl.resample(np.arange(10), orig_sr=8000, target_sr=16000)
    with pytest.raises(tl.InvalidParameterError, match="target_sr"):
        tl.resample(np.zeros(10, np.float32), orig_sr=8000, target_sr=0)
