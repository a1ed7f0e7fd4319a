"""The drop-in's one rule for audio input: tunelens decodes what it can, librosa gets the rest.

``load``, ``stream``, ``get_duration(path=...)`` and ``get_samplerate`` of
:mod:`tunelens.compat.librosa` all go through :func:`native_or_librosa`:

1. Inputs of a kind tunelens takes (a path, bytes-like, a binary file-like
   object) are decoded by tunelens.
2. Any other kind (a text-mode file, a ``soundfile.SoundFile``, an audioread
   object, a file descriptor, ...) and any input tunelens fails on with
   :class:`~tunelens.AudioDecodeError` (which includes
   :class:`~tunelens.UnsupportedFormatError`) or :class:`~tunelens.AudioReadError`
   goes to librosa's function of the same name with the caller's arguments,
   except a path that is no regular file (a pipe, socket, device or folder),
   which is refused with :class:`~tunelens.AudioReadError` (see :func:`refuse_special`),
   announced by one :class:`~tunelens.compat.TunelensFallbackWarning` per name
   and process. librosa then returns its result or raises its own exception
   (and emits its own warnings).
3. A file-like object tunelens read is handed to librosa at the position it
   was at (``seek`` back); when it cannot seek, librosa gets the bytes
   tunelens read, as an ``io.BytesIO`` with the same ``name``.
"""

from __future__ import annotations

import io
import os
from typing import Any, Callable, Iterator, TypeVar

import tunelens as _tl
from tunelens.compat._shim import fallback
from tunelens.exceptions import AudioDecodeError, AudioReadError

T = TypeVar("T")

#: tunelens errors that mean "not an input tunelens serves": librosa gets the input instead.
NOT_SERVED = (AudioDecodeError, AudioReadError)

_BYTES = (bytes, bytearray, memoryview)
_SHIM = "tunelens.compat.librosa"
_REASON = "is served by librosa for this input (not one tunelens decodes)"


def _foreign(path: Any) -> bool:
    """Whether ``path`` is of a kind tunelens never takes (without touching it)."""
    if isinstance(path, (str, os.PathLike, *_BYTES)):
        return False
    if not hasattr(path, "read") or isinstance(path, io.TextIOBase):
        return True  # audioread objects, file descriptors, text-mode files
    # soundfile.SoundFile has a read() that returns samples, not bytes.
    return type(path).__module__.split(".")[0] in ("soundfile", "audioread")


def _position(file: Any) -> int | None:
    """Where a file-like object stands, or ``None`` when it cannot seek back there."""
    try:
        if hasattr(file, "seekable") and not file.seekable():
            return None
        return int(file.tell())
    except Exception:  # noqa: BLE001 - any object may claim to be a file
        return None


class AudioInput:
    """An audio argument, read at most once, that can be given to tunelens and then to librosa.

    Parameters
    ----------
    path : Any
        What the caller passed as librosa's ``path``.

    Attributes
    ----------
    native : bool
        Whether tunelens takes this kind of input.

    Examples
    --------
    >>> import io
    >>> audio = AudioInput(io.BytesIO(b"RIFF...."))
    >>> audio.native, audio.source().read()
    (True, b'RIFF....')
    >>> audio.for_librosa().read()  # the same object, rewound
    b'RIFF....'
    """

    def __init__(self, path: Any) -> None:
        self.original = path
        self.native = not _foreign(path)
        self._data: Any = None
        self._start: int | None = None
        if self.native and not isinstance(path, (str, os.PathLike, *_BYTES)):
            self._start = _position(path)
            self._data = path.read()
            if not isinstance(self._data, _BYTES):  # a text-mode file that is no io.TextIOBase
                self.native = False

    def _named(self, buffer: io.IOBase) -> io.IOBase:
        name = getattr(self.original, "name", None)
        if isinstance(name, str):
            buffer.name = name  # tunelens takes its format hint from the extension
        return buffer

    def source(self) -> Any:
        """A fresh argument for tunelens: the path or bytes, or the bytes read from the file."""
        return self.original if self._data is None else self._named(io.BytesIO(self._data))

    def for_librosa(self) -> Any:
        """The caller's argument as librosa would have received it (a consumed file rewound)."""
        if self._data is None:
            return self.original
        if self._start is not None:
            try:
                self.original.seek(self._start)
                return self.original
            except Exception:  # noqa: BLE001 - then hand over what was read
                pass
        if isinstance(self._data, _BYTES):
            return self._named(io.BytesIO(self._data))
        if isinstance(self._data, str):
            return self._named(io.StringIO(self._data))
        return self.original


