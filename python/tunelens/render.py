"""Spectrogram and waveform images rendered in Rust (no matplotlib needed).

Images follow ``matplotlib.pyplot.imsave(..., origin="lower")``: one pixel per
spectrogram cell, low frequencies at the bottom, values normalised to their
minimum and maximum and mapped through the same 256-entry colormap tables, so
pixels are identical to matplotlib's.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tunelens import _core
from tunelens._validate import audio, output_path, positive_int, positive_number, real_array, writing
from tunelens.exceptions import InvalidParameterError
from tunelens.spectral import melspectrogram, power_to_db

__all__ = ["spectrogram_png", "spectrogram_pngs", "spectrogram_image", "waveform_png"]

_CMAPS = _core.OPTION_NAMES["render.Colormap"]


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


#: A 2-D input with at most this many rows and at least ``_AUDIO_COLUMNS`` columns is
#: channels-first audio (mono or stereo), not a spectrogram.
_AUDIO_ROWS, _AUDIO_COLUMNS = 2, 4096


def _image_values(S_or_y: Any, sr: float, db: bool, n_mels: int, n_fft: int, hop_length: int) -> np.ndarray:
    """The 2-D array an image shows: a (dB) mel spectrogram of audio, or the given spectrogram."""
    arr = np.asarray(S_or_y)
    if arr.ndim == 2 and arr.shape[0] <= _AUDIO_ROWS and arr.shape[1] >= _AUDIO_COLUMNS:
        arr = arr.mean(axis=0, dtype=arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64)
    if arr.ndim == 1:
        n_mels = positive_int(n_mels, "n_mels")  # an image needs at least one row
        S = melspectrogram(y=audio(arr), sr=positive_number(sr, "sr"), n_mels=n_mels, n_fft=n_fft, hop_length=hop_length)
    elif arr.ndim == 2:
        S = real_array(arr, "S")
    else:
        raise InvalidParameterError(f"S_or_y must be mono audio (1-D) or a spectrogram (2-D), got shape {arr.shape}")
    if S.size == 0:
        raise InvalidParameterError(f"S_or_y: nothing to draw, the spectrogram is empty (shape {S.shape})")
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
        Audio (its mel power spectrogram is shown) or a 2-D power
        spectrogram ``(bins, frames)``. Audio is mono ``(n,)`` or
        channels-first ``(1, n)`` / ``(2, n)`` as :func:`tunelens.load`
        returns it with ``mono=False``; stereo is mixed to mono (the mean of
        the channels, as ``load`` mixes). A 2-D array of one or two rows and
        at least 4096 columns is taken for audio.
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
    InvalidTypeError
        ``path`` is not a str or PathLike.
    OutputWriteError
        The file cannot be written (missing or unwritable folder, a folder
        in the way); the message says "cannot write" and names it.

    Examples
    --------
    >>> y = tl.datasets.synth_clip(duration=2.0)
    >>> tl.render.spectrogram_png(y, "clip.png", sr=22050, size=(128, 64))
    >>> from pathlib import Path
    >>> Path("clip.png").read_bytes()[1:4]
    b'PNG'
    """
    target = output_path(path)
    values = _image_values(S_or_y, sr, db, n_mels, n_fft, hop_length)
    _core.render_png(values, target, cmap=_cmap(cmap), size=_size(size))


def _audio_files(inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[Path]:
    """A folder (searched recursively for audio files, sorted) or a list of files."""
    from tunelens.extract import audio_files_in

    if isinstance(inputs, (str, os.PathLike)):
        root = Path(inputs)
        if not root.is_dir():
            raise InvalidParameterError(f"inputs must be a folder or a list of files; {str(root)!r} is not a folder")
        return audio_files_in(root)
    return [Path(p) for p in inputs]


def spectrogram_pngs(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    sr: int = 22050,
    duration: float | None = None,
    db: bool = True,
    cmap: str = "magma",
    size: tuple[int, int] | None = None,
    n_mels: int = 128,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_jobs: int = -1,
) -> Any:
    """Renders many audio files to spectrogram PNGs in parallel (decoding included).

    Each file gets exactly the image :func:`spectrogram_png` draws for
    ``tunelens.load(path, sr=sr, duration=duration)``. Files are spread over
    ``n_jobs`` threads with the GIL released; a file that fails (missing,
    undecodable, unwritable output) gets its error in the result and the
    others go on.

    Parameters
    ----------
    inputs : folder or list of paths
        A folder is searched recursively for audio files
        (``tunelens.extract.AUDIO_EXTENSIONS``), sorted by path.
    out_dir : str or PathLike
        Created if missing (with its parents); ``<stem>.png`` per input
        (names must be unique). PNGs already there are overwritten; a file
        (not a folder) at ``out_dir`` is an :class:`~tunelens.OutputExistsError`.
    sr : int
        Sample rate the audio is loaded at, in Hz.
    duration : float or None
        Seconds to read from each file (``None``: all).
    db, cmap, size, n_mels, n_fft, hop_length
        As :func:`spectrogram_png`.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    pandas.DataFrame
        ``path, png, error``: one row per input in order; ``error`` is ``None``
        or the message of the error that file raised (an unwritable PNG:
        ``OutputWriteError: cannot write: ...: '<png>'``).

    Raises
    ------
    OutputExistsError
        ``out_dir`` is an existing file (a ``FileExistsError``).
    OutputWriteError
        ``out_dir`` cannot be created (no permission, a file among its parents).
    InvalidParameterError, InvalidTypeError
        Bad inputs or options.

    Examples
    --------
    >>> _ = tl.datasets.write_library("music", n_songs=2, duration=1.0)
    >>> table = tl.render.spectrogram_pngs("music", "images", size=(64, 64))
    >>> len(table)
    2
    """
    import pandas as pd

    files = _audio_files(inputs)
    out = Path(output_path(out_dir, "out_dir"))
    pngs = [out / f"{p.stem}.png" for p in files]
    if len(set(pngs)) != len(pngs):
        raise InvalidParameterError("inputs have repeated file names (stems); their PNGs would overwrite each other")
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    results = _core.render_spectrogram_files(
        [str(p) for p in files], [str(p) for p in pngs], sr=positive_int(sr, "sr"),
        duration=None if duration is None else positive_number(duration, "duration"),
        n_fft=positive_int(n_fft, "n_fft"), hop_length=positive_int(hop_length, "hop_length"),
        n_mels=positive_int(n_mels, "n_mels"), db=bool(db), cmap=_cmap(cmap), size=_size(size), n_jobs=n_jobs)
    return pd.DataFrame({"path": [str(p) for p in files], "png": [str(p) for p in pngs],
                         "error": [None if r is None else f"{type(r).__name__}: {r}" for r in results]})


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

    Examples
    --------
    >>> y = tl.datasets.synth_clip(duration=2.0)
    >>> image = tl.render.spectrogram_image(y, sr=22050, size=(32, 48))
    >>> image.shape, image.dtype  # size is (width, height)
    ((48, 32), dtype('uint8'))
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

    Examples
    --------
    >>> y = tl.datasets.synth_clip(duration=2.0)
    >>> tl.render.waveform_png(y, "wave.png", size=(400, 100))
    >>> from pathlib import Path
    >>> Path("wave.png").stat().st_size > 0
    True
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
    _core.waveform_png(y, output_path(path), size=_size(size), color=rgb, scale=positive_number(scale, "scale"))
