"""The JaroWinkler metric (rapidfuzz 3.14's ``distance.JaroWinkler``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions("JaroWinkler", __name__)
