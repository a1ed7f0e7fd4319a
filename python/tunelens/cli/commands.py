"""The working subcommands: features, match, recommend, explain, spectrogram."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from tunelens import _core
from tunelens._validate import writing
from tunelens.cli._common import (
    UsageError,
    audio_files,
    columns,
    existing,
    interactive,
    load_callable,
    progress,
    read_input_table,
    write_output,
)

_FEATURE_SETS = ("gtzan", "gtzan_kaggle", "descriptors", "all")


# ------------------------------------------------------------------ features
def _register_features(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("features", help="summary features of audio files as a table",
                       description="Extract GTZAN-style summary features (one row per file; a file that "
                       "fails gives a row with its message in the 'error' column).")
    p.add_argument("inputs", nargs="+", metavar="DIR_OR_FILES", help="a folder (searched recursively) or audio files")
    p.add_argument("-o", "--output", help="table to write (.csv, .parquet or .json); default CSV on stdout")
    p.add_argument("--set", dest="feature_set", choices=_FEATURE_SETS, default="gtzan", help="feature set (default gtzan)")
    p.add_argument("--sr", type=int, default=22050, help="analysis sample rate (default 22050)")
    p.add_argument("--duration", type=float, default=None, help="seconds to analyse per file (default all)")
    p.add_argument("--offset", type=float, default=0.0, help="seconds to skip at the start (default 0)")
    p.add_argument("--dask", metavar="SCHEDULER", default=None,
                   help="run on Dask: 'local' or 'local:N' (a LocalCluster of N single-thread worker processes, "
                   "default 2) or a scheduler address such as tcp://host:8786")
    p.add_argument("--partition-size", type=int, default=64, help="files per Dask task (default 64)")
    p.set_defaults(run=_features)
    return p


def _features(args: argparse.Namespace) -> int:
    _at_least(1, sr=args.sr, partition_size=args.partition_size)
    _at_least(0, duration=args.duration, offset=args.offset)
    inputs = audio_files(args.inputs)
    if not inputs:
        raise UsageError("no audio files in the inputs")
    options = dict(feature_set=args.feature_set, sr=args.sr, duration=args.duration, offset=args.offset)
    if args.dask:
        df = _features_on_dask(inputs, args, options)
    else:
        import tunelens as tl

        df = tl.extract_features(inputs, n_jobs=args.n_jobs, progress=interactive(), **options)
    if len(df) == 0:
        raise UsageError(f"no audio files in {' '.join(args.inputs)}")
    failed = int(df["error"].notna().sum())
    if failed == len(df):
        raise RuntimeError(f"every file failed; first error: {df['error'].iloc[0]}")
    write_output(df, args.output, "rows")
    if failed:
        print(f"{failed} of {len(df)} files failed (see the 'error' column)", file=sys.stderr)
    return 0


def _dask_client(scheduler: str) -> Any:
    """A distributed ``Client`` for ``--dask``: ``local[:N]`` or an address."""
    from dask.distributed import Client, LocalCluster

    if scheduler == "local" or scheduler.startswith("local:"):
        workers = scheduler.partition(":")[2] or "2"
        if not workers.isdigit() or int(workers) < 1:
            raise UsageError(f"--dask local:N needs a positive N, got {scheduler!r}")
        cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster)
    return Client(scheduler, timeout="10s")


def _features_on_dask(inputs: Any, args: argparse.Namespace, options: dict) -> Any:
    import pandas as pd
    from dask.distributed import as_completed

    from tunelens import dask as tldask

    client = _dask_client(args.dask)
    try:
        ddf = tldask.extract_features(inputs, partition_size=args.partition_size,
                                      n_jobs_per_worker=None if args.n_jobs == -1 else args.n_jobs, **options)
        futures = client.compute(ddf.to_delayed())
        for _ in progress(as_completed(futures), len(futures), "features"):
            pass
        return pd.concat(client.gather(futures))
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------- match
def _register_match(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("match", help="match the songs of two catalogs (fuzzy artist/title)",
                       description="Match the rows of two catalog tables by normalized, fuzzy-compared keys.")
    p.add_argument("left", metavar="LEFT", help="left catalog table (.csv, .parquet, .json)")
    p.add_argument("right", metavar="RIGHT", help="right catalog table")
    p.add_argument("--left-on", default="artist,title", help="comma-separated key columns of LEFT (default artist,title)")
    p.add_argument("--right-on", default=None, help="key columns of RIGHT (default: --left-on)")
    p.add_argument("--threshold", type=float, default=90.0, help="minimum combined score 0-100 (default 90)")
    p.add_argument("--scorer", default="token_sort_ratio", help="rapidfuzz-style scorer (default token_sort_ratio)")
    p.add_argument("--how", choices=("inner", "left"), default="inner", help="keep unmatched LEFT rows with 'left'")
    p.add_argument("--many-to-many", action="store_true", help="keep every pair above the threshold")
    p.add_argument("-o", "--output", help="pairs table to write; default CSV on stdout")
    p.set_defaults(run=_match)
    return p


def _match(args: argparse.Namespace) -> int:
    import tunelens as tl

    left, right = read_input_table(args.left), read_input_table(args.right)
    left_on, right_on = columns(args.left_on), columns(args.right_on) or columns(args.left_on)
    for name, table, keys in (("LEFT", left, left_on), ("RIGHT", right, right_on)):
        missing = [c for c in keys if c not in table.columns]
        if missing:
            raise UsageError(f"{name} has no column(s) {missing}; it has {list(table.columns)}")
    pairs = tl.match_catalogs(left, right, left_on=left_on, right_on=right_on, scorer=args.scorer,
                              threshold=args.threshold, one_to_one=not args.many_to_many, how=args.how,
                              n_jobs=args.n_jobs, progress=interactive())
    write_output(pairs, args.output, "pairs")
    return 0


# ----------------------------------------------------------------- recommend
def _register_recommend(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("recommend", help="songs like a seed, with the features that made them similar",
                       description="Recommend the nearest catalog items (scaled features) to one or more seeds.")
    p.add_argument("features", metavar="FEATURES", help="feature table (e.g. from 'tunelens features')")
    p.add_argument("--seed", action="append", required=True, metavar="ID",
                   help="id of a seed item (repeat for several seeds)")
    p.add_argument("-k", type=int, default=10, help="number of recommendations (default 10)")
    p.add_argument("--metric", choices=_core.OPTION_NAMES["neighbors.Metric"], default="cosine")
    p.add_argument("--scaler", choices=_core.OPTION_NAMES["neighbors.ScalerKind"], default="standard")
    p.add_argument("--id-column", default=None,
                   help="column of item ids (default: the first of filename, track_id, song_id, id)")
    p.add_argument("--features", dest="columns", default=None, help="comma-separated feature columns (default all numeric)")
    p.add_argument("-o", "--output", help="table to write; default CSV on stdout")
    p.set_defaults(run=_recommend)
    return p


_ID_COLUMNS = ("filename", "track_id", "song_id", "id")


def _recommend(args: argparse.Namespace) -> int:
    import pandas as pd

    from tunelens import Recommender
    from tunelens._tables import numeric_features

    df = read_input_table(args.features)
    if args.k < 1:
        raise UsageError(f"-k must be at least 1, got {args.k}")
    id_column = args.id_column or next((c for c in _ID_COLUMNS if c in df.columns), None)
    if id_column is None or id_column not in df.columns:
        raise UsageError(f"no id column: pass --id-column (columns: {list(df.columns)})")
    failed = df["error"].notna() if "error" in df.columns else pd.Series(False, index=df.index)
    df = df[~failed].reset_index(drop=True)
    chosen = columns(args.columns) or numeric_features(df, None, id_column)
    ids = df[id_column]
    seeds = [_seed_id(s, ids) for s in args.seed]
    model = Recommender(features=chosen, metric=args.metric, scaler=None if args.scaler == "none" else args.scaler,
                        id_column=id_column, n_jobs=args.n_jobs).fit(df)
    recs = model.recommend(seeds if len(seeds) > 1 else seeds[0], k=args.k)
    if failed.any():
        print(f"left out {int(failed.sum())} rows with an extraction error", file=sys.stderr)
    write_output(recs, args.output, "recommendations")
    return 0


def _seed_id(text: str, ids: Any) -> Any:
    """The id ``text`` in the id column's type (a usage error when absent)."""
    values = set(ids.tolist())
    for candidate in (text, *_numbers(text)):
        if candidate in values:
            return candidate
    raise UsageError(f"--seed {text!r} is not in the id column {ids.name!r}")


