"""Runs librosa's and rapidfuzz's own test suites against tunelens's compat shims.

Usage::

    python conformance/run.py [--suite librosa|rapidfuzz|all] [-k EXPR] [--jobs N]
                              [--files test_core.py ...] [--librosa-repo PATH] [--librosa-data PATH]
                              [--rapidfuzz-sdist PATH] [--cache DIR] [--refresh-reference]

The upstream tests are fetched at run time into ``--cache`` (default
``~/.cache/tunelens-conformance``), never into this repository: librosa
0.11.0's ``tests/`` (GitHub tarball of the tag, or ``git archive`` of a local
clone/mirror), the librosa-test-data commit those tests pin, and rapidfuzz
3.14.6's ``tests/`` from its PyPI sdist. Each suite runs twice, with the real
library and with its imports rewritten to the shim, one pytest process per
test file; outcomes are compared per test id (junit XML). The reference run of
a file is cached and reused. The report lists the tests that fail only with the
shim, grouped by cause, and how many tests ran native tunelens code and how
many were (partly) served by the reference library.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent

LIBROSA_TAG = "0.11.0"
LIBROSA_URL = "https://github.com/librosa/librosa/archive/refs/tags/{tag}.tar.gz"
DATA_URL = "https://github.com/librosa/librosa-test-data/archive/{commit}.tar.gz"
RAPIDFUZZ_VERSION = "3.14.6"
RAPIDFUZZ_INDEX = "https://pypi.org/simple/rapidfuzz/"

#: librosa test files of the modules tunelens implements natively.
LIBROSA_FILES = ("test_core.py", "test_features.py", "test_onset.py", "test_beat.py", "test_effects.py",
                 "test_filters.py", "test_convert.py", "test_multichannel.py", "test_decompose.py",
                 "test_met_features.py", "test_display.py")

IMPORT = re.compile(r"^(?P<indent>\s*)import (?P<module>{lib}(?:\.[\w.]+)?)(?: as (?P<alias>\w+))?(?P<rest>\s*(#.*)?)$")
FROM = re.compile(r"^(?P<indent>\s*)from (?P<module>{lib}(?:\.[\w.]+)?) import (?P<names>.*)$")


# -- fetching ---------------------------------------------------------------------------------------------------

def _download(url: str) -> bytes:
    print(f"downloading {url}", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def _untar(data: bytes, member_prefix: str, dest: Path) -> None:
    """Extracts the members under ``<top>/member_prefix`` of a tarball into ``dest`` (top folder stripped)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/", 1)
            if len(parts) == 2 and parts[1].startswith(member_prefix):
                member.name = parts[1]
                tar.extract(member, dest, filter="data")


def _git_archive(repo: str, ref: str, paths: list[str], dest: Path) -> None:
    """Writes the files of ``ref`` (under ``paths``) into ``dest``; blobs a partial mirror lacks are skipped."""
    listing = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", ref, "--", *paths], check=True,
                             capture_output=True).stdout.decode().split("\0")
    blobs = [(entry.split()[2], entry.split("\t", 1)[1]) for entry in listing if " blob " in entry]
    missing = []
    for sha, name in blobs:
        content = subprocess.run(["git", "-C", repo, "cat-file", "blob", sha], capture_output=True)
        if content.returncode:
            missing.append(name)
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(content.stdout)
    if missing:
        print(f"{repo}: {len(missing)} of {len(blobs)} files absent from the mirror (tests reading them fail "
              f"with and without the shim): {', '.join(missing[:5])} ...", file=sys.stderr)


