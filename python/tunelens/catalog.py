"""Joining two music catalogs: artist and title, then duration and other
evidence, one-to-one by total evidence."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tunelens import _core
from tunelens._progress import bar as _progress_bar
from tunelens.exceptions import InvalidParameterError, MissingColumnError
from tunelens.text import as_texts, normalize_options

__all__ = ["match_catalogs"]

_HOW = ("inner", "left")
#: Normalizer rules of the join, each switchable through ``rules=``.
RULES = ("artist_lists", "subtitles", "version_tags", "whitespace")
#: Default weights of the combined score (``weights=``); an extra column weighs 1 unless listed.
WEIGHTS = {"strings": 3.0, "duration": 1.0, "tags": 0.5, "isrc": 3.0, "year": 0.5}
#: Extra columns compared for equality (the others with the join's scorer).
EXACT_EXTRAS = ("isrc", "year")
_UNITS = {"ms": 1e-3, "s": 1.0}


def match_catalogs(
    left: Any,
    right: Any,
    *,
    left_on: str | tuple[str, ...] | list[str] = ("artist", "title"),
    right_on: str | tuple[str, ...] | list[str] | None = None,
    duration_on: str | tuple[str, str] | None = None,
    duration_units: str | tuple[str, str] = "ms",
    duration_tolerance: float = 5.0,
    extra_on: dict[str, Any] | None = None,
    weights: dict[str, float] | None = None,
    left_id: str | None = None,
    right_id: str | None = None,
    rules: dict[str, bool] | None = None,
    scorer: str = "token_sort_ratio",
    threshold: float = 90,
    normalize: bool | dict[str, Any] = True,
    one_to_one: bool = True,
    how: str = "inner",
    exhaustive: bool = False,
    field_threshold: float | None = None,
    n_jobs: int = -1,
    progress: bool = True,
) -> Any:
    """Matches the rows of two catalogs that hold the same recording.

    The strings decide whether two rows can match; duration and the other
    evidence decide which of the candidates do (so the versions of one song
    each find their twin).

    1. **Items.** With ``left_id``/``right_id``, rows sharing an id are one
       item (a track in three playlists): the item is matched once, through its
       first row, and every row of it gets the item's match. A missing id makes
       the row an item of its own. Without ids every row is an item.
    2. **Keys.** Each key column is normalized with :func:`tunelens.normalize`
       (``normalize=True``: its defaults plus ``drop_leading_the=True``, since
       services disagree on "The"; a dict passes options on top of those;
       ``False`` keeps the raw strings and turns the rules below off). A row
       whose key has a missing value (None, NaN), a non-string value or a value
       that is empty after normalization never matches, and never raises.
       The first key is the artist, the second the title. The join's own
       ``rules`` (each on unless ``rules={"name": False}``):

       - ``"artist_lists"``: an artist credit is also read as a list of names,
         split at ``,`` ``;`` ``/`` ``&`` ``+``, brackets, the words ``and``,
         ``x``, ``with``, ``vs``, ``feat.``/``ft.``/``featuring`` and runs of
         two or more spaces (a separator another export's cleaning deleted).
         When one credit's names all lie within the other's ("Yusuf / Cat
         Stevens" and "cat stevens", "Daryl Hall & John Oates" and "hall  oates",
         "Prince" and "Prince and The Revolution", ``*NSYNC`` and "n sync"), the
         artist scores at least 90 on a pair whose titles meet (below), and
         ``artist_subset`` is True.
       - ``"subtitles"``: a title also matches without its subtitle (the text
         before its first bracket or `` - ``: "Caribbean Queen (No More Love On
         the Run)" and "caribbean queen") and as each song of a medley ("Hard
         To Say I'm Sorry / Get Away"). Rows whose titles meet so score at least
         90 on the title, and ``title_form`` is True. (The bracket's words are
         kept in the title itself: "Sweet Dreams (Are Made of This)" equals
         "sweet dreams are made of this".)
       - ``"version_tags"``: version words in brackets or after `` - ``
         (remaster(ed), remix, live, edit, mono, stereo, single/album version,
         a year, ...; :data:`tunelens.text.VERSION_WORDS`) leave the key and
         become the row's *tags*, which are evidence (below).
       - ``"whitespace"``: runs of whitespace collapse to one space
         ("zager  evans").
    3. **Exact pass.** Rows whose normalized keys *and* evidence (duration,
       tags, extra values) are equal match with every score 100 and
       ``match_type="exact"`` (a hash join). With ``duration_on``, a row
       without a duration is never matched here.
    4. **Candidates** of the rows left. Each key column is scored with
       ``scorer`` (a :mod:`tunelens.fuzz` scorer name, rapidfuzz semantics,
       0-100); ``string_score`` is their mean weighted by the summed lengths
       (code points) of the two values, so one typo costs about as much as in
       the concatenated key. A pair is a candidate when ``string_score >=
       threshold`` and every key column scores at least ``field_threshold``
       (default ``2 * threshold - 100``, i.e. 80), which keeps "Fire" from
       matching "Fire Echo" by a long-named artist. The pairs whose titles meet
       through the rules above are candidates on the same terms.

       *Blocking* (``exhaustive=False``): a left row is compared only with the
       right rows whose artist shares at least one character bigram with its
       own, both padded with a sentinel at each end. For Indel-based scorers
       (``ratio``, ``token_sort_ratio``, ``QRatio``) the q-gram lemma's count
       filter also skips artist pairs that cannot reach ``field_threshold``
       (lossless). ``exhaustive=True`` scores every pair instead (slower, same
       memory bound). Each left row keeps its 16 best candidates by combined
       score, so memory stays linear in the row counts; identical left rows
       (same keys and evidence) share one search for 16 each, dealt out in
       turn, so every one can find its own partner however many rows tie.
    5. **Evidence and combined score.** Each piece scores 0-100 and is
       *absent* (NaN) when either row lacks it; ``score`` is the weighted mean
       of ``string_score`` and the present evidence, so absent evidence
       neither helps nor hurts (as in beets' autotagger, which normalises its
       weighted field distances by the fields both sides have):

       - ``duration_score = 100 * (1 - |diff| / duration_tolerance)``, where
         ``duration_diff`` is left minus right in seconds. A pair further apart
         than ``duration_tolerance`` is another recording and is no candidate:
         duration separates versions, it never makes a match of strings that
         do not match. (MusicBrainz and beets likewise treat a few seconds as
         the same recording and tens of seconds as another.)
       - ``tags_score``: 100 times the share of tags the two titles have in
         common (Jaccard), absent when neither has a tag.
       - ``<name>_score`` for each ``extra_on`` column: ``"isrc"`` and
         ``"year"`` score 100 when equal and 0 otherwise; other names (such as
         ``"album"``) are normalized and scored with ``scorer``.
       - Weights (``weights=`` overrides any): strings 3, duration 1, tags 0.5,
         isrc 3, year 0.5, any other extra column 1.
    6. **Assignment.** With ``one_to_one``, the chosen pairs maximise the total
       combined score (the Hungarian algorithm on each group of rows linked by
       candidates; greedily, best pair first, on a group of more than 65,536
       row pairs), so each recording pairs with its closest twin. Ties are
       deterministic: rows enter in the order of their normalized keys (then
       their position). Otherwise each left item takes its best candidate.
       The result depends neither on ``n_jobs`` nor on the order of the rows
       (rows with identical keys and evidence are interchangeable).

    Parameters
    ----------
    left, right : pandas.DataFrame
        The two catalogs.
    left_on : str or sequence of str
        Key columns of ``left``: the artist first, then the title, then any others.
    right_on : str or sequence of str, optional
        Key columns of ``right`` (default: ``left_on``), same count and order.
    duration_on : str or (str, str), optional
        Duration column of both catalogs, or of ``(left, right)``. Values that
        are not finite numbers (missing, text) are absent.
    duration_units : {"ms", "s"} or (str, str)
        Units of the duration columns (one for both, or per side).
    duration_tolerance : float
        Largest difference in seconds between two durations of one recording.
    extra_on : dict, optional
        More evidence: ``{name: column}`` (same column on both sides) or
        ``{name: (left_column, right_column)}``, e.g. ``{"album": "album",
        "isrc": "isrc", "year": ("year", "release_year")}``.
    weights : dict, optional
        Weights of ``"strings"``, ``"duration"``, ``"tags"`` and each extra
        name in the combined score (non-negative; strings positive).
    left_id, right_id : str, optional
        Column whose equal values mark rows of one item.
    rules : dict, optional
        ``{rule: bool}`` for the rules ``"artist_lists"``, ``"subtitles"``,
        ``"version_tags"`` and ``"whitespace"`` (all on by default).
    scorer : str
        ``"ratio"``, ``"token_sort_ratio"``, ``"token_set_ratio"``, ``"WRatio"``, ...
    threshold : float in [0, 100]
        Minimum string score of a match.
    normalize : bool or dict
        Normalize the keys first (a dict holds :func:`tunelens.normalize` options).
    one_to_one : bool
        Use every item at most once.
    how : {"inner", "left"}
        ``"left"`` also returns the unmatched left rows (right side NaN).
    exhaustive : bool
        Score every pair instead of blocking by the artist.
    field_threshold : float in [0, 100], optional
        Minimum score of every key column of a match (default ``2 * threshold - 100``).
    n_jobs : int
        Threads (-1 = all cores).
    progress : bool
        Show a tqdm bar of the candidate pass when tqdm is installed and a
        terminal or notebook is attached.

    Returns
    -------
    pandas.DataFrame
        One row per matched left row, in left order: ``left_index``,
        ``right_index`` (the frames' index labels), the original keys
        ``left_<col>`` and ``right_<col>``, the normalized keys (of the items)
        ``left_<col>_norm`` and ``right_<col>_norm``, ``<col>_score`` per key
        (named by ``left_on``), ``string_score``; with durations
        ``duration_diff`` and ``duration_score``; with the version-tag rule
        ``tags_score``; ``<name>_score`` per extra column; with two or more keys
        ``artist_subset`` and ``title_form``; then ``score`` and
        ``match_type`` (``"exact"`` or ``"fuzzy"``). With ``how="left"`` every
        left row appears once, the unmatched ones NaN on the right.

    Raises
    ------
    MissingColumnError
        A named column is missing (the message names it and the side).
    InvalidParameterError
        An argument is out of range or of the wrong kind.

    Examples
    --------
    >>> import pandas as pd
    >>> chart, features, truth = tl.datasets.make_catalogs(200)
    >>> pairs = tl.match_catalogs(chart, features)
    >>> playlist = pd.DataFrame({"uri": ["a", "a", "b"], "artist": ["Prince"] * 3,
    ...                          "title": ["Purple Rain"] * 3, "ms": [520000, 520000, 241000]})
    >>> table = pd.DataFrame({"artist": ["prince and the revolution", "prince"],
    ...                       "title": ["purple rain", "purple rain - single edit"],
    ...                       "ms": [520500, 241000]})
    >>> tl.match_catalogs(playlist, table, duration_on="ms", left_id="uri")["right_index"].tolist()
    [0, 0, 1]
    """
    plan = _plan(left, right, left_on=left_on, right_on=right_on, duration_on=duration_on,
                 duration_units=duration_units, duration_tolerance=duration_tolerance, extra_on=extra_on,
                 weights=weights, left_id=left_id, right_id=right_id, rules=rules, scorer=scorer,
                 threshold=threshold, normalize=normalize, one_to_one=one_to_one, how=how,
                 exhaustive=exhaustive, field_threshold=field_threshold, n_jobs=n_jobs)
    bar, report = _progress(progress)
    try:
        found = _core.match_keys(plan.left.table, plan.right.table, plan.settings, report)
    finally:
        if bar is not None:
            bar.close()
    return plan.pairs_table(found)


@dataclass
class _Side:
    """One catalog prepared for the core: its items and their table."""

    frame: Any
    cols: list[str]
    items: np.ndarray  # item number of every row
    heads: np.ndarray  # the first row of every item
    table: dict  # the core's table of the item heads

    def twins(self) -> np.ndarray:
        """Each item's group of identical items (same keys and evidence, which
        share one candidate search), numbered by their first item."""
        t, n = self.table, len(self.heads)
        duration = [None if d != d else d for d in t["duration"]] or [None] * n  # NaN: missing
        listed = [[tuple(v) for v in t[name]] or [()] * n for name in ("tags", "title_forms", "artist_parts")]
        groups: dict[tuple, int] = {}
        return np.array([groups.setdefault(p, len(groups))
                         for p in zip(*t["keys"], duration, *t["extras"], *listed)], dtype=np.int64)

    def take(self, items: np.ndarray) -> dict:
        """The core table of some items (for a distributed caller)."""
        pick = lambda rows: [rows[i] for i in items]  # noqa: E731
        t = self.table
        return {"keys": [pick(k) for k in t["keys"]],
                "artist_parts": pick(t["artist_parts"]) if t["artist_parts"] else [],
                "title_forms": pick(t["title_forms"]) if t["title_forms"] else [],
                "tags": pick(t["tags"]) if t["tags"] else [],
                "duration": list(np.asarray(t["duration"])[items]) if len(t["duration"]) else [],
                "extras": [pick(e) for e in t["extras"]]}


@dataclass
class _Plan:
    """Validated arguments and prepared sides of one join."""

    left: _Side
    right: _Side
    settings: dict
    extras: list[str]
    durations: bool
    rules: dict[str, bool]
    how: str

    def pairs_table(self, found: dict) -> Any:
        """The output table from the core's matches of item heads."""
        left, right = self.left, self.right
        # every row of a matched left item, in left order
        matched_item = np.full(len(left.heads), -1)
        matched_item[found["left"]] = np.arange(len(found["left"]))
        per_row = matched_item[left.items]
        rows = np.flatnonzero(per_row >= 0)
        k = per_row[rows]
        li, ri = rows, right.heads[found["right"][k]]
        columns: dict[str, Any] = {"left_index": left.frame.index[li], "right_index": right.frame.index[ri]}
        for side, r in (("left", li), ("right", ri)):
            s = getattr(self, side)
            for c in s.cols:
                columns[f"{side}_{c}"] = s.frame[c].to_numpy()[r]
        for side, items in (("left", left.items[li]), ("right", found["right"][k])):
            s = getattr(self, side)
            for c, values in zip(s.cols, s.table["keys"]):
                columns[f"{side}_{c}_norm"] = _take(values, items)
        for f, c in enumerate(left.cols):
            columns[f"{c}_score"] = found["field_scores"][k, f]
        columns["string_score"] = found["string_score"][k]
        if self.durations:
            columns["duration_diff"] = found["duration_diff"][k]
            columns["duration_score"] = found["duration_score"][k]
        if self.rules["version_tags"]:
            columns["tags_score"] = found["tags_score"][k]
        for x, name in enumerate(self.extras):
            columns[f"{name}_score"] = found["extra_scores"][k, x]
        if len(left.cols) >= 2:
            for flag in ("artist_subset", "title_form", "cross_script"):
                columns[flag] = found[flag][k]
        columns["score"] = found["score"][k]
        columns["match_type"] = np.where(found["exact"][k], "exact", "fuzzy").astype(object)
        out = _frame(columns)
        if self.how == "left":
            out = _with_unmatched_left(out.set_axis(li), left)
        return out.reset_index(drop=True)


def _plan(left: Any, right: Any, *, left_on: Any, right_on: Any, duration_on: Any, duration_units: Any,
          duration_tolerance: Any, extra_on: Any, weights: Any, left_id: Any, right_id: Any, rules: Any,
          scorer: Any, threshold: Any, normalize: Any, one_to_one: Any, how: Any, exhaustive: Any,
          field_threshold: Any, n_jobs: int) -> _Plan:
    """Validates the arguments of :func:`match_catalogs` and prepares both sides."""
    import pandas as pd

    left_cols = _columns(left_on, "left_on")
    right_cols = left_cols if right_on is None else _columns(right_on, "right_on")
    if len(right_cols) != len(left_cols):
        raise InvalidParameterError(f"right_on must name as many columns as left_on ({len(left_cols)}), got {right_cols}")
    durations = None if duration_on is None else _pair(duration_on, "duration_on")
    units = _pair(duration_units, "duration_units")
    for unit in units:
        if unit not in _UNITS:
            raise InvalidParameterError(f"duration_units must be 'ms' or 's' (or one per side), got {duration_units!r}")
    extras = _extras(extra_on)
    ids = (left_id, right_id)
    for s, (name, frame, cols) in enumerate((("left", left, left_cols), ("right", right, right_cols))):
        if not isinstance(frame, pd.DataFrame):
            raise InvalidParameterError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
        named = [(c, f"{name}_on") for c in cols]
        named += [(durations[s], "duration_on")] if durations else []
        named += [(cs[s], f"extra_on[{x!r}]") for x, cs in extras.items()]
        named += [(ids[s], f"{name}_id")] if ids[s] is not None else []
        for col, arg in named:
            if col not in frame.columns:
                raise MissingColumnError(f"{name} has no column {col!r} (from {arg}); its columns are {list(frame.columns)}")
            if (frame.columns == col).sum() > 1:
                raise InvalidParameterError(f"{name} has the column name {col!r} (from {arg}) more than once; rename them")
    threshold, block = _thresholds(threshold, field_threshold)
    if how not in _HOW:
        raise InvalidParameterError(f"how must be one of {_HOW}, got {how!r}")
    if not isinstance(scorer, str):
        raise InvalidParameterError(f"scorer must be a scorer name such as 'token_sort_ratio', got {scorer!r}")
    tolerance = duration_tolerance
    if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not 0 < tolerance < float("inf"):
        raise InvalidParameterError(f"duration_tolerance must be a positive number of seconds, got {tolerance!r}")
    rules = _rules(rules, normalize)
    weight = _weights(weights, extras)
    options = _normalize_options(normalize, rules)
    sides = [_side(frame, cols, None if durations is None else (durations[s], _UNITS[units[s]]),
                   [cs[s] for cs in extras.values()], list(extras), ids[s], options, rules, n_jobs)
             for s, (frame, cols) in enumerate(((left, left_cols), (right, right_cols)))]
    settings = dict(scorer=scorer, threshold=threshold, field_threshold=block, one_to_one=bool(one_to_one),
                    exhaustive=bool(exhaustive), duration_tolerance=float(tolerance),
                    strings_weight=weight["strings"], duration_weight=weight["duration"], tags_weight=weight["tags"],
                    extras=[(x in EXACT_EXTRAS, weight[x]) for x in extras], n_jobs=n_jobs)
    return _Plan(sides[0], sides[1], settings, list(extras), durations is not None, rules, how)


def _side(frame: Any, cols: list[str], duration: tuple[str, float] | None, extra_cols: list[str],
          extra_names: list[str], id_col: str | None, options: dict | None, rules: dict[str, bool],
          n_jobs: int) -> _Side:
    """One catalog's items and the core table of their first rows."""
    import pandas as pd

    if id_col is None:
        items = np.arange(len(frame))
    else:
        ids = frame[id_col]
        codes, _ = pd.factorize(ids, use_na_sentinel=True)
        missing = codes < 0
        # a missing id is an item of its own
        codes[missing] = codes.max(initial=-1) + 1 + np.arange(int(missing.sum()))
        _, first, items = np.unique(codes, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # items numbered by their first row
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        items = renumber[items]
    heads = np.unique(items, return_index=True)[1]
    head = frame.iloc[heads]
    raw = [as_texts(head[c]) for c in cols]
    if options is None:
        table = {"keys": raw, "artist_parts": [], "title_forms": [], "tags": []}
    else:
        switches = {name: rules[name] for name in ("artist_lists", "subtitles", "version_tags")}
        table = _core.catalog_table(raw, options=options, rules=switches, n_jobs=n_jobs)
    table["duration"] = [] if duration is None else _seconds(head[duration[0]], duration[1])
    table["extras"] = [_extra_values(head[c], name, options, n_jobs) for c, name in zip(extra_cols, extra_names)]
    return _Side(frame, cols, items, heads, table)


def _seconds(values: Any, scale: float) -> list[float]:
    """Durations in seconds (NaN where a value is not a finite number)."""
    import pandas as pd

    numbers_ = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return list(np.where(np.isfinite(numbers_), numbers_ * scale, np.nan))


def _extra_values(values: Any, name: str, options: dict | None, n_jobs: int) -> list[str | None]:
    """An extra column as comparable strings: years as integers, ISRCs upper-case
    without separators, anything else normalized like the keys."""
    import pandas as pd

    if name == "year":
        years = pd.to_numeric(pd.Series(values).astype(str).str[:4], errors="coerce")
        return [None if np.isnan(y) else str(int(y)) for y in years]
    texts = [None if v is None else str(v) for v in as_texts(values)]
    if name == "isrc":
        return [None if t is None else "".join(ch for ch in t.upper() if ch.isalnum()) or None for t in texts]
    return _prepare(texts, options, n_jobs)


def _thresholds(threshold: Any, field_threshold: Any) -> tuple[float, float]:
    """The validated ``threshold`` and ``field_threshold`` (default ``2 * threshold - 100``)."""
    threshold = _score(threshold, "threshold")
    default = max(0.0, 2 * threshold - 100)
    return threshold, _score(default if field_threshold is None else field_threshold, "field_threshold")


def _columns(on: Any, name: str) -> list[str]:
    cols = [on] if isinstance(on, str) else list(on) if isinstance(on, (list, tuple)) else None
    if not cols:
        raise InvalidParameterError(f"{name} must be a column name or a non-empty list of them, got {on!r}")
    return cols


def _pair(value: Any, name: str) -> tuple[Any, Any]:
    """One value for both sides, or a ``(left, right)`` pair."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise InvalidParameterError(f"{name} must be one value or a (left, right) pair, got {value!r}")
        return value[0], value[1]
    return value, value


def _extras(extra_on: Any) -> dict[str, tuple[Any, Any]]:
    if extra_on is None:
        return {}
    if not isinstance(extra_on, dict) or not all(isinstance(k, str) for k in extra_on):
        raise InvalidParameterError(f"extra_on must be a dict of name -> column or (left, right) columns, got {extra_on!r}")
    reserved = {"strings", "duration", "tags"} & set(extra_on)
    if reserved:
        raise InvalidParameterError(f"extra_on cannot use the names {sorted(reserved)} (they name other evidence)")
    return {name: _pair(cols, f"extra_on[{name!r}]") for name, cols in extra_on.items()}


def _weights(weights: Any, extras: dict) -> dict[str, float]:
    known = {"strings", "duration", "tags", *extras}
    given = {} if weights is None else weights
    if not isinstance(given, dict):
        raise InvalidParameterError(f"weights must be a dict such as {{'duration': 2}}, got {weights!r}")
    unknown = set(given) - known
    if unknown:
        raise InvalidParameterError(f"weights has unknown names {sorted(unknown)}; known: {sorted(known)}")
    out = {name: float(WEIGHTS.get(name, 1.0)) for name in known}
    for name, w in given.items():
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not 0 <= w < float("inf"):
            raise InvalidParameterError(f"weights[{name!r}] must be a finite number >= 0, got {w!r}")
        out[name] = float(w)
    if out["strings"] <= 0:
        raise InvalidParameterError("weights['strings'] must be positive: evidence never replaces the strings")
    return out


def _rules(rules: Any, normalize: Any) -> dict[str, bool]:
    given = {} if rules is None else rules
    if not isinstance(given, dict) or set(given) - set(RULES):
        raise InvalidParameterError(f"rules must be a dict of {RULES} -> bool, got {rules!r}")
    on = normalize is not False
    return {name: on and bool(given.get(name, True)) for name in RULES}


def _normalize_options(normalize: Any, rules: dict[str, bool]) -> dict | None:
    """The :func:`tunelens.normalize` options of the keys (``None``: raw keys)."""
    if normalize is False:
        return None
    if normalize is not True and not isinstance(normalize, dict):
        raise InvalidParameterError(f"normalize must be True, False or a dict of tunelens.normalize options, got {normalize!r}")
    base = {"drop_leading_the": True, "transliterate": True, "drop_version_tags": rules["version_tags"],
            "collapse_whitespace": rules["whitespace"]}
    return normalize_options(**{**base, **({} if normalize is True else normalize)})


def _score(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 100:
        raise InvalidParameterError(f"{name} must be a number in [0, 100], got {value!r}")
    return float(value)


def _prepare(values: list[str | None], options: dict | None, n_jobs: int) -> list[str | None]:
    return values if options is None else _core.normalize(values, options=options, n_jobs=n_jobs)


def _frame(columns: dict[str, Any], index: Any = None) -> Any:
    """A DataFrame of ``columns``; text columns that pandas' string storage
    refuses (lone surrogates, which UTF-8 cannot hold) stay object columns."""
    import pandas as pd

    try:
        return pd.DataFrame(columns, index=index)
    except UnicodeEncodeError:
        return pd.DataFrame({name: pd.Series(list(values), dtype=object, index=index)
                             if getattr(values, "dtype", None) == object else values
                             for name, values in columns.items()}, index=index)


def _take(values: list[str | None], rows: np.ndarray) -> np.ndarray:
    return np.array(values, dtype=object)[rows] if len(rows) else np.array([], dtype=object)


def _with_unmatched_left(out: Any, left: _Side) -> Any:
    """``out`` (indexed by left position) with a row for every left row, the unmatched ones NaN on the right."""
    full = out.reindex(np.arange(len(left.frame)))
    full["left_index"] = left.frame.index
    for c, values in zip(left.cols, left.table["keys"]):
        full[f"left_{c}"] = _frame({c: left.frame[c].to_numpy()}, index=full.index)[c]
        full[f"left_{c}_norm"] = _take(values, left.items)
    return full


def _progress(enabled: bool) -> tuple[Any, Callable[[int, int], None] | None]:
    """A progress bar and its ``(done, total)`` callback, when someone can see it."""
    bar = _progress_bar(0, "match_catalogs (candidates)", unit="row", enabled=enabled)
    if bar is None:
        return None, None

    def report(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return bar, report
