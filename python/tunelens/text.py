"""Music-aware normalization of catalog keys (artist names, titles).

The rules run in Rust, vectorised over all values and without the GIL.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from tunelens import _core

__all__ = ["normalize", "split_featuring", "FOLD_TABLE", "VERSION_WORDS"]

#: Letters that Unicode NFKD leaves whole, and their folding (``fold_accents``).
FOLD_TABLE = {"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
              "þ": "th", "Þ": "TH", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "ı": "i", "ħ": "h", "Ħ": "H",
              "ŧ": "t", "Ŧ": "T"}

#: Words that mark a bracketed group or a `` - `` suffix as a version tag (``drop_version_tags``).
VERSION_WORDS = ("remaster", "remastered", "remasterd", "remix", "remixed", "mix", "mixed", "edit", "live",
                 "acoustic", "version", "deluxe", "edition", "mono", "stereo", "explicit", "clean",
                 "instrumental", "demo", "unplugged", "karaoke", "bonus", "anniversary", "expanded",
                 "single", "radio", "extended", "recorded", "rerecorded", "session", "sessions", "dub")


def normalize(
    text: Any,
    *,
    fold_accents: bool = True,
    casefold: bool = True,
    drop_featuring: bool = True,
    drop_version_tags: bool = True,
    unify_and: bool = True,
    drop_leading_the: bool = False,
    punctuation: bool = True,
    n_jobs: int = -1,
) -> Any:
    """Normalizes artist names and titles so that two catalogs' spellings agree.

    The rules run in this order; each can be switched off:

    1. **Unicode.** NFC always, so precomposed and decomposed input agree.
       ``fold_accents``: NFKD, then the combining marks of the Latin, Greek and
       Cyrillic diacritic blocks (U+0300-036F, U+1AB0-1AFF, U+1DC0-1DFF,
       U+20D0-20FF, U+FE20-FE2F) are dropped and the rest recomposed (NFC):
       "Beyoncé" -> "beyonce", "Sigur Rós" -> "sigur ros", "Ёлка" -> "елка".
       Marks of other scripts are kept: kana voicing marks (ガ), Hangul
       syllables, Arabic and Hebrew points stay as they are. NFKD also folds
       compatibility forms (full-width letters, ligatures, superscripts).
       Letters NFKD does not decompose go through :data:`FOLD_TABLE`
       (æ->ae, ø->o, ł->l, đ/ð->d, þ->th, œ->oe, ß->ss, ı->i, ħ->h, ŧ->t).
       Letters and digits of every script are kept ("Кино" -> "кино",
       "宇多田ヒカル" unchanged).
    2. ``casefold``: full Unicode case folding (ß -> ss, ς -> σ).
    3. ``drop_featuring``: credits are removed (see :func:`split_featuring`):
       bracketed ``(feat. X)``, ``[ft X]``, ``(featuring X)``, ``(with X)``,
       and unbracketed `` feat. X`` / `` ft. X`` / `` featuring X`` up to the
       next bracket, `` - `` or the end. A bare "with" is kept ("Dancing with
       Myself").
    4. ``drop_version_tags``: a bracketed group ``(...)``, ``[...]``, ``{...}``
       holding a word of :data:`VERSION_WORDS` ("(Remastered 2011)",
       "[Radio Edit]", "(Live)", "(Mono)") is removed, and so is a `` - ``
       (hyphen, en or em dash between spaces) suffix holding one
       ("- Live at Wembley", "- 2011 Remaster", "- Single Version"). Other
       brackets stay: "(I Can't Get No) Satisfaction".
    5. ``punctuation``: apostrophes are deleted ("Don't" -> "dont"), a period
       after a lone letter is deleted ("R.E.M." -> "rem"), and every other
       character that is not a letter, digit or combining mark (punctuation,
       symbols, emoji) becomes a space.
    6. ``unify_and``: conjunctions between names are dropped, so all spellings
       agree: the words ``&``, ``+``, ``and`` anywhere, ``x`` and ``n`` (from
       "'n'") between two words. "Simon & Garfunkel", "Simon and Garfunkel",
       "Simon + Garfunkel", "Simon x Garfunkel" and "Simon, Garfunkel" all
       become "simon garfunkel"; "Malcolm X" keeps its x.
    7. ``drop_leading_the`` (off by default): a leading "the" is dropped
       unless it is the only word ("The Beatles" -> "beatles").

    Whitespace is always collapsed to single spaces and trimmed.

    Parameters
    ----------
    text : str, sequence of str, numpy.ndarray or pandas.Series
        One value or many. ``None``, NaN and other non-string values (numbers,
        bytes) are *missing*: they come back as ``None`` (``NaN`` in a Series)
        and never raise (a Series holds ``None``).
    fold_accents, casefold, drop_featuring, drop_version_tags, unify_and, drop_leading_the, punctuation : bool
        Switch each rule.
    n_jobs : int
        Threads for many values (-1 = all cores).

    Returns
    -------
    str or None, list, numpy.ndarray (object) or pandas.Series
        Same shape and kind as ``text`` (a Series keeps its index and name).
    """
    flags = dict(fold_accents=bool(fold_accents), casefold=bool(casefold), drop_featuring=bool(drop_featuring),
                 drop_version_tags=bool(drop_version_tags), unify_and=bool(unify_and),
                 drop_leading_the=bool(drop_leading_the), punctuation=bool(punctuation))
    if isinstance(text, str) or _is_missing(text):
        return _core.normalize([_as_text(text)], n_jobs=n_jobs, **flags)[0]
    if isinstance(text, (bytes, bytearray)) or not isinstance(text, Iterable):
        from tunelens.exceptions import InvalidParameterError

        raise InvalidParameterError(f"text must be a str, None or a collection of them, got {type(text).__name__}")
    out = _core.normalize(as_texts(text), n_jobs=n_jobs, **flags)
    import pandas as pd

    if isinstance(text, pd.Series):
        return pd.Series(out, index=text.index, name=text.name, dtype=object)
    if isinstance(text, np.ndarray):
        return np.array(out, dtype=object).reshape(text.shape)
    return out


def split_featuring(text: str) -> tuple[str, list[str]]:
    """Splits the featuring credits off a title or an artist name.

    Recognised, case-insensitively: a bracketed ``(feat. X)``, ``(ft X)``,
    ``(featuring X)``, ``(with X)`` in ``()``, ``[]`` or ``{}``, and an unbracketed
    `` feat. X``, `` ft. X``, `` featuring X`` running to the next bracket,
    `` - `` or the end. The names are split at ``,``, ``&``, ``+``, ``/``,
    `` and ``, `` x ``. No other normalization is applied.

    Parameters
    ----------
    text : str

    Returns
    -------
    main : str
        ``text`` without the credits, whitespace collapsed.
    featured : list of str
        The credited names, in order.

    Examples
    --------
    >>> split_featuring("Crazy in Love (feat. Jay-Z)")
    ('Crazy in Love', ['Jay-Z'])
    """
    if not isinstance(text, str):
        from tunelens.exceptions import InvalidParameterError

        raise InvalidParameterError(f"text must be a str, got {type(text).__name__}")
    return _core.split_featuring(text)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_text(value: Any) -> str | None:
    """``value`` if it is a (non-numpy-bytes) string, else ``None`` (missing)."""
    return str(value) if isinstance(value, str) else None


def as_texts(values: Any) -> list[str | None]:
    """Any 1-D collection as a list of ``str`` or ``None`` (non-strings are missing)."""
    if isinstance(values, np.ndarray):
        values = values.ravel()
    return [_as_text(v) for v in values]
