"""tunelens on Dask: feature extraction, catalog matching and kNN graphs
beyond one machine (``pip install tunelens[dask]``).

Each function splits the work into Dask tasks that call the single-machine
tunelens function on one block, and gives the same result as that function.

Worker threads
--------------
tunelens runs its heavy work in Rust on its own thread pool, without the GIL.
Start Dask workers with **one thread per worker process** and let each task
use the worker's cores through ``n_jobs_per_worker``::

    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=4, threads_per_worker=1, processes=True)
    client = Client(cluster)
    ddf = tunelens.dask.extract_features("s3://bucket/previews/", client=client,
                                         n_jobs_per_worker=8)  # 8 cores per worker

(on a cluster: ``dask worker --nthreads 1 --nworkers N``). With more Dask
threads per worker, several tasks share the cores and each runs slower.

Audio locations
---------------
Paths may be local paths or fsspec URLs. Local paths and ``file://`` URLs are
read in place; other URLs are fetched by the worker with fsspec (offline:
``memory://``, which only works with in-process workers; online: ``s3://``,
``gs://``, ``https://`` ... with their fsspec backend installed).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from typing import Any, Sequence

import numpy as np

from tunelens import _core
from tunelens.exceptions import InvalidParameterError
from tunelens.extract import AUDIO_EXTENSIONS, extract_features as _extract_features
from tunelens.neighbors import _ALGORITHMS, _METRICS, _SCALERS, _positive_int

__all__ = ["extract_features", "kneighbors_graph", "match_catalogs"]


def _compute(collection: Any, client: Any) -> Any:
    """Computes a Dask collection on ``client`` (or the default scheduler)."""
    import dask

    if client is not None:
        return client.gather(client.compute(collection))
    return dask.compute(collection)[0]


# ---------------------------------------------------------------- features
def _is_url(path: str) -> bool:
    return "://" in path


def _audio_items(paths: Any) -> list[tuple[str, str]]:
    """(filename, location) pairs: a folder (local or URL) is searched
    recursively for audio files, sorted, named by their relative path."""
    import fsspec

    if isinstance(paths, (str, os.PathLike)):
        location = os.fspath(paths)
        fs, root = fsspec.core.url_to_fs(location)
        if fs.isdir(root):
            found = sorted(p for p in fs.find(root) if p.lower().endswith(AUDIO_EXTENSIONS))
            prefix = root.rstrip("/") + "/"
            named = [(p[len(prefix):] if p.startswith(prefix) else p, p) for p in found]
            if not _is_url(location) or location.startswith("file://"):
                return named
            return [(name, fs.unstrip_protocol(p)) for name, p in named]
        return [(os.path.basename(location), location)]
    items = []
    for p in paths:
        location = os.fspath(p)
        items.append((os.path.basename(location.rstrip("/")), location))
    return items


def _extract_partition(items: Sequence[tuple[str, str]], start: int, n_jobs: int, kwargs: dict, meta: Any) -> Any:
    """Runs :func:`tunelens.extract_features` on one partition of files.

    Local files (and ``file://`` URLs) are read in place; other URLs are
    fetched into a temporary folder first. A file that cannot be fetched is
    passed on as its URL, so its row carries the error naming it.
    """
    import fsspec

    sources: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tunelens-dask-") as tmp:
        for i, (_, location) in enumerate(items):
            fs, inner = fsspec.core.url_to_fs(location)
            if isinstance(fs, fsspec.implementations.local.LocalFileSystem):
                sources.append(inner)
                continue
            local = os.path.join(tmp, f"{i}{os.path.splitext(inner)[1]}")
            try:
                with fs.open(inner, "rb") as src, open(local, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                sources.append(local)
            except (OSError, ValueError):
                sources.append(location)
        df = _extract_features(sources, n_jobs=n_jobs, progress=False, **kwargs)
    df["filename"] = [name for name, _ in items]
    df.index = range(start, start + len(df))
    return _conform(df, meta)


def _conform(df: Any, meta: Any) -> Any:
    """``df`` with ``meta``'s dtypes; an all-missing column (every file of the
    partition failed) becomes a missing column of that dtype."""
    import pandas as pd

    for column, dtype in meta.dtypes.items():
        if df[column].dtype == dtype:
            continue
        if df[column].isna().all():
            df[column] = pd.Series([None] * len(df), index=df.index, dtype=dtype)
        else:
            df[column] = df[column].astype(dtype)
    return df


def _features_meta(kwargs: dict) -> Any:
    """The empty frame a partition looks like: the dtypes of a result with one
    good and one failing input (``length`` is float64 because error rows hold
    NaN; text columns such as ``key`` stay text)."""
    tone = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    sample = _extract_features({"ok": tone, "failing": tone[:0]}, n_jobs=1, progress=False,
                               **{**kwargs, "sr": 22050, "duration": None, "offset": 0.0})
    return sample.iloc[:0]


def extract_features(
    paths: Any,
    client: Any = None,
    *,
    partition_size: int = 64,
    n_jobs_per_worker: int | None = None,
    **kwargs: Any,
) -> Any:
    """:func:`tunelens.extract_features` over partitions of files, as a Dask DataFrame.

    Parameters
    ----------
    paths : folder, path, fsspec URL or list of them
        A folder (local or URL) is searched recursively for audio files
        (``tunelens.AUDIO_EXTENSIONS``, sorted by path, named by their path
        relative to the folder); single files are named by their base name.
    client : dask.distributed.Client, optional
        Accepted for symmetry with the other functions: the returned
        DataFrame is lazy and runs where it is computed (on the client's
        cluster once a ``Client`` exists, as Dask does by default).
    partition_size : int, default 64
        Files per partition (one Dask task each).
    n_jobs_per_worker : int, optional
        Threads each task uses (its ``n_jobs``); default all cores of the
        worker. Run workers with one Dask thread each (see the module notes).
    **kwargs
        ``feature_set``, ``sr``, ``duration``, ``offset``, ``on_error`` of
        :func:`tunelens.extract_features`.

    Returns
    -------
    dask.dataframe.DataFrame
        The columns, rows and index of :func:`tunelens.extract_features`, in
        input order, with the dtypes of a result that holds error rows
        (``length`` float64, ``error`` a string column): a partition cannot
        know whether another one fails. A file that fails on a worker gives a
        row with NaN features and its message in ``error``.
    """
    import dask
    import dask.dataframe as dd

    del client  # the graph is lazy; the caller's scheduler runs it
    size = _positive_int(partition_size, "partition_size")
    n_jobs = -1 if n_jobs_per_worker is None else n_jobs_per_worker
    for name in ("n_jobs", "progress", "inputs"):
        if name in kwargs:
            raise InvalidParameterError(f"invalid {name}: not accepted by tunelens.dask.extract_features")
    meta = _features_meta(kwargs)
    items = _audio_items(paths)
    if not items:
        raise InvalidParameterError(f"invalid paths: no audio files found in {paths!r}")
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    task = dask.delayed(_extract_partition, pure=True)
    starts = list(range(0, len(items), size))
    parts = [task(chunk, start, n_jobs, kwargs, meta) for chunk, start in zip(chunks, starts)]
    return dd.from_delayed(parts, meta=meta, divisions=[*starts, len(items) - 1], verify_meta=False)


# --------------------------------------------------------------- kNN graph
def _neighbor_block(queries: np.ndarray, database: np.ndarray, offset: int, k: int, metric: str,
                    same: bool, n_jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of ``database`` (global row ``offset``) of each
    query, as tunelens's exact search finds them; a row is not its own
    neighbour when ``same`` (queries and database are the same block)."""
    available = database.shape[0] - (1 if same else 0)
    k = min(k, available)
    if k < 1:
        return np.empty((queries.shape[0], 0)), np.empty((queries.shape[0], 0), dtype=np.int64)
    index = _core.NeighborIndex(database, metric=metric, scaler="none", weights=None, n_jobs=n_jobs)
    distances, indices = index.kneighbors(None if same else queries, k, n_jobs=n_jobs)
    return distances, indices + offset


