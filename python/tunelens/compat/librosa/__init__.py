"""``librosa``'s namespace served by tunelens: ``import tunelens.compat.librosa as librosa``.

Functions tunelens implements (loading, resampling, STFT/iSTFT, dB scaling,
unit conversions, ``feature``, ``onset``, ``beat``, ``effects``, ``decompose``,
``filters``, ``display``) take librosa 0.11's signatures; their parameter
errors are also ``librosa.util.exceptions.ParameterError`` when librosa is
installed. Every other name is librosa's own, imported on first use with one
:class:`tunelens.compat.TunelensFallbackWarning`; without librosa it raises
``AttributeError`` naming the function.

Audio input never breaks where librosa works: ``load``, ``stream``,
``get_duration(path=...)`` and ``get_samplerate`` decode natively the paths,
bytes-like objects and binary file-like objects tunelens decodes (wav, aiff,
flac, mp3, ogg/vorbis). Any other input kind (text-mode files, open
``soundfile.SoundFile`` or audioread objects, file descriptors) and any input
tunelens fails on with ``AudioDecodeError``/``UnsupportedFormatError`` or
``AudioReadError`` (Opus, video containers, unknown containers, ...) goes to
librosa's function of the same name (except a path that is no regular file: a
named pipe, socket, device or folder is refused with ``AudioReadError``, since
librosa would block on it or read it forever) with the caller's arguments, with one
:class:`tunelens.compat.TunelensFallbackWarning` per name and process; librosa
then returns its result or raises its own exception. A file-like object
tunelens read is rewound to where it was first (or, if it cannot seek,
replaced by the bytes read). ``get_duration``/``get_samplerate`` answer
natively only for files whose first packet tunelens decodes, and ``stream``
decodes its first block during the call, so a container whose header tunelens
parses but whose audio it cannot decode (Matroska) is librosa's too.
"""

from typing import Any as _Any

import numpy as _np

import tunelens as _tl
from tunelens._docs import (
    DURATION_RETURNS as _DURATION_RETURNS,
    SAMPLERATE_RETURNS as _SAMPLERATE_RETURNS,
    fill_doc as _fill_doc,
)
from tunelens.compat._shim import fallback as _fallback, install as _install
from tunelens.compat.librosa._errors import librosa_errors as _librosa_errors, wrap_all as _wrap_all
from tunelens.compat.librosa._input import (
    check_decodes as _check_decodes,
    native_or_librosa as _native_or_librosa,
    peeked_stream as _peeked_stream,
    refuse_special as _refuse_special,
)

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
    "istft", "power_to_db", "amplitude_to_db", "db_to_power", "db_to_amplitude",
    *_tl.convert.__all__,
)


@_librosa_errors
def resample(y: _np.ndarray, *, orig_sr: float, target_sr: float, res_type: str = "soxr_hq", fix: bool = True,
             scale: bool = False, axis: int = -1, **kwargs: _Any) -> _np.ndarray:
    """``librosa.resample``: tunelens's resampler (every documented ``res_type``).

    ``fix_length`` keywords, ``res_type`` names only a custom resampy filter
    could serve, and an empty ``y`` (which tunelens refuses and librosa returns
    empty) go to librosa itself.

    Parameters
    ----------
    y, orig_sr, target_sr, res_type, fix, scale, axis
        As :func:`tunelens.resample` (and ``librosa.resample``).
    **kwargs
        ``librosa.util.fix_length`` keywords: served by librosa.

    Returns
    -------
    np.ndarray
        ``y`` at ``target_sr``.

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> y = np.sin(2 * np.pi * 440 * np.arange(44100) / 44100)
    >>> librosa.resample(y, orig_sr=44100, target_sr=22050).shape
    (22050,)
    """
    if kwargs or res_type not in _tl._resamplers.NAMES or _np.shape(y)[axis:][:1] == (0,):
        return _fallback(__name__, "librosa", "resample")(y, orig_sr=orig_sr, target_sr=target_sr, res_type=res_type,
                                                         fix=fix, scale=scale, axis=axis, **kwargs)
    return _tl.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type=res_type, fix=fix, scale=scale, axis=axis)


@_librosa_errors
def stft(y: _np.ndarray, *, n_fft: int = 2048, hop_length: int | None = None, win_length: int | None = None,
         window: _Any = "hann", center: bool = True, dtype: _Any = None, pad_mode: _Any = "constant",
         out: _np.ndarray | None = None) -> _np.ndarray:
    """``librosa.stft``: tunelens's STFT, float32 audio transformed in float64 as librosa does.

    librosa multiplies each frame by its float64 window, so the FFT of float32
    audio runs in float64 and only its result is rounded to complex64. tunelens
    does the same here (its own :func:`tunelens.stft` transforms float32 in
    float32, twice as fast, with errors up to ~1e-7 of the largest bin), so
    small bins agree with librosa's to their last float32 digits.

    Parameters
    ----------
    y, n_fft, hop_length, win_length, window, center, dtype, pad_mode, out
        As ``librosa.stft``.

    Returns
    -------
    np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)]
        complex64 for float32 ``y`` (unless ``dtype`` says otherwise), complex128 for float64.

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> D = librosa.stft(np.zeros(4096, dtype=np.float32), n_fft=512)
    >>> D.shape, D.dtype
    ((257, 33), dtype('complex64'))
    """
    if isinstance(y, _np.ndarray) and y.dtype == _np.float32:
        y, dtype = y.astype(_np.float64), _np.complex64 if dtype is None else dtype
    return _tl.stft(y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center,
                    dtype=dtype, pad_mode=pad_mode, out=out)


