"""Every code block of README.md and of the documentation's markdown pages runs.

A page's ```python blocks run in order in one fresh namespace, its ```bash blocks
(the command line) in ``bash -euo pipefail`` in between, all in one temporary
working directory, so a block may use what an earlier block of the same page made.
``tunelens`` in a bash block is this interpreter's ``python -m tunelens``. Commands
that must not run here (installing, building, the whole test suite, the
conformance runner) are ```console blocks; any other fence language (or none) is
text: diagrams, tables. A page that uses ``fetch_recordings`` gets the test
session's cached recordings (the ``recordings`` fixture: fetched once, skipped off
CI where they cannot be downloaded).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PAGES = [p for p in PAGES if "_build" not in p.parts and "auto_examples" not in p.parts]
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RUN = ("python", "bash")
TEXT = ("console", "text", "")


def _blocks(page: Path) -> list[tuple[str, str, int]]:
    """``(language, code, first line)`` of each fenced block."""
    text = page.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 2) for m in FENCE.finditer(text)]


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


RUNNABLE = [p for p in PAGES if any(lang in RUN for lang, _, _ in _blocks(p))]


def test_every_block_is_run_or_marked_as_text() -> None:
    unknown = [(_name(p), line, lang) for p in PAGES for lang, _, line in _blocks(p) if lang not in RUN + TEXT]
    assert not unknown, f"fences neither run ({RUN}) nor text ({TEXT}): {unknown}"


def test_the_readme_examples_that_once_failed_are_run() -> None:
    readme = {lang: "\n".join(code for lg, code, _ in _blocks(ROOT / "README.md") if lg == lang) for lang in RUN}
    assert "load_batch" in readme["python"]
    assert re.search(r"tunelens features .* -o (\S+\.csv).*\n(.*\n)*tunelens recommend \1", readme["bash"])


@pytest.mark.parametrize("page", RUNNABLE, ids=_name)
def test_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: Any) -> None:
    blocks = [b for b in _blocks(page) if b[0] in RUN]
    source = "\n".join(code for _, code, _ in blocks)
    if "fetch_recordings" in source:
        request.getfixturevalue("recordings")
        monkeypatch.setenv("TUNELENS_DATA", str(request.config.cache.mkdir("tunelens-data")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # a page may write a module (a model) and import it
    namespace: dict[str, Any] = {"__name__": "__doc_example__"}
    shell = f'tunelens() {{ "{sys.executable}" -m tunelens "$@"; }}\n'
    try:
        for language, code, line in blocks:
            where = f"{_name(page)}, block at line {line}"
            if language == "python":
                exec(compile(code, where, "exec"), namespace)
                continue
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", shell + code], cwd=tmp_path,
                                  env=os.environ.copy(), capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"{where} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
