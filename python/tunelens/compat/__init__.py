"""Drop-in replacements for the libraries music research notebooks import.

Change ``import librosa`` to ``import tunelens.compat.librosa as librosa`` (and
``from rapidfuzz import fuzz, process`` to ``from tunelens.compat.rapidfuzz
import fuzz, process``) and the rest of the code keeps working:

- every name tunelens implements is served by tunelens, with the reference
  library's signature;
- any other name falls back to the real library when it is installed, with one
  :class:`TunelensFallbackWarning` per name and process;
- without the real library, such a name raises an ``AttributeError`` naming it.
"""

from __future__ import annotations

__all__ = ["TunelensFallbackWarning"]


class TunelensFallbackWarning(UserWarning):
    """A compat name is not implemented by tunelens; the real library serves it (slower).

    Examples
    --------
    Silence it where the slower fallback is expected:

    >>> import warnings
    >>> import tunelens.compat.librosa as librosa
    >>> from tunelens.compat import TunelensFallbackWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", TunelensFallbackWarning)
    ...     cqt = librosa.cqt  # tunelens has no constant-Q transform: librosa's own
    >>> cqt.__module__
    'librosa.core.constantq'
    """
