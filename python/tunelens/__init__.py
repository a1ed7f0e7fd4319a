"""tunelens: fast, librosa-compatible audio analysis and explainable music recommendation.

The engine is written in Rust (``tunelens._core``); this package is its Python face.
"""

from __future__ import annotations

from tunelens._core import __version__
from tunelens.exceptions import (
    AudioDecodeError,
    AudioFileNotFoundError,
    AudioReadError,
    InvalidParameterError,
    TunelensError,
    TunelensInternalError,
    UnsupportedFormatError,
)
from tunelens.cluster import PCA, KMeans, davies_bouldin_score, describe_clusters, silhouette_score
from tunelens.neighbors import NearestNeighbors
from tunelens.recommend import Recommender
from tunelens.taste import TasteProfile

__all__ = [
    "__version__",
    "TunelensError",
    "InvalidParameterError",
    "AudioDecodeError",
    "UnsupportedFormatError",
    "AudioFileNotFoundError",
    "AudioReadError",
    "TunelensInternalError",
    "NearestNeighbors",
    "Recommender",
    "PCA",
    "KMeans",
    "silhouette_score",
    "davies_bouldin_score",
    "describe_clusters",
    "TasteProfile",
]
