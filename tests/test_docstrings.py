"""Every public function, class and method of tunelens has a numpy-style
docstring whose Examples run.

The public API is everything reachable from ``tunelens`` without a leading
underscore: each public module (``pkgutil.walk_packages``, the compat shims
included), the names of its ``__all__`` (without one: the callables it defines
or serves from another public tunelens module), and the public methods and
properties of each class, those it inherits from a tunelens base included
(``get_params`` from the private estimator mixin). Names a compat shim serves from the reference
library (librosa, rapidfuzz) carry that library's own docstring and are not
walked.

Each docstring must be non-empty and, for functions, classes and methods, have
an ``Examples`` section with ``>>>`` lines, a ``Parameters`` section when the
callable takes any argument and a ``Returns`` (or ``Yields``) section when its
return annotation is not ``None``. Properties need a docstring only.

The Examples run as doctests, each in a fresh namespace holding ``np``
(numpy) and ``tl`` (tunelens), in a temporary working directory, with
``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``; an example that needs what a test
machine lacks (a user's audio file, a network) carries ``# doctest: +SKIP``.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from types import ModuleType
from typing import Any, Iterator

import numpy as np
import pytest

import tunelens


def _is_public_path(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _public_modules() -> dict[str, ModuleType]:
    found = {"tunelens": tunelens}
    for info in pkgutil.walk_packages(tunelens.__path__, "tunelens."):
        if _is_public_path(info.name):
            found[info.name] = importlib.import_module(info.name)
    return found


def _served_by_tunelens(obj: Any) -> bool:
    module = getattr(inspect.unwrap(obj), "__module__", None) or ""
    return module == "tunelens" or module.startswith("tunelens.")


def _public_names(module: ModuleType) -> Iterator[tuple[str, Any]]:
    listed = getattr(module, "__all__", None)
    if listed is not None:
        for name in listed:
            yield name, getattr(module, name)
        return
    for name, obj in vars(module).items():
        if name.startswith("_") or not callable(obj) or isinstance(obj, ModuleType):
            continue
        home = getattr(inspect.unwrap(obj), "__module__", None) or ""
        if _served_by_tunelens(obj) and (home == module.__name__ or _is_public_path(home)):
            yield name, obj


def _public_objects() -> dict[str, tuple[str, Any]]:
    """``{qualified name: (kind, object)}``, each object once (its first public name)."""
    objects: dict[str, tuple[str, Any]] = {}
    seen: set[int] = set()

    def add(qualname: str, kind: str, obj: Any) -> bool:
        key = id(inspect.unwrap(obj)) if kind != "property" else id(obj)
        if key in seen:
            return False
        seen.add(key)
        objects[qualname] = (kind, obj)
        return True

    # The compat shims last: a function they serve from tunelens is named by its tunelens module.
    for module_name, module in sorted(_public_modules().items(), key=lambda item: (".compat" in item[0], item[0])):
        objects.setdefault(module_name, ("module", module))
        for name, obj in _public_names(module):
            if isinstance(obj, ModuleType) or not callable(obj) or not _served_by_tunelens(obj):
                continue  # submodules are walked themselves; constants need no docstring
            qualname = f"{module_name}.{name}"
            if not add(qualname, "class" if inspect.isclass(obj) else "function", obj) or not inspect.isclass(obj):
                continue
            inherited = [vars(base) for base in obj.__mro__[::-1] if _served_by_tunelens(base)]
            for member_name, member in {k: v for members in inherited for k, v in members.items()}.items():
                if member_name.startswith("_"):
                    continue
                if isinstance(member, (property, type(type.__dict__["__doc__"]))):
                    add(f"{qualname}.{member_name}", "property", member)
                elif isinstance(member, (staticmethod, classmethod)):
                    add(f"{qualname}.{member_name}", "method", member.__func__)
                elif callable(member):
                    add(f"{qualname}.{member_name}", "method", getattr(obj, member_name))
    return objects


PUBLIC = _public_objects()
CALLABLES = {name: obj for name, (kind, obj) in PUBLIC.items() if kind in ("function", "class", "method")}


def _section(doc: str, title: str) -> bool:
    return re.search(rf"^[ \t]*{title}[ \t]*\n[ \t]*-{{3,}}[ \t]*$", doc, re.MULTILINE) is not None


def _signature(obj: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _takes_arguments(obj: Any) -> bool:
    if inspect.isclass(obj) and "__init__" not in vars(obj) and "__new__" not in vars(obj):
        return False  # an exception class, say: its arguments are its base's
    signature = _signature(obj)
    if signature is None:
        return True
    return any(name not in ("self", "cls") for name in signature.parameters)


def _returns_something(obj: Any) -> bool:
    if inspect.isclass(obj):
        return False
    signature = _signature(obj)
    if signature is None:
        return True
    return signature.return_annotation not in (None, "None")


def test_the_walk_finds_the_api() -> None:
    for name in ("tunelens.load", "tunelens.effects.hpss", "tunelens.fuzz.ratio", "tunelens.NearestNeighbors",
                 "tunelens.NearestNeighbors.kneighbors", "tunelens.compat.librosa.stft", "tunelens.dask.match_catalogs",
                 "tunelens.distance.Levenshtein.distance", "tunelens.explain.Explanation"):
        assert name in PUBLIC, name
    assert len(CALLABLES) > 150


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_docstring_is_complete(name: str) -> None:
    kind, obj = PUBLIC[name]
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"{name} has no docstring"
    if kind in ("module", "property"):
        return
    missing = []
    assert len(re.findall(r"^[ \t]*Examples[ \t]*\n[ \t]*-{3,}", doc, re.MULTILINE)) <= 1, f"{name}: two Examples sections"
    if not (_section(doc, "Examples") and ">>>" in doc.split("Examples", 1)[1]):
        missing.append("Examples")
    if _takes_arguments(obj) and not _section(doc, "Parameters"):
        missing.append("Parameters")
    if _returns_something(obj) and not (_section(doc, "Returns") or _section(doc, "Yields")):
        missing.append("Returns")
    assert not missing, f"{name}'s docstring lacks {', '.join(missing)}"


_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_examples_run(name: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = inspect.getdoc(CALLABLES[name]) or ""
    test = doctest.DocTestParser().get_doctest(doc, {"np": np, "tl": tunelens}, name, None, 0)
    if not test.examples:
        pytest.skip("no examples (test_docstring_is_complete reports it)")
    monkeypatch.chdir(tmp_path)
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
