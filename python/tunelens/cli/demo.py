"""``tunelens demo``: the whole pipeline on generated data.

Audio -> features -> catalog matching -> recommendations with reasons ->
explanation, printing a short report and writing every file to a folder.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from tunelens._validate import writing

_SHADES = " .:-=+*#%@"


def register(sub: Any) -> argparse.ArgumentParser:
    """Adds the ``demo`` subcommand.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        The subcommands of the ``tunelens`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The ``demo`` parser.

    Examples
    --------
    >>> import argparse
    >>> from tunelens.cli import demo
    >>> parser = argparse.ArgumentParser(prog="tunelens")
    >>> demo.register(parser.add_subparsers(dest="command")).prog
    'tunelens demo'
    """
    p = sub.add_parser("demo", help="run the whole pipeline on generated music and print a report",
                       description="Generate a small music library and two catalogs, then extract features, "
                       "match the catalogs, recommend songs with reasons and explain a model's score; "
                       "every file is written to the output folder.")
    p.add_argument("--output", "-o", default=None, metavar="DIR",
                   help="folder for the files (default: a new temporary folder, printed at the end)")
    p.add_argument("--songs", type=int, default=12, help="songs in the generated library (default 12)")
    p.add_argument("--seconds", type=float, default=5.0, help="length of each song (default 5)")
    p.add_argument("--catalog-size", type=int, default=500, help="songs in the catalogs to match (default 500)")
    p.add_argument("--seed", type=int, default=0, help="seed of everything generated (default 0)")
    p.set_defaults(run=_run)
    return p


def _run(args: argparse.Namespace) -> int:
    from tunelens.cli._common import UsageError

    if args.songs < 3 or not args.seconds > 0 or args.catalog_size < 1:  # NaN fails too
        raise UsageError("--songs must be at least 3, --seconds and --catalog-size positive")
    out = Path(args.output) if args.output else Path(tempfile.mkdtemp(prefix="tunelens-demo-"))
    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
    print(run_demo(out, songs=args.songs, seconds=args.seconds, catalog_size=args.catalog_size,
                   seed=args.seed, n_jobs=args.n_jobs))
    return 0


def _timed(lines: list[str], label: str, step: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = step()
    lines.append(f"[{time.perf_counter() - start:6.2f} s] {label}")
    return result


def percussiveness(batch: np.ndarray) -> np.ndarray:
    """The demo's "model": the share of a clip's energy in its sample-to-sample
    changes (high for drum hits, low for sustained chords), one score per row.

    Parameters
    ----------
    batch : np.ndarray [shape=(rows, n)]
        Clips, one per row.

    Returns
    -------
    np.ndarray [shape=(rows,)], float64

    Examples
    --------
    >>> from tunelens.cli.demo import percussiveness
    >>> t = np.arange(8000) / 8000
    >>> chord = np.sin(2 * np.pi * 220 * t)
    >>> clicks = np.where(np.arange(8000) % 1000 == 0, 1.0, 0.0)
    >>> percussiveness(np.stack([chord, clicks])).round(3)
    array([0.03 , 1.875])
    """
    x = np.asarray(batch, dtype=np.float64)
    energy = np.mean(x * x, axis=-1)
    change = np.mean(np.diff(x, axis=-1) ** 2, axis=-1)
    return change / np.maximum(energy, 1e-12)


def run_demo(out: Path, *, songs: int = 12, seconds: float = 5.0, catalog_size: int = 500, seed: int = 0,
             n_jobs: int = -1) -> str:
    """Runs the demo pipeline, writes its files to ``out`` and returns the report.

    Parameters
    ----------
    out : Path
        Folder for ``audio/``, ``features.csv``, ``matches.csv``,
        ``recommendations.csv``, ``explanation.json``, ``explanation_top3.wav``
        and ``spectrogram.png``.
    songs, seconds : int, float
        Size of the generated library.
    catalog_size : int
        Songs in the two generated catalogs that are matched.
    seed : int
        Seed of every generated item.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    str
        The report.

    Examples
    --------
    >>> from pathlib import Path
    >>> from tunelens.cli.demo import run_demo
    >>> report = run_demo(Path("demo"), songs=3, seconds=3.0, catalog_size=40)
    >>> sorted(p.name for p in Path("demo").iterdir())
    ['audio', 'explanation.json', 'explanation_top3.wav', 'features.csv', 'matches.csv', 'recommendations.csv', 'spectrogram.png']
    """
    import tunelens as tl
    from tunelens.datasets import make_catalogs, write_library
    from tunelens.explain import TimeSegments, explain
    from tunelens.io import write_table
    from tunelens.render import spectrogram_png

    lines = [f"tunelens {tl.__version__} demo", ""]
    library = _timed(lines, f"wrote {songs} generated songs of {seconds:g} s to {out / 'audio'}",
                     lambda: write_library(out / "audio", songs, duration=seconds, seed=seed))

    features = _timed(lines, "extracted the 57 GTZAN features of every song",
                      lambda: tl.extract_features(out / "audio", n_jobs=n_jobs, progress=False))
    write_table(features, out / "features.csv")

    chart, spotify, answer = make_catalogs(catalog_size, seed=seed)
    pairs = _timed(lines, f"matched a {len(chart)}-song chart with a {len(spotify)}-track feature catalog",
                   lambda: tl.match_catalogs(chart, spotify, left_on=("artist", "title"), n_jobs=n_jobs,
                                             progress=False))
    write_table(pairs, out / "matches.csv")
    found = set(zip(chart.loc[pairs["left_index"], "song_id"], spotify.loc[pairs["right_index"], "track_id"]))
    truth = set(zip(answer["song_id"], answer["track_id"]))
    hits = len(found & truth)
    lines.append(f"           {len(pairs)} pairs: precision {hits / max(len(found), 1):.3f}, "
                 f"recall {hits / max(len(truth), 1):.3f} against the answer key")

    seed_song = str(features["filename"].iloc[0])
    columns = [c for c in features.columns if c not in ("filename", "length", "error")]
    recs = _timed(lines, f"recommended songs like {seed_song}",
                  lambda: tl.Recommender(features=columns, id_column="filename", n_jobs=n_jobs)
                  .fit(features).recommend(seed_song, k=min(5, songs - 1)))
    write_table(recs, out / "recommendations.csv")
    genre = dict(zip(library["song_id"] + ".wav", library["genre"]))
    for row in recs.head(3).itertuples():
        lines.append(f"           {row.rank}. {row.filename} ({genre.get(row.filename, '?')}, "
                     f"score {row.score:.3f}) because {row.because}")

    y, sr = tl.load(out / "audio" / seed_song, sr=22050)
    explanation = _timed(lines, f"explained the percussiveness score of {seed_song} over 5 time segments",
                         lambda: explain(y, sr, percussiveness, TimeSegments(5), num_samples=200,
                                         random_state=seed, n_jobs=n_jobs, progress=False))
    with writing(out / "explanation.json"):
        (out / "explanation.json").write_text(json.dumps(explanation.to_dict(), indent=1) + "\n")
    explanation.to_wav(out / "explanation_top3.wav", k=3)
    top = ", ".join(explanation.decomposition.names[i] for i in explanation.top_components(3))
    lines.append(f"           most responsible segments: {top} (R² {explanation.score:.2f})")

    M = tl.melspectrogram(y=y, sr=sr, n_mels=64)
    spectrogram_png(y, out / "spectrogram.png", sr=sr)
    lines += ["", f"mel spectrogram of {seed_song} (genre {genre.get(seed_song, '?')}):",
              _ascii_spectrogram(tl.power_to_db(M, ref=np.max)), "",
              f"files written to {out}: audio/, features.csv, matches.csv, recommendations.csv, "
              "explanation.json, explanation_top3.wav, spectrogram.png"]
    return "\n".join(lines)


def _ascii_spectrogram(S_db: np.ndarray, rows: int = 10, cols: int = 64) -> str:
    """A coarse text picture of a dB spectrogram (low frequencies at the bottom)."""
    n_bands, n_frames = S_db.shape
    rows, cols = min(rows, n_bands), min(cols, n_frames)  # a short clip has fewer frames than columns
    band_edges = np.linspace(0, n_bands, rows + 1).astype(int)
    frame_edges = np.linspace(0, n_frames, cols + 1).astype(int)
    lo, hi = float(S_db.min()), float(S_db.max())
    lines = []
    for r in reversed(range(rows)):
        cells = []
        for c in range(cols):
            v = S_db[band_edges[r] : band_edges[r + 1], frame_edges[c] : frame_edges[c + 1]].mean()
            cells.append(_SHADES[int((v - lo) / max(hi - lo, 1e-9) * (len(_SHADES) - 1))])
        lines.append("|" + "".join(cells) + "|")
    return "\n".join(lines)
