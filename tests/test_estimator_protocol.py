"""scikit-learn's estimator protocol on NearestNeighbors, PCA, KMeans, Recommender and TasteProfile.

``get_params``/``set_params`` round trips, ``clone``, the repr, ``check_is_fitted``,
real fits in ``Pipeline`` and ``GridSearchCV`` (with parity against
scikit-learn's own PCA where the result is defined), and scikit-learn's
``check_estimator`` suite through ``parametrize_with_checks``.

Checks that cannot pass, each asserted to fail (``xfail``), and why:

- ``NearestNeighbors``: ``check_estimators_pickle`` (and its read-only memmap
  variant). The fitted index lives in the Rust core and keeps no copy of ``X``
  (scikit-learn's keeps ``_fit_X``), so pickling a fitted ``NearestNeighbors``
  raises :class:`InvalidTypeError` saying so (tested below); unfitted ones and
  fitted ``Recommender`` objects pickle.
- ``PCA``: ``check_fit2d_1sample``. One row is refused with
  :class:`InvalidParameterError` (a ``ValueError``) "needs at least 2 rows, got
  1", raised by the Rust core, a wording the check does not list ("1 sample",
  "n_samples = 1", ...).
- ``KMeans``: ``check_estimators_unfitted``. It requires scikit-learn's own
  ``NotFittedError`` class, which tunelens cannot raise without importing
  scikit-learn; ``predict`` before ``fit`` raises :class:`InvalidParameterError`
  (a ``ValueError``, as ``NotFittedError`` is) "not fitted yet", and
  ``check_is_fitted`` raises ``NotFittedError`` itself (tested below).

``check_array_api_input`` is skipped by scikit-learn itself unless
``SCIPY_ARRAY_API`` is set. ``check_estimator`` runs the clustering checks only
for subclasses of scikit-learn's ``ClusterMixin``; they run here explicitly for
``KMeans``.

``Recommender`` and ``TasteProfile`` take DataFrames only (ids, playlists and
feature names are columns), so their tags say ``two_d_array=False`` and
``check_estimator`` skips them whole. They run the checks that need no array
data (:data:`DATA_FREE_CHECKS`); the rest of the checks' contract is tested
on DataFrames below: ``fit`` returns self, leaves the parameters and the input
unchanged, is idempotent, leaves a failed fit unfitted, methods leave the
fitted state unchanged, and the fitted object pickles.
"""

from __future__ import annotations

import pickle
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest

sklearn = pytest.importorskip("sklearn", minversion="1.6")  # tags and expected_failed_checks

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, load_iris  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import estimator_checks as ec  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

import tunelens as tl  # noqa: E402
from tunelens._estimator import Estimator  # noqa: E402
from tunelens.exceptions import InvalidParameterError, InvalidTypeError  # noqa: E402
from wellformed import parse  # noqa: E402

EXPECTED_FAILURES = {
    "NearestNeighbors": {
        "check_estimators_pickle": "the fitted index lives in the Rust core without a copy of X",
    },
    "PCA": {"check_fit2d_1sample": "one row is refused with the core's wording 'needs at least 2 rows, got 1'"},
    "KMeans": {"check_estimators_unfitted": "needs scikit-learn's NotFittedError class; tunelens raises a ValueError"},
}


with warnings.catch_warnings():  # "does not inherit from sklearn.base.BaseEstimator": by design (see _estimator)
    warnings.filterwarnings("ignore", "Estimator .* does not inherit from", UserWarning)
    _sklearn_checks = ec.parametrize_with_checks(
        [tl.NearestNeighbors(n_neighbors=3), tl.PCA(), tl.KMeans(n_clusters=3)],
        expected_failed_checks=lambda estimator: EXPECTED_FAILURES[type(estimator).__name__],
        xfail_strict=True,  # an excluded check that starts passing fails: the list above stays true
    )


@_sklearn_checks
def test_sklearn_check_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check",
    [ec.check_clustering, partial(ec.check_clustering, readonly_memmap=True), ec.check_clusterer_compute_labels_predict],
)
def test_kmeans_sklearn_clustering_checks(check):
    check("KMeans", tl.KMeans(random_state=0))


def _catalog(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "track_id": [f"t{i}" for i in range(n)],
        "energy": rng.random(n),
        "tempo": 60 + 140 * rng.random(n),
        "acousticness": rng.random(n),
    })


def _liked(catalog: pd.DataFrame) -> np.ndarray:
    return (catalog["energy"] > 0.6).to_numpy()


