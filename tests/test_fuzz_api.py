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

import contextlib
import io
import os
import shutil
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import pandas as pd
import rapidfuzz

import tunelens as tl

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("TUNELENS_HYPOTHESIS_PROFILE", "ci"))
#: ``TUNELENS_FUZZ_TRACE=file``: each example is written there before it runs.
TRACE = os.environ.get("TUNELENS_FUZZ_TRACE")

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

# The matching API: strings of every kind (non-BMP, lone surrogates, empty, None, bytes, lists of hashables,
# numbers); ``long_strings`` adds 1k-60k character ones (issue 20), given as the first string only (partial
# ratios of two long strings are cubic in rapidfuzz too).
surrogated = st.tuples(texts, st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=4),
                       texts).map("".join)
strings = st.one_of(texts, texts, st.text(alphabet=st.characters(min_codepoint=0x10000), max_size=10), st.none(),
                    surrogated, st.binary(max_size=12), st.lists(st.one_of(texts, ints), max_size=5), ints,
                    st.floats())
long_strings = st.one_of(strings, st.builds(lambda unit, n: (unit * n)[:60_000],
                                            st.text(min_size=1, max_size=4), st.integers(1000, 20_000)))
cutoffs = st.one_of(st.none(), numbers)
huge_limits = st.sampled_from([2**63, 10**30, 2**64 + 1])
processors = st.sampled_from([None, tl.process.default_process, str.upper, 3])
SCORERS = ["ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "token_ratio", "partial_token_sort_ratio",
           "partial_token_set_ratio", "partial_token_ratio", "WRatio", "QRatio"]
METRICS = {"Levenshtein": {"weights": st.one_of(st.none(), st.tuples(ints, ints, ints))}, "Indel": {},
           "Hamming": {"pad": anything}, "Jaro": {}, "JaroWinkler": {"prefix_weight": numbers}}
FUNCS = ["distance", "similarity", "normalized_distance", "normalized_similarity"]
#: (module, name) of the scorers the process functions get.
PROCESS_SCORERS = [("fuzz", n) for n in SCORERS] + [("distance", f"{m}.{f}") for m in METRICS for f in FUNCS]
choices = st.one_of(st.lists(strings, max_size=8), st.dictionaries(ints, texts, max_size=5),
                    st.lists(texts, max_size=8).map(lambda c: pd.Series(c, dtype=object)), strings)


def _scorer(lib: Any, where: str, name: str) -> Any:
    """``tunelens`` or ``rapidfuzz`` scorer ``name`` of ``fuzz`` or ``distance``."""
    obj = getattr(lib, where)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _metric_kwargs(draw: st.DrawFn, metric: str) -> dict:
    return {k: draw(v) for k, v in METRICS[metric].items() if draw(st.booleans())}


@st.composite
def scorer_calls(draw: st.DrawFn) -> dict:
    name = draw(st.sampled_from(SCORERS))
    return dict(name=name, s1=draw(long_strings), s2=draw(strings), processor=draw(processors),
                score_cutoff=draw(cutoffs))


@st.composite
def distance_calls(draw: st.DrawFn) -> dict:
    metric = draw(st.sampled_from(list(METRICS)))
    return dict(metric=metric, func=draw(st.sampled_from(FUNCS)), s1=draw(long_strings), s2=draw(strings),
                processor=draw(processors), score_cutoff=draw(cutoffs), extra=_metric_kwargs(draw, metric))


@st.composite
def process_calls(draw: st.DrawFn) -> dict:
    where, name = draw(st.sampled_from(PROCESS_SCORERS))
    return dict(func=draw(st.sampled_from(["extractOne", "extract", "cdist", "cpdist"])), where=where, scorer=name,
                query=draw(long_strings), choices=draw(choices), processor=draw(processors),
                score_cutoff=draw(cutoffs), limit=draw(st.one_of(st.none(), ints, huge_limits)),
                workers=draw(st.sampled_from([1, 2, -1, 0])))


def _call_scorer(lib: Any, name: str, s1: Any, s2: Any, processor: Any, score_cutoff: Any) -> Any:
    return getattr(lib.fuzz, name)(s1, s2, processor=processor, score_cutoff=score_cutoff)


def _call_distance(lib: Any, metric: str, func: str, s1: Any, s2: Any, processor: Any, score_cutoff: Any,
                   extra: dict) -> Any:
    return _scorer(lib, "distance", f"{metric}.{func}")(s1, s2, processor=processor, score_cutoff=score_cutoff,
                                                         **extra)


