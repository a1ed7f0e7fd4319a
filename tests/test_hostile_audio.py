"""Issue 20, audio paths, headers and writes: each hostile case runs in a child
process (``isolated.outcome``: deadline and address-space cap), so a refusal
that regresses into a hang fails by timeout instead of blocking the run.

- Paths that are no regular file (named pipe, socket, ``/dev/zero``,
  ``/dev/urandom``, a folder) are refused unopened by every entry point,
  batches keep them as error rows, the CLI prints one line.
- Degenerate WAV headers behave as libsndfile (soundfile) behaves on the same
  bytes: the same samples, or a typed error naming the file and the field.
- Containers tunelens does not decode say "unsupported" and name themselves.
- Write failures are ``OutputWriteError`` ("cannot write"), never read errors
  or builtins; the command line never prints a Python internal message.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from isolated import outcome, typed

FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed (.ci/run installs it)")


def _summary(code: str, where: Path, timeout: float = 60) -> dict:
    """Runs ``code`` (which fills a dict ``summary``) in a capped child; the dict, read back as JSON."""
    out = where / "summary.json"
    record = outcome(f"{code}\nimport json\nopen({str(out)!r}, 'w').write(json.dumps(summary))\nresult = len(summary)",
                     timeout=timeout, mem_gib=4)
    assert record["outcome"] == "ok", record
    return json.loads(out.read_text())


def _typed_outcomes(files: dict, calls: str, where: Path) -> dict:
    """``{name: [outcome per call]}`` for each file of ``files`` (name: path): ``calls``, the source
    of a tuple of lambdas over ``path``, run in a capped child; an outcome is ``("returned", "")``
    or the raised TunelensError's ``(class name, message)``."""
    return _summary(f"""
summary = {{}}
for name, path in {({k: str(v) for k, v in files.items()})!r}.items():
    for call in {calls}:
        try:
            call()
            summary.setdefault(name, []).append(("returned", ""))
        except tl.TunelensError as e:
            summary.setdefault(name, []).append((type(e).__name__, str(e)))
""", where)


# ------------------------------------------------------------------------------ paths that are no file

#: Every entry point that takes a path, as ``name: expression`` run in the child with ``P`` the path;
#: each is summarised as (class name, message) by the child.
_PATH_CALLS = {
    "load": "tl.load(P)",
    "load_native_sr": "tl.load(P, sr=None, mono=False)",
    "get_duration": "tl.get_duration(path=P)",
    "get_samplerate": "tl.get_samplerate(P)",
    "stream": "next(iter(tl.stream(P, block_length=1, frame_length=2048, hop_length=512)))",
    "integrated_loudness": "tl.descriptors.integrated_loudness(P)",
    "load_batch": "tl.load_batch([P])[0]",
    "extract_features": "tl.extract_features([P], progress=False)['error'].iloc[0]",
    "spectrogram_pngs": "tl.render.spectrogram_pngs([P], OUT)['error'].iloc[0]",
    "compat_load": "librosa.load(P)",
    "compat_get_duration": "librosa.get_duration(path=P)",
    "compat_stream": "librosa.stream(P, block_length=1, frame_length=2048, hop_length=512)",
}

_PATH_CHILD = """
import warnings
import tunelens.compat.librosa as librosa
P, OUT = {path!r}, {out!r}
summary = {{}}
for name, expression in {calls!r}.items():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = eval(expression)
        summary[name] = ("returned", str(value)[:300])
    except Exception as e:
        summary[name] = (type(e).__name__, str(e)[:300], isinstance(e, tl.AudioReadError) and isinstance(e, OSError))
"""


@pytest.fixture(scope="module")
def special_paths():
    """A named pipe, a socket and a folder (each named like audio) plus two character devices."""
    root = Path(tempfile.mkdtemp(prefix="tlh-"))  # short: a socket path has at most 107 bytes
    fifo, sock, folder = root / "pipe.wav", root / "sock.wav", root / "folder.wav"
    os.mkfifo(fifo)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    folder.mkdir()
    yield {"fifo": (fifo, "named pipe (FIFO)"), "socket": (sock, "socket"), "folder": (folder, "directory"),
           "dev_zero": (Path("/dev/zero"), "character device"),
           "dev_urandom": (Path("/dev/urandom"), "character device")}
    server.close()
    shutil.rmtree(root)


