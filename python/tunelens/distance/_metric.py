"""Builds the four functions of one metric module."""

from __future__ import annotations

from tunelens import _core
from tunelens._scorers import decorate

_KINDS = ("distance", "similarity", "normalized_distance", "normalized_similarity")

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

_CUTOFF = {
    "distance": "Distances above it are returned as ``score_cutoff + 1``.",
    "similarity": "Similarities below it are returned as 0.",
    "normalized_distance": "Distances above it are returned as 1.",
    "normalized_similarity": "Similarities below it are returned as 0.",
}


def functions(metric: str, module: str, about: str, options: str, normalized_only: bool) -> tuple:
    """``(distance, similarity, normalized_distance, normalized_similarity)`` of
    ``metric`` as documented callables of module ``module``."""
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