#: (unfitted estimator, fit arguments) for every estimator.
def _fitted_cases() -> list:
    X = np.random.default_rng(0).standard_normal((40, 4))
    catalog = _catalog()
    return [
        (tl.NearestNeighbors(n_neighbors=3, metric="euclidean"), (X,)),
        (tl.PCA(n_components=2), (X,)),
        (tl.KMeans(n_clusters=3, random_state=0), (X,)),
        (tl.Recommender(id_column="track_id", metric="euclidean"), (catalog,)),
        (tl.TasteProfile("centroid", id_column="track_id"), (catalog, _liked(catalog))),
    ]


CASES = _fitted_cases()
IDS = [type(est).__name__ for est, _ in CASES]

#: The checks that need no array data, run on the DataFrame-only estimators.
DATA_FREE_CHECKS = [
    ec.check_estimator_cloneable,
    ec.check_estimator_tags_renamed,
    ec.check_valid_tag_types,
    ec.check_estimator_repr,
    ec.check_no_attributes_set_in_init,
    ec.check_parameters_default_constructible,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
]


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("estimator", [tl.Recommender(), tl.TasteProfile()], ids=["Recommender", "TasteProfile"])
def test_dataframe_estimators_pass_the_data_free_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_dataframe_estimators_are_skipped_whole_by_check_estimator():
    for estimator in (tl.Recommender(), tl.TasteProfile()):
        with pytest.warns(ec.SkipTestWarning, match="Can't test estimator"):
            results = ec.check_estimator(estimator, on_fail=None)
        assert [r["check_name"] for r in results] == ["check_estimator_cloneable"]


# ------------------------------------------------------------ parameters
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_get_set_params_round_trip(case):
    estimator, _ = case
    params = estimator.get_params()
    assert set(params) == set(Estimator._get_param_names.__func__(type(estimator)))
    other = type(estimator)().set_params(**params)
    assert other.get_params() == params
    assert repr(other) == repr(estimator)
    for name, value in params.items():
        assert getattr(other, name) is value  # stored unchanged, as clone requires


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_clone_of_fitted_estimator_is_unfitted_with_same_params(case):
    estimator, args = case
    fitted = clone(estimator).fit(*args)
    copy = clone(fitted)
    assert copy is not fitted and copy.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    check_is_fitted(fitted)
    assert fitted._is_fitted() and not copy._is_fitted()


def test_unknown_parameter_is_a_typed_value_error():
    with pytest.raises(InvalidParameterError, match=r"invalid parameter 'k' for KMeans: expected one of \['init'"):
        tl.KMeans().set_params(k=3)
    with pytest.raises(ValueError):
        tl.Recommender().set_params(metrc="cosine")
    with pytest.raises(ValueError, match="invalid parameter 'nope'"):
        tl.PCA().set_params(nope__x=1)


def test_set_params_validates_at_fit_not_before():
    km = tl.KMeans().set_params(n_clusters=0)  # accepted, as scikit-learn does
    assert km.n_clusters == 0
    with pytest.raises(InvalidParameterError, match="n_clusters"):
        km.fit(np.zeros((5, 2)))
    assert not km._is_fitted()


class _Holder(Estimator):
    """An estimator holding another as a parameter, for the nested ``a__b`` keys."""

    def __init__(self, inner=None, scale=1.0):
        self.inner = inner
        self.scale = scale


def test_nested_parameters():
    holder = _Holder(inner=tl.PCA(n_components=2))
    params = holder.get_params()
    assert params["inner__n_components"] == 2 and params["inner__whiten"] is False
    assert "inner__n_components" not in holder.get_params(deep=False)
    holder.set_params(inner__n_components=3, inner__whiten=True, scale=2.0)
    assert (holder.inner.n_components, holder.inner.whiten, holder.scale) == (3, True, 2.0)
    # a new inner estimator and its parameter in one call: the new one gets it
    holder.set_params(inner=tl.KMeans(), inner__n_clusters=5)
    assert isinstance(holder.inner, tl.KMeans) and holder.inner.n_clusters == 5
    assert repr(holder) == "_Holder(inner=KMeans(n_clusters=5), scale=2.0)"
    copy = clone(holder)
    assert copy.inner is not holder.inner and copy.inner.n_clusters == 5


