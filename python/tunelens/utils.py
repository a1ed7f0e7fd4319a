"""String preprocessing shared with rapidfuzz (``tunelens.utils``)."""

from __future__ import annotations

from tunelens import _core
from tunelens._validate import typed_errors

__all__ = ["default_process"]


@typed_errors
def default_process(sentence: str) -> str:
    """Lower-case ``sentence``, replace non-alphanumerics by spaces, trim.

    Exactly rapidfuzz 3.14's ``utils.default_process``: alphanumeric means
    alphanumeric in rapidfuzz's own Unicode tables (so every script is kept),
    and each such character is mapped to its simple lower case.

    Parameters
    ----------
    sentence : str
        The string to preprocess.

    Returns
    -------
    str
        The processed string.

    Examples
    --------
    >>> tl.utils.default_process("  Hello, World!  ")
    'hello  world'
    """
    return _core.default_process(sentence)
