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
from isolated import PEAK_PROBE
from signals import music

import tunelens as tl

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


CHILD = PEAK_PROBE + textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tunelens as tl

    def rms():
        n, total = 0, 0.0
        for block in tl.stream(path, block_length=8, frame_length=4096, hop_length=4096):
            n += block.shape[-1]
            total += float(np.sqrt(np.mean(block.astype(np.float64) ** 2)))
        return dict(samples=n, rms_sum=total)

    def stft():
        columns = 0
        for block in tl.stream(path, block_length=128, frame_length=2048, hop_length=512):
            columns += tl.stft(block, n_fft=2048, hop_length=512, center=False).shape[-1]
        return dict(columns=columns)

    def loudness():
        return dict(lufs=tl.descriptors.integrated_loudness(path))

    def window():
        y, sr = tl.load(path, sr=None, offset=3000.0, duration=10.0)
        return dict(samples=y.shape[-1], duration=tl.get_duration(path=path))

    path = sys.argv[1]
    # Warm-up: imports, FFT plans, thread pool, a few blocks.
    for i, block in enumerate(tl.stream(path, block_length=128, frame_length=2048, hop_length=512)):
        tl.stft(block, n_fft=2048, hop_length=512, center=False)
        if i == 3:
            break
    out = {}
    for job in (rms, stft, loudness, window):
        reset_peak()
        before = peak()
        out[job.__name__] = job()
        out[job.__name__]["growth_mb"] = (peak() - before) / 2**20
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("kind", ["wav", "flac"])
def test_one_hour_streams_in_bounded_memory(hour_files: dict[str, Path], kind: str) -> None:
    path = hour_files[kind]
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for job, result in out.items():
        assert result["growth_mb"] < BOUND_MB, (job, result)
    assert out["rms"]["samples"] == HOUR
    # The same sum over librosa.stream's blocks: the blocks are identical
    # (PCM, exact), so only the float64 summation order could differ.
    blocks = librosa.stream(path, block_length=8, frame_length=4096, hop_length=4096)
    expected = sum(float(np.sqrt(np.mean(b.astype(np.float64) ** 2))) for b in blocks)
    assert out["rms"]["rms_sum"] == pytest.approx(expected, rel=1e-12)
    # center=False frames over blocks of 128 frames tile the hour exactly as one STFT would.
    assert out["stft"]["columns"] == 1 + (HOUR - 2048) // 512
    # The hour repeats one minute, so its gated loudness is that minute's up to
    # the blocks that straddle the repeats (a few thousandths of a LU).
    minute = sf.read(path, frames=480_000, dtype="float32")[0]
    assert out["loudness"]["lufs"] == pytest.approx(tl.descriptors.integrated_loudness(minute, 8000), abs=0.05)
    assert out["window"] == dict(samples=80_000, duration=pytest.approx(3600.0), growth_mb=out["window"]["growth_mb"])
    print(kind, json.dumps(out))
