"""The generated example data is deterministic and carries the variants it promises."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tunelens import datasets


def test_catalogs_are_deterministic_and_keyed() -> None:
    a = datasets.make_catalogs(300, seed=7)
    b = datasets.make_catalogs(300, seed=7)
    for x, y in zip(a, b):
        assert x.equals(y)
    chart, features, key = a
    assert len(chart) == 300 and chart.song_id.is_unique and features.track_id.is_unique
    assert len(key) == 240 and set(key.song_id) <= set(chart.song_id) and set(key.track_id) <= set(features.track_id)
    merged = key.merge(chart, on="song_id").merge(features, on="track_id", suffixes=("_chart", "_feat"))
    titles = merged.title_feat
    assert titles.str.contains(r"feat\.", regex=True).any() or merged.artist_feat.str.contains("feat.").any()
    assert titles.str.contains(r"Remaster|Live at|Radio Edit|Version|Edition", regex=True).any()
    assert (merged.title_feat != merged.title_chart).mean() > 0.2
    assert chart.artist.map(lambda s: any(ord(c) > 0x3FF for c in s)).any()  # non-Latin scripts present
    assert not datasets.make_catalogs(300, seed=8)[0].equals(chart)


def test_library_files_decode(tmp_path: Path) -> None:
    lib = datasets.write_library(tmp_path, 3, duration=1.5, sr=16000, seed=2)
    assert list(lib.columns[-1:]) == ["path"] and len(lib) == 3
    y, sr = sf.read(lib.path[0], dtype="float32")
    assert sr == 16000 and y.shape == (24000,) and 0.5 < np.abs(y).max() <= 1.0


def test_synth_clip_is_deterministic() -> None:
    a = datasets.synth_clip(duration=1.0, seed=3)
    assert np.array_equal(a, datasets.synth_clip(duration=1.0, seed=3))
    assert a.dtype == np.float32 and np.abs(a).max() <= 1.0


def test_listening_history_follows_its_documented_rule() -> None:
    _, features, _ = datasets.make_catalogs(120, seed=2)
    exact = datasets.listening_history(features, noise=0.0, seed=0)
    cols = ["danceability", "energy", "valence", "acousticness"]
    z = (features[cols] - features[cols].mean()) / features[cols].std(ddof=0)
    affinity = (z.danceability + z.energy + z.valence - z.acousticness) / 2.0
    np.testing.assert_allclose(exact.affinity, affinity, rtol=1e-12)
    third = len(features) / 3
    assert abs(exact.liked.sum() - third) <= 1 and abs(exact.disliked.sum() - third) <= 1
    assert not (exact.liked & exact.disliked).any()
    assert exact.affinity[exact.liked].min() > exact.affinity[~exact.liked].max()
    again = datasets.listening_history(features, taste="calm", seed=5)
    assert again.equals(datasets.listening_history(features, taste="calm", seed=5))
    with pytest.raises(ValueError, match="taste"):
        datasets.listening_history(features, taste="loud")
