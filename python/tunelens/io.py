"""Reading and writing the tables tunelens produces (features, matches,
recommendations) as CSV, Parquet or JSON, chosen by the file extension.

Paths may be local paths or fsspec URLs (``file://``, ``memory://``, and with
the matching fsspec backend installed ``s3://``, ``gs://`` ...): pandas and
pyarrow open them through fsspec. Offline, local paths, ``file://`` and
``memory://`` work.
"""

from __future__ import annotations

import os
import posixpath
from typing import Any

from tunelens._validate import writing
from tunelens.exceptions import InvalidParameterError, TableNotFoundError

__all__ = ["read_table", "write_table", "TABLE_FORMATS"]

#: File extensions (lower case) and the format each one selects.
TABLE_FORMATS = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
}


def table_format(path: str | os.PathLike[str]) -> str:
    """The format (``"csv"``, ``"parquet"`` or ``"json"``) of ``path``'s extension.

    Raises
    ------
    InvalidParameterError
        When the extension is not one of ``TABLE_FORMATS``.
    """
    name = os.fspath(path).lower()
    for ext in sorted(TABLE_FORMATS, key=len, reverse=True):
        if name.endswith(ext):
            return TABLE_FORMATS[ext]
    raise InvalidParameterError(
        f"cannot tell the table format of {os.fspath(path)!r}: use one of the extensions {sorted(TABLE_FORMATS)}"
    )


class _LocalFiles:
    """The filesystem calls this module makes, for local paths: fsspec is needed for URLs only."""

    exists = staticmethod(os.path.exists)
    open = staticmethod(open)

    @staticmethod
    def makedirs(path: str, exist_ok: bool = False) -> None:
        os.makedirs(path, exist_ok=exist_ok)


def _resolve(path: str | os.PathLike[str]) -> tuple[Any, str, str]:
    """(filesystem, its path, the path for pandas): local paths and ``file://``
    URLs become plain paths, other URLs stay URLs (opened through fsspec)."""
    path = os.fspath(path)
    if "://" not in path:
        return _LocalFiles, path, path
    import fsspec

    fs, inner = fsspec.core.url_to_fs(path)
    local = isinstance(fs, fsspec.implementations.local.LocalFileSystem)
    return fs, inner, inner if local else path


def read_table(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Reads a table written by :func:`write_table` (or any CSV/Parquet/JSON table).

    Parameters
    ----------
    path : str, PathLike or fsspec URL
        ``.csv`` (also ``.csv.gz``), ``.parquet``/``.pq`` or ``.json`` (a list
        of records, as :func:`write_table` writes it).
    **kwargs
        Passed to ``pandas.read_csv``, ``read_parquet`` or ``read_json``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TableNotFoundError
        When ``path`` does not exist.
    InvalidParameterError
        For an unknown extension, or contents that are not a table of that
        format (the message names the file and what the parser reported).

    Examples
    --------
    >>> import pandas as pd
    >>> _ = tl.io.write_table(pd.DataFrame({"id": [1, 2], "title": ["a", "b"]}), "songs.csv")
    >>> tl.io.read_table("songs.csv")
       id title
    0   1     a
    1   2     b
    """
    import pandas as pd

    fmt = table_format(path)
    fs, inner, target = _resolve(path)
    if not fs.exists(inner):
        raise TableNotFoundError(f"table not found: {os.fspath(path)}")
    try:
        if fmt == "csv":
            return pd.read_csv(target, **kwargs)
        if fmt == "parquet":
            return pd.read_parquet(target, **kwargs)
        return pd.read_json(target, orient="records", **{"precise_float": True, **kwargs})
    except (ValueError, UnicodeError) as err:  # pandas' and pyarrow's parse errors are ValueErrors
        detail = " ".join(str(err).split()) or type(err).__name__
        raise InvalidParameterError(f"cannot read {os.fspath(path)!r} as a {fmt} table: {detail}") from err


def write_table(df: Any, path: str | os.PathLike[str], **kwargs: Any) -> str:
    """Writes a DataFrame as CSV, Parquet or JSON, chosen by the extension.

    The index is not written (tunelens tables keep their ids in columns);
    JSON is a list of records, one object per row, with floats written to
    round-trip exactly and missing values as ``null``.

    Parameters
    ----------
    df : pandas.DataFrame
    path : str, PathLike or fsspec URL
        ``.csv`` (``.csv.gz`` compressed), ``.parquet``/``.pq`` or ``.json``.
        Parent folders of local paths are created.
    **kwargs
        Passed to ``DataFrame.to_csv``, ``to_parquet`` or ``json.dump``.

    Returns
    -------
    str
        The path written.

    Raises
    ------
    InvalidParameterError
        For an unknown extension or when ``df`` is not a DataFrame.
    OutputWriteError
        When the file cannot be written (no permission, a folder in the way,
        a file among its parent folders); the message names it.

    Examples
    --------
    >>> import pandas as pd
    >>> songs = pd.DataFrame({"id": [1, 2], "title": ["a", "b"]})
    >>> tl.io.write_table(songs, "songs.parquet")
    'songs.parquet'
    >>> tl.io.read_table("songs.parquet").equals(songs)
    True
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InvalidParameterError(f"invalid df: expected a pandas DataFrame, got {type(df).__name__}")
    fmt = table_format(path)
    fs, inner, target = _resolve(path)
    with writing(path):
        fs.makedirs(posixpath.dirname(inner) or ".", exist_ok=True)
        if fmt == "csv":
            df.to_csv(target, index=False, **kwargs)
        elif fmt == "parquet":
            df.to_parquet(target, index=False, **kwargs)
        else:
            _write_json(df, fs, inner, **kwargs)
    return os.fspath(path)


def _write_json(df: Any, fs: Any, path: str, **kwargs: Any) -> None:
    """A list of records with round-trip floats (``repr``), missing values as null."""
    import json

    records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    with fs.open(path, "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1, ensure_ascii=False, allow_nan=False, default=_plain, **kwargs)
        f.write("\n")


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers, anything else (timestamps ...) as text."""
    return value.item() if hasattr(value, "item") else str(value)