@pytest.mark.parametrize("label", ["fifo", "socket", "folder", "dev_zero", "dev_urandom"])
def test_every_path_entry_point_refuses_what_is_not_a_regular_file(label, special_paths, tmp_path) -> None:
    path, kind = special_paths[label]
    summary = _summary(_PATH_CHILD.format(path=str(path), out=str(tmp_path / "png"), calls=_PATH_CALLS), tmp_path)
    expected = f"it is a {kind}, not a regular file"
    for name, got in summary.items():
        # Batches return or record the error as a row: its text names the path and the kind.
        text = got[1]
        assert str(path) in text and expected in text, f"{name} on {kind}: {got}"
        if got[0] != "returned":
            assert got[0] == "AudioReadError" and got[2], f"{name}: {got}"


def test_a_named_pipe_in_a_batch_is_one_error_row_and_the_others_load(tmp_path) -> None:
    import soundfile

    good = tmp_path / "good.wav"
    soundfile.write(good, np.sin(np.arange(8000) / 7).astype(np.float32), 8000)
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    record = outcome(f"""
rows = tl.load_batch([{str(fifo)!r}, {str(good)!r}], sr=None)
table = tl.extract_features({str(tmp_path)!r}, progress=False)
result = (type(rows[0]).__name__, rows[1][1], sorted(zip(table['filename'], table['error'].isna())))
""", timeout=60)
    assert record["outcome"] == "ok", record
    kind, sr, rows = ast.literal_eval(record["result"])
    assert kind == "AudioReadError" and sr == 8000
    assert rows == [("good.wav", True), ("pipe.wav", False)]  # the folder scan lists the pipe as a row


def test_the_cli_refuses_a_named_pipe_in_one_line(tmp_path) -> None:
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    for argv in (["features", str(fifo)], ["spectrogram", str(fifo), "-o", str(tmp_path / "png")]):
        done = _cli(argv, tmp_path)
        assert done.returncode == 1, done
        assert _one_line(done) and str(fifo) in done.stderr and "named pipe" in done.stderr, done.stderr


# ------------------------------------------------------------------------------ degenerate WAV headers