def fetch_librosa(cache: Path, repo: str | None, data_repo: str | None) -> Path:
    """``cache/librosa-0.11.0/upstream`` with ``tests/`` and ``tests/data``."""
    root = cache / f"librosa-{LIBROSA_TAG}" / "upstream"
    if (root / "tests" / "data" / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    if repo:
        _git_archive(repo, LIBROSA_TAG, ["tests"], root)
        commit = subprocess.run(["git", "-C", repo, "rev-parse", f"{LIBROSA_TAG}:tests/data"], check=True,
                                capture_output=True, text=True).stdout.strip()
    else:
        _untar(_download(LIBROSA_URL.format(tag=LIBROSA_TAG)), "tests/", root)
        commit = None
    data = root / "tests" / "data"
    data.mkdir(exist_ok=True)
    if data_repo:
        ref = commit if commit and subprocess.run(["git", "-C", data_repo, "cat-file", "-e", commit],
                                                  capture_output=True).returncode == 0 else "HEAD"
        _git_archive(data_repo, ref, [], data)
    else:
        if commit is None:  # the tarball has no submodules: the pinned commit is in the tag's tree
            commit = _pinned_data_commit()
        _untar(_download(DATA_URL.format(commit=commit)), "", data)
    (data / ".complete").touch()
    return root


def _pinned_data_commit() -> str:
    """The librosa-test-data commit librosa's tag pins as its ``tests/data`` submodule (GitHub API)."""
    url = f"https://api.github.com/repos/librosa/librosa/contents/tests/data?ref={LIBROSA_TAG}"
    return json.loads(_download(url))["sha"]


def fetch_rapidfuzz(cache: Path, sdist: str | None) -> Path:
    """``cache/rapidfuzz-3.14.6/upstream`` with ``tests/`` from the sdist."""
    root = cache / f"rapidfuzz-{RAPIDFUZZ_VERSION}" / "upstream"
    if (root / "tests" / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    if sdist:
        data = Path(sdist).read_bytes()
    else:
        name = f"rapidfuzz-{RAPIDFUZZ_VERSION}.tar.gz"
        index = _download(RAPIDFUZZ_INDEX).decode()
        href = re.search(rf'href="([^"]*/{re.escape(name)}[^"]*)"', index)
        if href is None:
            raise SystemExit(f"{name} not listed on {RAPIDFUZZ_INDEX}")
        data = _download(urllib.parse.urljoin(RAPIDFUZZ_INDEX, href.group(1).replace("&amp;", "&")))
    _untar(data, "tests/", root)
    (root / "tests" / ".complete").touch()
    return root


# -- the shim copy ----------------------------------------------------------------------------------------------

def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


#: rapidfuzz's tests import its compiled implementations (``fuzz_cpp``, ...) and
#: check them against the pure-Python ones (``fuzz_py``, ...). With the shim the
#: compiled side is the shim's public module, so those tests compare tunelens
#: with rapidfuzz's Python reference instead of testing rapidfuzz against itself.
#: (``distance.metrics_cpp`` stays rapidfuzz's: its tests require rapidfuzz's
#: C-level ``_RF_Scorer`` capsule, which tunelens's scorers do not provide.)
IMPLEMENTATIONS = {"rapidfuzz": {"fuzz_cpp": "fuzz", "process_cpp": "process", "utils_cpp": "utils"}}


def _implementations(names: str, lib: str) -> str:
    """``from lib import fuzz_cpp, fuzz_py`` names with the compiled ones served by the shim's public modules."""
    swap = IMPLEMENTATIONS.get(lib, {})
    return ", ".join(f"{swap[n]} as {n}" if n in swap else n for n in (n.strip() for n in names.split(",")))


def rewrite_line(line: str, lib: str) -> str:
    """One source line with ``lib``'s imports pointing to ``tunelens.compat.<lib>``.

    ``import lib.sub`` keeps importing the real submodule but binds ``lib`` to
    the shim; a submodule the shim does not have as a module stays the real
    library's (as it would for a user changing imports). Compiled
    implementation modules in ``IMPLEMENTATIONS`` become the shim's public ones.
    """
    shim = f"tunelens.compat.{lib}"
    if m := re.match(IMPORT.pattern.format(lib=lib), line):
        module, alias, indent = m["module"], m["alias"], m["indent"]
        target = shim + module[len(lib):]
        if alias:
            return f"{indent}import {target if _has_module(target) else module} as {alias}{m['rest']}"
        if module == lib:
            return f"{indent}import {shim} as {lib}{m['rest']}"
        return f"{indent}import {module}; import {shim} as {lib}{m['rest']}"
    if m := re.match(FROM.pattern.format(lib=lib), line):
        target = shim + m["module"][len(lib):]
        if _has_module(target):
            names = _implementations(m["names"], lib) if m["module"] == lib else m["names"]
            return f"{m['indent']}from {target} import {names}"
    return line


def make_copy(upstream: Path, dest: Path, lib: str | None) -> Path:
    """A copy of ``upstream/tests`` (data linked, not copied), imports rewritten to the shim when ``lib``."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "tests").mkdir(parents=True)
    for path in (upstream / "tests").rglob("*"):
        rel = path.relative_to(upstream / "tests")
        if rel.parts[0] == "data":
            continue
        target = dest / "tests" / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".py" and lib:
            target.write_text("\n".join(rewrite_line(line, lib) for line in path.read_text().split("\n")))
        else:
            shutil.copy2(path, target)
    if (upstream / "tests" / "data").exists():
        (dest / "tests" / "data").symlink_to(upstream / "tests" / "data")
    return dest


# -- running ----------------------------------------------------------------------------------------------------

def run_pytest(root: Path, test: str, junit: Path, k: str | None, usage: Path | None, extra: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
           "-o", "addopts=", "-o", "junit_family=xunit1", "--rootdir", str(root), *extra]
    if usage is not None:
        env["TUNELENS_CONFORMANCE_USAGE"] = str(usage)
        cmd += ["-p", "_usage_plugin"]
    if k:
        cmd += ["-k", k]
    # numba's on-disk cache is not safe for processes compiling the same function at once
    env["NUMBA_CACHE_DIR"] = str(junit.parent / "numba" / junit.stem)
    log = junit.with_suffix(".log")
    with open(log, "w") as out:
        subprocess.run(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)


def outcomes(junit: Path) -> dict[str, tuple[str, str]]:
    """test id -> (outcome, cause) from a junit XML file."""
    if not junit.exists():
        return {}
    found = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test_id = f"{case.get('file') or case.get('classname')}::{case.get('name')}"
        outcome, cause = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                cause = _cause(child.get("message") or "", child.text or "")
                break
            if child.tag == "skipped":
                outcome = "skipped"
        found[test_id] = (outcome, cause)
    return found


def _cause(message: str, text: str) -> str:
    """Exception type and first message line (from the traceback's ``E`` lines when the message has no type)."""
    first = message.strip().split("\n")[0]
    if not re.match(r"^[\w.]+(Error|Exception|Warning|Exit)\b", first):
        errors = [line[1:].strip() for line in text.split("\n") if line.startswith("E ")]
        typed = [line for line in errors if re.match(r"^[\w.]+(Error|Exception|Warning)\b", line)]
        first = typed[0] if typed else (f"AssertionError: {first}" if first else "failed")
    return first[:200]


def run_suite(name: str, upstream: Path, lib: str, files: list[str], work: Path, args: argparse.Namespace) -> dict:
    real, shim = make_copy(upstream, work / "real", None), make_copy(upstream, work / "shim", lib)
    results = work / "results"
    (results / "real").mkdir(parents=True, exist_ok=True)
    (results / "shim").mkdir(parents=True, exist_ok=True)
    extra = ["--librosa-isolation", "-p", "_librosa_plugin"] if lib == "librosa" else []

    def job(kind: str, test: str) -> None:
        stem = test.replace("/", "_")
        junit = results / kind / f"{stem}.xml"
        if kind == "real":
            if junit.exists() and not args.refresh_reference:
                return
            run_pytest(real, test, junit, None, None, extra)
        else:
            run_pytest(shim, test, junit, args.k, results / kind / f"{stem}.usage.json", extra)

    jobs = [("shim", f) for f in files] + [("real", f) for f in files]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for future in concurrent.futures.as_completed([pool.submit(job, *j) for j in jobs]):
            future.result()

    reference, served, usage = {}, {}, {}
    for test in files:
        stem = test.replace("/", "_")
        reference.update(outcomes(results / "real" / f"{stem}.xml"))
        served.update(outcomes(results / "shim" / f"{stem}.xml"))
        usage_file = results / "shim" / f"{stem}.usage.json"
        if usage_file.exists():
            usage.update(json.loads(usage_file.read_text()))
    return report(name, reference, served, usage)


def report(name: str, reference: dict, served: dict, usage: dict) -> dict:
    only_shim = {t: cause for t, (outcome, cause) in served.items()
                 if outcome == "failed" and reference.get(t, ("passed",))[0] != "failed"}
    counts = collections.Counter(outcome for outcome, _ in served.values())
    by_cause = collections.defaultdict(list)
    for test, cause in only_shim.items():
        by_cause[cause].append(test)
    native = sum(1 for u in usage.values() if u["native"] and not u["fallback"])
    mixed = sum(1 for u in usage.values() if u["native"] and u["fallback"])
    fallback = sum(1 for u in usage.values() if u["fallback"] and not u["native"])
    names = collections.Counter(key for u in usage.values() for key in u["fallback"])

    print(f"\n=== {name}: {len(served)} tests with the shim: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped; {len(only_shim)} fail only with the shim "
          f"(the real library: {sum(1 for o, _ in reference.values() if o == 'failed')} failed)")
    for cause, tests in sorted(by_cause.items(), key=lambda item: -len(item[1])):
        print(f"\n[{len(tests)}] {cause}")
        for test in sorted(tests)[:8]:
            print(f"    {test}")
        if len(tests) > 8:
            print(f"    ... and {len(tests) - 8} more")
    print(f"\n{name}: {native} tests ran only native tunelens code, {mixed} native code and fallbacks, "
          f"{fallback} only fallbacks, {len(usage) - native - mixed - fallback} neither")
    if names:
        print("fallback names (tests):", ", ".join(f"{key} ({n})" for key, n in names.most_common(25)))
    return {"tests": len(served), "only_shim": len(only_shim), "native": native, "mixed": mixed,
            "fallback": fallback}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", choices=("librosa", "rapidfuzz", "all"), default="all")
    parser.add_argument("-k", help="pytest -k expression for the shim runs (the reference runs are whole files)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pytest processes at once")
    parser.add_argument("--files", nargs="+", help="test files to run (default: the suite's list)")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "tunelens-conformance")
    parser.add_argument("--librosa-repo", help="local clone or mirror of librosa/librosa (with the tag)")
    parser.add_argument("--librosa-data", help="local clone or mirror of librosa/librosa-test-data")
    parser.add_argument("--rapidfuzz-sdist", help=f"local rapidfuzz-{RAPIDFUZZ_VERSION}.tar.gz")
    parser.add_argument("--refresh-reference", action="store_true", help="rerun the real-library runs")
    args = parser.parse_args(argv)

    failing = 0
    if args.suite in ("librosa", "all"):
        upstream = fetch_librosa(args.cache, args.librosa_repo, args.librosa_data)
        files = args.files or [f for f in LIBROSA_FILES if (upstream / "tests" / f).exists()]
        failing += run_suite("librosa", upstream, "librosa", [f"tests/{f}" for f in files],
                             args.cache / f"librosa-{LIBROSA_TAG}", args)["only_shim"]
    if args.suite in ("rapidfuzz", "all"):
        upstream = fetch_rapidfuzz(args.cache, args.rapidfuzz_sdist)
        files = args.files or sorted(str(p.relative_to(upstream)) for p in (upstream / "tests").rglob("test_*.py"))
        failing += run_suite("rapidfuzz", upstream, "rapidfuzz", files,
                             args.cache / f"rapidfuzz-{RAPIDFUZZ_VERSION}", args)["only_shim"]
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
