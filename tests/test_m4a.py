"""AAC and ALAC in MP4/M4A, and ADTS ``.aac``, against ffmpeg's own decode.

librosa reads these files through audioread, which runs ffmpeg and asks it for
16-bit PCM; the reference here is that decode, ``ffmpeg -i FILE -f s16le -``
(channels interleaved), read as librosa reads it (``int16 / 32768`` in float32).
tunelens delivers AAC and ALAC samples the same way (floats rounded to 16 bits),
so librosa's features on m4a files are reproduced, not just approached.
ffmpeg drops the priming frames the MP4 edit list marks (1024 from its AAC
encoder) and keeps the rest of the last packet; ADTS has no edit list, so
nothing is dropped. tunelens must give the same length and alignment.

Tolerances, and why:
- ALAC: exact. It is lossless; ffmpeg's decode and the original 16-bit PCM
  (read by soundfile as float32) are equal to ours bit for bit.
- AAC-LC: max abs difference <= one 16-bit step, 1/32768 (``AAC_TOL``), and
  almost every sample identical. Before rounding to 16 bits the two float
  decoders differ by 4.6e-6 to 1.4e-5 (measured with Debian's ffmpeg 5.1 on
  these files): both run the inverse MDCT in float32 with different FFT
  orderings and window tables. Where that difference straddles a rounding
  boundary the 16-bit values differ by one step; a misaligned packet, a missed
  priming trim or a noise-substitution generator out of step gives differences
  of 0.1 to 1.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl

FFMPEG = shutil.which("ffmpeg")
if FFMPEG is None:  # pragma: no cover - the CI image installs Debian's ffmpeg
    raise RuntimeError("tests/test_m4a.py needs ffmpeg on PATH (Debian: apt-get install ffmpeg)")

#: Max abs difference allowed between our AAC decode and ffmpeg's: one 16-bit step (module docstring).
AAC_TOL = 1 / 32768
#: Largest fraction of AAC samples allowed to differ by that step (measured: well under 1 %).
AAC_DIFFERING = 0.01

#: name -> (sample rate, channels, ffmpeg codec arguments, extension)
FORMATS = {
    "aac128_44k_stereo": (44100, 2, ["-c:a", "aac", "-b:a", "128k"], "m4a"),
    "aac256_44k_mono": (44100, 1, ["-c:a", "aac", "-b:a", "256k"], "m4a"),
    "aac128_48k_mono": (48000, 1, ["-c:a", "aac", "-b:a", "128k"], "m4a"),
    "aac256_48k_stereo": (48000, 2, ["-c:a", "aac", "-b:a", "256k"], "mp4"),
    "alac_44k_stereo": (44100, 2, ["-c:a", "alac"], "m4a"),
    "alac_48k_mono": (48000, 1, ["-c:a", "alac"], "m4a"),
    "adts128_44k_stereo": (44100, 2, ["-c:a", "aac", "-b:a", "128k"], "aac"),
    "adts256_48k_mono": (48000, 1, ["-c:a", "aac", "-b:a", "256k"], "aac"),
}
AAC = [name for name in FORMATS if not name.startswith("alac")]
ALAC = [name for name in FORMATS if name.startswith("alac")]


def ffmpeg(*args: str) -> bytes:
    return subprocess.run([FFMPEG, "-v", "error", "-nostdin", *args], capture_output=True, check=True).stdout


def ffmpeg_decode(path: Path, channels: int) -> np.ndarray:
    """ffmpeg's 16-bit decode as librosa's audioread path reads it: float32 ``(channels, frames)``."""
    raw = ffmpeg("-i", str(path), "-f", "s16le", "-")
    return (np.frombuffer(raw, dtype="<i2").reshape(-1, channels).T * np.float32(1 / 32768)).astype(np.float32)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each format of ``FORMATS`` encoded by ffmpeg from 16-bit PCM, plus the PCM."""
    d = tmp_path_factory.mktemp("m4a")
    out: dict[str, Path] = {}
    for name, (sr, channels, codec, ext) in FORMATS.items():
        # Tones, clicks and noise (not a pure sine), 3.3 s: odd length, peak 1/1.1.
        y = music(sr, 3.3, seed=sr + channels, channels=channels if channels > 1 else 0)
        pcm = d / f"{name}.wav"
        sf.write(pcm, y.T if channels > 1 else y, sr, subtype="PCM_16")
        out[f"{name}.wav"] = pcm
        out[name] = d / f"{name}.{ext}"
        ffmpeg("-i", str(pcm), *codec, str(out[name]))
    return out


