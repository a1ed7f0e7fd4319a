"""tunelens.dask on a 2-process LocalCluster: every result equals the
single-machine function exactly (same floats, same ordering, same error rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tunelens as tl
from tunelens import InvalidParameterError
from tunelens.datasets import write_library

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")
tldask = pytest.importorskip("tunelens.dask")


@pytest.fixture(scope="module")
def client():
    """One cluster for the module: two single-thread worker processes."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Five 2-second songs and one file that is not audio."""
    root = tmp_path_factory.mktemp("library")
    write_library(root, 5, duration=2.0, seed=3)
    (root / "broken.wav").write_bytes(b"RIFF but not really a wav file")
    return root


@pytest.mark.parametrize("feature_set", ["gtzan", "descriptors"])
@pytest.mark.parametrize("partition_size", [1, 4])
def test_extract_features_equals_single_machine(client, library, feature_set, partition_size):
    ddf = tldask.extract_features(library, partition_size=partition_size, feature_set=feature_set)
    assert ddf.npartitions == -(-6 // partition_size)
    got = ddf.compute()
    expected = tl.extract_features(library, feature_set=feature_set)
    # Exact: the same Rust code runs on the same decoded samples.
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(ddf.dtypes.index) == list(expected.columns)
    broken = got.set_index("filename").loc["broken.wav"]
    assert "broken.wav" in broken["error"] and np.isnan(broken["length"])


def test_worker_side_failures_are_rows(client, library):
    paths = [library / "dz00000.wav", library / "missing.wav", library / "broken.wav", library / "dz00001.wav"]
    got = tldask.extract_features(paths, partition_size=2, n_jobs_per_worker=1, duration=1.0).compute()
    expected = tl.extract_features(paths, duration=1.0)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["error"].notna().tolist() == [False, True, True, False]
    assert "missing.wav" in got["error"].iloc[1]


def test_fsspec_urls_are_fetched(library):
    """memory:// URLs (in-process scheduler: the memory filesystem is per process)."""
    import fsspec

    fs = fsspec.filesystem("memory")
    for name in ("dz00002.wav", "dz00003.wav"):
        with fs.open(f"/songs/{name}", "wb") as f:
            f.write((library / name).read_bytes())
    got = tldask.extract_features("memory://songs", partition_size=1).compute(scheduler="sync")
    expected = tl.extract_features([library / "dz00002.wav", library / "dz00003.wav"])
    pd.testing.assert_frame_equal(got, expected.astype(got.dtypes.to_dict()), check_exact=True)
    missing = tldask.extract_features(["memory://songs/nope.wav"]).compute(scheduler="sync")
    assert "memory://songs/nope.wav" in missing["error"].iloc[0]


def test_extract_features_runs_on_the_given_client(client, library):
    before = set(client.futures)
    ddf = tldask.extract_features(library, client, partition_size=4)
    assert len(set(client.futures) - before) == ddf.npartitions == 2  # persisted there: one task per partition
    pd.testing.assert_frame_equal(ddf.compute(), tl.extract_features(library), check_exact=True)


def test_extract_features_rejects_bad_arguments(library, tmp_path):
    with pytest.raises(InvalidParameterError, match="partition_size"):
        tldask.extract_features(library, partition_size=0)
    with pytest.raises(InvalidParameterError, match="no audio files"):
        tldask.extract_features(tmp_path)
    with pytest.raises(InvalidParameterError, match="feature_set"):
        tldask.extract_features(library, feature_set="nope")


def _catalog(n: int = 900, d: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 50, size=d)
    X[10] = X[20] = X[n - 5]  # exact duplicates across blocks: ties go to the lower row
    X[:, 2] = np.round(X[:, 2])  # many equal values in one feature
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(d)]).assign(name=[f"t{i}" for i in range(n)])


@pytest.mark.parametrize("metric", ["cosine", "euclidean", "manhattan"])
@pytest.mark.parametrize("scaler", ["standard", "robust", "minmax", None])
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
def test_kneighbors_graph_equals_single_machine(client, metric, scaler, algorithm):
    df = _catalog()
    X = df.drop(columns="name")
    # The single-machine reference is brute force (900 rows: "auto" picks it).
    expected = tl.NearestNeighbors(7, metric=metric, scaler=scaler).fit(X).kneighbors_graph(mode="distance")
    got = tldask.kneighbors_graph(dd.from_pandas(df, npartitions=4), 7, metric=metric, scaler=scaler,
                                  mode="distance", algorithm=algorithm, client=client)
    # Exact: the blocks are scaled with the globally fitted scaler into the
    # same float32 rows, and distances are re-scored in float64 per pair.
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)


