"""Each case that used to fail silently or misleadingly now raises a typed error or behaves
as documented. Audio is encoded with Debian's tools (sox, ffmpeg) at real sample rates."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tunelens as tl
from tunelens.extract import NoAudioFilesWarning


def encode(path: Path, *, rate: int = 44100, channels: int = 2, seconds: float = 2.0) -> Path:
    """A two-tone recording written by sox (one tone per channel when stereo)."""
    tones = ["synth", str(seconds), "sine", "440", "sine", "660"][: 4 + 2 * (channels - 1)]
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", str(channels), str(path), *tones], check=True)
    return path


def test_missing_folder_raises_instead_of_a_one_row_table(tmp_path):
    missing = tmp_path / "no" / "such" / "folder"
    with pytest.raises(tl.AudioFileNotFoundError) as caught:
        tl.extract_features(f"{missing}/", progress=False)
    assert caught.value.filename == f"{missing}/"
    assert str(caught.value).count(str(missing)) == 1


def test_a_missing_file_in_a_list_is_still_a_row(tmp_path):
    good = encode(tmp_path / "good.wav", channels=1)
    table = tl.extract_features([good, tmp_path / "gone.mp3"], progress=False)
    assert table["error"].isna().tolist() == [True, False]
    assert "no such file" in table["error"][1]


def test_folder_without_supported_files_warns_and_names_what_it_skipped(tmp_path):
    (tmp_path / "notes.txt").write_text("setlist")
    (tmp_path / "old.wma").write_bytes(b"\x30\x26\xb2\x75" + bytes(60))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.warns(NoAudioFilesWarning, match=r"\.jpg, \.txt, \.wma") as caught:
        table = tl.extract_features(tmp_path, progress=False)
    assert table.shape == (0, 60)
    assert str(tmp_path) in str(caught[0].message) and ".m4a" in str(caught[0].message)
    (tmp_path / "empty").mkdir()
    with pytest.warns(NoAudioFilesWarning, match="holds no files"):
        assert tl.render.spectrogram_pngs(tmp_path / "empty", tmp_path / "out").empty


def test_stereo_spectrogram_png_is_the_mono_mix(tmp_path):
    wav = encode(tmp_path / "stereo.wav", rate=48000)
    y, sr = tl.load(wav, sr=None, mono=False)
    assert y.shape[0] == 2
    tl.render.spectrogram_png(y, tmp_path / "stereo.png", sr=sr)
    tl.render.spectrogram_png(y.mean(axis=0), tmp_path / "mono.png", sr=sr)
    assert (tmp_path / "stereo.png").read_bytes() == (tmp_path / "mono.png").read_bytes()
    from PIL import Image

    with Image.open(tmp_path / "stereo.png") as image:
        width, height = image.size
    assert height == 128 and width == 1 + y.shape[1] // 512


def test_explain_refuses_a_model_that_returns_the_audio(tmp_path):
    y = tl.datasets.synth_clip(duration=1.0)
    with pytest.raises(tl.InvalidParameterError, match=r"22050 outputs per clip.*labels="):
        tl.explain.explain(y, 22050, lambda clips: clips, tl.explain.TimeSegments(4), num_samples=8, progress=False)
    # Asked for explicitly, any output column can be explained.
    got = tl.explain.explain(y, 22050, lambda clips: clips, tl.explain.TimeSegments(4), labels=[100],
                             num_samples=8, progress=False)
    assert list(got.labels) == [100]


def test_bookkeeping_columns_are_not_features(tmp_path):
    for i, rate in enumerate((44100, 48000, 44100)):
        encode(tmp_path / f"take{i}.flac", rate=rate, seconds=1.0 + i)
    (tmp_path / "broken.mp3").write_bytes(b"ID3" + bytes(100))
    table = tl.extract_features(tmp_path, progress=False)
    csv = tmp_path / "feats.csv"
    table.to_csv(csv, index=False)
    back = pd.read_csv(csv)
    assert back["error"].notna().sum() == 1  # the broken file
    rec = tl.Recommender(id_column="filename").fit(back.dropna(subset=["tempo"]))
    assert not {"length", "error", "filename"} & set(rec.features_)
    table[table["error"].isna()].to_csv(csv, index=False)
    clean = pd.read_csv(csv)
    assert pd.api.types.is_float_dtype(clean["error"])  # an all-empty column reads back as numeric NaN
    assert "error" not in tl.Recommender(id_column="filename").fit(clean).features_


def test_cli_features_then_recommend(tmp_path):
    for i, rate in enumerate((44100, 48000, 44100)):
        encode(tmp_path / f"take{i}.wav", rate=rate, seconds=1.0 + i)
    feats = tmp_path / "feats.csv"
    run = lambda *a: subprocess.run([sys.executable, "-m", "tunelens", *map(str, a)], capture_output=True, text=True)  # noqa: E731
    assert run("features", tmp_path, "-o", feats).returncode == 0
    proc = run("recommend", feats, "--seed", "take0.wav", "-k", "2")
    assert proc.returncode == 0, proc.stderr


def test_write_errors_are_write_errors_and_name_the_path_once(tmp_path):
    target = tmp_path / "missing" / "x.png"
    with pytest.raises(tl.OutputWriteError) as caught:
        tl.render.spectrogram_png(np.ones((8, 8)), target)
    assert not isinstance(caught.value, tl.AudioReadError)
    assert caught.value.filename == str(target) and caught.value.errno == 2
    assert str(caught.value) == f"[Errno 2] cannot write: No such file or directory: '{target}'"


@pytest.mark.parametrize("call", ["load", "stream"])
def test_read_errors_name_the_path_once(tmp_path, call):
    missing = tmp_path / "x.mp3"
    with pytest.raises(tl.AudioFileNotFoundError) as caught:
        tl.load(missing) if call == "load" else next(iter(tl.stream(missing, block_length=1, frame_length=2048,
                                                                      hop_length=512)))
    assert str(caught.value) == f"[Errno 2] no such file: '{missing}'"
    folder = tmp_path
    with pytest.raises(tl.AudioReadError) as caught:
        tl.load(folder)
    assert str(caught.value).count(str(folder)) == 1 and caught.value.errno == 21


def test_progress_needs_no_extra_and_does_not_warn_in_jupyter_without_widgets():
    requires = importlib.metadata.requires("tunelens") or []
    assert any(re.match(r"tqdm\b", r) and "extra" not in r for r in requires)
    code = """
import sys, types, warnings, importlib.util
warnings.simplefilter("error")
sys.modules["ipykernel"] = types.ModuleType("ipykernel")   # as in a Jupyter kernel
real = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name == "ipywidgets" else real(name, *a)
from tunelens import _progress
bar = _progress.bar(3, "test")
print(type(bar).__module__)
for _ in _progress.track(range(3), 3, "test"):
    pass
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "tqdm.std" and "Warning" not in proc.stderr
