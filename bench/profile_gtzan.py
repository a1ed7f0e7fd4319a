"""Per-stage profile of the 57-column GTZAN pipeline on one 30 s clip: librosa vs tunelens.

Run: ``taskset -c 0 python bench/profile_gtzan.py``. Each stage is a public call
of the pipeline, timed as process CPU time (best of 3), which other jobs loading
the machine do not inflate.
"""

from __future__ import annotations

import time

import librosa
import numpy as np
from _harness import Table

import tunelens as tl
from tunelens.datasets import synth_clip


def cpu_ms(fn, repeat: int = 3) -> float:
    """Least process CPU time of ``fn`` in milliseconds over ``repeat`` runs (after one warm-up)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1e3


def main() -> None:
    sr = 22050
    y = synth_clip(sr=sr, duration=30.0, tempo=112, key=3, seed=7).astype(np.float32)
    stages = [
        ("stft |D|", lambda m: np.abs(m.stft(y))),
        ("chroma_stft (tuning)", lambda m: m.feature.chroma_stft(y=y, sr=sr)),
        ("rms", lambda m: m.feature.rms(y=y)),
        ("spectral_centroid", lambda m: m.feature.spectral_centroid(y=y, sr=sr)),
        ("spectral_bandwidth", lambda m: m.feature.spectral_bandwidth(y=y, sr=sr)),
        ("spectral_rolloff", lambda m: m.feature.spectral_rolloff(y=y, sr=sr)),
        ("zero_crossing_rate", lambda m: m.feature.zero_crossing_rate(y)),
        ("effects.hpss", lambda m: m.effects.hpss(y)),
        ("tempo (onset strength)", lambda m: m.feature.tempo(y=y, sr=sr)),
        ("mfcc (mel + dB + dct)", lambda m: m.feature.mfcc(y=y, sr=sr, n_mfcc=20)),
    ]
    table = Table("GTZAN pipeline stages (30 s clip, 22.05 kHz, float32)", "librosa")
    for name, call in stages:
        table.add(name, cpu_ms(lambda: call(librosa)), cpu_ms(lambda: call(tl)))
    table.add("extract_features (1 clip; librosa: the stages above)",
              cpu_ms(lambda: [call(librosa) for _, call in stages[1:]], repeat=1),
              cpu_ms(lambda: tl.extract_features([y], n_jobs=1, progress=False)))
    print(table.markdown())


if __name__ == "__main__":
    main()
