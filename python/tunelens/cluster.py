"""Music maps and clusters: PCA, k-means, cluster scores and cluster names.

:class:`PCA` and :class:`KMeans` follow scikit-learn's estimators (same
parameters, attributes and results up to component signs and k-means'
random seeding); the heavy parts (covariance, Lloyd iterations, pairwise
scores) run in Rust in parallel. :func:`describe_clusters` turns labels into
names such as ``"fast tempo, high energy, low acousticness"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tunelens import _core
from tunelens._tables import as_table, numeric_features
from tunelens.exceptions import InvalidParameterError

__all__ = ["PCA", "KMeans", "silhouette_score", "davies_bouldin_score", "describe_clusters"]


class PCA:
    """Principal component analysis (scikit-learn's ``PCA`` conventions).

    Parameters
    ----------
    n_components : int, float or None, default None
        Components kept: an int, a float in (0, 1) for the smallest number
        explaining at least that share of variance, or None for
        ``min(n_samples, n_features)``.
    whiten : bool, default False
        Divide the projections by the square root of their variance.
    n_jobs : int, default -1

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
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
    """

    def __init__(self, n_components: int | float | None = None, *, whiten: bool = False, n_jobs: int = -1) -> None:
        self.n_components = n_components
        self.whiten = whiten
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> PCA:
        """Fit the components on ``X`` (n_samples, n_features).

        Returns
        -------
        self
        """
        table = as_table(X)
        n, d = table.shape
        mean, components, variance = _core.pca_fit(table, n_jobs=self.n_jobs)
        rank = min(n, d)
        variance = variance[:rank]
        total = variance.sum()
        ratio = variance / total if total > 0 else np.zeros_like(variance)
        nc = self._count(ratio, rank)
        self.mean_ = mean
        self.components_ = components[:nc]
        self.explained_variance_ = variance[:nc]
        self.explained_variance_ratio_ = ratio[:nc]
        self.singular_values_ = np.sqrt(variance[:nc] * (n - 1))
        self.noise_variance_ = float(variance[nc:].mean()) if nc < rank else 0.0
        self.n_components_, self.n_samples_, self.n_features_in_ = nc, n, d
        return self

    def _count(self, ratio: np.ndarray, rank: int) -> int:
        nc = self.n_components
        if nc is None:
            return rank
        if isinstance(nc, (int, np.integer)) and not isinstance(nc, bool):
            if not 1 <= nc <= rank:
                raise InvalidParameterError(f"invalid n_components: must be between 1 and {rank}, got {nc}")
            return int(nc)
        if isinstance(nc, float) and 0.0 < nc < 1.0:
            return int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
        raise InvalidParameterError(f"invalid n_components: expected an int, a float in (0, 1) or None, got {nc!r}")

    def _fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise InvalidParameterError("this PCA is not fitted yet; call fit(X) first")

    def transform(self, X: Any) -> np.ndarray:
        """Project ``X`` on the components.

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        self._fitted()
        table = as_table(X)
        if table.shape[1] != self.n_features_in_:
            raise InvalidParameterError(f"invalid X: has {table.shape[1]} columns, expected {self.n_features_in_}")
        Z = table @ self.components_.T - self.mean_ @ self.components_.T
        return Z / np.sqrt(self.explained_variance_) if self.whiten else Z

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then transform ``X``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Map projections back to feature space.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
        """
        self._fitted()
        Z = as_table(X)
        axes = np.sqrt(self.explained_variance_)[:, None] * self.components_ if self.whiten else self.components_
        return Z @ axes + self.mean_


class KMeans:
    """k-means clustering (scikit-learn's ``KMeans``, Lloyd algorithm).

    Parameters
    ----------
    n_clusters : int, default 8
    init : {"k-means++"}, default "k-means++"
        Greedy k-means++ seeding (``2 + ln k`` local trials per centre).
    n_init : int or "auto", default "auto"
        Seeded runs, the lowest inertia wins; "auto" is 1, as in scikit-learn
        for k-means++.
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
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: str = "k-means++",
        n_init: int | str = "auto",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: int | None = None,
        n_jobs: int = -1,
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Cluster the rows of ``X``.

        Returns
        -------
        self
        """
        if self.init != "k-means++":
            raise InvalidParameterError(f"invalid init: {self.init!r}; only 'k-means++' is supported")
        n_init = 1 if self.n_init == "auto" else self.n_init
        for name, value in (("n_clusters", self.n_clusters), ("n_init", n_init), ("max_iter", self.max_iter)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise InvalidParameterError(f"invalid {name}: must be a positive integer, got {value!r}")
        seed = self.random_state
        if seed is None:
            seed = int(np.random.default_rng().integers(0, 2**63))
        elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise InvalidParameterError(f"invalid random_state: must be a non-negative int or None, got {seed!r}")
        table = as_table(X)
        centers, labels, inertia, n_iter = _core.kmeans_fit(
            table,
            int(self.n_clusters),
            n_init=int(n_init),
            max_iter=int(self.max_iter),
            tol=float(self.tol),
            seed=int(seed),
            n_jobs=self.n_jobs,
        )
        self.cluster_centers_, self.labels_, self.inertia_, self.n_iter_ = centers, labels, inertia, n_iter
        self.n_features_in_ = table.shape[1]
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit, then return ``labels_``."""
        return self.fit(X).labels_

    def predict(self, X: Any) -> np.ndarray:
        """Index of the closest centre for each row of ``X``."""
        if not hasattr(self, "cluster_centers_"):
            raise InvalidParameterError("this KMeans is not fitted yet; call fit(X) first")
        labels, _ = _core.kmeans_assign(as_table(X), self.cluster_centers_, n_jobs=self.n_jobs)
        return labels

    def transform(self, X: Any) -> np.ndarray:
        """Euclidean distance of each row to each centre, shape (n_samples, n_clusters)."""
        table = as_table(X)
        self.predict(table[:0])
        diff = table[:, None, :] - self.cluster_centers_[None, :, :]
        return np.sqrt((diff**2).sum(axis=2))


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
    metric : {"euclidean"}
    n_jobs : int, default -1

    Returns
    -------
    float
        In [-1, 1]; exact (O(n^2) pairwise distances in float64, blocked per row).
    """
    if metric != "euclidean":
        raise InvalidParameterError(f"invalid metric: {metric!r}; only 'euclidean' is supported")
    table = as_table(X)
    return _core.silhouette_score(table, _labels(labels, len(table)), n_jobs=n_jobs)


def davies_bouldin_score(X: Any, labels: Any) -> float:
    """Davies-Bouldin index of a clustering (lower is better; scikit-learn's definition).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)

    Returns
    -------
    float
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
    n_terms: int = 3,
    min_effect: float = 0.5,
) -> pd.DataFrame:
    """Name each cluster by its most distinctive standardized features.

    Every feature is standardized over the whole table (mean 0, standard
    deviation 1); a cluster's profile is the mean of its rows. Its name lists
    the ``n_terms`` features whose profile is furthest from 0 (at least
    ``min_effect`` standard deviations), as "high energy" / "low acousticness"
    (tempo: "fast"/"slow", loudness: "loud"/"quiet", ...).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per item.
    labels : array-like of shape (len(df),)
        Cluster of each row (e.g. ``KMeans().fit(...).labels_``).
    features : list of str, optional
        Default: every numeric column.
    n_terms : int, default 3
    min_effect : float, default 0.5
        Smallest |standardized mean| that counts as distinctive; a cluster with
        none is named "average".

    Returns
    -------
    pandas.DataFrame
        Indexed by cluster label: ``name``, ``size``, then one column per feature
        with the cluster's standardized mean (the table behind the name).
    """
    if not isinstance(df, pd.DataFrame) or len(df) == 0:
        raise InvalidParameterError("invalid df: expected a non-empty pandas DataFrame")
    cols = numeric_features(df, features)
    labels = np.asarray(labels)
    if labels.shape != (len(df),):
        raise InvalidParameterError(f"invalid labels: expected {len(df)} labels, got shape {labels.shape}")
    X = df[cols].to_numpy(dtype=np.float64, na_value=np.nan)
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


def _term(feature: str, z: float) -> str:
    low, high = _WORDS.get(feature, (f"low {feature}", f"high {feature}"))
    return high if z > 0 else low
