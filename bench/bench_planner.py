"""Benchmark ``NearestNeighbors(algorithm="auto")``'s planner against both of
its paths and against scikit-learn.

For each data set (all-pairs top-10 on the same standard-scaled float32 rows,
one process, best of up to 3 runs, fit included so that the kd-tree's build and
the planning are paid for):

- isotropic Gaussian noise, 40,000 x 12, euclidean (the kd-tree's hard case);
- the same noise, 15,000 x 12, cosine;
- clustered music-like rows, 40,000 x 12: 30 genres of different sizes, each a
  few latent factors (energy, mood, ...) spreading into correlated features;
- a Spotify-like feature table, 40,000 x 12: danceability, energy, loudness,
  speechiness, acousticness, instrumentalness (mostly exact zeros), liveness,
  valence, tempo, duration, key (integer 0-11), mode (0/1), with 10 % repeated
  rows (tracks listed under several genres).

It prints tunelens ``"auto"`` (and the path it chose), ``"brute"``,
``"kd_tree"``, scikit-learn ``"brute"`` and ``"kd_tree"`` (scikit-learn's trees
have no cosine), and fails if ``"auto"`` is more than 1.2x slower than the
faster tunelens path.

``--calibrate`` instead measures the planner's costs (``neighbors::plan::COSTS``
in Rust): whole all-pairs searches on each path over many shapes, timed, with
the per-query counts of the planner's sample, and a least-squares fit of time
to counts (nanoseconds of one core per unit).

Run: ``python bench/bench_planner.py [--quick] [--calibrate]``.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

import tunelens as tl

METRICS = ("euclidean", "cosine", "manhattan")
REPEAT = 3
#: A run slower than this is not repeated.
SLOW_S = 4.0


def noise(n: int, d: int = 12, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, d))


def music(n: int, d: int = 12, seed: int = 1) -> np.ndarray:
    """30 genres of uneven sizes; within a genre, 3 latent factors load on all
    features (correlated, low intrinsic dimension) plus a little noise."""
    rng = np.random.default_rng(seed)
    genres = 30
    sizes = rng.dirichlet(np.full(genres, 2.0))
    genre = rng.choice(genres, size=n, p=sizes)
    centres = rng.normal(0, 2.0, size=(genres, d))
    loadings = rng.normal(0, 1.0, size=(genres, 3, d))
    latent = rng.normal(size=(n, 3))
    return centres[genre] + np.einsum("nf,nfd->nd", latent, loadings[genre]) + rng.normal(0, 0.1, size=(n, d))


def spotify(n: int, seed: int = 2) -> np.ndarray:
    """A table shaped like Spotify audio features (marginals and the main
    correlations), 10 % of its rows repeated."""
    rng = np.random.default_rng(seed)
    unique = n - n // 10
    energy = rng.beta(2.5, 1.6, unique)
    acoustic = np.clip(1.0 - energy + rng.normal(0, 0.2, unique), 0, 1) ** 2
    loudness = np.clip(-60 + 55 * energy ** 0.35 + rng.normal(0, 2.5, unique), -60, 2)
    dance = rng.beta(4, 3, unique)
    valence = np.clip(0.6 * dance + rng.normal(0.15, 0.2, unique), 0, 1)
    speech = np.minimum(rng.lognormal(-3.0, 0.9, unique), 0.97)
    instrumental = np.where(rng.random(unique) < 0.6, 0.0,
                            np.where(rng.random(unique) < 0.5, rng.beta(0.5, 5, unique), rng.beta(6, 1.5, unique)))
    liveness = np.minimum(rng.lognormal(-1.8, 0.6, unique), 1.0)
    tempo = np.clip(rng.normal(121, 29, unique), 40, 220).round(3)
    duration = np.clip(rng.lognormal(np.log(215_000), 0.3, unique), 30_000, 1_200_000).round()
    key = rng.integers(0, 12, unique).astype(float)
    mode = (rng.random(unique) < 0.64).astype(float)
    X = np.column_stack([dance, energy, loudness, speech, acoustic, instrumental, liveness, valence, tempo,
                         duration, key, mode])
    X = np.vstack([X, X[rng.integers(0, unique, n - unique)]])
    return X[rng.permutation(n)]


def scaled(X: np.ndarray) -> np.ndarray:
    """Standard-scaled float32 rows: what both libraries search."""
    std = X.std(axis=0)
    return np.ascontiguousarray((X - X.mean(axis=0)) / np.where(std > 0, std, 1.0), dtype=np.float32)


def best_s(fn) -> float:
    """Best wall time of ``fn`` over up to REPEAT runs (one run when slow)."""
    times = []
    while len(times) < REPEAT:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if times[-1] > SLOW_S:
            break
    return min(times)


def bench(quick: bool) -> None:
    from sklearn.neighbors import NearestNeighbors as SkNN

    n = 10_000 if quick else 40_000
    cases = [
        ("isotropic noise", noise(n), "euclidean"),
        ("isotropic noise", noise(n * 15 // 40, seed=3), "cosine"),
        ("clustered music-like", music(n), "euclidean"),
        ("clustered music-like", music(n), "cosine"),
        ("Spotify-like table", spotify(n), "euclidean"),
        ("Spotify-like table", spotify(n), "cosine"),
    ]
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} ({os.cpu_count()} cores)", flush=True)
    rows = []
    failures = []
    for name, X, metric in cases:
        Z = scaled(X)
        plans = {}

        def tunelens(algorithm: str):
            nn = tl.NearestNeighbors(10, metric=metric, scaler=None, algorithm=algorithm).fit(Z)
            plans[algorithm] = nn._fit_method
            return nn.kneighbors()

        def sklearn(algorithm: str):
            return SkNN(n_neighbors=10, metric=metric, algorithm=algorithm).fit(Z).kneighbors()

        t = {a: best_s(lambda a=a: tunelens(a)) for a in ("auto", "brute", "kd_tree")}
        sk = {"brute": best_s(lambda: sklearn("brute"))}
        sk["kd_tree"] = best_s(lambda: sklearn("kd_tree")) if metric != "cosine" else float("nan")
        ratio = t["auto"] / min(t["brute"], t["kd_tree"])
        label = f"{name}, {Z.shape[0] // 1000}k x {Z.shape[1]}, {metric}"
        row = (label, plans["auto"], t["auto"], t["brute"], t["kd_tree"], sk["brute"], sk["kd_tree"], ratio)
        rows.append(row)
        print(f"  {label}: auto -> {plans['auto']} {t['auto']:.3f} s; brute {t['brute']:.3f} s, "
              f"kd_tree {t['kd_tree']:.3f} s; sklearn brute {sk['brute']:.3f} s, kd_tree {sk['kd_tree']:.3f} s; "
              f"auto vs sklearn brute {sk['brute'] / t['auto']:.1f}x; auto / best tunelens path {ratio:.2f}",
              flush=True)
        if ratio > 1.2:
            failures.append(label)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}\n")
    print("| data (all-pairs top-10) | `auto` chose | tunelens `auto` (s) | tunelens `brute` (s) "
          "| tunelens `kd_tree` (s) | scikit-learn `brute` (s) | scikit-learn `kd_tree` (s) "
          "| `auto` vs scikit-learn brute | `auto` vs scikit-learn kd_tree | `auto` / faster tunelens path |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, chose, auto, brute, tree, skb, skt, ratio in rows:
        skt_s = "n/a" if np.isnan(skt) else f"{skt:.2f}"
        vs_kd = "n/a" if np.isnan(skt) else f"{skt / auto:.1f}x"
        print(f"| {label} | {chose} | {auto:.3f} | {brute:.3f} | {tree:.3f} | {skb:.2f} | {skt_s} "
              f"| {skb / auto:.1f}x | {vs_kd} | {ratio:.2f} |")
    assert not failures, f"auto more than 1.2x slower than the faster path on: {failures}"


def calibrate(quick: bool, save: str | None) -> None:
    """Fits the planner's per-unit costs to timed whole searches (saved to
    ``save`` as JSON when given, for ``--refit``)."""
    rng = np.random.default_rng(7)

    def plane(n: int, d: int, seed: int) -> np.ndarray:
        r = np.random.default_rng(seed)
        return r.normal(size=(n, 2)) @ r.normal(size=(2, d)) + r.normal(0, 0.05, size=(n, d))

    makers = {"noise": noise, "music": music, "plane": plane, "table": lambda n, d, seed: spotify(n, seed)}
    samples = []
    threads = 1
    for trial in range(12 if quick else 48):
        kind = ["noise", "music", "plane", "table"][trial % 4]
        n = int(rng.choice([3_000, 6_000] if quick else [6_000, 12_000, 24_000]))
        d = 12 if kind == "table" else int(rng.choice([4, 8, 12, 16, 24, 32]))
        if kind == "noise" and d > 8:
            d = int(rng.choice([4, 6, 8, 12]))  # wider noise: the tree visits everything, slowly
            n = min(n, 12_000)
        k = int(rng.choice([1, 10, 100]))
        leaf = int(rng.choice([10, 40, 160]))
        metric = str(rng.choice(["euclidean", "cosine", "manhattan"]))
        Z = scaled(makers[kind](n, d, trial))
        nn = tl.NearestNeighbors(k, metric=metric, scaler=None, leaf_size=leaf, n_jobs=threads).fit(Z)
        plan = nn._index.plan(k, n_jobs=threads)
        tree_nn = tl.NearestNeighbors(k, metric=metric, scaler=None, algorithm="kd_tree", leaf_size=leaf,
                                      n_jobs=threads).fit(Z)
        brute_nn = tl.NearestNeighbors(k, metric=metric, scaler=None, algorithm="brute", n_jobs=threads).fit(Z)
        sample = dict(kind=kind, n=n, d=d, k=k, leaf=leaf, metric=metric, plan=plan,
                      tree_s=best_s(lambda: tree_nn.kneighbors()) * threads,
                      brute_s=best_s(lambda: brute_nn.kneighbors()) * threads)
        samples.append(sample)
        print(f"  {kind:5} n={n:5} d={d:2} k={k:3} leaf={leaf:3} {metric:9}: tree {sample['tree_s']:.3f} s, "
              f"brute {sample['brute_s']:.3f} s; plan {plan['path']}", flush=True)
    if save:
        with open(save, "w") as f:
            json.dump(samples, f)
    fit_costs(samples)


def _design(s: dict) -> tuple[list[float], list[float]]:
    """The tree's and the brute force's whole-search counts for one sample,
    laid out as the columns of the cost fit (the units of ``Costs``)."""
    n, d, k, plan = s["n"], s["d"], s["k"], s["plan"]
    per = n / plan["tree_queries"]
    nodes, rows, kept = (plan[f"tree_{c}"] * per for c in ("nodes", "rows", "kept"))
    rows *= 1 + 0.1 * max(0.0, np.log2(n / 12_000))  # Costs::cache_growth beyond cache_rows
    capacity = min(k + max(k // 2, 8), n - 1)
    # No brute sample: the tree beat the brute force's floor (one scan each).
    floor = {"scans": 1, "reranked": capacity}
    scans, reranked = ((plan[f"brute_{c}"] or plan["sample"] * floor[c]) * n / plan["sample"]
                       for c in ("scans", "reranked"))
    l1 = s["metric"] == "manhattan"
    pairs = scans * n
    by_metric = [[rows * (s["metric"] == m), rows * d * (s["metric"] == m)] for m in METRICS]
    return ([nodes, nodes * d, *sum(by_metric, []), kept, kept * np.log2(k)],
            [pairs * (not l1), pairs * d * (not l1), pairs * l1, pairs * d * l1, reranked, reranked * d])


def fit_costs(samples: list[dict]) -> None:
    """Least-squares fit (relative error, non-negative) of the measured times
    to the counts; prints the costs and each search's predicted / measured."""
    from scipy.optimize import nnls

    for path, names in (("tree", ["node", *(f"tree_row {m}" for m in METRICS), "tree_kept"]),
                        ("brute", ["scan_dot", "scan_l1", "rerank"])):
        A = np.array([_design(s)[path == "brute"] for s in samples])
        t = np.array([s[f"{path}_s"] * 1e9 for s in samples])
        coef, _ = nnls(A / t[:, None], np.ones(len(t)))
        err = A @ coef / t
        print(f"{path}: nanoseconds of one core per unit, a + b * d (kept: a + b * log2 heap size) "
              f"(relative error median {np.median(np.abs(err - 1)):.2f}, max {np.max(np.abs(err - 1)):.2f})")
        for name, (a, b) in zip(names, coef.reshape(-1, 2)):
            print(f"    {name}: ({a:.3g}, {b:.3g})")
        for s, e in zip(samples, err):
            print(f"      {s['kind']:5} n={s['n']:5} d={s['d']:2} k={s['k']:3} leaf={s['leaf']:3} {s['metric']:9} "
                  f"predicted / measured {e:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller tables")
    parser.add_argument("--calibrate", action="store_true", help="measure the planner's costs instead")
    parser.add_argument("--save", help="with --calibrate: write the measurements to this JSON file")
    parser.add_argument("--refit", help="fit the costs to measurements saved by --save")
    args = parser.parse_args()
    if args.refit:
        with open(args.refit) as f:
            fit_costs(json.load(f))
    elif args.calibrate:
        calibrate(args.quick, args.save)
    else:
        bench(args.quick)


if __name__ == "__main__":
    main()
