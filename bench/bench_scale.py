"""Scaling benchmark: tunelens on one machine vs tunelens.dask, and blocked
work at 10k / 100k / 1M rows.

Parts (``--parts features,knn,match``):

- ``features``: ``extract_features`` over ``--clips`` generated clips of
  ``--seconds`` s (default 1,000 x 5 s, written once to ``--cache``):
  single-machine call (all cores) vs ``tunelens.dask.extract_features`` on a
  ``LocalCluster`` of 2 single-thread worker processes (cluster start-up
  and worker warm-up reported separately). The two results are checked to be identical.
- ``knn``: the all-pairs top-10 graph (``tunelens.dask.kneighbors_graph``,
  ``--knn-metric`` cosine or euclidean, standard scaler, ``algorithm="auto"``,
  which is the kd-tree for 12 features) on n x 12 clustered features, one
  task per 10,000-row query block against the whole table, on Dask's threaded
  scheduler. Every size is measured in full (no extrapolation); the graph is
  checked to hold n x 10 edges.
- ``match``: ``tunelens.match_catalogs`` vs ``tunelens.dask.match_catalogs``
  on two generated catalogs of n songs each
  (``tunelens.datasets.make_catalogs``), left side in ``MATCH_PARTITIONS``
  partitions on Dask's threaded scheduler, right side broadcast; the two
  results are checked to be identical.

Measured under load (other builds share the 2 cores): compare rows of one
table, not with other tables.

Each (part, size) runs in a fresh subprocess; peak RSS is that process's
``ru_maxrss``. Run: ``python bench/bench_scale.py [--sizes 10000,100000,1000000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BLOCK = 10_000
#: Left partitions of the Dask matching (each task prepares the broadcast right side once).
MATCH_PARTITIONS = 8


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (robust to other load on the machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _features_table(n: int, seed: int = 0) -> np.ndarray:
    """Clustered float32 features shaped like a music catalog (30 styles)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(30, 12)) * rng.uniform(0.5, 40, size=12)
    return (centres[rng.integers(0, 30, n)] + rng.normal(0, 2.0, size=(n, 12))).astype(np.float32)


def child_knn(n: int, metric: str) -> dict:
    import dask

    import tunelens.dask as tldask

    X = _features_table(n)
    start, cpu = time.perf_counter(), _cpu_seconds()
    with dask.config.set(scheduler="threads"):
        graph = tldask.kneighbors_graph(X, 10, metric=metric, block_size=BLOCK)
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    assert graph.nnz == n * 10
    return {"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": _peak_mb()}


def child_match(n: int, mode: str) -> dict:
    """One matching run (``mode`` "dask" or "single") in this process."""
    import hashlib

    import dask.dataframe as dd

    import tunelens as tl
    import tunelens.dask as tldask
    from tunelens.datasets import make_catalogs

    chart, features, answer = make_catalogs(n, seed=1)
    start = time.perf_counter()
    if mode == "dask":
        pairs = tldask.match_catalogs(dd.from_pandas(chart, npartitions=MATCH_PARTITIONS), features,
                                      left_on=("artist", "title"), n_jobs_per_worker=1)
    else:
        pairs = tl.match_catalogs(chart, features, left_on=("artist", "title"), progress=False)
    elapsed = time.perf_counter() - start
    digest = hashlib.sha256(_pairs_bytes(pairs)).hexdigest()
    return {"seconds": elapsed, "pairs": len(pairs), "true_pairs": len(answer), "peak_mb": _peak_mb(),
            "digest": digest}


def _pairs_bytes(pairs) -> bytes:
    """The matched positions and scores, for comparing two runs' results."""
    return pairs[["left_index", "right_index", "score"]].to_csv(index=False).encode()


