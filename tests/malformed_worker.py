"""Child process of ``test_malformed.py``: loads each file given on the command line.

Prints ``start <name>`` before touching a file and one JSON outcome line after,
so the parent can enforce a per-file deadline and name the file of a hang or
crash. Outcomes: ``{"name", "call", "outcome": "ok"|"error"|"foreign", ...}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import tunelens as tl


def describe(call: str, name: str, work) -> dict:
    try:
        value = work()
    except tl.TunelensError as e:
        return {"name": name, "call": call, "outcome": "error", "class": type(e).__name__,
                "names_file": name in str(e), "message": str(e)}
    except BaseException as e:  # noqa: BLE001 - anything else is the failure we look for
        return {"name": name, "call": call, "outcome": "foreign", "class": type(e).__name__, "message": str(e)}
    return {"name": name, "call": call, "outcome": "ok", "value": value}


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def main(paths: list[str]) -> None:
    for p in paths:
        name = Path(p).name
        for call, work in (
            ("load", lambda: list(tl.load(p, sr=None)[0].shape)),
            ("get_duration", lambda: tl.get_duration(path=p)),
        ):
            print(f"start {call} {name}", flush=True)
            emit(describe(call, name, work))
    print("start load_batch *", flush=True)
    rows = tl.load_batch(paths, sr=None)
    emit({"name": "*", "call": "load_batch", "outcome": "ok", "value": [
        {"name": Path(p).name, "error": type(r).__name__ if isinstance(r, BaseException) else None,
         "names_file": Path(p).name in str(r) if isinstance(r, BaseException) else None,
         "typed": isinstance(r, tl.TunelensError) if isinstance(r, BaseException) else None}
        for p, r in zip(paths, rows)] + ([{"name": "<extra rows>", "error": "count"}] if len(rows) != len(paths) else [])})


if __name__ == "__main__":
    main(sys.argv[1:])
