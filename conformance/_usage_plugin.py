"""pytest plugin of the conformance runner: which tests ran native tunelens code, which fell back.

Loaded with ``-p _usage_plugin`` in the shim runs only. For every test it
records (in the JSON file named by ``TUNELENS_CONFORMANCE_USAGE``):

- ``native``: a function of the tunelens package outside ``tunelens.compat``
  ran (detected with a profile hook that is removed at the first hit);
- ``fallback``: the ``"module.name"`` keys of the reference-library names the
  shim served during the test (every lookup counts, not only the first one of
  the process that emits the ``TunelensFallbackWarning``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

_usage: dict[str, dict] = {}
_current: dict | None = None
_package = ""
_compat = ""


class _RecordingSet(set):
    """``tunelens.compat._shim._warned``, recording every fallback lookup of the running test."""

    def __contains__(self, key: object) -> bool:
        if _current is not None:
            _current["fallback"].add(key)
        return set.__contains__(self, key)


def _served_by_getattr() -> list[tuple[dict, set]]:
    """Each shim namespace with the set of names its ``__getattr__`` cached (re-looked-up per test)."""
    found = []
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", {})
        lookup = namespace.get("__getattr__")
        if not name.startswith("tunelens.compat.") or lookup is None or hasattr(lookup, "cached"):
            continue
        cached: set = set()

        def recording(attr: str, lookup=lookup, cached=cached) -> object:
            value = lookup(attr)
            cached.add(attr)
            return value

        recording.cached = cached
        namespace["__getattr__"] = recording
        found.append((namespace, cached))
    return found


_namespaces: list[tuple[dict, set]] = []


def _profile(frame, event, arg) -> None:
    if event == "call" and frame.f_code.co_filename.startswith(_package) \
            and not frame.f_code.co_filename.startswith(_compat):
        _current["native"] = True
        sys.setprofile(None)


def pytest_collection_finish(session: pytest.Session) -> None:
    global _package, _compat
    from tunelens.compat import _shim

    _shim._warned = _RecordingSet(_shim._warned)
    _package = str(Path(sys.modules["tunelens"].__file__).parent) + os.sep
    _compat = _package + "compat" + os.sep
    _namespaces.extend(_served_by_getattr())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    global _current
    for namespace, cached in _namespaces:
        for name in cached:
            namespace.pop(name, None)
        cached.clear()
    _current = {"native": False, "fallback": set()}
    sys.setprofile(_profile)
    try:
        return (yield)
    finally:
        sys.setprofile(None)
        _usage[item.nodeid] = {"native": _current["native"], "fallback": sorted(_current["fallback"])}
        _current = None


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("TUNELENS_CONFORMANCE_USAGE")
    if out:
        Path(out).write_text(json.dumps(_usage))
