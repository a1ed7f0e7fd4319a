"""tunelens: fast, librosa-compatible audio analysis and explainable music recommendation.

The engine is written in Rust (``tunelens._core``); this package is its Python face.
Each submodule lists its public names in ``__all__``; they are re-exported here.
"""

from __future__ import annotations

from tunelens import audio, cluster, convert, datasets, exceptions, filters, neighbors, recommend, render, spectral
from tunelens import explain
from tunelens._core import __version__
from tunelens.audio import *  # noqa: F403
from tunelens.cluster import *  # noqa: F403
from tunelens.convert import *  # noqa: F403
from tunelens.exceptions import *  # noqa: F403
from tunelens.neighbors import *  # noqa: F403
from tunelens.recommend import *  # noqa: F403
from tunelens.spectral import *  # noqa: F403
from tunelens.taste import TasteProfile
from tunelens import beat, decompose, descriptors, effects, feature, onset
from tunelens.extract import extract_features
from tunelens import plot
from tunelens.text import normalize, split_featuring
from tunelens.catalog import match_catalogs
from tunelens import io
from tunelens import distance, fuzz, process, utils

__all__ = [
    "__version__",
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