# ------------------------------------------------------------ repr
def test_repr_lists_only_changed_parameters():
    assert repr(tl.KMeans()) == "KMeans()"
    assert repr(tl.KMeans(3)) == "KMeans(n_clusters=3)"
    assert repr(tl.PCA(n_components=0.9, whiten=True)) == "PCA(n_components=0.9, whiten=True)"
    assert repr(tl.NearestNeighbors(scaler=None, weights=np.array([1.0, 2.0]))) == (
        "NearestNeighbors(scaler=None, weights=array([1., 2.]))"
    )
    assert repr(tl.Recommender(features=["energy"], nan_policy="median")) == (
        "Recommender(features=['energy'], nan_policy='median')"
    )
    assert repr(tl.TasteProfile("centroid", C=0.5)) == "TasteProfile(C=0.5, model='centroid')"
    assert repr(tl.KMeans().fit(np.eye(8))) == "KMeans()"  # fitted state is not a parameter


def test_long_repr_wraps_and_truncates_like_sklearn():
    features = [f"feature_{i:02d}" for i in range(8)]
    text = repr(tl.Recommender(features=features, metric="euclidean", id_column="track_id"))
    lines = text.splitlines()
    assert lines[0].startswith("Recommender(features=[") and all(line.startswith(" " * 12) for line in lines[1:])
    assert lines[-1].endswith(")") and len(lines) == 3
    huge = repr(tl.Recommender(features=[f"f{i}" for i in range(2000)]))
    assert "..." in huge and len("".join(huge.split())) <= 705
    assert huge.startswith("Recommender(features=['f0'") and huge.endswith("'f1999'])")


# ------------------------------------------------------------ pipelines and grid search
def test_pca_pipeline_grid_search_matches_sklearn_pca():
    from sklearn.decomposition import PCA as SkPCA

    X, y = load_digits(return_X_y=True)
    grid = {"pca__n_components": [5, 20]}

    def search(pca):
        pipe = Pipeline([("scale", StandardScaler()), ("pca", pca), ("clf", LogisticRegression(max_iter=2000))])
        return GridSearchCV(pipe, grid, cv=3).fit(X, y)

    ours, theirs = search(tl.PCA()), search(SkPCA(svd_solver="full"))
    assert ours.best_params_ == theirs.best_params_ == {"pca__n_components": 20}
    # PCA axes equal up to sign, to which the L2-penalised classifier is blind: the same accuracies
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], atol=1e-3)
    assert ours.best_score_ > 0.9
    assert isinstance(ours.best_estimator_["pca"], tl.PCA) and ours.best_estimator_["pca"].n_components_ == 20


def test_pca_score_is_sklearns_log_likelihood_and_drives_grid_search():
    from sklearn.decomposition import PCA as SkPCA

    X = load_digits().data[:, 10:40]  # rank 28 of 30 columns
    for whiten in (False, True):
        for n in (1, 7, 20):
            ours, theirs = tl.PCA(n, whiten=whiten).fit(X), SkPCA(n, whiten=whiten, svd_solver="full").fit(X)
            np.testing.assert_allclose(ours.score_samples(X[:50]), theirs.score_samples(X[:50]), rtol=1e-8)
            assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-9)
    with pytest.raises(InvalidParameterError, match="covariance is singular"):
        tl.PCA(29).fit(X).score(X)  # scikit-learn: ValueError from scipy, "array must not contain infs or NaNs"
    grid = {"n_components": [2, 10, 25]}
    ours = GridSearchCV(tl.PCA(), grid, cv=3).fit(X)
    theirs = GridSearchCV(SkPCA(svd_solver="full"), grid, cv=3).fit(X)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"], rtol=1e-8)
    assert ours.best_params_ == theirs.best_params_


def test_kmeans_in_pipeline_and_grid_search():
    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.metrics import adjusted_rand_score

    from sklearn.base import is_clusterer

    assert is_clusterer(tl.KMeans()) and not is_clusterer(tl.PCA())
    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("km", tl.KMeans(3, n_init=10, random_state=0))])
    labels = pipe.fit_predict(X)
    assert np.array_equal(labels, pipe.predict(X)) and adjusted_rand_score(y, labels) > 0.6
    assert pipe.transform(X).shape == (150, 3)  # distances to the centres
    # score = -inertia, equal to scikit-learn's on the same centres
    centres = pipe["km"].cluster_centers_
    Z = pipe["scale"].transform(X)
    theirs = SkKMeans(3, init=centres, n_init=1, max_iter=1).fit(Z)
    theirs.cluster_centers_ = centres
    assert pipe.score(X) == pytest.approx(theirs.score(Z), rel=1e-12)
    search = GridSearchCV(tl.KMeans(random_state=0, n_init=4), {"n_clusters": [2, 3, 6]}, cv=3).fit(Z)
    assert search.best_params_ == {"n_clusters": 6}  # held-out inertia falls as clusters are added
    assert np.all(np.diff(search.cv_results_["mean_test_score"]) > 0)


