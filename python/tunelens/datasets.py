"""Example data: real recordings under free licences, and synthetic music-like data.

- :func:`fetch_recordings`: 42 real recordings in three styles, from game-music
  packages of the Debian archive, downloaded once into a cache
  (:func:`recording_sources` lists them with their licences); :func:`cut_clips`
  cuts them into clips.
- :func:`synth_clip`: a deterministic clip (chord progression, bass, drums).
- :func:`make_catalogs`: two catalogs of the same songs as two services would
  export them (accents, "feat." credits, version tags, typos), with the answer key.
- :func:`write_library`: a folder of WAV files with a metadata table.
- :func:`listening_history`: a listener's labels generated from audio features.
"""

from __future__ import annotations

import os
import unicodedata
import wave
from pathlib import Path
from typing import Any

import numpy as np

from tunelens._recordings import cut_clips, fetch_recordings, recording_sources
from tunelens._validate import affordable, output_path, positive_int, positive_number, writing

__all__ = ["fetch_recordings", "recording_sources", "cut_clips", "synth_clip", "make_catalogs", "write_library",
           "listening_history", "GENRES"]

_MAJOR = (0, 4, 7)
_MINOR = (0, 3, 7)
#: I-V-vi-IV in major, i-VI-III-VII in minor (semitones above the tonic).
_PROGRESSIONS = {"major": ((0, _MAJOR), (7, _MAJOR), (9, _MINOR), (5, _MAJOR)),
                 "minor": ((0, _MINOR), (8, _MAJOR), (3, _MAJOR), (10, _MAJOR))}

#: Genres of the generated catalogs, with their typical tempo (BPM), mode and drums.
GENRES = {
    "pop": (112.0, "major", True),
    "rock": (128.0, "major", True),
    "hiphop": (92.0, "minor", True),
    "electronic": (126.0, "minor", True),
    "classical": (76.0, "major", False),
    "jazz": (100.0, "minor", True),
    "ambient": (70.0, "minor", False),
}


def synth_clip(
    *,
    sr: int = 22050,
    duration: float = 10.0,
    tempo: float = 120.0,
    key: int = 0,
    mode: str = "major",
    drums: bool = True,
    seed: int = 0,
) -> np.ndarray:
    """A deterministic music-like clip: a chord progression, a bass line and drums.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    duration : float
        Length in seconds.
    tempo : float
        Beats per minute; one chord per bar of four beats.
    key : int
        Tonic as a pitch class (0 = C, 9 = A).
    mode : {"major", "minor"}
        Chord progression (I-V-vi-IV or i-VI-III-VII).
    drums : bool
        Add kick (beats 1, 3), snare (2, 4) and hi-hat (eighth notes).
    seed : int
        Seed of the noise in the drums and the voicing.

    Returns
    -------
    np.ndarray [shape=(round(sr * duration),)], float32
        Samples in [-1, 1].

    Examples
    --------
    >>> y = tl.datasets.synth_clip(sr=22050, duration=2.0, tempo=100.0, key=9, mode="minor")
    >>> y.shape, y.dtype
    ((44100,), dtype('float32'))
    >>> bool(np.abs(y).max() <= 1.0)
    True
    """
    sr = positive_int(sr, "sr")
    duration = positive_number(duration, "duration")
    beat = 60.0 / positive_number(tempo, "tempo")
    rng = np.random.default_rng(seed)
    affordable(32.0 * sr * duration, "duration", duration)  # time axis, mix and masks in float64
    n = int(round(sr * duration))
    t = np.arange(n) / sr
    y = np.zeros(n)
    tonic = 220.0 * 2 ** (((key % 12) - 9) / 12)  # A3 = 220 Hz
    for bar, start in enumerate(np.arange(0.0, duration, 4 * beat)):
        root, triad = _PROGRESSIONS[mode][bar % 4]
        idx = (t >= start) & (t < start + 4 * beat)
        tt = t[idx] - start
        for interval in triad:
            f = tonic * 2 ** ((root + interval) / 12)
            y[idx] += 0.15 * np.exp(-0.4 * tt) * sum(np.sin(2 * np.pi * f * h * tt + rng.random()) / h**1.5 for h in range(1, 6))
        bass = tonic / 2 * 2 ** (root / 12)
        y[idx] += 0.25 * np.sin(2 * np.pi * bass * tt) * (1 - np.exp(-30 * tt))
    if drums:
        for k, start in enumerate(np.arange(0.0, duration, beat / 2)):
            i0 = int(start * sr)
            seg = np.arange(min(int(0.2 * sr), n - i0)) / sr
            if seg.size == 0:
                continue
            hit = 0.05 * rng.standard_normal(seg.size) * np.exp(-60 * seg)  # hi-hat
            if k % 4 == 0:
                hit += 0.8 * np.sin(2 * np.pi * (50 + 100 * np.exp(-25 * seg)) * seg) * np.exp(-12 * seg)  # kick
            elif k % 4 == 2:
                hit += 0.4 * rng.standard_normal(seg.size) * np.exp(-20 * seg)  # snare
            y[i0 : i0 + seg.size] += hit
    y /= max(1e-9, float(np.abs(y).max())) * 1.05
    return y.astype(np.float32)


