"""Repeated ids (a track in several playlists): Recommender, TasteProfile and
describe_clusters collapse them to one item and give the same results as the
deduplicated catalog."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from catalogs import FEATURES, PLAYLISTS, catalog, playlist_export
from hypothesis import given, settings
from hypothesis import strategies as st

import tunelens
from tunelens import InvalidParameterError

FEATURE_NAMES = list(FEATURES)


@pytest.fixture(scope="module")
def export():
    return playlist_export(300, seed=5)


@pytest.fixture(scope="module")
def tracks(export):
    """The deduplicated catalog: each id's first row, in first-seen order."""
    return export.drop_duplicates("track_id").reset_index(drop=True)


def _rows_per_id(export):
    return export.groupby("track_id", sort=False).size()


# ------------------------------------------------------------------ Recommender
def test_identical_rows_collapse_and_other_columns_become_lists(export, tracks):
    assert _rows_per_id(export).max() == 3 and len(export) > 1.5 * len(tracks)
    rec = tunelens.Recommender(id_column="track_id").fit(export)
    assert rec.ids_.tolist() == tracks["track_id"].tolist()
    assert rec.ids_.is_unique and rec.features_ == FEATURE_NAMES
    items = rec.items_.set_index("track_id")
    three = export[export["track_id"] == "t00002"]
    assert items.loc["t00002", "playlist"] == three["playlist"].tolist()  # distinct, first-seen order
    assert items.loc["t00002", "genre"] == three["genre"].tolist() and len(three) == 3
    # Columns that vary within some id hold lists for every item; the others stay scalar.
    single = _rows_per_id(export).idxmin()
    assert items.loc[single, "playlist"] == export.loc[export["track_id"] == single, "playlist"].tolist()
    assert isinstance(items.loc[single, "added_at"], list)
    assert items["style"].tolist() == tracks["style"].tolist()
    np.testing.assert_array_equal(items[FEATURE_NAMES].to_numpy(), tracks[FEATURE_NAMES].to_numpy())
    # The remaster and the twin are their own items.
    assert {"t00000", "t00000-rm", "t00001", "t00001-twin"} <= set(rec.ids_)


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan"])
def test_results_equal_those_of_the_deduplicated_catalog(export, tracks, metric):
    rec = tunelens.Recommender(metric=metric, id_column="track_id").fit(export)
    ref = tunelens.Recommender(metric=metric, id_column="track_id").fit(tracks)
    for seeds, aggregate in [("t00002", "mean"), (["t00002", "t00018"], "mean"), (["t00002", "t00018"], "union")]:
        got = rec.recommend(seeds, k=25, aggregate=aggregate)
        want = ref.recommend(seeds, k=25, aggregate=aggregate)
        pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(rec.explain_pair("t00002", "t00040"), ref.explain_pair("t00002", "t00040"))
    assert rec.recommend(5, k=4, by="position")["track_id"].tolist() == ref.recommend(5, k=4, by="position")[
        "track_id"
    ].tolist()


def test_recommend_never_returns_a_seed_its_duplicates_or_a_repeat(export, tracks):
    rec = tunelens.Recommender(id_column="track_id", metric="euclidean").fit(export)
    n = len(tracks)
    rng = np.random.default_rng(0)
    for seed in tracks["track_id"]:  # every item as the seed
        out = rec.recommend(seed, k=12)
        assert seed not in set(out["track_id"]) and out["track_id"].is_unique and len(out) == 12
    for _ in range(40):  # several seeds, both aggregates, k up to past the catalog size
        seeds = rng.choice(tracks["track_id"], size=rng.integers(2, 6), replace=False).tolist()
        k = int(rng.choice([1, 10, n - len(seeds), n + 50]))
        for aggregate in ("mean", "union"):
            out = rec.recommend(seeds, k=k, aggregate=aggregate)
            assert not set(seeds) & set(out["track_id"])
            assert out["track_id"].is_unique
            assert len(out) == min(k, n - len(seeds))
    everything = rec.recommend("t00002", k=10 * n)
    assert sorted(everything["track_id"]) == sorted(set(tracks["track_id"]) - {"t00002"})


def test_ties_and_remasters_stay_separate_items(export):
    rec = tunelens.Recommender(id_column="track_id", metric="euclidean").fit(export)
    out = rec.recommend("t00001", k=3)
    assert out["track_id"].iloc[0] == "t00001-twin" and out["distance"].iloc[0] == 0.0
    assert rec.recommend("t00001-twin", k=1)["track_id"].tolist() == ["t00001"]
    assert rec.recommend("t00000", k=1)["track_id"].tolist() == ["t00000-rm"]


