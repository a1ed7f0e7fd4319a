"""Batch integrity: one row per input, in order, errors on the bad rows only;
Ctrl-C stops a batch promptly and leaves no work running."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from signals import music

import tunelens as tl

N = 10_000
SR = 8000


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """50 tiny (~0.05 s) wav files of distinct lengths, so row order is checkable."""
    folder = tmp_path_factory.mktemp("clips")
    paths = []
    for i in range(50):
        p = folder / f"clip{i:02d}.wav"
        sf.write(p, music(SR, (400 + i) / SR, seed=i), SR, subtype="PCM_16")
        paths.append(p)
    return paths


def batch_inputs(clips: list[Path], bad: Path) -> tuple[list[Path], set[int]]:
    """10,000 paths, every 100th one bad (a missing file or a corrupt one)."""
    bad_rows = set(range(7, N, 100))
    paths = [(bad if i % 200 == 7 else bad.with_name(f"missing{i}.wav")) if i in bad_rows else clips[i % 50]
             for i in range(N)]
    return paths, bad_rows


def test_load_batch_keeps_every_row_in_order_with_one_percent_bad(clips: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 10)
    paths, bad_rows = batch_inputs(clips, bad)
    rows = tl.load_batch(paths, sr=None, n_jobs=2)
    assert len(rows) == N
    for i, (path, row) in enumerate(zip(paths, rows)):
        if i in bad_rows:
            assert isinstance(row, tl.TunelensError) and path.name in str(row), (i, row)
        else:
            y, sr = row
            assert sr == SR and y.shape == (400 + i % 50,), (i, y.shape)


def test_extract_features_keeps_every_row_in_order_with_one_percent_bad() -> None:
    rng = np.random.default_rng(0)
    base = [rng.uniform(-0.5, 0.5, size=200 + i).astype(np.float32) for i in range(50)]
    bad_rows = set(range(3, N, 100))
    inputs = {f"item{i}": (np.full(300, np.nan, np.float32) if i in bad_rows else base[i % 50]) for i in range(N)}
    df = tl.extract_features(inputs, feature_set=["zero_crossing_rate"], sr=SR, progress=False, n_jobs=2)
    assert list(df["filename"]) == list(inputs)
    assert len(df) == N
    failed = set(np.flatnonzero(df["error"].notna()))
    assert failed == bad_rows
    good = df.drop(index=sorted(bad_rows))
    assert (good["length"].to_numpy() == [200 + i % 50 for i in good.index]).all()


INTERRUPT_CHILD = textwrap.dedent(
    """
    import json, os, signal, sys, threading, time
    import numpy as np
    import tunelens as tl

    kind, path = sys.argv[1], sys.argv[2]
    def batch():
        if kind == "load_batch":
            tl.load_batch([path] * 400_000, sr=16000, n_jobs=2)
        else:
            tl.extract_features([path] * 20_000, feature_set=["rms", "mfcc"], progress=False, n_jobs=2)
    tl.load(path)  # warm up: the pool exists before the batch starts
    threading.Timer(1.0, lambda: (sent.append(time.perf_counter()), os.kill(os.getpid(), signal.SIGINT))).start()
    sent, t0 = [], time.perf_counter()
    try:
        batch()
        outcome = "finished"
    except KeyboardInterrupt:
        outcome = "interrupted"
    caught = time.perf_counter()
    time.sleep(0.2)  # let cancelled items drain, then measure idle CPU
    cpu0, w0 = time.process_time(), time.perf_counter()
    time.sleep(1.0)
    cpu = time.process_time() - cpu0
    print(json.dumps({"outcome": outcome, "latency": caught - sent[0] if sent else None,
                      "ran": caught - t0, "idle_cpu": cpu, "python_threads": threading.active_count()}))
    """
)


@pytest.mark.parametrize("kind", ["load_batch", "extract_features"])
def test_ctrl_c_stops_a_long_batch_promptly_and_no_work_continues(clips: list[Path], kind: str) -> None:
    out = subprocess.run([sys.executable, "-c", INTERRUPT_CHILD, kind, str(clips[0])],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["outcome"] == "interrupted", r
    assert r["latency"] < 2.0, r  # stops within ~one item, well under 2 s
    assert r["idle_cpu"] < 0.1, r  # nothing keeps computing after the interrupt
    assert r["python_threads"] == 1, r
