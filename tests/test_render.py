"""Rendered images equal matplotlib's ``imsave`` pixels and PIL's grayscale/resize."""

from __future__ import annotations

from pathlib import Path

import librosa
import matplotlib
import numpy as np
import pytest
from PIL import Image
from signals import music

import tunelens as tl

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("cmap", ["magma", "viridis", "gray"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_spectrogram_png_equals_matplotlib_imsave(tmp_path: Path, cmap: str, dtype: type) -> None:
    y = music(22050, 2.0, seed=3).astype(dtype)
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=22050), ref=np.max)
    plt.imsave(tmp_path / "ref.png", S_db, cmap=cmap, origin="lower")
    tl.render.spectrogram_png(y, tmp_path / "ours.png", sr=22050, cmap=cmap)
    ours, ref = read_rgb(tmp_path / "ours.png"), read_rgb(tmp_path / "ref.png")
    assert ours.shape == ref.shape == (128, S_db.shape[1], 3)
    # dB values agree to ~1e-5 dB; a value sitting exactly on a colormap bin edge
    # may fall in the neighbouring entry, so allow a handful of such pixels.
    differing = np.any(ours != ref, axis=-1).mean()
    assert differing < 1e-3, differing


def test_spectrogram_png_from_spectrogram_exact(tmp_path: Path) -> None:
    S = np.abs(librosa.stft(music(22050, 1.0, seed=4))) ** 2
    S_db = librosa.power_to_db(S, ref=np.max)
    plt.imsave(tmp_path / "ref.png", S_db, cmap="magma", origin="lower")
    tl.render.spectrogram_png(S_db, tmp_path / "ours.png", db=False)
    assert np.array_equal(read_rgb(tmp_path / "ours.png"), read_rgb(tmp_path / "ref.png"))


def test_spectrogram_image_equals_png_then_pil(tmp_path: Path) -> None:
    y = music(22050, 3.0, seed=5)
    tl.render.spectrogram_png(y, tmp_path / "s.png")
    with Image.open(tmp_path / "s.png") as png:
        gray = png.convert("L")
    ref = np.asarray(gray.resize((64, 64), Image.BOX))
    ours = tl.render.spectrogram_image(y, size=(64, 64))
    assert ours.shape == (64, 64) and ours.dtype == np.uint8
    # Same colormap pixels, same luma, same fixed-point box filter: identical.
    assert np.array_equal(ours, ref)
    full = tl.render.spectrogram_image(y, size=None)
    assert np.array_equal(full, np.asarray(gray))


def test_resized_png_and_waveform(tmp_path: Path) -> None:
    y = music(22050, 2.0, seed=6)
    tl.render.spectrogram_png(y, tmp_path / "small.png", size=(40, 30), cmap="viridis")
    with Image.open(tmp_path / "small.png") as small:
        assert small.size == (40, 30)
    tl.render.waveform_png(y, tmp_path / "wave.png", size=(300, 100))
    wave = read_rgb(tmp_path / "wave.png")
    assert wave.shape == (100, 300, 3)
    blue = np.all(wave == (31, 119, 180), axis=-1)
    assert blue[:, 150].any() and blue[50].mean() > 0.5  # the centre line is drawn nearly everywhere


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda p: tl.render.spectrogram_png(np.zeros((2, 2, 2)), p), "S_or_y"),
        (lambda p: tl.render.spectrogram_png(np.ones((4, 4)), p, cmap="jet"), "cmap"),
        (lambda p: tl.render.spectrogram_png(np.ones((4, 4)), p, size=(0, 3)), "size"),
        (lambda p: tl.render.waveform_png(np.ones((2, 9), np.float32), p), "mono"),
        (lambda p: tl.render.waveform_png(np.ones(9, np.float32), p, color=(300, 0, 0)), "color"),
    ],
)
def test_bad_render_input(tmp_path: Path, call, match: str) -> None:
    with pytest.raises(tl.InvalidParameterError, match=match):
        call(tmp_path / "x.png")


def test_unwritable_path_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(tl.OutputWriteError, match="cannot write.*no-such-dir"):  # a write error, not a read error
        tl.render.spectrogram_png(np.ones((4, 4)), tmp_path / "no-such-dir" / "x.png")


def test_spectrogram_pngs_equal_single_file_rendering_and_record_failures(tmp_path: Path) -> None:
    meta = tl.datasets.write_library(tmp_path / "audio", n_songs=6, duration=2.0, sr=22050, seed=2)
    (tmp_path / "audio" / "broken.wav").write_bytes(b"RIFF not really a wav file")
    table = tl.render.spectrogram_pngs(tmp_path / "audio", tmp_path / "png", size=(64, 64), n_jobs=2)
    assert list(table.columns) == ["path", "png", "error"] and len(table) == 7
    failed = table[table.error.notna()]
    assert list(failed.path.map(lambda p: Path(p).name)) == ["broken.wav"]
    assert "broken.wav" in failed.error.iloc[0]
    for path, png in zip(meta.path, meta.path.map(lambda p: tmp_path / "png" / (Path(p).stem + ".png"))):
        y, sr = tl.load(path, sr=22050)
        tl.render.spectrogram_png(y, tmp_path / "single.png", sr=sr, size=(64, 64))
        # Same decoder, same float32 mel and dB, same colormap and box filter: identical pixels.
        assert np.array_equal(read_rgb(png), read_rgb(tmp_path / "single.png")), png


def test_spectrogram_pngs_match_matplotlib_savefig_statistics(tmp_path: Path) -> None:
    meta = tl.datasets.write_library(tmp_path / "audio", n_songs=2, duration=3.0, seed=4)
    tl.render.spectrogram_pngs(list(meta.path), tmp_path / "png", cmap="viridis")
    for path in meta.path:
        y, sr = librosa.load(path, sr=22050)
        S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr), ref=np.max)
        plt.imsave(tmp_path / "ref.png", S_db, cmap="viridis", origin="lower")
        ours, ref = read_rgb(tmp_path / "png" / (Path(path).stem + ".png")), read_rgb(tmp_path / "ref.png")
        assert ours.shape == ref.shape
        # librosa and tunelens spectrograms agree to ~1e-5 dB; only values on a
        # colormap bin edge may differ by one entry.
        assert np.any(ours != ref, axis=-1).mean() < 1e-3
        np.testing.assert_allclose(ours.mean(axis=(0, 1)), ref.mean(axis=(0, 1)), atol=0.05)


def test_spectrogram_pngs_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(tl.InvalidParameterError, match="folder"):
        tl.render.spectrogram_pngs(tmp_path / "nope", tmp_path / "png")
    with pytest.raises(tl.InvalidParameterError, match="cmap"):
        tl.render.spectrogram_pngs([], tmp_path / "png", cmap="jet")
    with pytest.raises(tl.InvalidParameterError, match="repeated"):
        tl.render.spectrogram_pngs([tmp_path / "a" / "x.wav", tmp_path / "b" / "x.wav"], tmp_path / "png")