def test_filters_match_any_value_of_a_list_column(export, tracks):
    rec = tunelens.Recommender(id_column="track_id").fit(export)
    in_gym = set(export.loc[export["playlist"] == "Gym", "track_id"])
    everything = rec.recommend("t00002", k=len(tracks))
    expected = everything[everything["track_id"].isin(in_gym)]["track_id"].tolist()
    assert rec.recommend("t00002", k=len(tracks), filters={"playlist": "Gym"})["track_id"].tolist() == expected
    either = set(export.loc[export["playlist"].isin(["Gym", "Party"]), "track_id"])
    out = rec.recommend("t00002", k=len(tracks), filters={"playlist": ["Gym", "Party"], "style": "s1"})
    s1 = set(tracks.loc[tracks["style"] == "s1", "track_id"])
    assert set(out["track_id"]) == (either & s1) - {"t00002"}
    # A callable rule sees the lists; a mask is one entry per item.
    three = rec.recommend("t00002", k=len(tracks), filters={"playlist": lambda s: s.map(len) == 3})
    assert set(three["track_id"]) == set(_rows_per_id(export)[lambda c: c == 3].index) - {"t00002"}
    mask = rec.items_["style"].eq("s0").to_numpy()
    s0 = set(tracks.loc[tracks["style"] == "s0", "track_id"])
    assert set(rec.recommend("t00002", k=5, filters=mask)["track_id"]) <= s0
    with pytest.raises(InvalidParameterError, match="one entry per indexed item"):
        rec.recommend("t00002", filters=np.ones(len(export), dtype=bool))


def _conflicted(export):
    """The export with one re-analysed row for t00002 and t00018 (different energy/tempo)."""
    dirty = export.copy()
    row2 = dirty.index[dirty["track_id"] == "t00002"][1]
    row17 = dirty.index[dirty["track_id"] == "t00018"][0]
    dirty.loc[row2, "energy"] += 0.1
    dirty.loc[row17, "tempo"] += 4.0
    return dirty


def test_conflicting_rows_raise_by_default_naming_the_ids_and_columns(export):
    dirty = _conflicted(export)
    assert _rows_per_id(dirty)["t00018"] > 1
    with pytest.raises(InvalidParameterError, match="2 ids in 'track_id' have rows with different features") as error:
        tunelens.Recommender(id_column="track_id").fit(dirty)
    message = str(error.value)
    assert "'t00002' (energy)" in message and "'t00018' (tempo)" in message
    assert isinstance(error.value, ValueError) and "duplicates='first' or 'mean'" in message
    many = export.assign(track_id=export["style"])  # every style id with conflicting rows
    with pytest.raises(InvalidParameterError, match=r"5 ids in 'track_id' have .*\+5 more\).* and 2 more;"):
        tunelens.Recommender(id_column="track_id").fit(many)


@pytest.mark.parametrize("duplicates", ["first", "mean"])
def test_conflicting_rows_first_and_mean(export, duplicates):
    dirty = _conflicted(export)
    rec = tunelens.Recommender(id_column="track_id", metric="euclidean", duplicates=duplicates).fit(dirty)
    dedup = dirty.drop_duplicates("track_id").reset_index(drop=True)
    if duplicates == "mean":
        for track, column in (("t00002", "energy"), ("t00018", "tempo")):
            values = dirty.loc[dirty["track_id"] == track, column].to_numpy()
            dedup.loc[dedup["track_id"] == track, column] = values.sum() / len(values)
    items = rec.items_.set_index("track_id")
    np.testing.assert_array_equal(items[FEATURE_NAMES].to_numpy(), dedup[FEATURE_NAMES].to_numpy())
    ref = tunelens.Recommender(id_column="track_id", metric="euclidean").fit(dedup)
    for seed in ("t00002", "t00018", "t00100"):
        pd.testing.assert_frame_equal(rec.recommend(seed, k=20), ref.recommend(seed, k=20))


def test_mean_of_a_nan_row_is_nan_and_nan_policy_applies(export):
    dirty = export.copy()
    dirty.loc[dirty.index[dirty["track_id"] == "t00002"][0], "energy"] = np.nan
    with pytest.raises(InvalidParameterError, match="1 items have NaN"):
        tunelens.Recommender(id_column="track_id", duplicates="mean").fit(dirty)
    dropped = tunelens.Recommender(id_column="track_id", duplicates="mean", nan_policy="drop").fit(dirty)
    assert dropped.dropped_.tolist() == ["t00002"] and "t00002" not in set(dropped.items_["track_id"])
    assert len(dropped.items_) == len(dropped.ids_) == export["track_id"].nunique() - 1


