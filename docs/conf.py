"""Sphinx configuration of tunelens's documentation.

Build: ``pip install ".[docs]"`` then ``sphinx-build -W --keep-going -b html docs docs/_build/html``
(``tests/test_docs_build.py`` runs the same build). The site needs no network, neither to
build nor to read: no intersphinx, and the theme (furo) ships its assets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

import tunelens  # noqa: E402

project = "tunelens"
author = "the tunelens authors"
copyright = "the tunelens authors, MIT licence"
release = tunelens.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "apigen",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "examples/GALLERY_HEADER.rst", "**/*.ipynb", "**.md5", "**.py",
                    "auto_examples/*.zip"]
templates_path: list[str] = []

# MyST: the markdown pages (README's sections, reliability, formats) link to headings.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# API reference: pages written by _ext/apigen.py; autosummary only draws the tables.
autosummary_generate = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()

# The gallery: docs/examples/*.py executed at build time (figures, tables, audio players).
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": ("_repr_html_", "__repr__"),
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 1,
    "write_computation_times": False,  # its page loads tables from a CDN; the site must read offline
}

html_theme = "furo"
html_title = f"tunelens {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
