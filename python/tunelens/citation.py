"""How to cite tunelens: :func:`cite` gives the entry of the repository's ``CITATION.cff``."""

from __future__ import annotations

from tunelens._core import __version__
from tunelens.exceptions import InvalidParameterError

__all__ = ["cite"]

#: The fields ``CITATION.cff`` holds (tests/test_citation.py checks that the two agree).
TITLE = ("tunelens: fast, librosa- and rapidfuzz-compatible audio analysis, catalog matching "
         "and explainable music recommendation")
AUTHORS = "The tunelens developers"
YEAR = 2026


def cite(style: str = "bibtex") -> str:
    """The reference to cite when tunelens contributed to your work.

    Parameters
    ----------
    style : {"bibtex", "text"}
        A BibTeX ``@software`` entry, or one line of plain text.

    Returns
    -------
    str
        The citation, naming the installed version.

    Raises
    ------
    InvalidParameterError
        For another ``style``.

    Examples
    --------
    >>> import tunelens as tl
    >>> print(tl.cite("text"))  # doctest: +ELLIPSIS
    The tunelens developers (2026). tunelens: fast, ... Version ...
    >>> tl.cite().startswith("@software{tunelens,")
    True
    """
    if style == "text":
        return f"{AUTHORS} ({YEAR}). {TITLE}. Version {__version__}."
    if style == "bibtex":
        return (f"@software{{tunelens,\n  author = {{{{{AUTHORS}}}}},\n  title = {{{TITLE}}},\n"
                f"  year = {{{YEAR}}},\n  version = {{{__version__}}},\n}}")
    raise InvalidParameterError(f"invalid style: must be 'bibtex' or 'text', got {style!r}")
