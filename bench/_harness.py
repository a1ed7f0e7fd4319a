"""Shared benchmark harness: best-of-N timing and a markdown results table.

Every bench script runs the reference library and tunelens side by side in one
process on the same inputs and reports ``speed-up = reference time / tunelens time``.
"""

from __future__ import annotations

import os
import platform
import timeit
from typing import Callable

import numpy as np


def best_ms(fn: Callable[[], object], repeat: int = 7, number: int = 1) -> float:
    """Best wall time of ``fn`` in milliseconds over ``repeat`` runs (after one warm-up)."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


class Table:
    """Collects (operation, reference ms, tunelens ms) rows and prints them as markdown."""

    def __init__(self, title: str, reference: str) -> None:
        self.title = title
        self.reference = reference
        self.rows: list[tuple[str, float, float]] = []

    def add(self, name: str, reference_ms: float, tunelens_ms: float) -> None:
        self.rows.append((name, reference_ms, tunelens_ms))
        print(f"  {name}: {self.reference} {reference_ms:.2f} ms, tunelens {tunelens_ms:.2f} ms, "
              f"speed-up {reference_ms / tunelens_ms:.2f}x", flush=True)

    def markdown(self) -> str:
        lines = [
            f"### {self.title}",
            f"({os.cpu_count()} cores, {platform.processor() or platform.machine()}, numpy {np.__version__})",
            "",
            f"| operation | {self.reference} (ms) | tunelens (ms) | speed-up |",
            "|---|---:|---:|---:|",
        ]
        lines += [f"| {n} | {r:.2f} | {t:.2f} | {r / t:.2f}x |" for n, r, t in self.rows]
        return "\n".join(lines)
