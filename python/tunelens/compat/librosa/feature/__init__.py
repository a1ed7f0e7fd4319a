"""``librosa.feature`` served by tunelens (see :mod:`tunelens.compat.librosa`)."""

from typing import Any as _Any

import numpy as _np

import tunelens as _tl
from tunelens.compat._shim import fallback as _fallback, install as _install
from tunelens.compat.librosa._dispatch import native_unless as _native_unless
from tunelens.compat.librosa._errors import librosa_errors as _librosa_errors, wrap_all as _wrap_all
from tunelens.compat.librosa.feature import rhythm  # before install(): its __getattr__ would shadow it

_NATIVE = {name: f for name, f in vars(_tl.feature).items()
           if name in _tl.feature.__all__ and callable(f) and name != "zero_crossing_rate"}


@_librosa_errors
def zero_crossing_rate(y: _np.ndarray, *, frame_length: int = 2048, hop_length: int = 512, center: bool = True,
                       **kwargs: _Any) -> _np.ndarray:
    """``librosa.feature.zero_crossing_rate``; ``zero_crossings`` options other than ``threshold`` go to librosa.

    Parameters
    ----------
    y, frame_length, hop_length, center
        As :func:`tunelens.feature.zero_crossing_rate`.
    **kwargs
        ``librosa.zero_crossings`` options: ``threshold`` is served by
        tunelens, any other (``ref_magnitude``, ``pad``, ``zero_pos`` ...)
        sends the call to librosa's function.

    Returns
    -------
    np.ndarray [shape=(..., 1, t)]
        Fraction of zero crossings per frame.

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050)
    >>> librosa.feature.zero_crossing_rate(y, threshold=0.0).shape
    (1, 44)
    """
    if set(kwargs) - {"threshold"}:
        return _fallback(__name__, "librosa.feature", "zero_crossing_rate")(
            y, frame_length=frame_length, hop_length=hop_length, center=center, **kwargs)
    return _tl.feature.zero_crossing_rate(y, frame_length=frame_length, hop_length=hop_length, center=center,
                                               **kwargs)


def _time_varying_freq(*args: _Any, freq: _Any = None, **kwargs: _Any) -> bool:
    """A ``freq`` matrix (per-frame bin frequencies, as from ``reassigned_spectrogram``): librosa's."""
    return freq is not None and _np.ndim(freq) != 1


_install(__name__, "librosa.feature", {
    **_wrap_all({"melspectrogram": _tl.melspectrogram, **_NATIVE}),
    **{name: _native_unless(__name__, "librosa.feature", _NATIVE[name], _time_varying_freq)
       for name in ("spectral_centroid", "spectral_bandwidth", "spectral_rolloff")},
})
