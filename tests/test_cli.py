"""The ``tunelens`` command line, driven through subprocesses on generated files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import tunelens as tl
from tunelens.datasets import make_catalogs, write_library
from tunelens.io import read_table

COMMANDS = ["features", "match", "recommend", "explain", "spectrogram", "demo"]

MODEL = """
import numpy as np

def loudness(batch):
    return np.sqrt(np.mean(np.asarray(batch, dtype=np.float64) ** 2, axis=1))

def two_classes(batch):
    x = np.asarray(batch, dtype=np.float64)
    bright = np.mean(np.diff(x, axis=1) ** 2, axis=1) / np.maximum(np.mean(x * x, axis=1), 1e-12)
    return np.stack([bright, 1.0 / (1.0 + bright)], axis=1)

def broken(batch):
    raise RuntimeError("the model crashed")
"""


def tunelens(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    """Runs ``python -m tunelens ARGS`` and returns the finished process."""
    return subprocess.run([sys.executable, "-m", "tunelens", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def run(capsys, *args: str) -> subprocess.CompletedProcess:
    """Runs ``tunelens.cli.main(ARGS)`` in this process (same code as the
    script, without the interpreter start-up) and returns what it printed."""
    from tunelens.cli import main

    try:
        code = main([str(a) for a in args])
    except SystemExit as exit_:  # argparse: --help and usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def assert_usage_error(proc: subprocess.CompletedProcess, text: str) -> None:
    """Exit code 2, one clear line on stderr naming ``text``, no traceback."""
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Four generated 2-second songs plus a broken file, and a model module."""
    root = tmp_path_factory.mktemp("cli")
    songs = root / "songs"
    write_library(songs, 4, duration=2.0, seed=5)
    (songs / "broken.wav").write_bytes(b"not audio")
    (root / "models.py").write_text(MODEL)
    return root


@pytest.mark.parametrize("command", COMMANDS)
def test_help(capsys, command):
    proc = run(capsys, command, "--help")
    assert proc.returncode == 0 and proc.stdout.startswith(f"usage: tunelens {command}"), proc.stderr
    assert "--n-jobs" in proc.stdout


def test_console_script_and_usage_errors(capsys):
    script = os.path.join(os.path.dirname(sys.executable), "tunelens")
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and all(c in proc.stdout for c in COMMANDS)
    assert_usage_error(tunelens("nope"), "invalid choice")
    assert_usage_error(run(capsys), "required")


@pytest.mark.parametrize("ext", ["csv", "parquet", "json"])
def test_features(capsys, files, tmp_path, ext):
    out = tmp_path / f"features.{ext}"
    args = ("features", files / "songs", "-o", out, "--n-jobs", "2")
    proc = tunelens(*args) if ext == "csv" else run(capsys, *args)
    assert proc.returncode == 0, proc.stderr
    assert "1 of 5 files failed" in proc.stderr
    got = read_table(out)
    expected = tl.extract_features(files / "songs")
    assert got["filename"].tolist() == expected["filename"].tolist()
    # The text formats print floats with round-trip precision: exact.
    np.testing.assert_array_equal(got["mfcc3_mean"].to_numpy(float), expected["mfcc3_mean"].to_numpy(float))
    assert got["error"].notna().tolist() == expected["error"].notna().tolist()


def test_features_on_dask(files, tmp_path):
    out = tmp_path / "f.parquet"
    proc = tunelens("features", files / "songs" / "dz00000.wav", files / "songs" / "dz00001.wav", "--set",
                    "descriptors", "--dask", "local:1", "--partition-size", "1", "-o", out)
    assert proc.returncode == 0, proc.stderr
    expected = tl.extract_features([files / "songs" / "dz00000.wav", files / "songs" / "dz00001.wav"],
                                   feature_set="descriptors")
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_dtype=False, check_exact=True)



def test_features_to_stdout(capsys, files):
    proc = run(capsys, "features", files / "songs" / "dz00002.wav", "--duration", "1")
    assert proc.returncode == 0 and proc.stdout.startswith("filename,length,chroma_stft_mean")


