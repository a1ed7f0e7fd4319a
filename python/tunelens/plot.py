"""matplotlib helpers with ``librosa.display``'s axes (matplotlib is imported lazily).

:func:`specshow` places spectrogram cells at the coordinates librosa uses
(frame times, FFT bin or mel band frequencies), with the same axis scales
(symlog for ``mel``/``log``), tick locators and labels, so figures made with
tunelens line up with figures made with ``librosa.display``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from tunelens._validate import audio, positive_int, positive_number
from tunelens.convert import fft_frequencies, frames_to_time, mel_frequencies
from tunelens.exceptions import InvalidParameterError

__all__ = ["specshow", "waveshow", "AXIS_TYPES"]

#: Axis types and the label librosa gives them.
_LABELS = {"time": "Time", "s": "Time (seconds)", "ms": "Time (milliseconds)", "linear": "Hz", "hz": "Hz",
           "fft": "Hz", "log": "Hz", "mel": "Hz", "frames": "Frames", "off": "", "none": "", None: ""}
#: The ``x_axis``/``y_axis`` values tunelens.plot draws.
AXIS_TYPES = frozenset(_LABELS)
_TIME = ("time", "s", "ms")
_FFT = ("linear", "hz", "fft", "log")
#: librosa's symlog threshold on log-frequency axes: C2 in Hz.
_C2_HZ = 65.40639132514966
#: Axis pairs librosa draws with an equal aspect (self-similarity plots).
_SAME_KIND = [set(_TIME), set(("linear", "hz", "fft")), {"mel"}, {"log"}, {"frames"}]


def _coords(ax_type: str | None, coords: Any, n: int, sr: float, hop_length: int, n_fft: int | None,
            fmin: float | None, fmax: float | None, htk: bool) -> np.ndarray:
    """Cell coordinates along one axis, as librosa.display computes them."""
    if coords is not None:
        coords = np.asarray(coords)
        if len(coords) not in (n, n + 1):
            raise InvalidParameterError(f"Coordinate shape mismatch: {len(coords)}!={n} or {n}+1")
        return coords
    if ax_type in _TIME:
        return frames_to_time(np.arange(n), sr=sr, hop_length=hop_length)
    if ax_type in _FFT:
        return fft_frequencies(sr=sr, n_fft=2 * (n - 1) if n_fft is None else n_fft)
    if ax_type == "mel":
        return mel_frequencies(n, fmin=0.0 if fmin is None else fmin, fmax=0.5 * sr if fmax is None else fmax,
                               htk=htk)
    if ax_type in _LABELS:
        return np.arange(n)
    raise InvalidParameterError(f"Unknown axis type: {ax_type!r}; tunelens.plot supports {sorted(map(str, _LABELS))}")


@functools.lru_cache(maxsize=None)
def _time_formatter_class() -> type:
    from matplotlib import ticker

    class TimeFormatter(ticker.Formatter):
        """librosa's adaptive time tick labels (h:mm:ss, m:ss, seconds or milliseconds)."""

        def __init__(self, unit: str | None = None):
            self.unit = unit

        def __call__(self, x: float, pos: int | None = None) -> str:
            vmin, vmax = self.axis.get_view_interval()
            span = vmax - vmin
            if self.unit is None and span > 3600:
                return f"{int(x / 3600.0):d}:{int(np.mod(x / 60.0, 60)):02d}:{int(np.mod(x, 60)):02d}"
            if self.unit is None and span > 60:
                return f"{int(x / 60.0):d}:{int(np.mod(x, 60)):02d}"
            if self.unit == "s":
                return f"{x:.3g}"
            if self.unit == "ms":
                return f"{x * 1000:.3g}"
            return f"{x:.2g}" if span >= 1 else f"{x:.3f}"

    return TimeFormatter


def _decorate(axes: Any, axis: Any, which: str, ax_type: str | None) -> None:
    """Scale, locator, formatter and label of one axis, as librosa.display sets them."""
    from matplotlib import ticker

    set_scale = axes.set_xscale if which == "x" else axes.set_yscale
    if ax_type == "mel":
        set_scale("symlog", linthresh=1000.0, base=2)
    elif ax_type == "log":
        set_scale("symlog", base=2, linthresh=_C2_HZ, linscale=0.5)
    if ax_type in _TIME:
        axis.set_major_formatter(_time_formatter_class()(unit=None if ax_type == "time" else ax_type))
        axis.set_major_locator(ticker.MaxNLocator(prune=None, steps=[1, 1.5, 5, 6, 10]))
    elif ax_type in ("mel", "log"):
        axis.set_major_formatter(ticker.ScalarFormatter())
        axis.set_major_locator(ticker.SymmetricalLogLocator(axis.get_transform()))
    elif ax_type in ("linear", "hz", "fft"):
        axis.set_major_formatter(ticker.ScalarFormatter())
    elif ax_type in ("off", "none", None):
        axis.set_ticks([])
    axis.set_label_text(_LABELS[ax_type])


def _axes(ax: Any) -> Any:
    import matplotlib.axes
    import matplotlib.pyplot as plt

    if ax is None:
        return plt.gca()
    if not isinstance(ax, matplotlib.axes.Axes):
        raise InvalidParameterError(f"ax must be a matplotlib.axes.Axes, got {type(ax).__name__}")
    return ax