def _wav(*, tag=1, channels=1, rate=44100, bits=16, block=None, data_size=None, frames=4410) -> bytes:
    """A WAV whose `fmt ` fields are what the caller says, with 16-bit samples after it."""
    data = (np.sin(np.arange(frames) / 10) * 10000).astype("<i2").tobytes()
    block = (channels * bits // 8) & 0xFFFF if block is None else block
    fmt = struct.pack("<HHIIHH", tag, channels & 0xFFFF, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", data_size or len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


#: Headers libsndfile reads (tunelens must return the same samples) ...
_READ_LIKE_SOUNDFILE = {
    "block_align_65535": dict(block=65535),
    "block_align_0": dict(block=0),
    "block_align_3": dict(block=3),
    "bits_12": dict(bits=12, block=2),
    "bits_7": dict(bits=7, block=1),
    "three_channels_block_2": dict(channels=3, block=2),
    "data_size_2_gib": dict(data_size=2**31),
    "data_size_4_gib": dict(data_size=2**32 - 1),
    "rate_1_hz": dict(rate=1),
    "rate_1_ghz": dict(rate=10**9),
}
#: ... and headers it refuses (tunelens must raise, naming the file and the field).
_REFUSED = {
    "channels_0": (dict(channels=0, block=2), "0 channels"),
    "channels_65535": (dict(channels=65535, block=2), "65535 channels"),
    "bits_0": (dict(bits=0, block=2), "0-bit PCM"),
    "bits_64": (dict(bits=64, block=8), "64-bit PCM"),
    "float_bits_16": (dict(tag=3, bits=16), "16-bit floating point"),
    "rate_4_ghz": (dict(rate=2**32 - 1), "sample rate 4294967295 Hz is invalid"),
}


def test_degenerate_headers_read_as_soundfile_reads_them(tmp_path) -> None:
    paths = {}
    for name, fields in _READ_LIKE_SOUNDFILE.items():
        paths[name] = tmp_path / f"{name}.wav"
        paths[name].write_bytes(_wav(**fields))
    results = _summary(f"""
import soundfile
summary = {{}}
for name, path in {({k: str(v) for k, v in paths.items()})!r}.items():
    want, want_sr = soundfile.read(path, dtype="float32", always_2d=True)
    got, sr = tl.load(path, sr=None, mono=False)
    got = np.atleast_2d(got)
    summary[name] = (sr == want_sr, got.shape == want.T.shape, bool(np.array_equal(got, want.T)), got.shape[-1])
""", tmp_path)
    for name, (same_sr, same_shape, same_samples, frames) in results.items():
        assert same_sr and same_shape and same_samples and frames > 0, name


def test_degenerate_headers_libsndfile_refuses_are_typed_errors_naming_the_field(tmp_path) -> None:
    paths = {}
    for name, (fields, _) in _REFUSED.items():
        paths[name] = tmp_path / f"{name}.wav"
        paths[name].write_bytes(_wav(**fields))
    results = _typed_outcomes(paths, "(lambda: tl.load(path), lambda: tl.get_duration(path=path), "
                                     "lambda: next(iter(tl.stream(path, block_length=1, frame_length=512, hop_length=512))))",
                              tmp_path)
    for name, calls in results.items():
        for kind, message in calls:
            assert kind == "AudioDecodeError", (name, kind, message)
            assert str(paths[name]) in message and _REFUSED[name][1] in message, (name, message)


def test_a_header_rate_too_far_from_sr_names_the_file_not_an_argument(tmp_path) -> None:
    path = tmp_path / "fast.wav"
    path.write_bytes(_wav(rate=2_000_000_000))
    record = outcome(f"result = tl.load({str(path)!r}, sr=22050)", timeout=60)
    assert typed(record, "ValueError") and record["class"] == "AudioDecodeError", record
    assert str(path) in record["message"] and "header's sample rate 2000000000 Hz is invalid" in record["message"]
    assert "orig_sr" not in record["message"] and "target_sr" not in record["message"]
    # Read at its own rate it loads, as soundfile reads it.
    record = outcome(f"result = tl.load({str(path)!r}, sr=None)[1]", timeout=60)
    assert record == {"outcome": "ok", "result": "2000000000"}


# ------------------------------------------------------------------------------ unsupported containers

def _ffmpeg(out: Path, *args: str, rate: int = 44100) -> Path:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"sine=frequency=440:sample_rate={rate}:duration=1", "-ac", "2", *args, "-y", str(out)],
                   check=True, timeout=60)
    return out


def _patch_aac_config(path: Path, patch) -> Path:
    """Rewrites the first two bytes of the AudioSpecificConfig in an ffmpeg m4a's `esds` box
    (the DecoderSpecificInfo descriptor: tag 5, ffmpeg's 4-byte length, the config)."""
    data = bytearray(path.read_bytes())
    at = data.index(b"\x05\x80\x80\x80", data.index(b"esds")) + 5
    data[at:at + 2] = patch(bytes(data[at:at + 2]))
    path.write_bytes(bytes(data))
    return path


