"""tunelens vs librosa: peak memory and time of ``load`` on a long mp3.

Run: ``python bench/bench_load_memory.py`` (``--minutes 10`` for a shorter file,
``--quick`` for a 3-minute smoke run).

The input is a stereo 44.1 kHz, 128 kb/s mp3 of ``--minutes`` minutes (default
120: the issue's 2-hour file), encoded once with ffmpeg (libmp3lame) from pink
noise on the left and a 330 Hz tone on the right, and kept in a cache
directory (``$TUNELENS_BENCH_CACHE``, default ``~/.cache/tunelens-bench``).

Each load runs in a fresh child process (one per library and setting, so
neither library's allocations or imports colour the other's numbers). The
child imports the library, loads a 1-second file to warm it up, then reports
its peak resident set (``VmHWM`` from ``/proc/self/status``) before and after
the long load. ``growth`` is the peak's rise during the load, ``output`` the
returned array's bytes, ``ratio`` = growth / output (the issue's bound is
1.5x plus a constant), ``time`` the load's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE = Path(os.environ.get("TUNELENS_BENCH_CACHE", Path.home() / ".cache" / "tunelens-bench"))

CHILD = r"""
import json, sys, time
import numpy as np

def peak():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM"))

library, path, warm, sr, mono = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"
sr = None if sr == "none" else int(sr)
if library == "tunelens":
    import tunelens as tl
    load = tl.load
else:
    import librosa
    load = librosa.load
load(warm, sr=sr, mono=mono)
before = peak()
start = time.perf_counter()
y, rate = load(path, sr=sr, mono=mono)
elapsed = time.perf_counter() - start
print(json.dumps(dict(before=before, after=peak(), seconds=elapsed, output=y.nbytes, shape=list(y.shape))))
"""


def encode(path: Path, seconds: float, ffmpeg: str) -> None:
    """Writes a stereo 44.1 kHz 128 kb/s mp3 of `seconds` (pink noise | 330 Hz tone)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.mp3")
    sources = [
        f"anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:seed=1:duration={seconds}",
        f"sine=frequency=330:sample_rate=44100:duration={seconds}",
    ]
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", sources[0], "-f", "lavfi", "-i",
         sources[1], "-filter_complex", "[0][1]amerge=inputs=2", "-c:a", "libmp3lame", "-b:a", "128k", str(partial)],
        check=True,
    )
    partial.rename(path)


def measure(library: str, path: Path, warm: Path, sr: int | None, mono: bool) -> dict:
    args = [sys.executable, "-c", CHILD, library, str(path), str(warm), "none" if sr is None else str(sr), str(int(mono))]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{library} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=120.0, help="length of the mp3 (default 120)")
    parser.add_argument("--quick", action="store_true", help="a 3-minute file, tunelens and librosa once each")
    parser.add_argument("--no-librosa", action="store_true", help="measure tunelens only")
    args = parser.parse_args()
    minutes = 3.0 if args.quick else args.minutes
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        sys.exit("bench_load_memory needs ffmpeg (Debian: apt-get install ffmpeg)")
    path = CACHE / f"noise_tone_{minutes:g}min_44k_stereo_128k.mp3"
    if not path.exists():
        print(f"encoding {path} ({minutes:g} min) ...", flush=True)
        encode(path, minutes * 60, ffmpeg)
    settings = [(22050, True), (22050, False), (None, True)]
    if args.quick:
        settings = settings[:1]
    libraries = ["tunelens"] if args.no_librosa else ["tunelens", "librosa"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp, "warm.mp3")
        encode(warm, 1.0, ffmpeg)
        for sr, mono in settings:
            for library in libraries:
                r = measure(library, path, warm, sr, mono)
                growth = r["after"] - r["before"]
                row = dict(library=library, sr=sr, mono=mono, output_mib=r["output"] / 2**20,
                           peak_mib=r["after"] / 2**20, growth_mib=growth / 2**20,
                           ratio=growth / r["output"], seconds=r["seconds"])
                rows.append(row)
                print(f"  {library} sr={sr} mono={mono}: output {row['output_mib']:.0f} MiB, "
                      f"peak {row['peak_mib']:.0f} MiB (growth {row['growth_mib']:.0f} MiB, "
                      f"{row['ratio']:.2f}x the output), {row['seconds']:.1f} s", flush=True)
    print()
    print(f"### load of a {minutes:g}-minute 44.1 kHz stereo mp3 ({os.cpu_count()} cores)")
    print()
    print("| library | sr | mono | output (MiB) | peak RSS (MiB) | growth (MiB) | growth / output | time (s) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['library']} | {r['sr']} | {r['mono']} | {r['output_mib']:.0f} | {r['peak_mib']:.0f} | "
              f"{r['growth_mib']:.0f} | {r['ratio']:.2f}x | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
