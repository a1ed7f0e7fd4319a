"""Parity of tunelens.PCA, KMeans and cluster scores with scikit-learn; cluster names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn.cluster
import sklearn.decomposition
import sklearn.metrics
from catalogs import catalog, numeric
from sklearn.datasets import make_blobs

import tunelens
from tunelens import InvalidParameterError


def _sign_aligned(ours, ref):
    """``ours`` with each row's sign flipped to best match ``ref``."""
    signs = np.sign((ours * ref).sum(axis=1, keepdims=True))
    return ours * np.where(signs == 0, 1, signs)


@pytest.mark.parametrize("shape,n_components", [((500, 12), None), ((300, 57), 20), ((60, 80), 10), ((400, 9), 0.9)])
@pytest.mark.parametrize("whiten", [False, True])
def test_pca_matches_sklearn(shape, n_components, whiten):
    X = numeric(*shape, seed=shape[1])
    ours = tunelens.PCA(n_components, whiten=whiten).fit(X)
    ref = sklearn.decomposition.PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_
    # Issue tolerance: explained variance within 1e-6 (relative).
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-6)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-6)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-6)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12, atol=1e-12)
    # Components equal up to sign (1e-6 absolute on unit vectors).
    np.testing.assert_allclose(_sign_aligned(ours.components_, ref.components_), ref.components_, atol=1e-6)
    Z, Zref = ours.transform(X), ref.transform(X)
    np.testing.assert_allclose(_sign_aligned(Z.T, Zref.T).T, Zref, rtol=1e-6, atol=1e-6 * np.abs(Zref).max())
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Zref), rtol=1e-6, atol=1e-6 * np.abs(X).max())


def test_pca_signs_follow_sklearn_convention():
    X = numeric(400, 10, seed=1)
    ours = tunelens.PCA().fit(X)
    top = np.abs(ours.components_).argmax(axis=1)
    assert (ours.components_[np.arange(10), top] > 0).all()


def test_pca_bad_input():
    X = numeric(10, 4, seed=2)
    with pytest.raises(InvalidParameterError, match="n_components"):
        tunelens.PCA(5).fit(X)
    with pytest.raises(InvalidParameterError, match="n_components"):
        tunelens.PCA("auto").fit(X)
    with pytest.raises(InvalidParameterError, match="at least 2 rows"):
        tunelens.PCA().fit(X[:1])
    bad = X.copy()
    bad[1, 1] = np.nan
    with pytest.raises(InvalidParameterError, match="row 1, column 1"):
        tunelens.PCA().fit(bad)
    with pytest.raises(InvalidParameterError, match="not fitted"):
        tunelens.PCA().transform(X)
    constant = np.ones((20, 3))
    assert np.all(tunelens.PCA().fit(constant).explained_variance_ratio_ == 0)


@pytest.mark.parametrize("n_features,centers,n_init,seed", [(8, 5, 5, 0), (57, 8, 3, 1), (2, 3, 1, 2), (12, 10, 10, 3)])
def test_kmeans_matches_sklearn_on_blobs(n_features, centers, n_init, seed):
    # Well-separated blobs (a wide centre box), where the true labels are recoverable.
    X, truth = make_blobs(
        n_samples=3000, centers=centers, n_features=n_features, center_box=(-30, 30), random_state=seed
    )
    ours = tunelens.KMeans(centers, n_init=n_init, random_state=seed).fit(X)
    ref = sklearn.cluster.KMeans(centers, n_init=n_init, random_state=seed).fit(X)
    # Issue tolerance: inertia within 1% of scikit-learn's best of the same n_init.
    assert ours.inertia_ <= ref.inertia_ * 1.01
    assert sklearn.metrics.adjusted_rand_score(truth, ours.labels_) >= 0.99
    # inertia_ is the inertia of labels_ and cluster_centers_.
    recomputed = ((X - ours.cluster_centers_[ours.labels_]) ** 2).sum()
    assert ours.inertia_ == pytest.approx(recomputed, rel=1e-10)
    np.testing.assert_array_equal(ours.predict(X), ours.labels_)
    np.testing.assert_allclose(ours.transform(X).min(axis=1) ** 2, ((X - ours.cluster_centers_[ours.labels_]) ** 2).sum(axis=1), rtol=1e-9)


def test_kmeans_is_deterministic_and_thread_independent():
    X, _ = make_blobs(n_samples=2000, centers=6, n_features=5, random_state=4)
    a = tunelens.KMeans(6, n_init=3, random_state=11, n_jobs=1).fit(X)
    b = tunelens.KMeans(6, n_init=3, random_state=11, n_jobs=2).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.inertia_ == b.inertia_


