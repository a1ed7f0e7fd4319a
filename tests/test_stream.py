"""``tunelens.stream`` and ``get_samplerate`` against librosa 0.11 (soundfile backend).

Tolerances, and why:
- PCM WAV and FLAC: exact. Both decode to float32 with libsndfile's formulas and
  cut the same blocks; mono mixing is numpy's float32 (or float64) mean.
- ogg/vorbis and mp3: same block count and lengths, samples within the decoders'
  float rounding (see LOSSY_ATOL): libsndfile (libvorbis, mpg123) and symphonia
  decode the same bitstream with different float arithmetic.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl

#: Largest sample difference allowed for lossy codecs: the decoders' float
#: rounding, measured at a few 1e-7 on these clips.
LOSSY_ATOL = {"ogg": 1e-6, "mp3": 1e-6}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("stream")
    stereo = music(22050, 1.5, seed=31, channels=2).T
    out = {
        "wav_PCM_16": (stereo, "WAV", "PCM_16"),
        "wav_FLOAT": (stereo, "WAV", "FLOAT"),
        "wav_mono": (stereo[:, 0], "WAV", "PCM_24"),
        "flac_PCM_16": (stereo, "FLAC", "PCM_16"),
        "flac_mono": (stereo[:, 1], "FLAC", "PCM_24"),
        "ogg": (stereo, "OGG", "VORBIS"),
        "mp3": (stereo, "MP3", "MPEG_LAYER_III"),
    }
    paths = {}
    for name, (data, fmt, subtype) in out.items():
        paths[name] = d / f"{name}.{fmt.lower()}"
        sf.write(paths[name], data, 22050, format=fmt, subtype=subtype)
    return paths


def assert_same_blocks(ours: list[np.ndarray], ref: list[np.ndarray], atol: float) -> None:
    assert len(ours) == len(ref)
    for k, (a, b) in enumerate(zip(ours, ref)):
        assert a.shape == b.shape and a.dtype == b.dtype, (k, a.shape, b.shape, a.dtype, b.dtype)
        if atol == 0:
            np.testing.assert_array_equal(a, b, err_msg=f"block {k}")
        else:
            np.testing.assert_allclose(a, b, rtol=0, atol=atol, err_msg=f"block {k}")


SIZES = [(3, 100, 50), (16, 2048, 512), (1, 1024, 1024), (7, 513, 100)]
WINDOWS = [(0.0, None), (0.3, 0.8), (1.1, None), (0.5, 10.0)]


@pytest.mark.parametrize("name", ["wav_PCM_16", "wav_FLOAT", "wav_mono", "flac_PCM_16", "flac_mono", "ogg", "mp3"])
@pytest.mark.parametrize("block_length,frame_length,hop_length", SIZES)
def test_blocks_equal_librosa_stream(files: dict[str, Path], name: str, block_length: int, frame_length: int, hop_length: int) -> None:
    atol = LOSSY_ATOL.get(name.split("_")[0], 0.0)
    sizes = dict(block_length=block_length, frame_length=frame_length, hop_length=hop_length)
    for mono, (offset, duration), fill in itertools.product([True, False], WINDOWS, [None, 0.0]):
        kwargs = dict(sizes, mono=mono, offset=offset, duration=duration, fill_value=fill)
        ours = list(tl.stream(files[name], **kwargs))
        ref = list(librosa.stream(files[name], **kwargs))
        try:
            assert_same_blocks(ours, ref, atol)
        except AssertionError as e:
            raise AssertionError(f"{name} {kwargs}: {e}") from None


@pytest.mark.parametrize("name", ["wav_PCM_16", "flac_PCM_16", "ogg"])
def test_float64_blocks_and_fill_value(files: dict[str, Path], name: str) -> None:
    atol = LOSSY_ATOL.get(name, 0.0)
    for mono, fill in itertools.product([True, False], [None, 0.5]):
        kwargs = dict(block_length=5, frame_length=300, hop_length=120, mono=mono, fill_value=fill, dtype=np.float64)
        assert_same_blocks(list(tl.stream(files[name], **kwargs)), list(librosa.stream(files[name], **kwargs)), atol)


@pytest.mark.parametrize("name", ["wav_PCM_16", "flac_PCM_16", "ogg", "mp3"])
def test_blocks_tile_the_loaded_signal(files: dict[str, Path], name: str) -> None:
    """Non-overlapping blocks concatenate to exactly what ``load`` returns."""
    y, sr = tl.load(files[name], sr=None, offset=0.4, duration=0.9)
    blocks = list(tl.stream(files[name], block_length=10, frame_length=256, hop_length=256, offset=0.4, duration=0.9))
    np.testing.assert_array_equal(np.concatenate(blocks), y)


def test_samplerate_edge_windows_and_sources(files: dict[str, Path]) -> None:
    for path in files.values():
        assert tl.get_samplerate(path) == librosa.get_samplerate(path) == 22050
    path = files["flac_PCM_16"]
    # duration=0 streams to the end, as librosa's `if duration:`.
    kwargs = dict(block_length=4, frame_length=1000, hop_length=500)
    assert_same_blocks(list(tl.stream(path, duration=0, **kwargs)), list(librosa.stream(path, duration=0, **kwargs)), 0)
    # An offset at the end gives no blocks (librosa too); past it, librosa's
    # soundfile cannot seek and raises, tunelens gives no blocks as `load` gives no samples.
    assert list(tl.stream(path, offset=1.5, **kwargs)) == list(librosa.stream(path, offset=1.5, **kwargs)) == []
    assert list(tl.stream(path, offset=60.0, **kwargs)) == []
    # Bytes and open files stream like the path.
    want = list(tl.stream(path, **kwargs))
    assert_same_blocks(list(tl.stream(path.read_bytes(), **kwargs)), want, 0)
    with open(path, "rb") as f:
        assert_same_blocks(list(tl.stream(f, **kwargs)), want, 0)
        assert tl.get_samplerate(path.read_bytes()) == 22050


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(block_length=0, frame_length=10, hop_length=5), "block_length"),
        (dict(block_length=-1, frame_length=10, hop_length=5), "block_length"),
        (dict(block_length=2.0, frame_length=10, hop_length=5), "block_length"),
        (dict(block_length=2, frame_length=0, hop_length=5), "frame_length"),
        (dict(block_length=2, frame_length=10, hop_length=-5), "hop_length"),
        (dict(block_length=2, frame_length=5, hop_length=10), "frame_length"),
        (dict(block_length=2, frame_length=10, hop_length=5, offset=-1.0), "offset"),
        (dict(block_length=2, frame_length=10, hop_length=5, duration=float("nan")), "duration"),
        (dict(block_length=2, frame_length=10, hop_length=5, dtype=np.int16), "dtype"),
        (dict(block_length=2**31, frame_length=2**31, hop_length=2**31), "block_length"),
    ],
)
def test_bad_parameters_are_typed_errors(files: dict[str, Path], kwargs: dict, match: str) -> None:
    with pytest.raises(tl.InvalidParameterError, match=match):
        tl.stream(files["wav_PCM_16"], **kwargs)


def test_bad_files_are_typed_errors_naming_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    kwargs = dict(block_length=2, frame_length=1024, hop_length=512)
    missing = tmp_path / "missing.flac"
    with pytest.raises(tl.AudioFileNotFoundError, match="missing.flac"):
        tl.stream(missing, **kwargs)
    with pytest.raises(tl.AudioFileNotFoundError, match="missing.flac"):
        tl.get_samplerate(missing)
    text = tmp_path / "notes.wav"
    text.write_text("not audio at all " * 100)
    with pytest.raises(tl.TunelensError, match="notes.wav"):
        tl.stream(text, **kwargs)
    # Damage mid-stream: as `load`, a truncated file ends where the data stops,
    # and corrupt packets in the middle are skipped; never a crash.
    for name in ("flac_PCM_16", "mp3", "ogg"):
        data = bytearray(files[name].read_bytes())
        cut = tmp_path / f"cut_{files[name].name}"
        cut.write_bytes(data[: len(data) // 2])
        np.testing.assert_array_equal(np.concatenate(list(tl.stream(cut, **dict(kwargs, frame_length=512)))),
                                      tl.load(cut, sr=None)[0])
        garbled = tmp_path / f"garbled_{files[name].name}"
        middle = len(data) // 2
        data[middle : middle + 2000] = bytes(range(256)) * 7 + bytes(208)
        garbled.write_bytes(bytes(data))
        np.testing.assert_array_equal(np.concatenate(list(tl.stream(garbled, **dict(kwargs, frame_length=512)))),
                                      tl.load(garbled, sr=None)[0])


@pytest.mark.parametrize("name", ["ogg", "mp3"])
def test_load_window_of_lossy_file_equals_decoding_from_the_start(files: dict[str, Path], name: str) -> None:
    """``load(offset=, duration=)`` on mp3/vorbis drops the packets before the window while
    demultiplexing (keeping 8 to warm the decoder up): the same samples as the stream,
    which decodes every packet from the start and discards the frames before the offset."""
    full = np.concatenate(list(tl.stream(files[name], block_length=1, frame_length=4096, hop_length=4096, mono=False)), axis=-1)
    for offset, duration in itertools.product([0.01, 0.3, 0.77, 1.2, 1.49, 5.0], [None, 0.5]):
        y, sr = tl.load(files[name], sr=None, mono=False, offset=offset, duration=duration)
        start = int(offset * sr)
        stop = None if duration is None else start + int(duration * sr)
        np.testing.assert_array_equal(y, full[:, start:stop], err_msg=f"offset={offset} duration={duration}")


def test_three_channels_and_the_librosa_compat_namespace(files: dict[str, Path], tmp_path: Path) -> None:
    import tunelens.compat.librosa as compat
    from tunelens.compat import TunelensFallbackWarning

    three = tmp_path / "three.wav"
    sf.write(three, music(16000, 1.0, seed=7, channels=3).T, 16000, subtype="PCM_24")
    for mono, dtype in itertools.product([True, False], [np.float32, np.float64]):
        kwargs = dict(block_length=6, frame_length=1024, hop_length=256, mono=mono, dtype=dtype)
        assert_same_blocks(list(tl.stream(three, **kwargs)), list(librosa.stream(three, **kwargs)), 0)
    kwargs = dict(block_length=4, frame_length=1000, hop_length=500)
    assert_same_blocks(list(compat.stream(files["flac_PCM_16"], **kwargs)), list(librosa.stream(files["flac_PCM_16"], **kwargs)), 0)
    assert compat.get_samplerate(files["ogg"]) == 22050
    # An open soundfile.SoundFile is librosa's own business.
    with sf.SoundFile(files["wav_PCM_16"]) as f, pytest.warns(TunelensFallbackWarning):
        ours = list(compat.stream(f, **kwargs))
    assert_same_blocks(ours, list(librosa.stream(files["wav_PCM_16"], **kwargs)), 0)


def test_duration_without_a_declared_length_counts_decoded_frames(files: dict[str, Path], tmp_path: Path) -> None:
    """An mp3 without its Xing/LAME frame declares no length: get_duration decodes it
    packet by packet (constant memory) and counts what `load` returns."""
    data = files["mp3"].read_bytes()
    assert data[:2] == b"\xff\xf3" and b"Xing" in data[:64]  # libsndfile's first frame is the Xing header
    second = data.index(b"\xff\xf3", 4)
    bare = tmp_path / "bare.mp3"
    bare.write_bytes(data[second:])
    y, sr = tl.load(bare, sr=None)
    assert y.size > 0 and tl.get_duration(path=bare) == y.size / sr


def test_threads_sharing_one_stream_take_turns(files: dict[str, Path]) -> None:
    """Two threads pulling from one stream get every block exactly once (a
    `next` waits for the other thread's block instead of failing)."""
    import threading

    kwargs = dict(block_length=2, frame_length=2048, hop_length=512)
    expected = list(tl.stream(files["flac_PCM_16"], **kwargs))
    shared = tl.stream(files["flac_PCM_16"], **kwargs)
    got: list[np.ndarray] = []
    lock = threading.Lock()

    def pull() -> None:
        for block in shared:
            with lock:
                got.append(block)

    threads = [threading.Thread(target=pull) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(expected)
    key = lambda b: b.tobytes()  # noqa: E731
    assert sorted(map(key, got)) == sorted(map(key, expected))
