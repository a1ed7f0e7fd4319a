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
