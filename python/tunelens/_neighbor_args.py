"""Neighbour-search options, checked once for :class:`tunelens.NearestNeighbors` and the Dask kNN graph."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens.exceptions import InvalidParameterError

METRICS = _core.OPTION_NAMES["neighbors.Metric"]
SCALERS = (*_core.OPTION_NAMES["neighbors.ScalerKind"], None)  # None: no scaling, as "none"
ALGORITHMS = _core.OPTION_NAMES["neighbors.Algorithm"]


def check_options(metric: Any, scaler: Any, algorithm: Any = "auto") -> None:
    """Refuses a metric, scaler or algorithm the index does not know."""
    if metric not in METRICS:
        raise InvalidParameterError(f"invalid metric: {metric!r}; expected one of {METRICS}")
    if scaler not in SCALERS:
        raise InvalidParameterError(f"invalid scaler: {scaler!r}; expected one of {SCALERS}")
    if algorithm not in ALGORITHMS:
        raise InvalidParameterError(f"invalid algorithm: {algorithm!r}; expected one of {ALGORITHMS}")


def positive_int(value: Any, name: str) -> int:
    """``value`` as a positive ``int`` (bools refused), scikit-learn's message style."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidParameterError(f"invalid {name}: must be a positive integer, got {value!r}")
    return int(value)