def test_kmeans_bad_input():
    X = numeric(10, 3, seed=5)
    with pytest.raises(InvalidParameterError, match="n_clusters"):
        tunelens.KMeans(11, random_state=0).fit(X)
    with pytest.raises(InvalidParameterError, match="n_clusters"):
        tunelens.KMeans(0).fit(X)
    with pytest.raises(InvalidParameterError, match="init"):
        tunelens.KMeans(2, init="k-means||").fit(X)
    with pytest.raises(InvalidParameterError, match="random_state"):
        tunelens.KMeans(2, random_state=-1).fit(X)
    with pytest.raises(InvalidParameterError, match="not fitted"):
        tunelens.KMeans(2).predict(X)
    fitted = tunelens.KMeans(2, random_state=0).fit(X)
    bad = X.copy()
    bad[4, 0] = np.nan
    with pytest.raises(InvalidParameterError, match="row 4, column 0"):
        fitted.predict(bad)
    with pytest.raises(InvalidParameterError, match="X has 2 features, but KMeans is expecting 3"):
        fitted.predict(X[:, :2])
    dup = np.zeros((10, 2))
    dup[:2] = 1.0
    fit = tunelens.KMeans(3, random_state=0).fit(dup)  # fewer distinct points than clusters
    assert fit.inertia_ == 0.0


@pytest.mark.parametrize("n_labels", [2, 3, 7])
def test_scores_match_sklearn(n_labels):
    X, _ = make_blobs(n_samples=600, centers=4, n_features=6, random_state=n_labels)
    labels = np.random.default_rng(n_labels).integers(0, n_labels, size=600)
    labels[:3] = [0, 1, n_labels - 1]
    # Issue tolerance: within 1e-6 (both in float64 here).
    assert tunelens.silhouette_score(X, labels) == pytest.approx(sklearn.metrics.silhouette_score(X, labels), abs=1e-6)
    assert tunelens.davies_bouldin_score(X, labels) == pytest.approx(
        sklearn.metrics.davies_bouldin_score(X, labels), rel=1e-6
    )
    km = tunelens.KMeans(4, random_state=0).fit(X).labels_
    assert tunelens.silhouette_score(X, km) == pytest.approx(sklearn.metrics.silhouette_score(X, km), abs=1e-6)
    named = np.array(["a", "b", "c", "d"])[km]
    assert tunelens.silhouette_score(X.astype(np.float32), named) == pytest.approx(
        sklearn.metrics.silhouette_score(X.astype(np.float32), named), abs=1e-5
    )


def test_singleton_clusters_and_bad_labels():
    X = numeric(30, 3, seed=6)
    labels = np.zeros(30, dtype=int)
    labels[0] = 1
    assert tunelens.silhouette_score(X, labels) == pytest.approx(sklearn.metrics.silhouette_score(X, labels), abs=1e-6)
    with pytest.raises(InvalidParameterError, match="distinct labels"):
        tunelens.silhouette_score(X, np.zeros(30))
    with pytest.raises(InvalidParameterError, match="distinct labels"):
        tunelens.davies_bouldin_score(X, np.arange(30))
    with pytest.raises(InvalidParameterError, match="labels"):
        tunelens.silhouette_score(X, np.zeros(29))
    with pytest.raises(InvalidParameterError, match="metric"):
        tunelens.silhouette_score(X, labels, metric="mahalanobis-ish")


def test_describe_clusters_names_distinctive_features():
    df = catalog(900, seed=8)
    fast = df["tempo"] > df["tempo"].quantile(0.8)
    df.loc[fast, "energy"] = 0.95
    df.loc[fast, "acousticness"] = 0.02
    labels = np.where(fast, "club", "rest")
    table = tunelens.describe_clusters(df, labels, n_terms=3)
    assert table.loc["club", "size"] == fast.sum()
    name = table.loc["club", "name"]
    assert "fast tempo" in name and "high energy" in name and "low acousticness" in name
    # The table behind the name: standardized cluster means.
    z = (df["tempo"] - df["tempo"].mean()) / df["tempo"].std(ddof=0)
    assert table.loc["club", "tempo"] == pytest.approx(z[fast].mean())
    assert table.loc["rest", "name"] == "average" or "slow tempo" in table.loc["rest", "name"]


def test_describe_clusters_bad_input():
    df = catalog(50, seed=9)
    with pytest.raises(InvalidParameterError, match="labels"):
        tunelens.describe_clusters(df, np.zeros(49))
    with pytest.raises(InvalidParameterError, match="non-empty"):
        tunelens.describe_clusters(df.iloc[:0], [])
    with pytest.raises(InvalidParameterError, match="non-numeric"):
        tunelens.describe_clusters(df, np.zeros(50), features=["genre"])


@pytest.mark.parametrize("n_samples, n_features, true_rank, seed", [(500, 10, 3, 0), (300, 20, 7, 1), (60, 57, 5, 2), (1000, 5, 1, 3)])
def test_pca_mle_dimension_matches_sklearn(n_samples, n_features, true_rank, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, true_rank)) @ rng.normal(size=(true_rank, n_features)) * 3
    X += 0.1 * rng.normal(size=X.shape)
    ours = tunelens.PCA("mle").fit(X)
    ref = sklearn.decomposition.PCA("mle", svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_
    # Same tolerance as the full-PCA parity test: float64 covariance vs SVD.
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-6)