@needs_ffmpeg
def test_containers_and_codecs_tunelens_does_not_decode_say_unsupported(tmp_path) -> None:
    files = {
        "Sony Wave64 (W64)": _ffmpeg(tmp_path / "a.w64"),
        "RF64 (64-bit WAV)": _ffmpeg(tmp_path / "rf64.wav", "-rf64", "always", rate=48000),
        "Core Audio Format (CAF)": _ffmpeg(tmp_path / "a.caf", "-f", "caf"),
        "Sun/NeXT audio (.au)": _ffmpeg(tmp_path / "a.au"),
        "Opus": _ffmpeg(tmp_path / "opus.m4a", "-c:a", "libopus", "-f", "mp4", rate=48000),
        "'ac-3'": _ffmpeg(tmp_path / "ac3.m4a", "-c:a", "ac3", "-f", "mp4", rate=48000),
        # HE-AAC: Debian's ffmpeg has no HE-AAC encoder, so an AAC-LC file's config says it:
        # object type 5 (explicit SBR), or a core rate half the container's (implicit SBR).
        "HE-AAC (SBR)": _patch_aac_config(_ffmpeg(tmp_path / "he.m4a", "-c:a", "aac"),
                                          lambda c: bytes([(5 << 3) | (c[0] & 7), c[1]])),
        "HE-AAC (SBR, implicitly signalled)": _patch_aac_config(
            _ffmpeg(tmp_path / "he_implicit.m4a", "-c:a", "aac"),
            lambda c: bytes([(c[0] & 0xF8) | (7 >> 1), (c[1] & 0x7F) | ((7 & 1) << 7)])),  # index 7: 22050 Hz
    }
    results = _typed_outcomes(files, "(lambda: tl.load(path), lambda: tl.get_duration(path=path))", tmp_path)
    for what, calls in results.items():
        for kind, message in calls:
            assert kind == "UnsupportedFormatError", (what, kind, message)
            assert "unsupported" in message and what in message and str(files[what]) in message, message


@needs_ffmpeg
@pytest.mark.parametrize("codec", ["aac", "alac"])
def test_fragmented_mp4_decodes_as_ffmpeg_decodes_it_with_its_duration(codec, tmp_path) -> None:
    path = tmp_path / f"frag_{codec}.m4a"
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=48000:duration=6", "-ac", "2", "-c:a", codec,
                    "-movflags", "frag_keyframe+empty_moov", "-frag_duration", "1000000", "-y", str(path)],
                   check=True, timeout=60)
    pcm = subprocess.run([FFMPEG, "-loglevel", "error", "-i", str(path), "-f", "s16le", "-"],
                         check=True, capture_output=True, timeout=60).stdout
    want = np.frombuffer(pcm, "<i2").reshape(-1, 2).T / 32768.0
    record = outcome(f"""
y, sr = tl.load({str(path)!r}, sr=None, mono=False)
np.save({str(tmp_path / "y.npy")!r}, y)
result = (sr, tl.get_duration(path={str(path)!r}))
""", timeout=60)
    assert record["outcome"] == "ok", record
    sr, seconds = ast.literal_eval(record["result"])
    got = np.load(tmp_path / "y.npy")
    assert sr == 48000 and got.shape == want.shape
    assert np.abs(got - want).max() <= 1.0 / 32768  # ffmpeg's float-to-s16 rounding (docs/formats.md)
    assert seconds == pytest.approx(want.shape[1] / 48000, abs=1e-9)


# ------------------------------------------------------------------------------ write errors

