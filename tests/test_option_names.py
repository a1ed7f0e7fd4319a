"""``_core.OPTION_NAMES`` (the core's option table) lists what the functions accept."""

from __future__ import annotations

import numpy as np
import pytest

import tunelens as tl
from tunelens import _core, distance, explain, fuzz, process
from tunelens.exceptions import InvalidParameterError
from tunelens.feature import spectral

NAMES = _core.OPTION_NAMES
RNG = np.random.default_rng(0)
Y = RNG.standard_normal(4096).astype(np.float32)
X = RNG.standard_normal((40, 3))


def test_the_table_keys_every_enum_by_area_and_lists_names_once() -> None:
    assert {key.split(".")[0] for key in NAMES} <= {"audio", "cluster", "dsp", "explain", "features", "matching",
                                                    "neighbors", "render"}
    for key, names in NAMES.items():
        assert names and len(set(names)) == len(names), key
        assert all(isinstance(name, str) for name in names), key


@pytest.mark.parametrize("pad_mode", NAMES["dsp.PadMode"])
def test_stft_takes_each_pad_mode(pad_mode: str) -> None:
    assert tl.stft(Y, n_fft=256, pad_mode=pad_mode).shape == (129, 65)


@pytest.mark.parametrize("res_type", NAMES["audio.Quality"])
def test_resample_takes_each_soxr_quality(res_type: str) -> None:
    assert tl.resample(Y, orig_sr=8000, target_sr=4000, res_type=res_type).shape == (2048,)


def test_spectrogram_image_takes_each_colormap() -> None:
    images = [tl.render.spectrogram_image(Y, sr=8000, cmap=cmap, n_fft=256, hop_length=64, n_mels=16).tobytes()
              for cmap in NAMES["render.Colormap"]]
    assert len(set(images)) == len(images)  # each colormap is taken, not ignored


def test_neighbors_take_each_metric_scaler_and_algorithm() -> None:
    for metric in NAMES["neighbors.Metric"]:
        for scaler in NAMES["neighbors.ScalerKind"]:
            for algorithm in NAMES["neighbors.Algorithm"]:
                nn = tl.NearestNeighbors(n_neighbors=2, metric=metric, scaler=scaler, algorithm=algorithm).fit(X)
                assert nn.kneighbors(X[:3])[1].shape == (3, 2)


def test_silhouette_takes_each_cluster_metric() -> None:
    labels = np.arange(len(X)) % 2
    for metric in NAMES["cluster.Metric"]:
        data = np.abs(X[:, :1] - X[:, 0]) if metric == "precomputed" else X
        assert -1.0 <= tl.cluster.silhouette_score(data, labels, metric=metric) <= 1.0


def test_matching_names_are_the_scorers_and_functions_of_the_api() -> None:
    for scorer in NAMES["matching.Scorer"]:
        assert 0.0 <= getattr(fuzz, scorer)("karolin", "kathrin") <= 100.0
    for metric in NAMES["matching.Metric"]:
        for kind in NAMES["matching.Kind"]:
            assert getattr(getattr(distance, metric), kind)("karolin", "kathrin") >= 0
    for dtype in NAMES["matching.ScoreType"]:
        assert process.cdist(["a", "b"], ["a"], dtype=dtype).dtype == np.dtype(dtype)


@pytest.mark.parametrize("kind", NAMES["features.SpectralKind"])
def test_each_spectral_kind_is_a_feature(kind: str) -> None:
    assert getattr(spectral, f"spectral_{kind}")(y=Y, n_fft=256, hop_length=64).shape[-1] == 65


def test_frequency_bands_take_each_scale_and_refuse_others() -> None:
    for scale in NAMES["explain.BandScale"]:
        assert explain.FrequencyBands(3, scale=scale).scale == scale
    with pytest.raises(InvalidParameterError, match="scale must be 'mel' or 'linear'"):
        explain.FrequencyBands(3, scale="log")
