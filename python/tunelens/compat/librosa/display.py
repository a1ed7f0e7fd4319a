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
    """``librosa.display.specshow``: :func:`tunelens.plot.specshow` for the axis types it draws.

    Parameters
    ----------
    data : np.ndarray [shape=(d, n)]
        The matrix to draw (a complex one is drawn as its magnitude, with
        librosa's warning).
    x_axis, y_axis : str or None
        Axis types; any type outside :data:`tunelens.plot.AXIS_TYPES` (or an
        option only those types use) sends the call to librosa.
    **kwargs
        As ``librosa.display.specshow`` (``sr``, ``hop_length``, ``ax``, ``cmap`` ...).

    Returns
    -------
    matplotlib.collections.QuadMesh
        The drawn mesh (colorbar-ready).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tunelens.compat.librosa as librosa
    >>> import tunelens.compat.librosa.display
    >>> S_db = librosa.amplitude_to_db(np.abs(librosa.stft(np.ones(4096), n_fft=512)), ref=np.max)
    >>> mesh = librosa.display.specshow(S_db, sr=22050, x_axis="time", y_axis="hz")
    >>> type(mesh).__name__
    'QuadMesh'
    """
    if {x_axis, y_axis} <= _plot.AXIS_TYPES and not _MUSIC_OPTIONS & set(kwargs):
        if _np.iscomplexobj(data):  # librosa's warning; tunelens.plot shows the magnitude silently
            _warnings.warn("Trying to display complex-valued input. Showing magnitude instead.", stacklevel=3)
        return _plot.specshow(data, x_axis=x_axis, y_axis=y_axis, **kwargs)
    return _fallback(__name__, "librosa.display", "specshow")(data, x_axis=x_axis, y_axis=y_axis, **kwargs)


_install(__name__, "librosa.display", {})
