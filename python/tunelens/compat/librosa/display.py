"""``librosa.display`` served by :mod:`tunelens.plot` (see :mod:`tunelens.compat.librosa`).

Axis types and options tunelens.plot does not draw (chroma, CQT, notes,
tempo, lag ...) are drawn by librosa itself, and so is every ``waveshow``:
librosa returns an ``AdaptiveWaveplot`` (``.envelope``, ``.steps``, switching
between them on zoom), which :func:`tunelens.plot.waveshow`'s static envelope
is not.
"""

import warnings as _warnings
from typing import Any as _Any

import numpy as _np

from tunelens import plot as _plot
from tunelens.compat._shim import fallback as _fallback, install as _install
from tunelens.compat.librosa._errors import librosa_errors as _librosa_errors

#: specshow options that only matter for axis types tunelens.plot leaves to librosa.
_MUSIC_OPTIONS = {"win_length", "tempo_min", "tempo_max", "tuning", "bins_per_octave", "key", "Sa", "mela", "thaat",
                  "unicode", "intervals", "unison"}


@_librosa_errors
def specshow(data: _np.ndarray, *, x_axis: str | None = None, y_axis: str | None = None, **kwargs: _Any) -> _Any:
    """``librosa.display.specshow``: :func:`tunelens.plot.specshow` for the axis types it draws."""
    if {x_axis, y_axis} <= _plot.AXIS_TYPES and not _MUSIC_OPTIONS & set(kwargs):
        if _np.iscomplexobj(data):  # librosa's warning; tunelens.plot shows the magnitude silently
            _warnings.warn("Trying to display complex-valued input. Showing magnitude instead.", stacklevel=3)
        return _plot.specshow(data, x_axis=x_axis, y_axis=y_axis, **kwargs)
    return _fallback(__name__, "librosa.display", "specshow")(data, x_axis=x_axis, y_axis=y_axis, **kwargs)


_install(__name__, "librosa.display", {})
