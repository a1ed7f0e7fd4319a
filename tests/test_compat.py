"""tunelens.compat: librosa/rapidfuzz namespaces with tunelens behind them and a lazy fallback."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
import warnings
from types import ModuleType

import librosa
import numpy as np
import pytest
import rapidfuzz
from signals import music

import tunelens.compat.librosa as shim
import tunelens.compat.rapidfuzz as fuzz_shim
from tunelens.compat import TunelensFallbackWarning
from tunelens.exceptions import InvalidParameterError

SHIM_MODULES = ["", ".feature", ".feature.rhythm", ".onset", ".beat", ".effects", ".decompose", ".filters", ".display"]


def mapped(module: ModuleType) -> dict:
    """The functions a shim module serves itself (not fallbacks, which are librosa's own)."""
    return {name: f for name, f in vars(module).items()
            if not name.startswith("_") and inspect.isfunction(f) and f.__module__.startswith("tunelens")}


def signature_problems(reference, ours) -> list[str]:
    """Parameters of ``reference`` a call written for it could pass that ``ours`` would refuse."""
    ref, own = inspect.signature(reference).parameters, inspect.signature(ours).parameters
    own_list = list(own)
    var_keyword = any(p.kind is p.VAR_KEYWORD for p in own.values())
    problems = []
    for index, (name, p) in enumerate(ref.items()):
        if p.kind is p.VAR_POSITIONAL:
            problems += [] if any(q.kind is q.VAR_POSITIONAL for q in own.values()) else [f"*{name}"]
        elif p.kind is p.VAR_KEYWORD:
            problems += [] if var_keyword else [f"**{name}"]
        elif name not in own:
            problems += [] if var_keyword and p.kind is p.KEYWORD_ONLY else [name]
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            q = own[name]
            if q.kind not in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD) or own_list.index(name) != index:
                problems.append(f"{name} (positional #{index})")
        elif own[name].kind is inspect.Parameter.POSITIONAL_ONLY:
            problems.append(f"{name} (keyword)")
    return problems


MAPPED = [(suffix, name) for suffix in SHIM_MODULES
          for name in mapped(importlib.import_module("tunelens.compat.librosa" + suffix))]


def test_every_shim_module_serves_something() -> None:
    served = {suffix for suffix, _ in MAPPED}
    # beat is served by librosa until tunelens implements beat tracking.
    assert served >= {"", ".feature", ".feature.rhythm", ".onset", ".effects", ".decompose", ".filters", ".display"}
    assert len(MAPPED) >= 40, MAPPED


@pytest.mark.parametrize("suffix,name", MAPPED, ids=[f"librosa{s}.{n}" for s, n in MAPPED])
def test_mapped_signature_accepts_librosa_parameters(suffix: str, name: str) -> None:
    ours = getattr(importlib.import_module("tunelens.compat.librosa" + suffix), name)
    reference = getattr(importlib.import_module("librosa" + suffix), name)
    assert signature_problems(reference, ours) == []