def test_nearest_neighbors_after_clone_and_in_pipeline():
    X = np.random.default_rng(1).standard_normal((200, 5))
    original = tl.NearestNeighbors(n_neighbors=4, metric="euclidean").fit(X)
    again = clone(original).fit(X)
    for a, b in zip(original.kneighbors(X[:20]), again.kneighbors(X[:20])):
        np.testing.assert_array_equal(a, b)
    pipe = Pipeline([("pca", tl.PCA(n_components=3)), ("nn", tl.NearestNeighbors(n_neighbors=2, scaler=None))]).fit(X)
    distances, indices = pipe["nn"].kneighbors(pipe[:-1].transform(X[:5]))
    assert indices.shape == (5, 2) and np.array_equal(indices[:, 0], np.arange(5))
    assert pipe.get_params()["nn__n_neighbors"] == 2


def test_taste_profile_grid_search_with_boolean_y():
    catalog = _catalog(300, seed=3)
    liked = _liked(catalog)
    search = GridSearchCV(
        tl.TasteProfile(id_column="track_id"), {"model": ["logistic", "centroid"], "C": [0.01, 10.0]}, cv=3
    ).fit(catalog, liked)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (4,) and np.all(scores > 0.9)  # held-out ROC AUC; energy decides taste
    best = search.best_estimator_
    assert best.score(catalog, liked) == pytest.approx(
        tl.taste.roc_auc(liked, best.decision_function(catalog)), rel=1e-12
    )


# ------------------------------------------------------------ the contract, on DataFrames too
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fit_keeps_parameters_and_input_and_is_idempotent(case):
    estimator, args = case
    estimator = clone(estimator)
    before = pickle.dumps(estimator.get_params())
    inputs = [a.copy() for a in args]
    assert estimator.fit(*args) is estimator
    assert pickle.dumps(estimator.get_params()) == before
    for a, b in zip(args, inputs):
        (pd.testing.assert_frame_equal if isinstance(a, pd.DataFrame) else np.testing.assert_array_equal)(a, b)
    state = {k: v for k, v in vars(estimator).items() if k.endswith("_")}
    estimator.fit(*args)
    for key, value in state.items():
        again = getattr(estimator, key)
        if isinstance(value, (pd.Index, pd.DataFrame)):
            assert value.equals(again), key
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, again, err_msg=key)
        else:
            assert value == again, key


def test_failed_fit_leaves_dataframe_estimators_unfitted():
    catalog = _catalog()
    catalog.loc[3, "energy"] = np.nan
    rec = tl.Recommender(id_column="track_id")
    with pytest.raises(InvalidParameterError, match="NaN"):
        rec.fit(catalog)
    with pytest.raises(NotFittedError):
        check_is_fitted(rec)
    taste = tl.TasteProfile(id_column="track_id")
    with pytest.raises(InvalidParameterError, match="liked"):
        taste.fit(_catalog(), liked=np.zeros(60, dtype=bool))
    with pytest.raises(NotFittedError):
        check_is_fitted(taste)
    with pytest.raises(InvalidParameterError, match=r"not fitted yet; call fit\(catalog, liked=...\) first"):
        taste.rank(_catalog())


def test_recommend_and_rank_leave_the_fitted_state_unchanged():
    catalog = _catalog()
    rec = tl.Recommender(id_column="track_id").fit(catalog)
    taste = tl.TasteProfile(id_column="track_id").fit(catalog, _liked(catalog))
    for estimator, call in ((rec, lambda: rec.recommend("t1", k=5)), (taste, lambda: taste.rank(catalog, k=5))):
        before = {k: v for k, v in vars(estimator).items()}
        call()
        assert vars(estimator).keys() == before.keys()
        assert all(vars(estimator)[k] is v for k, v in before.items())


def test_fitted_recommender_and_taste_profile_pickle():
    catalog = _catalog()
    rec = tl.Recommender(id_column="track_id", metric="euclidean").fit(catalog)
    loaded = pickle.loads(pickle.dumps(rec))
    pd.testing.assert_frame_equal(loaded.recommend(["t1", "t7"], k=8), rec.recommend(["t1", "t7"], k=8))
    taste = tl.TasteProfile(id_column="track_id").fit(catalog, _liked(catalog))
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(taste)).rank(catalog), taste.rank(catalog))
    for estimator in (tl.PCA(), tl.KMeans(2), tl.NearestNeighbors()):  # unfitted: parameters only
        assert repr(pickle.loads(pickle.dumps(estimator))) == repr(estimator)