def load_native(path: Path) -> np.ndarray:
    y, _ = tl.load(path, sr=None, mono=False)
    return np.atleast_2d(y)


@pytest.mark.parametrize("name", list(FORMATS))
def test_same_length_alignment_and_samples_as_ffmpeg(files: dict[str, Path], name: str) -> None:
    sr, channels, _, _ = FORMATS[name]
    ours = load_native(files[name])
    ref = ffmpeg_decode(files[name], channels)
    assert tl.get_samplerate(files[name]) == sr
    assert ours.dtype == np.float32 and ours.shape == ref.shape
    if name in ALAC:
        # Lossless: equal to ffmpeg's decode and to the PCM it was made from.
        np.testing.assert_array_equal(ours, ref)
        pcm, _ = sf.read(files[f"{name}.wav"], dtype="float32", always_2d=True)
        np.testing.assert_array_equal(ours, pcm.T)
    else:
        # Float rounding between two IMDCT implementations, seen through 16-bit
        # rounding (module docstring); an off-by-one-packet alignment gives differences near 1.
        assert np.abs(ours - ref).max() <= AAC_TOL
        assert np.mean(ours != ref) <= AAC_DIFFERING


@pytest.mark.parametrize("name", ["aac128_44k_stereo", "alac_48k_mono"])
def test_priming_is_dropped_but_the_last_packet_kept(files: dict[str, Path], name: str) -> None:
    sr, _, _, _ = FORMATS[name]
    frames = sf.info(files[f"{name}.wav"]).frames
    n = load_native(files[name]).shape[1]
    if name in ALAC:
        assert n == frames  # edit list starts at 0, packets are exact
    else:
        # ffmpeg's AAC encoder primes 1024 frames, which the edit list skips;
        # the last packet's padding stays, as in ffmpeg's output.
        assert n == math.ceil((frames + 1024) / 1024) * 1024 - 1024
        adts = load_native(files["adts128_44k_stereo"]).shape[1]
        assert adts == n + 1024  # ADTS: no edit list, nothing dropped


@pytest.mark.parametrize("segment_ms, media_time", [(0, 2112), (1000, 1024), (1000, 0), (0, 1500)])
def test_edit_list_is_read_not_assumed(files: dict[str, Path], tmp_path: Path, segment_ms: int, media_time: int) -> None:
    """Other priming (2112, as some encoders write; 1500) and an edit ending
    early: ffmpeg drops ``media_time`` frames and the packets that start at or
    after ``media_time + segment_duration``; so must we, in load, stream and
    get_duration. ``segment_ms == 0`` keeps ffmpeg's own duration."""
    data = bytearray(files["aac128_44k_stereo"].read_bytes())
    at = data.find(b"elst") + 4  # version 0: flags, count, then (duration, media_time, rate)
    assert data[at:at + 8] == b"\0\0\0\0\0\0\0\x01"
    if segment_ms:
        data[at + 8:at + 12] = segment_ms.to_bytes(4, "big")  # movie time scale: ms
    data[at + 12:at + 16] = media_time.to_bytes(4, "big")
    path = tmp_path / f"edit_{segment_ms}_{media_time}.m4a"
    path.write_bytes(bytes(data))
    ours, ref = load_native(path), ffmpeg_decode(path, 2)
    assert ours.shape == ref.shape and np.abs(ours - ref).max() <= AAC_TOL
    n = ours.shape[1]
    assert tl.get_duration(path=path) == pytest.approx(n / 44100, abs=1e-9)
    assert sum(b.shape[-1] for b in tl.stream(path, block_length=1, frame_length=4096, hop_length=4096)) == n


@pytest.mark.parametrize("name", list(FORMATS))
def test_get_duration_and_stream_agree_with_load(files: dict[str, Path], name: str) -> None:
    sr, channels, _, _ = FORMATS[name]
    full = load_native(files[name])
    n = full.shape[1]
    assert tl.get_duration(path=files[name]) == pytest.approx(n / sr, abs=1e-9)
    block = 4 * 2048
    blocks = list(tl.stream(files[name], block_length=4, frame_length=2048, hop_length=2048, mono=False))
    assert len(blocks) == math.ceil(n / block)
    np.testing.assert_array_equal(np.concatenate([np.atleast_2d(b) for b in blocks], axis=1), full)
    mono = list(tl.stream(files[name], block_length=4, frame_length=2048, hop_length=1024))
    # librosa.stream: blocks of frame_length + (block_length - 1) * hop_length
    # frames, consecutive ones overlapping by frame_length - hop_length.
    size, overlap = 2048 + 3 * 1024, 2048 - 1024
    assert all(b.ndim == 1 for b in mono) and len(mono) == math.ceil((n - overlap) / (size - overlap))