def _run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_features(clips: int, seconds: float, cache: Path) -> list[str]:
    import pandas as pd
    from dask.distributed import Client, LocalCluster

    import tunelens as tl
    import tunelens.dask as tldask
    from tunelens.datasets import write_library

    folder = cache / f"clips-{clips}-{seconds:g}s"
    if len(list(folder.glob("*.wav"))) != clips:
        print(f"writing {clips} clips of {seconds:g} s to {folder} ...", flush=True)
        write_library(folder, clips, duration=seconds, seed=0)
    start = time.perf_counter()
    single = tl.extract_features(folder, progress=False)
    t_single = time.perf_counter() - start
    print(f"  single machine: {t_single:.1f} s", flush=True)
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        tldask.extract_features(sorted(folder.glob("*.wav"))[:2], partition_size=1).compute()  # workers import tunelens
        t_startup = time.perf_counter() - start
        start = time.perf_counter()
        distributed = tldask.extract_features(folder, partition_size=25, n_jobs_per_worker=1).compute()
        t_dask = time.perf_counter() - start
        del client
    print(f"  dask (2 workers x 1 thread): {t_dask:.1f} s (+{t_startup:.1f} s cluster start)", flush=True)
    pd.testing.assert_frame_equal(distributed, single.astype(distributed.dtypes.to_dict()), check_exact=True)
    return [
        f"### Features over {clips} generated clips of {seconds:g} s (GTZAN set)",
        "",
        "| run | time (s) | clips/s | relative |",
        "|---|---:|---:|---:|",
        f"| `tunelens.extract_features` (1 process, 2 cores) | {t_single:.1f} | {clips / t_single:.1f} | 1.00x |",
        f"| `tunelens.dask.extract_features`, LocalCluster 2 workers x 1 thread | {t_dask:.1f} | "
        f"{clips / t_dask:.1f} | {t_single / t_dask:.2f}x |",
        "",
        f"Cluster start-up and worker warm-up ({t_startup:.1f} s) not included; both results are identical (checked).",
    ]


def bench_rows(part: str, sizes: list[int], metric: str) -> list[str]:
    if part == "match":
        return bench_match(sizes)
    rows = []
    for n in sizes:
        args = (part, str(n), metric)
        result = _run_child(*args)
        print(f"  {part} {n}: {result}", flush=True)
        rows.append((n, result))
    if part == "knn":
        head = [f"### kNN graph (top-10, {metric}, 12 features, kd-tree), 10,000-row query blocks, threaded scheduler",
                "", "| rows | time (s) | µs per row | CPU µs per row | CPU µs per row / log2(rows) | peak RSS (MiB) "
                "| RSS per row (bytes) |", "|---:|---:|---:|---:|---:|---:|---:|"]
        body = [f"| {n:,} | {r['seconds']:.1f} | {r['seconds'] / n * 1e6:.1f} | {r['cpu_seconds'] / n * 1e6:.1f} | "
                f"{r['cpu_seconds'] / n * 1e6 / np.log2(n):.2f} | {r['peak_mb']:.0f} | "
                f"{r['peak_mb'] * 2**20 / n:.0f} |" for n, r in rows]
    return head + body


def bench_match(sizes: list[int]) -> list[str]:
    """Single machine vs Dask per size, each run in its own process; the two
    results are checked to be identical."""
    head = [f"### Catalog matching (n x n songs; Dask: left in {MATCH_PARTITIONS} partitions, threaded scheduler)", "",
            "| rows per side | run | time (s) | µs per row | peak RSS (MiB) | pairs found / true |",
            "|---:|---|---:|---:|---:|---:|"]
    body = []
    for n in sizes:
        results = {}
        for mode in ("single", "dask"):
            results[mode] = r = _run_child(f"match-{mode}", str(n), "0")
            print(f"  match {mode} {n}: {r}", flush=True)
            label = "`tunelens.match_catalogs`" if mode == "single" else "`tunelens.dask.match_catalogs`"
            body.append(f"| {n:,} | {label} | {r['seconds']:.1f} | {r['seconds'] / n * 1e6:.1f} | "
                        f"{r['peak_mb']:.0f} | {r['pairs']:,} / {r['true_pairs']:,} |")
        assert results["single"]["digest"] == results["dask"]["digest"], f"results differ at {n} rows"
    return head + body + ["", "Both runs give identical pairs and scores (checked)."]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        part, n, arg = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        print(json.dumps(child_knn(n, arg) if part == "knn" else child_match(n, part.split("-")[1])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="features,knn,match")
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--knn-metric", default="cosine", choices=["cosine", "euclidean"])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/tunelens-bench-scale"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    parts = args.parts.split(",")
    out = [f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()})", ""]
    if "features" in parts:
        out += bench_features(args.clips, args.seconds, args.cache) + [""]
    for part in ("knn", "match"):
        if part in parts:
            out += bench_rows(part, sizes, args.knn_metric) + [""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
