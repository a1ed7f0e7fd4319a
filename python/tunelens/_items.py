"""Catalog items from table rows: the one rule for repeated ids.

A playlist export lists a track once per playlist, so one id can sit on several
rows. :class:`Recommender`, :class:`TasteProfile` and :func:`describe_clusters`
all read a table through :func:`collapse`: rows sharing an id are one item, in
the order ids first appear. Rows whose feature values are identical (compared
exactly, NaN equal to NaN) collapse silently; conflicting feature rows follow
``duplicates``. :func:`item_table` gives the item's other columns: a column whose
value varies within any id holds, for every item, the list of its distinct
values in first-seen order; other columns keep their scalar values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tunelens.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

DUPLICATES = ("raise", "first", "mean")


@dataclass(frozen=True)
class Items:
    """Rows grouped into items."""

    ids: pd.Index  # one per item, in first-seen order
    codes: np.ndarray  # item of each row
    first: np.ndarray  # first row of each item
    X: np.ndarray  # (n_items, n_features) float64 feature values of each item
    averaged: np.ndarray  # (n_items, n_features) bool: the value is the mean of conflicting rows

    def any_row(self, mask: np.ndarray) -> np.ndarray:
        """Item mask from a row mask: an item is selected when any of its rows is."""
        out = np.zeros(len(self.ids), dtype=bool)
        out[self.codes[mask]] = True
        return out


def ids_of(df: pd.DataFrame, id_column: Any) -> pd.Index:
    """The row ids: column ``id_column``, or the index when it is None. Missing ids raise."""
    import pandas as pd

    if id_column is None:
        ids, where = df.index, "the index (the ids)"
    elif id_column not in df.columns:
        raise InvalidParameterError(f"invalid id_column: no column {id_column!r}")
    else:
        ids, where = pd.Index(df[id_column]), f"column {id_column!r}"
    missing = np.flatnonzero(ids.to_frame(index=False).isna().any(axis=1))  # MultiIndex: any level
    if len(missing):
        raise InvalidParameterError(
            f"invalid id_column: {where} has {len(missing)} missing ids (rows {missing[:5].tolist()}); "
            "every row needs an id"
        )
    return ids


def collapse(df: pd.DataFrame, ids: pd.Index, features: list[Any], duplicates: str) -> Items:
    """Group the rows of ``df`` by ``ids`` and give each item one feature row.

    ``duplicates`` decides for ids whose rows differ in a feature: ``"raise"`` an
    :class:`InvalidParameterError` naming the ids and columns, ``"first"`` the
    first row's values, ``"mean"`` the mean of the rows (only for the columns
    that differ; a NaN in any row makes that mean NaN).
    """
    import pandas as pd

    if duplicates not in DUPLICATES:
        raise InvalidParameterError(f"invalid duplicates: {duplicates!r}; expected one of {DUPLICATES}")
    X = df[features].to_numpy(dtype=np.float64, na_value=np.nan)
    codes = pd.factorize(ids)[0]
    first = np.unique(codes, return_index=True)[1]
    unique = ids[first]
    averaged = np.zeros((len(first), len(features)), dtype=bool)
    items = X[first]
    if len(first) < len(X):
        ref = items[codes]
        differs = (X != ref) & ~(np.isnan(X) & np.isnan(ref))
        rows = np.flatnonzero(differs.any(axis=1))
        if len(rows):
            np.logical_or.at(averaged, codes[rows], differs[rows])
            if duplicates == "raise":
                raise InvalidParameterError(_conflict_message(unique, averaged, features, ids.name))
            if duplicates == "mean":
                sums = np.zeros_like(items)
                np.add.at(sums, codes, X)
                means = sums / np.bincount(codes, minlength=len(first))[:, None]
                items = np.where(averaged, means, items)
            else:
                averaged[:] = False
    return Items(unique, codes, first, items, averaged)


def _conflict_message(unique: pd.Index, differs: np.ndarray, features: list[Any], id_name: Any) -> str:
    bad = np.flatnonzero(differs.any(axis=1))
    shown = []
    for i in bad[:3]:
        columns = [str(f) for f, d in zip(features, differs[i]) if d]
        extra = f", +{len(columns) - 4} more" if len(columns) > 4 else ""
        shown.append(f"{unique[i]!r} ({', '.join(columns[:4])}{extra})")
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    where = f" in {id_name!r}" if id_name is not None else ""
    verb = "has" if len(bad) == 1 else "have"
    return (
        f"invalid df: {len(bad)} {'id' if len(bad) == 1 else 'ids'}{where} {verb} rows with different features: "
        f"{', '.join(shown)}{more}; pass duplicates='first' or 'mean', or fix the table"
    )


def item_table(df: pd.DataFrame, items: Items, features: list[Any]) -> pd.DataFrame:
    """One row per item (RangeIndex): each column's value on the item's first row,
    feature values as collapsed, and columns that vary within any id as lists of
    each item's distinct values in first-seen order."""
    out = df.iloc[items.first].reset_index(drop=True)
    if len(items.ids) == len(df):
        return out
    chosen = set(features)
    for column in df.columns:
        if column in chosen:
            continue
        key = _value_codes(df[column])
        if (key != key[items.first][items.codes]).any():
            out[column] = _distinct_lists(df[column].to_numpy(dtype=object), key, items)
    for j, column in enumerate(features):
        if items.averaged[:, j].any():
            out[column] = items.X[:, j]
    return out


def _value_codes(values: pd.Series) -> np.ndarray:
    """Equal cells get equal codes (NaN equal to NaN; list cells compared by content)."""
    import pandas as pd

    try:
        return pd.factorize(values, use_na_sentinel=False)[0]
    except TypeError:  # unhashable cells, e.g. lists from an earlier collapse
        return pd.factorize(values.map(_hashable), use_na_sentinel=False)[0]


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple, np.ndarray)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _hashable(v)) for k, v in value.items())
    return value


def _distinct_lists(values: np.ndarray, key: np.ndarray, items: Items) -> list[list[Any]]:
    """For each item, the distinct values of its rows in first-seen order."""
    pair = items.codes.astype(np.int64) * (int(key.max()) + 1) + key
    rows = np.sort(np.unique(pair, return_index=True)[1])  # first row of each (item, value), row order
    rows = rows[np.argsort(items.codes[rows], kind="stable")]
    bounds = np.cumsum(np.bincount(items.codes[rows], minlength=len(items.ids)))[:-1]
    return [list(chunk) for chunk in np.split(values[rows], bounds)]
