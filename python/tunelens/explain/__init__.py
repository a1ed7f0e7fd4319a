"""Listenable explanations: audioLIME-style perturbation scoring for any audio model.

Split a clip into components (:class:`TimeSegments`, :class:`FrequencyBands`,
:class:`HarmonicPercussive`, :class:`Stems`, their :class:`Product`), switch random subsets off, ask the
model again, and fit lime's kernel-weighted linear surrogate (:func:`explain`;
:func:`explain_recommendation` scores by feature-space similarity to a seed song); the components
with the largest weights can be played back (:meth:`Explanation.audio`).
"""

from __future__ import annotations

from tunelens.explain.explainer import explain
from tunelens.explain.explanation import Explanation, UninformativeExplanationWarning
from tunelens.explain.recommendation import explain_recommendation
from tunelens.explain.factorizations import (
    Decomposition,
    Factorization,
    FrequencyBands,
    HarmonicPercussive,
    Product,
    Stems,
    TimeSegments,
)

__all__ = [
    "explain",
    "explain_recommendation",
    "Explanation",
    "UninformativeExplanationWarning",
    "Factorization",
    "Decomposition",
    "TimeSegments",
    "FrequencyBands",
    "HarmonicPercussive",
    "Stems",
    "Product",
]