def test_fitted_nearest_neighbors_refuses_pickling_with_a_typed_error():
    nn = tl.NearestNeighbors().fit(np.random.default_rng(0).random((10, 2)))
    with pytest.raises(InvalidTypeError, match="cannot pickle a fitted NearestNeighbors"):
        pickle.dumps(nn)
    with pytest.raises(TypeError):
        pickle.dumps(nn)


def test_dataframe_columns_are_matched_by_name_after_fitting_on_a_dataframe():
    df = pd.DataFrame(np.random.default_rng(0).standard_normal((30, 3)), columns=["a", "b", "c"])
    for estimator in (tl.PCA(2), tl.KMeans(2, random_state=0)):
        estimator.fit(df)
        assert list(estimator.feature_names_in_) == ["a", "b", "c"] and estimator.n_features_in_ == 3
        method = estimator.transform
        np.testing.assert_allclose(method(df[["c", "a", "b"]].assign(extra=1.0)), method(df.to_numpy()))
        with pytest.raises(InvalidParameterError, match=r"missing feature columns \['b'\]"):
            method(df[["a", "c"]])
        estimator.fit(df.to_numpy())  # refitted on an array: no names any more
        assert not hasattr(estimator, "feature_names_in_")


@pytest.mark.parametrize(
    "X,error,match",
    [
        (np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.5]], dtype=object), None, None),
        (np.array([[1.0, {"a": 1}], [3.0, 4.0], [5.0, 6.0]], dtype=object), InvalidTypeError, "expected numeric data"),
        (np.array([["x", "y"], ["z", "w"]], dtype=object), InvalidParameterError, "expected numeric data"),
        (np.ones((3, 2)) * 1j, InvalidParameterError, "Complex data not supported"),
        (np.ones(3), InvalidParameterError, "Reshape your data"),
        (np.ones((3, 0)), InvalidParameterError, r"has no columns: 0 feature\(s\)"),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), InvalidParameterError, "infinity at row 0, column 1"),
    ],
    ids=["object numbers", "object dict", "object strings", "complex", "1-D", "no columns", "inf"],
)
def test_input_rules(X, error, match):
    if error is None:
        assert tl.PCA(1).fit(X).n_features_in_ == 2
        return
    with pytest.raises(error, match=match):
        tl.PCA(1).fit(X)


def test_sparse_input_is_refused_by_name():
    from scipy import sparse

    with pytest.raises(InvalidTypeError, match="sparse input is not supported"):
        tl.KMeans(2).fit(sparse.csr_matrix(np.eye(4)))


# ------------------------------------------------------------ rich display
def test_recommender_html_repr():
    catalog = _catalog()
    catalog.loc[[2, 5], "tempo"] = np.nan
    rec = tl.Recommender(id_column="track_id", nan_policy="drop")
    text, _ = parse(rec._repr_html_())
    assert "Recommender" in text and "not fitted" in text and "'drop'" in text
    rec.fit(catalog)
    text, tags = parse(rec._repr_html_())
    assert "(fitted)" in text and "items 58" in text and "features (3) energy, tempo, acousticness" in text
    assert "dropped (NaN) 2" in text and "id_column 'track_id'" in text
    assert [t for t, _ in tags].count("tr") == 5
    escaped = tl.Recommender(features=["<b>&"])._repr_html_()
    assert "&lt;b&gt;&amp;" in escaped and "<b>&" not in escaped
    assert isinstance(rec.recommend("t1", k=3), pd.DataFrame)  # results: pandas displays them


@pytest.mark.parametrize(
    "estimator,args,expected",
    [
        (tl.PCA(2), (np.random.default_rng(0).standard_normal((30, 4)),), ["components 2", "rows x features 30 x 4"]),
        (tl.KMeans(2, init=np.array([[0.0], [10.0]])), (np.array([[0.0], [0.2], [10.0], [10.2]]),),
         ["clusters 2", "inertia 0.04", "iterations"]),
        (tl.NearestNeighbors(), (np.random.default_rng(0).standard_normal((30, 4)),), ["rows indexed 30", "features 4"]),
        (tl.TasteProfile("centroid"), (_catalog().drop(columns="track_id"), _liked(_catalog())),
         ["features 3", "strongest weights energy +"]),
    ],
    ids=["PCA", "KMeans", "NearestNeighbors", "TasteProfile"],
)
def test_estimator_html_repr_summarises_the_fit(estimator, args, expected):
    text, _ = parse(estimator.fit(*args)._repr_html_())
    for phrase in expected:
        assert phrase in text, (phrase, text)
