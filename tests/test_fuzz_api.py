"""Property-based fuzzing of the Python API (hypothesis).

Random arrays (float32/float64/int/bool/complex/object dtypes, 0-d to 3-d
shapes including empty ones, non-contiguous and negative strides, NaN and inf),
random parameters (zero, negative, huge, fractional, wrong types) and random
strings go to every public entry point. The property: each call returns a
well-formed result or raises a ``tunelens.TunelensError`` subclass, never
another exception type and never a crash.

Profiles: ``ci`` (default, short) and ``long`` (the soak run in
docs/reliability.md): ``TUNELENS_HYPOTHESIS_PROFILE=long pytest tests/test_fuzz_api.py``.
A new entry point is one line in ``CALLS``.
"""

from __future__ import annotations

import io
import os
import warnings
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tunelens as tl

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("TUNELENS_HYPOTHESIS_PROFILE", "ci"))

DTYPES = [np.float32, np.float64, np.int16, np.int64, np.bool_, np.complex64, np.complex128]


@st.composite
def arrays(draw: st.DrawFn, max_dims: int = 3, max_side: int = 600) -> Any:
    """Any array a user might pass: odd dtypes, shapes, strides, NaN/inf, objects."""
    if draw(st.integers(0, 20)) == 0:
        return draw(st.sampled_from([None, [], [1.0, "x"], "audio.wav", 3.5, np.array([object(), 1.0], dtype=object)]))
    dtype = draw(st.sampled_from(DTYPES))
    ndim = draw(st.integers(0, max_dims))
    side = st.integers(0, max_side if ndim == 1 else 40)
    shape = tuple(draw(side) for _ in range(ndim))
    elements = None
    if np.dtype(dtype).kind == "f":
        elements = st.floats(width=np.dtype(dtype).itemsize * 8, allow_nan=True, allow_infinity=True)
    a = draw(hnp.arrays(dtype, shape, elements=elements, fill=st.nothing() if elements is None else None))
    if ndim and draw(st.booleans()):
        a = a[..., ::-1]  # negative strides
    if ndim and draw(st.booleans()):
        a = np.repeat(a, 2, axis=-1)[..., ::2]  # non-contiguous
    return a


def audio_like(max_len: int = 4000) -> st.SearchStrategy[np.ndarray]:
    """Mostly plausible float signals (so calls get past validation), sometimes anything."""
    plausible = hnp.arrays(st.sampled_from([np.float32, np.float64]), st.integers(0, max_len),
                           elements=st.floats(-1, 1, width=32))
    return st.one_of(plausible, plausible, arrays())


ints = st.one_of(st.sampled_from([0, 1, 2, 3, -1, -2048, 7, 64, 512, 2048, 2**31, 2**63 - 1]), st.integers(-10, 5000))
numbers = st.one_of(ints, st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([22050.0, 0.5, 1e-300]))
anything = st.one_of(ints, numbers, st.none(), st.booleans(), st.text(max_size=8), st.just([1, 2]))
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)

