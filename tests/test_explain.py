"""explain(): ground truth, factorizations, Explanation, and bad input."""

from __future__ import annotations

import _thread
import json
import threading
import time
import tracemalloc
import traceback

import numpy as np
import pytest
import soundfile

from signals import music

import tunelens
from tunelens import InvalidParameterError
from tunelens.explain import (
    Decomposition,
    FrequencyBands,
    HarmonicPercussive,
    Product,
    Stems,
    TimeSegments,
    UninformativeExplanationWarning,
    explain,
)

SR = 8000


def tone(freq: float, n: int, amp: float = 0.3) -> np.ndarray:
    return (amp * np.sin(2 * np.pi * freq * np.arange(n) / SR)).astype(np.float32)


def band_energy(lo: float, hi: float):
    """A model that hears only the spectral energy between ``lo`` and ``hi`` Hz."""
    def predict(clips: np.ndarray) -> np.ndarray:
        spec = np.abs(np.fft.rfft(clips, axis=1)) ** 2
        f = np.fft.rfftfreq(clips.shape[1], 1 / SR)
        return spec[:, (f >= lo) & (f < hi)].sum(axis=1) / clips.shape[1]
    return predict


# --- factorizations -------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda y: TimeSegments(5),
    lambda y: TimeSegments(boundaries=[0.13, 0.5, 0.61]),
    lambda y: FrequencyBands(4),
    lambda y: FrequencyBands(3, "linear", n_fft=512),
    lambda y: Stems({"half": y * 0.5, "noise": np.full(len(y), 0.01, np.float32)}),
    lambda y: Product(TimeSegments(3), Stems({"a": y * 0.5, "b": y * 0.25})),
    lambda y: Product(FrequencyBands(2), Stems({"a": y * 0.5, "b": y * 0.5})),
    lambda y: HarmonicPercussive(n_fft=512),
    lambda y: Product(TimeSegments(2), HarmonicPercussive(margin=2.0, n_fft=512)),
], ids=["time", "beats", "mel-bands", "linear-bands", "stems", "time×stems", "bands×stems", "hpss", "time×hpss"])
def test_all_ones_reproduces_input_and_components_sum_up(make):
    y = music(SR, 1.0, seed=2)
    d = make(y).decompose(y, SR)
    n = len(d)
    assert len(d.names) == n and len(set(d.names)) == n
    # The all-ones mask is the input itself, bit for bit.
    np.testing.assert_array_equal(d.compose(np.ones(n)), y)
    # Components plus residual sum to the input (float32 rounding of the sum).
    total = sum(d.component(i).astype(np.float64) for i in range(n)) + d.residual
    np.testing.assert_allclose(total, y, atol=1e-5)
    np.testing.assert_array_equal(d.compose(np.zeros(n)), d.residual)
    # Batch composition equals composing each mask alone.
    masks = np.random.default_rng(0).integers(0, 2, (9, n))
    batch = d.compose_batch(masks, n_jobs=2)
    for row, mask in zip(batch, masks):
        np.testing.assert_array_equal(row, d.compose(mask))


def test_component_names_and_order():
    y = music(SR, 1.0)
    d = Product(TimeSegments(2), Stems({"drums": y * 0.5, "bass": y * 0.5})).decompose(y, SR)
    # audioLIME's order: segment-major, sources within a segment.
    assert d.names == ["0.00-0.50 s × drums", "0.00-0.50 s × bass", "0.50-1.00 s × drums", "0.50-1.00 s × bass"]
    assert FrequencyBands(2, "linear").decompose(y, SR).names == ["0-2000 Hz", "2000-4000 Hz"]
    assert isinstance(d, Decomposition) and "4 components" in repr(d)


# --- ground truth ---------------------------------------------------------------------------------

def _ranks_first(y, predict, factorization, target, seeds=100, num_samples=150):
    d = factorization.decompose(y, SR)
    firsts, scores = 0, []
    for seed in range(seeds):
        e = explain(y, SR, predict, d, num_samples=num_samples, random_state=seed, progress=False)
        firsts += e.top_components(1) == [target]
        scores.append(e.score)
    return firsts, min(scores)