# Name parts for fictional artists and titles, in several scripts.
_LATIN_FIRST = ["Léa", "Jörg", "Zoë", "Amélie", "Björn", "Nuño", "Chloé", "Renée", "Søren", "Inés", "Marco", "Ava",
                "Luca", "Nina", "Omar", "Ivy", "Felix", "Maya", "Theo", "Rosa"]
_LATIN_LAST = ["Moreau", "Ekström", "Dalí", "Østergaard", "Núñez", "Kovač", "Ferreira", "Lindqvist", "Brontë",
               "Šimić", "Weber", "Costa", "Hale", "Quinn", "Navarro", "Sato", "Reyes", "Byrne", "Vance", "Lowe"]
_BANDS = ["Velvet Öcean", "The Paper Kites", "Sigur Ráð", "Mötley Bloom", "The Quiet Engines", "Ghost Café",
          "Neon Fjörd", "The Silver Árrows", "Crème Sauvage", "Lumière Club"]
_OTHER_SCRIPTS = ["Кино Звезда", "Белые Ночи", "宇多田ヒカリ", "星野 光", "فيروز الصغيرة", "نور الهدى", "방탄 소녀", "Αστέρια"]
_TITLE_WORDS = ["Midnight", "Ocean", "Fire", "Golden", "Heart", "City", "Dream", "Summer", "Shadow", "Light", "River",
                "Électrique", "Señorita", "Noche", "Forever", "Wild", "Echo", "Paper", "Silver", "Ghost", "Dancing",
                "Café", "Rêve", "Stars", "Blue", "Home", "Runaway", "Velvet", "Thunder", "Gravity"]
