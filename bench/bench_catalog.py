"""Benchmark tunelens.match_catalogs against the rapidfuzz extractOne loop.

Data: ``tunelens.datasets.make_catalogs(N)`` (accents, case, feat. credits,
version tags, typos, missing songs; ``--distractors`` same-artist look-alikes).

- tunelens: ``match_catalogs(chart, features)`` on all N chart rows, in a fresh
  subprocess that reports the wall time and its peak resident memory
  (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, the whole process including
  the generated catalogs; the resident size before the call is printed too).
- reference: the usual notebook loop, ``rapidfuzz.process.extractOne(artist +
  " " + title, choices, scorer=fuzz.token_sort_ratio, score_cutoff=90,
  processor=rapidfuzz.utils.default_process)`` for a random sample of left
  rows, extrapolated to all N (not one-to-one, no exact pass).

Both are scored against the answer key (the reference on its sample).

``--corpus``: the hand-curated corpus in ``tests/data/catalog_corpus`` (a
playlist export, one row per playlist entry, against an audio-feature table
from another source), judged by recording identity: the seed notebook's
regex-plus-``extractOne`` loop against ``match_catalogs`` on strings alone and
with ``duration_on``, each timed in this process (best of 5).

Run: ``python bench/bench_catalog.py [--n 100000] [--sample 300] [--threads N] [--corpus]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _accuracy(found: set, truth: set) -> tuple[float, float]:
    hit = len(found & truth)
    return hit / max(1, len(found)), hit / max(1, len(truth))


def child(n: int, distractors: float, threads: int) -> None:
    """Runs match_catalogs once and prints a JSON line with time, memory and accuracy."""
    import tunelens

    chart, features, key = tunelens.datasets.make_catalogs(n, seed=0, distractors=distractors)
    before = _rss_mb()
    t0 = time.perf_counter()
    result = tunelens.match_catalogs(chart, features, n_jobs=threads, progress=False)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = set(zip(chart.song_id.to_numpy()[result.left_index], features.track_id.to_numpy()[result.right_index]))
    precision, recall = _accuracy(found, set(zip(key.song_id, key.track_id)))
    print(json.dumps(dict(seconds=seconds, peak_mb=peak, before_mb=before, left=len(chart), right=len(features),
                          matches=len(result), exact=int((result.match_type == "exact").sum()),
                          precision=precision, recall=recall)))


def reference(n: int, distractors: float, sample: int) -> dict:
    """The extractOne loop on ``sample`` left rows, extrapolated to all of them."""
    from rapidfuzz import fuzz, process, utils

    import tunelens

    chart, features, key = tunelens.datasets.make_catalogs(n, seed=0, distractors=distractors)
    choices = (features.artist + " " + features.title).tolist()
    rows = np.random.default_rng(0).choice(len(chart), size=min(sample, len(chart)), replace=False)
    queries = (chart.artist + " " + chart.title).to_numpy()[rows]
    t0 = time.perf_counter()
    best = [process.extractOne(q, choices, scorer=fuzz.token_sort_ratio, score_cutoff=90, processor=utils.default_process)
            for q in queries]
    seconds = (time.perf_counter() - t0) / len(rows) * len(chart)
    found = {(chart.song_id.iloc[i], features.track_id.iloc[b[2]]) for i, b in zip(rows, best) if b is not None}
    sampled = set(chart.song_id.iloc[rows])
    truth = {(s, t) for s, t in zip(key.song_id, key.track_id) if s in sampled}
    precision, recall = _accuracy(found, truth)
    return dict(seconds=seconds, sample=len(rows), precision=precision, recall=recall)


def corpus() -> None:
    """Precision, recall and time on the hand-curated corpus (see the module docs)."""
    import re

    import pandas as pd
    from rapidfuzz import fuzz, process

    import tunelens

    folder = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "catalog_corpus")
    playlist = pd.read_csv(os.path.join(folder, "playlist.csv"))
    features = pd.read_csv(os.path.join(folder, "features.csv"))
    truth_rows = pd.read_csv(os.path.join(folder, "truth.csv"), keep_default_na=False)
    truth = {r.track_uri: set(r.id.split("|")) if r.id else set() for r in truth_rows.itertuples()}
    positives = sum(1 for ids in truth.values() if ids)

    def score(found: dict) -> tuple[float, float]:
        correct = sum(1 for uri, right in found.items() if right in truth[uri])
        return correct / max(1, len(found)), correct / positives

    def notebook() -> dict:
        clean = lambda s: re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", "", str(s).lower())).strip()  # noqa: E731
        choices = [clean(a) + " " + clean(t) for a, t in zip(features.artists, features.name)]
        tracks = playlist.drop_duplicates("track_uri")
        found = {}
        for uri, a, t in zip(tracks.track_uri, tracks.artist, tracks.title):
            best = process.extractOne(clean(a) + " " + clean(t), choices, scorer=fuzz.token_sort_ratio, score_cutoff=90)
            if best is not None:
                found[uri] = features.id[best[2]]
        return found

    def ours(**options) -> dict:
        pairs = tunelens.match_catalogs(playlist, features, right_on=("artists", "name"), left_id="track_uri",
                                        progress=False, **options)
        return dict(zip(playlist.track_uri[pairs.left_index], features.id[pairs.right_index]))

    print(f"corpus: {len(playlist)} playlist rows of {len(truth)} recordings ({positives} on the right), "
          f"{len(features)} feature rows")
    print("| method | precision | recall | time (ms) |\n|---|---:|---:|---:|")
    for name, run in [("seed notebook: regex + extractOne loop", notebook),
                      ("match_catalogs, strings alone", ours),
                      ("match_catalogs, duration_on=\"duration_ms\"", lambda: ours(duration_on="duration_ms"))]:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            found = run()
            times.append(time.perf_counter() - t0)
        precision, recall = score(found)
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {min(times) * 1e3:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--distractors", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=-1)
    parser.add_argument("--corpus", action="store_true", help="the hand-curated corpus instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus:
        corpus()
        return
    if args.child:
        child(args.n, args.distractors, args.threads)
        return
    sys.path.insert(0, os.path.dirname(__file__))
    from _harness import Table

    cmd = [sys.executable, __file__, "--child", "--n", str(args.n), "--distractors", str(args.distractors),
           "--threads", str(args.threads)]
    ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    ref = reference(args.n, args.distractors, args.sample)
    label = f"match_catalogs {ours['left']:,} x {ours['right']:,}"
    table = Table("Catalog matching", f"rapidfuzz extractOne loop (extrapolated from {ref['sample']} rows)")
    table.add(label, ref["seconds"] * 1e3, ours["seconds"] * 1e3)
    print()
    print(table.markdown())
    print()
    print(f"tunelens: {ours['seconds']:.1f} s, peak RSS {ours['peak_mb']:.0f} MiB (before the call {ours['before_mb']:.0f} MiB), "
          f"{ours['matches']:,} matches ({ours['exact']:,} exact), precision {ours['precision']:.4f}, "
          f"recall {ours['recall']:.4f}")
    print(f"extractOne loop: {ref['seconds']:.0f} s extrapolated, precision {ref['precision']:.4f}, "
          f"recall {ref['recall']:.4f} (on its sample; not one-to-one)")


if __name__ == "__main__":
    main()
