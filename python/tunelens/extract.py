"""``extract_features``: a folder, paths or arrays to one pandas DataFrame of
GTZAN-style summary features (one row per input, in input order)."""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from tunelens import _core, effects, feature, onset
from tunelens._progress import track
from tunelens._validate import audio
from tunelens.spectral import melspectrogram, power_to_db, stft
from tunelens.exceptions import AudioFileNotFoundError, InvalidParameterError, TunelensError

__all__ = ["extract_features", "GTZAN_FEATURES", "DESCRIPTORS", "AUDIO_EXTENSIONS", "NoAudioFilesWarning"]

#: File extensions a folder input is searched for (recursively).
AUDIO_EXTENSIONS = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".aiff", ".aif", ".au", ".m4a", ".mp4", ".aac")

#: Columns of ``feature_set="descriptors"`` (see :mod:`tunelens.descriptors`).
DESCRIPTORS = ("key", "mode", "key_confidence", "loudness", "dynamic_range", "tempo", "tempo_confidence", "duration")

#: The summarised features of GTZAN's ``features_30_sec.csv``, in column order.
GTZAN_FEATURES = ("chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff",
                  "zero_crossing_rate", "harmony", "perceptr", "tempo", "mfcc")


def _columns(names: Sequence[str]) -> list[str]:
    cols: list[str] = []
    for name in names:
        if name == "tempo":
            cols.append("tempo")
        elif name == "mfcc":
            cols += [f"mfcc{i}_{s}" for i in range(1, 21) for s in ("mean", "var")]
        else:
            cols += [f"{name}_mean", f"{name}_var"]
    return cols


def _summary(x: np.ndarray) -> list[float]:
    """Mean and population variance (``np.mean``/``np.var`` on the feature's own dtype)."""
    return [float(np.mean(x)), float(np.var(x))]


def _gtzan_values(y: np.ndarray, sr: int, names: Sequence[str], kaggle: bool, n_jobs: int = -1) -> list[float]:
    """The GTZAN summary values of one mono signal.

    The full 57-column set (``"gtzan"``, or ``kaggle``: the published
    ``features_30_sec.csv`` recipe, see :func:`extract_features`) is one Rust
    call, ``_core.gtzan_features``: one shared STFT, and with ``n_jobs=1`` the
    whole clip on one worker thread. A subset of ``names`` is computed feature
    by feature with librosa 0.11's defaults, one STFT serving every spectral
    feature as librosa computes each from the same ``stft(y)``: its magnitude
    for centroid/bandwidth/rolloff, its power for chroma (tuning included) and
    the mel spectrogram, whose dB scale feeds both the MFCCs and the onset
    envelope of the tempo.
    """
    if kaggle or list(names) == list(GTZAN_FEATURES):
        return _core.gtzan_features(y, sr=float(sr), recipe="gtzan_kaggle" if kaggle else "gtzan", n_jobs=n_jobs)
    spectral = {"chroma_stft", "spectral_centroid", "spectral_bandwidth", "rolloff", "tempo", "mfcc"}
    if spectral.intersection(names):
        mag = np.abs(stft(y))
        power = mag**2
    out: list[float] = []
    separated: tuple[np.ndarray, np.ndarray] | None = None
    mel_db: np.ndarray | None = None
    for name in names:
        if name == "chroma_stft":
            out += _summary(feature.chroma_stft(S=power, sr=sr))
        elif name == "rms":
            out += _summary(feature.rms(y=y))
        elif name == "spectral_centroid":
            out += _summary(feature.spectral_centroid(S=mag, sr=sr))
        elif name == "spectral_bandwidth":
            out += _summary(feature.spectral_bandwidth(S=mag, sr=sr))
        elif name == "rolloff":
            out += _summary(feature.spectral_rolloff(S=mag, sr=sr))
        elif name == "zero_crossing_rate":
            out += _summary(feature.zero_crossing_rate(y))
        elif name in ("harmony", "perceptr"):
            separated = separated or effects.hpss(y)  # one separation for both columns
            out += _summary(separated[0] if name == "harmony" else separated[1])
        elif name in ("tempo", "mfcc"):
            mel_db = power_to_db(melspectrogram(S=power, sr=sr)) if mel_db is None else mel_db
            if name == "tempo":
                env = onset.onset_strength(S=mel_db, sr=sr)
                out.append(float(feature.tempo(onset_envelope=env, sr=sr)[0]))
            else:
                for row in feature.mfcc(S=mel_db, n_mfcc=20):
                    out += _summary(row)
    return out


