"""Framing and STFT arguments, one rule for every spectral function.

:func:`stft_args` validates ``n_fft``, ``hop_length``, ``win_length``, the
window and the pad mode like ``librosa.stft`` and returns the core's keywords;
:func:`prepare` applies librosa's short-signal warning and the pad modes only
numpy implements; :func:`bins_first` gives the core's time-major output
librosa's ``(..., bins, frames)`` shape.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from tunelens import _core
from tunelens._validate import affordable, positive_int
from tunelens.exceptions import InvalidParameterError
from tunelens.filters import WindowSpec, get_window

#: Pad modes the core implements; other ``np.pad`` modes are applied in numpy.
CORE_PAD_MODES = _core.OPTION_NAMES["dsp.PadMode"]
#: Modes librosa refuses for centered analysis.
REJECTED_PAD_MODES = ("wrap", "maximum", "mean", "median", "minimum")


def stft_args(n_fft: Any, hop_length: Any, win_length: Any, window: WindowSpec, center: bool, pad_mode: Any) -> dict:
    """Validates framing arguments like ``librosa.stft``; returns the core's keywords."""
    n_fft = positive_int(n_fft, "n_fft")
    affordable(48.0 * n_fft, "n_fft", n_fft)  # window, padded frame, spectrum and FFT scratch
    win_length = n_fft if win_length is None else positive_int(win_length, "win_length")
    if win_length > n_fft:
        raise InvalidParameterError(f"win_length={win_length} must be at most n_fft={n_fft}")
    if hop_length is None and win_length < 4:
        raise InvalidParameterError(f"hop_length defaults to win_length // 4 = 0 for win_length={win_length}; pass one")
    hop_length = win_length // 4 if hop_length is None else positive_int(hop_length, "hop_length")
    win = np.ascontiguousarray(get_window(window, win_length, fftbins=True), dtype=np.float64)
    if win.shape != (win_length,):
        raise InvalidParameterError(f"window has shape {win.shape}, expected ({win_length},)")
    if center and pad_mode in REJECTED_PAD_MODES:
        raise InvalidParameterError(f"pad_mode='{pad_mode}' is not supported by stft")
    return dict(n_fft=n_fft, hop_length=hop_length, window=win, center=bool(center),
                pad_mode=pad_mode if center else "constant")


def prepare(y: np.ndarray, args: dict) -> tuple[np.ndarray, dict]:
    """Warns about short signals like librosa; applies numpy-only pad modes."""
    n_fft = args["n_fft"]
    if args["center"]:
        if n_fft > y.shape[-1]:
            warnings.warn(f"n_fft={n_fft} is too large for input signal of length={y.shape[-1]}", stacklevel=3)
        if args["pad_mode"] not in CORE_PAD_MODES:
            # Rare modes (linear_ramp, empty, callables): pad in numpy, analyse uncentered.
            widths = [(0, 0)] * (y.ndim - 1) + [(n_fft // 2, n_fft // 2)]
            try:
                y = np.pad(y, widths, mode=args["pad_mode"])
            except (ValueError, TypeError) as e:
                raise InvalidParameterError(f"pad_mode={args['pad_mode']!r}: {e}") from e
            args = dict(args, center=False, pad_mode="constant")
    return y, args


def bins_first(frames_major: np.ndarray) -> np.ndarray:
    """``(..., frames, bins)`` -> ``(..., bins, frames)`` view."""
    return np.swapaxes(frames_major, -1, -2)
