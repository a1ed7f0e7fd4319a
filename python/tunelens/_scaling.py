"""Feature scaling for the Python code that needs the scaled rows themselves
(:class:`~tunelens.Recommender`, :class:`~tunelens.TasteProfile`, the Dask kNN graph).

The scaler is fitted by the Rust core (``_core.fit_scaler``, the code
:class:`~tunelens.NearestNeighbors` fits with), and :func:`apply` is the one
Python copy of the index's formula ``(x - offset) / scale * weights``, in
float64 and in the same order of operations, so rows scaled here and indexed
with ``scaler=None`` are the rows the index would have scaled itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens.exceptions import InvalidParameterError


def fit(X: np.ndarray, scaler: str | None) -> tuple[np.ndarray, np.ndarray]:
    """``(offset, scale)`` of ``scaler`` (``"standard"``, ``"robust"``, ``"minmax"`` or None) fitted on ``X``."""
    return _core.fit_scaler(X, scaler or "none")


def weights_of(weights: Any, n_features: int) -> np.ndarray:
    """The per-feature weights (ones when None), checked: finite, non-negative, one per feature."""
    w = np.ones(n_features) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n_features,) or not np.all(np.isfinite(w) & (w >= 0)):
        raise InvalidParameterError(f"invalid weights: need {n_features} finite non-negative values")
    return w


def apply(X: Any, offset: np.ndarray, scale: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """``X`` scaled (and weighted) as the neighbour index scales it, in float64."""
    Z = (np.asarray(X, dtype=np.float64) - offset) / scale
    return Z if weights is None else Z * weights
