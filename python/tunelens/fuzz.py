"""rapidfuzz-exact fuzzy string scorers (``tunelens.fuzz``), implemented in Rust.

Every scorer is called as ``scorer(s1, s2, *, processor=None, score_cutoff=None)``
and returns a float in 0..100 equal to rapidfuzz 3.14's result. ``s1``/``s2`` are
strings or any sequences of hashables; None (or NaN) scores 0. The objects carry
rapidfuzz's scorer attributes, so ``rapidfuzz.process`` accepts them too.
"""

from __future__ import annotations

from tunelens import _core
from tunelens._scorers import decorate

__all__ = ["ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "token_ratio", "partial_token_sort_ratio", "partial_token_set_ratio", "partial_token_ratio", "WRatio", "QRatio"]

_DOC = """{summary}

Parameters
----------
s1, s2 : str or Sequence[Hashable] or None
    The strings (or sequences of hashables) to compare.
processor : callable, optional
    Applied to both arguments first (e.g. ``tunelens.utils.default_process``).
score_cutoff : float, optional
    Scores below it are returned as 0 (default 0).
score_hint : float, optional
    Accepted for rapidfuzz compatibility; ignored.

Returns
-------
float
    Similarity in 0..100, identical to ``rapidfuzz.fuzz.{name}``; {empty}
"""


def _scorer(name: str, summary: str, empty: str) -> _core.FuzzScorer:
    doc = _DOC.format(summary=summary, name=name, empty=empty)
    return decorate(_core.FuzzScorer(name), name, __name__, "fuzz", doc)


ratio = _scorer("ratio", "Normalized Indel similarity of ``s1`` and ``s2``, times 100.", "empty vs empty scores 100.")
partial_ratio = _scorer("partial_ratio", "Best ``ratio`` of the shorter string against every alignment (window, prefix, suffix) of the longer one; equal lengths try both ways.", "an empty string scores 0 against a non-empty one, 100 against an empty one.")
token_sort_ratio = _scorer("token_sort_ratio", "``ratio`` of the whitespace-separated tokens, sorted and rejoined.", "empty vs empty scores 100.")
token_set_ratio = _scorer("token_set_ratio", "Best ``ratio`` between the common tokens and the common tokens plus each side's remaining tokens (100 when one token set contains the other).", "either string without tokens scores 0.")
token_ratio = _scorer("token_ratio", "Maximum of ``token_set_ratio`` and ``token_sort_ratio`` (computed together).", "empty vs empty scores 100.")
partial_token_sort_ratio = _scorer("partial_token_sort_ratio", "``partial_ratio`` of the sorted, rejoined tokens.", "empty vs empty scores 100.")
partial_token_set_ratio = _scorer("partial_token_set_ratio", "100 when the strings share a token, else ``partial_ratio`` of the token differences.", "either string without tokens scores 0.")
partial_token_ratio = _scorer("partial_token_ratio", "Maximum of ``partial_token_set_ratio`` and ``partial_token_sort_ratio``.", "empty vs empty scores 100.")
WRatio = _scorer("WRatio", "Weighted ratio: ``ratio`` and token ratios (×0.95) for similar lengths; partial ratios scaled by 0.9 (length ratio ≤ 8) or 0.6 otherwise.", "either string empty scores 0.")
QRatio = _scorer("QRatio", "``ratio``, except that an empty string scores 0.", "either string empty scores 0.")
