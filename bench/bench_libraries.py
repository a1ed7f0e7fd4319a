"""Libraries before hand-written code: linfa, linfa-linalg, faer and rubato against tunelens.

tunelens's PCA (covariance + a hand-written tred2/tql2 eigen-solver), KMeans
and silhouette are compared with linfa 0.8 (``linfa-reduction`` PCA,
``linfa-clustering`` KMeans, ``linfa``'s silhouette), the eigen-solver with
``linfa-linalg``'s and ``faer``'s symmetric eigendecompositions, and the libsoxr
resampler with rubato's best resamplers. The Rust side
(``bench/libraries``, its own cargo project) runs every library in one process
on the same inputs and records outputs and best wall times; this script makes
the inputs, holds the outputs against scikit-learn and librosa (the references
the tests use), and prints one markdown table.

Run: ``python bench/bench_libraries.py [--quick]`` (builds ``bench/libraries``
in release mode on first use; ``CARGO_TARGET_DIR`` is honoured).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent / "libraries"


def _put(d: Path, name: str, a: np.ndarray) -> str:
    a = np.atleast_2d(np.asarray(a, dtype="<f8"))
    (d / f"{name}.shape").write_text(f"{a.shape[0]} {a.shape[1]}")
    np.ascontiguousarray(a).tofile(d / f"{name}.f64")
    return name


def _get(d: Path, job: int, lib: str, field: str) -> np.ndarray | None:
    stem = d / "out" / f"{job}.{lib}.{field}"
    if not stem.with_name(stem.name + ".shape").exists():
        return None
    rows, cols = map(int, stem.with_name(stem.name + ".shape").read_text().split())
    return np.fromfile(stem.with_name(stem.name + ".f64"), dtype="<f8").reshape(rows, cols)


def _aligned_max_diff(ours: np.ndarray, ref: np.ndarray) -> float:
    """Largest |difference| of unit vectors (rows) after matching each row's sign."""
    k = min(len(ours), len(ref))
    ours, ref = ours[:k], ref[:k]
    signs = np.sign((ours * ref).sum(axis=1, keepdims=True))
    return float(np.abs(ours * np.where(signs == 0, 1, signs) - ref).max())


