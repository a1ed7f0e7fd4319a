"""Audio input with ``librosa.load``'s signature and results (soundfile backend).

Decoding runs in Rust (symphonia): wav/aiff (8/16/24/32-bit PCM, float, ADPCM),
flac, mp3, ogg/vorbis, and AAC-LC or ALAC in m4a/mp4 and ADTS ``.aac``, no
ffmpeg. Samples equal ``soundfile.read(..., dtype="float32")`` exactly for PCM;
AAC and ALAC give ffmpeg's length and alignment (what librosa's audioread
backend returns): the MP4 edit list's priming frames are dropped, ALAC is
bit-exact and AAC equal to float rounding (see ``docs/formats.md``). Stereo is
mixed to mono before resampling, as librosa does; resampling runs libsoxr as
librosa's default python-soxr call does, so ``load(path, sr=22050)`` gives
librosa's samples.
"""

from __future__ import annotations

import numbers
import os
from typing import Any, BinaryIO, Iterator, Sequence, Union

import numpy as np

from tunelens import _core, _resamplers
from tunelens._validate import audio as valid_audio
from tunelens._validate import axis as valid_axis
from tunelens._validate import float_dtype, positive_int, positive_number
from tunelens.exceptions import InvalidParameterError, TunelensError

__all__ = ["load", "load_batch", "resample", "get_duration", "stream", "get_samplerate"]

AudioSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


def _source(path: Any) -> tuple[Any, str | None]:
    """A path or bytes for the core, plus a format hint (file extension) if known."""
    if isinstance(path, (str, os.PathLike)):
        return os.fspath(path), None
    if isinstance(path, (bytes, bytearray, memoryview)):
        return bytes(path), None
    if hasattr(path, "read"):
        name = getattr(path, "name", None)
        hint = os.path.splitext(name)[1].lstrip(".").lower() if isinstance(name, str) else None
        data = path.read()
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidParameterError("path: file-like objects must be opened in binary mode ('rb')")
        return bytes(data), hint or None
    raise InvalidParameterError(f"path must be a file path, bytes or a binary file-like object, got {type(path).__name__}")


def _whole_rate(sr: Any, name: str = "sr") -> int | None:
    if sr is None:
        return None
    if isinstance(sr, bool) or not isinstance(sr, numbers.Real) or not 0 < sr < 2**32 or float(sr) != int(sr):
        raise InvalidParameterError(f"{name} must be a positive whole number of Hz or None, got {sr!r}")
    return int(sr)


def _seconds(value: Any, name: str, *, allow_none: bool) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise InvalidParameterError(f"{name} must be a non-negative number of seconds, got {value!r}")
    return float(value)


def load(
    path: AudioSource,
    *,
    sr: float | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    dtype: Any = np.float32,
    res_type: str = "soxr_hq",
    n_jobs: int = -1,
) -> tuple[np.ndarray, int]:
    """Loads an audio file as a floating-point time series, like ``librosa.load``.

    Parameters
    ----------
    path : str, PathLike, bytes or binary file-like
        The audio: a path, the encoded bytes, or an open binary file.
    sr : number > 0 or None
        Target sample rate in Hz; ``None`` keeps the file's rate.
    mono : bool
        Mix all channels to one (the float32 mean, before resampling).
    offset : float >= 0
        Start reading this many seconds in (frame ``int(offset * native_sr)``);
        past the end of the file, ``y`` is empty.
    duration : float >= 0 or None
        Read at most this many seconds (``int(duration * native_sr)`` frames).
    dtype : np.dtype
        Output type (float32 by default; samples are decoded to float32 first,
        as librosa does).
    res_type : str
        Resampler, as :func:`resample` (default ``"soxr_hq"``, librosa's): the
        soxr family at whole-number rates resamples in Rust, inside this call;
        other names and fractional ``sr`` resample the decoded signal with
        :func:`resample`.
    n_jobs : int
        Threads for decoding (mp3/ogg packets) and resampling (-1: all cores).

    Returns
    -------
    y : np.ndarray [shape=(n,) or (channels, n)]
        Samples in [-1, 1]; 1-D when mono or when the file has one channel.
    sr : int
        Sample rate of ``y``.

    Raises
    ------
    AudioFileNotFoundError
        The file does not exist.
    AudioDecodeError, UnsupportedFormatError
        Not decodable audio (empty, not audio, unsupported codec). A file
        truncated mid-stream returns the audio before the damage, as libsndfile does.
    AudioReadError
        The file cannot be read (permissions).
    InvalidParameterError
        Bad ``sr``, ``offset`` or ``duration``.
    TooLargeError
        The decoded audio would not fit in the memory this process may use.

    Notes
    -----
    Decoding, mono mixing and resampling run a few seconds of audio at a time
    straight into ``y``: a long file needs ``y``'s memory plus ~10 MB (a
    2-hour stereo mp3 at 22.05 kHz: 616 MiB for its 606 MiB result;
    ``librosa.load``: 3.6 GiB), and Ctrl-C stops it between blocks.

    Examples
    --------
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=2.0).path[0]
    >>> y, sr = tl.load(path, sr=None)
    >>> y.shape, y.dtype, sr
    ((44100,), dtype('float32'), 22050)
    >>> y, sr = tl.load(path, sr=16000, offset=0.5, duration=1.0)  # resampled to 16 kHz
    >>> y.shape, sr
    ((16000,), 16000)
    """
    source, hint = _source(path)
    dtype = float_dtype(dtype)
    target = None if sr is None else positive_number(sr, "sr")
    if target is not None:
        _resamplers.check(res_type)
    # The soxr family at a whole-number rate resamples in Rust; anything else resamples the native-rate signal.
    in_core = target is not None and res_type in _resamplers.SOXR and target.is_integer() and target < 2**32
    y, rate = _core.load(
        source, hint=hint, sr=int(target) if in_core else None, mono=bool(mono),
        offset=_seconds(offset, "offset", allow_none=False), duration=_seconds(duration, "duration", allow_none=True),
        res_type=res_type if in_core else "soxr_hq", n_jobs=n_jobs,
    )
    if target is not None and not in_core and rate != target:
        y = resample(y, orig_sr=rate, target_sr=target, res_type=res_type, n_jobs=n_jobs) if y.size else y
        rate = target
    return y.astype(dtype, copy=False), rate