#: name -> (strategy of keyword arguments, call). A new entry point is one line.
CALLS: dict[str, tuple[st.SearchStrategy[dict], Callable[..., Any]]] = {
    "stft": (st.fixed_dictionaries({"y": audio_like(), "n_fft": ints, "hop_length": st.one_of(st.none(), ints),
                                    "win_length": st.one_of(st.none(), ints), "center": anything,
                                    "pad_mode": st.sampled_from(["constant", "reflect", "edge", "wrap", "bogus", 3])}),
             lambda **k: tl.stft(**k)),
    "istft": (st.fixed_dictionaries({"stft_matrix": arrays(), "hop_length": st.one_of(st.none(), ints),
                                     "n_fft": st.one_of(st.none(), ints), "length": st.one_of(st.none(), ints)}),
              lambda **k: tl.istft(**k)),
    "melspectrogram": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "n_fft": ints, "hop_length": ints,
                                              "n_mels": ints, "fmin": numbers, "fmax": st.one_of(st.none(), numbers)}),
                       lambda **k: tl.melspectrogram(**k)),
    "power_to_db": (st.fixed_dictionaries({"S": arrays(), "amin": numbers, "top_db": st.one_of(st.none(), numbers)}),
                    lambda **k: tl.power_to_db(**k)),
    "rms": (st.fixed_dictionaries({"y": audio_like(), "frame_length": ints, "hop_length": ints, "center": anything}),
            lambda **k: tl.feature.rms(**k)),
    "zero_crossing_rate": (st.fixed_dictionaries({"y": audio_like(), "frame_length": ints, "hop_length": ints,
                                                  "threshold": numbers}),
                           lambda y, **k: tl.feature.zero_crossing_rate(y, **k)),
    "spectral_centroid": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "n_fft": ints, "hop_length": ints}),
                          lambda **k: tl.feature.spectral_centroid(**k)),
    "mfcc": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "n_mfcc": ints, "lifter": numbers}),
             lambda **k: tl.feature.mfcc(**k)),
    "chroma_stft": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "n_fft": ints, "n_chroma": ints}),
                    lambda **k: tl.feature.chroma_stft(**k)),
    "delta": (st.fixed_dictionaries({"data": arrays(), "width": ints, "order": ints, "axis": ints}),
              lambda data, **k: tl.feature.delta(data, **k)),
    "onset_strength": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "lag": ints, "max_size": ints}),
                       lambda **k: tl.onset.onset_strength(**k)),
    "hpss": (st.fixed_dictionaries({"y": audio_like(2000), "kernel_size": ints, "margin": numbers, "n_fft": ints}),
             lambda y, **k: tl.effects.hpss(y, **k)),
    "resample": (st.fixed_dictionaries({"y": audio_like(), "orig_sr": numbers, "target_sr": numbers}),
                 lambda **k: tl.resample(**k)),
    "tempogram": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers, "win_length": ints}),
                  lambda **k: tl.feature.tempogram(**k)),
    "load_bytes": (st.fixed_dictionaries({"data": st.binary(max_size=2000), "sr": st.one_of(st.none(), numbers),
                                          "offset": numbers, "duration": st.one_of(st.none(), numbers)}),
                   lambda data, **k: tl.load(io.BytesIO(data), **k)),
    "load_path": (st.fixed_dictionaries({"path": texts}), lambda path: tl.load(path)),
    "get_duration": (st.fixed_dictionaries({"path": st.one_of(texts, st.binary(max_size=500))}),
                     lambda path: tl.get_duration(path=path)),
    "nearest_neighbors": (st.fixed_dictionaries({"X": arrays(), "k": ints, "metric": st.one_of(texts, st.sampled_from(["cosine", "euclidean", "manhattan"])),
                                                 "scaler": st.sampled_from(["standard", "robust", "minmax", None, "x"])}),
                          lambda X, k, metric, scaler: tl.NearestNeighbors(n_neighbors=k, metric=metric, scaler=scaler).fit(X).kneighbors()),
    "pca": (st.fixed_dictionaries({"X": arrays(), "n": st.one_of(st.none(), ints, numbers, st.just("mle"))}),
            lambda X, n: tl.PCA(n_components=n).fit_transform(X)),
    "kmeans": (st.fixed_dictionaries({"X": arrays(), "k": ints, "seed": st.one_of(st.none(), ints)}),
               lambda X, k, seed: tl.KMeans(n_clusters=k, random_state=seed, n_init=1, max_iter=20).fit(X)),
    "silhouette": (st.fixed_dictionaries({"X": arrays(), "labels": arrays(max_dims=1)}),
                   lambda X, labels: tl.silhouette_score(X, labels)),
}


def well_formed(value: Any) -> bool:
    """Arrays, numbers, tuples/lists/dicts of those, or a tunelens object."""
    if isinstance(value, np.ndarray):
        return value.dtype != object
    if isinstance(value, (tuple, list)):
        return all(well_formed(v) for v in value)
    if isinstance(value, dict):
        return all(well_formed(v) for v in value.values())
    return isinstance(value, (int, float, complex, np.generic)) or type(value).__module__.startswith("tunelens")


@pytest.mark.parametrize("name", list(CALLS))
def test_every_call_returns_a_result_or_raises_a_tunelens_error(name: str) -> None:
    strategy, call = CALLS[name]

    @given(kwargs=strategy)
    def check(kwargs: dict) -> None:
        with warnings.catch_warnings():
            # Warnings (short signals, empty filters) are legitimate outcomes here.
            warnings.simplefilter("ignore")
            try:
                result = call(**kwargs)
            except tl.TunelensError:
                return
            except MemoryError:  # pragma: no cover - reported as a finding
                raise AssertionError(f"{name}: MemoryError instead of a typed error") from None
        assert well_formed(result), f"{name} returned {type(result).__name__}: {result!r:.200}"

    check()