def _resolve_names(feature_set: Any) -> tuple[list[str], bool, list[str]]:
    """(GTZAN features, kaggle recipe?, descriptor columns) of a ``feature_set``."""
    if isinstance(feature_set, str):
        if feature_set in ("gtzan", "gtzan_kaggle"):
            return list(GTZAN_FEATURES), feature_set == "gtzan_kaggle", []
        if feature_set == "descriptors":
            return [], False, list(DESCRIPTORS)
        if feature_set == "all":
            return list(GTZAN_FEATURES), False, [d for d in DESCRIPTORS if d != "tempo"]
        raise InvalidParameterError(f"feature_set='{feature_set}' is not one of 'gtzan', 'gtzan_kaggle', "
                                    f"'descriptors', 'all' or a list of {list(GTZAN_FEATURES) + list(DESCRIPTORS)}")
    names = list(feature_set)
    unknown = [n for n in names if n not in GTZAN_FEATURES and n not in DESCRIPTORS]
    if unknown or not names:
        raise InvalidParameterError(f"unknown feature names {unknown}; choose from {list(GTZAN_FEATURES) + list(DESCRIPTORS)}")
    gtzan = [n for n in GTZAN_FEATURES if n in names]
    return gtzan, False, [d for d in DESCRIPTORS if d in names and d not in gtzan]


class NoAudioFilesWarning(UserWarning):
    """A folder given as input holds no file with an audio extension: the result is empty.

    The message names the folder and the extensions of the files it skipped.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from pathlib import Path
    >>> folder = tempfile.mkdtemp()
    >>> _ = Path(folder, "notes.txt").write_text("no audio here")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     tl.extract_features(folder).shape
    (0, 60)
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    no audio files in the folder '...': it holds only files with .txt; supported extensions: .wav, ...
    """


def audio_files_in(folder: str | os.PathLike[str], *, warn: bool = True) -> list[Path]:
    """The audio files under ``folder`` (recursively, by extension in
    :data:`AUDIO_EXTENSIONS`), sorted by path.

    Everything with such a name that is not a folder is listed, a named pipe
    or a device too: reading it then fails with an error naming it (a row of
    its own in a batch) instead of the file being skipped without a word.
    When there is none, a :class:`NoAudioFilesWarning` (unless ``warn`` is
    false) names the extensions of the files skipped.

    Examples
    --------
    >>> audio_files_in("music/")  # doctest: +SKIP
    [PosixPath('music/a.flac'), PosixPath('music/rock/b.mp3')]
    """
    files, skipped = [], set()
    for p in Path(folder).rglob("*"):
        if p.is_dir():
            continue
        if p.suffix.lower() in AUDIO_EXTENSIONS:
            files.append(p)
        else:
            skipped.add(p.suffix.lower() or "(no extension)")
    if not files and warn:
        held = f"only files with {', '.join(sorted(skipped))}" if skipped else "no files"
        warnings.warn(NoAudioFilesWarning(
            f"no audio files in the folder '{os.fspath(folder)}': it holds {held}; "
            f"supported extensions: {', '.join(AUDIO_EXTENSIONS)}"), stacklevel=3)
    return sorted(files)


def _items(inputs: Any) -> list[tuple[str, Any]]:
    """(filename, path-or-array) pairs in input order."""
    if isinstance(inputs, (str, os.PathLike)) and Path(inputs).is_dir():
        root = Path(inputs)
        files = audio_files_in(root)
        return [(str(p.relative_to(root)), p) for p in files]
    if isinstance(inputs, (str, os.PathLike)):
        if not os.path.lexists(inputs):
            raise AudioFileNotFoundError(2, "no such file or folder", os.fspath(inputs))
        return [(Path(inputs).name, inputs)]
    if isinstance(inputs, Mapping):
        return [(str(k), v) for k, v in inputs.items()]
    if isinstance(inputs, np.ndarray) and inputs.ndim == 1:
        return [("0", inputs)]
    return [(Path(x).name if isinstance(x, (str, os.PathLike)) else str(i), x) for i, x in enumerate(inputs)]


def _signal(source: Any, sr: int, offset: float, duration: float | None) -> np.ndarray:
    if isinstance(source, (str, os.PathLike)):
        from tunelens.audio import load

        y, _ = load(source, sr=sr, mono=True, offset=offset, duration=duration)
    else:
        y = _array_window(audio(source), sr, offset, duration)
    if y.size == 0:
        raise InvalidParameterError("the signal has no samples (after offset/duration)")
    return y


def _array_window(y: np.ndarray, sr: int, offset: float, duration: float | None) -> np.ndarray:
    """A mono view of an in-memory signal, cut to ``offset``/``duration``."""
    if y.ndim > 1:
        y = np.mean(y, axis=tuple(range(y.ndim - 1))).astype(y.dtype)  # librosa.to_mono
    start = int(round(offset * sr))
    stop = None if duration is None else start + int(round(duration * sr))
    return y[start:stop]