_FEATURED = ["Zoë Hale", "Omar Reyes", "Lowe", "Ava Byrne", "Nuño Costa"]
_VERSION_TAGS = [" (Remastered 2011)", " - Live at Wembley", " [Radio Edit]", " - 2019 Remaster", " (Acoustic Version)",
                 " (Deluxe Edition)", " - Single Version"]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(text: str, rng: np.random.Generator) -> str:
    """One realistic typo: a dropped, doubled or swapped letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = int(rng.choice(letters[1:-1]))
    kind = rng.integers(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def make_catalogs(n_songs: int = 200, *, overlap: float = 0.8, seed: int = 0,
                  distractors: float = 0.0) -> tuple[Any, Any, Any]:
    """Two catalogs of the same songs, as two streaming services would export them.

    The "chart" catalog (think Deezer) holds clean metadata: artist, title,
    genre, popularity. The "features" catalog (think Spotify audio features)
    holds ``overlap`` of the same songs under the other service's spelling, in
    another order, plus songs of its own, with audio-feature columns. The
    spellings differ the ways real exports do: accents dropped, case changed,
    "feat." credits added to the title or the artist, version tags such as
    "(Remastered 2011)" or "[Radio Edit]", "&" vs "and", a leading "The" dropped,
    and one-letter typos. About 15% of the artists are in Cyrillic, CJK or Arabic.
    With ``distractors``, the features catalog also holds other songs by the
    chart's artists whose titles resemble a chart title ("Fire" -> "Fire Echo",
    "Golden Heart" -> "Golden River", "Home" -> "Home Part II"), respelled the
    same ways: traps for a matcher, never in the answer key.

    Parameters
    ----------
    n_songs : int
        Songs in the chart catalog.
    overlap : float in [0, 1]
        Share of the chart's songs that the features catalog also holds.
    seed : int
        Seed; the same seed gives the same catalogs.
    distractors : float >= 0
        Distractor songs per chart song (0 keeps the catalogs of earlier
        versions unchanged, seed for seed).

    Returns
    -------
    chart : pandas.DataFrame
        ``song_id, artist, title, genre, popularity, tempo, key, mode`` (the
        last three are the parameters to synthesise the song with :func:`synth_clip`).
    features : pandas.DataFrame
        ``track_id, artist, title, danceability, energy, loudness, tempo,
        valence, acousticness, instrumentalness, duration_ms``.
    answer_key : pandas.DataFrame
        ``song_id, track_id`` of the songs both catalogs hold (the true matches).

    Examples
    --------
    >>> chart, features, truth = tl.datasets.make_catalogs(50, seed=1)
    >>> len(chart), len(features), len(truth)  # 80 % of the songs shared, plus songs of its own
    (50, 52, 40)
    >>> list(chart.columns)
    ['song_id', 'artist', 'title', 'genre', 'popularity', 'tempo', 'key', 'mode']
    >>> list(truth.columns)
    ['song_id', 'track_id']
    """
    import pandas as pd

    n_songs = positive_int(n_songs, "n_songs")
    affordable(2048.0 * n_songs, "n_songs", n_songs)  # about 1 kB per row in each of the three tables
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap must be in [0, 1], got {overlap}")
    if not distractors >= 0.0:
        raise ValueError(f"distractors must be >= 0, got {distractors}")
    rng = np.random.default_rng(seed)
    genres = list(GENRES)
    rows = []
    seen: set[tuple[str, str]] = set()
    while len(rows) < n_songs:
        r = rng.random()
        if r < 0.15:
            artist = str(rng.choice(_OTHER_SCRIPTS))
        elif r < 0.4:
            artist = str(rng.choice(_BANDS))
        else:
            artist = f"{rng.choice(_LATIN_FIRST)} {rng.choice(_LATIN_LAST)}"
        words = rng.choice(_TITLE_WORDS, size=int(rng.integers(1, 4)), replace=False)
        title = " ".join(str(w) for w in words)
        if (artist, title) in seen:
            continue
        seen.add((artist, title))
        genre = genres[int(rng.integers(len(genres)))]
        base_tempo, mode, _ = GENRES[genre]
        rows.append(dict(song_id=f"dz{len(rows):05d}", artist=artist, title=title, genre=genre,
                         popularity=int(rng.integers(0, 101)), tempo=float(round(base_tempo + rng.normal(0, 8), 1)),
                         key=int(rng.integers(12)), mode=mode))
    chart = pd.DataFrame(rows)

    shared = rng.permutation(n_songs)[: int(round(overlap * n_songs))]
    variants, key_rows = [], []
    for j, i in enumerate(shared):
        song = chart.iloc[int(i)]
        artist, title = _respell(str(song.artist), str(song.title), rng)
        track_id = f"sp{j:05d}"
        variants.append(dict(track_id=track_id, artist=artist, title=title, **_audio_features(song, rng)))
        key_rows.append(dict(song_id=song.song_id, track_id=track_id))
    extra = int(round(0.25 * n_songs))
    for k in range(extra):
        artist = f"{rng.choice(_LATIN_FIRST)} {rng.choice(_BANDS).split()[-1]}"
        title = " ".join(str(w) for w in rng.choice(_TITLE_WORDS, size=2, replace=False)) + " II"
        genre = genres[int(rng.integers(len(genres)))]
        pseudo = pd.Series(dict(genre=genre, tempo=GENRES[genre][0], mode=GENRES[genre][1]))
        variants.append(dict(track_id=f"sp{len(shared) + k:05d}", artist=artist, title=title, **_audio_features(pseudo, rng)))
    trap_rng = np.random.default_rng([seed, 1])  # its own stream: distractors=0 changes nothing
    words_of = {(a, tuple(sorted(t.lower().split()))) for a, t in seen}  # a title's words, in any order
    for k in range(int(round(distractors * n_songs))):
        song = chart.iloc[int(trap_rng.integers(n_songs))]
        title = _similar_title(str(song.title), trap_rng)
        if (str(song.artist), tuple(sorted(title.lower().split()))) in words_of:
            continue  # another chart song (maybe with its words reordered), not a distractor
        artist, title = _respell(str(song.artist), title, trap_rng)
        variants.append(dict(track_id=f"sx{k:05d}", artist=artist, title=title, **_audio_features(song, trap_rng)))
    features = pd.DataFrame(variants).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return chart, features, pd.DataFrame(key_rows, columns=["song_id", "track_id"])


def _respell(artist: str, title: str, rng: np.random.Generator) -> tuple[str, str]:
    """The other service's spelling of one song: each variation with its own probability."""
    if rng.random() < 0.4:
        artist, title = _strip_accents(artist), _strip_accents(title)
    if rng.random() < 0.2:
        title = title.lower() if rng.random() < 0.5 else title.upper()
    if rng.random() < 0.2:
        featured = str(rng.choice(_FEATURED))
        if rng.random() < 0.5:
            title = f"{title} (feat. {featured})"
        else:
            artist = f"{artist} feat. {featured}"
    if rng.random() < 0.2:
        title += str(rng.choice(_VERSION_TAGS))
    if artist.startswith("The ") and rng.random() < 0.5:
        artist = artist[4:]
    if rng.random() < 0.1:
        title = _typo(title, rng)
    return artist, title


