"""``librosa``'s namespace served by tunelens: ``import tunelens.compat.librosa as librosa``.

Functions tunelens implements (loading, resampling, STFT/iSTFT, dB scaling,
unit conversions, ``feature``, ``onset``, ``beat``, ``effects``, ``decompose``,
``filters``, ``display``) take librosa 0.11's signatures; their parameter
errors are also ``librosa.util.exceptions.ParameterError`` when librosa is
installed. Every other name is librosa's own, imported on first use with one
:class:`tunelens.compat.TunelensFallbackWarning`; without librosa it raises
``AttributeError`` naming the function.
"""

from typing import Any as _Any

import numpy as _np

import tunelens as _tl
from tunelens.compat._shim import fallback as _fallback, install as _install
from tunelens.compat.librosa._errors import librosa_errors as _librosa_errors, wrap_all as _wrap_all

from tunelens.compat.librosa import (  # before install(): its __getattr__ would shadow them
    beat,
    decompose,
    display,
    effects,
    feature,
    filters,
    onset,
    util,
)

#: librosa's top-level names tunelens implements with the same signature.
_NATIVE = (
    "load", "get_samplerate", "stft", "istft", "power_to_db", "amplitude_to_db", "db_to_power", "db_to_amplitude",
    *_tl.convert.__all__,
)


@_librosa_errors
def resample(y: _np.ndarray, *, orig_sr: float, target_sr: float, res_type: str = "soxr_hq", fix: bool = True,
             scale: bool = False, axis: int = -1, **kwargs: _Any) -> _np.ndarray:
    """``librosa.resample``: tunelens's resampler; resampler-specific ``kwargs`` go to librosa."""
    if kwargs:
        return _fallback(__name__, "librosa", "resample")(y, orig_sr=orig_sr, target_sr=target_sr, res_type=res_type,
                                                         fix=fix, scale=scale, axis=axis, **kwargs)
    return _tl.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type=res_type, fix=fix, scale=scale, axis=axis)


@_librosa_errors
def get_duration(*, y: _np.ndarray | None = None, sr: float = 22050, S: _np.ndarray | None = None, n_fft: int = 2048,
                 hop_length: int = 512, center: bool = True, path: _Any = None, filename: _Any = None) -> float:
    """``librosa.get_duration``; the deprecated ``filename`` is served by librosa itself."""
    if filename is not None:
        return _fallback(__name__, "librosa", "get_duration")(y=y, sr=sr, S=S, n_fft=n_fft, hop_length=hop_length,
                                                             center=center, path=path, filename=filename)
    return _tl.get_duration(y=y, sr=sr, S=S, n_fft=n_fft, hop_length=hop_length, center=center, path=path)


@_librosa_errors
def stream(path: _Any, *, block_length: int, frame_length: int, hop_length: int, mono: bool = True,
           offset: float = 0.0, duration: float | None = None, fill_value: float | None = None,
           dtype: _Any = _np.float32) -> _Any:
    """``librosa.stream``: tunelens's block reader; an open ``soundfile.SoundFile`` is served by librosa."""
    kwargs = dict(block_length=block_length, frame_length=frame_length, hop_length=hop_length, mono=mono,
                  offset=offset, duration=duration, fill_value=fill_value, dtype=dtype)
    if type(path).__name__ == "SoundFile":
        return _fallback(__name__, "librosa", "stream")(path, **kwargs)
    return _tl.stream(path, **kwargs)


_install(__name__, "librosa", _wrap_all({name: getattr(_tl, name) for name in _NATIVE}))