_WRITE_CHILD = """
import errno
from tunelens.explain import TimeSegments, explain
y = np.sin(np.arange(8000) / 5).astype(np.float32)
e = explain(y, 8000, lambda c: np.abs(c).mean(axis=1), TimeSegments(4), num_samples=40, random_state=0,
            progress=False)
import pandas as pd
FILE, MISSING = {file!r}, {missing!r}
calls = {{
    "spectrogram_png_missing_folder": lambda: tl.render.spectrogram_png(y, MISSING + "/x.png", sr=8000),
    "spectrogram_png_folder_in_the_way": lambda: tl.render.spectrogram_png(y, {folder!r}, sr=8000),
    "spectrogram_png_file_as_folder": lambda: tl.render.spectrogram_png(y, FILE + "/x.png", sr=8000),
    "spectrogram_png_none": lambda: tl.render.spectrogram_png(y, None, sr=8000),
    "spectrogram_png_n_mels_0": lambda: tl.render.spectrogram_png(y, MISSING + ".png", sr=8000, n_mels=0),
    "waveform_png_missing_folder": lambda: tl.render.waveform_png(y, MISSING + "/x.png"),
    "spectrogram_pngs_onto_a_file": lambda: tl.render.spectrogram_pngs([{wav!r}], FILE),
    "spectrogram_pngs_under_a_file": lambda: tl.render.spectrogram_pngs([{wav!r}], FILE + "/out"),
    "spectrogram_pngs_row": lambda: tl.render.spectrogram_pngs([{wav!r}], {pngs!r})["error"].iloc[0],
    "to_wav_missing_folder": lambda: e.to_wav(MISSING + "/x.wav"),
    "to_wav_folder_in_the_way": lambda: e.to_wav({folder!r}),
    "to_wav_none": lambda: e.to_wav(None),
    "to_wav_number": lambda: e.to_wav(3),
    "to_wav_bad_subtype": lambda: e.to_wav(FILE + ".wav", subtype="MP3"),
    "to_wav_bad_k": lambda: e.to_wav(FILE + ".wav", k="3"),
    "write_table_file_as_folder": lambda: tl.io.write_table(pd.DataFrame({{"a": [1]}}), FILE + "/t.csv"),
    "write_table_folder_in_the_way": lambda: tl.io.write_table(pd.DataFrame({{"a": [1]}}), {folder!r} + ".csv"),
    "write_library_under_a_file": lambda: tl.datasets.write_library(FILE + "/lib", 3, duration=0.5),
}}
summary = {{}}
for name, call in calls.items():
    try:
        summary[name] = ("returned", str(call())[:300], [])
    except Exception as err:
        summary[name] = (type(err).__name__, str(err)[:300], [c.__name__ for c in type(err).__mro__])
"""


def test_write_failures_are_write_errors_naming_the_file(tmp_path) -> None:
    import soundfile

    file = tmp_path / "plain.txt"
    file.write_text("x")
    folder = tmp_path / "taken.png"
    (tmp_path / "taken.png.csv").mkdir()
    folder.mkdir()
    wav = tmp_path / "in.wav"
    soundfile.write(wav, np.zeros(4000, dtype=np.float32), 8000)
    pngs = tmp_path / "pngs"
    (pngs / "in.png").mkdir(parents=True)  # a folder where the PNG goes
    summary = _summary(_WRITE_CHILD.format(file=str(file), missing=str(tmp_path / "missing"), folder=str(folder),
                                           wav=str(wav), pngs=str(pngs)), tmp_path)
    write = "OutputWriteError", "cannot write"
    expect = {
        "spectrogram_png_missing_folder": (*write, "missing/x.png"),
        "spectrogram_png_folder_in_the_way": (*write, "taken.png"),
        "spectrogram_png_file_as_folder": (*write, "plain.txt/x.png"),
        "spectrogram_png_none": ("InvalidTypeError", "path must be a file path", "None"),
        "spectrogram_png_n_mels_0": ("InvalidParameterError", "n_mels must be a positive integer", "0"),
        "waveform_png_missing_folder": (*write, "missing/x.png"),
        "spectrogram_pngs_onto_a_file": ("OutputExistsError", "cannot write", "plain.txt"),
        "spectrogram_pngs_under_a_file": (*write, "plain.txt/out"),
        "spectrogram_pngs_row": ("returned", "OutputWriteError: ", "cannot write: Is a directory: '" + str(pngs / "in.png")),
        "to_wav_missing_folder": (*write, "missing/x.wav"),
        "to_wav_folder_in_the_way": (*write, "taken.png"),
        "to_wav_none": ("InvalidTypeError", "path must be a file path", "None"),
        "to_wav_number": ("InvalidTypeError", "path must be a file path", "3"),
        "to_wav_bad_subtype": ("InvalidParameterError", "subtype must be one of", "'MP3'"),
        "to_wav_bad_k": ("InvalidParameterError", "k must be a non-negative integer", "'3'"),
        "write_table_file_as_folder": (*write, "plain.txt/t.csv"),
        "write_table_folder_in_the_way": (*write, "taken.png.csv"),
        "write_library_under_a_file": (*write, "plain.txt/lib"),
    }
    assert set(summary) == set(expect)
    for name, (kind, *fragments) in expect.items():
        got_kind, message, mro = summary[name]
        assert (kind in mro if kind.startswith("Output") else got_kind == kind), (name, summary[name])
        assert all(f in message for f in fragments), (name, summary[name])
        if kind.startswith("Output"):
            assert {"TunelensError", "OSError"} <= set(mro), (name, mro)
    assert "FileExistsError" in summary["spectrogram_pngs_onto_a_file"][2]
    assert "TypeError" in summary["to_wav_none"][2]


