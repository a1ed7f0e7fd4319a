"""Benchmark the cost of ``import tunelens`` against ``import numpy`` and ``import librosa``.

Each import runs in a fresh interpreter (``python -c``), timed inside the child
around the ``import`` statement alone (interpreter start-up excluded), in
rotation so that a burst of load on the machine hits every library alike; the
median of ``--runs`` imports is reported. numpy is the floor: every library
here imports it. librosa loads its submodules lazily too (``lazy_loader``).

Run: ``python bench/bench_import.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys

#: Each child prints the seconds its import took.
_CHILD = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"

MODULES = ("numpy", "librosa", "tunelens")


def import_seconds(module: str) -> float:
    """Seconds ``import module`` takes in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _CHILD.format(module=module)], check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh imports per library (default 15)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {m: [] for m in MODULES}
    for _ in range(args.runs):
        for module in MODULES:
            times[module].append(import_seconds(module))
    median = {m: statistics.median(t) * 1e3 for m, t in times.items()}
    load = os.getloadavg()[0]
    print(f"### import time (median of {args.runs} fresh interpreters)")
    print(f"({os.cpu_count()} cores, {platform.processor() or platform.machine()}, load average {load:.1f})")
    print()
    print("| reference | reference (ms) | tunelens (ms) | tunelens / reference |")
    print("|---|---:|---:|---:|")
    for reference in ("numpy", "librosa"):
        print(f"| import {reference} | {median[reference]:.0f} | {median['tunelens']:.0f} | "
              f"{median['tunelens'] / median[reference]:.2f}x |")


if __name__ == "__main__":
    main()
