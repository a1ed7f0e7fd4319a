"""rapidfuzz-exact fuzzy string scorers (``tunelens.fuzz``), implemented in Rust.

Every scorer is called as ``scorer(s1, s2, *, processor=None, score_cutoff=None)``
and returns a float in 0..100 equal to rapidfuzz 3.14's result. ``s1``/``s2`` are
strings or any sequences of hashables; None (or NaN) scores 0. They are plain
builtin functions (the cheapest per-pair call) and ``rapidfuzz.process`` accepts
them as scorers.
"""

from __future__ import annotations

from tunelens._core import (
    QRatio,
    WRatio,
    partial_ratio,
    partial_token_ratio,
    partial_token_set_ratio,
    partial_token_sort_ratio,
    ratio,
    token_ratio,
    token_set_ratio,
    token_sort_ratio,
)

__all__ = [
    "ratio",
    "partial_ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "token_ratio",
    "partial_token_sort_ratio",
    "partial_token_set_ratio",
    "partial_token_ratio",
    "WRatio",
    "QRatio",
]
