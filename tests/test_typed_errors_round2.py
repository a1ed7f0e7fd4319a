"""Issue 20 (reliability, round two): untyped exceptions and silent results
found by the adversarial pass, each now a typed tunelens error or a row."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz as rf_fuzz, process as rf_process

import tunelens
from tunelens import InvalidParameterError, InvalidTypeError, TunelensError
from tunelens.explain import TimeSegments


@pytest.mark.parametrize("dtype", ["complex128", "bool", "U4", object, "not-a-dtype"])
def test_cdist_refuses_dtypes_rapidfuzz_refuses(dtype) -> None:
    with pytest.raises(TypeError):  # what rapidfuzz raises, so code written for it keeps working
        rf_process.cdist(["a"], ["b"], scorer=rf_fuzz.ratio, dtype=dtype if dtype != "not-a-dtype" else object)
    with pytest.raises(InvalidTypeError, match="unsupported dtype"):
        tunelens.process.cdist(["a"], ["b"], scorer=tunelens.fuzz.ratio, dtype=dtype)
    assert issubclass(InvalidTypeError, TypeError) and issubclass(InvalidTypeError, TunelensError)


def test_cdist_integer_and_float_dtypes_still_work() -> None:
    for dtype in ("uint8", "int32", "float64"):
        got = tunelens.process.cdist(["abc"], ["abd"], scorer=tunelens.fuzz.ratio, dtype=dtype)
        want = rf_process.cdist(["abc"], ["abd"], scorer=rf_fuzz.ratio, dtype=dtype)
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_load_batch_refuses_a_single_path_and_keeps_bad_entries_as_rows(tmp_path) -> None:
    with pytest.raises(InvalidParameterError, match="single path"):
        tunelens.load_batch("x.wav")
    import soundfile as sf

    wav = tmp_path / "tone.wav"
    sf.write(wav, np.sin(np.arange(4410) / 10).astype(np.float32), 44100)
    rows = tunelens.load_batch([wav, None, 3, str(tmp_path / "missing.wav")], sr=None)
    assert isinstance(rows[0], tuple) and rows[0][1] == 44100
    assert isinstance(rows[1], InvalidParameterError) and "paths[1]" in str(rows[1])
    assert isinstance(rows[2], InvalidParameterError) and "paths[2]" in str(rows[2])
    assert isinstance(rows[3], TunelensError)


@pytest.mark.parametrize("boundaries", [[np.nan], [-1, 100], [1.0, np.inf], ["a"]])
def test_time_segments_refuse_non_finite_or_negative_boundaries(boundaries) -> None:
    with pytest.raises(InvalidParameterError, match="boundaries"):
        TimeSegments(boundaries=boundaries)


def test_time_segments_refuse_boundaries_beyond_the_clip() -> None:
    y = np.zeros(22050, dtype=np.float32)
    with pytest.raises(InvalidParameterError, match="beyond the clip"):
        TimeSegments(boundaries=[0.5, 100])._segments(y, 22050)
    with pytest.raises(InvalidParameterError, match="beyond the clip"):
        TimeSegments(boundaries=[2.2e304]).decompose(y, 8000)  # b * sr overflows to inf
    bounds, names = TimeSegments(boundaries=[0.5])._segments(y, 22050)
    assert bounds == [0, 11025, 22050] and len(names) == 2