def specshow(
    data: np.ndarray,
    *,
    x_coords: np.ndarray | None = None,
    y_coords: np.ndarray | None = None,
    x_axis: str | None = None,
    y_axis: str | None = None,
    sr: float = 22050,
    hop_length: int = 512,
    n_fft: int | None = None,
    fmin: float | None = None,
    fmax: float | None = None,
    htk: bool = False,
    auto_aspect: bool = True,
    ax: Any = None,
    **kwargs: Any,
) -> Any:
    """Shows a spectrogram or feature matrix like ``librosa.display.specshow``.

    Parameters
    ----------
    data : np.ndarray [shape=(rows, frames)]
        Values to show (complex input shows its magnitude).
    x_coords, y_coords : np.ndarray or None
        Explicit cell coordinates (``n`` or ``n + 1`` values).
    x_axis, y_axis : {None, "time", "s", "ms", "frames", "linear", "hz", "fft", "log", "mel", "off"}
        What the axis shows; ``log`` and ``mel`` use librosa's symlog scales.
    sr : float
        Sample rate in Hz.
    hop_length : int
        Samples between frames (time axes).
    n_fft : int or None
        FFT size of frequency axes (default ``2 * (rows - 1)``).
    fmin, fmax : float or None
        Mel axis range (default 0 .. ``sr / 2``).
    htk : bool
        HTK mel formula.
    auto_aspect : bool
        Square the axes when both show the same kind of quantity over the same range.
    ax : matplotlib.axes.Axes or None
        Axes to draw on (default: the current axes).
    **kwargs
        Passed to ``Axes.pcolormesh`` (``cmap``, ``vmin``, ``vmax`` ...).

    Returns
    -------
    matplotlib.collections.QuadMesh

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> S_db = tl.amplitude_to_db(np.abs(tl.stft(np.random.default_rng(0).standard_normal(22050))), ref=np.max)
    >>> fig, ax = plt.subplots()
    >>> mesh = tl.plot.specshow(S_db, sr=22050, x_axis="time", y_axis="log", ax=ax)
    >>> _ = fig.colorbar(mesh, ax=ax, format="%+2.0f dB")
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    data = np.asarray(data)
    if np.iscomplexobj(data):
        data = np.abs(data)
    if data.ndim != 2:
        raise InvalidParameterError(f"data must be 2-D (rows, frames), got shape {data.shape}")
    sr = positive_number(sr, "sr")
    hop_length = positive_int(hop_length, "hop_length")
    finite = data[np.isfinite(data)]
    diverging = finite.size and finite.min() < 0 < finite.max()
    kwargs.setdefault("cmap", "coolwarm" if diverging else "magma")
    kwargs.setdefault("rasterized", True)
    kwargs.setdefault("edgecolors", "None")
    kwargs.setdefault("shading", "auto")
    ys = _coords(y_axis, y_coords, data.shape[0], sr, hop_length, n_fft, fmin, fmax, htk)
    xs = _coords(x_axis, x_coords, data.shape[1], sr, hop_length, n_fft, fmin, fmax, htk)
    axes = _axes(ax)
    mesh = axes.pcolormesh(xs, ys, data, **kwargs)
    if ax is None:
        plt.sci(mesh)
    _decorate(axes, axes.xaxis, "x", x_axis)
    _decorate(axes, axes.yaxis, "y", y_axis)
    same_kind = any({x_axis, y_axis} <= kind for kind in _SAME_KIND)
    if auto_aspect and same_kind and axes.get_xlim() == axes.get_ylim():
        axes.set_aspect("equal")
    return mesh


def waveshow(y: np.ndarray, *, sr: float = 22050, max_points: int = 11025, axis: str | None = "time",
             offset: float = 0.0, ax: Any = None, **kwargs: Any) -> Any:
    """Draws a waveform envelope like ``librosa.display.waveshow`` (static: no zoom callback).

    The signal is cut into blocks of ``len(y) // max_points`` samples and the
    band between minus and plus each block's peak amplitude is filled. librosa
    also adds a (hidden until zoomed in) step line of the first channel's first
    ``max_points`` samples; tunelens does not, so for multichannel input whose
    first channel dips below the last channel's envelope the y-limits differ.

    Parameters
    ----------
    y : np.ndarray [shape=(n,) or (channels, n)]
        Audio; for multichannel input the top follows the first channel and the
        bottom the last, as in librosa.
    sr : float
        Sample rate in Hz.
    max_points : int
        Envelope points at most.
    axis : {"time", "s", "ms", None}
        Time axis decoration.
    offset : float
        Start time in seconds.
    ax : matplotlib.axes.Axes or None
        Axes to draw on.
    **kwargs
        Passed to ``Axes.fill_between`` (``color``, ``alpha``, ``label`` ...).

    Returns
    -------
    matplotlib.collections.PolyCollection

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> y = tl.datasets.synth_clip(duration=2.0)
    >>> fig, ax = plt.subplots()
    >>> envelope = tl.plot.waveshow(y, sr=22050, ax=ax)
    >>> isinstance(envelope, matplotlib.collections.PolyCollection)
    True
    >>> plt.close(fig)
    """
    y = audio(y)
    y = y[np.newaxis, :] if y.ndim == 1 else y.reshape(-1, y.shape[-1])
    max_points = positive_int(max_points, "max_points")
    sr = positive_number(sr, "sr")
    hop = max(1, y.shape[-1] // max_points)
    blocks = y.shape[-1] // hop
    envelope = np.abs(y[:, : blocks * hop].reshape(y.shape[0], blocks, hop)).max(axis=-1)
    times = offset + np.arange(blocks) * hop / sr
    axes = _axes(ax)
    kwargs.setdefault("step", "post")
    filled = axes.fill_between(times, -envelope[-1], envelope[0], **kwargs)
    _decorate(axes, axes.xaxis, "x", axis)
    return filled
