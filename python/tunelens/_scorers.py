"""Scorer objects implemented in Rust (``tunelens.distance``), decorated with
the attributes of rapidfuzz's scorer protocol (``_RF_ScorerPy``,
``_RF_OriginalScorer``) so rapidfuzz's own ``process`` functions read their
optimal/worst scores. (The ``fuzz`` scorers are plain builtins: rapidfuzz's
defaults, worst 0 and optimal 100, are already theirs.)"""

from __future__ import annotations

from typing import Any, Callable

RESULT_F64 = 32
RESULT_SIZE_T = 128
SYMMETRIC = 2048
_SIZE_MAX = 2**63 - 1

#: (optimal, worst, result flag) per kind of score.
FLAGS = {
    "distance": (0, _SIZE_MAX, RESULT_SIZE_T),
    "similarity": (_SIZE_MAX, 0, RESULT_SIZE_T),
    "normalized_distance": (0, 1, RESULT_F64),
    "normalized_similarity": (1, 0, RESULT_F64),
}


def scorer_flags(kind: str) -> Callable[..., dict[str, Any]]:
    """rapidfuzz's ``get_scorer_flags`` callback for a kind of score: symmetric
    unless ``weights`` (Levenshtein's) cost insertions and deletions differently."""
    optimal, worst, result = FLAGS[kind]

    def get_scorer_flags(weights: Any = None, **_kwargs: Any) -> dict[str, Any]:
        symmetric = weights is None or weights[0] == weights[1]
        return {"optimal_score": optimal, "worst_score": worst, "flags": result | (SYMMETRIC if symmetric else 0)}

    return get_scorer_flags


def decorate(obj: Any, name: str, module: str, kind: str, doc: str) -> Any:
    """Gives a Rust scorer object a function's name, docstring and rapidfuzz's
    scorer attributes; returns it."""
    obj.__name__ = name
    obj.__qualname__ = name
    obj.__module__ = module
    obj.__doc__ = doc
    obj._RF_ScorerPy = {"get_scorer_flags": scorer_flags(kind)}
    obj._RF_OriginalScorer = obj
    obj._tunelens_kind = kind
    return obj