def native_or_librosa(name: str, path: Any, native: Callable[[Callable[[], Any]], T],
                      reference: Callable[[Callable[..., Any], Any], Any]) -> T | Any:
    """Serves librosa's ``name`` by tunelens when it decodes ``path``, else by librosa.

    Parameters
    ----------
    name : str
        The top-level librosa function (``"load"``, ``"stream"``, ``"get_duration"``, ``"get_samplerate"``).
    path : Any
        The caller's audio argument.
    native : callable
        ``native(source)`` runs tunelens; ``source()`` returns a fresh argument
        for each tunelens call. Raising one of :data:`NOT_SERVED` hands over to librosa.
    reference : callable
        ``reference(function, path)`` calls librosa's ``function`` with the
        caller's arguments and ``path`` in place of the audio argument.

    Returns
    -------
    Any
        tunelens's result, or librosa's.

    Examples
    --------
    >>> import tunelens as tl
    >>> y, sr = native_or_librosa("load", "talk.opus", lambda source: tl.load(source(), sr=None),
    ...                           lambda load, path: load(path, sr=None))  # doctest: +SKIP
    """
    refuse_special(path)
    audio = AudioInput(path)
    if audio.native:
        try:
            return native(audio.source)
        except NOT_SERVED:
            pass
    return reference(fallback(_SHIM, "librosa", name, reason=_REASON), audio.for_librosa())


def refuse_special(path: Any) -> None:
    """Raises :class:`~tunelens.AudioReadError` when ``path`` names a named pipe,
    a socket, a device or a folder: tunelens refuses it unopened, and librosa
    must not get it either (soundfile and audioread would block on a pipe
    forever, or read ``/dev/zero`` until memory runs out).

    Examples
    --------
    >>> refuse_special("/dev/zero")
    Traceback (most recent call last):
    tunelens.exceptions.AudioReadError: [Errno 22] cannot read: it is a character device, not a regular file (tunelens reads audio from regular files only): '/dev/zero'
    """
    if isinstance(path, (str, os.PathLike)):
        _tl._core.refuse_special_path(os.fspath(path))


def check_decodes(source: Callable[[], Any]) -> None:
    """Raises :class:`~tunelens.AudioDecodeError` unless tunelens decodes the first packet of ``source()``.

    The header-only readers (``get_duration``, ``get_samplerate``) answer for
    containers whose audio tunelens cannot decode (e.g. Matroska); librosa's
    answer for those can differ, so they must be librosa's too.

    Examples
    --------
    >>> check_decodes(lambda: "song.flac")  # doctest: +SKIP
    """
    next(iter(_tl.stream(source(), block_length=1, frame_length=1, hop_length=1)), None)


def peeked_stream(source: Callable[[], Any], **options: Any) -> Iterator[Any]:
    """``tunelens.stream(source(), **options)`` with its first block decoded now.

    A container tunelens opens but cannot decode fails on the first block;
    decoding it here lets the caller still hand the input to librosa.

    Examples
    --------
    >>> blocks = peeked_stream(lambda: "set.flac", block_length=4, frame_length=2048, hop_length=512)  # doctest: +SKIP
    """
    reader = iter(_tl.stream(source(), **options))
    missing = object()
    first = next(reader, missing)
    return _blocks(first, reader, missing)


def _blocks(first: Any, reader: Iterator[Any], missing: Any) -> Iterator[Any]:
    """A generator, as ``librosa.stream`` returns: ``first`` then the rest of ``reader``."""
    if first is missing:
        return
    yield first
    yield from reader
