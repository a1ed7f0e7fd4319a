"""Benchmark tunelens's recommendation engine against scikit-learn (and faiss-cpu).

Cases (generated data shaped like real catalogs):

- all-pairs top-10 on 114,000 x 12 (the Spotify tracks dataset's size), euclidean and cosine,
  brute force on both sides;
- all-pairs top-10 on 100,000 x 12 clustered, euclidean and cosine: tunelens's kd-tree
  (``algorithm="kd_tree"``; ``bench_planner.py`` measures ``"auto"``) vs its brute force vs scikit-learn's kd-tree (cosine: scikit-learn's
  trees do not support it, so its brute force);
- 1,000 queries, top-10 on 1,000,000 x 128 (embedding-sized), euclidean;
- PCA (all components) and KMeans (k=10, n_init=1) on 100,000 x 57.

Each (case, library) runs in a fresh subprocess, so the printed peak memory
(ru_maxrss minus the resident size before the call) belongs to that call alone.
Run: ``python bench/bench_recommend.py [--quick] [--threads N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _data(case: str, quick: bool) -> dict:
    rng = np.random.default_rng(0)
    if case.startswith(("allpairs", "tree")):
        n = (20_000 if quick else 114_000) if case.startswith("allpairs") else (20_000 if quick else 100_000)
        # Spotify-like: a few clusters of songs, standardized features (the
        # scaling both libraries need is done beforehand, so only search is timed).
        centres = rng.normal(size=(30, 12)).astype(np.float32)
        X = centres[rng.integers(0, 30, n)] + rng.normal(0, 0.5, size=(n, 12)).astype(np.float32)
        return {"X": np.ascontiguousarray(X, dtype=np.float32)}
    if case == "queries":
        n = 100_000 if quick else 1_000_000
        return {
            "X": rng.standard_normal((n, 128), dtype=np.float32),
            "Q": rng.standard_normal((1000, 128), dtype=np.float32),
        }
    n = 20_000 if quick else 100_000
    centres = rng.normal(0, 3, size=(10, 57))
    return {"X": centres[rng.integers(0, 10, n)] + rng.normal(size=(n, 57))}


def _run(case: str, lib: str, quick: bool, threads: int) -> dict:
    """Runs one (case, library) in this process; short cases are repeated and
    the best time kept (the shared machine is noisy)."""
    repeats = 5 if case in ("pca", "kmeans") else 1
    runs = [_once(case, lib, quick, threads) for _ in range(repeats)]
    return {"seconds": min(r["seconds"] for r in runs), "peak_extra_mb": max(r["peak_extra_mb"] for r in runs)}


def _once(case: str, lib: str, quick: bool, threads: int) -> dict:
    """Runs one (case, library) once and returns its timing."""
    data = _data(case, quick)
    # Import before timing: only the computation is measured.
    if lib == "tunelens":
        import tunelens  # noqa: F401
    elif lib == "faiss":
        import faiss  # noqa: F401
    else:
        import sklearn.cluster, sklearn.decomposition, sklearn.neighbors  # noqa: E401, F401
    before = _rss_mb()
    t0 = time.perf_counter()
    if case.startswith(("allpairs", "tree")):
        metric = case.split("-")[1]
        # "tunelens" / "sklearn": the case's default algorithm; "lib-algorithm" names it.
        name, _, algorithm = lib.partition("-")
        algorithm = algorithm or ("brute" if case.startswith("allpairs") else "kd_tree")
        if name == "tunelens":
            import tunelens

            tunelens.NearestNeighbors(10, metric=metric, scaler=None, algorithm=algorithm, n_jobs=threads).fit(
                data["X"]
            ).kneighbors()
        else:
            from sklearn.neighbors import NearestNeighbors

            NearestNeighbors(n_neighbors=10, algorithm=algorithm, metric=metric, n_jobs=threads).fit(
                data["X"]
            ).kneighbors()
    elif case == "queries":
        if lib == "tunelens":
            import tunelens

            nn = tunelens.NearestNeighbors(10, metric="euclidean", scaler=None, n_jobs=threads).fit(data["X"])
            t0 = time.perf_counter()  # index build (packing) timed separately below
            nn.kneighbors(data["Q"])
        elif lib == "faiss":
            import faiss

            faiss.omp_set_num_threads(threads)
            index = faiss.IndexFlatL2(128)
            index.add(data["X"])
            t0 = time.perf_counter()
            index.search(data["Q"], 10)
        else:
            from sklearn.neighbors import NearestNeighbors

            nn = NearestNeighbors(n_neighbors=10, algorithm="brute", n_jobs=threads).fit(data["X"])
            t0 = time.perf_counter()
            nn.kneighbors(data["Q"])
    elif case == "pca":
        if lib == "tunelens":
            import tunelens

            tunelens.PCA(n_jobs=threads).fit(data["X"])
        else:
            from sklearn.decomposition import PCA

            PCA().fit(data["X"])
    elif case == "kmeans":
        if lib == "tunelens":
            import tunelens

            tunelens.KMeans(10, n_init=1, random_state=0, n_jobs=threads).fit(data["X"])
        else:
            from sklearn.cluster import KMeans

            KMeans(10, n_init=1, random_state=0).fit(data["X"])
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_extra_mb": max(0.0, peak - before)}


CASES = {
    "allpairs-euclidean": ("all-pairs top-10, 114k x 12, euclidean", ["tunelens", "sklearn"]),
    "allpairs-cosine": ("all-pairs top-10, 114k x 12, cosine", ["tunelens", "sklearn"]),
    "tree-euclidean": ("all-pairs top-10, 100k x 12 clustered, euclidean",
                       ["tunelens", "tunelens-brute", "sklearn-kd_tree"]),
    "tree-cosine": ("all-pairs top-10, 100k x 12 clustered, cosine", ["tunelens", "tunelens-brute", "sklearn-brute"]),
    "queries": ("1,000 queries top-10 on 1M x 128, euclidean", ["tunelens", "faiss", "sklearn"]),
    "pca": ("PCA, 100k x 57", ["tunelens", "sklearn"]),
    "kmeans": ("KMeans k=10, 100k x 57", ["tunelens", "sklearn"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller data (smoke test)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_run(args.child[0], args.child[1], args.quick, args.threads)))
        return
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
    print(f"threads: {args.threads}{' (quick sizes)' if args.quick else ''}")
    print(f"{'case':48} {'library':15} {'seconds':>9} {'peak MB':>8} {'speed-up':>9}")
    for case in args.cases:
        title, libs = CASES[case]
        results = {}
        for lib in libs:
            cmd = [sys.executable, __file__, "--child", case, lib, "--threads", str(args.threads)]
            cmd += ["--quick"] if args.quick else []
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                print(f"{title:48} {lib:15} unavailable: {last}")
                continue
            results[lib] = json.loads(proc.stdout.strip().splitlines()[-1])
        for lib, r in results.items():
            ratio = "" if lib == "tunelens" or "tunelens" not in results else f"{r['seconds'] / results['tunelens']['seconds']:8.1f}x"
            print(f"{title:48} {lib:15} {r['seconds']:9.3f} {r['peak_extra_mb']:8.0f} {ratio:>9}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
