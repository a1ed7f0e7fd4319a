"""Mel filter-bank options, validated once for ``filters.mel`` and the mel spectrograms."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens._validate import positive_number
from tunelens.exceptions import InvalidParameterError


def mel_args(sr: Any, n_mels: Any = 128, fmin: Any = 0.0, fmax: Any = None, htk: Any = False, norm: Any = "slaney") -> dict:
    """Validated mel filter options, as the core's ``MelOptions`` dict."""
    if isinstance(n_mels, bool) or not isinstance(n_mels, (int, np.integer)) or n_mels < 0:
        raise InvalidParameterError(f"n_mels must be a non-negative integer, got {n_mels!r}")
    if isinstance(norm, str) and norm != "slaney":
        raise InvalidParameterError(f"unsupported norm={norm!r} (use 'slaney', None or a positive number)")
    if norm is not None and not isinstance(norm, str):
        norm = positive_number(norm, "norm") if np.isfinite(norm) else float(norm)
    return dict(
        sr=positive_number(sr, "sr"),
        n_mels=int(n_mels),
        fmin=float(fmin),
        fmax=None if fmax is None else float(fmax),
        htk=bool(htk),
        norm=norm,
    )