@pytest.mark.parametrize("name", ["aac128_44k_stereo", "alac_44k_stereo", "adts256_48k_mono"])
def test_offset_and_duration_windows(files: dict[str, Path], name: str) -> None:
    sr, _, _, _ = FORMATS[name]
    full = load_native(files[name])
    for offset, duration in [(0.5, 1.0), (0.0, 0.3), (1.234, None), (3.0, 5.0), (10.0, None)]:
        y, _ = tl.load(files[name], sr=None, mono=False, offset=offset, duration=duration)
        start = math.floor(offset * sr)
        stop = None if duration is None else start + math.floor(duration * sr)
        np.testing.assert_array_equal(np.atleast_2d(y) if y.size else y.reshape(full.shape[0], 0), full[:, start:stop])
        if offset < 3.0:
            blocks = tl.stream(files[name], block_length=2, frame_length=1024, hop_length=1024, mono=False,
                               offset=offset, duration=duration)
            np.testing.assert_array_equal(np.concatenate([np.atleast_2d(b) for b in blocks], axis=1), full[:, start:stop])


def test_resampled_mono_load(files: dict[str, Path]) -> None:
    path = files["aac256_48k_stereo"]
    y, sr = tl.load(path)
    ref, _ = tl.load(path, sr=None)
    assert sr == 22050 and y.ndim == 1
    assert len(y) == math.ceil(len(ref) * 22050 / 48000)


def test_load_batch_on_a_mixed_list(files: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.m4a"
    broken.write_bytes(files["aac128_44k_stereo"].read_bytes()[:300])
    paths = [files["aac128_44k_stereo"], files["alac_48k_mono.wav"], broken, files["adts128_44k_stereo"],
             files["alac_44k_stereo"], files["aac256_48k_stereo"]]
    for n_jobs in (1, 2):
        results = tl.load_batch(paths, sr=None, mono=False, n_jobs=n_jobs)
        assert isinstance(results[2], tl.AudioDecodeError) and "broken.m4a" in str(results[2])
        for i in (0, 1, 3, 4, 5):
            y, sr = results[i]
            ref, ref_sr = tl.load(paths[i], sr=None, mono=False)
            assert sr == ref_sr and np.array_equal(y, ref)


def test_extract_features_reads_m4a_mp4_and_aac(files: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "songs"
    folder.mkdir()
    for name in ("aac128_44k_stereo", "alac_48k_mono", "adts256_48k_mono", "aac256_48k_stereo"):
        (folder / files[name].name).write_bytes(files[name].read_bytes())
    df = tl.extract_features(folder, feature_set=["rms", "zero_crossing_rate"], progress=False, n_jobs=1)
    assert sorted(df["filename"]) == sorted(p.name for p in folder.iterdir())
    assert df["error"].isna().all() and df["rms_mean"].notna().all()


def test_truncated_and_corrupt_m4a_give_typed_errors_naming_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    data = files["aac128_44k_stereo"].read_bytes()
    faststart = tmp_path / "faststart.m4a"
    ffmpeg("-i", str(files["aac128_44k_stereo.wav"]), "-c:a", "aac", "-movflags", "+faststart", str(faststart))
    fs = faststart.read_bytes()
    mdat, moov = data.find(b"mdat") + 4, data.rfind(b"moov") - 4
    cases = {
        "empty.m4a": b"",
        "cut_at_40.m4a": data[:40],
        "cut_in_mdat.m4a": data[: len(data) // 2],  # moov (at the end) is lost
        "faststart_cut_in_mdat.m4a": fs[: len(fs) // 2],
        "zeroed_audio.m4a": data[:mdat] + bytes(moov - mdat) + data[moov:],  # every packet invalid
        "text.m4a": b"not an mp4 file at all\n" * 40,
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        for call in (lambda: tl.load(path, sr=None), lambda: list(tl.stream(path, block_length=2, frame_length=2048,
                                                                            hop_length=512))):
            with pytest.raises(tl.AudioDecodeError, match=name):
                call()
    with pytest.raises(tl.AudioDecodeError, match="cut_at_40.m4a"):
        tl.get_duration(path=tmp_path / "cut_at_40.m4a")
