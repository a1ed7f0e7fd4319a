"""The Jaro metric (rapidfuzz 3.14's ``distance.Jaro``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions("Jaro", __name__)
