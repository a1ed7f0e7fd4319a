"""Exceptions raised by tunelens.

Every error tunelens raises is a :class:`TunelensError`. Each subclass also
derives from the builtin exception that code written for other libraries
already catches (``ValueError`` for bad arguments and undecodable data,
``FileNotFoundError`` for missing files), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "TunelensError",
    "InvalidParameterError",
    "AudioDecodeError",
    "UnsupportedFormatError",
    "AudioFileNotFoundError",
    "AudioReadError",
    "OutputWriteError",
    "OutputExistsError",
    "TunelensInternalError",
    "MissingDependencyError",
    "MissingColumnError",
    "TableNotFoundError",
    "OperationCancelledError",
    "InvalidTypeError",
    "TooLargeError",
    "InvalidAxisError",
    "ParameterOverflowError",
    "DownloadError",
    "ChecksumMismatchError",
]


class TunelensError(Exception):
    """Base class of every error raised by tunelens.

    Examples
    --------
    >>> try:
    ...     tl.load("missing.wav")
    ... except tl.TunelensError as error:
    ...     print(type(error).__name__)
    AudioFileNotFoundError
    """


class InvalidParameterError(TunelensError, ValueError):
    """An argument is out of range, of the wrong kind, or inconsistent with another.

    The message names the argument and what would be accepted.

    Examples
    --------
    >>> tl.stft(np.zeros(4096), n_fft=0)
    Traceback (most recent call last):
        ...
    tunelens.exceptions.InvalidParameterError: n_fft must be a positive integer, got 0
    >>> issubclass(tl.InvalidParameterError, ValueError)
    True
    """


class TooLargeError(InvalidParameterError, MemoryError):
    """An argument implies a result or buffer larger than this process may use.

    Raised before allocating, instead of the out-of-memory abort that would
    kill a Jupyter kernel. It is a ``ValueError`` like other bad arguments and
    a ``MemoryError`` like numpy's refusal of a huge array, so code written
    for librosa or rapidfuzz catches it. The message names the argument and
    the size.

    Examples
    --------
    >>> tl.datasets.synth_clip(duration=1e12)
    Traceback (most recent call last):
        ...
    tunelens.exceptions.TooLargeError: duration=1000000000000.0 too large: would need ... GiB of memory, ...
    >>> issubclass(tl.TooLargeError, ValueError) and issubclass(tl.TooLargeError, MemoryError)
    True
    """


class InvalidAxisError(InvalidParameterError, IndexError):
    """An ``axis`` argument outside the array's dimensions.

    Like numpy's ``AxisError`` it is both a ``ValueError`` and an
    ``IndexError`` (what librosa lets through in the same case).

    Examples
    --------
    >>> tl.resample(np.zeros(100), orig_sr=2, target_sr=1, axis=3)
    Traceback (most recent call last):
        ...
    tunelens.exceptions.InvalidAxisError: axis=3 is out of range for an array with 1 dimension(s)
    """


class ParameterOverflowError(InvalidParameterError, OverflowError):
    """A numeric argument lies outside what its machine type holds (a negative
    Levenshtein weight or integer ``score_cutoff``, an infinite integer
    cutoff), where rapidfuzz raises ``OverflowError``.

    The message names the argument.

    Examples
    --------
    >>> tl.distance.Levenshtein.distance("a", "b", weights=(-1, 1, 1))
    Traceback (most recent call last):
        ...
    tunelens.exceptions.ParameterOverflowError: distance.Levenshtein.distance: can't convert negative value to size_t
    """


class InvalidTypeError(TunelensError, TypeError):
    """An argument is of a type the function does not take, where the
    reference library (rapidfuzz, librosa) raises ``TypeError``.

    The message names the argument and what would be accepted.

    Examples
    --------
    >>> tl.fuzz.ratio("a", 3)
    Traceback (most recent call last):
        ...
    tunelens.exceptions.InvalidTypeError: fuzz.ratio: s2 must be a string, a sequence of hashables or None, not int
    """


class AudioDecodeError(TunelensError, ValueError):
    """An audio file or buffer could not be decoded (corrupt, truncated, not audio).

    The message names the file.

    Examples
    --------
    >>> try:
    ...     tl.load(b"plain text, not audio")
    ... except tl.AudioDecodeError as error:
    ...     print(type(error).__name__)
    UnsupportedFormatError
    """


class UnsupportedFormatError(AudioDecodeError):
    """The container or codec is not one tunelens decodes.

    tunelens decodes wav and aiff (PCM, float, ADPCM), flac, mp3, ogg/vorbis,
    and AAC-LC or ALAC in m4a/mp4 or ADTS ``.aac`` (not HE-AAC, Opus or video
    containers other than mp4).

    Examples
    --------
    >>> tl.load(b"plain text, not audio")
    Traceback (most recent call last):
        ...
    tunelens.exceptions.UnsupportedFormatError: unsupported audio format in '<bytes>': ...
    """


class AudioFileNotFoundError(TunelensError, FileNotFoundError):
    """The audio file does not exist. ``filename`` holds the path.

    Examples
    --------
    >>> try:
    ...     tl.load("missing.wav")
    ... except FileNotFoundError as error:
    ...     print(error.filename)
    missing.wav
    """


class AudioReadError(TunelensError, OSError):
    """The file exists but could not be read (permissions, I/O error), or the
    path is not a regular file.

    A directory, a named pipe (FIFO), a socket or a device (``/dev/zero``) is
    refused before it is opened, with a message naming the path and its kind:
    opening a pipe blocks until a writer appears and a device reads forever,
    so either would hang a call (or a whole batch) that Ctrl-C cannot stop.
    ``errno`` is ``EISDIR`` for a directory and ``EINVAL`` for the others;
    ``filename`` holds the path.

    Examples
    --------
    >>> tl.load(".")
    Traceback (most recent call last):
        ...
    tunelens.exceptions.AudioReadError: [Errno 21] cannot read: it is a directory, not a regular file ...: '.'
    """


class OutputWriteError(TunelensError, OSError):
    """An output file could not be written: its folder is missing or not
    writable, a folder is in the way, the disk is full.

    Raised by every writer of tunelens (spectrogram and waveform PNGs,
    ``Explanation.to_wav``, ``write_table``, the command line's outputs); the
    message says "cannot write" and names the file, ``filename`` holds it and
    ``errno`` the operating system's code where there is one.

    Examples
    --------
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> _ = Path("taken").write_text("a file where a folder should be")
    >>> try:
    ...     tl.io.write_table(pd.DataFrame({"a": [1]}), "taken/table.csv")
    ... except tl.OutputWriteError as error:
    ...     print(error.filename)
    taken/table.csv
    """


class OutputExistsError(OutputWriteError, FileExistsError):
    """An output path is taken by something of the wrong kind: a file where
    an output folder should be created (``spectrogram_pngs(out_dir=...)``).
    Files inside an output folder are overwritten, as ``spectrogram_png`` does.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("taken").write_text("a file where a folder should be")
    >>> tl.render.spectrogram_pngs({"silence": np.zeros(4096)}, "taken")
    Traceback (most recent call last):
        ...
    tunelens.exceptions.OutputExistsError: [Errno 17] cannot write: File exists: 'taken'
    """


class MissingDependencyError(TunelensError, ModuleNotFoundError):
    """An option needs an optional package that is not installed (``name`` holds it).

    For example ``resample(res_type="kaiser_best")`` needs ``resampy``, as in
    librosa, which raises ``ModuleNotFoundError`` in the same case.

    Examples
    --------
    >>> issubclass(tl.MissingDependencyError, ModuleNotFoundError)
    True
    >>> tl.MissingDependencyError("resampy is not installed", name="resampy").name
    'resampy'
    """


class TunelensInternalError(TunelensError, RuntimeError):
    """A bug in tunelens, such as a caught Rust panic. Please report it.

    Examples
    --------
    >>> issubclass(tl.TunelensInternalError, RuntimeError)
    True
    """


class MissingColumnError(TunelensError, KeyError):
    """A table lacks a column the call names (e.g. ``left_on``). The message names the column.

    Examples
    --------
    >>> import pandas as pd
    >>> songs = pd.DataFrame({"artist": ["Prince"], "title": ["Purple Rain"]})
    >>> tl.match_catalogs(songs, songs, left_on="name")
    Traceback (most recent call last):
        ...
    tunelens.exceptions.MissingColumnError: left has no column 'name' (from left_on); its columns are ['artist', 'title']
    """

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class TableNotFoundError(TunelensError, FileNotFoundError):
    """A table file (CSV, Parquet, JSON) to read does not exist. The message names it.

    Examples
    --------
    >>> tl.io.read_table("missing.csv")
    Traceback (most recent call last):
        ...
    tunelens.exceptions.TableNotFoundError: table not found: missing.csv
    """


class OperationCancelledError(TunelensError, RuntimeError):
    """A batch item that did not run because the call was interrupted (Ctrl-C).

    The interrupted call itself raises ``KeyboardInterrupt``; this class only
    marks items skipped by the cancellation.

    Examples
    --------
    >>> issubclass(tl.OperationCancelledError, RuntimeError)
    True
    """


class DownloadError(TunelensError, ConnectionError):
    """Example data could not be downloaded (offline, no package manager, the
    package gone from the archive). ``url`` holds what was asked for: the URL,
    or the package's path in the Debian archive when apt was asked.

    Parameters
    ----------
    message : str
        What failed, naming ``url``.
    url : str
        The URL, or the package's path in the archive.

    Examples
    --------
    >>> tl.datasets.fetch_recordings("data", mirror="http://127.0.0.1:9/debian", progress=False)
    Traceback (most recent call last):
        ...
    tunelens.exceptions.DownloadError: cannot download http://127.0.0.1:9/debian/pool/main/...: ...
    """

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class ChecksumMismatchError(TunelensError, ValueError):
    """A downloaded file's SHA-256 is not the one tunelens pins: the file is
    corrupt or not the release tunelens was tested with. It is not used.

    Examples
    --------
    >>> issubclass(tl.ChecksumMismatchError, ValueError)
    True
    """
