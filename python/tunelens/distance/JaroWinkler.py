"""The JaroWinkler metric (rapidfuzz 3.14's ``distance.JaroWinkler``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions(
    "JaroWinkler",
    __name__,
    "Jaro similarity boosted by the common prefix (up to 4 elements) times prefix_weight; all four results are floats in 0..1.",
    "prefix_weight : float, optional\n    Weight of the common prefix, in 0..1 (default 0.1).\n",
    normalized_only=True,
)