def _numeric(n: int, d: int, seed: int) -> np.ndarray:
    """tests/catalogs.numeric: columns of very different scales."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * rng.uniform(0.1, 100.0, size=d) + rng.uniform(-50, 50, size=d)


def _signal(sr: int, seconds: float) -> np.ndarray:
    """A chirp 50 Hz -> 20 kHz plus a tone and white noise at 44.1 kHz, peak < 1."""
    import scipy.signal

    t = np.arange(int(sr * seconds)) / sr
    rng = np.random.default_rng(0)
    y = 0.5 * scipy.signal.chirp(t, 50, t[-1], 20_000, method="logarithmic")
    return y + 0.2 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(len(t))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller speed cases")
    args = ap.parse_args()

    import librosa
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics
    from sklearn.datasets import make_blobs

    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    subprocess.run(["cargo", "build", "--release", "--manifest-path", str(ROOT / "Cargo.toml")], check=True,
                   env={**os.environ, "CARGO_TARGET_DIR": target})
    exe = Path(target) / "release" / "tunelens-library-bench"

    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        jobs: list[tuple[str, dict]] = []

        def job(line: str, **ref) -> None:
            jobs.append((line, ref))

        # PCA parity: the shapes of tests/test_cluster.py::test_pca_matches_sklearn and the wide test.
        for n, p in [(500, 12), (300, 57), (400, 9), (60, 80), (200, 2048)]:
            X = _numeric(n, p, p) if p < 100 else np.random.default_rng(p).normal(size=(n, p)) * np.linspace(1, 5, p)
            job(f"pca {_put(d, f'pca{n}x{p}', X)} 3", kind="pca", X=X, case=f"PCA parity {n} x {p}")
        # PCA speed: bench_recommend.py's table.
        n = 20_000 if args.quick else 100_000
        rng = np.random.default_rng(0)
        X = rng.normal(0, 3, size=(10, 57))[rng.integers(0, 10, n)] + rng.normal(size=(n, 57))
        job(f"pca {_put(d, 'pcaspeed', X)} 5", kind="pca", X=X, case=f"PCA speed {n} x 57 (bench_recommend)")
        # Eigen-solvers alone on bigger symmetric matrices (the wide-table Gram path).
        for size in (200, 1000):
            B = np.random.default_rng(size).normal(size=(size, size))
            A = B @ B.T
            job(f"eigen {_put(d, f'eig{size}', A)} {5 if size <= 200 else 2}", kind="eigen", A=A, case=f"eigen {size} x {size} Gram")
        # KMeans parity: tests/test_cluster.py::test_kmeans_matches_sklearn_on_blobs.
        for p, k, n_init, seed in [(8, 5, 5, 0), (57, 8, 3, 1), (2, 3, 1, 2), (12, 10, 10, 3)]:
            X, truth = make_blobs(n_samples=3000, centers=k, n_features=p, center_box=(-30, 30), random_state=seed)
            job(f"kmeans {_put(d, f'km{p}_{k}', X)} {k} {n_init} {seed} 3", kind="kmeans", X=X, truth=truth,
                k=k, n_init=n_init, seed=seed, case=f"KMeans parity blobs 3000 x {p}, k={k}, n_init={n_init}")
        # Explicit centres: one Lloyd run from the same start (test_kmeans_random_and_explicit_init).
        X, truth = make_blobs(2000, n_features=4, centers=5, cluster_std=0.6, random_state=7)
        job(f"kmeans_init {_put(d, 'kminit', X)} {_put(d, 'kminit_c', X[:5])} 3", kind="kmeans_init", X=X,
            case="KMeans from given centres 2000 x 4, k=5")
        # KMeans speed: bench_recommend.py's case (k=10, n_init=1).
        Xs = np.random.default_rng(0).normal(0, 3, size=(10, 57))
        rng = np.random.default_rng(0)
        Xs = Xs[rng.integers(0, 10, n)] + rng.normal(size=(n, 57))
        job(f"kmeans {_put(d, 'kmspeed', Xs)} 10 1 0 5", kind="kmeans", X=Xs, truth=None, k=10, n_init=1, seed=0,
            case=f"KMeans speed {n} x 57, k=10, n_init=1 (bench_recommend)")
        # Silhouette: tests' blobs with random labels, and a larger speed case.
        for n_s, n_labels in [(600, 3), (2000 if args.quick else 5000, 7)]:
            X, _ = make_blobs(n_samples=n_s, centers=4, n_features=6, random_state=n_labels)
            labels = np.random.default_rng(n_labels).integers(0, n_labels, size=n_s)
            job(f"silhouette {_put(d, f'sil{n_s}', X)} {_put(d, f'sil{n_s}_l', labels)} 3", kind="silhouette",
                X=X, labels=labels, case=f"silhouette {n_s} x 6, {n_labels} labels")
        # Resampling 44.1 -> 22.05 kHz, 30 s chirp + tone + noise.
        y = _signal(44_100, 10 if args.quick else 30)
        job(f"resample {_put(d, 'y', y)} 44100 22050 3", kind="resample", y=y,
            case=f"resample {len(y) / 44_100:.0f} s 44.1 -> 22.05 kHz")

        (d / "jobs.txt").write_text("\n".join(line for line, _ in jobs) + "\n")
        subprocess.run([str(exe), str(d)], check=True)
        timings: dict[tuple[int, str], str] = {}
        for line in (d / "out" / "timings.txt").read_text().splitlines():
            i, lib, rest = line.split(" ", 2)
            timings[int(i), lib] = rest

        for i, (_, ref) in enumerate(jobs):
            libs = [lib for (j, lib) in timings if j == i]
            for lib in libs:
                t = timings[i, lib]
                ms = f"{float(t):.2f}" if not t.startswith("failed") else t
                rows.append(f"| {ref['case']} | {lib} | {ms} | {_parity(d, i, lib, ref, librosa, sklearn)} |")
                print(rows[-1], flush=True)

    load = os.getloadavg()
    print(f"\n### Libraries vs hand-written code (`python bench/bench_libraries.py`; {os.cpu_count()} cores, "
          f"load average {load[0]:.1f} at the end)\n")
    print("| case | implementation | best time (ms) | parity |")
    print("|---|---|---:|---|")
    print("\n".join(rows))


def _parity(d: Path, i: int, lib: str, ref: dict, librosa, sklearn) -> str:
    kind = ref["kind"]
    if kind == "pca":
        X = ref["X"]
        sk = sklearn.decomposition.PCA(svd_solver="full").fit(X)
        comps, var = _get(d, i, lib, "components"), _get(d, i, lib, "variance")
        if comps is None:
            return "no output"
        var = var[0]
        k = min(len(var), len(sk.explained_variance_))
        # Compare components whose variance is not numerically zero (undetermined axes).
        k = min(k, int((sk.explained_variance_ > sk.explained_variance_[0] * 1e-12).sum()))
        rel = np.abs(var[:k] - sk.explained_variance_[:k]) / sk.explained_variance_[:k]
        top = np.abs(comps[:k]).argmax(axis=1)
        signs_ok = bool((comps[np.arange(k), top] > 0).all())
        out = (f"explained variance max rel diff {rel.max():.1e}; components max abs diff "
               f"{_aligned_max_diff(comps[:k], sk.components_[:k]):.1e} (sign-aligned); "
               f"{len(comps)} of {len(sk.components_)} components; sklearn signs {'yes' if signs_ok else 'NO'}")
        linfa_var = _get(d, i, lib, "linfa_explained_variance")
        if linfa_var is not None:
            bad = np.abs(linfa_var[0][:k] - sk.explained_variance_[:k]) / sk.explained_variance_[:k]
            out += f"; its explained_variance() max rel diff {bad.max():.1e}"
        return out
    if kind == "eigen":
        A = ref["A"]
        values, vectors = _get(d, i, lib, "values"), _get(d, i, lib, "vectors")
        scale = np.abs(values).max()
        resid = np.abs(A @ vectors.T - vectors.T * values[0]).max() / scale
        ortho = np.abs(vectors @ vectors.T - np.eye(len(A))).max()
        want = np.linalg.eigvalsh(A)[::-1]
        return (f"residual |AV - VL|/|L| {resid:.1e}, orthogonality {ortho:.1e}, "
                f"eigenvalues vs LAPACK max diff / max {np.abs(values[0] - want).max() / scale:.1e}")
    if kind in ("kmeans", "kmeans_init"):
        X = ref["X"]
        labels = _get(d, i, lib, "labels")
        if labels is None:
            return "no output"
        labels = labels[:, 0].astype(int)
        inertia, reported = _get(d, i, lib, "inertia")[0]
        centres = _get(d, i, lib, "centres")
        if kind == "kmeans_init":
            want = sklearn.cluster.KMeans(len(centres), init=X[:5], n_init=1).fit(X)
            return (f"centres max abs diff vs sklearn {np.abs(centres - want.cluster_centers_).max():.1e}; "
                    f"labels equal: {bool((labels == want.labels_).all())}")
        sk = sklearn.cluster.KMeans(ref["k"], n_init=ref["n_init"], random_state=ref["seed"]).fit(X)
        out = f"inertia / sklearn's {inertia / sk.inertia_:.4f}"
        if ref["truth"] is not None:
            out += f", ARI vs truth {sklearn.metrics.adjusted_rand_score(ref['truth'], labels):.3f}"
        if abs(reported - inertia) > 1e-9 * inertia:
            out += f"; reported inertia ({reported:.6g}) is not that of its labels and centres ({inertia:.6g})"
        return out
    if kind == "silhouette":
        s = _get(d, i, lib, "score")[0, 0]
        want = sklearn.metrics.silhouette_score(ref["X"], ref["labels"])
        return f"abs diff vs sklearn {abs(s - want):.1e}"
    y = ref["y"]
    ours = _get(d, i, lib, "y")[0]
    want = librosa.resample(y, orig_sr=44_100, target_sr=22_050, res_type="soxr_hq")
    n = min(len(ours), len(want))
    err = ours[:n] - want[:n]
    snr = 10 * np.log10((want[:n] ** 2).sum() / max((err**2).sum(), 1e-300))
    # The first and last 50 ms hold the filters' edge effects; the middle shows the steady state.
    edge = 1103
    mid = np.abs(err[edge:-edge]).max()
    return (f"max abs diff vs librosa soxr_hq {np.abs(err).max():.1e} (middle {mid:.1e}), SNR {snr:.0f} dB; "
            f"length {len(ours)} vs {len(want)}")


if __name__ == "__main__":
    sys.exit(main())
