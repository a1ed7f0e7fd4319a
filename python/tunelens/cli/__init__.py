"""The ``tunelens`` command line (also ``python -m tunelens``).

Subcommands: ``features``, ``match``, ``recommend``, ``explain``,
``spectrogram`` and ``demo``; ``tunelens SUBCOMMAND --help`` describes each.

Exit codes: 0 on success, 2 for usage errors and missing inputs, 1 when the
processing fails. Errors are one line on stderr (``--debug`` adds the
traceback); progress bars go to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from typing import Any, Sequence

from tunelens.cli._common import UsageError, add_common
from tunelens.exceptions import AudioFileNotFoundError, TableNotFoundError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit code 2)."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand (each module's ``register`` adds its own).

    Returns
    -------
    argparse.ArgumentParser
        ``tunelens``'s parser; each subcommand sets ``run`` to its handler.

    Examples
    --------
    >>> from tunelens.cli import build_parser
    >>> args = build_parser().parse_args(["demo", "--songs", "3"])
    >>> args.command, args.songs
    ('demo', 3)
    """
    from tunelens.cli import commands, demo

    parser = _Parser(prog="tunelens", description="Fast, librosa-compatible music analysis, matching and "
                     "explainable recommendation from the shell.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for register in (*commands.REGISTER, demo.register):
        add_common(register(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tunelens`` script and ``python -m tunelens``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code (0 success, 1 processing failure, 2 usage error or missing input).

    Examples
    --------
    >>> from tunelens.cli import main
    >>> _ = tl.datasets.write_library("music", n_songs=2, duration=1.0)
    >>> main(["features", "music", "-o", "features.csv"])
    0
    >>> tl.io.read_table("features.csv").shape
    (2, 60)
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = f"tunelens {args.command}"
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except (UsageError, AudioFileNotFoundError, TableNotFoundError) as err:
        return _fail(prog, err, 2, args.debug)
    except Exception as err:  # noqa: BLE001 - every failure is one line (--debug: traceback)
        return _fail(prog, err, 1, args.debug)


def _fail(prog: str, err: BaseException, code: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    message = " ".join(str(err).split()) or type(err).__name__
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code
