"""tunelens.TasteProfile: parity with scikit-learn's linear models and metrics, ranking, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics
from catalogs import FEATURES, catalog
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

import tunelens
from tunelens import InvalidParameterError
from tunelens.taste import average_precision, roc_auc

FEATURE_NAMES = list(FEATURES)


def _listener(n=1500, seed=0):
    """A catalog and a listener who likes energetic, danceable songs (noisily)."""
    df = catalog(n, seed=seed)
    rng = np.random.default_rng(seed)
    appeal = 3 * df["energy"] + 2 * df["danceability"] - df["acousticness"] + rng.normal(0, 0.6, n)
    liked = appeal > np.quantile(appeal, 0.8)
    disliked = appeal < np.quantile(appeal, 0.4)
    return df, liked.to_numpy(), disliked.to_numpy()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("with_disliked", [True, False])
def test_logistic_auc_matches_sklearn(seed, with_disliked):
    df, liked, disliked = _listener(seed=seed)
    taste = tunelens.TasteProfile(id_column="track_id")
    result = taste.evaluate(df, liked=liked, disliked=disliked if with_disliked else None, random_state=seed)
    Z = StandardScaler().fit_transform(df[FEATURE_NAMES])
    y = liked
    train, test = result["train"], result["test"]
    ref = LogisticRegression(C=1.0).fit(Z[train], y[train])
    ref_auc = sklearn.metrics.roc_auc_score(y[test], ref.decision_function(Z[test]))
    # Issue tolerance: ROC AUC within 0.01 of scikit-learn on the same split.
    assert abs(result["roc_auc"] - ref_auc) < 0.01
    assert result["roc_auc"] > 0.8
    # Same objective, so the same model (sklearn stops at tol=1e-4).
    np.testing.assert_allclose(taste.coef_, ref.coef_[0], rtol=1e-2, atol=1e-3)
    assert result["average_precision"] == pytest.approx(
        sklearn.metrics.average_precision_score(y[test], taste.decision_function(df)[test]), abs=1e-12
    )


def test_other_models_learn_the_taste():
    df, liked, disliked = _listener(seed=3)
    svm = tunelens.TasteProfile("linear_svm", id_column="track_id")
    res = svm.evaluate(df, liked=liked, disliked=disliked)
    Z = StandardScaler().fit_transform(df[FEATURE_NAMES])
    ref = LinearSVC(C=1.0).fit(Z[res["train"]], liked[res["train"]])
    ref_auc = sklearn.metrics.roc_auc_score(liked[res["test"]], ref.decision_function(Z[res["test"]]))
    assert abs(res["roc_auc"] - ref_auc) < 0.01
    centroid = tunelens.TasteProfile("centroid", id_column="track_id").evaluate(df, liked=liked, disliked=disliked)
    assert centroid["roc_auc"] > 0.8


def test_metrics_match_sklearn_with_ties():
    rng = np.random.default_rng(5)
    y = rng.random(300) < 0.3
    scores = np.round(rng.random(300) + y * 0.3, 1)  # many ties
    assert roc_auc(y, scores) == pytest.approx(sklearn.metrics.roc_auc_score(y, scores), abs=1e-12)
    assert average_precision(y, scores) == pytest.approx(sklearn.metrics.average_precision_score(y, scores), abs=1e-12)


def test_rank_orders_by_score_and_explains():
    df, liked, disliked = _listener(seed=4)
    ids = df["track_id"][liked].tolist()
    taste = tunelens.TasteProfile(id_column="track_id").fit(df, liked=ids)  # ids; unlabeled rows are negatives
    ranked = taste.rank(df, k=20, exclude=ids)
    assert len(ranked) == 20 and not set(ranked["track_id"]) & set(ids)
    assert ranked["score"].is_monotonic_decreasing and ranked["rank"].tolist() == list(range(1, 21))
    assert (ranked["score"].between(0, 1)).all()
    top = df.set_index("track_id").loc[ranked["track_id"]]
    assert top["energy"].mean() > df["energy"].mean()
    assert any(b.startswith(("energy", "danceability")) for b in ranked["because"])
    full = taste.rank(df)
    np.testing.assert_allclose(np.sort(full["score"])[::-1], full["score"])
    assert len(full) == len(df)


def test_bad_input():
    df, liked, disliked = _listener(n=200, seed=6)
    taste = tunelens.TasteProfile(id_column="track_id")
    with pytest.raises(InvalidParameterError, match="unknown ids"):
        taste.fit(df, liked=["nope"])
    with pytest.raises(InvalidParameterError, match="at least one liked"):
        taste.fit(df, liked=np.zeros(len(df), dtype=bool))
    with pytest.raises(InvalidParameterError, match="also liked"):
        taste.fit(df, liked=liked, disliked=liked)
    with pytest.raises(InvalidParameterError, match="mask needs"):
        taste.fit(df, liked=liked[:-1])
    with pytest.raises(InvalidParameterError, match="model"):
        tunelens.TasteProfile("forest").fit(df, liked=liked)
    with pytest.raises(InvalidParameterError, match="NaN"):
        taste.fit(df.assign(energy=np.nan), liked=liked)
    with pytest.raises(InvalidParameterError, match="non-numeric"):
        tunelens.TasteProfile(features=["genre"]).fit(df, liked=liked)
    with pytest.raises(InvalidParameterError, match="non-empty"):
        taste.fit(df.iloc[:0], liked=[])
    with pytest.raises(InvalidParameterError, match="not fitted"):
        tunelens.TasteProfile().rank(df)
    with pytest.raises(InvalidParameterError, match="test_size"):
        taste.evaluate(df, liked=liked, test_size=1.5)
    with pytest.raises(InvalidParameterError, match="missing feature"):
        taste.fit(df, liked=liked).rank(df.drop(columns=["tempo"]))
