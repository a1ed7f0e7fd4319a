"""Real recordings under free licences, from game-music packages of the Debian
archive (served as ``tunelens.datasets.fetch_recordings``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tunelens._deb import Deb, download, extract, replace_folder
from tunelens._validate import output_path, writing
from tunelens.exceptions import InvalidParameterError, InvalidTypeError


@dataclass(frozen=True)
class _Source:
    deb: Deb
    style: str
    artist: str
    license: str
    #: Folder of the recordings inside the package (without the leading "./").
    folder: str
    extension: str


#: The pinned packages (Debian 12 "bookworm", main). The styles are assigned per package.
_SOURCES = (
    _Source(Deb("drascula-music", "1.0+ds4-2", "pool/main/d/drascula/drascula-music_1.0+ds4-2_all.deb",
                "340e0beb1bacf005cbabebc07ebdd88adf6aee363d437f8a7d73cb0c77a93e79", 36429732),
            style="soundtrack", artist="Alcachofa Soft (Drascula: The Vampire Strikes Back)",
            license="Drascula-License (BSD-like, DFSG-free)", folder="usr/share/scummvm/drascula/audio", extension=".ogg"),
    _Source(Deb("parsec47-data", "0.2.dfsg1-9", "pool/main/p/parsec47/parsec47-data_0.2.dfsg1-9_all.deb",
                "5411a7a186cd06433db14b82b6f90e1f3e2cb345dfaf6f4d0f14dec17de8beff", 4069676),
            style="electronic", artist="Kenta Cho (PARSEC47)", license="BSD-2-Clause",
            folder="usr/share/games/parsec47/sounds", extension=".ogg"),
    _Source(Deb("gunroar-data", "0.15.dfsg1-10", "pool/main/g/gunroar/gunroar-data_0.15.dfsg1-10_all.deb",
                "d5b0b86f4baef55534d83e77c7a66c91d4c385168fcb19e090553827e282f360", 4853064),
            style="electronic", artist="Kenta Cho (Gunroar)", license="BSD-2-Clause",
            folder="usr/share/games/gunroar/sounds/musics", extension=".ogg"),
    _Source(Deb("powermanga-data", "0.93.1-5", "pool/main/p/powermanga/powermanga-data_0.93.1-5_all.deb",
                "8b881c8db097f5119be73f87ba370a95bcb331acf3fb6312b3b0383e13642542", 9861804),
            style="chiptune", artist="TLK Games (Powermanga, handheld-console music)", license="GPL-3+",
            folder="usr/share/games/powermanga/sound/handheld_console", extension=".ogg"),
)

_COLUMNS = ["path", "package", "version", "style", "title", "artist", "license", "duration", "sample_rate",
            "copyright"]


def recording_sources() -> Any:
    """The Debian packages :func:`fetch_recordings` downloads, with their licences.

    Each package is pinned to one version and its SHA-256; every recording of a
    package gets the package's style:

    - ``soundtrack``: the score of the adventure game *Drascula: The Vampire
      Strikes Back* (31 tracks, mostly melodic, few drums);
    - ``electronic``: Kenta Cho's music for the shooters *PARSEC47* and
      *Gunroar* (8 tracks, synthesizers and drum machines);
    - ``chiptune``: *Powermanga*'s handheld-console music (3 tracks, square
      waves and noise drums).

    Returns
    -------
    pandas.DataFrame
        ``package, version, style, artist, license, size`` (bytes to download),
        ``pool_path`` (the file's path below a Debian mirror's ``debian/``
        folder) and ``sha256``.

    Examples
    --------
    >>> sources = tl.datasets.recording_sources()
    >>> sources[["package", "style", "license"]]
               package       style                                 license
    0   drascula-music  soundtrack  Drascula-License (BSD-like, DFSG-free)
    1    parsec47-data  electronic                            BSD-2-Clause
    2     gunroar-data  electronic                            BSD-2-Clause
    3  powermanga-data    chiptune                                  GPL-3+
    >>> round(int(sources["size"].sum()) / 1e6, 1)  # MB downloaded once
    55.2
    """
    import pandas as pd

    return pd.DataFrame([dict(package=s.deb.name, version=s.deb.version, style=s.style, artist=s.artist,
                              license=s.license, size=s.deb.size, pool_path=s.deb.pool_path, sha256=s.deb.sha256)
                         for s in _SOURCES])


def fetch_recordings(cache_dir: str | os.PathLike[str] | None = None, *, mirror: str | None = None,
                     progress: bool = True) -> Any:
    """Real recordings in three styles, downloaded once into a cache (like ``librosa.example``).

    The recordings are the music of four game packages of the Debian archive,
    under free licences (:func:`recording_sources`): 42 Ogg Vorbis files, about
    an hour of music, 55 MB to download. Each package is fetched at a pinned
    version, checked against its pinned SHA-256 and unpacked with the standard
    library; only its music and its ``copyright`` file (the licence, which
    travels with the files) are kept. Later calls read the cache and download
    nothing.

    The packages are fetched with ``apt-get download`` from the system's
    configured Debian sources; where there is no apt (or its archive is not
    Debian 12's), pass ``mirror``, the URL of any Debian mirror's ``debian``
    folder, and they are downloaded from ``<mirror>/<pool_path>``.

    Parameters
    ----------
    cache_dir : str, PathLike or None
        Folder of the cache; ``None``: ``$TUNELENS_DATA``, else
        ``$XDG_CACHE_HOME/tunelens``, else ``~/.cache/tunelens``. The
        recordings go to ``<cache_dir>/recordings/<package>/``.
    mirror : str or None
        A Debian mirror's URL, used instead of apt; ``None``: ``$TUNELENS_DEBIAN_MIRROR``
        if set, else apt.
    progress : bool
        Show a tqdm bar of the download when tqdm is installed and a terminal
        or notebook is attached.

    Returns
    -------
    pandas.DataFrame
        One row per recording: ``path`` (of the audio file), ``package``,
        ``version``, ``style`` (``"soundtrack"``, ``"electronic"`` or
        ``"chiptune"``), ``title`` (from the file name), ``artist``,
        ``license``, ``duration`` (seconds), ``sample_rate`` (Hz, the file's)
        and ``copyright`` (the path of the package's copyright file).

    Raises
    ------
    DownloadError
        Offline, no apt and no mirror, or the pinned version is not in the
        archive; the message names the URL or the package's archive path.
    ChecksumMismatchError
        A download's SHA-256 is not the pinned one (nothing is unpacked).

    Examples
    --------
    The download needs the network, so it is skipped here:

    >>> recordings = tl.datasets.fetch_recordings()  # doctest: +SKIP
    >>> recordings.groupby("style").size()  # doctest: +SKIP
    style
    chiptune       3
    electronic     8
    soundtrack    31
    dtype: int64

    What it would download, and under which licences, is known offline:

    >>> tl.datasets.recording_sources().groupby("style").package.apply(list).to_dict()
    {'chiptune': ['powermanga-data'], 'electronic': ['parsec47-data', 'gunroar-data'], 'soundtrack': ['drascula-music']}
    """
    import pandas as pd

    root = Path(output_path(_cache_dir(cache_dir), "cache_dir")) / "recordings"
    mirror = (os.environ.get("TUNELENS_DEBIAN_MIRROR") or None) if mirror is None else mirror
    if mirror is not None and (not isinstance(mirror, str) or not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", mirror)):
        raise InvalidParameterError(f"mirror must be a URL such as 'https://<host>/debian', got {mirror!r}")
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be True or False, got {progress!r}")
    with writing(root):
        root.mkdir(parents=True, exist_ok=True)
    missing = [s for s in _SOURCES if _manifest(root / s.deb.name, s) is None]
    bar, advance = _progress_bar(sum(s.deb.size for s in missing), progress)
    try:
        for source in missing:
            _fetch(source, root, mirror, advance)
    finally:
        if bar is not None:
            bar.close()
    rows = []
    for source in _SOURCES:
        folder = root / source.deb.name
        manifest = _manifest(folder, source)
        assert manifest is not None  # fetched above
        for item in manifest["files"]:
            rows.append(dict(path=str(folder / item["file"]), package=source.deb.name, version=source.deb.version,
                             style=source.style, title=Path(item["file"]).stem.replace("_", " "),
                             artist=source.artist, license=source.license, duration=item["duration"],
                             sample_rate=item["sample_rate"], copyright=str(folder / "copyright")))
    return pd.DataFrame(rows, columns=_COLUMNS)


def _cache_dir(cache_dir: Any) -> Any:
    if cache_dir is not None:
        return cache_dir
    if os.environ.get("TUNELENS_DATA"):
        return os.environ["TUNELENS_DATA"]
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tunelens"


def _manifest(folder: Path, source: _Source) -> dict | None:
    """The folder's manifest when it holds this pinned package, complete."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("sha256") != source.deb.sha256 or not all((folder / f["file"]).is_file() for f in manifest["files"]):
        return None
    return manifest


def _fetch(source: _Source, root: Path, mirror: str | None, advance: Callable[[int], Any]) -> None:
    """Downloads, verifies and unpacks one package into ``root/<package>`` (atomically)."""
    from tunelens.audio import get_duration, get_samplerate

    final = root / source.deb.name
    with writing(root):
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{source.deb.name}-"))
    try:
        deb = download(source.deb, tmp, mirror, advance)
        unpacked = tmp / "unpacked"
        prefix, doc = f"./{source.folder}/", f"./usr/share/doc/{source.deb.name}/copyright"

        def wanted(name: str) -> bool:
            inside = name.startswith(prefix) and "/" not in name[len(prefix):]
            return name == doc or (inside and name.endswith(source.extension))

        with writing(unpacked):
            unpacked.mkdir()
            names = [n for n in extract(deb, wanted, unpacked) if n != "copyright"]
        names.sort(key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)])
        files = [dict(file=n, duration=round(float(get_duration(path=unpacked / n)), 3),
                      sample_rate=int(get_samplerate(unpacked / n))) for n in names]
        manifest = dict(package=source.deb.name, version=source.deb.version, sha256=source.deb.sha256, files=files)
        with writing(final):
            (unpacked / "manifest.json").write_text(json.dumps(manifest, indent=1))
            if final.exists():  # an older or incomplete copy
                shutil.rmtree(final)
            replace_folder(unpacked, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _progress_bar(total: int, enabled: bool) -> tuple[Any, Callable[[int], Any]]:
    """A tqdm bar of ``total`` bytes and its ``advance(n)``, when someone can see it."""
    if not enabled or total == 0 or not (sys.stderr.isatty() or "ipykernel" in sys.modules):
        return None, lambda n: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, lambda n: None
    bar = tqdm(total=total, unit="B", unit_scale=True, desc="fetch_recordings")
    return bar, bar.update


def cut_clips(recordings: Any, *, sr: int = 22050, seconds: float = 10.0, per_recording: int = 4,
              skip: float = 5.0) -> tuple[Any, dict]:
    """Clips cut from recordings, evenly spaced, for tables of features per clip.

    Each recording gives ``min(per_recording, (duration - skip) // seconds)``
    clips of ``seconds``, the first starting ``skip`` seconds in and the last
    ending at the end of the recording; recordings too short for one clip give
    none. Clips of one recording share its ``path``: group by it when
    cross-validating, so that clips of one track never sit in both the
    training and the test folds.

    Parameters
    ----------
    recordings : pandas.DataFrame
        A ``path`` column (as :func:`fetch_recordings` returns); its other
        columns are carried over to the clips.
    sr : int
        Sample rate of the clips in Hz.
    seconds : float
        Length of each clip.
    per_recording : int
        Most clips taken from one recording.
    skip : float
        Seconds skipped at the start of each recording (intros, silence).

    Returns
    -------
    table : pandas.DataFrame
        One row per clip: ``clip_id`` (``"<file stem>#<k>"``), ``start`` (seconds)
        and the recording's columns.
    clips : dict of str to np.ndarray
        The mono float32 samples of each clip, by ``clip_id`` (the form
        :func:`tunelens.extract_features` takes).

    Examples
    --------
    >>> library = tl.datasets.write_library("music", n_songs=2, duration=12.0)
    >>> table, clips = tl.datasets.cut_clips(library, seconds=3.0, per_recording=3, skip=1.0)
    >>> table[["clip_id", "start", "genre"]]
         clip_id  start genre
    0  dz00000#0    1.0   pop
    1  dz00000#1    5.0   pop
    2  dz00000#2    9.0   pop
    3  dz00001#0    1.0  jazz
    4  dz00001#1    5.0  jazz
    5  dz00001#2    9.0  jazz
    >>> clips["dz00000#1"].shape
    (66150,)
    """
    import numpy as np
    import pandas as pd

    from tunelens._validate import positive_int, positive_number
    from tunelens.audio import load

    sr = positive_int(sr, "sr")
    seconds = positive_number(seconds, "seconds")
    per_recording = positive_int(per_recording, "per_recording")
    if not skip >= 0:
        raise InvalidParameterError(f"skip must be >= 0 seconds, got {skip!r}")
    if "path" not in getattr(recordings, "columns", ()):
        raise InvalidParameterError("recordings must be a DataFrame with a 'path' column (as fetch_recordings returns)")
    rows, clips = [], {}
    length = int(round(seconds * sr))
    for record in recordings.to_dict("records"):
        y, _ = load(record["path"], sr=sr)
        duration = y.size / sr
        n = min(per_recording, int((duration - skip) // seconds))
        for k, start in enumerate(np.linspace(skip, duration - seconds, n) if n > 1 else [skip] * n):
            name = f"{Path(record['path']).stem}#{k}"
            first = int(round(start * sr))
            clips[name] = y[first:first + length]
            rows.append({"clip_id": name, "start": round(float(start), 3), **record})
    return pd.DataFrame(rows, columns=["clip_id", "start", *recordings.columns]), clips