def test_features_errors(capsys, files, tmp_path):
    assert_usage_error(tunelens("features", tmp_path / "missing"), "no such file or folder")
    assert_usage_error(run(capsys, "features", files / "songs", "-o", tmp_path / "f.xlsx"), ".xlsx")
    assert_usage_error(run(capsys, "features", files / "songs", "--set", "bogus"), "invalid choice")
    assert_usage_error(run(capsys, "features", files / "songs", "--dask", "local:0"), "local:N")
    proc = run(capsys, "features", files / "songs" / "broken.wav", "-o", tmp_path / "f.csv")
    assert proc.returncode == 1 and "every file failed" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def feature_table(files):
    path = files / "features.csv"
    assert tunelens("features", files / "songs", "-o", path).returncode == 0
    return path


def test_recommend(feature_table, tmp_path):
    out = tmp_path / "recs.json"
    proc = tunelens("recommend", feature_table, "--seed", "dz00001.wav", "-k", "2", "--metric", "euclidean", "-o", out)
    assert proc.returncode == 0, proc.stderr
    got = read_table(out)
    df = tl.extract_features(feature_table.parent / "songs")
    df = df[df["error"].isna()].reset_index(drop=True)
    columns = [c for c in df.columns if c not in ("filename", "length", "error")]
    expected = tl.Recommender(features=columns, metric="euclidean", id_column="filename").fit(df).recommend(
        "dz00001.wav", k=2)
    assert got["filename"].tolist() == expected["filename"].tolist()
    assert "dz00001.wav" not in got["filename"].tolist()
    np.testing.assert_allclose(got["distance"], expected["distance"], rtol=1e-12)  # CSV round trip of the input
    assert got["because"].str.len().gt(0).all()


def test_recommend_errors(capsys, feature_table, tmp_path):
    assert_usage_error(tunelens("recommend", tmp_path / "none.csv", "--seed", "x"), "none.csv")
    assert_usage_error(run(capsys, "recommend", feature_table, "--seed", "nope.wav"), "nope.wav")
    assert_usage_error(run(capsys, "recommend", feature_table), "--seed")
    assert_usage_error(run(capsys, "recommend", feature_table, "--seed", "dz00000.wav", "-k", "0"), "-k")


def test_explain(files, tmp_path):
    out, wav = tmp_path / "ex.json", tmp_path / "top.wav"
    proc = tunelens("explain", files / "songs" / "dz00000.wav", "--model", files / "models.py:loudness",
                    "--segments", "4", "--num-samples", "64", "-o", out, "--wav", wav)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    from tunelens.explain import TimeSegments, explain

    y, sr = tl.load(files / "songs" / "dz00000.wav", sr=22050)
    namespace: dict = {}
    exec(MODEL, namespace)
    expected = explain(y, sr, namespace["loudness"], TimeSegments(4), num_samples=64, random_state=0, progress=False)
    assert report["components"] == list(expected.decomposition.names)
    np.testing.assert_array_equal(report["weights"], expected.component_weights)  # same seed, same masks
    assert wav.stat().st_size > 0 and report["wav"] == str(wav)


def test_explain_module_func_label_and_stdout(capsys, monkeypatch, files):
    monkeypatch.syspath_prepend(str(files))
    proc = run(capsys, "explain", files / "songs" / "dz00001.wav", "--model", "models:two_classes", "--label", "1",
               "--num-samples", "32")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["label"] == 1 and len(report["weights"]) == 5


def test_explain_errors(capsys, files, tmp_path):
    song = files / "songs" / "dz00000.wav"
    assert_usage_error(tunelens("explain", tmp_path / "x.wav", "--model", "m:f"), "x.wav")
    assert_usage_error(run(capsys, "explain", song, "--model", "no_such_module_xyz:f"), "no_such_module_xyz")
    assert_usage_error(run(capsys, "explain", song, "--model", files / "models.py:missing"), "missing")
    assert_usage_error(run(capsys, "explain", song, "--model", "nocolon"), "MODULE:FUNC")
    assert_usage_error(run(capsys, "explain", song, "--model", "m:f", "-o", tmp_path / "e.csv"), ".json")
    crash = tunelens("explain", song, "--model", files / "models.py:broken", "--num-samples", "8")
    assert crash.returncode == 1 and crash.stderr.strip() == "tunelens explain: error: the model crashed"
    debug = run(capsys, "explain", song, "--model", files / "models.py:broken", "--num-samples", "8", "--debug")
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "the model crashed" in debug.stderr


