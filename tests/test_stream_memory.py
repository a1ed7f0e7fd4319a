"""One-hour files through the streaming paths in bounded memory.

A 1-hour 8 kHz mono file is 28.8 million samples: 115 MB as float32, 230 MB
as float64. Each run happens in a fresh child process that reports the growth
of its peak resident set (``VmHWM``) over a warm-up baseline; the bound,
``BOUND_MB`` = 64 MB, is half the float32 signal, so any path that holds the
whole hour (or even half of it) fails, while the streaming paths need only
one block (here 0.5 s to 8 s of audio), symphonia's read buffer and Python's
allocator noise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import librosa
import numpy as np
import pytest
import soundfile as sf
from signals import music

BOUND_MB = 64
HOUR = 3600 * 8000


@pytest.fixture(scope="module")
def hour_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 1-hour WAV and FLAC (one minute of music-like signal, 60 times), written in chunks."""
    d = tmp_path_factory.mktemp("hour")
    minute = (music(8000, 60.0, seed=9) * 0.5).astype(np.float32)
    paths = {"wav": d / "hour.wav", "flac": d / "hour.flac"}
    for path in paths.values():
        with sf.SoundFile(path, "w", samplerate=8000, channels=1, subtype="PCM_16") as f:
            for _ in range(60):
                f.write(minute)
    return paths


CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tunelens as tl

    def peak():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM"))

    path, job = sys.argv[1], sys.argv[2]
    # Warm-up: imports, FFT plans, thread pool, a few blocks.
    for i, block in enumerate(tl.stream(path, block_length=16, frame_length=2048, hop_length=512)):
        tl.stft(block, n_fft=2048, hop_length=512, center=False)
        if i == 3:
            break
    before = peak()
    out = {}
    if job == "rms":
        frames = 4096
        n, total = 0, 0.0
        for block in tl.stream(path, block_length=frames // 512, frame_length=frames, hop_length=frames):
            n += block.shape[-1]
            total += float(np.sqrt(np.mean(block.astype(np.float64) ** 2)))
        out.update(samples=n, rms_sum=total)
    elif job == "stft":
        columns = 0
        for block in tl.stream(path, block_length=128, frame_length=2048, hop_length=512):
            columns += tl.stft(block, n_fft=2048, hop_length=512, center=False).shape[-1]
        out.update(columns=columns)
    elif job == "loudness":
        out.update(lufs=tl.descriptors.integrated_loudness(path))
    elif job == "window":
        y, sr = tl.load(path, sr=None, offset=3000.0, duration=10.0)
        out.update(samples=y.shape[-1], duration=tl.get_duration(path=path))
    out["growth_mb"] = (peak() - before) / 2**20
    print(json.dumps(out))
    """
)


def run_child(path: Path, job: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), job], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("kind", ["wav", "flac"])
def test_stream_one_hour_in_bounded_memory(hour_files: dict[str, Path], kind: str) -> None:
    rms = run_child(hour_files[kind], "rms")
    assert rms["samples"] == HOUR
    # The same sum over librosa.stream's blocks: the blocks are identical
    # (PCM, exact), so only the float64 summation order could differ.
    blocks = librosa.stream(hour_files[kind], block_length=8, frame_length=4096, hop_length=4096)
    expected = sum(float(np.sqrt(np.mean(b.astype(np.float64) ** 2))) for b in blocks)
    assert rms["rms_sum"] == pytest.approx(expected, rel=1e-12)
    assert rms["growth_mb"] < BOUND_MB, rms
    stft = run_child(hour_files[kind], "stft")
    # center=False frames over blocks of 128 frames tile the hour exactly as one STFT would.
    assert stft["columns"] == 1 + (HOUR - 2048) // 512
    assert stft["growth_mb"] < BOUND_MB, stft


@pytest.mark.parametrize("kind", ["wav", "flac"])
def test_streaming_loudness_and_windows_of_one_hour(hour_files: dict[str, Path], kind: str) -> None:
    from tunelens import descriptors

    loud = run_child(hour_files[kind], "loudness")
    minute = sf.read(hour_files[kind], frames=480_000, dtype="float32")[0]
    # The hour repeats one minute, so its gated loudness is that minute's up to
    # the blocks that straddle the repeats (a few hundredths of a LU).
    assert loud["lufs"] == pytest.approx(descriptors.integrated_loudness(minute, 8000), abs=0.05)
    assert loud["growth_mb"] < BOUND_MB, loud
    window = run_child(hour_files[kind], "window")
    assert window["samples"] == 80_000 and window["duration"] == pytest.approx(3600.0)
    assert window["growth_mb"] < BOUND_MB, window