def test_time_segment_energy_ranks_first():
    y = music(SR, 1.0, seed=4)
    start, stop = int(round(5 * len(y) / 8)), int(round(6 * len(y) / 8))
    firsts, worst = _ranks_first(y, lambda c: (c[:, start:stop] ** 2).sum(axis=1), TimeSegments(8), target=5)
    assert firsts >= 99 and worst >= 0.9, (firsts, worst)


def test_frequency_band_energy_ranks_first():
    n = SR
    y = tone(150, n) + tone(900, n) + tone(3000, n)
    bands = FrequencyBands(4, "linear", n_fft=512)  # 0-1000-2000-3000-4000 Hz
    firsts, worst = _ranks_first(y, band_energy(2900, 3100), bands, target=3)
    assert firsts >= 99 and worst >= 0.9, (firsts, worst)


def test_stem_energy_ranks_first():
    n = SR
    stems = {"bass": tone(110, n), "keys": tone(660, n), "hats": tone(3300, n, 0.1)}
    y = sum(stems.values())
    firsts, worst = _ranks_first(y, band_energy(600, 700), Stems(stems), target=1)
    assert firsts >= 99 and worst >= 0.9, (firsts, worst)


def test_percussive_part_of_clicks_ranks_first():
    n = SR
    clicks = np.zeros(n, np.float32)
    clicks[::SR // 8] = 1.0
    y = tone(440, n) + clicks
    # A model that hears only sample-to-sample jumps (transients).
    e = explain(y, SR, lambda c: np.abs(np.diff(c, axis=1)).max(axis=1), HarmonicPercussive(n_fft=512),
                num_samples=50, random_state=0, progress=False)
    assert e.decomposition.names == ["harmonic", "percussive"]
    assert e.top_components(1) == [1]


def test_model_ignoring_its_input_is_reported():
    y = music(SR, 0.5)
    with pytest.warns(UninformativeExplanationWarning, match="did not change"):
        e = explain(y, SR, lambda c: np.full(len(c), 0.7), TimeSegments(5), num_samples=100, random_state=0,
                    progress=False)
    assert e.uninformative and "uninformative" in repr(e)
    np.testing.assert_allclose(e.component_weights, 0, atol=1e-12)
    assert e.top_components(3) == []
    assert e.to_dict()["uninformative"] is True


# --- the Explanation ------------------------------------------------------------------------------

def test_explanation_api(tmp_path):
    n = SR
    stems = {"bass": tone(110, n), "keys": tone(660, n), "hats": tone(3300, n, 0.1)}
    y = sum(stems.values())

    def two_outputs(c):
        return np.stack([band_energy(600, 700)(c), band_energy(100, 120)(c)], axis=1)

    e = explain(y, SR, two_outputs, Stems(stems), labels=[0, 1], num_samples=200, random_state=1, progress=False)
    assert e.labels == [0, 1] and e.label == 0
    table = e.weights
    assert list(table.columns) == ["component", "weight", "rank", "selected"]
    assert table["component"].iloc[0] == "keys" and table["rank"].tolist() == [1, 2, 3]
    assert e.select(1).weights["component"].iloc[0] == "bass"
    np.testing.assert_array_equal(e.audio(1), stems["keys"])
    np.testing.assert_array_equal(e.listen(2), e.select(0).audio(2))
    back, sr = soundfile.read(e.to_wav(tmp_path / "top.wav", k=1), dtype="float32")
    assert sr == SR
    np.testing.assert_array_equal(back, stems["keys"])
    d = json.loads(json.dumps(e.to_dict()))
    assert d["components"] == ["bass", "keys", "hats"] and d["num_samples"] == 200
    assert abs(d["prediction"] - two_outputs(y[None])[0, 0]) < 1e-9
    with pytest.raises(InvalidParameterError, match="label 5"):
        e.select(5)
    # labels=None explains the output the model scores highest on the clip.
    assert explain(y, SR, two_outputs, Stems(stems), num_samples=20, random_state=1, progress=False).labels == [0]


def test_predict_fn_sees_batches_of_composed_clips():
    y = music(SR, 0.5)
    d = TimeSegments(6).decompose(y, SR)
    seen = []

    def predict(clips):
        assert clips.dtype == np.float32 and clips.shape[1] == len(y) and len(clips) <= 8
        seen.append(clips.copy())
        return clips.sum(axis=1)

    e = explain(y, SR, predict, d, num_samples=50, batch_size=8, random_state=3, progress=False)
    assert [len(s) for s in seen] == [8] * 6 + [2]
    np.testing.assert_array_equal(np.concatenate(seen), d.compose_batch(e.masks))
    np.testing.assert_array_equal(seen[0][0], y)


def test_predict_fn_cannot_corrupt_the_reused_buffer():
    def normalise_in_place(clips):
        clips /= np.abs(clips).max()
        return clips.mean(axis=1)

    with pytest.raises(ValueError, match="read-only"):
        explain(music(SR, 0.3), SR, normalise_in_place, TimeSegments(3), num_samples=20, progress=False)


def test_memory_is_bounded_by_batch_size_not_num_samples():
    y = music(SR, 4.0)
    d = TimeSegments(10).decompose(y, SR)

    def peak(num_samples):
        tracemalloc.start()
        explain(y, SR, lambda c: c.mean(axis=1), d, num_samples=num_samples, batch_size=16, random_state=0,
                progress=False)
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(100), peak(2000)
    clip_bytes = len(y) * 4
    assert large < small + 4 * clip_bytes, (small, large)  # 20x the samples, not 20x the memory
    assert large < 40 * clip_bytes


# --- bad input ------------------------------------------------------------------------------------

def test_predict_fn_error_surfaces_with_its_traceback():
    y = music(SR, 0.5)
    calls = []

    def broken_model(clips):
        calls.append(len(clips))
        if len(calls) == 3:
            raise RuntimeError("model exploded")
        return clips.mean(axis=1)

    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="model exploded") as info:
        explain(y, SR, broken_model, TimeSegments(4), num_samples=100, batch_size=10, progress=False)
    assert "broken_model" in "".join(traceback.format_tb(info.value.__traceback__))
    assert len(calls) == 3  # stopped at once, no further batches
    assert threading.active_count() == threads