def _merge_blocks(found: list[tuple[np.ndarray, np.ndarray]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The global top ``k`` of each query from its per-block tops, ordered by
    (distance, index) as the single-machine search orders them."""
    distances = np.concatenate([d for d, _ in found], axis=1)
    indices = np.concatenate([i for _, i in found], axis=1)
    order = np.lexsort((indices, distances), axis=1)[:, :k]
    return np.take_along_axis(distances, order, axis=1), np.take_along_axis(indices, order, axis=1)


def _graph_rows(Z: np.ndarray, sizes: Sequence[int], k: int, metric: str, n_jobs: int,
                queries: Sequence[int] | None = None) -> list[Any]:
    """The Dask tasks of the blocked search: per query block (every block, or
    the block numbers ``queries``), one search task per database block and a
    merge task, which yields that block's ``(distances, indices)``."""
    import uuid

    import dask

    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    token = uuid.uuid4().hex
    blocks = [dask.delayed(Z[a:b], name=f"tunelens-knn-block-{i}-{token}")
              for i, (a, b) in enumerate(zip(starts[:-1], starts[1:]))]
    search = dask.delayed(_neighbor_block, pure=True, nout=2)
    merge = dask.delayed(_merge_blocks, pure=True)
    rows = []
    for i in range(len(blocks)) if queries is None else queries:
        found = [search(blocks[i], database, int(starts[j]), k, metric, i == j, n_jobs)
                 for j, database in enumerate(blocks)]
        rows.append(merge(found, k))
    return rows


#: The last whole-table index built in this process: ``(token, NeighborIndex)``.
_shared: dict[str, Any] = {}
_shared_lock = threading.Lock()


def _shared_index(Z: np.ndarray, token: str, metric: str, algorithm: str, leaf_size: int, n_jobs: int) -> Any:
    """The index over all scaled rows ``Z``, built once per worker process
    (the first task of a call builds it, the others reuse it; a new call
    replaces it)."""
    with _shared_lock:
        if token not in _shared:
            _shared.clear()
            _shared[token] = _core.NeighborIndex(Z, metric=metric, scaler="none", weights=None,
                                                 algorithm=algorithm, leaf_size=leaf_size, n_jobs=n_jobs)
        return _shared[token]


def _tree_block(Z: np.ndarray, token: str, start: int, stop: int, k: int, metric: str, algorithm: str,
                leaf_size: int, n_jobs: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of the rows ``start:stop`` among all rows of
    ``Z`` (a row is not its own neighbour), from the worker's shared index."""
    index = _shared_index(Z, token, metric, algorithm, leaf_size, n_jobs)
    return index.kneighbors(None, k, rows=(start, stop), n_jobs=n_jobs)


def _tree_rows(Z: np.ndarray, sizes: Sequence[int], k: int, metric: str, algorithm: str, leaf_size: int,
               n_jobs: int, client: Any, queries: Sequence[int] | None = None) -> list[Any]:
    """The Dask tasks of the whole-table search: ``Z`` is shipped once to each
    worker (broadcast when a client is given), and one task per query block
    (every block, or the block numbers ``queries``) searches it with the
    worker's shared index; each yields that block's ``(distances, indices)``."""
    import uuid

    import dask

    token = uuid.uuid4().hex
    shared = client.scatter(Z, broadcast=True) if client is not None else \
        dask.delayed(Z, name=f"tunelens-knn-rows-{token}")
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    search = dask.delayed(_tree_block, pure=True)
    return [search(shared, token, int(starts[i]), int(starts[i + 1]), k, metric, algorithm, leaf_size, n_jobs)
            for i in (range(len(sizes)) if queries is None else queries)]


def _as_matrix(data: Any, features: Sequence[str] | None, client: Any) -> tuple[np.ndarray, list[int]]:
    """The rows of a Dask DataFrame/array (or an in-memory table) as one array,
    with the row count of each of its partitions."""
    import dask
    import pandas as pd

    from tunelens._tables import as_table, is_number

    if hasattr(data, "dask") and hasattr(data, "columns"):  # dask DataFrame
        columns = list(features) if features is not None else [c for c, t in data.dtypes.items() if is_number(t)]
        frames = _compute(dask.delayed(list)(data[columns].to_delayed()), client)
        return as_table(pd.concat(frames, ignore_index=True)), [len(f) for f in frames]
    if hasattr(data, "dask") and hasattr(data, "chunks"):  # dask array
        X = as_table(np.asarray(_compute(data, client)))
        known = not any(np.isnan(data.chunks[0]))
        return X, list(data.chunks[0]) if known else [X.shape[0]]
    if features is not None and hasattr(data, "columns"):
        data = data[list(features)]
    X = as_table(data)
    return X, [X.shape[0]]


def _scaled(X: np.ndarray, scaler: str | None, weights: Any) -> np.ndarray:
    """``X`` scaled as :class:`tunelens.NearestNeighbors` scales it: the
    scaler fitted on all rows (same Rust code), then the weights, in float64."""
    d = X.shape[1]
    offset, scale = _core.fit_scaler(X, scaler or "none")
    w = np.ones(d) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (d,) or not np.all(np.isfinite(w) & (w >= 0)):
        raise InvalidParameterError(f"invalid weights: need {d} finite non-negative values")
    return (X.astype(np.float64) - offset) / scale * w


def kneighbors_graph(
    data: Any,
    n_neighbors: int = 10,
    *,
    metric: str = "cosine",
    scaler: str | None = "standard",
    weights: Any = None,
    mode: str = "connectivity",
    features: Sequence[str] | None = None,
    block_size: int | None = None,
    algorithm: str = "auto",
    leaf_size: int = 40,
    client: Any = None,
    n_jobs_per_worker: int | None = None,
) -> Any:
    """All-pairs k-nearest-neighbour graph computed in blocks across Dask workers.

    Equal to ``tunelens.NearestNeighbors(n_neighbors, metric=..., scaler=...,
    weights=...).fit(X).kneighbors_graph(mode=...)``: the scaler is fitted on
    all rows first and the scaled rows are cut into query blocks. Then

    - with a kd-tree (``algorithm="kd_tree"``, or ``"auto"`` on at most 15
      features and at least 2,000 rows): the scaled rows are sent once to
      each worker, which builds one index over all of them (kept until the
      next call), and one task per query block searches it. Work grows as
      ``n log n``; memory is the table and its index once per worker
      (about 200 bytes per row for 12 features);
    - brute force (``algorithm="brute"``, or ``"auto"`` on wider tables):
      one task finds the exact top ``k`` of query block *i* in database
      block *j*, and a merge task per query block keeps the global top ``k``
      (ties to the lower row). Work grows as ``n²``; memory per task is two
      blocks, never the N x N matrix.

    Parameters
    ----------
    data : dask DataFrame, dask array, DataFrame or 2-D array
        One row per item (numeric feature columns; a DataFrame's non-numeric
        columns are skipped unless ``features`` names the columns).
    n_neighbors : int, default 10
    metric, scaler, weights
        As in :class:`tunelens.NearestNeighbors`.
    mode : {"connectivity", "distance"}
    features : list of str, optional
        Columns to use (DataFrames only).
    block_size : int, optional
        Rows per block; default the partitions (chunks) of ``data``, else 20,000.
    algorithm : {"auto", "brute", "kd_tree"}, default "auto"
        As in :class:`tunelens.NearestNeighbors` (all give the same graph).
    leaf_size : int, default 40
        Rows per kd-tree leaf (about).
    client : dask.distributed.Client, optional
        Where to compute; default the current Dask scheduler.
    n_jobs_per_worker : int, optional
        Threads of each task (default all cores of the worker).

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        No self-loops; row *i* holds its ``n_neighbors`` nearest rows.
    """
    from scipy.sparse import csr_matrix

    if metric not in _METRICS:
        raise InvalidParameterError(f"invalid metric: {metric!r}; expected one of {_METRICS}")
    if scaler not in _SCALERS:
        raise InvalidParameterError(f"invalid scaler: {scaler!r}; expected one of {_SCALERS}")
    if mode not in ("connectivity", "distance"):
        raise InvalidParameterError(f"invalid mode: {mode!r}; expected 'connectivity' or 'distance'")
    if algorithm not in _ALGORITHMS:
        raise InvalidParameterError(f"invalid algorithm: {algorithm!r}; expected one of {_ALGORITHMS}")
    k = _positive_int(n_neighbors, "n_neighbors")
    leaf_size = _positive_int(leaf_size, "leaf_size")
    X, sizes = _as_matrix(data, features, client)
    n = X.shape[0]
    if k > n - 1:
        raise InvalidParameterError(f"invalid n_neighbors: is {k} but only {n - 1} rows can be neighbours")
    if block_size is not None:
        size = _positive_int(block_size, "block_size")
        sizes = [min(size, n - s) for s in range(0, n, size)]
    elif len(sizes) == 1 and n > 20_000:
        sizes = [min(20_000, n - s) for s in range(0, n, 20_000)]
    sizes = [s for s in sizes if s > 0]
    Z = _scaled(X, scaler, weights)
    del X
    n_jobs = -1 if n_jobs_per_worker is None else n_jobs_per_worker
    if _core.builds_tree(algorithm, n, Z.shape[1]):
        rows = _tree_rows(Z, sizes, k, metric, algorithm, leaf_size, n_jobs, client)
    else:
        rows = _graph_rows(Z, sizes, k, metric, n_jobs)
    merged = _compute(rows, client)
    distances = np.concatenate([m[0] for m in merged])
    indices = np.concatenate([m[1] for m in merged])
    data_values = np.ones(n * k) if mode == "connectivity" else distances.ravel()
    return csr_matrix((data_values, indices.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))



# ---------------------------------------------------------------- matching
def _fuzzy_best(left_keys: Any, right_keys: Any, options: dict) -> Any:
    """Each left row's best fuzzy candidate in ``right_keys`` (frames of
    normalized keys indexed by global row position), as
    :func:`tunelens.match_catalogs` scores it."""
    from tunelens.catalog import match_catalogs as _match

    if len(left_keys) == 0 or len(right_keys) == 0:
        return None
    keys = list(left_keys.columns)
    return _match(left_keys, right_keys, left_on=keys, right_on=keys, normalize=False, one_to_one=False,
                  how="inner", progress=False, **options)


def _ranks(keys: Any) -> np.ndarray:
    """Each row's rank by (normalized key tuple, position), missing values
    first: the order :func:`tunelens.match_catalogs` breaks ties with."""
    columns = [keys[c].tolist() for c in keys.columns]
    order = sorted(range(len(keys)), key=lambda i: (*[(v[i] is not None, v[i] or "") for v in columns], i))
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(keys))
    return rank


def _exact_pass(left_keys: Any, right_keys: Any, one_to_one: bool) -> Any:
    """(left position, right position) of the exact matches: within a group of
    equal valid keys, left and right rows pair up in position order (every
    left row takes the group's first right row without ``one_to_one``)."""
    import pandas as pd

    def valid(keys: Any) -> Any:
        ok = pd.Series(True, index=keys.index)
        for c in keys.columns:
            ok &= keys[c].map(lambda v: isinstance(v, str) and bool(v.strip()))
        return keys[ok]

    lk, rk = valid(left_keys), valid(right_keys)
    cols = list(lk.columns)
    lk = lk.assign(_left=lk.index, _n=lk.groupby(cols, sort=False).cumcount())
    rk = rk.assign(_right=rk.index, _n=rk.groupby(cols, sort=False).cumcount())
    if not one_to_one:
        rk, lk = rk[rk["_n"] == 0], lk.assign(_n=0)
    pairs = lk.merge(rk, on=[*cols, "_n"], how="inner")
    return pairs[["_left", "_right"]].to_numpy(dtype=np.int64).reshape(-1, 2)


def match_catalogs(
    left: Any,
    right: Any,
    *,
    left_on: Any = ("artist", "title"),
    right_on: Any = None,
    scorer: str = "token_sort_ratio",
    threshold: float = 90,
    normalize: Any = True,
    one_to_one: bool = True,
    how: str = "inner",
    exhaustive: bool = False,
    field_threshold: float | None = None,
    client: Any = None,
    n_jobs_per_worker: int | None = None,
) -> Any:
    """:func:`tunelens.match_catalogs` with the fuzzy pass spread over the
    partitions of the left catalog (the right catalog is broadcast).

    The keys are normalized and the exact pass (a hash join) runs on the
    client; the fuzzy pass, the expensive part, runs per left partition and
    returns each left row's best candidate above the threshold. The
    one-to-one assignment is then resolved globally with the single-machine
    rule (descending score, ties to the lower left then right rank): taken in
    that order, a candidate whose right row is already assigned sends its
    left row back to the workers for its best candidate among the right rows
    still free, and the order is only trusted up to the first such row, so
    the rounds reproduce the greedy assignment. The result equals
    ``tunelens.match_catalogs`` as long as no left row loses 16 or more
    candidates to others (the single-machine call keeps 16 per row).

    Parameters
    ----------
    left : dask DataFrame or pandas DataFrame
        Left catalog (its partitions are the tasks).
    right : pandas DataFrame or dask DataFrame
        Right catalog (gathered and broadcast to the workers).
    left_on, right_on, scorer, threshold, normalize, one_to_one, how, exhaustive, field_threshold
        As in :func:`tunelens.match_catalogs`.
    client : dask.distributed.Client, optional
        Where to compute; default the current Dask scheduler.
    n_jobs_per_worker : int, optional
        Threads of each task (default all cores of the worker).

    Returns
    -------
    pandas.DataFrame
        The table :func:`tunelens.match_catalogs` returns (same columns, rows
        and order).
    """
    import dask
    import pandas as pd

    from tunelens.catalog import _columns, _prepare, match_catalogs as _match
    from tunelens.text import as_texts

    sizes = None
    if hasattr(left, "dask"):
        frames = _compute(dask.delayed(list)(left.to_delayed()), client)
        sizes = [len(f) for f in frames]
        left = pd.concat(frames)
    if hasattr(right, "dask"):
        right = _compute(right, client)
    sizes = [s for s in (sizes or [len(left)]) if s > 0]
    left_cols = _columns(left_on, "left_on")
    right_cols = left_cols if right_on is None else _columns(right_on, "right_on")
    # The single-machine function validates the arguments.
    _match(left.iloc[:0], right.iloc[:0], left_on=left_cols, right_on=right_cols, scorer=scorer,
                   threshold=threshold, normalize=normalize, one_to_one=one_to_one, how="inner",
                   exhaustive=exhaustive, field_threshold=field_threshold, progress=False)
    keys = [f"k{i}" for i in range(len(left_cols))]
    lk = pd.DataFrame({k: _prepare(as_texts(left[c]), normalize, -1) for k, c in zip(keys, left_cols)})
    rk = pd.DataFrame({k: _prepare(as_texts(right[c]), normalize, -1) for k, c in zip(keys, right_cols)})
    exact = _exact_pass(lk, rk, one_to_one)
    options = dict(scorer=scorer, threshold=threshold, exhaustive=exhaustive, field_threshold=field_threshold,
                   n_jobs=-1 if n_jobs_per_worker is None else n_jobs_per_worker)
    left_free = np.ones(len(lk), dtype=bool)
    left_free[exact[:, 0]] = False
    right_free = np.ones(len(rk), dtype=bool)
    if one_to_one:
        right_free[exact[:, 1]] = False
    fuzzy = _assign_fuzzy(lk, rk, left_free, right_free, sizes, options, one_to_one, client)
    return _pairs_table(left, right, left_cols, right_cols, lk, rk, exact, fuzzy, how)


#: Re-queried left rows up to this count are scored on the client, not on the workers.
_LOCAL_ROWS = 2_000


def _best_candidates(lk: Any, rk: Any, rows: np.ndarray, right_free: np.ndarray, sizes: Sequence[int],
                     options: dict, client: Any) -> Any:
    """Best candidate of each left row in ``rows`` among the free right rows,
    one task per left partition (the right keys are one shared task input)."""
    import dask
    import pandas as pd

    columns = ["left_index", "right_index", *[f"k{i}_score" for i in range(lk.shape[1])], "score"]
    if len(rows) <= _LOCAL_ROWS:  # a few re-queried rows: cheaper here than a round trip to the workers
        found = _fuzzy_best(lk.iloc[rows], rk[right_free], options)
        return found[columns] if found is not None else pd.DataFrame(columns=columns)
    pool = dask.delayed(rk[right_free])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    task = dask.delayed(_fuzzy_best, pure=True)
    chunks = [rows[(rows >= a) & (rows < b)] for a, b in zip(starts[:-1], starts[1:])]
    parts = [task(lk.iloc[chunk], pool, options) for chunk in chunks if len(chunk)]
    found = [f for f in _compute(parts, client) if f is not None and len(f)]
    return pd.concat(found)[columns] if found else pd.DataFrame(columns=columns)


def _assign_fuzzy(lk: Any, rk: Any, left_free: np.ndarray, right_free: np.ndarray, sizes: Sequence[int],
                  options: dict, one_to_one: bool, client: Any) -> Any:
    """The fuzzy matches, assigned as the single-machine greedy rule does."""
    import pandas as pd

    left_rank, right_rank = _ranks(lk), _ranks(rk)
    pending = _best_candidates(lk, rk, np.flatnonzero(left_free), right_free, sizes, options, client)
    chosen = []
    while len(pending):
        pending = pending.assign(_lr=left_rank[pending["left_index"].to_numpy(int)],
                                 _rr=right_rank[pending["right_index"].to_numpy(int)])
        pending = pending.sort_values(["score", "_lr", "_rr"], ascending=[False, True, True], kind="stable")
        if not one_to_one:
            chosen.append(pending)
            break
        # A right row already assigned, or wanted by a better candidate of this round.
        taken = ~right_free[pending["right_index"].to_numpy(int)] | pending["right_index"].duplicated().to_numpy()
        cut = int(np.argmax(taken)) if taken.any() else len(pending)
        accepted = pending.iloc[:cut]
        chosen.append(accepted)
        right_free[accepted["right_index"].to_numpy(int)] = False
        rest = pending.iloc[cut:]
        losers = rest["right_index"].map(lambda j: not right_free[int(j)]).to_numpy(bool)
        again = _best_candidates(lk, rk, rest["left_index"].to_numpy(int)[losers], right_free, sizes, options, client)
        pending = pd.concat([rest[~losers], again]).drop(columns=["_lr", "_rr"], errors="ignore")
    if not chosen:
        return pd.DataFrame(columns=["left_index", "right_index", "score"])
    return pd.concat(chosen).drop(columns=["_lr", "_rr"])


def _pairs_table(left: Any, right: Any, left_cols: list[str], right_cols: list[str], lk: Any, rk: Any,
                 exact: np.ndarray, fuzzy: Any, how: str) -> Any:
    """The single-machine output table from matched (left, right) positions."""
    import pandas as pd

    li = np.concatenate([exact[:, 0], fuzzy["left_index"].to_numpy(np.int64)])
    ri = np.concatenate([exact[:, 1], fuzzy["right_index"].to_numpy(np.int64)])
    n_exact = len(exact)
    order = np.argsort(li, kind="stable")
    columns: dict[str, Any] = {"left_index": left.index[li], "right_index": right.index[ri]}
    for lc in left_cols:
        columns[f"left_{lc}"] = left[lc].to_numpy()[li]
    for rc in right_cols:
        columns[f"right_{rc}"] = right[rc].to_numpy()[ri]
    for k, lc in enumerate(left_cols):
        columns[f"left_{lc}_norm"] = lk[f"k{k}"].to_numpy(dtype=object)[li]
    for k, rc in enumerate(right_cols):
        columns[f"right_{rc}_norm"] = rk[f"k{k}"].to_numpy(dtype=object)[ri]
    for k, lc in enumerate(left_cols):
        columns[f"{lc}_score"] = np.concatenate([np.full(n_exact, 100.0), fuzzy[f"k{k}_score"].to_numpy(float)])
    columns["score"] = np.concatenate([np.full(n_exact, 100.0), fuzzy["score"].to_numpy(float)])
    columns["match_type"] = np.array(["exact"] * n_exact + ["fuzzy"] * len(fuzzy), dtype=object)
    out = pd.DataFrame(columns).iloc[order].reset_index(drop=True)
    if how == "left":
        from tunelens.catalog import _with_unmatched_left

        norm = [lk[f"k{k}"].tolist() for k in range(len(left_cols))]
        out = _with_unmatched_left(out.set_axis(li[order]), left, left_cols, norm).reset_index(drop=True)
    return out
