"""``tunelens.compat.librosa``'s audio input never breaks where librosa works.

``load``, ``stream``, ``get_duration(path=...)`` and ``get_samplerate`` decode
natively what tunelens decodes and hand everything else to librosa itself, with
one ``TunelensFallbackWarning`` per name. Every test runs the shim and real
librosa side by side on the same input (files generated with ffmpeg) and
compares results, exception types and librosa's own warnings.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any, Callable

import audioread
import librosa
import numpy as np
import pytest
import soundfile as sf

import tunelens.compat.librosa as shim
from tunelens.compat import TunelensFallbackWarning, _shim
from tunelens.compat.librosa._input import AudioInput

RATES = [48000, 44100]
NAMES = ["load", "get_duration", "get_samplerate", "stream"]
SINE = "sine=frequency=440:sample_rate={sr}:duration=1"
VIDEO = "testsrc=size=64x64:rate=5"
#: ffmpeg arguments after the inputs, per file kind; "video" kinds also get a video stream.
MEDIA = {
    "wav": ([], ["-c:a", "pcm_s16le"]),
    "opus": ([], ["-c:a", "libopus"]),  # Ogg Opus
    "au": ([], ["-c:a", "pcm_s16be"]),  # a container libsndfile reads and tunelens does not
    "mkv": ([VIDEO], ["-shortest", "-c:v", "mpeg4", "-c:a", "flac"]),
    "webm": ([VIDEO], ["-shortest", "-c:v", "libvpx", "-c:a", "libvorbis"]),
    "avi": ([VIDEO], ["-shortest", "-c:v", "mpeg4", "-c:a", "pcm_s16le"]),
}
FALLBACK_KINDS = ["opus", "au", "mkv", "webm", "avi", "garbage"]

CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "load": lambda lib, audio: lib.load(audio),
    "get_duration": lambda lib, audio: lib.get_duration(path=audio),
    "get_samplerate": lambda lib, audio: lib.get_samplerate(audio),
    "stream": lambda lib, audio: list(lib.stream(audio, block_length=4, frame_length=2048, hop_length=512)),
}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Path]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("these tests generate their media with ffmpeg, which is not on PATH (apt-get install ffmpeg)")
    folder = tmp_path_factory.mktemp("compat_load")
    files = {}
    for sr in RATES:
        for kind, (videos, options) in MEDIA.items():
            out = folder / f"{sr}.{kind}"
            inputs = [arg for source in [*videos, SINE.format(sr=sr)] for arg in ("-f", "lavfi", "-i", source)]
            done = subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *inputs, *options, str(out)],
                                  capture_output=True, text=True, check=False)
            assert done.returncode == 0, f"ffmpeg could not write {out.name}: {done.stderr}"
            files[kind, sr] = out
        garbage = folder / f"{sr}.garbage"
        garbage.write_bytes(b"TLGB" + np.random.default_rng(sr).integers(0, 256, 8192, dtype=np.uint8).tobytes())
        files["garbage", sr] = garbage
    return files


@pytest.fixture(autouse=True)
def _fresh_announcements(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees the first fallback of a name in the process (one warning per name and process)."""
    monkeypatch.setattr(_shim, "_warned", set())


def run(call: Callable[[], Any]) -> tuple[Any, list[warnings.WarningMessage]]:
    """``call()``'s result or the exception it raised, and every warning it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call()
        except Exception as error:  # noqa: BLE001 - compared with librosa's below
            value = error
    return value, caught


def fallbacks(caught: list[warnings.WarningMessage], name: str) -> list[str]:
    return [str(w.message) for w in caught
            if issubclass(w.category, TunelensFallbackWarning) and str(w.message).startswith(f"librosa.{name} ")]


def others(caught: list[warnings.WarningMessage]) -> list[tuple[type, str]]:
    """The warnings that are not tunelens's, less the DeprecationWarnings of imports (only the first run sees them)."""
    return sorted(((w.category, str(w.message)) for w in caught
                   if not issubclass(w.category, (TunelensFallbackWarning, DeprecationWarning))), key=repr)


def assert_same(ours: Any, theirs: Any) -> None:
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), f"shim: {ours!r}, librosa: {theirs!r}"
    elif isinstance(theirs, tuple):  # load
        assert not isinstance(ours, Exception), ours
        np.testing.assert_array_equal(ours[0], theirs[0])
        assert ours[0].dtype == theirs[0].dtype and ours[1] == theirs[1]
    elif isinstance(theirs, list):  # stream
        assert not isinstance(ours, Exception), ours
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)
    else:
        assert ours == theirs and type(ours) is type(theirs)


def side_by_side(name: str, make: Callable[[contextlib.ExitStack], Any], *, native: bool = False,
                 call: Callable[[Any, Any], Any] | None = None,
                 make_reference: Callable[[contextlib.ExitStack], Any] | None = None) -> Any:
    """Runs ``name`` on a fresh input from ``make`` with the shim and with librosa; checks they agree.

    ``make_reference`` makes librosa's input where it differs (librosa takes no bytes).
    """
    call = call or CALLS[name]
    with contextlib.ExitStack() as stack:
        ours, caught_ours = run(lambda: call(shim, make(stack)))
    with contextlib.ExitStack() as stack:
        theirs, caught_theirs = run(lambda: call(librosa, (make_reference or make)(stack)))
    assert_same(ours, theirs)
    assert len(fallbacks(caught_ours, name)) == (0 if native else 1), [str(w.message) for w in caught_ours]
    assert others(caught_ours) == others(caught_theirs)  # librosa's own warnings, unchanged
    return ours


