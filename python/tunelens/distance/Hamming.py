"""The Hamming metric (rapidfuzz 3.14's ``distance.Hamming``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions(
    "Hamming",
    __name__,
    "Number of positions with different elements; with pad the length difference counts as mismatches.",
    "pad : bool, optional\n    Pad the shorter sequence (default True); False raises ValueError for unequal lengths.\n",
    normalized_only=False,
)
