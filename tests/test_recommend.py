"""tunelens.Recommender: parity with scikit-learn, reasons, seeds, filters and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catalogs import FEATURES, catalog
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.neighbors import NearestNeighbors as SkNearestNeighbors
from sklearn.preprocessing import StandardScaler

import tunelens
from tunelens import InvalidParameterError

FEATURE_NAMES = list(FEATURES)


@pytest.fixture(scope="module")
def df():
    return catalog(800, seed=3)


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan"])
def test_single_seed_matches_sklearn_on_standardized_features(df, metric):
    rec = tunelens.Recommender(metric=metric, id_column="track_id").fit(df)
    assert rec.features_ == FEATURE_NAMES  # numeric columns only, id and genre left out
    out = rec.recommend("t00010", k=10)
    Z = StandardScaler().fit_transform(df[FEATURE_NAMES]).astype(np.float32)
    ref_dist, ref_idx = SkNearestNeighbors(n_neighbors=11, algorithm="brute", metric=metric).fit(Z).kneighbors(Z[10:11])
    keep = ref_idx[0] != 10
    assert out["track_id"].tolist() == df["track_id"].to_numpy()[ref_idx[0][keep][:10]].tolist()
    np.testing.assert_allclose(out["distance"], ref_dist[0][keep][:10], rtol=1e-5, atol=2e-6)
    assert out["rank"].tolist() == list(range(1, 11))
    assert out["score"].is_monotonic_decreasing


def test_raw_features_let_tempo_dominate_and_scaling_prevents_it(df):
    seed = "t00004"
    raw = tunelens.Recommender(scaler=None, id_column="track_id").fit(df)
    out_raw = raw.recommend(seed, k=10)
    # The notebook: cosine similarity on raw features. Same ranking, every score ~1.
    sims = cosine_similarity(df[FEATURE_NAMES].to_numpy())[4]
    sims[4] = -np.inf
    order = np.argsort(-sims, kind="stable")[:10]
    assert out_raw["track_id"].tolist() == df["track_id"].to_numpy()[order].tolist()
    np.testing.assert_allclose(out_raw["score"], sims[order], rtol=1e-6)
    assert (out_raw["score"] > 0.999).all()
    raw_share = [raw.explain_pair(seed, item).loc["tempo", "share"] for item in out_raw["track_id"]]
    assert min(raw_share) > 0.95  # tempo alone makes > 95% of each similarity

    scaled = tunelens.Recommender(id_column="track_id").fit(df)
    out = scaled.recommend(seed, k=10)
    shares = pd.concat([scaled.explain_pair(seed, item)["share"] for item in out["track_id"]], axis=1).mean(axis=1)
    # Averaged over the recommendations, no single feature decides (9 features:
    # an even split would be 0.11 each) and tempo is one voice among many.
    assert shares.max() < 0.4, shares
    assert shares["tempo"] < 0.25, shares
    assert out["score"].min() < 0.99  # similarities are informative again


def test_because_names_the_features_that_agree(df):
    rec = tunelens.Recommender(id_column="track_id").fit(df)
    out = rec.recommend("t00020", k=5, n_because=2)
    seed = df.set_index("track_id").loc["t00020"]
    for item, because in zip(out["track_id"], out["because"]):
        explained = rec.explain_pair("t00020", item)
        top = explained.index[:2].tolist()
        assert because.startswith(top[0])
        assert all(f in because for f in top if (explained.loc[f, "contribution"] > explained.loc[f, "typical"]))
        # Values are in catalog units: the item's value, then the seed's.
        value = df.set_index("track_id").loc[item, top[0]]
        assert f"{top[0]} {value:.3g} ~ {seed[top[0]]:.3g}" in because


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan"])
def test_explain_pair_contributions_sum_to_the_score(df, metric):
    rec = tunelens.Recommender(metric=metric, id_column="track_id").fit(df)
    out = rec.recommend("t00030", k=3)
    for item, dist in zip(out["track_id"], out["distance"]):
        total = rec.explain_pair("t00030", item)["contribution"].sum()
        expected = {"cosine": 1 - dist, "euclidean": dist**2, "manhattan": dist}[metric]
        assert total == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_several_seeds_mean_and_union(df):
    rec = tunelens.Recommender(metric="euclidean", id_column="track_id").fit(df)
    seeds = ["t00001", "t00002", "t00003"]
    mean = rec.recommend(seeds, k=8)
    Z = StandardScaler().fit_transform(df[FEATURE_NAMES])
    centre = Z[1:4].mean(axis=0)
    d = np.linalg.norm(Z - centre, axis=1)
    d[1:4] = np.inf
    assert mean["track_id"].tolist() == df["track_id"].to_numpy()[np.argsort(d, kind="stable")[:8]].tolist()

    union = rec.recommend(seeds, k=8, aggregate="union")
    per_seed = np.stack([np.linalg.norm(Z - Z[s], axis=1) for s in (1, 2, 3)])
    per_seed[:, 1:4] = np.inf
    best = per_seed.min(axis=0)
    assert union["track_id"].tolist() == df["track_id"].to_numpy()[np.argsort(best, kind="stable")[:8]].tolist()
    positions = df.reset_index().set_index("track_id").loc[union["track_id"], "index"]
    assert union["seed"].tolist() == [seeds[s] for s in per_seed[:, positions].argmin(axis=0)]


def test_seeds_as_positions_and_feature_rows(df):
    rec = tunelens.Recommender(id_column="track_id").fit(df)
    by_id = rec.recommend("t00007", k=5)
    by_pos = rec.recommend(7, k=5, by="position")
    row = df.loc[7, FEATURE_NAMES]
    by_series = rec.recommend(row, k=6, exclude_seeds=False)
    by_array = rec.recommend(row.to_numpy(dtype=float), k=6)
    assert by_id["track_id"].tolist() == by_pos["track_id"].tolist()
    assert by_series["track_id"].iloc[0] == "t00007"  # a feature row is not a catalog seed
    assert by_series["track_id"].tolist()[1:] == by_id["track_id"].tolist()
    assert by_array["track_id"].tolist() == by_series["track_id"].tolist()
    with_seed = rec.recommend("t00007", k=5, exclude_seeds=False)
    assert with_seed["track_id"].iloc[0] == "t00007"


def test_filters(df):
    rec = tunelens.Recommender(id_column="track_id").fit(df)
    jazz = rec.recommend("t00001", k=7, filters={"genre": "jazz"})
    assert len(jazz) == 7 and set(df.set_index("track_id").loc[jazz["track_id"], "genre"]) == {"jazz"}
    fast = rec.recommend("t00001", k=7, filters={"tempo": lambda s: s > 150, "genre": ["pop", "rock"]})
    sub = df.set_index("track_id").loc[fast["track_id"]]
    assert (sub["tempo"] > 150).all() and set(sub["genre"]) <= {"pop", "rock"}
    # The filtered list is the unfiltered ranking restricted to allowed rows.
    everything = rec.recommend("t00001", k=len(df))
    allowed = everything[everything["track_id"].isin(df.loc[df["genre"] == "jazz", "track_id"])]
    assert jazz["track_id"].tolist() == allowed["track_id"].tolist()[:7]
    mask = rec.recommend("t00001", k=3, filters=(df["genre"] == "edm").to_numpy())
    assert set(df.set_index("track_id").loc[mask["track_id"], "genre"]) == {"edm"}
    none = rec.recommend("t00001", k=3, filters={"genre": "polka"})
    assert len(none) == 0


def test_k_larger_than_catalog_returns_every_other_item():
    small = catalog(12, seed=1)
    out = tunelens.Recommender(id_column="track_id").fit(small).recommend("t00000", k=50)
    assert len(out) == 11 and "t00000" not in out["track_id"].tolist()


def test_nan_policies(df):
    dirty = df.copy()
    dirty.loc[[3, 5], "energy"] = np.nan
    dirty.loc[9, "tempo"] = np.nan
    with pytest.raises(InvalidParameterError, match=r"3 items have NaN in \['energy', 'tempo'\]"):
        tunelens.Recommender(id_column="track_id").fit(dirty)
    dropped = tunelens.Recommender(id_column="track_id", nan_policy="drop").fit(dirty)
    assert dropped.dropped_.tolist() == ["t00003", "t00005", "t00009"]
    assert "t00003" not in dropped.recommend("t00004", k=len(df))["track_id"].tolist()
    with pytest.raises(InvalidParameterError, match="unknown ids"):
        dropped.recommend("t00003")
    imputed = tunelens.Recommender(id_column="track_id", nan_policy="median").fit(dirty)
    assert imputed.imputed_ == {"energy": dirty["energy"].median(), "tempo": dirty["tempo"].median()}
    assert len(imputed.recommend("t00003", k=4)) == 4


def test_nullable_and_integer_columns(df):
    typed = df.assign(tempo=df["tempo"].astype("Float64"), key=np.arange(len(df)) % 12)
    typed.loc[2, "tempo"] = pd.NA
    with pytest.raises(InvalidParameterError, match=r"1 items have NaN in \['tempo'\]"):
        tunelens.Recommender(id_column="track_id").fit(typed)
    rec = tunelens.Recommender(id_column="track_id", nan_policy="median").fit(typed)
    assert "key" in rec.features_ and len(rec.recommend("t00002", k=3)) == 3


def test_constant_columns_are_harmless(df):
    flat = df.assign(liveness=0.5)
    rec = tunelens.Recommender(id_column="track_id").fit(flat)
    out = rec.recommend("t00001", k=5)
    assert np.isfinite(out["distance"]).all()
    assert rec.explain_pair("t00001", out["track_id"][0]).loc["liveness", "contribution"] == 0.0


def test_bad_input(df):
    rec = tunelens.Recommender(id_column="track_id").fit(df)
    with pytest.raises(InvalidParameterError, match="unknown ids"):
        rec.recommend("nope")
    with pytest.raises(InvalidParameterError, match="out of range"):
        rec.recommend(10_000, by="position")
    with pytest.raises(InvalidParameterError, match="k"):
        rec.recommend("t00001", k=0)
    with pytest.raises(InvalidParameterError, match="non-numeric"):
        tunelens.Recommender(features=["tempo", "genre"]).fit(df)
    with pytest.raises(InvalidParameterError, match="unknown columns"):
        tunelens.Recommender(features=["tempo", "bpm"]).fit(df)
    with pytest.raises(InvalidParameterError, match="empty"):
        tunelens.Recommender().fit(df.iloc[:0])
    with pytest.raises(InvalidParameterError, match="no numeric"):
        tunelens.Recommender().fit(df[["track_id", "genre"]])
    with pytest.raises(InvalidParameterError, match=r"ids in 'genre' have rows with different features: 'folk' \("):
        tunelens.Recommender(id_column="genre").fit(df)
    with pytest.raises(InvalidParameterError, match="inf"):
        tunelens.Recommender(id_column="track_id").fit(df.assign(tempo=np.inf))
    with pytest.raises(InvalidParameterError, match="lack columns"):
        rec.recommend(pd.Series({"tempo": 120.0}))
    with pytest.raises(InvalidParameterError, match="DataFrame"):
        tunelens.Recommender().fit(df[FEATURE_NAMES].to_numpy())
    with pytest.raises(InvalidParameterError, match="not fitted"):
        tunelens.Recommender().recommend("t00001")
