"""tunelens.explain vs audioLIME's algorithm (numpy composition + lime's LimeBase).

Run: ``python bench/bench_explain.py`` (``--quick`` for a smoke run).

audioLIME is not on PyPI, so its algorithm is reimplemented here as its source
does it: ``TimeOnlyFactorization`` / ``SourceSeparationBasedFactorization``
compose each perturbed clip in numpy (zeros plus copied segments; a Python
``sum`` of full-length stem × segment components), ``data_labels`` stacks
``batch_size`` clips with ``np.array`` per ``predict_fn`` call, distances come
from ``sklearn.metrics.pairwise_distances`` and the surrogate from
``lime.lime_base.LimeBase.explain_instance_with_data`` (audioLIME's kernel,
``Ridge(alpha=1)``, ``feature_selection='auto'``, all features).

Both sides explain the same 30 s, 22.05 kHz clip with 1,000 perturbations in
batches of 32, for a trivial and a small-MLP ``predict_fn``. "overhead" is the
total time minus the time spent inside ``predict_fn``; peak memory is traced
with ``tracemalloc`` (Python objects and numpy buffers) in a separate run; the
signal tunelens holds in Rust (sources and, for stem products, the cached
per-segment sums) is not traced and is listed next to it.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Callable

import numpy as np
from _harness import Table
from lime.lime_base import LimeBase
from sklearn.metrics import pairwise_distances

from tunelens.datasets import synth_clip
from tunelens.explain import Product, Stems, TimeSegments, explain

SR = 22050
BATCH = 32


class Timed:
    """Wraps a predict_fn and accumulates the time spent inside it."""

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray]) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        t = time.perf_counter()
        out = self.fn(x)
        self.seconds += time.perf_counter() - t
        return out


def trivial(x: np.ndarray) -> np.ndarray:
    return x[:, ::4096].mean(axis=1, keepdims=True)


def make_mlp(n: int) -> Callable[[np.ndarray], np.ndarray]:
    """A small MLP on 128 frame energies: 128 -> 64 -> 10 (softmax)."""
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((128, 64)).astype(np.float32), rng.standard_normal((64, 10)).astype(np.float32)
    frames = n // 128

    def mlp(x: np.ndarray) -> np.ndarray:
        energy = np.log1p(np.einsum("bfs,bfs->bf", *(x[:, :frames * 128].reshape(len(x), 128, frames),) * 2))
        logits = np.maximum(energy @ w1, 0) @ w2
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return mlp


# --- audioLIME's algorithm, as its source does it -------------------------------------------------

def segments(n: int, k: int) -> list[tuple[int, int]]:
    per = n // k
    return [(s * per, s * per + per) for s in range(k)]


def time_composer(y: np.ndarray, k: int) -> Callable[[np.ndarray], np.ndarray]:
    bounds = segments(len(y), k)

    def compose(active: np.ndarray) -> np.ndarray:  # TimeOnlyFactorization.retrieve_components
        out = np.zeros_like(y)
        for so in active:
            s, e = bounds[so]
            out[s:e] = y[s:e]
        return out

    return compose


def stem_composer(stems: list[np.ndarray], k: int) -> Callable[[np.ndarray], np.ndarray]:
    n = len(stems[0])
    components = []  # SourceSeparationBasedFactorization.prepare_components
    for s, e in segments(n, k):
        for stem in stems:
            c = np.zeros(n, dtype=np.float32)
            c[s:e] = stem[s:e]
            components.append(c)

    def compose(active: np.ndarray) -> np.ndarray:  # compose_model_input
        chosen = [components[o] for o in active] or [np.zeros_like(components[0])]
        return sum(chosen) if len(chosen) > 1 else chosen[0]

    return compose


def audiolime(compose: Callable[[np.ndarray], np.ndarray], n_features: int, predict_fn, num_samples: int, seed: int):
    rng = np.random.RandomState(seed)
    data = rng.randint(0, 2, num_samples * n_features).reshape((num_samples, n_features))
    data[0, :] = 1
    labels, audios = [], []
    for row in data:  # LimeAudioExplainer.data_labels
        audios.append(compose(np.where(row != 0)[0]))
        if len(audios) == BATCH:
            labels.extend(predict_fn(np.array(audios)))
            audios = []
    if audios:
        labels.extend(predict_fn(np.array(audios)))
    labels = np.array(labels)
    distances = pairwise_distances(data, data[0].reshape(1, -1), metric="cosine").ravel()
    base = LimeBase(lambda d: np.sqrt(np.exp(-(d ** 2) / 0.25 ** 2)), random_state=seed)
    label = int(np.argmax(labels[0]))
    return base.explain_instance_with_data(data, labels, distances, label, n_features, feature_selection="auto")


# --- measurement ----------------------------------------------------------------------------------

def run(fn: Callable[[Timed], object], model, repeat: int) -> tuple[float, float]:
    """Best total and best overhead (total minus predict_fn) in ms over ``repeat`` runs."""
    totals, overheads = [], []
    for _ in range(repeat):
        timed = Timed(model)
        t = time.perf_counter()
        fn(timed)
        total = time.perf_counter() - t
        totals.append(total * 1e3)
        overheads.append((total - timed.seconds) * 1e3)
    return min(totals), min(overheads)


def peak_mb(fn: Callable[[Timed], object], model) -> float:
    tracemalloc.start()
    fn(Timed(model))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a 5 s clip, 200 samples, one repeat")
    args = parser.parse_args()
    seconds, num_samples, repeat = (5.0, 200, 1) if args.quick else (30.0, 1000, 3)

    y = synth_clip(sr=SR, duration=seconds, seed=1)
    n = len(y)
    rng = np.random.default_rng(2)
    # Five "stems": the clip's octave bands, and noise, standing in for a separator's output.
    spectrum = np.fft.rfft(y)
    freqs = np.fft.rfftfreq(n, 1 / SR)
    edges = [0, 150, 600, 2400, 6000, SR]
    stems = [np.fft.irfft(np.where((freqs >= lo) & (freqs < hi), spectrum, 0), n).astype(np.float32)
             for lo, hi in zip(edges[:-1], edges[1:])]
    stems[-1] = stems[-1] + (0.01 * rng.standard_normal(n)).astype(np.float32)
    mix = np.sum(stems, axis=0).astype(np.float32)

    cases = [
        ("time, 50 segments", y, TimeSegments(50), time_composer(y, 50), 50),
        ("5 stems × 5 segments", mix, Product(TimeSegments(5), Stems({f"s{i}": s for i, s in enumerate(stems)})),
         stem_composer(stems, 5), 25),
    ]
    models = [("trivial", trivial), ("small MLP", make_mlp(n))]

    overhead = Table(f"explain overhead excluding predict_fn ({seconds:.0f} s clip, {num_samples} samples, batch {BATCH})",
                     "audioLIME algorithm (numpy + lime)")
    total = Table(f"explain total time ({seconds:.0f} s clip, {num_samples} samples, batch {BATCH})",
                  "audioLIME algorithm (numpy + lime)")
    memory = []
    for case, clip, factorization, composer, k in cases:
        decomposition = factorization.decompose(clip, SR)
        for model_name, model in models:
            ours = lambda m: explain(clip, SR, m, decomposition, num_samples=num_samples, batch_size=BATCH,
                                     random_state=0, progress=False)
            ref = lambda m: audiolime(composer, k, m, num_samples, 0)
            ref_total, ref_over = run(ref, model, repeat)
            tl_total, tl_over = run(ours, model, repeat)
            overhead.add(f"{case}, {model_name}", ref_over, tl_over)
            total.add(f"{case}, {model_name}", ref_total, tl_total)
        memory.append((case, peak_mb(ref, trivial), peak_mb(ours, trivial), decomposition._core.nbytes / 2**20))

    small = lambda m: explain(y, SR, m, TimeSegments(50), num_samples=num_samples // 4, batch_size=BATCH,
                              random_state=0, progress=False)
    large = lambda m: explain(y, SR, m, TimeSegments(50), num_samples=num_samples * 4, batch_size=BATCH,
                              random_state=0, progress=False)
    print()
    print(overhead.markdown())
    print()
    print(total.markdown())
    print()
    print("| peak memory (trivial model) | audioLIME algorithm: traced (MB) | tunelens: traced + held in Rust (MB) |")
    print("|---|---:|---:|")
    for case, ref_mb, tl_mb, held_mb in memory:
        print(f"| {case} | {ref_mb:.1f} | {tl_mb:.1f} + {held_mb:.1f} |")
    print(f"| tunelens, time 50 segments, {num_samples // 4} vs {num_samples * 4} samples | | "
          f"{peak_mb(small, trivial):.1f} vs {peak_mb(large, trivial):.1f} (traced) |")


if __name__ == "__main__":
    main()
