"""Music-aware normalization of catalog keys (artist names, titles).

The rules run in Rust, vectorised over all values and without the GIL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from tunelens import _core

__all__ = ["normalize", "normalize_options", "split_featuring", "FOLD_TABLE", "RULES", "VERSION_WORDS"]

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
    collapse_whitespace: bool = True,
    transliterate: bool = False,
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
       syllables and Hebrew points stay as they are; the Arabic harakat and
       hamza marks (U+064B-065F, U+0670) are dropped, as Arabic search
       normalizers do ("أم كلثوم" -> "ام كلثوم"). NFKD also folds
       compatibility forms (full-width letters, ligatures, superscripts).
       Letters NFKD does not decompose go through :data:`FOLD_TABLE`
       (æ->ae, ø->o, ł->l, đ/ð->d, þ->th, œ->oe, ß->ss, ı->i, ħ->h, ŧ->t).
       Letters and digits of every script are kept ("Кино" -> "кино",
       "宇多田ヒカル" unchanged).
       ``transliterate`` (off by default; :func:`tunelens.match_catalogs` turns
       it on): Cyrillic and Greek letters become Latin ones with the
       ``deunicode`` tables ("Звезда по имени Солнце" -> "zvezda po imeni
       solntse"), so an export that transliterates meets one that does not.
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
       ("- Live at Wembley", "- 2011 Remaster", "- Single Version"), as is a
       suffix after a run of spaces (a " - " another export's cleaning
       deleted: "juicy  2005 remaster" -> "juicy"). Other
       brackets stay: "(I Can't Get No) Satisfaction".
    5. ``punctuation``: apostrophes are deleted ("Don't" -> "dont"), a period
       after a lone letter is deleted ("R.E.M." -> "rem"), and every other
       character that is not a letter, digit or combining mark (punctuation,
       symbols, emoji) becomes a space, except the stylised letters ``!``,
       ``$``, ``@`` between two letters, which become ``i``, ``s``, ``a``
       ("P!nk" -> "pink", "Ke$ha" -> "kesha").
    6. ``unify_and``: conjunctions between names are dropped, so all spellings
       agree: the words ``&``, ``+``, ``and`` anywhere, ``x`` and ``n`` (from
       "'n'") between two words. "Simon & Garfunkel", "Simon and Garfunkel",
       "Simon + Garfunkel", "Simon x Garfunkel" and "Simon, Garfunkel" all
       become "simon garfunkel"; "Malcolm X" keeps its x.
    7. ``drop_leading_the`` (off by default): a leading "the" is dropped
       unless it is the only word ("The Beatles" -> "beatles").

    8. ``collapse_whitespace``: runs of whitespace, such as the double space
       another export's cleaning leaves where it deleted a character
       ("zager  evans", "peaches  cream"), become one space. Off, every
       whitespace character stays a space.

    The result is always trimmed and composed (NFC) again at the end, so
    normalizing twice changes nothing: full case folding decomposes some
    letters ("ǰ" -> "j" + caron, where ``str.casefold`` stops), and a deleted
    apostrophe can bring two combining marks together.

    Parameters
    ----------
    text : str, sequence of str, numpy.ndarray or pandas.Series
        One value or many. ``None``, NaN and other non-string values (numbers,
        bytes) are *missing*: they come back as ``None`` (``NaN`` in a Series)
        and never raise (a Series holds ``None``).
    fold_accents, casefold, drop_featuring, drop_version_tags, unify_and, drop_leading_the, punctuation, collapse_whitespace, transliterate : bool
        Switch each rule.
    n_jobs : int
        Threads for many values (-1 = all cores).

    Returns
    -------
    str or None, list, numpy.ndarray (object) or pandas.Series
        Same shape and kind as ``text`` (a Series keeps its index and name).

    Examples
    --------
    >>> tl.normalize("Beyoncé feat. JAY-Z")
    'beyonce'
    >>> tl.normalize("The Beatles", drop_leading_the=True)
    'beatles'
    >>> tl.normalize(["Hey Jude - Remastered 2015", None])
    ['hey jude', None]
    """
    options = normalize_options(fold_accents=fold_accents, casefold=casefold, drop_featuring=drop_featuring,
                                drop_version_tags=drop_version_tags, unify_and=unify_and,
                                drop_leading_the=drop_leading_the, punctuation=punctuation,
                                collapse_whitespace=collapse_whitespace, transliterate=transliterate)
    if isinstance(text, str) or _is_missing(text):
        return _core.normalize([_as_text(text)], options=options, n_jobs=n_jobs)[0]
    if isinstance(text, (bytes, bytearray)) or not isinstance(text, Iterable):
        from tunelens.exceptions import InvalidParameterError

        raise InvalidParameterError(f"text must be a str, None or a collection of them, got {type(text).__name__}")
    out = _core.normalize(as_texts(text), options=options, n_jobs=n_jobs)
    import pandas as pd

    if isinstance(text, pd.Series):
        return pd.Series(out, index=text.index, name=text.name, dtype=object)
    if isinstance(text, np.ndarray):
        return np.array(out, dtype=object).reshape(text.shape)
    return out