def _call_process(lib: Any, func: str, where: str, scorer: str, query: Any, choices: Any, processor: Any,
                  score_cutoff: Any, limit: Any, workers: int) -> Any:
    kwargs = dict(scorer=_scorer(lib, where, scorer), processor=processor, score_cutoff=score_cutoff)
    if func in ("cdist", "cpdist"):
        queries = query if isinstance(query, list) else [query]
        if func == "cpdist" and isinstance(choices, list):
            queries = (queries * len(choices))[:len(choices)]
        return getattr(lib.process, func)(queries, choices, workers=workers, **kwargs)
    if func == "extract":
        kwargs["limit"] = limit
    return getattr(lib.process, func)(query, choices, **kwargs)


def _in_range(value: Any, lo: float, hi: float) -> bool:
    return isinstance(value, (int, float)) and lo <= value <= hi


@st.composite
def frames(draw: st.DrawFn) -> Any:
    """A catalog table: artist/title columns of texts, NaN, None, ints, bytes or mixed values."""
    n = draw(st.integers(0, 12))
    cell = st.one_of(texts, texts, st.none(), st.just(float("nan")), ints, st.binary(max_size=6),
                     st.text(alphabet=st.characters(min_codepoint=0x10000), max_size=5))
    columns = draw(st.lists(st.sampled_from(["artist", "title", "album"]), min_size=1, max_size=3, unique=True))
    return pd.DataFrame({c: draw(st.lists(cell, min_size=n, max_size=n)) for c in columns})


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
    "fuzz": (scorer_calls(), lambda **k: _call_scorer(tl, **k)),
    "distance": (distance_calls(), lambda **k: _call_distance(tl, **k)),
    "process": (process_calls(), lambda **k: _call_process(tl, **k)),
    "extract_many": (st.fixed_dictionaries({"queries": st.lists(strings, max_size=5), "choices": choices,
                                            "limit": st.one_of(st.none(), ints, huge_limits),
                                            "score_cutoff": cutoffs}),
                     lambda **k: tl.process.extract_many(**k)),
    "normalize": (st.fixed_dictionaries({"text": st.one_of(strings, st.lists(st.one_of(texts, st.none()), max_size=5)),
                                         "drop_leading_the": anything, "unify_and": anything, "n_jobs": ints}),
                  lambda text, **k: tl.normalize(text, **k)),
    "match_catalogs": (st.fixed_dictionaries({"left": frames(), "right": frames(),
                                              "scorer": st.one_of(st.sampled_from(SCORERS), texts),
                                              "threshold": numbers, "one_to_one": st.booleans(),
                                              "how": st.sampled_from(["inner", "left", "outer"]),
                                              "n_jobs": st.sampled_from([1, 2, -1])}),
                       lambda left, right, **k: tl.match_catalogs(left, right, left_on=("artist", "title"),
                                                                  progress=False, **k)),
    "key_mode": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers}), lambda **k: tl.descriptors.key_mode(**k)),
    "integrated_loudness": (st.fixed_dictionaries({"y": audio_like(), "sr": numbers}),
                            lambda **k: tl.descriptors.integrated_loudness(**k)),
    "dynamic_range": (st.fixed_dictionaries({"y": audio_like(), "frame_length": ints, "hop_length": ints}),
                      lambda y, **k: tl.descriptors.dynamic_range(y, **k)),
}

#: The rapidfuzz-compatible calls: the same call on rapidfuzz 3.14 is the reference. Where
#: rapidfuzz raises (a TypeError for an int string, a ValueError for negative weights),
#: tunelens may raise the same builtin class; where rapidfuzz returns, tunelens must too.
REFERENCE: dict[str, Callable[..., Any]] = {
    "fuzz": lambda **k: _call_scorer(rapidfuzz, **k),
    "distance": lambda **k: _call_distance(rapidfuzz, **k),
    "process": lambda **k: _call_process(rapidfuzz, **k),
    # tunelens-only: one extractOne per query
    "extract_many": lambda queries, choices, limit, score_cutoff: [
        rapidfuzz.process.extractOne(q, choices, score_cutoff=score_cutoff) for q in queries],
}


