"""``librosa.display`` served by :mod:`tunelens.plot` (see :mod:`tunelens.compat.librosa`).

Axis types and options tunelens.plot does not draw (chroma, CQT, notes,
tempo, lag, stepped waveforms ...) are drawn by librosa itself.
"""

from typing import Any as _Any

import numpy as _np

from tunelens import plot as _plot
from tunelens.compat._shim import fallback as _fallback, install as _install
from tunelens.compat.librosa._errors import librosa_errors as _librosa_errors

#: specshow options that only matter for axis types tunelens.plot leaves to librosa.
_MUSIC_OPTIONS = {"win_length", "tempo_min", "tempo_max", "tuning", "bins_per_octave", "key", "Sa", "mela", "thaat",
                  "unicode", "intervals", "unison"}
#: waveshow options of librosa's adaptive step plot.
_STEP_OPTIONS = {"marker", "where", "transpose", "x_axis"}


@_librosa_errors
def specshow(data: _np.ndarray, *, x_axis: str | None = None, y_axis: str | None = None, **kwargs: _Any) -> _Any:
    """``librosa.display.specshow``: :func:`tunelens.plot.specshow` for the axis types it draws."""
    if {x_axis, y_axis} <= _plot.AXIS_TYPES and not _MUSIC_OPTIONS & set(kwargs):
        return _plot.specshow(data, x_axis=x_axis, y_axis=y_axis, **kwargs)
    return _fallback(__name__, "librosa.display", "specshow")(data, x_axis=x_axis, y_axis=y_axis, **kwargs)


@_librosa_errors
def waveshow(y: _np.ndarray, *, sr: float = 22050, max_points: int = 11025, axis: str | None = "time",
             offset: float = 0.0, ax: _Any = None, **kwargs: _Any) -> _Any:
    """``librosa.display.waveshow``: :func:`tunelens.plot.waveshow` unless step-plot options are given."""
    if axis in _plot.AXIS_TYPES and not _STEP_OPTIONS & set(kwargs):
        return _plot.waveshow(y, sr=sr, max_points=max_points, axis=axis, offset=offset, ax=ax, **kwargs)
    return _fallback(__name__, "librosa.display", "waveshow")(y, sr=sr, max_points=max_points, axis=axis,
                                                             offset=offset, ax=ax, **kwargs)


_install(__name__, "librosa.display", {})