def test_spectrogram(capsys, files, tmp_path):
    proc = tunelens("spectrogram", files / "songs" / "dz00000.wav", files / "songs" / "dz00001.wav",
                    "-o", tmp_path / "png", "--size", "64x32")
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    for name in ("dz00000.png", "dz00001.png"):
        with Image.open(tmp_path / "png" / name) as image:
            assert image.size == (64, 32) and image.mode == "RGB"
    folder = run(capsys, "spectrogram", files / "songs", "-o", tmp_path / "all")
    assert folder.returncode == 1 and "1 of 5 files failed" in folder.stderr and "broken.wav" in folder.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [f"dz0000{i}.png" for i in range(4)]
    assert_usage_error(tunelens("spectrogram", tmp_path / "nothing", "-o", tmp_path), "nothing")
    assert_usage_error(run(capsys, "spectrogram", files / "songs", "-o", tmp_path, "--size", "big"), "--size")


def test_match(capsys, tmp_path):
    chart, features, _ = make_catalogs(150, seed=7)
    chart.to_csv(tmp_path / "chart.csv", index=False)
    features.rename(columns={"title": "name"}).to_parquet(tmp_path / "tracks.parquet", index=False)
    out = tmp_path / "pairs.csv"
    proc = tunelens("match", tmp_path / "chart.csv", tmp_path / "tracks.parquet", "--left-on", "artist,title",
                    "--right-on", "artist,name", "--threshold", "88", "-o", out)
    assert proc.returncode == 0, proc.stderr
    got = pd.read_csv(out)
    expected = tl.match_catalogs(pd.read_csv(tmp_path / "chart.csv"), pd.read_parquet(tmp_path / "tracks.parquet"),
                                 left_on=["artist", "title"], right_on=["artist", "name"], threshold=88, progress=False)
    assert got[["left_index", "right_index"]].to_numpy().tolist() == \
        expected[["left_index", "right_index"]].to_numpy().tolist()
    np.testing.assert_array_equal(got["score"], expected["score"])  # CSV floats round-trip exactly
    assert_usage_error(tunelens("match", tmp_path / "nope.csv", tmp_path / "tracks.parquet"), "nope.csv")
    assert_usage_error(run(capsys, "match", tmp_path / "chart.csv", tmp_path / "tracks.parquet"), "name")


def test_demo(tmp_path):
    proc = tunelens("demo", "--output", tmp_path / "demo", "--songs", "4", "--seconds", "2", "--catalog-size", "60")
    assert proc.returncode == 0, proc.stderr
    report = proc.stdout
    for step in ("generated songs", "GTZAN features", "matched", "recommended", "explained", "files written to"):
        assert step in report
    demo = tmp_path / "demo"
    assert len(read_table(demo / "features.csv")) == 4
    pairs = read_table(demo / "matches.csv")
    assert {"left_index", "right_index", "score", "match_type"} <= set(pairs.columns) and len(pairs) > 30
    assert len(read_table(demo / "recommendations.csv")) == 3
    assert len(json.loads((demo / "explanation.json").read_text())["weights"]) == 5
    assert (demo / "spectrogram.png").stat().st_size > 0 and (demo / "explanation_top3.wav").stat().st_size > 0


def test_demo_picture_of_a_clip_shorter_than_its_columns():
    # a 1-s demo clip has fewer frames than the picture's 64 columns: no empty cells, no warning
    from tunelens.cli.demo import _ascii_spectrogram

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picture = _ascii_spectrogram(np.arange(40.0).reshape(8, 5), rows=10, cols=64)
    lines = picture.splitlines()
    assert len(lines) == 8 and all(len(line) == 5 + 2 for line in lines)
