"""The five notebooks are stored executed (small outputs, no errors) and still execute headless.

The figures of the stored outputs come from Jupyter's inline backend; the re-execution here sets
``MPLBACKEND=Agg`` in the kernel's environment instead, and reads the real recordings from the
session's cache (``TUNELENS_DATA``). The numbers the notebooks state are checked in
``test_notebook_claims.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
#: Stored size of one notebook (figures as PNG at 72 dpi, audio clipped and at a low rate).
MAX_BYTES = 1_000_000


def test_the_five_notebooks_are_there_and_small() -> None:
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]
    assert sum(p.stat().st_size for p in NOTEBOOKS) < 3_000_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_executed(path: Path) -> None:
    assert path.stat().st_size < MAX_BYTES
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], "warnings in the outputs"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 1
    assert book.cells[0].cell_type == "markdown"
    for cell in code:  # tutorials, not tests; figures shown by whichever backend the reader has
        assert "matplotlib.use" not in cell.source and "assert " not in cell.source


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem[:2] in ("03", "05")], ids=lambda p: p.stem)
def test_audio_players_are_clipped(path: Path) -> None:
    players = [o for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code" for o in c.outputs
               if "<audio" in o.get("data", {}).get("text/html", "")]
    assert len(players) == 3
    assert all(len(o.data["text/html"]) < 130_000 for o in players)  # <= 5 s at <= 11 kHz, 16-bit WAV in base64


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path, recordings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TUNELENS_DATA", str(Path(recordings.path[0]).parents[2]))
    book = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    # "python3" is the kernel ipykernel registers for the interpreter running the tests.
    NotebookClient(book, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    elapsed = time.perf_counter() - started
    # 6-33 s each on 2 shared cores; the bound leaves room for a loaded machine.
    assert elapsed < 120, f"{path.name} took {elapsed:.0f} s"
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
