"""tunelens: fast, librosa-compatible audio analysis and explainable music recommendation.

The engine is written in Rust (``tunelens._core``); this package is its Python face.
Each submodule lists its public names in ``__all__``; they are re-exported here.
Submodules that are namespaces (``tunelens.feature``, ``tunelens.plot`` ...) and
the names listed in ``_LAZY_NAMES`` load on first use (PEP 562), so ``import
tunelens`` stays cheap and never loads scipy, pandas or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

from tunelens import audio, cluster, convert, exceptions, neighbors, recommend, spectral
from tunelens.citation import cite
from tunelens._core import __version__
from tunelens.audio import *  # noqa: F403
from tunelens.cluster import *  # noqa: F403
from tunelens.convert import *  # noqa: F403
from tunelens.exceptions import *  # noqa: F403
from tunelens.neighbors import *  # noqa: F403
from tunelens.recommend import *  # noqa: F403
from tunelens.spectral import *  # noqa: F403

#: Submodules imported on first attribute access (``tunelens.feature``).
_LAZY_MODULES = (
    "beat", "catalog", "datasets", "decompose", "descriptors", "distance", "effects", "explain", "extract",
    "feature", "filters", "fuzz", "io", "onset", "plot", "process", "render", "taste", "text", "utils",
)

#: Names re-exported from a lazily imported submodule: name -> submodule.
_LAZY_NAMES = {
    "TasteProfile": "taste",
    "extract_features": "extract",
    "normalize": "text",
    "split_featuring": "text",
    "match_catalogs": "catalog",
}


def __getattr__(name: str) -> Any:
    """Imports a lazy submodule, or the submodule of a lazy name, on first use."""
    if name in _LAZY_MODULES:
        return importlib.import_module(f"tunelens.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"tunelens.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tunelens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_LAZY_MODULES))


__all__ = [
    "__version__",
    "cite",
    "datasets",
    "filters",
    "render",
    "TasteProfile",
    "explain",
    *exceptions.__all__,
    *audio.__all__,
    *spectral.__all__,
    *convert.__all__,
    *neighbors.__all__,
    *recommend.__all__,
    *cluster.__all__,
    "feature",
    "effects",
    "decompose",
    "onset",
    "beat",
    "descriptors",
    "extract_features",
    "plot",
    "normalize",
    "split_featuring",
    "match_catalogs",
    "io",
    "fuzz",
    "distance",
    "process",
    "utils",
]
