"""Exact nearest neighbours on scaled features (scikit-learn's ``NearestNeighbors`` API).

The search runs in Rust, brute force or on a kd-tree. Brute force: float32
SIMD kernels pre-select candidates block by block (memory stays bounded, an
all-pairs query never builds an N x N matrix), the candidates are re-scored
exactly in float64 and ties go to the lower row index. The kd-tree scores
its candidates with the same float64 distance and tie rule, so both give
identical results; ``algorithm="auto"`` picks the faster one for the data by
counting the work of both on a sample of its rows. Unlike scikit-learn, features are **scaled by default**
(``scaler="standard"``): on raw music features tempo (60-200 BPM) would
otherwise decide every distance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens import _core
from tunelens._estimator import Estimator
from tunelens._neighbor_args import check_options, positive_int
from tunelens.exceptions import InvalidParameterError, InvalidTypeError

__all__ = ["NearestNeighbors"]

class NearestNeighbors(Estimator):
    """Exact k-nearest and radius neighbours with built-in feature scaling.

    Parameters
    ----------
    n_neighbors : int, default 10
        Neighbours returned by :meth:`kneighbors` when not given there.
    radius : float, default 1.0
        Radius used by :meth:`radius_neighbors` when not given there.
    metric : {"cosine", "euclidean", "manhattan"}, default "cosine"
        Distance between scaled rows. Cosine distance is ``1 - cos`` (1 for an
        all-zero row, as in scikit-learn).
    scaler : {"standard", "robust", "minmax", None}, default "standard"
        Per-feature scaling fitted in :meth:`fit` and applied to every query:
        ``StandardScaler``, ``RobustScaler`` or ``MinMaxScaler`` formulas
        (constant columns get scale 1). ``None`` uses the raw values.
    weights : array-like of shape (n_features,), optional
        Non-negative multipliers applied to each feature after scaling (0 drops
        a feature, 2 doubles its axis).
    algorithm : {"auto", "brute", "kd_tree"}, default "auto"
        How :meth:`kneighbors` searches: ``"kd_tree"`` walks a kd-tree of the
        scaled rows (median splits on the widest feature, bounding boxes,
        nearer child first), ``"brute"`` compares every pair with SIMD
        kernels. ``"auto"`` (at most 32 features; brute force on wider
        tables) builds the tree and measures both on the data: 256 of its
        rows, spread evenly, are searched for ``n_neighbors`` neighbours on
        the tree (counting visited nodes and scored rows) and, unless the
        tree is clearly cheaper, by brute force (counting scans, including
        re-searches for near-ties); each count is priced with per-operation
        costs measured once (``bench/bench_planner.py --calibrate``) and the
        cheaper path is used. The choice is deterministic (counts, not
        timings) and made at :meth:`fit`; a :meth:`kneighbors` call with
        another ``n_neighbors`` and at least 2,048 queries plans again for it
        (smaller calls reuse the plan of the nearest ``n_neighbors``).
        The tree wins on data of low intrinsic dimension (clustered music
        features), brute force on noise-like data (isotropic noise in 12
        dimensions, where the tree is ~10x slower). All give identical
        results; :meth:`radius_neighbors` is always brute force.
    leaf_size : int, default 40
        Rows per kd-tree leaf (about).
    n_jobs : int, default -1
        Threads (-1 = all cores).

    Attributes
    ----------
    n_samples_fit_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame.
    _fit_method : str
        ``"kd_tree"`` or ``"brute"``: the path :meth:`kneighbors` takes for
        ``n_neighbors`` (for ``"auto"``, the planned one).
    plan_ : dict or None
        With ``"auto"`` on at most 32 features, the plan for ``n_neighbors``:
        ``path``, the estimated cost per query of each path in nanoseconds of
        one core (``tree_ns``, ``brute_ns``) and the sampled counts behind them
        (``sample``, ``tree_queries``, ``tree_nodes``, ``tree_rows``,
        ``brute_scans``, ``brute_reranked``; see the Rust ``neighbors::plan``
        module). ``None`` otherwise.
    scale_offset_, scale_, weights_ : ndarray of shape (n_features,)
        The fitted scaler and the weights: ``scaled = (x - scale_offset_) / scale_ * weights_``.

    Notes
    -----
    Distances are float64, computed exactly from the scaled rows stored as
    float32. Results equal ``sklearn.neighbors.NearestNeighbors(algorithm="brute")``
    fitted on the same scaled data, whatever ``algorithm`` is (neighbour order by distance, ties by lower
    index). NaN or infinite values raise :class:`InvalidParameterError`.

    The estimator follows scikit-learn's protocol (``get_params``,
    ``set_params``, ``sklearn.base.clone``, use in a ``Pipeline``). After
    fitting on a DataFrame, DataFrame queries are matched to its columns by
    name. A fitted index lives in the Rust core without a copy of ``X`` and
    cannot be pickled (:class:`InvalidTypeError`); an unfitted one can.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    >>> nn = tl.NearestNeighbors(n_neighbors=2, metric="euclidean", scaler=None).fit(X)
    >>> distances, indices = nn.kneighbors(np.array([[0.9, 0.1]]))
    >>> indices, distances.round(3)
    (array([[1, 0]]), array([[0.141, 0.906]]))
    """

    def __init__(
        self,
        n_neighbors: int = 10,
        *,
        radius: float = 1.0,
        metric: str = "cosine",
        scaler: str | None = "standard",
        weights: Any = None,
        algorithm: str = "auto",
        leaf_size: int = 40,
        n_jobs: int = -1,
    ) -> None:
        self._store_params(locals())

    def fit(self, X: Any, y: Any = None) -> NearestNeighbors:
        """Fit the scaler and index the rows of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Numeric features; float32 data is indexed without a float64 copy.
        y : ignored

        Returns
        -------
        self

        Examples
        --------
        >>> nn = tl.NearestNeighbors(n_neighbors=2).fit(np.random.default_rng(0).standard_normal((50, 3)))
        >>> nn.n_samples_fit_, nn.n_features_in_
        (50, 3)
        """
        check_options(self.metric, self.scaler, self.algorithm)
        n_neighbors = positive_int(self.n_neighbors, "n_neighbors")
        leaf_size = positive_int(self.leaf_size, "leaf_size")
        table, names = self._fit_rows(X)
        weights = None if self.weights is None else [float(w) for w in np.asarray(self.weights, dtype=float).ravel()]
        self._index = _core.NeighborIndex(
            table, metric=self.metric, scaler=self.scaler or "none", weights=weights,
            algorithm=self.algorithm, leaf_size=leaf_size, n_neighbors=n_neighbors, n_jobs=self.n_jobs,
        )
        self._fit_method = self._index.fit_method
        self.plan_ = self._index.fit_plan
        self.n_samples_fit_ = self._index.n_samples
        self._fitted_on(table, names)
        self.scale_offset_ = self._index.offset
        self.scale_ = self._index.scale
        self.weights_ = self._index.weights
        return self

    def _queries(self, X: Any) -> np.ndarray | None:
        """Query table (None: the indexed rows), checked against the fitted features."""
        self._check_fitted()
        return None if X is None else self._rows(X)

    def _summary(self) -> list[tuple[str, str]]:
        return [("rows indexed", str(self.n_samples_fit_)), ("features", str(self.n_features_in_)),
                ("search", self._fit_method)]

    def __getstate__(self) -> dict[str, Any]:
        if "_index" in vars(self):
            raise InvalidTypeError(
                "cannot pickle a fitted NearestNeighbors: its index lives in tunelens' Rust core and keeps no "
                "copy of X; pickle it unfitted (or sklearn.base.clone(nn)) and fit again after loading"
            )
        return dict(vars(self))

    def kneighbors(
        self, X: Any = None, n_neighbors: int | None = None, return_distance: bool = True
    ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """Find the ``n_neighbors`` nearest indexed rows of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), optional
            Queries in the original (unscaled) units. ``None`` queries every
            indexed row, and a row is then not its own neighbour.
        n_neighbors : int, optional
            Defaults to the constructor's value.
        return_distance : bool, default True

        Returns
        -------
        distances : ndarray of shape (n_queries, n_neighbors), float64
            Only when ``return_distance``; nearest first.
        indices : ndarray of shape (n_queries, n_neighbors), int64

        Examples
        --------
        Without ``X``, each indexed row's neighbours other than itself:

        >>> X = np.array([[0.0], [1.0], [3.0], [7.0]])
        >>> nn = tl.NearestNeighbors(n_neighbors=1, metric="euclidean", scaler=None).fit(X)
        >>> nn.kneighbors(return_distance=False).ravel()
        array([1, 0, 1, 2])
        """
        table = self._queries(X)
        k = positive_int(self.n_neighbors if n_neighbors is None else n_neighbors, "n_neighbors")
        distances, indices = self._index.kneighbors(table, k, n_jobs=self.n_jobs)
        return (distances, indices) if return_distance else indices

    def kneighbors_graph(self, X: Any = None, n_neighbors: int | None = None, mode: str = "connectivity") -> Any:
        """Sparse graph of the k nearest neighbours.

        Parameters
        ----------
        X : array-like, optional
            Queries; ``None`` uses the indexed rows (no self-loops).
        n_neighbors : int, optional
        mode : {"connectivity", "distance"}
            Edge weights: 1, or the distance.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_queries, ``n_samples_fit_``)

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [3.0], [7.0]])
        >>> nn = tl.NearestNeighbors(n_neighbors=1, metric="euclidean", scaler=None).fit(X)
        >>> nn.kneighbors_graph(mode="distance").toarray()
        array([[0., 1., 0., 0.],
               [1., 0., 0., 0.],
               [0., 2., 0., 0.],
               [0., 0., 4., 0.]])
        """
        from scipy.sparse import csr_matrix

        if mode not in ("connectivity", "distance"):
            raise InvalidParameterError(f"invalid mode: {mode!r}; expected 'connectivity' or 'distance'")
        distances, indices = self.kneighbors(X, n_neighbors)
        n_queries, k = indices.shape
        data = np.ones(n_queries * k) if mode == "connectivity" else distances.ravel()
        indptr = np.arange(0, n_queries * k + 1, k)
        return csr_matrix((data, indices.ravel(), indptr), shape=(n_queries, self.n_samples_fit_))

    def radius_neighbors(
        self, X: Any = None, radius: float | None = None, return_distance: bool = True, sort_results: bool = True
    ) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
        """Find every indexed row within ``radius`` of each query.

        Parameters
        ----------
        X : array-like, optional
            Queries; ``None`` uses the indexed rows (a row is not its own neighbour).
        radius : float, optional
            Defaults to the constructor's value. Distances equal to the radius count.
        return_distance : bool, default True
        sort_results : bool, default True
            Results are always sorted by distance, then index (accepted for
            scikit-learn compatibility).

        Returns
        -------
        distances : ndarray of object
            One float64 array per query (only when ``return_distance``).
        indices : ndarray of object
            One int64 array per query.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [3.0], [7.0]])
        >>> nn = tl.NearestNeighbors(metric="euclidean", scaler=None).fit(X)
        >>> distances, indices = nn.radius_neighbors(np.array([[0.5]]), radius=1.0)
        >>> indices[0], distances[0]
        (array([0, 1]), array([0.5, 0.5]))
        """
        table = self._queries(X)
        r = float(self.radius if radius is None else radius)
        dist_list, idx_list = self._index.radius_neighbors(table, r, n_jobs=self.n_jobs)
        distances = np.empty(len(idx_list), dtype=object)
        indices = np.empty(len(idx_list), dtype=object)
        distances[:] = dist_list
        indices[:] = idx_list
        return (distances, indices) if return_distance else indices
