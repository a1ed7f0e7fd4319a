"""Spectrogram and waveform images rendered in Rust (no matplotlib needed).

Images follow ``matplotlib.pyplot.imsave(..., origin="lower")``: one pixel per
spectrogram cell, low frequencies at the bottom, values normalised to their
minimum and maximum and mapped through the same 256-entry colormap tables, so
pixels are identical to matplotlib's.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from tunelens import _core
from tunelens._validate import audio, positive_int, positive_number, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.spectral import melspectrogram, power_to_db

__all__ = ["spectrogram_png", "spectrogram_image", "waveform_png"]

_CMAPS = ("magma", "viridis", "gray")


def _size(size: Any) -> tuple[int, int] | None:
    if size is None:
        return None
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise InvalidParameterError(f"size must be (width, height) in pixels, got {size!r}")
    return positive_int(size[0], "size[0] (width)"), positive_int(size[1], "size[1] (height)")


def _cmap(cmap: str) -> str:
    if cmap not in _CMAPS:
        raise InvalidParameterError(f"cmap must be one of {', '.join(_CMAPS)}, got {cmap!r}")
    return cmap


def _image_values(S_or_y: Any, sr: float, db: bool, n_mels: int, n_fft: int, hop_length: int) -> np.ndarray:
    """The 2-D array an image shows: a (dB) mel spectrogram of audio, or the given spectrogram."""
    arr = np.asarray(S_or_y)
    if arr.ndim == 1:
        S = melspectrogram(y=audio(arr), sr=positive_number(sr, "sr"), n_mels=n_mels, n_fft=n_fft, hop_length=hop_length)
    elif arr.ndim == 2:
        S = real_array(arr, "S")
    else:
        raise InvalidParameterError(f"S_or_y must be mono audio (1-D) or a spectrogram (2-D), got shape {arr.shape}")
    return power_to_db(S, ref=np.max) if db else S


def spectrogram_png(
    S_or_y: np.ndarray,
    path: str | os.PathLike[str],
    *,
    sr: float = 22050,
    db: bool = True,
    cmap: str = "magma",
    size: tuple[int, int] | None = None,
    n_mels: int = 128,
    n_fft: int = 2048,
    hop_length: int = 512,
) -> None:
    """Writes a spectrogram image as an RGB PNG.

    Parameters
    ----------
    S_or_y : np.ndarray
        Mono audio (1-D; its mel power spectrogram is shown) or a 2-D power
        spectrogram ``(bins, frames)``.
    path : str or PathLike
        Output file.
    sr : float
        Sample rate of audio input, in Hz.
    db : bool
        Show ``power_to_db(S, ref=np.max)`` (80 dB range) instead of raw values.
    cmap : {"magma", "viridis", "gray"}
        matplotlib colormap.
    size : (width, height) or None
        Resize by area averaging; ``None`` keeps one pixel per cell.
    n_mels, n_fft, hop_length : int
        Mel spectrogram parameters for audio input.

    Raises
    ------
    InvalidParameterError
        Bad shapes or options.
    AudioReadError
        The file cannot be written.
    """
    values = _image_values(S_or_y, sr, db, n_mels, n_fft, hop_length)
    _core.render_png(values, os.fspath(path), cmap=_cmap(cmap), size=_size(size))


def spectrogram_image(
    S_or_y: np.ndarray,
    *,
    sr: float = 22050,
    size: tuple[int, int] | None = (64, 64),
    db: bool = True,
    cmap: str = "magma",
    n_mels: int = 128,
    n_fft: int = 2048,
    hop_length: int = 512,
) -> np.ndarray:
    """A spectrogram as a small grayscale image array, without a PNG round trip.

    Equivalent to writing :func:`spectrogram_png` and reading it back with
    ``PIL.Image.open(path).convert("L").resize(size, Image.BOX)``: the colormap
    image is converted to luma as PIL does, then area-averaged to ``size``.

    Parameters
    ----------
    S_or_y : np.ndarray
        Mono audio (1-D) or a 2-D power spectrogram.
    sr : float
        Sample rate of audio input, in Hz.
    size : (width, height) or None
        Output size in pixels (``None``: one pixel per cell).
    db, cmap, n_mels, n_fft, hop_length
        As :func:`spectrogram_png`.

    Returns
    -------
    np.ndarray [shape=(height, width)], uint8
        Grayscale pixels, top row = highest frequencies.
    """
    values = _image_values(S_or_y, sr, db, n_mels, n_fft, hop_length)
    return _core.render_gray(values, cmap=_cmap(cmap), size=_size(size))


def waveform_png(
    y: np.ndarray,
    path: str | os.PathLike[str],
    *,
    size: tuple[int, int] = (800, 200),
    color: tuple[int, int, int] = (31, 119, 180),
    scale: float | None = None,
) -> None:
    """Writes a waveform image (min/max envelope per pixel column) as an RGB PNG.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono audio.
    path : str or PathLike
        Output file.
    size : (width, height)
        Image size in pixels.
    color : (r, g, b)
        Line colour (matplotlib's default blue by default), on white.
    scale : float or None
        Amplitude at the top and bottom edges; ``None`` uses ``max |y|``.
    """
    y = audio(y)
    if y.ndim != 1:
        raise InvalidParameterError(f"y must be mono (1-D), got shape {y.shape}")
    if scale is None:
        peak = float(np.nanmax(np.abs(y))) if y.size else 0.0
        scale = peak if peak > 0 else 1.0
    rgb = tuple(int(c) for c in color)
    if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
        raise InvalidParameterError(f"color must be three integers in 0..255, got {color!r}")
    _core.waveform_png(y, os.fspath(path), size=_size(size), color=rgb, scale=positive_number(scale, "scale"))
