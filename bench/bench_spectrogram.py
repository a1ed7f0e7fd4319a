"""tunelens vs librosa: audio loading and spectrograms, same inputs, one process.

Run: ``python bench/bench_spectrogram.py`` (``--quick`` for a smoke run).
Inputs are generated: a 30 s, 44.1 kHz stereo music-like clip saved as 16-bit
WAV and as MP3; the batch uses 100 clip paths (20 distinct files, cycled).
Resampling rows marked "python-soxr" time ``soxr.resample`` itself as the
reference, on one core: on the interleaved ``(n, 2)`` clip (how a python-soxr
user passes stereo), and lane by lane (the calls librosa makes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf
import soxr
from _harness import Table, best_ms

import tunelens as tl
from tunelens.datasets import synth_clip


def stereo_clip(seconds: float, seed: int) -> np.ndarray:
    left = synth_clip(sr=44100, duration=seconds, tempo=96 + seed, key=seed % 12, seed=seed)
    right = synth_clip(sr=44100, duration=seconds, tempo=96 + seed, key=seed % 12, seed=seed + 1000)
    return np.stack([left, 0.8 * right + 0.2 * left], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short clips and few repeats (smoke run)")
    args = parser.parse_args()
    seconds, n_batch, distinct, repeat = (3.0, 10, 2, 2) if args.quick else (30.0, 100, 20, 7)

    table = Table(f"Audio loading and spectrograms ({seconds:.0f} s clips)", "librosa")
    with tempfile.TemporaryDirectory() as tmp:
        wav, mp3 = Path(tmp, "clip.wav"), Path(tmp, "clip.mp3")
        clip = stereo_clip(seconds, 0)
        sf.write(wav, clip, 44100, subtype="PCM_16")
        sf.write(mp3, clip, 44100, format="MP3")

        for label, path in (("load wav 44.1 kHz stereo -> 22.05 kHz mono", wav), ("load mp3 44.1 kHz stereo -> 22.05 kHz mono", mp3)):
            table.add(label, best_ms(lambda: librosa.load(path, sr=22050), repeat), best_ms(lambda: tl.load(path, sr=22050), repeat))
        stereo = np.ascontiguousarray(clip.T.astype(np.float32))  # (2, n), librosa's layout
        interleaved = np.ascontiguousarray(clip.astype(np.float32))  # (n, 2), python-soxr's fastest
        table.add("resample 44.1 -> 22.05 kHz stereo, 1 core (reference: python-soxr)",
                  best_ms(lambda: soxr.resample(interleaved, 44100, 22050, "soxr_hq"), repeat),
                  best_ms(lambda: tl.resample(stereo, orig_sr=44100, target_sr=22050, n_jobs=1), repeat))
        table.add("resample 44.1 -> 22.05 kHz stereo, 1 core (reference: python-soxr per channel, librosa's calls)",
                  best_ms(lambda: [soxr.resample(lane, 44100, 22050, "soxr_hq") for lane in stereo], repeat),
                  best_ms(lambda: tl.resample(stereo, orig_sr=44100, target_sr=22050, n_jobs=1), repeat))
        table.add("resample 44.1 -> 22.05 kHz stereo (librosa.resample vs n_jobs=-1)",
                  best_ms(lambda: librosa.resample(stereo, orig_sr=44100, target_sr=22050), repeat),
                  best_ms(lambda: tl.resample(stereo, orig_sr=44100, target_sr=22050), repeat))
        table.add("load mp3 44.1 kHz stereo -> 22.05 kHz stereo (mono=False)",
                  best_ms(lambda: librosa.load(mp3, sr=22050, mono=False), repeat),
                  best_ms(lambda: tl.load(mp3, sr=22050, mono=False), repeat))
        table.add("load wav, native rate", best_ms(lambda: librosa.load(wav, sr=None), repeat), best_ms(lambda: tl.load(wav, sr=None), repeat))

        y, _ = librosa.load(wav, sr=22050)
        table.add("stft (n_fft=2048)", best_ms(lambda: librosa.stft(y), repeat), best_ms(lambda: tl.stft(y), repeat))
        table.add("stft, 1 thread", best_ms(lambda: librosa.stft(y), repeat), best_ms(lambda: tl.stft(y, n_jobs=1), repeat))
        table.add("melspectrogram (128 mels)", best_ms(lambda: librosa.feature.melspectrogram(y=y), repeat),
                  best_ms(lambda: tl.melspectrogram(y=y), repeat))
        table.add("melspectrogram, 1 thread", best_ms(lambda: librosa.feature.melspectrogram(y=y), repeat),
                  best_ms(lambda: tl.melspectrogram(y=y, n_jobs=1), repeat))
        M = librosa.feature.melspectrogram(y=y)
        table.add("power_to_db", best_ms(lambda: librosa.power_to_db(M, ref=np.max), repeat),
                  best_ms(lambda: tl.power_to_db(M, ref=np.max), repeat))
        D = librosa.stft(y)
        table.add("istft", best_ms(lambda: librosa.istft(D), repeat), best_ms(lambda: tl.istft(D), repeat))

        files = []
        for i in range(distinct):
            f = Path(tmp, f"batch{i}.wav")
            sf.write(f, stereo_clip(seconds, i + 1), 44100, subtype="PCM_16")
            files.append(f)
        paths = [files[i % distinct] for i in range(n_batch)]

        def librosa_loop() -> None:
            for p in paths:
                librosa.feature.melspectrogram(y=librosa.load(p, sr=22050)[0], sr=22050)

        def tunelens_batch() -> None:
            loaded = tl.load_batch(paths, sr=22050, n_jobs=-1)
            tl.melspectrogram_batch([y for y, _ in loaded], sr=22050, n_jobs=-1)

        t0 = time.perf_counter()
        librosa_loop()
        ref_ms = (time.perf_counter() - t0) * 1e3
        table.add(f"batch of {n_batch}: load + melspectrogram (n_jobs=-1 vs serial loop)", ref_ms, best_ms(tunelens_batch, 2))

        t0 = time.perf_counter()
        for p in paths:
            librosa.load(p, sr=22050)
        ref_ms = (time.perf_counter() - t0) * 1e3
        table.add(f"load_batch of {n_batch} -> 22.05 kHz (all cores vs librosa.load loop)", ref_ms,
                  best_ms(lambda: tl.load_batch(paths, sr=22050, n_jobs=-1), 2))

    print()
    print(table.markdown())


if __name__ == "__main__":
    sys.exit(main())
