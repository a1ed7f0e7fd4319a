"""Bad input gets a typed tunelens error naming the argument; nothing crashes."""

from __future__ import annotations

import multiprocessing as mp

import numpy as np
import pytest
from signals import music

import tunelens as tl
from tunelens import _core


def test_hierarchy_subclasses_builtins() -> None:
    assert issubclass(tl.InvalidParameterError, (tl.TunelensError, ValueError))
    assert issubclass(tl.AudioDecodeError, ValueError)
    assert issubclass(tl.UnsupportedFormatError, tl.AudioDecodeError)
    assert issubclass(tl.AudioFileNotFoundError, FileNotFoundError)
    assert issubclass(tl.TunelensInternalError, RuntimeError)
    for cls in (tl.InvalidParameterError, tl.AudioDecodeError, tl.AudioFileNotFoundError, tl.TunelensInternalError):
        assert issubclass(cls, tl.TunelensError)


def test_the_wheel_carries_no_panic_hook() -> None:
    """A panic becoming TunelensInternalError is proven by the cargo test
    ``py::detach::tests::a_panic_surfaces_as_the_internal_error``; the
    extension itself has no test-only entry point."""
    assert not [name for name in dir(_core) if "panic" in name or "for_tests" in name]


Y = music(22050, 0.5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: tl.stft(np.array([0.0, np.nan, 1.0] * 1000, dtype=np.float32)), "y.*finite"),
        (lambda: tl.stft(np.array([0.0, np.inf] * 2000)), "y.*finite"),
        (lambda: tl.stft((Y * 32767).astype(np.int16)), "y must be floating-point"),
        (lambda: tl.stft(np.float32(1.0)), "scalar"),
        (lambda: tl.stft(Y[:100], center=False), "n_fft=2048 is too large"),
        (lambda: tl.stft(Y, n_fft=0), "n_fft"),
        (lambda: tl.stft(Y, n_fft=-4), "n_fft"),
        (lambda: tl.stft(Y, n_fft=2.5), "n_fft"),
        (lambda: tl.stft(Y, hop_length=0), "hop_length"),
        (lambda: tl.stft(Y, win_length=4096), "win_length"),
        (lambda: tl.stft(Y, window="no-such-window"), "window"),
        (lambda: tl.stft(Y, window=np.ones(10)), "window size mismatch"),
        (lambda: tl.stft(Y, pad_mode="wrap"), "pad_mode"),
        (lambda: tl.stft(Y, n_jobs=0), "n_jobs"),
        (lambda: tl.melspectrogram(y=Y, sr=0), "sr"),
        (lambda: tl.melspectrogram(y=Y, power=0), "power"),
        (lambda: tl.melspectrogram(y=Y, fmin=5000.0, fmax=100.0), "fmax"),
        (lambda: tl.melspectrogram(y=Y, n_mels=-1), "n_mels"),
        (lambda: tl.melspectrogram(y=Y, norm="l3"), "norm"),
        (lambda: tl.melspectrogram(y=Y, bogus=1), "bogus"),
        (lambda: tl.melspectrogram(), "y= or a spectrogram S="),
        (lambda: tl.melspectrogram(S=np.ones(10)), "S must have shape"),
        (lambda: tl.power_to_db(np.ones(3), amin=0), "amin"),
        (lambda: tl.power_to_db(np.ones(3), top_db=-1), "top_db"),
        (lambda: tl.power_to_db(np.array(["a"])), "S must be a real numeric array"),
        (lambda: tl.istft(np.ones((1025, 4), np.complex64), n_fft=1000), "n_fft"),
        (lambda: tl.istft(np.ones(5, np.complex64)), "stft_matrix"),
        (lambda: tl.istft(np.ones((1025, 4), np.complex64), length=-3), "length"),
    ],
)
def test_bad_input_raises_typed_error_naming_argument(call, match: str) -> None:
    with pytest.raises(tl.InvalidParameterError, match=match):
        call()


def test_stft_empty_signal_with_reflect_padding_is_an_error() -> None:
    with pytest.warns(UserWarning):
        with pytest.raises(tl.InvalidParameterError, match="pad_mode"):
            tl.stft(np.zeros(0, np.float32), pad_mode="reflect")


def _child_work(queue: "mp.Queue[object]", path: str) -> None:
    spectrum = float(np.abs(tl.stft(music(22050, 1.0), n_jobs=2)).sum())
    loaded = float(np.abs(tl.load(path, sr=16000)[0]).sum())
    queue.put((spectrum, loaded))


@pytest.mark.filterwarnings("ignore:.*multi-threaded.*fork:DeprecationWarning")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_child_processes_after_parallel_work_still_compute(tmp_path, method: str) -> None:
    """rayon's pools do not survive fork(); tunelens rebuilds its pools in the child."""
    import soundfile as sf

    path = str(tmp_path / "clip.wav")
    sf.write(path, music(44100, 3.0, seed=2, channels=2).T, 44100)
    # Parallel work in the parent first, so its pools are running at fork time.
    expected = (float(np.abs(tl.stft(music(22050, 1.0), n_jobs=2)).sum()), float(np.abs(tl.load(path, sr=16000)[0]).sum()))
    ctx = mp.get_context(method)
    queue = ctx.Queue()
    child = ctx.Process(target=_child_work, args=(queue, path))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0, f"{method}ed child hung or crashed"
    assert queue.get(timeout=5) == pytest.approx(expected, rel=1e-6)
