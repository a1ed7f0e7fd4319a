"""The Hamming metric (rapidfuzz 3.14's ``distance.Hamming``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions("Hamming", __name__)