@pytest.mark.parametrize("source", ["array", "dask_array", "block_size"])
def test_kneighbors_graph_inputs_and_weights(client, source):
    import dask.array as da

    X = _catalog(400, 5, seed=1).drop(columns="name").to_numpy(np.float32)
    weights = [1.0, 0.0, 2.0, 1.0, 0.5]
    expected = tl.NearestNeighbors(4, weights=weights).fit(X).kneighbors_graph()
    data = da.from_array(X, chunks=(130, 5)) if source == "dask_array" else X
    got = tldask.kneighbors_graph(data, 4, weights=weights, client=client,
                                  block_size=97 if source == "block_size" else None)
    assert (got != expected).nnz == 0
    np.testing.assert_array_equal(got.indices, expected.indices)


def test_kneighbors_graph_of_the_same_rows_back_to_back(client):
    """Equal rows scattered call after call (a notebook re-running a cell): each call ships its
    own copy, so releasing the previous one cannot lose the next call's data (CI once failed
    with "lost dependencies" when both shared one content-hashed key)."""
    X = _catalog(400, 5, seed=1).drop(columns="name").to_numpy(np.float32)
    expected = tl.NearestNeighbors(4).fit(X).kneighbors_graph()
    for block_size in (None, 97, None, 97, 131):
        got = tldask.kneighbors_graph(X, 4, client=client, block_size=block_size)
        assert (got != expected).nnz == 0


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("scheduler", ["distributed", "threads"])
def test_kneighbors_graph_whole_table_tree(client, metric, scheduler):
    # 5,000 rows x 4 features: "auto" plans the kd-tree on both sides (on 6
    # features of noise it plans brute force, rightly); the Dask path ships
    # the table once per worker and runs one task per query block.
    X = _catalog(5000, 4, seed=2).drop(columns="name").to_numpy()
    nn = tl.NearestNeighbors(10, metric=metric).fit(X)
    assert nn._fit_method == "kd_tree"
    expected = nn.kneighbors_graph(mode="distance")
    if scheduler == "threads":
        import dask

        with dask.config.set(scheduler="threads"):
            got = tldask.kneighbors_graph(X, 10, metric=metric, mode="distance", block_size=1300)
    else:
        got = tldask.kneighbors_graph(X, 10, metric=metric, mode="distance", block_size=1300, client=client)
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)


def test_kneighbors_graph_small_blocks_and_errors():
    X = _catalog(30, 3).drop(columns="name").to_numpy()
    # Blocks smaller than k: each block contributes what it has.
    got = tldask.kneighbors_graph(X, 6, block_size=4, mode="distance")
    expected = tl.NearestNeighbors(6).fit(X).kneighbors_graph(mode="distance")
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)
    with pytest.raises(InvalidParameterError, match="n_neighbors"):
        tldask.kneighbors_graph(X, 30)
    with pytest.raises(InvalidParameterError, match="metric"):
        tldask.kneighbors_graph(X, 3, metric="hamming")
    with pytest.raises(InvalidParameterError, match="weights"):
        tldask.kneighbors_graph(X, 3, weights=[1.0])
    with pytest.raises(InvalidParameterError, match="algorithm"):
        tldask.kneighbors_graph(X, 3, algorithm="ball_tree")
    with pytest.raises(InvalidParameterError, match="leaf_size"):
        tldask.kneighbors_graph(X, 3, leaf_size=0)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InvalidParameterError, match="row 3"):
        tldask.kneighbors_graph(bad, 3)



def _catalog_pair():
    """Generated catalogs plus rows that compete for the same partner: exact
    duplicates (one-to-one must hand the partner to the first of them) and
    one-letter variants (fuzzy candidates taken by a better-scoring row)."""
    from tunelens.datasets import make_catalogs

    chart, features, _ = make_catalogs(400, seed=4)
    twins = chart.iloc[:30].assign(title=lambda d: d["title"] + " !")  # same key after normalization
    typos = chart.iloc[30:60].assign(title=lambda d: d["title"] + "s")
    left = pd.concat([chart, twins, typos]).sample(frac=1.0, random_state=1)
    left.index = [f"L{i}" for i in range(len(left))]
    features.index = [f"R{i}" for i in range(len(features))]
    return left, features


