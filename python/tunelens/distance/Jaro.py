"""The Jaro metric (rapidfuzz 3.14's ``distance.Jaro``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions(
    "Jaro",
    __name__,
    "Jaro similarity (common elements within the matching window and their transpositions); all four results are floats in 0..1.",
    "",
    normalized_only=True,
)