@pytest.mark.parametrize("bad, match", [
    (lambda c: np.zeros((len(c), 2, 2)), r"batch 0 has shape \(\d+, 2, 2\)"),
    (lambda c: np.zeros(len(c) + 1), r"batch 0 has shape"),
    (lambda c: np.where(np.arange(len(c)) == 1, np.nan, 0.0) if len(c) < 10 else np.zeros(len(c)), "batch 3 contains NaN"),
    (lambda c: [None] * len(c), "not numeric"),
    (lambda c: np.zeros((len(c), 3 if len(c) == 10 else 2)), "batch 3 has 2 columns; earlier batches had 3"),
])
def test_bad_predict_fn_output_names_predict_fn_and_batch(bad, match):
    y = music(SR, 0.5)
    with pytest.raises(InvalidParameterError, match="predict_fn") as info:
        explain(y, SR, bad, TimeSegments(4), num_samples=35, batch_size=10, random_state=0, progress=False)
    assert info.match(match)


def test_ctrl_c_interrupts_a_slow_model():
    y = music(SR, 0.5)
    calls = []

    def slow(clips):
        calls.append(1)
        time.sleep(0.05)
        return clips.mean(axis=1)

    timer = threading.Timer(0.2, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        explain(y, SR, slow, TimeSegments(4), num_samples=10_000, batch_size=4, progress=False)
    timer.join()
    assert 1 <= len(calls) < 100


def test_progress_bar_counts_clips(monkeypatch):
    from tqdm import std as tqdm_std

    import sys

    bars = []

    class Bar:
        def __init__(self, total, **kwargs):
            self.total, self.n, self.closed = total, 0, False
            bars.append(self)

        def update(self, n):
            self.n += n

        def close(self):
            self.closed = True

    monkeypatch.setattr(tqdm_std, "tqdm", Bar)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    explain(music(SR, 0.3), SR, lambda c: c.mean(axis=1), TimeSegments(3), num_samples=45, batch_size=10)
    assert len(bars) == 1 and bars[0].n == bars[0].total == 45 and bars[0].closed
    explain(music(SR, 0.3), SR, lambda c: c.mean(axis=1), TimeSegments(3), num_samples=45, progress=False)
    assert len(bars) == 1


def test_bad_factorizations():
    y = music(SR, 0.5)
    n = len(y)
    with pytest.raises(InvalidParameterError, match="same length"):
        Stems({"a": y, "b": y[:-1]})
    with pytest.raises(InvalidParameterError, match="stems have"):
        Stems({"a": y[:-1]}).decompose(y, SR)
    with pytest.raises(InvalidParameterError, match="empty"):
        Stems({})
    with pytest.raises(InvalidParameterError, match="n_segments"):
        TimeSegments(0)
    with pytest.raises(InvalidParameterError, match="n_segments"):
        TimeSegments(n + 1).decompose(y, SR)
    with pytest.raises(InvalidParameterError, match="n_bands"):
        FrequencyBands(300, n_fft=64).decompose(y, SR)
    with pytest.raises(InvalidParameterError, match="two time segmentations"):
        Product(TimeSegments(2), TimeSegments(3))
    with pytest.raises(InvalidParameterError, match="second factor"):
        Product(Stems({"a": y}), FrequencyBands(2))
    with pytest.raises(InvalidParameterError, match="1-D"):
        TimeSegments(2).decompose(np.stack([y, y]), SR)
    with pytest.raises(InvalidParameterError, match="not finite"):
        TimeSegments(2).decompose(np.where(np.arange(n) == 3, np.nan, y), SR)
    d = TimeSegments(3).decompose(y, SR)
    with pytest.raises(InvalidParameterError, match="3 entries"):
        d.compose(np.ones(4))
    with pytest.raises(InvalidParameterError, match="not of y"):
        explain(y[:-1], SR, lambda c: c.mean(axis=1), d)


@pytest.mark.parametrize("kwargs, match", [
    (dict(num_samples=1), "num_samples"),
    (dict(batch_size=0), "batch_size"),
    (dict(kernel_width=0), "kernel_width"),
    (dict(alpha=-1), "alpha"),
    (dict(distance="chebyshev"), "distance"),
    (dict(feature_selection="magic"), "feature_selection"),
    (dict(num_features=0), "num_features"),
    (dict(labels=[3]), "labels"),
    (dict(random_state=-1), "random_state"),
    (dict(mask_sampler=lambda n, k, s: np.zeros((n, k))), "first row"),
    (dict(mask_sampler=lambda n, k, s: np.ones((n, k + 1))), "mask_sampler returned shape"),
    (dict(n_jobs=0), "n_jobs"),
])
def test_bad_arguments(kwargs, match):
    y = music(SR, 0.3)
    with pytest.raises(InvalidParameterError, match=match):
        explain(y, SR, lambda c: c.mean(axis=1), TimeSegments(3), num_samples=kwargs.pop("num_samples", 20),
                progress=False, **kwargs)
    with pytest.raises(InvalidParameterError, match="predict_fn must be callable"):
        explain(y, SR, None, TimeSegments(3))


@pytest.mark.parametrize("kind", ["onsets", "beats"])
def test_event_aligned_time_segments(kind):
    sr = 22050
    y = music(sr, 6.0, seed=3)
    d = TimeSegments(4, boundaries=kind).decompose(y, sr)
    if kind == "onsets":
        events = tunelens.onset.onset_detect(y=y, sr=sr, units="samples", backtrack=True)
    else:
        events = tunelens.beat.beat_track(y=y, sr=sr, units="samples")[1]
    bounds = [float(name.split("-")[0]) for name in d.names[1:]]
    assert len(d) == 4
    # Every interior boundary is a detected event (names round to 10 ms).
    for b in bounds:
        assert np.min(np.abs(events / sr - b)) <= 0.005 + 1e-9, (b, events / sr)
    # The all-ones mask still rebuilds the clip exactly.
    np.testing.assert_array_equal(d.compose(np.ones(4)), y.astype(np.float32))


def test_event_boundaries_without_events_stay_equal():
    silent = np.zeros(22050 * 2, dtype=np.float32)
    d = TimeSegments(4, boundaries="onsets").decompose(silent, 22050)
    assert d.names == ["0.00-0.50 s", "0.50-1.00 s", "1.00-1.50 s", "1.50-2.00 s"]
    with pytest.raises(InvalidParameterError, match="boundaries"):
        TimeSegments(4, boundaries="bars")