@_librosa_errors
def load(path: _Any, *, sr: float | None = 22050, mono: bool = True, offset: float = 0.0,
         duration: float | None = None, dtype: _Any = _np.float32, res_type: str = "soxr_hq",
         n_jobs: int = -1) -> tuple[_np.ndarray, _Any]:
    """``librosa.load``: tunelens's decoder, librosa's for any input tunelens does not decode.

    Parameters
    ----------
    path : str, PathLike, bytes, file-like, soundfile.SoundFile, audioread object or int
        The audio. Paths, bytes and binary file-like objects in a format
        tunelens decodes (wav, aiff, flac, mp3, ogg/vorbis) are decoded by
        tunelens; everything else goes to ``librosa.load`` (see the module docstring).
    sr, mono, offset, duration, dtype, res_type
        As ``librosa.load``; all are passed to whichever of the two loads.
    n_jobs : int
        tunelens only: threads for decoding and resampling (-1: all cores).

    Returns
    -------
    y : np.ndarray [shape=(n,) or (channels, n)]
        Audio time series.
    sr : number
        Sample rate of ``y``.

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=1.0).path[0]
    >>> y, sr = librosa.load(path, sr=None)  # tunelens
    >>> y.shape, sr
    ((22050,), 22050)
    >>> y, sr = librosa.load("talk.opus")  # librosa's, with one TunelensFallbackWarning  # doctest: +SKIP
    """
    options = dict(sr=sr, mono=mono, offset=offset, duration=duration, dtype=dtype, res_type=res_type)
    return _native_or_librosa("load", path, lambda source: _tl.load(source(), **options, n_jobs=n_jobs),
                              lambda librosa_load, audio: librosa_load(audio, **options))


@_librosa_errors
@_fill_doc(duration_returns=_DURATION_RETURNS)
def get_duration(*, y: _np.ndarray | None = None, sr: float = 22050, S: _np.ndarray | None = None, n_fft: int = 2048,
                 hop_length: int = 512, center: bool = True, path: _Any = None, filename: _Any = None) -> float:
    """``librosa.get_duration``: a file's duration by tunelens, librosa's for any input tunelens does not decode.

    Parameters
    ----------
    y, sr, S, n_fft, hop_length, center
        As ``librosa.get_duration`` (served by tunelens).
    path : str, PathLike, bytes, file-like or None
        A file, read by tunelens when it decodes it, else by ``librosa.get_duration``.
    filename : Any
        librosa's deprecated spelling of ``path``: served by librosa itself.

    {duration_returns}

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> librosa.get_duration(y=np.zeros(22050), sr=22050)
    1.0
    >>> seconds = librosa.get_duration(path="clip.webm")  # librosa's, via audioread  # doctest: +SKIP
    """
    options = dict(y=y, sr=sr, S=S, n_fft=n_fft, hop_length=hop_length, center=center)
    if filename is not None:
        _refuse_special(filename)
        return _fallback(__name__, "librosa", "get_duration")(**options, path=path, filename=filename)
    if path is None:
        return _tl.get_duration(**options)

    def native(source: _Any) -> float:
        _check_decodes(source)
        return _tl.get_duration(**options, path=source())

    return _native_or_librosa("get_duration", path, native,
                              lambda librosa_get_duration, audio: librosa_get_duration(**options, path=audio))


@_librosa_errors
@_fill_doc(samplerate_returns=_SAMPLERATE_RETURNS)
def get_samplerate(path: _Any) -> _Any:
    """``librosa.get_samplerate``: from the header by tunelens, librosa's for any input tunelens does not decode.

    Parameters
    ----------
    path : str, PathLike, bytes, file-like, soundfile.SoundFile or int
        The audio (see :func:`load` for which inputs tunelens serves).

    {samplerate_returns}

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=1.0, sr=16000).path[0]
    >>> librosa.get_samplerate(path)
    16000
    """
    def native(source: _Any) -> int:
        _check_decodes(source)
        return _tl.get_samplerate(source())

    return _native_or_librosa("get_samplerate", path, native, lambda librosa_get_samplerate, audio:
                              librosa_get_samplerate(audio))


@_librosa_errors
def stream(path: _Any, *, block_length: int, frame_length: int, hop_length: int, mono: bool = True,
           offset: float = 0.0, duration: float | None = None, fill_value: float | None = None,
           dtype: _Any = _np.float32) -> _Any:
    """``librosa.stream``: tunelens's block reader, librosa's for any input tunelens does not decode.

    Parameters
    ----------
    path : str, PathLike, bytes, file-like or soundfile.SoundFile
        The audio (see :func:`load` for which inputs tunelens serves).
    block_length, frame_length, hop_length, mono, offset, duration, fill_value, dtype
        As ``librosa.stream``.

    Returns
    -------
    generator of np.ndarray
        The blocks. tunelens decodes the first block during this call, so an
        input it opens but cannot decode still goes to librosa.

    Examples
    --------
    >>> import tunelens.compat.librosa as librosa
    >>> for block in librosa.stream("set.opus", block_length=16, frame_length=2048, hop_length=512):  # doctest: +SKIP
    ...     S = librosa.stft(block, n_fft=2048, hop_length=512, center=False)
    """
    options = dict(block_length=block_length, frame_length=frame_length, hop_length=hop_length, mono=mono,
                   offset=offset, duration=duration, fill_value=fill_value, dtype=dtype)
    return _native_or_librosa("stream", path, lambda source: _peeked_stream(source, **options),
                              lambda librosa_stream, audio: librosa_stream(audio, **options))


_install(__name__, "librosa", _wrap_all({name: getattr(_tl, name) for name in _NATIVE}))