def path_of(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: str(file)


def binary(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: stack.enter_context(open(file, "rb"))


def text(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: stack.enter_context(open(file, encoding="latin-1"))


def audioread_object(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: stack.enter_context(audioread.audio_open(str(file)))


def sound_file(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: stack.enter_context(sf.SoundFile(file))


class NonSeekable(io.RawIOBase):
    """A read-once binary stream (a pipe, a socket, an HTTP body)."""

    def __init__(self, data: bytes, name: str) -> None:
        self._data = io.BytesIO(data)
        self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        return self._data.readinto(buffer)


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("kind", FALLBACK_KINDS)
@pytest.mark.parametrize("name", NAMES)
def test_paths_tunelens_does_not_decode_are_librosas(media: dict, name: str, kind: str, sr: int) -> None:
    side_by_side(name, path_of(media[kind, sr]))


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("kind", ["opus", "mkv", "garbage"])
@pytest.mark.parametrize("name", NAMES)
def test_binary_files_are_rewound_for_librosa(media: dict, name: str, kind: str, sr: int) -> None:
    side_by_side(name, binary(media[kind, sr]))


@pytest.mark.parametrize("name", ["load", "get_samplerate"])
def test_binary_file_read_from_the_middle_is_rewound_to_where_it_was(media: dict, name: str) -> None:
    data = media["au", 48000].read_bytes()

    def make(stack: contextlib.ExitStack) -> io.BytesIO:
        buffer = io.BytesIO(b"JUNK" + data)
        buffer.seek(4)
        return buffer

    assert not isinstance(side_by_side(name, make), Exception)  # librosa reads it from there


@pytest.mark.parametrize("kind", ["opus", "wav"])
def test_non_seekable_streams_reach_librosa_as_the_bytes_read(media: dict, kind: str) -> None:
    file = media[kind, 44100]
    ours, caught = run(lambda: shim.load(NonSeekable(file.read_bytes(), file.name), sr=None))
    theirs, _ = run(lambda: librosa.load(io.BytesIO(file.read_bytes()), sr=None))
    assert_same(ours, theirs)
    assert len(fallbacks(caught, "load")) == (1 if kind == "opus" else 0)
    audio = AudioInput(NonSeekable(b"abc", "x.opus"))
    assert audio.native and audio.source().read() == b"abc"
    handed = audio.for_librosa()
    assert isinstance(handed, io.BytesIO) and handed.read() == b"abc" and handed.name == "x.opus"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # soundfile's cffi callback on str data
@pytest.mark.parametrize("kind", ["wav", "opus"])
@pytest.mark.parametrize("name", NAMES)
def test_text_mode_files_are_librosas(media: dict, name: str, kind: str) -> None:
    side_by_side(name, text(media[kind, 48000]))


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("kind", ["wav", "opus", "mkv"])
@pytest.mark.parametrize("name", ["load", "get_duration", "get_samplerate"])
def test_audioread_objects_are_librosas(media: dict, name: str, kind: str, sr: int) -> None:
    side_by_side(name, audioread_object(media[kind, sr]))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # soundfile's cffi callback
@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("kind", ["wav", "opus", "au"])
@pytest.mark.parametrize("name", NAMES)
def test_soundfile_objects_are_librosas(media: dict, name: str, kind: str, sr: int) -> None:
    side_by_side(name, sound_file(media[kind, sr]))


def bytes_of(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: file.read_bytes()


def bytes_io_of(file: Path) -> Callable[[contextlib.ExitStack], Any]:
    return lambda stack: io.BytesIO(file.read_bytes())


#: Native input kinds: what the shim gets, what librosa gets (librosa takes bytes as a file name).
NATIVE_INPUTS = {"path": (path_of, path_of), "binary file": (binary, binary), "bytes": (bytes_of, bytes_io_of),
                 "non-seekable": (lambda file: lambda stack: NonSeekable(file.read_bytes(), file.name), bytes_io_of)}


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", NATIVE_INPUTS)
def test_native_inputs_stay_native(media: dict, kind: str, name: str, sr: int) -> None:
    file = media["wav", sr]
    ours, reference = (make(file) for make in NATIVE_INPUTS[kind])
    # sr=None: 16-bit PCM decodes to the same floats in both (resampling is not what this tests).
    call = (lambda lib, audio: lib.load(audio, sr=None)) if name == "load" else None
    side_by_side(name, ours, native=True, call=call, make_reference=reference)


def test_one_warning_per_name_and_process(media: dict) -> None:
    opus = str(media["opus", 48000])
    with pytest.warns(TunelensFallbackWarning, match=r"^librosa\.load is served by librosa for this input"):
        first = shim.load(opus)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TunelensFallbackWarning)
        second = shim.load(opus)
        np.testing.assert_array_equal(shim.load(str(media["wav", 48000]), sr=None)[0],
                                      librosa.load(str(media["wav", 48000]), sr=None)[0])
    np.testing.assert_array_equal(first[0], second[0])


@pytest.mark.parametrize("sr", RATES)
def test_load_options_reach_librosa(media: dict, sr: int) -> None:
    side_by_side("load", path_of(media["opus", sr]), call=lambda lib, audio: lib.load(
        audio, sr=16000, mono=False, offset=0.25, duration=0.5, dtype=np.float64, res_type="polyphase"))


@pytest.mark.parametrize("sr", RATES)
def test_stream_options_reach_librosa(media: dict, sr: int) -> None:
    side_by_side("stream", path_of(media["opus", sr]), call=lambda lib, audio: list(lib.stream(
        audio, block_length=2, frame_length=1024, hop_length=256, offset=0.1, duration=0.5, fill_value=0.0)))
