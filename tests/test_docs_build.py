"""The documentation site builds with warnings as errors, reads offline, and documents
the whole public API.

The build runs ``sphinx-build -W --keep-going -b html`` on a copy of ``docs/`` (without
generated pages), so every gallery example executes afresh: an example broken by a change
of the API fails here even where a local build would reuse its cached output. The gallery
reads the real recordings of the test session's cache (the ``recordings`` fixture).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GALLERY = sorted(p.stem for p in (ROOT / "docs" / "examples").glob("plot_*.py"))


def _require(module: str) -> None:
    """The docs extra's packages: required on CI, a skip elsewhere."""
    if os.environ.get("CI"):
        __import__(module)
    else:
        pytest.importorskip(module)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, request: Any) -> Path:
    for module in ("sphinx", "furo", "numpydoc", "myst_parser", "sphinx_gallery", "IPython", "matplotlib"):
        _require(module)
    request.getfixturevalue("recordings")
    tmp = tmp_path_factory.mktemp("docs")
    source = tmp / "docs"
    shutil.copytree(ROOT / "docs", source, ignore=shutil.ignore_patterns(
        "_build", "auto_examples", "api", "sg_execution_times.rst", "__pycache__"))
    env = dict(os.environ, MPLBACKEND="Agg", TUNELENS_DATA=str(request.config.cache.mkdir("tunelens-data")))
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
                           "-d", str(tmp / "doctrees"), str(source), str(tmp / "html")],
                          env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"sphinx-build failed:\n{done.stderr[-20000:]}"
    return tmp / "html"


def test_pages_load_nothing_from_the_network(site: Path) -> None:
    remote = re.compile(r"<(?:script|link|img|audio|source|iframe)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.I)
    offenders = [str(p.relative_to(site)) for p in site.rglob("*.html") if remote.search(p.read_text("utf-8"))]
    assert not offenders, f"pages that fetch assets from the network: {offenders}"


def test_the_guide_tutorial_and_evidence_are_pages(site: Path) -> None:
    for page in ("index", "tutorial", "benchmarks", "reliability", "formats", "conformance", "architecture",
                 "guide/audio", "guide/catalog", "guide/fuzzy", "api/index", "auto_examples/index"):
        assert (site / f"{page}.html").is_file(), page


def test_gallery_pages_have_figures_and_players(site: Path) -> None:
    assert len(GALLERY) >= 6
    pages = {name: (site / "auto_examples" / f"{name}.html").read_text("utf-8") for name in GALLERY}
    without_figures = [name for name, html in pages.items() if "sphx-glr-single-img" not in html
                       and "sphx-glr-multi-img" not in html]
    assert not without_figures, without_figures
    players = [name for name, html in pages.items() if re.search(r"<audio\b[^>]*controls", html)]
    assert {"plot_01_load_and_plot", "plot_02_gtzan_table", "plot_06_listenable_explanation"} <= set(players)


def test_api_reference_documents_every_public_object(site: Path) -> None:
    from sphinx.util.inventory import InventoryFile

    import test_docstrings

    with open(site / "objects.inv", "rb") as f:
        inventory = InventoryFile.load(f, "", lambda base, uri: uri)
    entries_by_kind = getattr(inventory, "data", inventory)  # an object from Sphinx 9.1 on, a dict before
    documented = {name for kind, entries in entries_by_kind.items() if kind.startswith("py:") for name in entries}
    missing = [name for name, (kind, _) in test_docstrings.PUBLIC.items() if kind != "module" and name not in documented]
    assert not missing, f"public objects missing from the API reference: {missing}"
    modules = [f"tunelens.{m}" for m in MODULES.split()]
    assert not [m for m in ["tunelens", *modules] if m not in documented]


#: The public modules the reference has a page for (besides the top level).
MODULES = """feature effects onset beat decompose filters convert spectral render plot explain catalog text fuzz
             distance process datasets extract descriptors io taste recommend neighbors cluster dask compat.librosa
             compat.rapidfuzz exceptions cli audio utils citation compat"""
