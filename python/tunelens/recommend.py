"""Explained song recommendations from any numeric catalog table.

:class:`Recommender` indexes the numeric columns of a DataFrame (for example
the output of ``extract_features`` or a Spotify-style feature table) with
:class:`tunelens.NearestNeighbors` and answers "more like these" with the
features that made each item similar, in the catalog's own units. Rows that
share an id (a track listed in several playlists) are one item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tunelens import _core
from tunelens._estimator import Estimator
from tunelens._items import collapse, ids_of, item_table
from tunelens._neighbor_args import check_options
from tunelens._tables import numeric_features
from tunelens.exceptions import InvalidParameterError
from tunelens.neighbors import NearestNeighbors

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Recommender"]

_NAN_POLICIES = ("raise", "drop", "median")
_AGGREGATES = ("mean", "union")


class Recommender(Estimator):
    """Nearest-neighbour recommender on scaled catalog features, with reasons.

    Parameters
    ----------
    features : list of str, optional
        Columns to compare. Default: every numeric (non-boolean) column except
        ``id_column`` and the bookkeeping columns ``filename``, ``path``,
        ``file``, ``id``, ``length`` and ``error`` (what ``extract_features``
        writes beside the features).
    metric : {"cosine", "euclidean", "manhattan"}, default "cosine"
    scaler : {"standard", "robust", "minmax", None}, default "standard"
        Scaling fitted on the catalog. ``None`` compares raw values, which lets
        the widest feature (tempo in BPM) decide everything.
    id_column : str, optional
        Column holding item ids. Default: the DataFrame index. Rows sharing an
        id are one item (a playlist export lists a track once per playlist);
        missing ids raise.
    weights : mapping of feature -> float, optional
        Multipliers applied after scaling (missing features keep 1).
    nan_policy : {"raise", "drop", "median"}, default "raise"
        Missing values in the features: ``"raise"`` an
        :class:`InvalidParameterError` naming the columns; ``"drop"`` leave those
        rows out of the index (listed in ``dropped_``); ``"median"`` replace them
        with the column median (recorded in ``imputed_``). Infinite values are
        always an error. Applied to items, after ``duplicates``.
    duplicates : {"raise", "first", "mean"}, default "raise"
        Rows of one id whose features differ: ``"raise"`` an
        :class:`InvalidParameterError` naming the ids and columns; ``"first"``
        keep the first row's features; ``"mean"`` average the differing columns.
        Rows with identical features (compared exactly, NaN equal to NaN)
        always collapse silently.
    n_jobs : int, default -1

    Attributes
    ----------
    features_ : list of str
    ids_ : pandas.Index
        Ids of the indexed items (unique), in the order they first appear.
    items_ : pandas.DataFrame
        The indexed items, one row each, aligned with ``ids_`` (indexed by the
        ids when they come from the DataFrame index): the catalog's columns,
        feature values as collapsed by ``duplicates``, and, for every column
        whose value varies within some id (a ``playlist`` or ``genre`` column),
        each item's list of distinct values in first-seen order. Filters run
        on this table.
    dropped_ : pandas.Index
        Ids left out by ``nan_policy="drop"``.
    imputed_ : dict of str -> float
        Medians used by ``nan_policy="median"`` for columns that had NaN.

    Examples
    --------
    A track that sits in two playlists is one item; its playlists become a list:

    >>> import pandas as pd
    >>> import tunelens as tl
    >>> export = pd.DataFrame({
    ...     "track_id": ["a", "a", "b", "c", "d"],
    ...     "playlist": ["Gym", "Chill", "Gym", "Chill", "Gym"],
    ...     "energy": [0.9, 0.9, 0.8, 0.2, 0.7],
    ...     "tempo": [128.0, 128.0, 124.0, 80.0, 120.0],
    ... })
    >>> rec = tl.Recommender(id_column="track_id", metric="euclidean").fit(export)
    >>> rec.ids_.tolist()
    ['a', 'b', 'c', 'd']
    >>> rec.items_["playlist"].tolist()
    [['Gym', 'Chill'], ['Gym'], ['Chill'], ['Gym']]
    >>> rec.recommend("a", k=2)["track_id"].tolist()
    ['b', 'd']
    >>> rec.recommend("a", k=3, filters={"playlist": "Chill"})["track_id"].tolist()
    ['c']

    The recommender follows scikit-learn's estimator protocol (``get_params``,
    ``set_params``, ``sklearn.base.clone``; its repr lists the non-default
    parameters), pickles (the index is rebuilt on loading) and shows its
    parameters and catalog in Jupyter; :meth:`recommend` returns a DataFrame,
    which pandas displays:

    >>> rec
    Recommender(id_column='track_id', metric='euclidean')
    """

    _takes_arrays = False
    _fit_call = "fit(df)"

    def __init__(
        self,
        features: list[str] | None = None,
        metric: str = "cosine",
        scaler: str | None = "standard",
        id_column: str | None = None,
        *,
        weights: Mapping[str, float] | None = None,
        nan_policy: str = "raise",
        duplicates: str = "raise",
        n_jobs: int = -1,
    ) -> None:
        self.features = features
        self.metric = metric
        self.scaler = scaler
        self.id_column = id_column
        self.weights = weights
        self.nan_policy = nan_policy
        self.duplicates = duplicates
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------- fitting
    def fit(self, df: pd.DataFrame, y: Any = None) -> Recommender:
        """Index the catalog ``df``.

        Parameters
        ----------
        df : pandas.DataFrame
            The catalog: one row per item, or several rows for an item listed
            more than once (same id; see ``duplicates``).
        y : ignored
            Accepted for scikit-learn's estimator protocol.

        Returns
        -------
        self

        Examples
        --------
        >>> import pandas as pd
        >>> import tunelens as tl
        >>> export = pd.DataFrame({"track_id": ["a", "a", "b"], "energy": [0.9, 0.7, 0.2],
        ...                        "tempo": [120.0, 120.0, 90.0]})
        >>> tl.Recommender(id_column="track_id").fit(export)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        tunelens.exceptions.InvalidParameterError: invalid df: 1 id in 'track_id' has rows with different ...
        >>> rec = tl.Recommender(id_column="track_id", duplicates="mean").fit(export)
        >>> float(rec.items_.loc[0, "energy"])
        0.8
        """
        import pandas as pd

        if not isinstance(df, pd.DataFrame):
            raise InvalidParameterError(f"invalid df: expected a pandas DataFrame, got {type(df).__name__}")
        if len(df) == 0:
            raise InvalidParameterError("invalid df: the catalog is empty")
        if self.nan_policy not in _NAN_POLICIES:
            raise InvalidParameterError(f"invalid nan_policy: {self.nan_policy!r}; expected one of {_NAN_POLICIES}")
        features = numeric_features(df, self.features, self.id_column)
        items = collapse(df, ids_of(df, self.id_column), features, self.duplicates)
        ids, X = items.ids, items.X
        keep = np.ones(len(ids), dtype=bool)
        dropped = ids[:0]
        imputed: dict[str, float] = {}
        missing = np.isnan(X)
        if missing.any():
            columns = [f for f, m in zip(features, missing.any(axis=0)) if m]
            if self.nan_policy == "raise":
                raise InvalidParameterError(
                    f"invalid df: {int(missing.any(axis=1).sum())} items have NaN in {columns}; "
                    "pass nan_policy='drop' or 'median', or clean the data"
                )
            if self.nan_policy == "drop":
                keep = ~missing.any(axis=1)
                dropped = ids[~keep]
                if not keep.any():
                    raise InvalidParameterError("invalid df: every item has a NaN feature")
            else:
                empty = [f for f, m in zip(features, missing.all(axis=0)) if m]
                if empty:
                    raise InvalidParameterError(f"invalid df: columns {empty} are entirely NaN")
                medians = np.nanmedian(X, axis=0)
                X = np.where(missing, medians, X)
                imputed = {f: float(medians[j]) for j, f in enumerate(features) if missing[:, j].any()}
        X = X[keep]
        weights = None
        if self.weights is not None:
            unknown = sorted(set(self.weights) - set(features))
            if unknown:
                raise InvalidParameterError(f"invalid weights: unknown features {unknown}")
            weights = np.array([float(self.weights.get(f, 1.0)) for f in features])
        check_options(self.metric, self.scaler)
        self._scaler = _core.fit_scaler(X, self.scaler, weights)
        self._Z = self._scale(X)
        self._nn = self._index()
        self.dropped_, self.imputed_ = dropped, imputed
        self.features_ = features
        self.ids_ = ids[keep]
        self.items_ = item_table(df, items, features)[keep].reset_index(drop=True)
        if self.id_column is None:
            self.items_.index = self.ids_
        self._X = X
        self._position = pd.Series(np.arange(len(self.ids_)), index=self.ids_)
        self._typical = self._typical_contributions()
        return self

    def _index(self) -> NearestNeighbors:
        """The neighbour index of the scaled rows ``_Z`` (queries are scaled here too, once)."""
        return NearestNeighbors(metric=self.metric, scaler=None, n_jobs=self.n_jobs).fit(self._Z)

    def __getstate__(self) -> dict[str, Any]:
        # The index lives in the Rust core; it is rebuilt from the scaled rows on loading.
        return {key: value for key, value in vars(self).items() if key != "_nn"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        if "_Z" in state:
            self._nn = self._index()

    def _summary(self) -> list[tuple[str, str]]:
        shown = ", ".join(map(str, self.features_[:8])) + (", ..." if len(self.features_) > 8 else "")
        rows = [("items", str(len(self.ids_))), (f"features ({len(self.features_)})", shown)]
        if len(self.dropped_):
            rows.append(("dropped (NaN)", str(len(self.dropped_))))
        if self.imputed_:
            rows.append(("imputed (median)", ", ".join(map(str, self.imputed_))))
        return rows

    def _scale(self, X: np.ndarray) -> np.ndarray:
        """Scaled and weighted features, as the index compares them."""
        return _core.scale_rows(X, *self._scaler)

    def _contributions(self, za: np.ndarray, zb: np.ndarray) -> np.ndarray:
        """Per-feature terms that sum to the similarity (cosine) or the distance
        (squared distance for euclidean), for rows of ``za`` against ``zb``."""
        if self.metric == "cosine":
            na = np.linalg.norm(za, axis=-1, keepdims=True)
            nb = np.linalg.norm(zb, axis=-1, keepdims=True)
            return (za / np.where(na > 0, na, 1.0)) * (zb / np.where(nb > 0, nb, 1.0))
        if self.metric == "euclidean":
            return (za - zb) ** 2
        return np.abs(za - zb)

    def _typical_contributions(self) -> np.ndarray:
        """Mean per-feature contribution over random catalog pairs (seeded)."""
        rng = np.random.default_rng(0)
        n = len(self._Z)
        a, b = rng.integers(0, n, size=(2, min(4096, n * n)))
        return self._contributions(self._Z[a], self._Z[b]).mean(axis=0)

    # ------------------------------------------------------------------ seeds
    def _seed_rows(self, seeds: Any, by: str) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """(raw feature rows, catalog positions or -1, labels) of the seeds."""
        import pandas as pd

        if isinstance(seeds, pd.DataFrame) or isinstance(seeds, (pd.Series, Mapping)):
            table = pd.DataFrame([seeds]) if not isinstance(seeds, pd.DataFrame) else seeds
            missing = [f for f in self.features_ if f not in table.columns]
            if missing:
                raise InvalidParameterError(f"invalid seeds: feature rows lack columns {missing}")
            X = table[self.features_].to_numpy(dtype=np.float64, na_value=np.nan)
            return X, np.full(len(X), -1), [f"row {i}" for i in range(len(X))]
        if isinstance(seeds, np.ndarray) and seeds.dtype.kind == "f":
            X = np.atleast_2d(seeds).astype(np.float64)
            if X.shape[1] != len(self.features_):
                raise InvalidParameterError(
                    f"invalid seeds: feature rows have {X.shape[1]} values, expected {len(self.features_)}"
                )
            return X, np.full(len(X), -1), [f"row {i}" for i in range(len(X))]
        items = list(seeds) if isinstance(seeds, (list, tuple, np.ndarray, pd.Index)) else [seeds]
        if not items:
            raise InvalidParameterError("invalid seeds: no seeds given")
        if by == "id":
            unknown = [s for s in items if s not in self._position.index]
            if unknown:
                raise InvalidParameterError(f"invalid seeds: unknown ids {unknown[:5]}")
            positions = self._position.loc[items].to_numpy()
        elif by == "position":
            n = len(self.ids_)
            bad = [s for s in items if not isinstance(s, (int, np.integer)) or not -n <= s < n]
            if bad:
                raise InvalidParameterError(f"invalid seeds: positions {bad[:5]} out of range for {n} rows")
            positions = np.asarray(items, dtype=np.int64) % n
        else:
            raise InvalidParameterError(f"invalid by: {by!r}; expected 'id' or 'position'")
        return self._X[positions], positions, [self.ids_[p] for p in positions]

    def _allowed(self, filters: Any) -> np.ndarray | None:
        """Boolean mask of indexed items the filters allow (None = all)."""
        if filters is None:
            return None
        items = self.items_
        if callable(filters):
            mask = np.asarray(filters(items), dtype=bool)
        elif isinstance(filters, Mapping):
            mask = np.ones(len(items), dtype=bool)
            for column, rule in filters.items():
                if column not in items.columns:
                    raise InvalidParameterError(f"invalid filters: no column {column!r}")
                if callable(rule):
                    mask &= np.asarray(rule(items[column]), dtype=bool)
                else:
                    wanted = list(rule) if isinstance(rule, (list, tuple, set, frozenset)) else [rule]
                    mask &= _matches(items[column], wanted)
        else:
            mask = np.asarray(filters, dtype=bool)
        if mask.shape != (len(items),):
            raise InvalidParameterError(f"invalid filters: mask must have one entry per indexed item ({len(items)})")
        return mask

    # --------------------------------------------------------------- queries
    def _search(self, query: np.ndarray, k: int, skip: set[int], allowed: np.ndarray | None) -> tuple:
        """The k best (distances, positions) for one scaled query row, honouring skip and allowed."""
        n = len(self.ids_)
        want = min(n, k + len(skip))
        while True:
            dist, idx = self._nn.kneighbors(query[None, :], n_neighbors=want)
            ok = np.array([i not in skip and (allowed is None or allowed[i]) for i in idx[0]], dtype=bool)
            if ok.sum() >= k or want == n:
                return dist[0][ok][:k], idx[0][ok][:k]
            want = min(n, want * 4)

    def recommend(
        self,
        seeds: Any,
        k: int = 10,
        *,
        exclude_seeds: bool = True,
        filters: Mapping[str, Any] | Callable[[pd.DataFrame], Any] | np.ndarray | None = None,
        aggregate: str = "mean",
        by: str = "id",
        n_because: int = 3,
    ) -> pd.DataFrame:
        """Recommend ``k`` catalog items similar to the seeds.

        Parameters
        ----------
        seeds : id, list of ids, positions, or feature rows
            Catalog ids (``by="id"``) or item positions in ``ids_``
            (``by="position"``), one or several; or feature rows not in the
            catalog (never excluded from the results): a DataFrame, a
            Series/dict with the feature columns, or a float array of
            ``n_features`` values per row (raw units).
        k : int, default 10
            Number of items; fewer when the catalog (without the seeds) or the
            filters hold fewer (k larger than the catalog returns every item).
        exclude_seeds : bool, default True
            Leave the seed items themselves out (an item is excluded whole,
            whichever of its rows the catalog repeated).
        filters : mapping, callable or boolean mask, optional
            Restrict the candidates: ``{"genre": "jazz"}``, ``{"genre": ["jazz",
            "soul"]}``, ``{"year": lambda s: s > 2000}``, a callable taking
            ``items_``, or a boolean mask over ``items_``. A value or list rule
            matches an item whose cell is one of the values or, for list cells
            (a column that varies within an id), holds any of them; a callable
            rule receives the column as it is, lists included.
        aggregate : {"mean", "union"}, default "mean"
            Several seeds: ``"mean"`` searches from the mean of their scaled
            feature vectors; ``"union"`` searches from each seed and keeps each
            item's best match (the ``seed`` column says which).
        by : {"id", "position"}, default "id"
            How scalar seeds are read.
        n_because : int, default 3
            Features listed in ``because``.

        Returns
        -------
        pandas.DataFrame
            One row per item, best first, each item at most once: the id
            column, ``score`` (cosine similarity, or ``1 / (1 + distance)``),
            ``distance``, ``rank`` (1 = best), ``because`` (the features that
            made the item similar, with seed and item values in catalog units)
            and, for ``"union"``, ``seed``.

        Examples
        --------
        >>> import pandas as pd
        >>> import tunelens as tl
        >>> export = pd.DataFrame({
        ...     "track_id": ["a", "b", "a", "c", "d", "a"],
        ...     "genre": ["house", "house", "dance", "folk", "house", "pop"],
        ...     "energy": [0.9, 0.8, 0.9, 0.2, 0.7, 0.9],
        ...     "tempo": [128.0, 124.0, 128.0, 80.0, 120.0, 128.0],
        ... })
        >>> rec = tl.Recommender(id_column="track_id", metric="euclidean").fit(export)
        >>> rec.recommend("a", k=10)[["track_id", "rank"]]
          track_id  rank
        0        b     1
        1        d     2
        2        c     3
        >>> rec.recommend(["b", "d"], k=10, filters={"genre": "pop"})["track_id"].tolist()
        ['a']
        """
        import pandas as pd

        self._check_fitted()
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise InvalidParameterError(f"invalid k: must be a positive integer, got {k!r}")
        if aggregate not in _AGGREGATES:
            raise InvalidParameterError(f"invalid aggregate: {aggregate!r}; expected one of {_AGGREGATES}")
        rows, positions, labels = self._seed_rows(seeds, by)
        if not np.isfinite(rows).all():
            raise InvalidParameterError("invalid seeds: feature rows contain NaN or infinity")
        skip = {int(p) for p in positions if p >= 0} if exclude_seeds else set()
        allowed = self._allowed(filters)
        scaled = self._scale(rows)
        if aggregate == "mean" or len(rows) == 1:
            z = scaled
            if self.metric == "cosine":
                norms = np.linalg.norm(z, axis=1, keepdims=True)
                z = z / np.where(norms > 0, norms, 1.0)
            dist, idx = self._search(z.mean(axis=0), k, skip, allowed)
            seed_of = np.zeros(len(idx), dtype=int)
            reference = np.repeat(scaled.mean(axis=0)[None, :], len(idx), axis=0)
            raw_reference = np.repeat(rows.mean(axis=0)[None, :], len(idx), axis=0)
        else:
            best: dict[int, tuple[float, int]] = {}
            for s, row in enumerate(scaled):
                for d, i in zip(*self._search(row, k, skip, allowed)):
                    if int(i) not in best or d < best[int(i)][0]:
                        best[int(i)] = (float(d), s)
            order = sorted(best.items(), key=lambda item: (item[1][0], item[0]))[:k]
            idx = np.array([i for i, _ in order], dtype=np.int64)
            dist = np.array([d for _, (d, _) in order])
            seed_of = np.array([s for _, (_, s) in order], dtype=int)
            reference = scaled[seed_of] if len(idx) else np.zeros((0, len(self.features_)))
            raw_reference = rows[seed_of]
        out = pd.DataFrame({self.id_column or "id": self.ids_[idx]})
        out["score"] = 1.0 - dist if self.metric == "cosine" else 1.0 / (1.0 + dist)
        out["distance"] = dist
        out["rank"] = np.arange(1, len(idx) + 1)
        out["because"] = self._because(reference, raw_reference, idx, n_because)
        if aggregate == "union" and len(rows) > 1:
            out["seed"] = [labels[s] for s in seed_of]
        return out

    def _because(self, z_ref: np.ndarray, raw_ref: np.ndarray, idx: np.ndarray, n: int) -> list[str]:
        """The ``n`` features that most made each item similar to its reference."""
        if len(idx) == 0:
            return []
        contrib = self._contributions(z_ref, self._Z[idx])
        # Similarity gained per feature relative to a typical catalog pair.
        gain = contrib - self._typical if self.metric == "cosine" else self._typical - contrib
        reasons = []
        for row, item in enumerate(idx):
            top = np.argsort(-gain[row], kind="stable")[:n]
            reasons.append(
                ", ".join(
                    f"{self.features_[j]} {_fmt(self._X[item, j])} ~ {_fmt(raw_ref[row, j])}"
                    for j in top
                    if gain[row, j] > 0
                )
            )
        return reasons

    def explain_pair(self, a: Any, b: Any, *, by: str = "id") -> pd.DataFrame:
        """Full per-feature breakdown of the similarity between two items.

        Parameters
        ----------
        a, b : id, position or feature row
            As for ``seeds`` in :meth:`recommend` (one item each).
        by : {"id", "position"}, default "id"

        Returns
        -------
        pandas.DataFrame
            Indexed by feature: ``value_a``, ``value_b``, ``difference`` (b - a,
            catalog units), ``scaled_a``, ``scaled_b``, ``contribution`` (term of
            the cosine similarity, of the squared euclidean distance or of the
            manhattan distance; the column sums to that total), ``share`` (of the
            total) and ``typical`` (mean contribution over random catalog
            pairs), sorted by how much each feature made the pair similar.

        Examples
        --------
        >>> import pandas as pd
        >>> catalog = pd.DataFrame({"track_id": ["a", "b", "c"], "energy": [0.9, 0.8, 0.1],
        ...                         "acousticness": [0.1, 0.3, 0.9]})
        >>> rec = tl.Recommender(id_column="track_id").fit(catalog)
        >>> pair = rec.explain_pair("a", "b")
        >>> list(pair.index), list(pair.columns[:3])
        (['energy', 'acousticness'], ['value_a', 'value_b', 'difference'])
        """
        import pandas as pd

        self._check_fitted()
        ra, _, _ = self._seed_rows(a if not isinstance(a, list) else a[:1], by)
        rb, _, _ = self._seed_rows(b if not isinstance(b, list) else b[:1], by)
        za, zb = self._scale(ra[:1]), self._scale(rb[:1])
        contrib = self._contributions(za, zb)[0]
        total = contrib.sum()
        out = pd.DataFrame(
            {
                "value_a": ra[0],
                "value_b": rb[0],
                "difference": rb[0] - ra[0],
                "scaled_a": za[0],
                "scaled_b": zb[0],
                "contribution": contrib,
                "share": contrib / total if total != 0 else np.zeros_like(contrib),
                "typical": self._typical,
            },
            index=pd.Index(self.features_, name="feature"),
        )
        gain = contrib - self._typical if self.metric == "cosine" else self._typical - contrib
        return out.iloc[np.argsort(-gain, kind="stable")]


def _matches(values: pd.Series, wanted: list[Any]) -> np.ndarray:
    """Cells equal to one of ``wanted``; a list cell (an item's values over its
    rows) matches when any of its values does."""
    mask = values.isin(wanted).to_numpy(copy=True)
    if values.dtype != object:
        return mask
    listed = values.map(lambda v: isinstance(v, list)).to_numpy(dtype=bool)
    if listed.any():
        cells = values[listed].explode()
        hits = cells.isin(wanted).groupby(level=0, sort=False).any()
        mask[listed] = hits.reindex(values.index[listed], fill_value=False).to_numpy()
    return mask


def _fmt(value: float) -> str:
    """A short human-readable number."""
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"

