"""librosa's ``res_type`` names and the libraries behind those tunelens does not run itself.

The soxr family (``soxr_vhq`` … ``soxr_qq``) runs in the Rust core on libsoxr,
exactly as python-soxr runs it. The others are computed by the same library
calls librosa makes, so their results are librosa's:

- ``fft``/``scipy``: ``scipy.signal.resample(y, n_samples, axis)``;
- ``polyphase``: ``scipy.signal.resample_poly(y, target // gcd, orig // gcd, axis)``
  (whole-number rates only, as librosa);
- ``linear``, ``zero_order_hold``, ``sinc_*``: ``samplerate.resample`` lane by lane;
- ``kaiser_best``/``kaiser_fast``: ``resampy.resample``.
"""

from __future__ import annotations

import importlib
import math
from typing import Any

import numpy as np

from tunelens import _core
from tunelens.exceptions import InvalidParameterError, MissingDependencyError

SOXR = _core.OPTION_NAMES["audio.Quality"]
SCIPY = ("fft", "scipy", "polyphase")
SAMPLERATE = ("linear", "zero_order_hold", "sinc_best", "sinc_fastest", "sinc_medium")
RESAMPY = ("kaiser_best", "kaiser_fast")
#: Every ``res_type`` librosa 0.11 documents.
NAMES = SOXR + SCIPY + SAMPLERATE + RESAMPY


def check(res_type: Any) -> str:
    """``res_type`` if librosa documents it, else a typed error listing the names."""
    if not isinstance(res_type, str) or res_type not in NAMES:
        raise InvalidParameterError(f"res_type={res_type!r} is not a resampler; use one of {', '.join(NAMES)}")
    return res_type


def _package(name: str, res_type: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        raise MissingDependencyError(f"res_type={res_type!r} needs the {name} package (pip install {name})",
                                     name=name) from None


def by_library(y: np.ndarray, orig_sr: float, target_sr: float, res_type: str, n_samples: int) -> np.ndarray:
    """Resamples ``y`` along its last axis with the library librosa uses for ``res_type`` (not soxr).

    Returns the library's own length; the caller fixes it.
    """
    if res_type in ("fft", "scipy"):
        return _package("scipy.signal", res_type).resample(y, n_samples, axis=-1)
    if res_type == "polyphase":
        if int(orig_sr) != orig_sr or int(target_sr) != target_sr:
            raise InvalidParameterError(
                "res_type='polyphase' needs whole-number orig_sr and target_sr, "
                f"got {orig_sr!r} and {target_sr!r}")
        gcd = math.gcd(int(orig_sr), int(target_sr))
        return _package("scipy.signal", res_type).resample_poly(
            y, int(target_sr) // gcd, int(orig_sr) // gcd, axis=-1)
    if res_type in SAMPLERATE:
        samplerate = _package("samplerate", res_type)
        return np.apply_along_axis(samplerate.resample, -1, y, ratio=float(target_sr) / orig_sr,
                                   converter_type=res_type)
    return _package("resampy", res_type).resample(y, orig_sr, target_sr, filter=res_type, axis=-1)


def fix_length(y: np.ndarray, n: int) -> np.ndarray:
    """``y`` cut or zero-padded to ``n`` samples on its last axis (``librosa.util.fix_length``)."""
    if y.shape[-1] >= n:
        return y[..., :n]
    return np.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, n - y.shape[-1])])