def check_range(name: str, kwargs: dict, result: Any) -> None:
    """Scores in their documented range (fuzz 0-100, normalized 0-1)."""
    if name == "fuzz":
        assert _in_range(result, 0, 100), f"{kwargs}: {result}"
    if name == "distance" and kwargs["func"].startswith("normalized"):
        assert _in_range(result, 0, 1), f"{kwargs}: {result}"


def well_formed(value: Any) -> bool:
    """Arrays, numbers, tuples/lists/dicts of those, or a tunelens object."""
    if isinstance(value, np.ndarray):
        return value.dtype != object
    if isinstance(value, (tuple, list)):
        return all(well_formed(v) for v in value)
    if isinstance(value, dict):
        return all(well_formed(v) for v in value.values())
    if value is None or isinstance(value, (str, bytes)):
        return True
    module = type(value).__module__
    return isinstance(value, (int, float, complex, np.generic)) or module.startswith(("tunelens", "pandas"))


def _vacuous(kwargs: dict) -> bool:
    """No choice, no query or a None string: rapidfuzz returns at once without validating the other arguments,
    tunelens validates them anyway."""
    empty = any(isinstance(kwargs.get(k), (str, list, dict, pd.Series)) and len(kwargs[k]) == 0
                for k in ("choices", "queries"))
    no_query = ("query" in kwargs and kwargs["query"] is None
                or "queries" in kwargs and all(q is None for q in kwargs["queries"])
                or "s1" in kwargs and (kwargs["s1"] is None or kwargs["s2"] is None))
    no_choice = isinstance(kwargs.get("choices"), list) and all(c is None for c in kwargs["choices"])
    return empty or no_query or no_choice


def _outcome(call: Callable[..., Any], kwargs: dict) -> Any:
    """The exception class ``call`` raises, or its result."""
    try:
        return call(**kwargs)
    except Exception as err:  # noqa: BLE001 - the outcome is compared
        return type(err)


@pytest.mark.parametrize("name", list(CALLS))
def test_every_call_returns_a_result_or_raises_a_tunelens_error(name: str) -> None:
    strategy, call = CALLS[name]

    @given(kwargs=strategy)
    def check(kwargs: dict) -> None:
        if TRACE:  # the example about to run, for an abort that takes the process down
            with open(TRACE, "w") as f:
                f.write(f"{name}: {kwargs!r:.2000}\n")
        with warnings.catch_warnings():
            # Warnings (short signals, empty filters) are legitimate outcomes here.
            warnings.simplefilter("ignore")
            reference = _outcome(REFERENCE[name], kwargs) if name in REFERENCE else None
            try:
                result = call(**kwargs)
            except tl.TunelensError:
                return
            except (TypeError, ValueError, OverflowError) as err:  # OverflowError: rapidfuzz's for negative counts
                if name in REFERENCE:  # the rapidfuzz-compatible API raises typed errors only (issue 20)
                    raise AssertionError(f"{name}{kwargs!r:.300}: untyped {err!r} (rapidfuzz: {reference!r:.100})")
                if isinstance(reference, type) and issubclass(reference, Exception) or _vacuous(kwargs):
                    return  # rapidfuzz raises on this input too, or never looks at it (nothing to compare)
                raise AssertionError(f"{name}{kwargs!r:.300}: {err!r} (rapidfuzz: {reference!r:.100})") from None
            except MemoryError:  # pragma: no cover - reported as a finding
                raise AssertionError(f"{name}: MemoryError instead of a typed error") from None
        assert well_formed(result), f"{name} returned {type(result).__name__}: {result!r:.200}"
        check_range(name, kwargs, result)

    check()


# The CLI: random argument lists, in process. Outputs (-o) and real folders are left out so that a run
# never writes files or scans the disk; --model only names a module that does not exist.
_WORDS = st.one_of(
    st.sampled_from(["features", "match", "recommend", "explain", "spectrogram", "bogus", "--help", "--debug",
                     "--n-jobs", "--sr", "--duration", "--offset", "--set", "--threshold", "--scorer", "--how",
                     "--many-to-many", "--left-on", "--seed", "-k", "--metric", "--segments", "--num-samples",
                     "--model", "nosuchmodule:f", "gtzan", "-1", "0", "nan", "1e400", ""]),
    texts.map(lambda t: "/nonexistent/" + t),
    ints.map(str))