def _numbers(text: str) -> list[Any]:
    out: list[Any] = []
    for kind in (int, float):
        try:
            out.append(kind(text))
        except ValueError:
            pass
    return out


# ------------------------------------------------------------------- explain
def _register_explain(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("explain", help="which parts of a clip drive a model's prediction (audioLIME)",
                       description="Explain a model's output on one clip by switching time segments off "
                       "(audioLIME). The model is a function taking a (batch, samples) float32 array "
                       "and returning (batch,) or (batch, classes) scores.")
    p.add_argument("audio", metavar="AUDIO", help="audio file")
    p.add_argument("--model", required=True, metavar="MODULE:FUNC",
                   help="predict function: an importable MODULE:FUNC or a FILE.py:FUNC")
    p.add_argument("--segments", type=int, default=5, help="number of time segments (default 5)")
    p.add_argument("--num-samples", type=int, default=1000, help="perturbations (default 1000)")
    p.add_argument("--label", type=int, default=None, help="output column to explain (default the top one)")
    p.add_argument("--sr", type=int, default=22050, help="sample rate the model expects (default 22050)")
    p.add_argument("--random-state", type=int, default=0, help="seed of the perturbations (default 0)")
    p.add_argument("--top", type=int, default=3, help="segments kept in --wav (default 3)")
    p.add_argument("-o", "--output", help="explanation to write (.json); default JSON on stdout")
    p.add_argument("--wav", default=None, help="write the top segments as a WAV file")
    p.set_defaults(run=_explain)
    return p


def _explain(args: argparse.Namespace) -> int:
    import tunelens as tl
    from tunelens.explain import TimeSegments, explain

    if args.output is not None and not args.output.lower().endswith(".json"):
        raise UsageError(f"-o must name a .json file, got {args.output!r}")
    _at_least(1, segments=args.segments, num_samples=args.num_samples, sr=args.sr, top=args.top)
    existing(args.audio)
    predict = load_callable(args.model)
    y, sr = tl.load(args.audio, sr=args.sr, n_jobs=args.n_jobs)
    result = explain(y, sr, predict, TimeSegments(args.segments), labels=args.label, num_samples=args.num_samples,
                     random_state=args.random_state, n_jobs=args.n_jobs, progress=interactive())
    report = {"audio": str(args.audio), "model": args.model, **result.to_dict(),
              "top_components": [result.decomposition.names[i] for i in result.top_components(args.top)]}
    if args.wav:
        report["wav"] = str(result.to_wav(args.wav, k=args.top))
    text = json.dumps(report, indent=1)
    if args.output is None:
        print(text)
    else:
        with writing(args.output):
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            Path(args.output).write_text(text + "\n")
        print(f"{result!r}\nwrote {args.output}", file=sys.stderr)
    return 0


# --------------------------------------------------------------- spectrogram
def _register_spectrogram(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser("spectrogram", help="mel spectrogram PNGs of audio files",
                       description="Write one mel spectrogram PNG per audio file (a folder is searched "
                       "recursively; the PNGs keep its sub-folders).")
    p.add_argument("inputs", nargs="+", metavar="AUDIO_OR_DIR", help="audio files or folders")
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help="folder for the PNGs")
    p.add_argument("--sr", type=int, default=22050, help="sample rate (default 22050)")
    p.add_argument("--n-mels", type=int, default=128, help="mel bands (default 128)")
    p.add_argument("--cmap", default="magma", help="colour map (default magma)")
    p.add_argument("--size", default=None, metavar="WxH", help="image size in pixels (default one pixel per frame/band)")
    p.set_defaults(run=_spectrogram)
    return p


def _spectrogram(args: argparse.Namespace) -> int:
    import tunelens as tl
    from tunelens.extract import audio_files_in
    from tunelens.render import spectrogram_png

    size = _size(args.size)
    _at_least(1, sr=args.sr, n_mels=args.n_mels)
    jobs: list[tuple[str, Path]] = []
    for path in args.inputs:
        existing(path)
        if os.path.isdir(path):
            root = Path(path)
            jobs += [(str(f), f.relative_to(root).with_suffix(".png")) for f in audio_files_in(root, warn=False)]
        else:
            jobs.append((path, Path(Path(path).name).with_suffix(".png")))
    if not jobs:
        raise UsageError(f"no audio files in {' '.join(args.inputs)}")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {args.output} is a file; give a folder for the PNGs")
    errors = []
    for source, name in progress(jobs, len(jobs), "spectrogram"):
        try:
            y, sr = tl.load(source, sr=args.sr, n_jobs=args.n_jobs)
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            spectrogram_png(y, out / name, sr=sr, n_mels=args.n_mels, cmap=args.cmap, size=size)
        except Exception as err:  # noqa: BLE001 - one failing file does not stop the others
            errors.append(f"{source}: {err}")
    if len(errors) < len(jobs):
        print(f"wrote {len(jobs) - len(errors)} PNGs to {out}", file=sys.stderr)
    if errors:
        raise RuntimeError(f"{len(errors)} of {len(jobs)} files failed; first: {errors[0]}")
    return 0


def _at_least(low: float, **options: float | None) -> None:
    """A usage error naming the first option (``n_mels`` as ``--n-mels``) below ``low``."""
    for name, value in options.items():
        if value is not None and not value >= low:  # NaN fails too
            raise UsageError(f"--{name.replace('_', '-')} must be at least {low}, got {value}")


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    w, sep, h = text.lower().partition("x")
    if not sep or not w.isdigit() or not h.isdigit() or int(w) < 1 or int(h) < 1:
        raise UsageError(f"--size must be WIDTHxHEIGHT, got {text!r}")
    return int(w), int(h)


#: The ``register(subparsers)`` functions, in the order ``--help`` lists them.
REGISTER = (_register_features, _register_match, _register_recommend, _register_explain, _register_spectrogram)

__all__ = ["REGISTER"]
