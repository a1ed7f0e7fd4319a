"""The Indel metric (rapidfuzz 3.14's ``distance.Indel``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions("Indel", __name__)