def test_pca_mle_needs_more_samples_than_features():
    with pytest.raises(tunelens.InvalidParameterError, match="mle"):
        tunelens.PCA("mle").fit(np.random.default_rng(0).normal(size=(5, 8)))


@pytest.mark.parametrize("metric", ["euclidean", "l2", "sqeuclidean", "manhattan", "cityblock", "l1", "cosine"])
def test_silhouette_metrics_match_sklearn(metric):
    X, labels = make_blobs(300, n_features=5, centers=4, random_state=3)
    X[0] = 0.0  # a zero row: cosine distance 1 to everything, as scikit-learn
    want = sklearn.metrics.silhouette_score(X, labels, metric=metric)
    # Exact float64 sums in another order: 1e-6 as the euclidean parity test.
    assert tunelens.silhouette_score(X, labels, metric=metric) == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_silhouette_precomputed_matches_sklearn():
    X, labels = make_blobs(200, n_features=3, centers=3, random_state=5)
    D = sklearn.metrics.pairwise_distances(X, metric="chebyshev")
    want = sklearn.metrics.silhouette_score(D, labels, metric="precomputed")
    assert tunelens.silhouette_score(D, labels, metric="precomputed") == pytest.approx(want, rel=1e-9)
    with pytest.raises(tunelens.InvalidParameterError, match="diagonal"):
        tunelens.silhouette_score(D + 1.0, labels, metric="precomputed")
    with pytest.raises(tunelens.InvalidParameterError, match="square"):
        tunelens.silhouette_score(X, labels, metric="precomputed")
    with pytest.raises(tunelens.InvalidParameterError, match="metric"):
        tunelens.silhouette_score(X, labels, metric="hamming-ish")


def test_kmeans_random_and_explicit_init():
    X, truth = make_blobs(2000, n_features=4, centers=5, cluster_std=0.6, random_state=7)
    rand = tunelens.KMeans(5, init="random", random_state=0).fit(X)
    ref = sklearn.cluster.KMeans(5, init="random", n_init="auto", random_state=0).fit(X)
    # "auto" means 10 runs for random init, as scikit-learn; best inertia within 1 %.
    assert rand.inertia_ <= ref.inertia_ * 1.01
    assert sklearn.metrics.adjusted_rand_score(truth, rand.labels_) >= 0.99
    # Explicit centres: one Lloyd run from exactly those centres, as scikit-learn.
    start = X[[0, 1, 2, 3, 4]]
    ours = tunelens.KMeans(5, init=start).fit(X)
    want = sklearn.cluster.KMeans(5, init=start, n_init=1).fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, want.cluster_centers_, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(ours.labels_, want.labels_)
    with pytest.warns(RuntimeWarning, match="only one init"):
        tunelens.KMeans(5, init=start, n_init=4).fit(X)
    called = tunelens.KMeans(5, init=lambda X, k, rs: X[:k]).fit(X)
    np.testing.assert_allclose(called.cluster_centers_, ours.cluster_centers_)
    with pytest.raises(tunelens.InvalidParameterError, match="shape"):
        tunelens.KMeans(5, init=start[:3]).fit(X)
    with pytest.raises(tunelens.InvalidParameterError, match="init"):
        tunelens.KMeans(5, init="kmeans||").fit(X)


@pytest.mark.parametrize("n, d", [(40, 300), (200, 2048), (12, 13)])
def test_pca_wide_tables_match_sklearn(n, d):
    """More features than rows (e.g. 64x64 spectrogram images): solved through the n x n Gram matrix."""
    rng = np.random.default_rng(d)
    X = rng.normal(size=(n, d)) * np.linspace(1, 5, d)
    ours = tunelens.PCA(min(n, d) - 2).fit(X)
    ref = sklearn.decomposition.PCA(min(n, d) - 2, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-6)
    np.testing.assert_allclose(_sign_aligned(ours.components_, ref.components_), ref.components_, atol=1e-6)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-6)
    np.testing.assert_allclose(np.abs(ours.transform(X)), np.abs(ref.transform(X)), atol=1e-6 * np.abs(ref.transform(X)).max())


def test_describe_clusters_and_recommender_accept_integer_column_labels():
    """A DataFrame built from a bare array has integer column labels: they are
    used as they are (found by the hypothesis harness: it was a KeyError)."""
    df = pd.DataFrame(np.random.default_rng(0).normal(size=(20, 3)))
    out = tunelens.describe_clusters(df, np.arange(20) % 2)
    assert list(out.columns) == ["name", "size", 0, 1, 2]
    assert out["size"].tolist() == [10, 10]
    found = tunelens.Recommender().fit(df).recommend(0, k=2)
    assert len(found) == 2
