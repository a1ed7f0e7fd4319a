"""Helpers shared by the subcommands: options, input checks, progress, output."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tunelens._progress import track
from tunelens.extract import AUDIO_EXTENSIONS, audio_files_in


class UsageError(Exception):
    """A bad command line or a missing input (exit code 2)."""


def add_common(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Adds ``--n-jobs`` and ``--debug`` to a subcommand."""
    parser.add_argument("--n-jobs", type=int, default=-1, metavar="N",
                        help="threads for the heavy work (-1: all cores; default -1)")
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    return parser


def interactive() -> bool:
    """Whether progress bars are wanted (stderr is a terminal)."""
    return sys.stderr.isatty()


def progress(items: Iterable[Any], total: int, desc: str) -> Iterator[Any]:
    """``items`` with a progress bar on stderr when it is a terminal."""
    return track(items, total, desc, enabled=interactive(), leave=False)


def existing(path: str) -> str:
    """``path`` if it exists (local path or fsspec URL), else a :class:`UsageError`."""
    if "://" in path:
        import fsspec

        fs, inner = fsspec.core.url_to_fs(path)
        found = fs.exists(inner)
    else:
        found = os.path.exists(path)
    if not found:
        raise UsageError(f"no such file or folder: {path}")
    return path


def audio_files(inputs: list[str]) -> Any:
    """What ``extract_features`` takes for the command-line inputs: one folder
    as is (rows named by relative path), else the files with every folder
    expanded to its audio files (sorted)."""
    for path in inputs:
        existing(path)
        if "://" not in path and os.path.isdir(path) and not audio_files_in(path, warn=False):
            raise UsageError(f"no audio files ({', '.join(sorted(AUDIO_EXTENSIONS))}) in the folder {path}")
    if len(inputs) == 1:
        return inputs[0]
    files: list[str] = []
    for path in inputs:
        if os.path.isdir(path):
            files += [str(p) for p in audio_files_in(path, warn=False)]
        else:
            files.append(path)
    return files


def columns(text: str | None) -> list[str] | None:
    """``"artist,title"`` -> ``["artist", "title"]``."""
    if text is None:
        return None
    names = [c.strip() for c in text.split(",") if c.strip()]
    if not names:
        raise UsageError(f"expected comma-separated column names, got {text!r}")
    return names


def read_input_table(path: str) -> Any:
    """A table argument (csv/parquet/json), with usage errors for bad names."""
    from tunelens.exceptions import InvalidParameterError
    from tunelens.io import read_table

    existing(path)
    try:
        return read_table(path)
    except (InvalidParameterError, OSError) as err:  # a bad extension or contents, a folder, no permission
        raise UsageError(str(err)) from err


def write_output(df: Any, path: str | None, what: str) -> None:
    """Writes ``df`` to ``path`` (format by extension), or as CSV to stdout."""
    from tunelens.exceptions import InvalidParameterError
    from tunelens.io import table_format, write_table

    if path is None:
        df.to_csv(sys.stdout, index=False)
        return
    try:
        table_format(path)
    except InvalidParameterError as err:
        raise UsageError(str(err)) from err
    write_table(df, path)
    print(f"wrote {len(df)} {what} to {path}", file=sys.stderr)


def load_callable(spec: str) -> Callable[..., Any]:
    """The function named by ``MODULE:FUNC`` (importable module) or ``path/file.py:FUNC``."""
    target, sep, name = spec.rpartition(":")
    if not sep or not target or not name:
        raise UsageError(f"--model must be MODULE:FUNC or FILE.py:FUNC, got {spec!r}")
    if target.endswith(".py") or os.sep in target or "/" in target:
        existing(target)
        module_name = f"_tunelens_model_{Path(target).stem}"
        loader = importlib.util.spec_from_file_location(module_name, target)
        if loader is None or loader.loader is None:
            raise UsageError(f"cannot import {target}")
        module = importlib.util.module_from_spec(loader)
        sys.modules[module_name] = module
        loader.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as err:
            raise UsageError(f"cannot import module {target!r}: {err}") from err
    fn = getattr(module, name, None)
    if not callable(fn):
        raise UsageError(f"{target} has no function {name!r}")
    return fn