def load_batch(
    paths: Sequence[str | os.PathLike[str]],
    *,
    sr: float | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    dtype: Any = np.float32,
    n_jobs: int = -1,
) -> list[tuple[np.ndarray, int] | TunelensError]:
    """Loads many files in parallel (one file per thread, GIL released).

    Parameters
    ----------
    paths : sequence of str or PathLike
        Files to load.
    sr, mono, offset, duration, dtype
        As :func:`load`, for every file.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    list
        One entry per path, in input order: ``(y, sr)`` for a file that loaded,
        or the :class:`~tunelens.TunelensError` it raised (returned, not raised),
        so one bad file never hides the others.

    Examples
    --------
    >>> paths = list(tl.datasets.write_library("music", n_songs=2, duration=1.0).path)
    >>> results = tl.load_batch([*paths, "missing.wav"], sr=None)
    >>> [(y.shape, sr) for y, sr in results[:2]]
    [((22050,), 22050), ((22050,), 22050)]
    >>> type(results[2]).__name__  # errors are returned in place, not raised
    'AudioFileNotFoundError'
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InvalidParameterError(f"paths must be a sequence of paths, got the single path {paths!r}; pass [path]")
    dtype = float_dtype(dtype)
    entries = list(paths)
    is_path = [isinstance(p, (str, os.PathLike)) for p in entries]
    results = iter(_core.load_batch(
        [os.fspath(p) for p, ok in zip(entries, is_path) if ok], sr=_whole_rate(sr), mono=bool(mono),
        offset=_seconds(offset, "offset", allow_none=False), duration=_seconds(duration, "duration", allow_none=True),
        res_type="soxr_hq", n_jobs=n_jobs,
    ))
    out: list[tuple[np.ndarray, int] | TunelensError] = []
    for position, (entry, ok) in enumerate(zip(entries, is_path)):
        r = next(results) if ok else InvalidParameterError(
            f"paths[{position}] must be a path (str or os.PathLike), got {type(entry).__name__}: {entry!r}")
        out.append(r if isinstance(r, Exception) else (r[0].astype(dtype, copy=False), r[1]))
    return out


def resample(
    y: np.ndarray,
    *,
    orig_sr: float,
    target_sr: float,
    res_type: str = "soxr_hq",
    fix: bool = True,
    scale: bool = False,
    axis: int = -1,
    n_jobs: int = -1,
) -> np.ndarray:
    """Resamples a time series from ``orig_sr`` to ``target_sr``, like ``librosa.resample``.

    The soxr family runs libsoxr in Rust exactly as librosa's python-soxr call
    does (identical samples), one lane per thread with the GIL released. The
    other ``res_type`` names run the library call librosa makes (scipy,
    samplerate, resampy), so they give librosa's numbers too.

    Parameters
    ----------
    y : np.ndarray
        float32 or float64 audio; any leading dimensions and strides. Not empty.
    orig_sr, target_sr : number > 0
        Sample rates in Hz; any finite positive number (``polyphase``: whole numbers).
    res_type : str
        ``"soxr_hq"`` (default), ``"soxr_vhq"``, ``"soxr_mq"``, ``"soxr_lq"``,
        ``"soxr_qq"`` (libsoxr, in tunelens); ``"fft"``/``"scipy"``,
        ``"polyphase"`` (scipy); ``"linear"``, ``"zero_order_hold"``,
        ``"sinc_best"``, ``"sinc_medium"``, ``"sinc_fastest"`` (needs
        ``samplerate``); ``"kaiser_best"``, ``"kaiser_fast"`` (needs ``resampy``).
    fix : bool
        Cut or zero-pad the output to ``ceil(n * target_sr / orig_sr)`` samples.
    scale : bool
        Divide by ``sqrt(target_sr / orig_sr)`` to keep the total energy.
    axis : int
        Time axis.
    n_jobs : int
        Threads for the soxr family, one lane each (-1: all cores).

    Returns
    -------
    np.ndarray
        Resampled audio of the input's dtype; ``y`` itself when the rates are equal.

    Raises
    ------
    InvalidParameterError
        ``y`` empty, not floating-point or not finite; a rate that is not a
        finite number above 0; a soxr ratio ``target_sr / orig_sr`` beyond
        2**16 either way; an output too large for memory; an unknown
        ``res_type`` (the message lists the names).
    MissingDependencyError
        ``res_type`` needs ``samplerate`` or ``resampy`` and it is not installed
        (a ``ModuleNotFoundError``, as librosa raises).

    Examples
    --------
    >>> import numpy as np
    >>> import tunelens as tl
    >>> y = np.random.default_rng(0).uniform(-0.5, 0.5, 44100).astype(np.float32)
    >>> tl.resample(y, orig_sr=44100, target_sr=22050).shape
    (22050,)
    >>> tl.resample(y, orig_sr=44100, target_sr=16000, res_type="polyphase").dtype
    dtype('float32')
    """
    y = valid_audio(y)
    orig, target = positive_number(orig_sr, "orig_sr"), positive_number(target_sr, "target_sr")
    kind = _resamplers.check(res_type)
    axis = valid_axis(axis, y.ndim)
    if y.shape[axis] == 0:
        raise InvalidParameterError("y: the signal is empty; there is nothing to resample")
    if orig == target:
        return y
    moved = np.moveaxis(y, axis, -1)
    ratio = target / orig
    if kind in _resamplers.SOXR:  # the core refuses non-finite samples as it feeds libsoxr
        out = _core.resample(moved, orig_sr=orig, target_sr=target, res_type=kind, fix=bool(fix), n_jobs=n_jobs)
    else:
        if not np.isfinite(moved).all():
            raise InvalidParameterError("y: audio buffer is not finite everywhere (NaN or inf)")
        n_samples = int(np.ceil(moved.shape[-1] * ratio))
        out = _resamplers.by_library(moved, orig, target, kind, n_samples)
        if fix:
            out = _resamplers.fix_length(out, n_samples)
    if scale:
        out = out / np.sqrt(ratio)
    return np.moveaxis(np.asarray(out, dtype=y.dtype), -1, axis)


def get_duration(
    *,
    y: np.ndarray | None = None,
    sr: float = 22050,
    S: np.ndarray | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    path: AudioSource | None = None,
) -> float:
    """Duration in seconds of audio, a spectrogram or a file, like ``librosa.get_duration``.

    Parameters
    ----------
    y : np.ndarray or None
        Audio; its duration is ``y.shape[-1] / sr``.
    sr : number > 0
        Sample rate of ``y`` or ``S``.
    S : np.ndarray or None
        STFT-like spectrogram; duration of the signal it was computed from.
    n_fft, hop_length, center
        Parameters of ``S``.
    path : str, PathLike, bytes or file-like, or None
        A file: read from the container's frame count where it declares one
        (wav, aiff, flac, ogg, mp3 with a Xing/LAME header, m4a/mp4 from its
        sample table less the edit list's priming), else (ADTS ``.aac``)
        decoded packet by packet in constant memory.

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> tl.get_duration(y=np.zeros(33075), sr=22050)
    1.5
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=2.0).path[0]
    >>> tl.get_duration(path=path)
    2.0
    """
    if path is not None:
        source, hint = _source(path)
        return float(_core.get_duration(source, hint=hint))
    rate = positive_number(sr, "sr")
    if y is not None:
        return float(np.asarray(y).shape[-1]) / rate
    if S is not None:
        n_samples = n_fft + hop_length * (np.asarray(S).shape[-1] - 1)
        if center:
            n_samples -= 2 * (n_fft // 2)
        return float(n_samples) / rate
    raise InvalidParameterError("get_duration needs one of y=, S= or path=")


def stream(
    path: AudioSource,
    *,
    block_length: int,
    frame_length: int,
    hop_length: int,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    fill_value: float | None = None,
    dtype: Any = np.float32,
) -> Iterator[np.ndarray]:
    """Streams audio in fixed-length, overlapping blocks, like ``librosa.stream``.

    The file is decoded incrementally in Rust (one packet at a time, the GIL
    released while each block decodes): memory stays bounded by one block plus
    one codec packet, whatever the file's length. Blocks are at the file's own
    sample rate (see :func:`get_samplerate`); nothing is resampled.

    Block ``k`` holds samples ``k * block_length * hop_length`` to
    ``k * block_length * hop_length + frame_length + (block_length - 1) * hop_length``
    of the stream, so frame-wise analyses with ``center=False`` see every frame
    exactly once (``soundfile.SoundFile.blocks`` with ``overlap = frame_length - hop_length``).

    Parameters
    ----------
    path : str, PathLike, bytes or binary file-like
        The audio (wav/aiff, flac, mp3, ogg/vorbis, m4a/mp4 with AAC-LC or
        ALAC, ADTS ``.aac``). Bytes and file-like objects
        are held in memory; a path streams from disk.
    block_length : int > 0
        Frames per block.
    frame_length : int > 0
        Samples per frame.
    hop_length : int > 0, <= frame_length
        Samples between frames. (``librosa.stream`` accepts ``hop_length >
        frame_length`` but soundfile then yields blocks that repeat and skip
        data; tunelens refuses it.)
    mono : bool
        Mix each block to mono (the channel mean, as ``librosa.to_mono``).
    offset : float >= 0
        Start at frame ``int(offset * sr)``; at or past the end of the file,
        the stream is empty.
    duration : float >= 0 or None
        Stream ``int(duration * sr)`` frames; ``None`` or ``0`` streams to the
        end (librosa's ``if duration:``).
    fill_value : float or None
        Pad the last block (and, with ``duration`` longer than the file, extra
        blocks up to ``duration``) to full length with this value; ``None``:
        the last block is shorter.
    dtype : np.dtype
        float32 (default) or float64. Samples are decoded to float32 and
        widened; with float64, mono mixing runs in float64, as librosa's.

    Returns
    -------
    iterator of np.ndarray [shape=(n,) or (channels, n)]
        The blocks, of at most ``frame_length + (block_length - 1) * hop_length``
        samples each. Parameter and file errors are raised by this call
        (librosa raises them at the first block); a decoding error mid-way is
        raised by the ``next`` that meets it. As :func:`load`, packets that fail
        to decode are skipped and a truncated file ends where the damage starts.

    Raises
    ------
    AudioFileNotFoundError, AudioDecodeError, UnsupportedFormatError, AudioReadError
        As :func:`load`.
    InvalidParameterError
        Bad block, frame or hop length, ``offset``, ``duration`` or ``dtype``.

    Examples
    --------
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=1.0).path[0]
    >>> for block in tl.stream(path, block_length=16, frame_length=2048, hop_length=512):
    ...     S = tl.stft(block, n_fft=2048, hop_length=512, center=False)
    ...     print(block.shape, S.shape)
    (9728,) (1025, 16)
    (9728,) (1025, 16)
    (5666,) (1025, 8)
    """
    blocks, frame, hop = (positive_int(v, n) for v, n in
                          ((block_length, "block_length"), (frame_length, "frame_length"), (hop_length, "hop_length")))
    kind = np.dtype(dtype)
    if kind not in (np.float32, np.float64):
        raise InvalidParameterError(f"dtype must be float32 or float64, got {kind}")
    if fill_value is not None and (isinstance(fill_value, bool) or not isinstance(fill_value, numbers.Real)):
        raise InvalidParameterError(f"fill_value must be a number or None, got {fill_value!r}")
    source, hint = _source(path)
    wide = kind == np.float64
    reader = _core.stream(
        source, hint=hint, block_length=blocks, frame_length=frame, hop_length=hop,
        mono=bool(mono) and not wide, offset=_seconds(offset, "offset", allow_none=False),
        duration=_seconds(duration, "duration", allow_none=True),
        fill_value=None if fill_value is None else float(fill_value),
    )
    return _widened(reader, mono=bool(mono)) if wide else reader


def _widened(reader: Iterator[np.ndarray], *, mono: bool) -> Iterator[np.ndarray]:
    """float64 blocks, mixed to mono in float64 (``librosa.to_mono`` on a float64 block)."""
    for block in reader:
        wide = block.astype(np.float64)
        yield wide.mean(axis=0) if mono and wide.ndim > 1 else wide


def get_samplerate(path: AudioSource) -> int:
    """The sample rate of an audio file in Hz, from its header, like ``librosa.get_samplerate``.

    Parameters
    ----------
    path : str, PathLike, bytes or binary file-like
        The audio.

    Returns
    -------
    int
        Sample rate in Hz.

    Examples
    --------
    >>> path = tl.datasets.write_library("music", n_songs=1, duration=1.0, sr=16000).path[0]
    >>> tl.get_samplerate(path)
    16000
    """
    source, hint = _source(path)
    return int(_core.get_samplerate(source, hint=hint))
