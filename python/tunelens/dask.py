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
from tunelens._neighbor_args import check_options, positive_int

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
        Start the extraction on this client's cluster now (``client.persist``):
        the returned DataFrame is backed by its running tasks. Without one
        the DataFrame is lazy and runs where it is computed.
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

    Examples
    --------
    >>> import tunelens.dask
    >>> _ = tl.datasets.write_library("music", n_songs=2, duration=1.0)
    >>> frame = tunelens.dask.extract_features("music", partition_size=1)
    >>> frame.npartitions
    2
    >>> frame.compute().shape
    (2, 60)
    """
    import dask
    import dask.dataframe as dd

    size = positive_int(partition_size, "partition_size")
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
    ddf = dd.from_delayed(parts, meta=meta, divisions=[*starts, len(items) - 1], verify_meta=False)
    return ddf if client is None else client.persist(ddf)


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
    # hash=False: a unique key per call. Scattering equal rows again under their content key
    # while the previous call's copy is being released loses the data ("lost dependencies").
    shared = client.scatter(Z, broadcast=True, hash=False) if client is not None else \
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

    - with a kd-tree (``algorithm="kd_tree"``, or ``"auto"`` when its plan,
      made on the client as :class:`tunelens.NearestNeighbors` makes it,
      picks the tree): the scaled rows are sent once to
      each worker, which builds one index over all of them (kept until the
      next call), and one task per query block searches it. Work grows as
      ``n log n``; memory is the table and its index once per worker
      (about 200 bytes per row for 12 features);
    - brute force (``algorithm="brute"``, or ``"auto"`` planning brute force):
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

    Examples
    --------
    >>> import tunelens.dask
    >>> X = np.random.default_rng(0).standard_normal((100, 4))
    >>> G = tunelens.dask.kneighbors_graph(X, n_neighbors=3, block_size=25)
    >>> G.shape, G.nnz
    ((100, 100), 300)
    >>> (G != tl.NearestNeighbors(n_neighbors=3).fit(X).kneighbors_graph()).nnz
    0
    """
    from scipy.sparse import csr_matrix

    check_options(metric, scaler, algorithm)
    if mode not in ("connectivity", "distance"):
        raise InvalidParameterError(f"invalid mode: {mode!r}; expected 'connectivity' or 'distance'")
    k = positive_int(n_neighbors, "n_neighbors")
    leaf_size = positive_int(leaf_size, "leaf_size")
    X, sizes = _as_matrix(data, features, client)
    n = X.shape[0]
    if k > n - 1:
        raise InvalidParameterError(f"invalid n_neighbors: is {k} but only {n - 1} rows can be neighbours")
    if block_size is not None:
        size = positive_int(block_size, "block_size")
        sizes = [min(size, n - s) for s in range(0, n, size)]
    elif len(sizes) == 1 and n > 20_000:
        sizes = [min(20_000, n - s) for s in range(0, n, 20_000)]
    sizes = [s for s in sizes if s > 0]
    Z = _core.scale_rows(X, *_core.fit_scaler(X, scaler, weights))
    del X
    n_jobs = -1 if n_jobs_per_worker is None else n_jobs_per_worker
    if algorithm == "auto" and _core.builds_tree(algorithm, n, Z.shape[1]):
        # The plan the single-machine index makes (on the client, once).
        algorithm = _core.NeighborIndex(Z, metric=metric, scaler="none", weights=None, algorithm="auto",
                                        leaf_size=leaf_size, n_neighbors=k, n_jobs=n_jobs).fit_method
    if algorithm == "kd_tree":
        rows = _tree_rows(Z, sizes, k, metric, algorithm, leaf_size, n_jobs, client)
    else:
        rows = _graph_rows(Z, sizes, k, metric, n_jobs)
    merged = _compute(rows, client)
    distances = np.concatenate([m[0] for m in merged])
    indices = np.concatenate([m[1] for m in merged])
    data_values = np.ones(n * k) if mode == "connectivity" else distances.ravel()
    return csr_matrix((data_values, indices.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))



# ---------------------------------------------------------------- matching
def _candidate_block(left_table: dict, left_items: np.ndarray, pool: tuple[dict, np.ndarray],
                     settings: dict) -> dict:
    """The candidates of one block of free left items (their core table and
    positions) among the free right items ``pool`` (core table, positions),
    with global item positions."""
    right_table, right_items = pool
    found = _core.match_candidates(left_table, right_table, settings)
    found["left"] = left_items[found["left"]]
    found["right"] = right_items[found["right"]]
    return found