@settings(max_examples=max(settings().max_examples // 4, 10))
@given(argv=st.lists(_WORDS, max_size=8))
def test_cli_exits_with_a_code_and_a_one_line_error(argv: list[str]) -> None:
    import contextlib

    from tunelens.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse: --help (0) and usage errors (2)
            code = exit_.code
    errors = err.getvalue()
    assert code in (0, 1, 2), f"{argv}: exit code {code}"
    assert "Traceback" not in errors or "--debug" in argv, f"{argv}: {errors}"
    if code:
        last = errors.strip().splitlines()[-1]
        assert last.startswith("tunelens") and ": error: " in last, f"{argv}: {errors}"
        if code == 1:
            assert len(errors.strip().splitlines()) == 1 or "--debug" in argv, f"{argv}: {errors}"


@pytest.mark.parametrize("cutoff", [-0.5, -0.999, 0.0, 1.7])
@pytest.mark.parametrize("func", ["distance", "similarity"])
def test_integer_metric_cutoff_truncates_like_rapidfuzz(func: str, cutoff: float) -> None:
    """Long-run finding: a cutoff in (-1, 0) raised ValueError; rapidfuzz truncates it to 0."""
    for metric in ("Levenshtein", "Indel", "Hamming"):
        ours = getattr(getattr(tl.distance, metric), func)("abc", "", score_cutoff=cutoff)
        theirs = getattr(getattr(rapidfuzz.distance, metric), func)("abc", "", score_cutoff=cutoff)
        assert ours == theirs, (metric, func, cutoff)


# Paths that are no regular file (issue 20): a named pipe (also behind a symbolic link), a socket, a folder and
# /dev/null, named like audio, through every entry point that takes a path. The property is stronger than
# the harness's: the call must refuse the path unopened (AudioReadError naming its kind), never read it.
# A regression that opens the pipe would block; a watchdog then opens its other end so the example fails
# instead of hanging (reading /dev/zero or /dev/urandom, which would not end, is in test_hostile_audio.py).
_PATH_ENTRY_POINTS = {
    "load": lambda p, **k: tl.load(p, **k),
    "get_duration": lambda p, **k: tl.get_duration(path=p),
    "get_samplerate": lambda p, **k: tl.get_samplerate(p),
    "stream": lambda p, **k: next(iter(tl.stream(p, block_length=1, frame_length=512, hop_length=256, **k))),
    "load_batch": lambda p, **k: tl.load_batch([p], **k)[0],
    "integrated_loudness": lambda p, **k: tl.descriptors.integrated_loudness(p),
}


@pytest.fixture(scope="module")
def special_files(tmp_path_factory):
    import socket
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="tlf-"))  # short: socket paths have at most 107 bytes
    os.mkfifo(root / "pipe.wav")
    (root / "link.flac").symlink_to(root / "pipe.wav")
    (root / "folder.mp3").mkdir()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock.ogg"))
    yield {root / "pipe.wav": "named pipe (FIFO)", root / "link.flac": "named pipe (FIFO)",
           root / "folder.mp3": "directory", root / "sock.ogg": "socket", Path("/dev/null"): "character device"}
    server.close()
    shutil.rmtree(root)


def test_paths_that_are_no_regular_file_are_refused_unopened(special_files) -> None:
    import threading

    @given(entry=st.sampled_from(sorted(_PATH_ENTRY_POINTS)), path=st.sampled_from(sorted(special_files)),
           as_text=st.booleans(), offset=st.sampled_from([0.0, 1.5]), sr=st.sampled_from([None, 22050]))
    def check(entry: str, path: Path, as_text: bool, offset: float, sr: Any) -> None:
        kind = special_files[path]
        stop = threading.Event()

        def unblock() -> None:  # only reached when a regression opened the pipe
            if not stop.wait(10) and kind.startswith("named pipe"):
                with contextlib.suppress(OSError):
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

        watchdog = threading.Thread(target=unblock, daemon=True)
        watchdog.start()
        options = {} if entry in ("get_duration", "get_samplerate", "integrated_loudness") else {"offset": offset}
        if entry in ("load", "load_batch"):
            options["sr"] = sr
        try:
            result = _PATH_ENTRY_POINTS[entry](str(path) if as_text else path, **options)
        except tl.AudioReadError as err:
            result = err
        finally:
            stop.set()
            watchdog.join()
        assert isinstance(result, tl.AudioReadError), f"{entry}({path}): {result!r:.200}"
        assert f"it is a {kind}, not a regular file" in str(result) and str(path) in str(result), str(result)

    check()