def _similar_title(title: str, rng: np.random.Generator) -> str:
    """Another song's title that resembles ``title``: a word added or replaced, or a sequel."""
    words = title.split()
    other = str(rng.choice([w for w in _TITLE_WORDS if w not in words]))
    kind = int(rng.integers(3))
    if kind == 0:
        return f"{title} {other}"
    if kind == 1 and len(words) > 1:
        words[int(rng.integers(len(words)))] = other
        return " ".join(words)
    return f"{title} Part II"


def _audio_features(song: Any, rng: np.random.Generator) -> dict:
    """Spotify-style audio features consistent with the song's genre and tempo."""
    energetic = song.genre in ("rock", "electronic", "pop", "hiphop")
    acoustic = song.genre in ("classical", "ambient", "jazz")
    return dict(
        danceability=float(np.clip(rng.normal(0.7 if energetic else 0.35, 0.1), 0, 1)),
        energy=float(np.clip(rng.normal(0.75 if energetic else 0.3, 0.1), 0, 1)),
        loudness=float(np.clip(rng.normal(-6 if energetic else -16, 2.5), -40, 0)),
        tempo=float(round(float(song.tempo) + rng.normal(0, 1.5), 3)),
        valence=float(np.clip(rng.normal(0.65 if song.mode == "major" else 0.35, 0.12), 0, 1)),
        acousticness=float(np.clip(rng.normal(0.8 if acoustic else 0.15, 0.1), 0, 1)),
        instrumentalness=float(np.clip(rng.normal(0.7 if song.genre in ("classical", "ambient") else 0.05, 0.1), 0, 1)),
        duration_ms=int(rng.integers(150_000, 300_000)),
    )