def _distributed_search(plan: Any, sizes: Sequence[int], settings: dict, client: Any) -> Any:
    """The candidate search of ``_core.match_keys`` spread over Dask: one task
    per left partition, each searching the free left items whose group of
    identical items starts in it among the broadcast free right items."""
    import uuid

    import dask

    starts = np.cumsum([0, *sizes])
    twins = plan.left.twins()
    first = np.unique(twins, return_index=True)[1]
    partition = (np.searchsorted(starts, plan.left.heads, side="right") - 1)[first[twins]]
    task = dask.delayed(_candidate_block)

    def search(left_items: np.ndarray, right_items: np.ndarray) -> dict:
        # One shared input of every task (no hashing of the tables: a unique name).
        pool = dask.delayed((plan.right.take(right_items), right_items), traverse=False,
                            name=f"tunelens-match-pool-{uuid.uuid4().hex}")
        blocks = [left_items[partition[left_items] == p] for p in range(len(sizes))]
        none = np.zeros(0, dtype=np.int64)
        found = [_candidate_block(plan.left.take(none), none, (plan.right.take(none), none), settings)]
        found += _compute([task(plan.left.take(items), items, pool, settings) for items in blocks if len(items)],
                          client)
        return {key: np.concatenate([f[key] for f in found]) for key in found[0]}

    return search


def match_catalogs(left: Any, right: Any, *, client: Any = None, n_jobs_per_worker: int | None = None,
                   **options: Any) -> Any:
    """:func:`tunelens.match_catalogs` with the candidate pass spread over the
    partitions of the left catalog (the right catalog is broadcast).

    It is the single-machine function's own Rust path with the candidate
    search handed to Dask: the client prepares the keys and runs the exact
    pass and the assignment; each task finds the best candidates (16 per item)
    of the free left items of one partition among the free right items, which
    depend only on that item, its identical items (kept in one task) and the
    right side. The result equals ``tunelens.match_catalogs`` exactly.

    Each task prepares the broadcast right items once (code points, ranks,
    bigram and title indexes: linear in the right items), so a few large left
    partitions (e.g. one or two per worker core) keep that overhead small.

    Parameters
    ----------
    left : dask DataFrame or pandas DataFrame
        Left catalog (its partitions are the tasks).
    right : pandas DataFrame or dask DataFrame
        Right catalog (gathered and broadcast to the workers).
    client : dask.distributed.Client, optional
        Where to compute; default the current Dask scheduler.
    n_jobs_per_worker : int, optional
        Threads of each task (default all cores of the worker).
    **options
        The keyword arguments of :func:`tunelens.match_catalogs` (``left_on``,
        ``duration_on``, ``left_id``, ``threshold``, ...), except ``n_jobs``
        and ``progress``.

    Returns
    -------
    pandas.DataFrame
        The table :func:`tunelens.match_catalogs` returns (same columns, rows
        and order).

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import tunelens.dask
    >>> chart, features, truth = tl.datasets.make_catalogs(200)
    >>> pairs = tunelens.dask.match_catalogs(dd.from_pandas(chart, npartitions=4), features)
    >>> pairs.equals(tl.match_catalogs(chart, features))
    True
    """
    import inspect

    import dask
    import pandas as pd

    from tunelens.catalog import _plan, match_catalogs as _match

    sizes = None
    if hasattr(left, "dask"):
        frames = _compute(dask.delayed(list)(left.to_delayed()), client)
        sizes = [len(f) for f in frames]
        left = pd.concat(frames)
    if hasattr(right, "dask"):
        right = _compute(right, client)
    defaults = {name: p.default for name, p in inspect.signature(_match).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in ("n_jobs", "progress")}
    unknown = set(options) - set(defaults)
    if unknown:
        raise InvalidParameterError(f"unknown options {sorted(unknown)} of tunelens.dask.match_catalogs; "
                                    f"it takes those of tunelens.match_catalogs but n_jobs and progress")
    plan = _plan(left, right, **{**defaults, **options}, n_jobs=-1)
    settings = {**plan.settings, "n_jobs": -1 if n_jobs_per_worker is None else n_jobs_per_worker}
    search = _distributed_search(plan, sizes or [len(left)], settings, client)
    return plan.pairs_table(_core.match_keys(plan.left.table, plan.right.table, plan.settings, candidates=search))
