"""Synthetic music catalogs shaped like Spotify-style feature tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Spotify-style audio feature columns and their ranges.
FEATURES = {
    "danceability": (0.0, 1.0),
    "energy": (0.0, 1.0),
    "loudness": (-30.0, 0.0),
    "speechiness": (0.0, 1.0),
    "acousticness": (0.0, 1.0),
    "instrumentalness": (0.0, 1.0),
    "liveness": (0.0, 1.0),
    "valence": (0.0, 1.0),
    "tempo": (60.0, 200.0),
}


def catalog(n: int = 600, *, seed: int = 0, n_styles: int = 5) -> pd.DataFrame:
    """A catalog of ``n`` songs from ``n_styles`` styles, with ids, artists and genres.

    Each style has its own centre in every feature, so neighbours and clusters
    are meaningful, and noise keeps every value distinct.
    """
    rng = np.random.default_rng(seed)
    style = rng.integers(0, n_styles, size=n)
    columns = {}
    for name, (lo, hi) in FEATURES.items():
        centres = rng.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo), size=n_styles)
        values = centres[style] + rng.normal(0.0, 0.12 * (hi - lo), size=n)
        columns[name] = np.clip(values, lo, hi)
    df = pd.DataFrame(columns)
    df.insert(0, "track_id", [f"t{i:05d}" for i in range(n)])
    df["genre"] = np.array(["pop", "rock", "jazz", "edm", "folk", "metal", "soul", "rap"])[style % 8]
    df["style"] = [f"s{s}" for s in style]
    return df


def numeric(n: int, d: int, *, seed: int = 0) -> np.ndarray:
    """A float64 table whose columns have very different scales."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * rng.uniform(0.1, 100.0, size=d) + rng.uniform(-50, 50, size=d)
