"""Music maps and clusters: PCA, k-means, cluster scores and cluster names.

:class:`PCA` and :class:`KMeans` follow scikit-learn's estimators (same
parameters, attributes and results up to component signs and k-means'
random seeding); the heavy parts (covariance, Lloyd iterations, pairwise
scores) run in Rust in parallel. :func:`describe_clusters` turns labels into
names such as ``"fast tempo, high energy, low acousticness"``.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from tunelens import _core
from tunelens._docs import fill_doc
from tunelens._estimator import Estimator
from tunelens._items import Items, collapse, ids_of
from tunelens._tables import as_table, numeric_features
from tunelens.exceptions import InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PCA", "KMeans", "silhouette_score", "davies_bouldin_score", "describe_clusters"]

#: The Parameters section of the estimators' methods taking feature rows ``X``.
_ROWS = """
Parameters
----------
X : array-like or DataFrame of shape (n_samples, n_features)
    Numeric rows.
"""
#: ... and of their fitting methods, which also take scikit-learn's ``y``.
_FIT_PARAMETERS = _ROWS + """y : ignored
    Accepted for scikit-learn's pipeline protocol.
"""
_rows_doc = fill_doc(parameters=_ROWS)
_fit_doc = fill_doc(fit_parameters=_FIT_PARAMETERS)


class PCA(Estimator):
    """Principal component analysis (scikit-learn's ``PCA`` conventions).

    Parameters
    ----------
    n_components : int, float, "mle" or None, default None
        Components kept: an int, a float in (0, 1) for the smallest number
        explaining at least that share of variance, "mle" for Minka's
        maximum-likelihood dimension (needs n_samples >= n_features), or None
        for ``min(n_samples, n_features)``.
    whiten : bool, default False
        Divide the projections by the square root of their variance.
    n_jobs : int, default -1

    Attributes
    ----------
    components_ : ndarray of shape (``n_components_``, n_features)
        Unit axes, largest variance first; each axis' largest-magnitude entry is
        positive (scikit-learn's ``svd_flip`` convention).
    explained_variance_, explained_variance_ratio_, singular_values_ : ndarray
        Variance with ``n_samples - 1`` degrees of freedom, its share of the
        total, and the matching singular values of the centred data.
    mean_ : ndarray of shape (n_features,)
    noise_variance_ : float
    n_components_, n_samples_, n_features_in_ : int

    Notes
    -----
    Fitted through the covariance matrix in float64 (as scikit-learn's
    ``covariance_eigh`` solver), which is exact to ~1e-12 relative for feature
    tables whose variances span less than ~1e8.

    Examples
    --------
    Points along a line in 3-D: one component explains them.

    >>> t = np.linspace(-1.0, 1.0, 50)
    >>> X = np.column_stack([t, 2 * t, -t]) + 5.0
    >>> pca = tl.PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_.round(6)
    array([1., 0.])
    >>> pca.components_[0].round(3)
    array([ 0.408,  0.816, -0.408])
    """

    def __init__(self, n_components: int | float | None = None, *, whiten: bool = False, n_jobs: int = -1) -> None:
        self._store_params(locals())

    @_fit_doc
    def fit(self, X: Any, y: Any = None) -> PCA:
        """Fit the components on ``X`` (n_samples, n_features).

        {fit_parameters}

        Returns
        -------
        self

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> t = rng.standard_normal(100)
        >>> X = np.column_stack([t, 2 * t, -t]) + 0.01 * rng.standard_normal((100, 3))
        >>> tl.PCA(n_components=0.9).fit(X).n_components_  # one axis explains 90 % of the variance
        1
        """
        table, names = self._fit_rows(X)
        n, d = table.shape
        mean, components, variance = _core.pca_fit(table, n_jobs=self.n_jobs)
        rank = min(n, d)
        variance = variance[:rank]
        total = variance.sum()
        ratio = variance / total if total > 0 else np.zeros_like(variance)
        nc = self._count(ratio, rank, variance, n, d)
        self.mean_ = mean
        self.components_ = components[:nc]
        self.explained_variance_ = variance[:nc]
        self.explained_variance_ratio_ = ratio[:nc]
        self.singular_values_ = np.sqrt(variance[:nc] * (n - 1))
        self.noise_variance_ = float(variance[nc:].mean()) if nc < rank else 0.0
        self.n_components_, self.n_samples_ = nc, n
        self._fitted_on(table, names)
        return self

    def _count(self, ratio: np.ndarray, rank: int, variance: np.ndarray, n: int, d: int) -> int:
        nc = self.n_components
        if nc is None:
            return rank
        if isinstance(nc, str) and nc == "mle":
            if n < d:
                raise InvalidParameterError("invalid n_components: 'mle' needs n_samples >= n_features")
            return _mle_dimension(variance, n)
        if isinstance(nc, (int, np.integer)) and not isinstance(nc, bool):
            if not 1 <= nc <= rank:
                raise InvalidParameterError(f"invalid n_components: must be between 1 and {rank}, got {nc}")
            return int(nc)
        if isinstance(nc, float) and 0.0 < nc < 1.0:
            return int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
        raise InvalidParameterError(
            f"invalid n_components: expected an int, a float in (0, 1), 'mle' or None, got {nc!r}"
        )

    @_rows_doc
    def transform(self, X: Any) -> np.ndarray:
        """Project ``X`` on the components.

        {parameters}

        Returns
        -------
        ndarray of shape (n_samples, ``n_components_``)

        Examples
        --------
        >>> X = np.random.default_rng(0).standard_normal((20, 4))
        >>> pca = tl.PCA(n_components=2).fit(X)
        >>> pca.transform(X[:3]).shape
        (3, 2)
        """
        table = self._rows(X)
        Z = table @ self.components_.T - self.mean_ @ self.components_.T
        return Z / np.sqrt(self.explained_variance_) if self.whiten else Z

    @_fit_doc
    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then transform ``X``.

        {fit_parameters}

        Returns
        -------
        ndarray of shape (n_samples, ``n_components_``)

        Examples
        --------
        >>> X = np.random.default_rng(0).standard_normal((20, 4))
        >>> Z = tl.PCA(n_components=2, whiten=True).fit_transform(X)
        >>> Z.std(axis=0, ddof=1).round(6)
        array([1., 1.])
        """
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Map projections back to feature space.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_components_``)
            Projections, as :meth:`transform` returns them.

        Returns
        -------
        ndarray of shape (n_samples, ``n_features_in_``)

        Examples
        --------
        >>> X = np.random.default_rng(0).standard_normal((20, 4))
        >>> pca = tl.PCA().fit(X)  # every component: the round trip is exact
        >>> bool(np.allclose(pca.inverse_transform(pca.transform(X)), X))
        True
        """
        self._check_fitted()
        Z = as_table(X)
        if Z.shape[1] != self.n_components_:
            raise InvalidParameterError(
                f"invalid X: has {Z.shape[1]} columns, expected n_components_ = {self.n_components_} projections"
            )
        axes = np.sqrt(self.explained_variance_)[:, None] * self.components_ if self.whiten else self.components_
        return Z @ axes + self.mean_

    @_rows_doc
    def score_samples(self, X: Any) -> np.ndarray:
        """Log-likelihood of each row under the probabilistic PCA model (scikit-learn's ``score_samples``).

        The model is a Gaussian with the fitted mean and covariance
        ``components_.T @ diag(explained_variance_ - noise_variance_) @ components_
        + noise_variance_ * I`` (Tipping and Bishop, 1999).

        {parameters}

        Returns
        -------
        ndarray of shape (n_samples,)

        Examples
        --------
        >>> X = np.random.default_rng(0).standard_normal((200, 3))
        >>> pca = tl.PCA(n_components=2).fit(X)
        >>> pca.score_samples(X[:2]).round(3)
        array([-3.035, -3.01 ])
        """
        table = self._rows(X)
        precision = self._precision()
        centred = table - self.mean_
        sign, logdet = np.linalg.slogdet(precision)
        logdet = logdet if sign > 0 else -np.inf
        log_like = -0.5 * np.sum(centred * (centred @ precision), axis=1)
        return log_like - 0.5 * (table.shape[1] * math.log(2.0 * math.pi) - logdet)

    @_rows_doc
    def score(self, X: Any, y: Any = None) -> float:
        """Mean log-likelihood of the rows (:meth:`score_samples`): higher is better.

        ``GridSearchCV`` uses it to choose ``n_components`` when no other
        scoring is given, as with scikit-learn's ``PCA``.

        {parameters}
        y : ignored

        Returns
        -------
        float

        Examples
        --------
        >>> X = np.random.default_rng(0).standard_normal((200, 3))
        >>> round(tl.PCA(n_components=2).fit(X).score(X), 3)
        -4.238
        """
        return float(np.mean(self.score_samples(X)))

    def _precision(self) -> np.ndarray:
        """Inverse of the model covariance, by the matrix inversion lemma (scikit-learn's ``get_precision``)."""
        components, variance, noise = self.components_, self.explained_variance_, self.noise_variance_
        if self.whiten:
            components = components * np.sqrt(variance[:, None])
        excess = np.where(variance > noise, variance - noise, 0.0)
        try:
            if noise == 0.0:
                precision = np.linalg.inv((components.T * excess) @ components)
            else:
                with np.errstate(divide="ignore", invalid="ignore"):  # no excess variance: caught below
                    inner = components @ components.T / noise + np.diag(1.0 / excess)
                    precision = components.T @ np.linalg.inv(inner) @ components / -(noise**2)
                precision[np.diag_indices_from(precision)] += 1.0 / noise
        except np.linalg.LinAlgError:
            precision = np.full((1, 1), np.nan)
        if not np.isfinite(precision).all():
            raise InvalidParameterError(
                "the fitted PCA model's covariance is singular (a component holds no more variance than the noise, "
                "or the data has fewer independent directions than features): its log-likelihood is undefined; "
                "fit fewer components"
            )
        return precision

    def _summary(self) -> list[tuple[str, str]]:
        share = float(self.explained_variance_ratio_.sum())
        return [("components", str(self.n_components_)), ("variance explained", f"{share:.1%}"),
                ("rows x features", f"{self.n_samples_} x {self.n_features_in_}")]


def _mle_dimension(spectrum: np.ndarray, n_samples: int) -> int:
    """Minka's maximum-likelihood PCA dimension (scikit-learn's ``_infer_dimension``).

    Returns the rank in ``[1, n_features - 1]`` with the highest Laplace-approximated
    evidence of a probabilistic PCA model (T. P. Minka, *Automatic choice of
    dimensionality for PCA*, NIPS 2000), ranks whose eigenvalue is below 1e-15 excluded.
    """
    d = len(spectrum)
    best, best_ll = 1, -math.inf
    for rank in range(1, d):
        if spectrum[rank - 1] < 1e-15:
            continue
        k = np.arange(1, rank + 1)
        pu = -rank * math.log(2.0) + sum(
            math.lgamma((d - i + 1) / 2.0) - math.log(math.pi) * (d - i + 1) / 2.0 for i in k
        )
        pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
        v = max(1e-15, float(np.sum(spectrum[rank:])) / (d - rank))
        pv = -math.log(v) * n_samples * (d - rank) / 2.0
        m = d * rank - rank * (rank + 1.0) / 2.0
        pp = math.log(2.0 * math.pi) * (m + rank) / 2.0
        filled = spectrum.copy()
        filled[rank:] = v
        i, j = np.triu_indices(d, k=1)
        keep = i < rank
        i, j = i[keep], j[keep]
        with np.errstate(divide="ignore", invalid="ignore"):  # ties and negatives as scikit-learn (inf, nan)
            pa = np.sum(np.log((spectrum[i] - spectrum[j]) * (1.0 / filled[j] - 1.0 / filled[i])) + math.log(n_samples))
        ll = pu + pl + pv + pp - pa / 2.0 - rank * math.log(n_samples) / 2.0
        if math.isnan(ll):  # numpy's argmax returns the first NaN
            return rank
        if ll > best_ll:
            best, best_ll = rank, ll
    return best


class KMeans(Estimator):
    """k-means clustering (scikit-learn's ``KMeans``, Lloyd algorithm).

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++", "random"}, array of shape (n_clusters, n_features) or callable, default "k-means++"
        "k-means++": greedy k-means++ seeding (``2 + ln k`` local trials per
        centre); "random": ``n_clusters`` distinct rows drawn at random; an
        array: these centres; a callable ``init(X, n_clusters, random_state)``
        returning such an array.
    n_init : int or "auto", default "auto"
        Seeded runs, the lowest inertia wins; "auto" is 1 for k-means++ and
        explicit centres and 10 for "random", as in scikit-learn. Explicit
        centres always run once (a ``RuntimeWarning`` says so when ``n_init``
        asks for more, as scikit-learn does).
    max_iter : int, default 300
    tol : float, default 1e-4
        Relative to the mean feature variance; compared with the total squared
        centre shift.
    random_state : int or None, default None
        Seed of the seeding. None draws a fresh seed (not reproducible).
    n_jobs : int, default -1

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Sum of squared distances to the closest centre.
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    Two well separated groups:

    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [5.0, 5.0], [5.1, 5.0], [5.0, 5.1]])
    >>> km = tl.KMeans(n_clusters=2, random_state=0).fit(X)
    >>> bool(km.labels_[0] != km.labels_[3]), len(set(km.labels_[:3]))
    (True, 1)
    >>> km.cluster_centers_[np.argsort(km.cluster_centers_[:, 0])].round(3)
    array([[0.033, 0.033],
           [5.033, 5.033]])
    """

    _estimator_type = "clusterer"

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Any = "k-means++",
        n_init: int | str = "auto",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: int | None = None,
        n_jobs: int = -1,
    ) -> None:
        self._store_params(locals())

    @_fit_doc
    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Cluster the rows of ``X``.

        {fit_parameters}

        Returns
        -------
        self

        Examples
        --------
        >>> X = np.array([[0.0], [0.2], [10.0], [10.2]])
        >>> km = tl.KMeans(n_clusters=2, random_state=0).fit(X)
        >>> sorted(km.cluster_centers_.ravel().round(3).tolist()), round(km.inertia_, 3)
        ([0.1, 10.1], 0.04)
        """
        seed = self.random_state
        if seed is None:
            seed = int(np.random.default_rng().integers(0, 2**63))
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise InvalidParameterError(f"invalid random_state: must be a non-negative int or None, got {seed!r}")
        _check_counts(n_clusters=self.n_clusters, max_iter=self.max_iter)
        table, names = self._fit_rows(X)
        init, centers = self._initial_centers(table, int(seed))
        n_init = self._n_init(explicit=centers is not None)
        _check_counts(n_init=n_init)
        centers, labels, inertia, n_iter = _core.kmeans_fit(
            table,
            int(self.n_clusters),
            init=init,
            centers=centers,
            n_init=int(n_init),
            max_iter=int(self.max_iter),
            tol=float(self.tol),
            seed=int(seed),
            n_jobs=self.n_jobs,
        )
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = centers, labels, inertia, n_iter
        self._fitted_on(table, names)
        return self

    def _initial_centers(self, table: np.ndarray, seed: int) -> tuple[str, np.ndarray | None]:
        """The core's ``init`` name and the explicit centres, if any."""
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means++", "random"):
                raise InvalidParameterError(
                    f"invalid init: {init!r}; use 'k-means++', 'random', an array of centres or a callable"
                )
            return init, None
        if callable(init):
            init = init(table, self.n_clusters, np.random.RandomState(seed % 2**32))
        centers = np.asarray(init, dtype=np.float64)
        expected = (self.n_clusters, table.shape[1])
        if centers.shape != expected:
            raise InvalidParameterError(f"invalid init: the centres must have shape {expected}, got {centers.shape}")
        return "k-means++", np.ascontiguousarray(centers)

    def _n_init(self, *, explicit: bool) -> Any:
        """Runs to make: scikit-learn's ``n_init`` rules."""
        if explicit:
            if self.n_init not in ("auto", 1):
                warnings.warn(
                    f"Explicit initial center position passed: performing only one init in KMeans instead of "
                    f"n_init={self.n_init}.",
                    RuntimeWarning,
                    stacklevel=3,
                )
            return 1
        if self.n_init == "auto":
            return 10 if self.init == "random" else 1
        return self.n_init

    @_fit_doc
    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then return ``labels_``.

        {fit_parameters}

        Returns
        -------
        ndarray of shape (n_samples,)
            Cluster index of each row.

        Examples
        --------
        >>> X = np.array([[0.0], [0.2], [10.0], [10.2]])
        >>> labels = tl.KMeans(n_clusters=2, random_state=0).fit_predict(X)
        >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
        True
        """
        return self.fit(X).labels_

    @_rows_doc
    def predict(self, X: Any) -> np.ndarray:
        """Index of the closest centre for each row of ``X``.

        {parameters}

        Returns
        -------
        ndarray of shape (n_samples,)
            Index into ``cluster_centers_``.

        Examples
        --------
        >>> km = tl.KMeans(n_clusters=2, init=np.array([[0.0], [10.0]])).fit(np.array([[0.0], [0.2], [10.0], [10.2]]))
        >>> km.predict(np.array([[1.0], [9.0]]))
        array([0, 1])
        """
        labels, _ = _core.kmeans_assign(self._rows(X), self.cluster_centers_, n_jobs=self.n_jobs)
        return labels

    @_rows_doc
    def transform(self, X: Any) -> np.ndarray:
        """Euclidean distance of each row to each centre.

        {parameters}

        Returns
        -------
        ndarray of shape (n_samples, n_clusters)

        Examples
        --------
        >>> km = tl.KMeans(n_clusters=2, init=np.array([[0.0], [10.0]])).fit(np.array([[0.0], [0.2], [10.0], [10.2]]))
        >>> km.transform(np.array([[1.0]])).round(3)
        array([[0.9, 9.1]])
        """
        table = self._rows(X)
        diff = table[:, None, :] - self.cluster_centers_[None, :, :]
        return np.sqrt((diff**2).sum(axis=2))

    @_fit_doc
    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then return the distance of each row to each centre (:meth:`transform`).

        {fit_parameters}

        Returns
        -------
        ndarray of shape (n_samples, n_clusters)

        Examples
        --------
        >>> X = np.array([[0.0], [0.2], [10.0], [10.2]])
        >>> tl.KMeans(n_clusters=2, init=np.array([[0.0], [10.0]])).fit_transform(X).round(3)
        array([[ 0.1, 10.1],
               [ 0.1,  9.9],
               [ 9.9,  0.1],
               [10.1,  0.1]])
        """
        return self.fit(X).transform(X)

    @_rows_doc
    def score(self, X: Any, y: Any = None) -> float:
        """Opposite of the inertia of ``X`` on the fitted centres (higher is better, as scikit-learn's).

        {parameters}
        y : ignored

        Returns
        -------
        float
            ``-sum`` of each row's squared distance to its closest centre.

        Examples
        --------
        >>> km = tl.KMeans(n_clusters=2, init=np.array([[0.0], [10.0]])).fit(np.array([[0.0], [0.2], [10.0], [10.2]]))
        >>> round(km.score(np.array([[1.0], [9.0]])), 3)
        -2.02
        """
        _, distances = _core.kmeans_assign(self._rows(X), self.cluster_centers_, n_jobs=self.n_jobs)
        return -float(np.sum(distances))

    def _summary(self) -> list[tuple[str, str]]:
        return [("clusters", str(len(self.cluster_centers_))), ("inertia", f"{self.inertia_:.6g}"),
                ("iterations", str(self.n_iter_))]


def _check_counts(**counts: Any) -> None:
    """Raise unless every value is a positive integer."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise InvalidParameterError(f"invalid {name}: must be a positive integer, got {value!r}")


def _labels(labels: Any, n: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != n:
        raise InvalidParameterError(f"invalid labels: expected {n} labels, got shape {labels.shape}")
    return np.unique(labels, return_inverse=True)[1].astype(np.int64).ravel()


def silhouette_score(X: Any, labels: Any, *, metric: str = "euclidean", n_jobs: int = -1) -> float:
    """Mean silhouette coefficient of a clustering (scikit-learn's definition).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Any hashable labels; 2 to n_samples - 1 distinct values.
    metric : {"euclidean", "l2", "sqeuclidean", "manhattan", "cityblock", "l1", "cosine", "precomputed"}
        scikit-learn's metric names; with "precomputed", ``X`` is the square
        distance matrix (zero diagonal).
    n_jobs : int, default -1

    Returns
    -------
    float
        In [-1, 1]; exact (O(n^2) pairwise distances in float64, one row at a time).

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> round(tl.silhouette_score(X, [0, 0, 1, 1]), 4)
    0.9002
    """
    table = as_table(X)
    return _core.silhouette_score(table, _labels(labels, len(table)), metric=metric, n_jobs=n_jobs)


def davies_bouldin_score(X: Any, labels: Any) -> float:
    """Davies-Bouldin index of a clustering (lower is better; scikit-learn's definition).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    float

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> round(tl.davies_bouldin_score(X, [0, 0, 1, 1]), 4)
    0.1
    """
    table = as_table(X)
    return _core.davies_bouldin_score(table, _labels(labels, len(table)))


#: Words for the low and high ends of well-known music features.
_WORDS = {
    "tempo": ("slow tempo", "fast tempo"),
    "loudness": ("quiet", "loud"),
    "duration_ms": ("short", "long"),
    "duration": ("short", "long"),
    "mode": ("minor", "major"),
}


def describe_clusters(
    df: pd.DataFrame,
    labels: Any,
    *,
    features: list[str] | None = None,
    id_column: str | None = None,
    duplicates: str = "raise",
    n_terms: int = 3,
    min_effect: float = 0.5,
) -> pd.DataFrame:
    """Name each cluster by its most distinctive standardized features.

    Every feature is standardized over the whole table (mean 0, standard
    deviation 1); a cluster's profile is the mean of its items. Its name lists
    the ``n_terms`` features whose profile is furthest from 0 (at least
    ``min_effect`` standard deviations), as "high energy" / "low acousticness"
    (tempo: "fast"/"slow", loudness: "loud"/"quiet", ...). With ``id_column``,
    rows sharing an id (a track listed in several playlists) are one item,
    standardized, averaged and counted once.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per item, or, with ``id_column``, one or more rows per item.
    labels : array-like
        Cluster of each row (e.g. ``KMeans().fit(...).labels_``), shape
        ``(len(df),)``; with ``id_column`` also one per item (in the order ids
        first appear). Rows of one item must share a cluster.
    features : list of str, optional
        Default: every numeric column except ``id_column`` and the bookkeeping
        columns (``filename``, ``path``, ``file``, ``id``, ``length``, ``error``).
    id_column : str, optional
        Column of item ids. Default: every row is its own item.
    duplicates : {"raise", "first", "mean"}, default "raise"
        Rows of one id whose features differ: ``"raise"`` an
        :class:`InvalidParameterError` naming the ids and columns; ``"first"``
        keep the first row's features; ``"mean"`` average the differing columns.
        Rows with identical features always collapse silently.
    n_terms : int, default 3
    min_effect : float, default 0.5
        Smallest absolute standardized mean that counts as distinctive; a cluster with
        none is named "average".

    Returns
    -------
    pandas.DataFrame
        Indexed by cluster label: ``name``, ``size`` (items), then one column
        per feature with the cluster's standardized mean (the table behind the
        name).

    Examples
    --------
    >>> import pandas as pd
    >>> import tunelens as tl
    >>> export = pd.DataFrame({
    ...     "track_id": ["a", "a", "b", "c", "d"],
    ...     "playlist": ["Gym", "Run", "Gym", "Sleep", "Sleep"],
    ...     "tempo": [170.0, 170.0, 160.0, 70.0, 80.0],
    ...     "energy": [0.9, 0.9, 0.8, 0.1, 0.2],
    ... })
    >>> labels = ["fast", "fast", "fast", "slow", "slow"]
    >>> table = tl.describe_clusters(export, labels, id_column="track_id")
    >>> table["name"].to_dict(), table["size"].to_dict()
    ({'fast': 'fast tempo, high energy', 'slow': 'slow tempo, low energy'}, {'fast': 2, 'slow': 2})
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise InvalidParameterError("invalid df: expected a non-empty pandas DataFrame")
    cols = numeric_features(df, features, id_column)
    ids = pd.RangeIndex(len(df)) if id_column is None else ids_of(df, id_column)
    items = collapse(df, ids, cols, duplicates)
    labels = _item_labels(np.asarray(labels), items)
    X = items.X
    if not np.isfinite(X).all():
        raise InvalidParameterError("invalid df: features contain NaN or infinity; clean or impute them first")
    std = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    profile = pd.DataFrame(Z, columns=cols).groupby(labels, sort=True).mean()
    names = []
    for _, row in profile.iterrows():
        order = row.abs().sort_values(ascending=False, kind="stable")
        terms = [_term(f, row[f]) for f in order.index[:n_terms] if abs(row[f]) >= min_effect]
        names.append(", ".join(terms) if terms else "average")
    out = pd.DataFrame({"name": names, "size": pd.Series(labels).value_counts().reindex(profile.index).to_numpy()})
    out.index = profile.index
    out.index.name = "cluster"
    return pd.concat([out, profile], axis=1)


def _item_labels(labels: np.ndarray, items: Items) -> np.ndarray:
    """One label per item, from one per row (the rows of an item must agree) or one per item."""
    n_rows, n_items = len(items.codes), len(items.ids)
    if labels.shape == (n_rows,):
        if n_items == n_rows:
            return labels
        inverse = np.unique(labels, return_inverse=True)[1].ravel()
        split = np.unique(items.codes[inverse != inverse[items.first][items.codes]])
        if len(split):
            raise InvalidParameterError(
                f"invalid labels: the rows of {len(split)} items are in different clusters "
                f"(ids {items.ids[split[:5]].tolist()}); give rows of one item one label, or one label per item"
            )
        return labels[items.first]
    if labels.shape != (n_items,):
        per_item = f" or {n_items} (one per item)" if n_items < n_rows else ""
        raise InvalidParameterError(f"invalid labels: expected {n_rows} labels{per_item}, got shape {labels.shape}")
    return labels


def _term(feature: str, z: float) -> str:
    low, high = _WORDS.get(feature, (f"low {feature}", f"high {feature}"))
    return high if z > 0 else low
