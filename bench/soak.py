"""Soak run: RSS growth over many calls of each main function (docs/reliability.md).

    python bench/soak.py [CALLS]     (default 10,000)

Uses the same calls as ``tests/test_resources.py::MAIN``; prints a markdown table.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_resources import MAIN, rss  # noqa: E402


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"| function | calls | RSS before (MiB) | growth (MiB) | growth per call (bytes) | seconds |")
    print("|---|---|---|---|---|---|")
    for name, call in MAIN.items():
        for _ in range(calls // 10):
            call()
        gc.collect()
        before, t0 = rss(), time.perf_counter()
        for _ in range(calls):
            call()
        gc.collect()
        grown = rss() - before
        print(f"| {name} | {calls} | {before / 2**20:.0f} | {grown / 2**20:+.2f} | {grown / calls:+.0f} | "
              f"{time.perf_counter() - t0:.1f} |", flush=True)


if __name__ == "__main__":
    main()
