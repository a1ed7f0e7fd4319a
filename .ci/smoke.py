"""Smoke suite for an installed wheel: the main paths work on a plain install.

Run by ``.ci/run`` with the interpreter of a fresh virtualenv holding only the wheel and
its runtime dependencies, with no Rust toolchain on ``PATH``, from a scratch folder (so
the repository's sources cannot be imported instead of the wheel).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import tunelens as tl


def main() -> None:
    assert shutil.which("cargo") is None and shutil.which("rustc") is None, "a Rust toolchain is on PATH"
    assert "site-packages" in tl.__file__, f"tunelens imported from {tl.__file__}, not the wheel"
    work = Path(tempfile.mkdtemp())
    # load: files written at real rates, decoded and resampled (libsoxr from the wheel).
    files = tl.datasets.write_library(work / "music", n_songs=4, duration=3.0, sr=44100)
    y, sr = tl.load(files["path"][0], sr=22050)
    assert sr == 22050 and abs(len(y) - 3 * 22050) <= 1, (sr, y.shape)
    # features: the GTZAN table of a folder.
    table = tl.extract_features(work / "music", progress=False)
    assert table.shape == (4, 60) and table["error"].isna().all(), table["error"].tolist()
    # match: two catalog exports joined.
    left, right, truth = tl.datasets.make_catalogs(60, seed=1)
    pairs = tl.match_catalogs(left, right)
    assert len(pairs) > 30, len(pairs)
    # recommend: neighbours with reasons.
    rec = tl.Recommender(id_column="filename").fit(table)
    assert len(rec.recommend(table["filename"][0], k=2)) == 2
    # explain: a listenable explanation of a toy model.
    clip = tl.datasets.synth_clip(duration=1.0)
    explanation = tl.explain.explain(clip, 22050, lambda b: np.sqrt((b**2).mean(axis=1)), tl.explain.TimeSegments(4),
                                     num_samples=16, random_state=0, progress=False)
    assert explanation.audio(k=2).shape == clip.shape
    # CLI: the console script of the wheel.
    script = Path(sys.executable).with_name("tunelens")
    out = work / "features.csv"
    done = subprocess.run([str(script), "features", str(work / "music"), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0 and out.exists(), done.stderr
    print(f"smoke ok: tunelens {tl.__version__} from {Path(tl.__file__).parent}")


if __name__ == "__main__":
    main()