def test_repeated_index_ids_and_missing_ids(export, tracks):
    by_index = tunelens.Recommender().fit(export.set_index("track_id"))
    assert by_index.ids_.tolist() == tracks["track_id"].tolist()
    assert by_index.items_.index.tolist() == tracks["track_id"].tolist()
    by_column = tunelens.Recommender(id_column="track_id").fit(export)
    pd.testing.assert_frame_equal(
        by_index.recommend("t00002", k=5).rename(columns={"id": "track_id"}), by_column.recommend("t00002", k=5)
    )
    holes = export.astype({"track_id": object})
    holes.loc[[4, 9], "track_id"] = None
    with pytest.raises(InvalidParameterError, match=r"column 'track_id' has 2 missing ids \(rows \[4, 9\]\)"):
        tunelens.Recommender(id_column="track_id").fit(holes)
    with pytest.raises(InvalidParameterError, match="duplicates"):
        tunelens.Recommender(id_column="track_id", duplicates="last").fit(export)


def test_unhashable_cells_collapse_by_content():
    df = pd.DataFrame(
        {
            "id": ["a", "a", "b", "b", "c"],
            "artists": [["x", "y"], ["x", "y"], ["z"], ["z", "w"], ["v"]],
            "energy": [0.1, 0.1, 0.5, 0.5, 0.9],
            "tempo": [90.0, 90.0, 120.0, 120.0, 140.0],
        }
    )
    rec = tunelens.Recommender(id_column="id").fit(df)
    assert rec.items_["artists"].tolist() == [[["x", "y"]], [["z"], ["z", "w"]], [["v"]]]
    # The item table can be fitted again (list cells are values like any other).
    again = tunelens.Recommender(id_column="id").fit(pd.concat([rec.items_, rec.items_]))
    assert again.items_["artists"].tolist() == rec.items_["artists"].tolist()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    n=st.integers(3, 25),
    data_seed=st.integers(0, 2**16),
    duplicates=st.sampled_from(["first", "mean"]),
    metric=st.sampled_from(["cosine", "euclidean", "manhattan"]),
    aggregate=st.sampled_from(["mean", "union"]),
    k=st.integers(1, 30),
)
def test_property_repeated_rows_behave_as_the_collapsed_catalog(n, data_seed, duplicates, metric, aggregate, k):
    """Random exports with repeats, conflicts and exact ties: every result holds
    each item once, never a seed, and equals the explicitly collapsed catalog's."""
    rng = np.random.default_rng(data_seed)
    base = catalog(n, seed=data_seed)
    if n > 3:
        base.loc[3, FEATURE_NAMES] = base.loc[2, FEATURE_NAMES].to_numpy()  # a tie between two ids
    rows = rng.integers(0, n, size=int(rng.integers(n, 3 * n)))
    rows = np.concatenate([np.arange(n), rows])[rng.permutation(n + len(rows))]
    export = base.iloc[rows].reset_index(drop=True)
    jitter = rng.random(len(export)) < 0.2
    export.loc[jitter, "energy"] += rng.normal(0, 0.05, size=jitter.sum())
    export["playlist"] = rng.choice(PLAYLISTS, size=len(export))

    first_rows = export.drop_duplicates("track_id")
    collapsed = first_rows.reset_index(drop=True).copy()
    if duplicates == "mean":
        means = export.groupby("track_id", sort=False)[FEATURE_NAMES].agg(lambda v: v.sum() / len(v))
        varies = export.groupby("track_id", sort=False)[FEATURE_NAMES].nunique() > 1
        collapsed[FEATURE_NAMES] = np.where(varies.to_numpy(), means.to_numpy(), collapsed[FEATURE_NAMES].to_numpy())
    rec = tunelens.Recommender(metric=metric, id_column="track_id", duplicates=duplicates).fit(export)
    ref = tunelens.Recommender(metric=metric, id_column="track_id").fit(collapsed)
    assert rec.ids_.tolist() == collapsed["track_id"].tolist()

    seeds = rng.choice(collapsed["track_id"], size=int(rng.integers(1, min(4, n))), replace=False).tolist()
    got = rec.recommend(seeds, k=k, aggregate=aggregate)
    assert got["track_id"].is_unique and not set(seeds) & set(got["track_id"])
    assert len(got) == min(k, n - len(seeds))
    pd.testing.assert_frame_equal(got, ref.recommend(seeds, k=k, aggregate=aggregate), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ TasteProfile
def test_taste_profile_trains_and_ranks_items_once(export, tracks):
    liked = tracks["track_id"][tracks["energy"] > tracks["energy"].quantile(0.75)].tolist()
    ours = tunelens.TasteProfile(id_column="track_id").fit(export, liked=liked)
    ref = tunelens.TasteProfile(id_column="track_id").fit(tracks, liked=liked)
    np.testing.assert_array_equal(ours.coef_, ref.coef_)
    assert ours.intercept_ == ref.intercept_
    ranked = ours.rank(export, exclude=liked)
    pd.testing.assert_frame_equal(ranked, ref.rank(tracks, exclude=liked))
    assert ranked["track_id"].is_unique and len(ranked) == len(tracks) - len(liked)
    # Row scores: every row scores as its item.
    item_score = dict(zip(tracks["track_id"], ref.decision_function(tracks)))
    np.testing.assert_array_equal(ours.decision_function(export), export["track_id"].map(item_score).to_numpy())


def test_taste_liked_is_a_set_and_masks_select_items(export, tracks):
    liked = ["t00002", "t00002", "t00002", "t00010", "t00020"]  # a play history with repeats
    once = tunelens.TasteProfile(id_column="track_id").fit(export, liked=sorted(set(liked)))
    repeated = tunelens.TasteProfile(id_column="track_id").fit(export, liked=liked)
    np.testing.assert_array_equal(once.coef_, repeated.coef_)
    # A row mask (the Favourites playlist) selects an item when any of its rows is selected.
    favourites = (export["playlist"] == "Favourites").to_numpy()
    by_mask = tunelens.TasteProfile(id_column="track_id").fit(export, liked=favourites)
    by_ids = tunelens.TasteProfile(id_column="track_id").fit(tracks, liked=export.loc[favourites, "track_id"].unique())
    np.testing.assert_array_equal(by_mask.coef_, by_ids.coef_)


def test_taste_evaluate_splits_items_not_rows(export, tracks):
    liked = tracks["track_id"][tracks["energy"] > tracks["energy"].quantile(0.7)].tolist()
    ours = tunelens.TasteProfile(id_column="track_id").evaluate(export, liked=liked, random_state=3)
    ref = tunelens.TasteProfile(id_column="track_id").evaluate(tracks, liked=liked, random_state=3)
    assert ours["roc_auc"] == ref["roc_auc"] and ours["average_precision"] == ref["average_precision"]
    assert (ours["n_train"], ours["n_test"]) == (ref["n_train"], ref["n_test"])
    train_ids = set(export["track_id"].iloc[ours["train"]])
    test_ids = set(export["track_id"].iloc[ours["test"]])
    assert not train_ids & test_ids  # no track on both sides
    assert test_ids == set(tracks["track_id"].iloc[ref["test"]])
    assert len(ours["train"]) + len(ours["test"]) == len(export)  # every row of every item, once


def test_taste_conflicting_rows(export):
    dirty = _conflicted(export)
    with pytest.raises(InvalidParameterError, match="'t00002' \\(energy\\)"):
        tunelens.TasteProfile(id_column="track_id").fit(dirty, liked=["t00010"])
    first = tunelens.TasteProfile(id_column="track_id", duplicates="first").fit(dirty, liked=["t00010"])
    ref = tunelens.TasteProfile(id_column="track_id").fit(dirty.drop_duplicates("track_id"), liked=["t00010"])
    np.testing.assert_array_equal(first.coef_, ref.coef_)


# ------------------------------------------------------------- describe_clusters
def test_describe_clusters_counts_items_once(export, tracks):
    style_of = dict(zip(tracks["track_id"], tracks["style"]))
    row_labels = export["track_id"].map(style_of).to_numpy()
    ours = tunelens.describe_clusters(export, row_labels, id_column="track_id")
    ref = tunelens.describe_clusters(tracks, tracks["style"].to_numpy(), id_column="track_id")
    pd.testing.assert_frame_equal(ours, ref)
    assert ours["size"].sum() == len(tracks)
    per_item = tunelens.describe_clusters(export, tracks["style"].to_numpy(), id_column="track_id")
    pd.testing.assert_frame_equal(per_item, ref)
    # Without id_column every row is an item (the previous behaviour).
    rows = tunelens.describe_clusters(export, row_labels)
    assert rows["size"].sum() == len(export)
    assert list(rows.columns) == ["name", "size", *FEATURE_NAMES]


def test_describe_clusters_rejects_split_items_and_conflicts(export, tracks):
    labels = export["style"].to_numpy().copy()
    labels[(export["track_id"] == "t00002").to_numpy().nonzero()[0][0]] = "elsewhere"
    with pytest.raises(InvalidParameterError, match=r"rows of 1 items are in different clusters \(ids \['t00002'\]\)"):
        tunelens.describe_clusters(export, labels, id_column="track_id")
    with pytest.raises(InvalidParameterError, match=rf"{len(export)} labels or {len(tracks)} \(one per item\)"):
        tunelens.describe_clusters(export, labels[:10], id_column="track_id")
    with pytest.raises(InvalidParameterError, match="'t00002' \\(energy\\)"):
        tunelens.describe_clusters(_conflicted(export), export["style"], id_column="track_id")
    mean = tunelens.describe_clusters(_conflicted(export), export["style"], id_column="track_id", duplicates="mean")
    assert mean["size"].sum() == len(tracks)
