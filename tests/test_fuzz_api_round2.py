"""Property-based fuzzing, round two (issue 20): the input families the
adversarial pass found uncovered by ``test_fuzz_api.py``.

- duplicated column names in the tables the recommender, the cluster
  descriptions and the catalog matcher take;
- explanation boundaries with NaN, infinities, negatives and values beyond the clip;
- huge sizes (up to 2**63) for every argument that sizes a buffer: image sizes,
  kernels, polynomial orders, filter counts, FFT lengths.

The property is ``test_fuzz_api.py``'s: a well-formed result or a
``tunelens.TunelensError``, never another exception and never an abort. The
profiles are shared (``TUNELENS_HYPOTHESIS_PROFILE=long`` for the soak run in
docs/reliability.md).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_api import audio_like, ints, numbers, well_formed  # also loads the shared profiles

import tunelens as tl
from tunelens.explain import FrequencyBands, TimeSegments

#: Sizes from 0 to 2**63, dense at the scales where a buffer stops fitting.
huge = st.one_of(ints, st.integers(0, 63).flatmap(lambda bits: st.integers(0, 2**bits)), st.sampled_from(
    [10**5, 10**6, 10**7, 10**8, 10**9, 2**31 - 1, 2**31, 2**32, 2**40, 2**62]))


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    """A feature table whose column names may repeat (as after a careless concat or rename)."""
    n = draw(st.integers(1, 12))
    names = draw(st.lists(st.sampled_from(["id", "energy", "tempo", "title"]), min_size=1, max_size=5))
    cell = st.one_of(st.floats(-1e3, 1e3), st.just(float("nan")), st.integers(-5, 5), st.text(max_size=3))
    columns = [draw(st.lists(cell if draw(st.booleans()) else st.floats(-1, 1), min_size=n, max_size=n))
               for _ in names]
    frame = pd.DataFrame(dict(enumerate(columns)))
    frame.columns = names
    return frame


features = st.one_of(st.none(), st.lists(st.sampled_from(["energy", "tempo", "title", "id", "missing"]), max_size=3))
id_columns = st.sampled_from([None, "id", "title", "missing"])
boundaries = st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6),
                                st.sampled_from(["a", None])), max_size=6)


def _render(kind: str, size: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        y = np.sin(np.arange(2205) / 10).astype(np.float32)
        if kind == "spectrogram_png":
            return tl.render.spectrogram_png(tl.melspectrogram(y=y, n_fft=256), Path(folder) / "s.png", size=size)
        return tl.render.waveform_png(y, Path(folder) / "w.png", size=size)


CALLS: dict[str, tuple[st.SearchStrategy[dict], Callable[..., Any]]] = {
    "recommender": (st.fixed_dictionaries({"df": tables(), "features": features, "id_column": id_columns}),
                    lambda df, **k: tl.Recommender(**k).fit(df)),
    "describe_clusters": (st.fixed_dictionaries({"df": tables(), "features": features, "id_column": id_columns}),
                          lambda df, **k: tl.describe_clusters(df, np.arange(len(df)) % 2, **k)),
    "match_catalogs": (st.fixed_dictionaries({"left": tables(), "right": tables(),
                                              "on": st.sampled_from(["title", "id", "energy"])}),
                       lambda left, right, on: tl.match_catalogs(left, right, left_on=on, right_on=on,
                                                                 progress=False)),
    "time_segments": (st.fixed_dictionaries({"boundaries": boundaries, "y": audio_like(4000),
                                             "sr": st.sampled_from([1, 8000, 22050])}),
                      lambda boundaries, y, sr: TimeSegments(boundaries=boundaries).decompose(y, sr)),
    "image_size": (st.fixed_dictionaries({"kind": st.sampled_from(["spectrogram_png", "waveform_png"]),
                                          "size": st.tuples(huge, huge)}),
                   lambda kind, size: _render(kind, size)),
    "hpss_kernel": (st.fixed_dictionaries({"y": audio_like(2000), "kernel_size": st.one_of(huge, st.tuples(huge, huge))}),
                    lambda y, **k: tl.effects.hpss(y, n_fft=256, **k)),
    "poly_order": (st.fixed_dictionaries({"y": audio_like(2000), "order": huge}),
                   lambda **k: tl.feature.poly_features(n_fft=256, **k)),
    "mfcc_n_mfcc": (st.fixed_dictionaries({"y": audio_like(2000), "n_mfcc": huge, "n_mels": huge}),
                    lambda **k: tl.feature.mfcc(n_fft=256, **k)),
    "chroma": (st.fixed_dictionaries({"y": audio_like(2000), "n_chroma": huge, "tuning": st.one_of(st.none(), numbers)}),
               lambda **k: tl.feature.chroma_stft(n_fft=256, **k)),
    "tempogram": (st.fixed_dictionaries({"y": audio_like(2000), "win_length": huge}),
                  lambda **k: tl.feature.tempogram(**k)),
    "stft": (st.fixed_dictionaries({"y": audio_like(2000), "n_fft": huge, "hop_length": st.one_of(st.none(), huge)}),
             lambda **k: tl.stft(**k)),
    "frequency_bands": (st.fixed_dictionaries({"y": audio_like(2000), "n_bands": huge, "n_fft": huge}),
                        lambda y, **k: FrequencyBands(**k).decompose(y, 22050)),
    "resample_axis": (st.fixed_dictionaries({"y": audio_like(2000), "axis": st.one_of(ints, st.none(), st.text(max_size=2))}),
                      lambda **k: tl.resample(orig_sr=22050, target_sr=8000, **k)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_every_call_returns_a_result_or_raises_a_tunelens_error(name: str) -> None:
    strategy, call = CALLS[name]

    @given(kwargs=strategy)
    def check(kwargs: dict) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # short signals and empty filters warn, as in librosa
            try:
                result = call(**kwargs)
            except tl.TunelensError:
                return
            except Exception as err:  # noqa: BLE001 - anything else is the finding
                raise AssertionError(f"{name}{kwargs!r:.400}: {err!r}") from None
        assert well_formed(result), f"{name} returned {type(result).__name__}: {result!r:.200}"

    check()
