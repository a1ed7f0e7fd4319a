"""tunelens vs librosa: frame-level features and HPSS, same inputs, one process.

Run: ``python bench/bench_features.py`` (``--quick`` for a smoke run).
Input: a generated 30 s, 22.05 kHz mono music-like clip (float32), as GTZAN clips.
Each row times one public function with librosa's default parameters; the
pipeline section times ``extract_features(feature_set="gtzan")`` per clip on one
core (process pinned with ``sched_setaffinity``; wall time and process CPU time,
which stays meaningful when other jobs load the machine) and on all cores (wall
time), against the same 57 columns computed with librosa serially on one core.
"""

from __future__ import annotations

import argparse
import time

import librosa
import numpy as np
from _harness import Table, best_ms

import tunelens as tl
from tunelens import decompose, effects, feature
from tunelens.datasets import synth_clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short clip and few repeats (smoke run)")
    parser.add_argument("--clips", type=int, default=100, help="clips in the pipeline batch")
    parser.add_argument("--pipeline-only", action="store_true", help="skip the per-function table")
    args = parser.parse_args()
    seconds, repeat = (3.0, 2) if args.quick else (30.0, 5)
    sr = 22050
    if args.pipeline_only:
        pipeline(sr, seconds, args.clips, repeat)
        return
    y = synth_clip(sr=sr, duration=seconds, tempo=112, key=3, seed=7).astype(np.float32)
    S = np.abs(librosa.stft(y))
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))
    mfcc = librosa.feature.mfcc(S=mel_db)

    table = Table(f"Features ({seconds:.0f} s clip at 22.05 kHz, float32)", "librosa")
    cases = [
        ("rms(y)", lambda m: m.feature.rms(y=y)),
        ("zero_crossing_rate(y)", lambda m: m.feature.zero_crossing_rate(y)),
        ("spectral_centroid(y)", lambda m: m.feature.spectral_centroid(y=y, sr=sr)),
        ("spectral_bandwidth(y)", lambda m: m.feature.spectral_bandwidth(y=y, sr=sr)),
        ("spectral_rolloff(y)", lambda m: m.feature.spectral_rolloff(y=y, sr=sr)),
        ("spectral_flatness(y)", lambda m: m.feature.spectral_flatness(y=y)),
        ("spectral_contrast(y)", lambda m: m.feature.spectral_contrast(y=y, sr=sr)),
        ("spectral_centroid(S)", lambda m: m.feature.spectral_centroid(S=S, sr=sr)),
        ("chroma_stft(y) (with tuning)", lambda m: m.feature.chroma_stft(y=y, sr=sr)),
        ("chroma_stft(y, tuning=0)", lambda m: m.feature.chroma_stft(y=y, sr=sr, tuning=0.0)),
        ("mfcc(y)", lambda m: m.feature.mfcc(y=y, sr=sr, n_mfcc=20)),
        ("mfcc(S)", lambda m: m.feature.mfcc(S=mel_db, n_mfcc=20)),
        ("delta(mfcc)", lambda m: m.feature.delta(mfcc)),
        ("poly_features(y)", lambda m: m.feature.poly_features(y=y, sr=sr)),
        ("onset.onset_detect(y)", lambda m: m.onset.onset_detect(y=y, sr=sr)),
        ("beat.beat_track(y)", lambda m: m.beat.beat_track(y=y, sr=sr)),
        ("effects.hpss(y)", lambda m: m.effects.hpss(y)),
        ("decompose.hpss(|D|)", lambda m: m.decompose.hpss(S)),
    ]

    class _Tunelens:
        pass

    tl_mod = _Tunelens()
    tl_mod.feature, tl_mod.effects, tl_mod.decompose = feature, effects, decompose
    tl_mod.onset, tl_mod.beat = tl.onset, tl.beat
    for name, call in cases:
        ref = best_ms(lambda: call(librosa), repeat=repeat)
        ours = best_ms(lambda: call(tl_mod), repeat=repeat)
        table.add(name, ref, ours)
    print()
    print(table.markdown())
    pipeline(sr, seconds, args.clips, repeat)
    print(f"\ntunelens {tl.__version__}, librosa {librosa.__version__}")


def librosa_gtzan(y: np.ndarray, sr: int) -> list[float]:
    """The 57 GTZAN values with librosa 0.11 (the formulas of ``feature_set="gtzan"``)."""
    out: list[float] = []
    for x in (librosa.feature.chroma_stft(y=y, sr=sr), librosa.feature.rms(y=y),
              librosa.feature.spectral_centroid(y=y, sr=sr), librosa.feature.spectral_bandwidth(y=y, sr=sr),
              librosa.feature.spectral_rolloff(y=y, sr=sr), librosa.feature.zero_crossing_rate(y),
              *librosa.effects.hpss(y)):
        out += [float(np.mean(x)), float(np.var(x))]
    out.append(float(librosa.feature.tempo(y=y, sr=sr)[0]))
    for row in librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20):
        out += [float(np.mean(row)), float(np.var(row))]
    return out


def pipeline(sr: int, seconds: float, n_clips: int, repeat: int) -> None:
    """The 57-column GTZAN pipeline per clip: librosa serial vs tunelens on one core and on all cores."""
    import os

    clips = [synth_clip(sr=sr, duration=seconds, tempo=90 + 3 * i, key=i % 12, seed=100 + i).astype(np.float32)
             for i in range(min(n_clips, 10))]
    batch = [clips[i % len(clips)] for i in range(n_clips)]
    n_ref = min(3, len(clips))
    t0, c0 = time.perf_counter(), time.process_time()
    for y in clips[:n_ref]:
        librosa_gtzan(y, sr)
    ref = (time.perf_counter() - t0) / n_ref * 1e3
    ref_cpu = (time.process_time() - c0) / n_ref * 1e3
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})  # one core for the whole process
    try:
        tl.extract_features(clips[:1], n_jobs=1, progress=False)  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        tl.extract_features(batch, n_jobs=1, progress=False)
        one = (time.perf_counter() - t0) / n_clips * 1e3
        one_cpu = (time.process_time() - c0) / n_clips * 1e3
    finally:
        os.sched_setaffinity(0, cores)
    every = best_ms(lambda: tl.extract_features(batch, n_jobs=-1, progress=False), repeat=1) / n_clips
    table = Table(f"57-column GTZAN pipeline, per clip ({n_clips} clips of {seconds:.0f} s)", "librosa (1 core)")
    table.add("extract_features, 1 core (wall)", ref, one)
    table.add("extract_features, 1 core (CPU time, robust to load)", ref_cpu, one_cpu)
    table.add(f"extract_features, {len(cores)} cores (wall)", ref, every)
    print()
    print(table.markdown())


if __name__ == "__main__":
    main()