@pytest.mark.parametrize(("one_to_one", "how"), [(True, "inner"), (True, "left"), (False, "inner")])
def test_match_catalogs_equals_single_machine(client, one_to_one, how):
    left, right = _catalog_pair()
    ddf = dd.from_pandas(left, npartitions=4)
    # The single-machine call on what the Dask frame holds (Dask stores the string index as pyarrow strings).
    expected = tl.match_catalogs(ddf.compute(), right, one_to_one=one_to_one, how=how, progress=False)
    got = tldask.match_catalogs(ddf, right, one_to_one=one_to_one, how=how, client=client)
    # Exact: the same scorer on the same normalized keys, the same greedy order.
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert (expected["match_type"] == "fuzzy").sum() > 10


def test_match_catalogs_options_and_errors(client):
    left, right = _catalog_pair()
    right = right.rename(columns={"artist": "performer", "title": "name"})
    options = dict(left_on=["artist", "title"], right_on=["performer", "name"], threshold=85, scorer="ratio")
    left_ddf, right_ddf = dd.from_pandas(left, npartitions=3), dd.from_pandas(right, npartitions=2)
    expected = tl.match_catalogs(left_ddf.compute(), right_ddf.compute(), progress=False, **options)
    got = tldask.match_catalogs(left_ddf, right_ddf, client=client, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    with pytest.raises(tl.TunelensError, match="nope"):
        tldask.match_catalogs(left, right, left_on=["artist", "nope"], right_on=["performer", "name"])


def _crowded_pair():
    """Rows that compete for the same partners, where each left row's 16
    kept candidates matter: 20 identical left rows want the same 24 right
    rows (one shared search, whichever partitions they fall in), near-identical rows with one-letter differences, and every row
    sharing one artist (a single blocking block)."""
    same = [("Adele", "Hello World")] * 20
    near = [("Adele", f"Hello World {k:02d}") for k in range(30)]
    left = pd.DataFrame(same + near + [("Adele", "Skyfall"), (None, "Hello")], columns=["artist", "title"])
    right = pd.DataFrame([("Adele", f"Hello World {k:02d}x") for k in range(24)]
                         + [("Adele", f"Hello Wrld {k:02d}") for k in range(10)]
                         + [("Adele", "Hello World 05"), ("Adele", "Skyfal")], columns=["artist", "title"])
    left = left.sample(frac=1.0, random_state=2)
    return left, right


@pytest.mark.parametrize("npartitions", [1, 3, 7])
@pytest.mark.parametrize(("one_to_one", "how"), [(True, "inner"), (True, "left"), (False, "inner")])
def test_match_catalogs_crowded_candidates_equal_single_machine(client, npartitions, one_to_one, how):
    left, right = _crowded_pair()
    options = dict(threshold=80, field_threshold=60, one_to_one=one_to_one, how=how)
    ddf = dd.from_pandas(left, npartitions=npartitions)  # sorts the rows by index
    expected = tl.match_catalogs(ddf.compute(), right, progress=False, **options)
    got = tldask.match_catalogs(ddf, right, client=client, **options)
    # Exact: same Rust steps on the same keys; the candidate lists are per row.
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    twins = expected["left_title"].eq("Hello World")
    if one_to_one and how == "inner":
        # The 20 identical rows share one search (16 candidates each, dealt
        # out in turn), which must stay in one task; every right row is used.
        assert 0 < twins.sum() < 20 and len(expected) == len(right)



@pytest.mark.parametrize("npartitions", [1, 4])
def test_match_catalogs_with_evidence_and_items_equals_single_machine(client, npartitions):
    # The hand-curated corpus: repeated playlist rows (items by track_uri),
    # durations, title forms, artist lists, cross-script artists.
    from pathlib import Path

    corpus = Path(__file__).parent / "data" / "catalog_corpus"
    playlist, features = pd.read_csv(corpus / "playlist.csv"), pd.read_csv(corpus / "features.csv")
    options = dict(right_on=("artists", "name"), duration_on="duration_ms", left_id="track_uri",
                   extra_on={"year": ("added_at", "year")}, how="left")
    ddf = dd.from_pandas(playlist, npartitions=npartitions)
    expected = tl.match_catalogs(ddf.compute(), features, progress=False, **options)
    got = tldask.match_catalogs(ddf, features, client=client, **options)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert expected.right_index.notna().sum() > 300
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        tldask.match_catalogs(ddf, features, client=client, n_jobs=2)
