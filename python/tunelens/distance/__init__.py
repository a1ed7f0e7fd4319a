"""rapidfuzz-exact edit distances (``tunelens.distance``), implemented in Rust.

Each metric (``Levenshtein``, ``Indel``, ``Hamming``, ``Jaro``, ``JaroWinkler``)
exposes ``distance``, ``similarity``, ``normalized_distance`` and
``normalized_similarity`` with rapidfuzz 3.14's arguments and results.
"""

from __future__ import annotations

from tunelens.distance import Hamming, Indel, Jaro, JaroWinkler, Levenshtein

__all__ = ["Levenshtein", "Indel", "Hamming", "Jaro", "JaroWinkler"]
