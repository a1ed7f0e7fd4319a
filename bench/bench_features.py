"""tunelens vs librosa: frame-level features and HPSS, same inputs, one process.

Run: ``python bench/bench_features.py`` (``--quick`` for a smoke run).
Input: a generated 30 s, 22.05 kHz mono music-like clip (float32), as GTZAN clips.
Each row times one public function with librosa's default parameters.
"""

from __future__ import annotations

import argparse

import librosa
import numpy as np
from _harness import Table, best_ms

import tunelens as tl
from tunelens import decompose, effects, feature
from tunelens.datasets import synth_clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short clip and few repeats (smoke run)")
    args = parser.parse_args()
    seconds, repeat = (3.0, 2) if args.quick else (30.0, 5)
    sr = 22050
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
        ("effects.hpss(y)", lambda m: m.effects.hpss(y)),
        ("decompose.hpss(|D|)", lambda m: m.decompose.hpss(S)),
    ]

    class _Tunelens:
        pass

    tl_mod = _Tunelens()
    tl_mod.feature, tl_mod.effects, tl_mod.decompose = feature, effects, decompose
    for name, call in cases:
        ref = best_ms(lambda: call(librosa), repeat=repeat)
        ours = best_ms(lambda: call(tl_mod), repeat=repeat)
        table.add(name, ref, ours)
    print()
    print(table.markdown())
    print(f"\ntunelens {tl.__version__}, librosa {librosa.__version__}")


if __name__ == "__main__":
    main()