def write_library(
    directory: str | os.PathLike[str], n_songs: int = 20, *, duration: float = 10.0, sr: int = 22050, seed: int = 0
) -> Any:
    """Writes a folder of synthetic songs (16-bit WAV) and returns their metadata.

    Songs come from :func:`make_catalogs` (same seed, same songs) and are
    synthesised with :func:`synth_clip` from each song's genre, tempo, key and mode.

    Parameters
    ----------
    directory : str or PathLike
        Created if missing.
    n_songs : int
        Number of files.
    duration : float
        Seconds per song.
    sr : int
        Sample rate in Hz.
    seed : int
        Seed of :func:`make_catalogs` and of the synthesis.

    Returns
    -------
    pandas.DataFrame
        The chart catalog rows of the written songs, with a ``path`` column.

    Examples
    --------
    >>> library = tl.datasets.write_library("music", n_songs=3, duration=1.0)
    >>> len(library), bool(library.path.str.endswith(".wav").all())
    (3, True)
    """
    chart, _, _ = make_catalogs(positive_int(n_songs, "n_songs"), seed=seed)
    out = Path(output_path(directory, "directory"))
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, song in enumerate(chart.itertuples()):
        y = synth_clip(sr=sr, duration=duration, tempo=song.tempo, key=song.key, mode=song.mode,
                       drums=GENRES[song.genre][2], seed=seed * 100_003 + i)
        path = out / f"{song.song_id}.wav"
        with writing(path), wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sr)
            wav.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
        paths.append(str(path))
    return chart.assign(path=paths)


def listening_history(features: Any, *, taste: str = "upbeat", noise: float = 0.5, seed: int = 0) -> Any:
    """A listener's liked/disliked labels and play counts, generated from audio features.

    The rule (documented so that results can be checked): a latent affinity
    ``a`` is a fixed linear function of the standardised features, plus
    Gaussian noise of standard deviation ``noise``:

    - ``taste="upbeat"``: ``a = danceability + energy + valence - acousticness``;
    - ``taste="calm"``: ``a = acousticness + instrumentalness - energy - loudness``.

    A song is ``liked`` when ``a`` is in the top third, ``disliked`` in the
    bottom third (the middle third is unrated: both ``False``);
    ``play_count`` is Poisson with mean ``3 * exp(a)``.

    Parameters
    ----------
    features : pandas.DataFrame
        The audio-feature columns named above (the features catalog of :func:`make_catalogs`).
    taste : {"upbeat", "calm"}
        Which listener.
    noise : float
        Standard deviation of the noise added to the affinity (0: labels follow the rule exactly).
    seed : int
        Seed of the noise and the play counts.

    Returns
    -------
    pandas.DataFrame
        ``features`` with ``affinity``, ``liked``, ``disliked`` and ``play_count`` columns.

    Examples
    --------
    >>> chart, features, truth = tl.datasets.make_catalogs(100)
    >>> history = tl.datasets.listening_history(features)
    >>> list(history.columns[-4:])
    ['affinity', 'liked', 'disliked', 'play_count']
    """
    weights = {"upbeat": {"danceability": 1, "energy": 1, "valence": 1, "acousticness": -1},
               "calm": {"acousticness": 1, "instrumentalness": 1, "energy": -1, "loudness": -1}}
    if taste not in weights:
        raise ValueError(f"taste must be one of {sorted(weights)}, got {taste!r}")
    rng = np.random.default_rng(seed)
    z = {c: (features[c] - features[c].mean()) / features[c].std(ddof=0) for c in weights[taste]}
    affinity = sum(w * z[c] for c, w in weights[taste].items()) / len(weights[taste]) ** 0.5
    affinity = affinity + rng.normal(0.0, float(noise), len(features))
    low, high = np.quantile(affinity, [1 / 3, 2 / 3])
    return features.assign(affinity=affinity, liked=affinity >= high, disliked=affinity <= low,
                           play_count=rng.poisson(3.0 * np.exp(np.clip(affinity, -5, 5))))