# ------------------------------------------------------------------------------ the command line

def _cli(argv: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m tunelens ARGV`` (its own process, so a hang is a timeout)."""
    return subprocess.run([sys.executable, "-m", "tunelens", *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL)


def _one_line(done: subprocess.CompletedProcess) -> bool:
    """One line on stderr, no traceback."""
    return "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_messages_name_what_the_user_passed(tmp_path) -> None:
    import soundfile

    empty, noise = tmp_path / "empty", tmp_path / "notes"
    empty.mkdir()
    noise.mkdir()
    (noise / "readme.txt").write_text("no audio here")
    wav = tmp_path / "a.wav"
    soundfile.write(wav, np.sin(np.arange(22050) / 9).astype(np.float32), 22050)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_bytes(b"artist,title\n\"unterminated,quote\nx,y,z,w\n\xff\xfe")
    good_csv = tmp_path / "good.csv"
    good_csv.write_text("artist,title\na,b\n")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    cases = [
        (["features", str(empty)], 2, str(empty)),
        (["features", str(noise)], 2, str(noise)),
        (["features", str(empty), str(noise)], 2, str(empty)),
        (["features", str(wav), "--sr", "0"], 2, "--sr"),
        (["features", str(wav), "--duration", "-1"], 2, "--duration"),
        (["features", str(wav), "--offset", "nan"], 2, "--offset"),
        (["features", str(tmp_path / "missing.wav")], 2, "missing.wav"),
        (["features", str(wav), "-o", str(plain / "out.csv")], 1, "cannot write"),
        (["spectrogram", str(wav), "-o", str(tmp_path / "png"), "--n-mels", "0"], 2, "--n-mels"),
        (["spectrogram", str(wav), "-o", str(tmp_path / "png"), "--sr", "-5"], 2, "--sr"),
        (["spectrogram", str(empty), "-o", str(tmp_path / "png")], 2, str(empty)),
        (["spectrogram", str(wav), "-o", str(plain)], 2, str(plain)),
        (["match", str(bad_csv), str(good_csv)], 2, str(bad_csv)),
        (["match", str(good_csv), str(tmp_path)], 2, str(tmp_path)),
        (["match", str(good_csv), str(good_csv), "--threshold", "nan"], 1, "threshold"),
        (["recommend", str(bad_csv), "--seed", "x"], 2, str(bad_csv)),
        (["explain", str(wav), "--model", "numpy:mean", "--segments", "0"], 2, "--segments"),
        (["explain", str(wav), "--model", "numpy:mean", "--num-samples", "-3"], 2, "--num-samples"),
        (["demo", "--seconds", "nan"], 2, "--seconds"),
    ]
    # One child runs every command line (in process, as the hypothesis CLI test does): one start-up, not 19.
    summary = _summary(f"""
import contextlib, io
from tunelens.cli import main
summary = []
for argv in {[argv for argv, _, _ in cases]!r}:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code
    summary.append((code, err.getvalue()))
""", tmp_path, timeout=120)
    for (argv, code, named), (got, stderr) in zip(cases, summary):
        assert got == code, (argv, got, stderr)
        assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, (argv, stderr)
        assert named in stderr, (argv, stderr)
        for internal in ("out-of-bounds", "zero-size array", "object has no attribute", "NoneType"):
            assert internal not in stderr, (argv, stderr)
