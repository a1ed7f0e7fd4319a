"""Debian binary packages: downloaded with apt (or from a mirror), checked
against a pinned SHA-256 and unpacked with the standard library.

A ``.deb`` is an ``ar`` archive whose ``data.tar.*`` member holds the files;
only the members a caller asks for are written, each under its base name.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from tunelens.exceptions import ChecksumMismatchError, DownloadError, UnsupportedFormatError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Deb:
    """One pinned binary package of the Debian archive."""

    name: str
    version: str
    #: Path in the archive, below a mirror's ``debian/`` folder.
    pool_path: str
    sha256: str
    size: int


def download(deb: Deb, folder: Path, mirror: str | None, advance: Callable[[int], Any]) -> Path:
    """``deb`` downloaded into ``folder`` and verified; ``advance(n)`` is told of each ``n`` bytes.

    Without ``mirror``, ``apt-get download`` fetches it from the system's
    configured Debian sources; with one, it is read from ``<mirror>/<pool_path>``.

    Raises
    ------
    DownloadError
        Naming the URL (or the package and its archive path when apt was asked).
    ChecksumMismatchError
        When the file's SHA-256 is not the pinned one.
    """
    if mirror is None:
        path = _apt_download(deb, folder)
        advance(deb.size)
        where = f"{deb.name}={deb.version} ({deb.pool_path})"
    else:
        where = f"{mirror.rstrip('/')}/{deb.pool_path}"
        path = folder / Path(deb.pool_path).name
        _url_download(where, path, advance)
    digest = _sha256(path)
    if digest != deb.sha256:
        raise ChecksumMismatchError(f"{where}: SHA-256 {digest} is not the pinned {deb.sha256}")
    return path


def _apt_download(deb: Deb, folder: Path) -> Path:
    apt = shutil.which("apt-get")
    if apt is None:
        raise DownloadError(
            f"cannot download {deb.name} {deb.version} ({deb.pool_path}): apt-get is not installed; "
            "pass mirror= (the URL of a Debian mirror's 'debian' folder) or set TUNELENS_DEBIAN_MIRROR",
            url=deb.pool_path,
        )
    try:
        done = subprocess.run([apt, "download", f"{deb.name}={deb.version}"], cwd=folder, capture_output=True,
                              text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DownloadError(f"cannot download {deb.pool_path} with apt-get: {exc}", url=deb.pool_path) from exc
    found = sorted(folder.glob(f"{deb.name}_*.deb"))
    if done.returncode != 0 or not found:
        errors = [line for line in done.stderr.splitlines() if line.startswith(("E:", "Err"))] or [done.stderr.strip()]
        raise DownloadError(
            f"apt-get download {deb.name}={deb.version} failed ({'; '.join(errors)}) for {deb.pool_path}: "
            "offline, or the package lists are stale (run 'apt-get update'), or this system's archive lacks "
            "that version (pass mirror= or set TUNELENS_DEBIAN_MIRROR)",
            url=deb.pool_path,
        )
    return found[0]


def _url_download(url: str, path: Path, advance: Callable[[int], Any]) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response, path.open("wb") as out:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                advance(len(chunk))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DownloadError(f"cannot download {url}: {reason}", url=url) from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def extract(deb_path: Path, wanted: Callable[[str], bool], folder: Path) -> list[str]:
    """Writes the regular files of the package's ``data.tar.*`` for which
    ``wanted(path)`` holds (paths as listed, ``./usr/...``) into ``folder``
    under their base names; returns those names in archive order.

    Raises
    ------
    UnsupportedFormatError
        When the file is not a ``.deb`` or its data member is compressed in a
        way this Python cannot read (zstd before Python 3.14).
    """
    written = []
    with deb_path.open("rb") as f:
        member, size = _data_member(f, deb_path)
        try:
            with tarfile.open(fileobj=_Slice(f, size), mode="r|*") as tar:
                for info in tar:
                    if info.isfile() and wanted(info.name):
                        name = Path(info.name).name
                        source = tar.extractfile(info)
                        assert source is not None  # a regular file always has data
                        with source, (folder / name).open("wb") as out:
                            shutil.copyfileobj(source, out, _CHUNK)
                        written.append(name)
        except tarfile.ReadError as exc:
            raise UnsupportedFormatError(f"{deb_path}: cannot read its {member} ({exc}); zstd needs Python >= 3.14") from exc
    return written


def _data_member(f: BinaryIO, deb_path: Path) -> tuple[str, int]:
    """Positions ``f`` at the start of the ``data.tar.*`` member; its name and size."""
    if f.read(8) != b"!<arch>\n":
        raise UnsupportedFormatError(f"{deb_path}: not a Debian package (no ar archive header)")
    while header := f.read(60):
        if len(header) < 60 or header[58:60] != b"`\n":
            break
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        if name.startswith("data.tar"):
            return name, size
        f.seek(size + size % 2, io.SEEK_CUR)  # members are padded to an even length
    raise UnsupportedFormatError(f"{deb_path}: no data.tar member")


class _Slice(io.RawIOBase):
    """The next ``size`` bytes of ``f``, as a stream."""

    def __init__(self, f: BinaryIO, size: int) -> None:
        self._f, self._left = f, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._left)
        data = self._f.read(n)
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)


def replace_folder(tmp: Path, final: Path) -> None:
    """Moves the finished ``tmp`` folder to ``final`` unless another process got there first."""
    try:
        os.replace(tmp, final)
    except OSError:
        if not final.is_dir():
            raise
        shutil.rmtree(tmp, ignore_errors=True)