#: The rules of :func:`normalize` and whether each is on by default.
RULES = {"fold_accents": True, "casefold": True, "drop_featuring": True, "drop_version_tags": True,
         "unify_and": True, "drop_leading_the": False, "punctuation": True, "collapse_whitespace": True,
         "transliterate": False}


def normalize_options(**options: Any) -> dict[str, bool]:
    """Every rule of :func:`normalize`, on or off: the defaults updated by ``options``.

    Parameters
    ----------
    **options : bool
        Rules to set (see :data:`RULES`).

    Returns
    -------
    dict
        ``{rule: bool}`` for every rule.

    Raises
    ------
    InvalidParameterError
        An option is not a rule of :func:`normalize`.

    Examples
    --------
    >>> tl.text.normalize_options(drop_leading_the=True)["drop_leading_the"]
    True
    """
    unknown = set(options) - set(RULES)
    if unknown:
        from tunelens.exceptions import InvalidParameterError

        raise InvalidParameterError(f"unknown normalize options {sorted(unknown)}; the rules are {list(RULES)}")
    return {name: bool(options.get(name, default)) for name, default in RULES.items()}


def split_featuring(text: str) -> tuple[str, list[str]]:
    """Splits the featuring credits off a title or an artist name.

    Recognised, case-insensitively: a bracketed ``(feat. X)``, ``(ft X)``,
    ``(featuring X)``, ``(with X)`` in ``()``, ``[]`` or ``{}``, and an unbracketed
    ``feat. X``, ``ft. X``, ``featuring X`` after a space, running to the next
    bracket, a spaced ``-`` or the end. The names are split at ``,``, ``&``,
    ``+``, ``/`` and the words ``and`` and ``x``. No other normalization is applied.

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
    >>> tl.split_featuring("Crazy in Love (feat. Jay-Z)")
    ('Crazy in Love', ['Jay-Z'])
    """
    if not isinstance(text, str):
        from tunelens.exceptions import InvalidParameterError

        raise InvalidParameterError(f"text must be a str, got {type(text).__name__}")
    return _core.split_featuring(_as_text(text))


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _as_text(value: Any) -> str | None:
    """``value`` if it is a (non-numpy-bytes) string, else ``None`` (missing).

    Lone surrogates (halves of UTF-16 pairs, which no UTF-8 text can hold)
    become U+FFFD, which the ``punctuation`` rule turns into a space, as
    rapidfuzz's ``default_process`` does with them.
    """
    if not isinstance(value, str):
        return None
    value = str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def as_texts(values: Any) -> list[str | None]:
    """Any 1-D collection as a list of ``str`` or ``None`` (non-strings are missing)."""
    if isinstance(values, np.ndarray):
        values = values.ravel()
    if hasattr(values, "tolist"):  # numpy and pandas: one C-level conversion
        values = values.tolist()
    return [v if type(v) is str and v.isascii() else _as_text(v) for v in values]
