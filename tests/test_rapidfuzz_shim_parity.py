"""tunelens.compat.rapidfuzz side by side with rapidfuzz on what rapidfuzz's own
suite found (issue 18): submodule imports, distance fallbacks, missing values,
cutoff errors, cdist/cpdist dtypes and asymmetric scorers, and the cached
choices of an ``extractOne`` loop."""

from __future__ import annotations

import functools
import importlib
import warnings

import numpy as np
import pytest
import rapidfuzz
from rapidfuzz import process_cpp

import tunelens.compat.rapidfuzz as shim
from tunelens.compat import TunelensFallbackWarning


@pytest.fixture(autouse=True)
def _quiet_fallbacks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TunelensFallbackWarning)
        yield


def outcome(call):
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - the type is the outcome compared
        return type(err)


def test_private_submodules_import_as_rapidfuzz_own() -> None:
    ours = importlib.import_module("tunelens.compat.rapidfuzz.distance._initialize_cpp")
    assert ours is importlib.import_module("rapidfuzz.distance._initialize_cpp")
    assert ours.__spec__.name == "rapidfuzz.distance._initialize_cpp"
    assert importlib.import_module("tunelens.compat.rapidfuzz._feature_detector").supports


def test_metrics_serve_native_scores_and_rapidfuzz_edit_operations() -> None:
    lev = shim.distance.Levenshtein
    assert lev.distance.__module__.startswith("tunelens")
    assert lev.editops("aaabaaa", "abbaaabba") == rapidfuzz.distance.Levenshtein.editops("aaabaaa", "abbaaabba")
    assert lev.opcodes("abc", "abd") == rapidfuzz.distance.Levenshtein.opcodes("abc", "abd")
    assert shim.distance.Editops is rapidfuzz.distance.Editops
    for metric in ("OSA", "DamerauLevenshtein", "LCSseq", "Prefix", "Postfix"):
        assert getattr(shim.distance, metric).distance("abcd", "acbd") == \
            getattr(rapidfuzz.distance, metric).distance("abcd", "acbd")


CALLS = [
    ("Levenshtein", "distance", ("a", None), {}),
    ("Levenshtein", "normalized_distance", (None, "a"), {"weights": (-1, 1, 1)}),
    ("Levenshtein", "distance", ("abc", "abd"), {"weights": (-1, 1, 1)}),
    ("Levenshtein", "distance", ("abc", "abd"), {"score_cutoff": -1}),
    ("Levenshtein", "distance", ("abc", "abd"), {"score_cutoff": -0.5}),
    ("Indel", "normalized_similarity", ("abc", "abd"), {"score_cutoff": 2.5}),
    ("Jaro", "distance", ("abc", "abd"), {"score_cutoff": -1}),
    ("JaroWinkler", "similarity", (float("nan"), "abd"), {"prefix_weight": 1.5}),
    ("JaroWinkler", "similarity", ("abc", "abd"), {"prefix_weight": 1.5}),
    ("Hamming", "normalized_distance", ([1, 2, 3], np.array([1, 2, 4])), {}),
    ("Hamming", "distance", ("ab", "abc"), {"pad": False}),
]


@pytest.mark.parametrize("metric,kind,pair,kwargs", CALLS)
def test_distance_results_and_error_types_equal_rapidfuzz(metric, kind, pair, kwargs) -> None:
    ours = outcome(lambda: getattr(getattr(shim.distance, metric), kind)(*pair, **kwargs))
    reference = outcome(lambda: getattr(getattr(rapidfuzz.distance, metric), kind)(*pair, **kwargs))
    if isinstance(reference, type):
        assert isinstance(ours, type) and issubclass(ours, reference)
    else:
        assert ours == reference


@pytest.mark.parametrize("process", [shim.process, process_cpp], ids=["shim", "rapidfuzz_cpp"])
def test_asymmetric_weights_are_not_mirrored(process) -> None:
    strings = ["test", "test2"]
    kwargs = dict(scorer=shim.distance.Levenshtein.distance, scorer_kwargs={"weights": (1, 2, 1)})
    expected = rapidfuzz.process.cdist(strings, strings, scorer=rapidfuzz.distance.Levenshtein.distance,
                                       scorer_kwargs={"weights": (1, 2, 1)})
    np.testing.assert_array_equal(process.cdist(strings, strings, **kwargs), expected)


@pytest.mark.parametrize("kind", ["distance", "similarity", "normalized_distance", "normalized_similarity"])
@pytest.mark.parametrize("matrix", ["cdist", "cpdist"])
def test_matrix_default_dtype_and_multiplier(kind, matrix) -> None:
    ours = getattr(shim.process, matrix)(["test", "x"], ["test2", "y"], scorer=getattr(shim.distance.Levenshtein, kind),
                                         score_multiplier=2)
    reference = getattr(rapidfuzz.process, matrix)(["test", "x"], ["test2", "y"], score_multiplier=2,
                                                   scorer=getattr(rapidfuzz.distance.Levenshtein, kind))
    assert ours.dtype == reference.dtype
    np.testing.assert_array_equal(ours, reference)


def test_wrapped_scorer_sees_missing_values() -> None:
    @functools.wraps(shim.fuzz.ratio)
    def always_100(*_args, **_kwargs):
        return 100

    for missing in (None, float("nan")):
        assert shim.process.cdist(["test"], [missing], scorer=always_100)[0, 0] == 100
        assert shim.process.cpdist(["test"], [missing], scorer=always_100)[0] == 100


def test_extract_loop_reuses_processed_choices_until_they_change() -> None:
    choices = ["New York Mets", "chicago cubs", None, "Atlanta Braves!", "braves vs mets"]
    for query in ("new york", "braves", "CUBS"):
        for name, kwargs in (("extractOne", {}), ("extract", {"limit": 3})):
            ours = getattr(shim.process, name)(query, choices, processor=shim.utils.default_process, **kwargs)
            reference = getattr(rapidfuzz.process, name)(query, choices, processor=rapidfuzz.utils.default_process,
                                                         **kwargs)
            assert ours == reference
        assert list(shim.process.extract_iter(query, choices, processor=shim.utils.default_process)) == \
            list(rapidfuzz.process.extract_iter(query, choices, processor=rapidfuzz.utils.default_process))
    choices[1] = "atlanta"  # in place: the cached processed choices are stale
    choices.append("Chicago Cubs")
    for query in ("atlanta", "chicago cubs"):
        assert shim.process.extractOne(query, choices, processor=shim.utils.default_process) == \
            rapidfuzz.process.extractOne(query, choices, processor=rapidfuzz.utils.default_process)
