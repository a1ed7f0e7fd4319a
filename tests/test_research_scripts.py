"""Research scripts written against librosa 0.11 / rapidfuzz 3 give the same results with only the import changed.

Each script is run twice in a fresh namespace: with the real libraries, then
with ``import tunelens.compat.librosa as librosa`` / ``from tunelens.compat
import rapidfuzz`` instead. Names tunelens does not implement fall back to
the real library (one ``TunelensFallbackWarning`` each, allowed here).
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tunelens as tl
from tunelens.compat import TunelensFallbackWarning

REAL = {"librosa": "import librosa", "rapidfuzz": "import rapidfuzz\nfrom rapidfuzz import fuzz, process, utils"}
SHIM = {"librosa": "import tunelens.compat.librosa as librosa",
        "rapidfuzz": "from tunelens.compat import rapidfuzz\nfrom tunelens.compat.rapidfuzz import fuzz, process, utils"}

FEATURE_TABLE = """
{librosa}
import numpy as np
import pandas as pd

rows = []
for path in PATHS:
    y, sr = librosa.load(path, sr=22050, duration=5.0)
    S = np.abs(librosa.stft(y, n_fft=2048, hop_length=512))
    mel = librosa.feature.melspectrogram(S=S**2, sr=sr, n_mels=64)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=13)
    onset_env = librosa.onset.onset_strength(y=y, sr=sr)
    row = {{
        "file": path.split("/")[-1],
        "duration": librosa.get_duration(y=y, sr=sr),
        "rms": float(librosa.feature.rms(y=y).mean()),
        "zcr": float(librosa.feature.zero_crossing_rate(y).mean()),
        "centroid": float(librosa.feature.spectral_centroid(S=S, sr=sr).mean()),
        "rolloff": float(librosa.feature.spectral_rolloff(y=y, sr=sr, roll_percent=0.85).mean()),
        "flatness": float(librosa.feature.spectral_flatness(y=y).mean()),
        "tempo": float(librosa.feature.tempo(onset_envelope=onset_env, sr=sr)[0]),
        "onset_mean": float(onset_env.mean()),
        "first_onset_s": float(librosa.frames_to_time(int(np.argmax(onset_env)), sr=sr)),
    }}
    row.update({{f"mfcc{{i + 1}}": float(v) for i, v in enumerate(mfcc.mean(axis=1))}})
    row.update({{f"chroma{{i}}": float(v) for i, v in enumerate(librosa.feature.chroma_stft(y=y, sr=sr).mean(axis=1))}})
    harmonic, percussive = librosa.effects.hpss(y)
    row["harmonic_ratio"] = float(np.sum(harmonic**2) / (np.sum(y**2) + 1e-12))
    y8k = librosa.resample(y, orig_sr=sr, target_sr=8000)
    row["rms_8k"] = float(np.sqrt(np.mean(y8k**2)))
    rows.append(row)
RESULT = pd.DataFrame(rows).set_index("file")
"""

MATCH_MERGE = """
{rapidfuzz}
import pandas as pd

choices = (FEATURES.artist + " " + FEATURES.title).tolist()
matches = []
for song_id, artist, title in zip(CHART.song_id, CHART.artist, CHART.title):
    hit = process.extractOne(f"{{artist}} {{title}}", choices, scorer=fuzz.token_sort_ratio,
                             processor=utils.default_process, score_cutoff=70)
    if hit is not None:
        choice, score, index = hit
        matches.append({{"song_id": song_id, "track_id": FEATURES.track_id[index], "score": score,
                        "wratio": fuzz.WRatio(artist, FEATURES.artist[index]),
                        "partial": fuzz.partial_ratio(title.lower(), FEATURES.title[index].lower()),
                        "lev": rapidfuzz.distance.Levenshtein.distance(title, FEATURES.title[index])}})
top3 = process.extract("daft punk", FEATURES.artist.tolist(), scorer=fuzz.WRatio, limit=3)
RESULT = CHART.merge(pd.DataFrame(matches), on="song_id").merge(FEATURES, on="track_id", suffixes=("", "_sp"))
RESULT["top3"] = str([(c, round(s, 6), i) for c, s, i in top3])
"""


def run(script: str, imports: dict, **inputs) -> pd.DataFrame:
    namespace = dict(inputs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TunelensFallbackWarning)
        exec(textwrap.dedent(script).format(**imports), namespace)  # noqa: S102 (test fixture scripts)
    return namespace["RESULT"]


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> list[str]:
    meta = tl.datasets.write_library(tmp_path_factory.mktemp("lib"), n_songs=4, duration=6.0, seed=9)
    return list(meta.path)


def test_feature_table_script(library: list[str]) -> None:
    real = run(FEATURE_TABLE, REAL, PATHS=library)
    ours = run(FEATURE_TABLE, SHIM, PATHS=library)
    assert list(ours.columns) == list(real.columns) and list(ours.index) == list(real.index)
    # float32 frame-wise features agree to ~1e-5 relative (summation order); tempo picks the same
    # tempogram bin; mfcc/chroma means to 1e-3 relative or 1e-4 absolute near zero.
    pd.testing.assert_frame_equal(ours, real, rtol=1e-3, atol=1e-4)
    assert (ours.tempo == real.tempo).all()


def test_match_merge_script() -> None:
    chart, features, _ = tl.datasets.make_catalogs(150, seed=4)
    real = run(MATCH_MERGE, REAL, CHART=chart, FEATURES=features)
    ours = run(MATCH_MERGE, SHIM, CHART=chart, FEATURES=features)
    assert len(real) > 100
    # rapidfuzz-exact scorers: the same matches and the same scores (floating point equal).
    pd.testing.assert_frame_equal(ours, real, check_exact=True)


def test_shim_serves_the_scripts_from_tunelens() -> None:
    from tunelens.compat import rapidfuzz as shim_rapidfuzz
    import tunelens.compat.librosa as shim_librosa

    for f in (shim_librosa.load, shim_librosa.stft, shim_librosa.feature.mfcc, shim_librosa.effects.hpss,
              shim_rapidfuzz.process.extractOne, shim_rapidfuzz.fuzz.token_sort_ratio):
        assert getattr(f, "__module__", "").startswith("tunelens"), f
    assert np.isclose(shim_rapidfuzz.fuzz.ratio("abc", "abd"), 100 * 4 / 6)
