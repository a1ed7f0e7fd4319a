"""Builds the four functions of one metric module."""

from __future__ import annotations

from tunelens import _core
from tunelens._scorers import decorate

_KINDS = _core.OPTION_NAMES["matching.Kind"]

_DOC = """{metric} {kind} of ``s1`` and ``s2`` (rapidfuzz 3.14's ``{metric}.{kind}``).

{about}

Parameters
----------
s1, s2 : str or Sequence[Hashable]
    The strings (or sequences of hashables) to compare.
{options}processor : callable, optional
    Applied to both arguments first.
score_cutoff : {cutoff_type}, optional
    {cutoff}
score_hint : optional
    Accepted for rapidfuzz compatibility; ignored.

Returns
-------
{result_type}
    The {kind}, identical to rapidfuzz's.

Examples
--------
>>> from tunelens.distance import {metric}
>>> {call}
{value}
"""

#: The documented example's result, ``{kind}("karolin", "kathrin")``, per metric (rapidfuzz's values).
_EXAMPLE = {
    "Hamming": (3, 4, 0.4286, 0.5714),
    "Indel": (4, 10, 0.2857, 0.7143),
    "Jaro": (0.1905, 0.8095, 0.1905, 0.8095),
    "JaroWinkler": (0.1524, 0.8476, 0.1524, 0.8476),
    "Levenshtein": (3, 4, 0.4286, 0.5714),
}

#: Per metric: what it measures (the docstring's summary line) and the Parameters
#: entries of its own options; Jaro and JaroWinkler return floats for all four kinds.
_ABOUT = {
    "Hamming": (
        "Number of positions with different elements; with pad the length difference counts as mismatches.",
        "pad : bool, optional\n    Pad the shorter sequence (default True); False raises ValueError for unequal lengths.\n",
    ),
    "Indel": ("Minimum number of insertions and deletions turning s1 into s2 (len1 + len2 - 2 LCS).", ""),
    "Jaro": (
        "Jaro similarity (common elements within the matching window and their transpositions); "
        "all four results are floats in 0..1.",
        "",
    ),
    "JaroWinkler": (
        "Jaro similarity boosted by the common prefix (up to 4 elements) times prefix_weight; "
        "all four results are floats in 0..1.",
        "prefix_weight : float, optional\n    Weight of the common prefix, in 0..1 (default 0.1).\n",
    ),
    "Levenshtein": (
        "Minimum total cost of insertions, deletions and substitutions turning s1 into s2 "
        "(bit-parallel for unit weights).",
        "weights : tuple of int, optional\n    ``(insertion, deletion, substitution)`` costs, default ``(1, 1, 1)``.\n",
    ),
}

_NORMALIZED_ONLY = frozenset({"Jaro", "JaroWinkler"})

_CUTOFF = {
    "distance": "Distances above it are returned as ``score_cutoff + 1``.",
    "similarity": "Similarities below it are returned as 0.",
    "normalized_distance": "Distances above it are returned as 1.",
    "normalized_similarity": "Similarities below it are returned as 0.",
}


def functions(metric: str, module: str) -> tuple:
    """``(distance, similarity, normalized_distance, normalized_similarity)`` of
    ``metric`` as documented callables of module ``module``."""
    about, options = _ABOUT[metric]
    normalized_only = metric in _NORMALIZED_ONLY
    made = []
    for kind, value in zip(_KINDS, _EXAMPLE[metric]):
        integer = not normalized_only and not kind.startswith("normalized")
        call = f'{metric}.{kind}("karolin", "kathrin")'
        doc = _DOC.format(
            metric=metric,
            kind=kind,
            about=about,
            options=options,
            cutoff_type="int" if integer else "float",
            cutoff=_CUTOFF[kind],
            result_type="int" if integer else "float",
            call=call if integer else f"round({call}, 4)",
            value=value,
        )
        flags = kind if integer else ("normalized_distance" if "distance" in kind else "normalized_similarity")
        made.append(decorate(_core.DistanceFunction(metric, kind), kind, module, flags, doc))
    return tuple(made)
