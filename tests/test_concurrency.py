"""Heavy calls release the GIL and give the same results from many threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from signals import music

import tunelens as tl


def test_eight_threads_match_serial_results() -> None:
    clips = [music(22050, 1.0 + 0.1 * i, seed=i) for i in range(8)]
    serial = [tl.melspectrogram(y=c) for c in clips]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda c: tl.melspectrogram(y=c), clips))
    for a, b in zip(serial, threaded):
        assert np.array_equal(a, b)


def test_gil_is_released_during_a_long_call() -> None:
    """A pure-Python thread keeps running *inside* one long tunelens call.

    If the call held the GIL, the counter thread could not run between the call's
    start and end, so no timestamp could fall in the middle of that interval.
    """
    y = np.tile(music(22050, 10.0, seed=3), 20)  # 200 s of audio
    stamps: list[float] = []
    done = threading.Event()

    def count() -> None:
        while not done.is_set():
            stamps.append(time.perf_counter())
            for _ in range(200):
                pass

    counter = threading.Thread(target=count)
    counter.start()
    try:
        time.sleep(0.01)
        t0 = time.perf_counter()
        tl.melspectrogram(y=y, n_jobs=1)
        t1 = time.perf_counter()
    finally:
        done.set()
        counter.join()
    middle = [t for t in stamps if t0 + 0.25 * (t1 - t0) < t < t1 - 0.25 * (t1 - t0)]
    assert t1 - t0 > 0.005 and len(middle) > 10, (t1 - t0, len(middle))


# --- every heavy function from 8 threads, n_jobs, fork/spawn (issue 10) -------

import io  # noqa: E402
import multiprocessing  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from typing import Any, Callable  # noqa: E402

import pytest  # noqa: E402
import soundfile as sf  # noqa: E402


def _wav_bytes(seed: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, music(22050, 0.5 + 0.05 * seed, seed=seed), 22050, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def _table(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(300, 8))


#: name -> (input of thread i, call). A new heavy entry point is one line.
HEAVY: dict[str, tuple[Callable[[int], Any], Callable[[Any], Any]]] = {
    "load": (_wav_bytes, lambda b: tl.load(b, sr=16000)[0]),
    "resample": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.resample(y, orig_sr=22050, target_sr=16000)),
    "stft": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.stft(y)),
    "istft": (lambda i: tl.stft(music(22050, 1.0, seed=i)), lambda S: tl.istft(S)),
    "melspectrogram": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.melspectrogram(y=y)),
    "mfcc": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.feature.mfcc(y=y)),
    "chroma_stft": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.feature.chroma_stft(y=y)),
    "hpss": (lambda i: music(22050, 1.0, seed=i), lambda y: np.stack(tl.effects.hpss(y))),
    "onset_strength": (lambda i: music(22050, 1.0, seed=i), lambda y: tl.onset.onset_strength(y=y)),
    "kneighbors": (_table, lambda X: tl.NearestNeighbors(n_neighbors=5).fit(X).kneighbors()[1]),
    "pca": (_table, lambda X: tl.PCA(n_components=3).fit_transform(X)),
    "kmeans": (_table, lambda X: tl.KMeans(n_clusters=4, random_state=0, n_init=2).fit(X).labels_),
}


@pytest.mark.parametrize("name", list(HEAVY))
def test_each_heavy_function_from_eight_threads_matches_serial(name: str) -> None:
    make, call = HEAVY[name]
    inputs = [make(i) for i in range(8)]
    serial = [call(x) for x in inputs]
    barrier = threading.Barrier(8)

    def at_once(x: Any) -> Any:
        barrier.wait()  # all eight calls really overlap
        return call(x)

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(at_once, inputs))
    for i, (a, b) in enumerate(zip(serial, threaded)):
        assert np.array_equal(a, b), f"{name}: thread {i} differs from the serial result"


def test_n_jobs_1_uses_one_core() -> None:
    """Process CPU time over wall time stays near 1 for n_jobs=1 (loosely: other work shares the machine)."""
    y = np.tile(music(22050, 10.0, seed=4), 6)
    tl.melspectrogram(y=y[:22050], n_jobs=1)
    c0, w0 = time.process_time(), time.perf_counter()
    tl.melspectrogram(y=y, n_jobs=1)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    assert cpu / wall < 1.3, (cpu, wall)


def _child_work(seed: int) -> float:
    """Runs parallel code (n_jobs=-1) in a child process."""
    return float(tl.melspectrogram(y=music(22050, 2.0, seed=seed), n_jobs=-1).sum())


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_process_pools_work_after_the_parent_ran_parallel_code(method: str) -> None:
    expected = [_child_work(s) for s in range(4)]  # the parent's pools now exist
    ctx = multiprocessing.get_context(method)
    with warnings.catch_warnings():
        # Python >= 3.12 warns that fork() with threads may deadlock; tunelens
        # rebuilds its pools in the child (src/parallel.rs), which is what we test.
        warnings.simplefilter("ignore", DeprecationWarning)
        with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as executor:
            got = list(executor.map(_child_work, range(4)))
        if method == "fork":  # spawn children start clean; one pool kind is enough there
            with ctx.Pool(2) as pool:
                assert pool.map(_child_work, range(4), chunksize=1) == expected
    assert got == expected
