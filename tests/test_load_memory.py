"""Long-file ``load`` in bounded memory, and Ctrl-C between its windows.

A 10-minute 44.1 kHz stereo mp3 and flac (pink noise | a 330 Hz tone, encoded
by ffmpeg) are loaded in a fresh child process, which reports the growth of
its peak resident set (``VmHWM``) over a warm-up baseline. ``load`` decodes,
mixes and resamples window by window straight into the result, so the growth
must stay within ``RATIO`` x the result plus ``CONSTANT_MB`` (two decoded
windows, libsoxr's state, symphonia's buffers, allocator noise: measured
7-12 MiB above the result). Before, a stereo mp3 loaded at 22.05 kHz grew by
~9x its result (the decoded stereo signal held twice over).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from isolated import PEAK_PROBE

RATIO = 1.5
CONSTANT_MB = 24
MINUTES = 10

ffmpeg = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(ffmpeg is None, reason="needs ffmpeg to encode the long files")


@pytest.fixture(scope="module")
def long_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("long")
    seconds = MINUTES * 60
    sources = [
        f"anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:seed=1:duration={seconds}",
        f"sine=frequency=330:sample_rate=44100:duration={seconds}",
    ]
    paths = {"mp3": d / "long.mp3", "flac": d / "long.flac"}
    codecs = {"mp3": ["-c:a", "libmp3lame", "-compression_level", "9", "-b:a", "128k"], "flac": ["-c:a", "flac", "-sample_fmt", "s16"]}
    for kind, path in paths.items():
        subprocess.run(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", sources[0], "-f", "lavfi",
             "-i", sources[1], "-filter_complex", "[0][1]amerge=inputs=2", *codecs[kind], str(path)],
            check=True, timeout=120,
        )
    return paths


CHILD = PEAK_PROBE + textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tunelens as tl

    path, warm = sys.argv[1], sys.argv[2]
    settings = json.loads(sys.argv[3])
    for options in settings:  # warm-up: imports, thread pool, resampler tables
        tl.load(warm, **options)
    out = []
    for options in settings:
        reset_peak()
        before = peak()
        y, sr = tl.load(path, **options)
        growth = peak() - before
        # A checksum of the samples, to compare with a load in the parent.
        out.append(dict(options=options, growth=growth, nbytes=y.nbytes, shape=list(y.shape), sr=sr,
                        sums=[float(v) for v in np.sum(np.abs(y.astype(np.float64)), axis=-1, keepdims=True).ravel()]))
        del y
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("kind", ["mp3", "flac"])
def test_long_load_stays_within_the_result_plus_a_constant(long_files: dict[str, Path], kind: str, tmp_path: Path) -> None:
    import tunelens as tl

    path = long_files[kind]
    warm = tmp_path / f"warm.{kind}"
    subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(path), "-t", "2", str(warm)],
                   check=True, timeout=60)
    settings = [dict(sr=22050), dict(sr=22050, mono=False), dict(sr=None, mono=False), dict(sr=16000, offset=60.0, duration=240.0)]
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(warm), json.dumps(settings)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for r in json.loads(done.stdout):
        bound = RATIO * r["nbytes"] + CONSTANT_MB * 2**20
        assert r["growth"] <= bound, (kind, r["options"], r["growth"] / 2**20, r["nbytes"] / 2**20)
        print(kind, r["options"], f"growth {r['growth'] / 2**20:.1f} MiB for {r['nbytes'] / 2**20:.1f} MiB "
              f"({r['growth'] / r['nbytes']:.2f}x)")
    # The child's result is the one this process gets (same samples, same shapes).
    first = json.loads(done.stdout)[1]
    y, sr = tl.load(path, **first["options"])
    assert (list(y.shape), sr) == (first["shape"], first["sr"])
    assert np.sum(np.abs(y.astype(np.float64)), axis=-1).tolist() == first["sums"]
    assert y.shape == (2, -(-MINUTES * 60 * 44100 * 22050 // 44100))


INTERRUPT = textwrap.dedent(
    """
    import os, signal, sys, threading, time
    import tunelens as tl

    path = sys.argv[1]
    options = dict(sr=22050, mono=False, res_type="soxr_vhq")
    start = time.perf_counter()
    tl.load(path, **options)
    whole = time.perf_counter() - start
    start = time.perf_counter()
    threading.Timer(whole / 4, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        tl.load(path, **options)
        print("finished", time.perf_counter() - start, whole)
    except KeyboardInterrupt:
        print("interrupted", time.perf_counter() - start, whole)
    """
)


def test_ctrl_c_stops_a_long_load_between_windows(long_files: dict[str, Path]) -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPT, str(long_files["mp3"])],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome, seconds, whole = done.stdout.split()
    # Ctrl-C a quarter of the way in stops the load within a window or two
    # (a window is ~1 % of the file), long before it would have finished.
    assert outcome == "interrupted" and float(seconds) < 0.6 * float(whole), done.stdout
    print("Ctrl-C at a quarter:", done.stdout.strip())


@pytest.mark.parametrize("claimed", [2**36 - 1, 10**9, 44_100])
def test_a_flac_header_claiming_the_wrong_length_loads_what_is_there(tmp_path: Path, claimed: int) -> None:
    """The result is sized from STREAMINFO's total samples: a claim of 2^36 - 1
    or 10^9 frames (8 GB of stereo float32, beyond a 2 GiB address-space cap)
    must not be allocated, and a claim of 1 s for a 3 s file must grow; the
    samples are those of the honest file either way."""
    import soundfile as sf
    from isolated import outcome

    y = np.random.default_rng(0).uniform(-0.5, 0.5, (3 * 44100, 2)).astype(np.float32)
    honest, forged = tmp_path / "honest.flac", tmp_path / "forged.flac"
    sf.write(honest, y, 44100, subtype="PCM_16")
    data = bytearray(honest.read_bytes())
    # STREAMINFO's 36-bit total-samples field: the low nibble of byte 21, then bytes 22-25.
    data[21] = (data[21] & 0xF0) | (claimed >> 32)
    data[22:26] = (claimed & 0xFFFFFFFF).to_bytes(4, "big")
    forged.write_bytes(bytes(data))
    record = outcome(f"""
        same = []
        for sr in (22050, None):
            got, want = tl.load({str(forged)!r}, sr=sr, mono=False)[0], tl.load({str(honest)!r}, sr=sr, mono=False)[0]
            same.append((got.shape, np.array_equal(got, want)))
        result = same
    """, mem_gib=2.0, timeout=60)
    assert record == {"outcome": "ok", "result": repr([((2, 66150), True), ((2, 132300), True)])}, record