def test_shim_results_equal_librosa() -> None:
    y = music(22050, 3.0, seed=1)
    # Same algorithms in float32; librosa's own parity suites state the per-feature bounds.
    np.testing.assert_allclose(np.abs(shim.stft(y)), np.abs(librosa.stft(y)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(shim.feature.mfcc(y=y, sr=22050), librosa.feature.mfcc(y=y, sr=22050),
                               rtol=1e-3, atol=2e-3)
    assert shim.frames_to_time(10, sr=22050) == librosa.frames_to_time(10, sr=22050)
    np.testing.assert_allclose(shim.filters.mel(sr=22050, n_fft=2048), librosa.filters.mel(sr=22050, n_fft=2048),
                               rtol=1e-6, atol=1e-9)


def test_parameter_errors_are_librosa_parameter_errors() -> None:
    y = music(22050, 1.0, seed=2)
    with pytest.raises(librosa.util.exceptions.ParameterError, match="n_fft") as caught:
        shim.stft(y, n_fft=0)
    assert isinstance(caught.value, InvalidParameterError)
    assert shim.util.exceptions.ParameterError is librosa.util.exceptions.ParameterError
    with pytest.raises(shim.util.exceptions.ParameterError, match="hop_length"):
        shim.feature.rms(y=y, hop_length=-1)


def test_adapters_send_librosa_only_options_to_librosa() -> None:
    y = music(22050, 1.0, seed=3)
    with pytest.warns(TunelensFallbackWarning, match="zero_crossing_rate"):
        ours = shim.feature.zero_crossing_rate(y, zero_pos=False)
    np.testing.assert_array_equal(ours, librosa.feature.zero_crossing_rate(y, zero_pos=False))
    np.testing.assert_allclose(shim.feature.zero_crossing_rate(y, threshold=1e-3),
                               librosa.feature.zero_crossing_rate(y, threshold=1e-3), atol=1e-7)


def test_fallback_warns_once_per_name_and_caches() -> None:
    with pytest.warns(TunelensFallbackWarning, match=r"librosa\.note_to_hz is not implemented by tunelens"):
        note_to_hz = shim.note_to_hz
    assert note_to_hz is librosa.note_to_hz
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert shim.note_to_hz("A4") == 440.0
    with pytest.warns(TunelensFallbackWarning, match=r"librosa\.beat\.beat_track|librosa\.beat\.plp"):
        shim.beat.plp
    with pytest.raises(AttributeError, match="no_such_function"):
        shim.no_such_function


def test_fallback_of_whole_submodules() -> None:
    with pytest.warns(TunelensFallbackWarning, match=r"librosa\.segment"):
        assert shim.segment is librosa.segment


def test_without_librosa_unimplemented_names_raise_attribute_error() -> None:
    # sys.modules[name] = None makes importlib report the package as absent.
    script = textwrap.dedent("""
        import sys
        sys.modules["librosa"] = None
        import numpy as np
        import tunelens.compat.librosa as librosa
        from tunelens.exceptions import InvalidParameterError
        y = np.sin(np.arange(22050) / 10).astype(np.float32)
        assert librosa.feature.rms(y=y).shape == (1, 44)
        assert librosa.util.exceptions.ParameterError is InvalidParameterError
        try:
            librosa.stft(y, n_fft=0)
        except librosa.util.exceptions.ParameterError as error:
            assert "n_fft" in str(error)
        try:
            librosa.note_to_hz
        except AttributeError as error:
            assert "librosa.note_to_hz" in str(error) and "not installed" in str(error), error
        else:
            raise AssertionError("no AttributeError")
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_rapidfuzz_namespace_serves_every_module() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TunelensFallbackWarning)
        for name in ("fuzz", "process", "distance", "utils"):
            module = getattr(fuzz_shim, name)
            for attr in getattr(importlib.import_module(f"rapidfuzz.{name}"), "__all__", ()):
                assert getattr(module, attr) is not None, f"{name}.{attr}"
        assert fuzz_shim.fuzz.WRatio("Beyoncé", "Beyonce") == rapidfuzz.fuzz.WRatio("Beyoncé", "Beyonce")
        # rapidfuzz's process accepts the shim's scorers and the shim's process accepts rapidfuzz's.
        choices = ["Daft Punk - One More Time", "Daft Pank - One More Tim", "Queen - Bohemian Rhapsody"]
        for process, scorer in ((rapidfuzz.process, fuzz_shim.fuzz.WRatio),
                                (fuzz_shim.process, rapidfuzz.fuzz.WRatio)):
            assert process.extractOne("daft punk one more time", choices, scorer=scorer,
                                      processor=rapidfuzz.utils.default_process)[0] == choices[0]


# vars(): looking a name up with getattr would trigger (and cache) its fallback.
FUZZ = [name for name in rapidfuzz.fuzz.__all__ if name in vars(fuzz_shim.fuzz)]
PROCESS = [name for name in rapidfuzz.process.__all__ if name in vars(fuzz_shim.process)]


def test_rapidfuzz_shim_serves_scorers_and_extractors_from_tunelens() -> None:
    assert {"ratio", "WRatio", "token_sort_ratio", "partial_ratio"} <= set(FUZZ)
    assert {"extractOne", "extract", "cdist"} <= set(PROCESS)


@pytest.mark.parametrize("name", PROCESS)
def test_rapidfuzz_process_signatures(name: str) -> None:
    assert signature_problems(getattr(rapidfuzz.process, name), getattr(fuzz_shim.process, name)) == []


@pytest.mark.parametrize("name", FUZZ)
@pytest.mark.parametrize("a,b", [("Beyoncé feat. Jay-Z", "beyonce ft jay z"), ("The Beatles", "Beatles, The"), ("", "x")])
def test_rapidfuzz_scorers_take_rapidfuzz_keywords_and_agree(name: str, a: str, b: str) -> None:
    ours, ref = getattr(fuzz_shim.fuzz, name), getattr(rapidfuzz.fuzz, name)
    for kwargs in ({}, {"processor": rapidfuzz.utils.default_process}, {"score_cutoff": 50.0}):
        # rapidfuzz-exact implementations: equal floats.
        assert ours(a, b, **kwargs) == ref(a, b, **kwargs), kwargs


def test_importlib_cache_invalidation_still_works_with_the_shims() -> None:
    """The submodule-alias finder sits on ``sys.meta_path``; ``importlib.invalidate_caches``
    (pytest's ``syspath_prepend`` calls it) must keep working for every program."""
    import importlib

    import tunelens.compat.rapidfuzz  # noqa: F401 - installs the finder

    importlib.invalidate_caches()