def extract_features(inputs: Any, *, feature_set: Any = "gtzan", sr: int = 22050, duration: float | None = None,
                     offset: float = 0.0, n_jobs: int = -1, progress: bool = True, on_error: str = "record") -> Any:
    """Summary features of many clips as a pandas DataFrame, GTZAN-style.

    Parameters
    ----------
    inputs : folder, path, list of paths, list of arrays or dict of arrays
        A folder is searched recursively for audio files (``AUDIO_EXTENSIONS``,
        sorted by path); one without any gives an empty table and a
        :class:`NoAudioFilesWarning` naming what it skipped. Arrays are taken at ``sr`` (multichannel arrays are
        averaged to mono); files are decoded with :func:`tunelens.load` and
        resampled to ``sr``.
    feature_set : "gtzan", "gtzan_kaggle", "descriptors", "all" or list of str
        ``"gtzan"``: the 57 columns of GTZAN's ``features_30_sec.csv`` computed
        with librosa 0.11's defaults (chroma_stft, rms, spectral_centroid,
        spectral_bandwidth, rolloff, zero_crossing_rate, harmony and perceptr
        (the signals of ``effects.hpss``), each as ``_mean`` and population
        ``_var``; ``tempo``; ``mfcc1_mean`` ... ``mfcc20_var``).
        ``"gtzan_kaggle"``: the recipe of the published CSV (librosa < 0.10 on
        numpy < 2: reflect padding, the STFT computed in double precision and
        rounded to complex64, natural-length iSTFT for harmony/perceptr, tempo
        as ``beat_track`` reports it). ``"descriptors"``: ``DESCRIPTORS`` (key, mode,
        key_confidence, loudness in LUFS of the mono signal, dynamic_range,
        tempo, tempo_confidence, duration; see :mod:`tunelens.descriptors`).
        ``"all"``: both. A list picks names from ``GTZAN_FEATURES`` and ``DESCRIPTORS``.
    sr : int
        Sample rate of the analysis.
    duration, offset : float
        Seconds to analyse and to skip at the start.
    n_jobs : int
        Clips processed concurrently (-1: all cores); heavy work runs in Rust
        without the GIL.
    progress : bool
        Show a progress bar when a terminal or notebook is attached.
    on_error : "record" or "raise"
        ``"record"``: a failing input becomes a row with NaN features and its
        message in the ``error`` column; ``"raise"``: the first failure raises.

    Returns
    -------
    pandas.DataFrame
        Columns ``filename, length, <features>, error``; ``length`` is the
        number of samples analysed.

    Raises
    ------
    AudioFileNotFoundError
        ``inputs`` is one path (file or folder) that does not exist. In a list,
        a missing file is a row with its error instead.

    Examples
    --------
    >>> _ = tl.datasets.write_library("music", n_songs=2, duration=2.0)
    >>> table = tl.extract_features("music", progress=False)
    >>> table.shape
    (2, 60)
    >>> list(table.columns[:6])
    ['filename', 'length', 'chroma_stft_mean', 'chroma_stft_var', 'rms_mean', 'rms_var']
    """
    import pandas as pd

    if on_error not in ("record", "raise"):
        raise InvalidParameterError(f"on_error must be 'record' or 'raise', got {on_error!r}")
    names, kaggle, wanted = _resolve_names(feature_set)
    items = _items(inputs)
    columns = _columns(names) + wanted
    n_workers = _core_threads(n_jobs)
    # One clip per worker thread: a clip's own loops stay on its thread unless
    # a single clip may use every core.
    clip_jobs = 1 if n_workers == 1 or len(items) > 1 else n_jobs

    def row(item: tuple[str, Any]) -> dict:
        filename, source = item
        try:
            y = _signal(source, sr, offset, duration)
            values = _gtzan_values(y, sr, names, kaggle, n_jobs=clip_jobs)
            if wanted:
                from tunelens.descriptors import describe

                found = describe(y, sr)
                values += [found[d] for d in wanted]
            return {"filename": filename, "length": int(y.shape[-1]), **dict(zip(columns, values)), "error": None}
        except Exception as exc:  # noqa: BLE001 - every failure becomes a row
            if on_error == "raise":
                raise
            message = f"{type(exc).__name__}: {exc}" if not isinstance(exc, TunelensError) else str(exc)
            return {"filename": filename, "length": np.nan, **{c: np.nan for c in columns}, "error": message}

    # Short clips make the STFT warn once per feature; a batch reports them in
    # its rows instead (the filter is process-wide, so it wraps the whole pool).
    with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=n_workers) as pool:
        warnings.simplefilter("ignore", UserWarning)
        try:
            rows = list(track(pool.map(row, items), len(items), "extract_features", enabled=progress))
        except BaseException:
            # Ctrl-C (or on_error="raise"), possibly while map() is still
            # submitting: drop the queued clips instead of letting the pool's
            # exit run them all; only the clips in flight finish.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return pd.DataFrame(rows, columns=["filename", "length", *columns, "error"])


def _core_threads(n_jobs: int) -> int:
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
        raise InvalidParameterError(f"n_jobs must be a non-zero integer (-1 = all cores), got {n_jobs!r}")
    cores = os.cpu_count() or 1
    return n_jobs if n_jobs > 0 else max(1, cores + 1 + n_jobs)
