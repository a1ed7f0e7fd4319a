"""Progress bars: one rule for when a bar is shown, and which kind.

A bar is shown when someone can see it: stderr is a terminal, or the code runs
in a Jupyter kernel. In Jupyter the widget bar is used when ipywidgets is
installed and tqdm's plain text bar otherwise (``tqdm.auto`` would warn
"IProgress not found" there).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Iterator
from typing import Any


def visible() -> bool:
    """Whether a progress bar would be seen (a terminal or a notebook)."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def bar(total: int, desc: str, *, unit: str = "it", enabled: bool = True, leave: bool = True) -> Any:
    """A tqdm bar of ``total`` steps, or None when ``enabled`` is false or no one would see it."""
    if not enabled or not visible():
        return None
    if "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm(total=total, desc=desc, unit=unit, leave=leave, file=None if "ipykernel" in sys.modules else sys.stderr)


def track(items: Iterable[Any], total: int, desc: str, *, enabled: bool = True, leave: bool = True) -> Iterator[Any]:
    """``items``, advancing a bar (see :func:`bar`) by one per item."""
    shown = bar(total, desc, enabled=enabled, leave=leave)
    if shown is None:
        yield from items
        return
    try:
        for item in items:
            yield item
            shown.update(1)
    finally:
        shown.close()
