"""onset_detect, onset_backtrack and beat_track against librosa 0.11: identical frames."""

from __future__ import annotations

import inspect

import librosa
import numpy as np
import pytest
from signals import music

import tunelens

RATES = [22050, 44100, 16000, 8000]


def _clip(sr, seed, seconds=6.7):
    return music(sr, seconds, seed=seed)


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("seed", range(2))
def test_onset_detect_identical(sr, seed):
    y = _clip(sr, seed)
    # Peak picking compares values: the frames must be identical, not close.
    np.testing.assert_array_equal(tunelens.onset.onset_detect(y=y, sr=sr), librosa.onset.onset_detect(y=y, sr=sr))
    for kwargs in ({"backtrack": True}, {"units": "samples"}, {"units": "time", "hop_length": 256},
                   {"normalize": False, "delta": 0.5}, {"wait": 10, "pre_avg": 3, "post_max": 2},
                   {"sparse": False}):
        ours = tunelens.onset.onset_detect(y=y, sr=sr, **kwargs)
        ref = librosa.onset.onset_detect(y=y, sr=sr, **kwargs)
        np.testing.assert_array_equal(ours, ref, err_msg=str(kwargs))


def test_onset_detect_from_envelope_and_energy():
    y = _clip(22050, 7)
    env = librosa.onset.onset_strength(y=y, sr=22050)
    rms = librosa.feature.rms(y=y)[0]
    for kwargs in ({"onset_envelope": env}, {"onset_envelope": env.astype(np.float64)},
                   {"onset_envelope": env, "backtrack": True, "energy": rms}):
        np.testing.assert_array_equal(tunelens.onset.onset_detect(**kwargs), librosa.onset.onset_detect(**kwargs))
    events = librosa.onset.onset_detect(onset_envelope=env)
    np.testing.assert_array_equal(tunelens.onset.onset_backtrack(events, rms), librosa.onset.onset_backtrack(events, rms))
    with pytest.raises(librosa.util.exceptions.ParameterError, match="empty event list"):
        librosa.onset.onset_backtrack(np.array([], dtype=int), rms)
    with pytest.raises(tunelens.InvalidParameterError, match="empty event list"):
        tunelens.onset.onset_backtrack(np.array([], dtype=int), rms)


@pytest.mark.parametrize("sr", RATES)
@pytest.mark.parametrize("seed", range(2))
def test_beat_track_identical(sr, seed):
    y = _clip(sr, seed)
    tempo, beats = tunelens.beat.beat_track(y=y, sr=sr)
    ref_tempo, ref_beats = librosa.beat.beat_track(y=y, sr=sr)
    np.testing.assert_array_equal(beats, ref_beats)
    np.testing.assert_array_equal(tempo, ref_tempo)


@pytest.mark.parametrize("kwargs", [{"trim": False}, {"tightness": 10}, {"start_bpm": 80}, {"bpm": 97.0},
                                    {"units": "time"}, {"units": "samples", "hop_length": 256}, {"sparse": False}])
def test_beat_track_options(kwargs):
    y = _clip(22050, 11, seconds=9.1)
    tempo, beats = tunelens.beat.beat_track(y=y, sr=22050, **kwargs)
    ref_tempo, ref_beats = librosa.beat.beat_track(y=y, sr=22050, **kwargs)
    np.testing.assert_array_equal(beats, ref_beats)
    np.testing.assert_array_equal(tempo, ref_tempo)


def test_beat_track_time_varying_bpm_and_channels():
    y = _clip(22050, 5, seconds=8.0)
    env = librosa.onset.onset_strength(y=y, sr=22050, aggregate=np.median)
    bpm = librosa.feature.tempo(onset_envelope=env, aggregate=None)
    for kwargs in ({"onset_envelope": env, "bpm": bpm}, {"onset_envelope": env, "bpm": bpm, "sparse": False}):
        np.testing.assert_array_equal(tunelens.beat.beat_track(**kwargs)[1], librosa.beat.beat_track(**kwargs)[1])
    stereo = np.stack([env, np.roll(env, 7)])
    ours = tunelens.beat.beat_track(onset_envelope=stereo, sparse=False)
    ref = librosa.beat.beat_track(onset_envelope=stereo, sparse=False)
    np.testing.assert_array_equal(ours[1], ref[1])
    np.testing.assert_array_equal(ours[0], ref[0])


@pytest.mark.filterwarnings("ignore:n_fft=.*too large")  # both libraries warn on the 300-sample clip
def test_silence_and_short_clips():
    silent = np.zeros(22050, dtype=np.float32)
    assert tunelens.beat.beat_track(y=silent, sr=22050)[0] == 0.0
    assert tunelens.beat.beat_track(y=silent, sr=22050)[1].size == 0
    assert tunelens.onset.onset_detect(y=silent, sr=22050).size == 0
    for n in (300, 2048, 5000):
        y = _clip(22050, 2, seconds=n / 22050)
        np.testing.assert_array_equal(tunelens.onset.onset_detect(y=y, sr=22050), librosa.onset.onset_detect(y=y, sr=22050))
        np.testing.assert_array_equal(tunelens.beat.beat_track(y=y, sr=22050)[1], librosa.beat.beat_track(y=y, sr=22050)[1])


def test_bad_input():
    y = _clip(22050, 0, seconds=2.0)
    with pytest.raises(tunelens.InvalidParameterError, match="unit type"):
        tunelens.beat.beat_track(y=y, units="beats")
    with pytest.raises(tunelens.InvalidParameterError, match="bpm"):
        tunelens.beat.beat_track(y=y, bpm=-3.0)
    with pytest.raises(tunelens.InvalidParameterError, match="tightness"):
        tunelens.beat.beat_track(y=y, tightness=0)
    with pytest.raises(tunelens.InvalidParameterError, match="must be provided"):
        tunelens.beat.beat_track()
    with pytest.raises(tunelens.InvalidParameterError, match="post_max"):
        tunelens.onset.onset_detect(y=y, post_max=0)
    with pytest.raises(tunelens.InvalidParameterError, match="sparse"):
        tunelens.onset.onset_detect(y=y, backtrack=True, sparse=False)
    with pytest.raises(tunelens.InvalidParameterError, match="unexpected"):
        tunelens.onset.onset_detect(y=y, pre_maxx=3)


@pytest.mark.parametrize("ours, ref", [(tunelens.onset.onset_detect, librosa.onset.onset_detect),
                                       (tunelens.onset.onset_backtrack, librosa.onset.onset_backtrack),
                                       (tunelens.beat.beat_track, librosa.beat.beat_track)])
def test_signatures_match_librosa(ours, ref):
    assert list(inspect.signature(ours).parameters) == list(inspect.signature(ref).parameters)
    for name, p in inspect.signature(ref).parameters.items():
        assert inspect.signature(ours).parameters[name].default == p.default, name
