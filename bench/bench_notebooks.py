"""The notebooks' heavy cells with the original libraries vs tunelens, one process.

Run: ``python bench/bench_notebooks.py`` (``--quick`` for a smoke run).

- render: a folder of 200 generated clips to mel-spectrogram PNGs
  (librosa.load + melspectrogram + power_to_db + ``librosa.display.specshow`` +
  ``savefig`` per file, as notebook 2 did) vs ``tunelens.render.spectrogram_pngs``;
- image features: 64×64 grayscale spectrogram images (matplotlib PNG, PIL
  grayscale + resize) vs ``tunelens.render.spectrogram_image``;
- features: the 57-column GTZAN table (notebook 5) with librosa vs ``tunelens.extract_features``;
- matching: every chart song against the features catalog with
  ``rapidfuzz.process.extractOne`` vs the same code on ``tunelens.compat.rapidfuzz``, and vs
  ``tunelens.match_catalogs`` (what notebook 1 uses).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import librosa
import librosa.display
import matplotlib
import numpy as np
from _harness import Table, best_ms

import tunelens as tl

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402


def librosa_png(path: str, out: Path) -> None:
    y, sr = librosa.load(path, sr=22050)
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr), ref=np.max)
    fig, ax = plt.subplots(figsize=(S_db.shape[1] / 100, S_db.shape[0] / 100), dpi=100)
    librosa.display.specshow(S_db, sr=sr, ax=ax, cmap="magma")
    ax.set_axis_off()
    fig.subplots_adjust(0, 0, 1, 1)
    fig.savefig(out / (Path(path).stem + ".png"))
    plt.close(fig)


def librosa_gray(path: str, out: Path) -> np.ndarray:
    y, sr = librosa.load(path, sr=22050)
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr), ref=np.max)
    plt.imsave(out / "tmp.png", S_db, cmap="magma", origin="lower")
    with Image.open(out / "tmp.png") as image:
        return np.asarray(image.convert("L").resize((64, 64), Image.BOX))


def librosa_features(path: str) -> list[float]:
    y, sr = librosa.load(path, sr=22050)
    parts = [librosa.feature.chroma_stft(y=y, sr=sr), librosa.feature.rms(y=y),
             librosa.feature.spectral_centroid(y=y, sr=sr), librosa.feature.spectral_bandwidth(y=y, sr=sr),
             librosa.feature.spectral_rolloff(y=y, sr=sr), librosa.feature.zero_crossing_rate(y)]
    harmony, perceptr = librosa.effects.hpss(y)
    tempo = librosa.feature.tempo(y=y, sr=sr)[0]
    mfcc = librosa.feature.mfcc(y=y, sr=sr)
    stats = [f(p) for p in (*parts, harmony, perceptr) for f in (np.mean, np.var)]
    return [*stats, tempo, *mfcc.mean(axis=1), *mfcc.var(axis=1)]


def match_all(process, fuzz, utils, chart, features) -> list:
    choices = (features.artist + " " + features.title).tolist()
    return [process.extractOne(q, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process)
            for q in chart.artist + " " + chart.title]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few clips, one repeat (smoke run)")
    args = parser.parse_args()
    n_clips, seconds, repeat = (20, 3.0, 1) if args.quick else (200, 5.0, 1)
    table = Table(f"Notebook heavy cells ({n_clips} clips of {seconds:.0f} s)", "original libraries")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        meta = tl.datasets.write_library(tmp / "audio", n_songs=n_clips, duration=seconds, seed=0)
        print(f"generated {n_clips} clips in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        paths = list(meta.path)
        (tmp / "ref").mkdir()
        table.add(f"render {n_clips} clips to spectrogram PNGs",
                  best_ms(lambda: [librosa_png(p, tmp / "ref") for p in paths], repeat=repeat),
                  best_ms(lambda: tl.render.spectrogram_pngs(tmp / "audio", tmp / "ours"), repeat=repeat))
        table.add(f"{n_clips} 64x64 grayscale spectrogram images",
                  best_ms(lambda: [librosa_gray(p, tmp) for p in paths], repeat=repeat),
                  best_ms(lambda: [tl.render.spectrogram_image(tl.load(p)[0]) for p in paths], repeat=repeat))
        few = paths[: max(4, n_clips // 10)]
        table.add(f"GTZAN 57-feature table, {len(few)} clips",
                  best_ms(lambda: [librosa_features(p) for p in few], repeat=1),
                  best_ms(lambda: tl.extract_features(few, progress=False), repeat=1))
    import rapidfuzz
    from tunelens.compat import TunelensFallbackWarning
    from tunelens.compat import rapidfuzz as compat

    chart, features, _ = tl.datasets.make_catalogs(2000 if not args.quick else 200, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TunelensFallbackWarning)
        table.add(f"fuzzy join {len(chart)} x {len(features)} (extractOne, token_sort_ratio)",
                  best_ms(lambda: match_all(rapidfuzz.process, rapidfuzz.fuzz, rapidfuzz.utils, chart, features),
                          repeat=repeat),
                  best_ms(lambda: match_all(compat.process, compat.fuzz, compat.utils, chart, features),
                          repeat=repeat))
        table.add(f"catalog join {len(chart)} x {len(features)}: extractOne loop vs tl.match_catalogs",
                  best_ms(lambda: match_all(rapidfuzz.process, rapidfuzz.fuzz, rapidfuzz.utils, chart, features),
                          repeat=repeat),
                  best_ms(lambda: tl.match_catalogs(chart, features, progress=False), repeat=repeat))
    print(table.markdown())


if __name__ == "__main__":
    main()
