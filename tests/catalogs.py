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


#: Playlists of :func:`playlist_export`.
PLAYLISTS = ("Gym", "Chill", "Focus", "Party", "Favourites", "Road trip")


def playlist_export(n: int = 300, *, seed: int = 0) -> pd.DataFrame:
    """A playlist export shaped like a Spotify one: one row per (playlist, track).

    The ``n`` songs of :func:`catalog` each sit in 1 to 3 playlists, as
    identical feature rows whose ``playlist``, ``genre`` (the playlist's tag
    for it) and ``added_at`` differ per row; ``t00002`` is in exactly three.
    ``t00000-rm`` is a remaster of ``t00000`` with its own id (1.5 dB louder),
    and ``t00001-twin`` has exactly the features of ``t00001`` under another id
    (a tie). Rows are shuffled, so an id's rows are scattered.
    """
    rng = np.random.default_rng(seed)
    tracks = catalog(n, seed=seed)
    remaster = tracks.iloc[[0]].assign(track_id="t00000-rm", loudness=tracks.loc[0, "loudness"] + 1.5)
    twin = tracks.iloc[[1]].assign(track_id="t00001-twin")
    tracks = pd.concat([tracks, remaster, twin], ignore_index=True)
    copies = rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2], size=len(tracks))
    copies[2] = 3
    rows = np.repeat(np.arange(len(tracks)), copies)
    playlist = np.concatenate([rng.choice(PLAYLISTS, size=c, replace=False) for c in copies])
    genres = np.array(["pop", "rock", "jazz", "edm", "folk", "metal", "soul", "rap"])
    own = tracks["genre"].to_numpy()[rows]
    genre = np.where(rng.random(len(rows)) < 0.5, own, genres[rng.integers(0, len(genres), size=len(rows))])
    genre[rows == 2] = ["pop", "rock", "jazz"]
    added = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, size=len(rows)), unit="D")
    export = tracks.iloc[rows].assign(playlist=playlist, genre=genre, added_at=added.strftime("%Y-%m-%d"))
    return export.iloc[rng.permutation(len(export))].reset_index(drop=True)
