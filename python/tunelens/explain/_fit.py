"""One label's surrogate fit, as the Rust ``lime_surrogate`` returns it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    features: list[int]
    coef: list[float]
    intercept: float
    score: float
    local_pred: float
