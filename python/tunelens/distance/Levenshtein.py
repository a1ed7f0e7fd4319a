"""The Levenshtein metric (rapidfuzz 3.14's ``distance.Levenshtein``)."""

from __future__ import annotations

from tunelens.distance._metric import functions

__all__ = ["distance", "similarity", "normalized_distance", "normalized_similarity"]

distance, similarity, normalized_distance, normalized_similarity = functions(
    "Levenshtein",
    __name__,
    "Minimum total cost of insertions, deletions and substitutions turning s1 into s2 (bit-parallel for unit weights).",
    "weights : tuple of int, optional\n    ``(insertion, deletion, substitution)`` costs, default ``(1, 1, 1)``.\n",
    normalized_only=False,
)
