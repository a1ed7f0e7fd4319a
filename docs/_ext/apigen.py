"""Writes the API reference pages (``docs/api/*.rst``) from the package itself.

Every public object is documented once, under the name ``tests/test_docstrings.py``
gives it: the first public name met when walking ``tunelens`` and then its public
submodules in sorted order (the compat shims last), so ``tunelens.load`` rather than
``tunelens.audio.load``. Each object goes on the page of the module that holds its
code (one page per entry of ``PAGES``); every page starts with the module's docstring
and a table of all the names the module offers, linked to where they are documented.
``tests/test_docs_build.py`` checks that the built site's inventory holds every
object that the docstring walk finds.

The pages are regenerated on each build (a file is rewritten only when its text
changes, so incremental builds stay incremental); ``docs/api/`` is not committed.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

#: The reference's pages, in the order of the index: (caption, modules).
PAGES: list[tuple[str, list[str]]] = [
    ("Audio and spectrograms", ["audio", "spectral", "convert", "filters", "render", "plot"]),
    ("Features", ["feature", "onset", "beat", "effects", "decompose", "descriptors", "extract"]),
    ("Recommendation, maps and clusters", ["neighbors", "recommend", "cluster", "taste"]),
    ("Explanations", ["explain"]),
    ("Catalog matching and fuzzy strings", ["text", "catalog", "fuzz", "distance", "process", "utils"]),
    ("Data, tables and scaling out", ["datasets", "io", "dask"]),
    ("Drop-in shims", ["compat", "compat.librosa", "compat.rapidfuzz"]),
    ("Errors, command line and citation", ["exceptions", "cli", "citation"]),
]


def _public_path(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def _ours(obj: Any) -> bool:
    module = getattr(inspect.unwrap(obj), "__module__", None) or ""
    return module == "tunelens" or module.startswith("tunelens.")


def _modules(package: ModuleType) -> list[tuple[str, ModuleType]]:
    found = {package.__name__: package}
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if _public_path(info.name):
            found[info.name] = importlib.import_module(info.name)
    return sorted(found.items(), key=lambda item: (".compat" in item[0], item[0]))


def _names(module: ModuleType) -> list[tuple[str, Any]]:
    """The module's public callables: its ``__all__``, else what it defines or serves from tunelens."""
    listed = getattr(module, "__all__", None)
    if listed is not None:
        pairs = [(name, getattr(module, name)) for name in listed]
    else:
        pairs = []
        for name, obj in vars(module).items():
            home = getattr(inspect.unwrap(obj), "__module__", None) or ""
            if (not name.startswith("_") and callable(obj) and not isinstance(obj, ModuleType) and _ours(obj)
                    and (home == module.__name__ or _public_path(home))):
                pairs.append((name, obj))
    return [(n, o) for n, o in pairs if not isinstance(o, ModuleType) and callable(o) and _ours(o)]


def _members(cls: type) -> list[str]:
    """Public methods and properties of a class, those inherited from tunelens bases included."""
    names: dict[str, None] = {}
    for base in cls.__mro__[::-1]:
        if _ours(base):
            names.update(dict.fromkeys(n for n in vars(base) if not n.startswith("_")))
    return list(names)


def _page_of(module_name: str, pages: list[str]) -> str | None:
    candidates = [p for p in pages if module_name == p or module_name.startswith(p + ".")]
    return max(candidates, key=len) if candidates else None


def _title(text: str, underline: str) -> str:
    return f"{text}\n{underline * len(text)}\n"


def generate(outdir: Path) -> list[str]:
    """Writes one page per module of ``PAGES`` and ``index.rst`` into ``outdir``; returns the page names."""
    import tunelens

    pages = [f"tunelens.{m}" for _, group in PAGES for m in group]
    canonical: dict[int, str] = {}  # id(object) -> documented name
    placed: dict[str, dict[str, list[str]]] = {p: {} for p in pages}  # page -> defining module -> names
    offered: dict[str, list[str]] = {}  # module -> canonical names of all it offers
    kinds: dict[str, str] = {}
    modules = _modules(tunelens)
    for module_name, module in modules:
        for name, obj in _names(module):
            key = id(inspect.unwrap(obj))
            if key not in canonical:
                qualname = canonical[key] = f"{module_name}.{name}"
                kinds[qualname] = "class" if inspect.isclass(obj) else "function"
                where = inspect.unwrap(obj).__module__ if module_name == "tunelens" else module_name
                page = _page_of(where, pages)
                if page is None:
                    raise RuntimeError(f"{qualname} ({where}) belongs to no page of docs/_ext/apigen.py's PAGES")
                section = module_name if module_name != "tunelens" else page
                placed[page].setdefault(section, []).append(qualname)
            offered.setdefault(module_name, []).append(canonical[key])

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        lines = [_title(page, "="), _module_header(page)]
        if offered.get(page):
            lines.append(_summary(page, offered[page]))
        for section, names in placed[page].items():
            if section != page:
                lines += [_title(section, "-"), _module_header(section)]
            for qualname in names:
                if kinds[qualname] == "class":
                    cls = _resolve(qualname)
                    members = _members(cls) if not issubclass(cls, BaseException) else []
                    option = f"   :members: {', '.join(members)}\n" if members else ""
                    lines.append(f".. autoclass:: {qualname}\n   :show-inheritance:\n{option}")
                else:
                    lines.append(f".. autofunction:: {qualname}\n")
        _write(outdir / f"{page}.rst", "\n".join(lines))
        written.append(page)

    index = [_title("API reference", "="),
             "Everything below is importable from the module named on its page; the names of\n"
             "``tunelens.__all__`` are documented under their top-level name (``tunelens.load``).\n",
             ".. automodule:: tunelens\n",
             _summary("tunelens", offered["tunelens"])]
    for caption, group in PAGES:
        index.append(f".. toctree::\n   :caption: {caption}\n   :maxdepth: 1\n\n"
                     + "".join(f"   tunelens.{m}\n" for m in group))
    _write(outdir / "index.rst", "\n".join(index))
    return written


def _module_header(name: str) -> str:
    """The module's target and docstring. The compat shims' are written out: ``automodule`` looks up
    every name of ``dir(module)``, which for a shim means importing the reference library's names."""
    if not name.startswith("tunelens.compat"):
        return f".. automodule:: {name}\n"
    return f".. py:module:: {name}\n\n{inspect.getdoc(importlib.import_module(name))}\n"


def _summary(module: str, names: list[str]) -> str:
    """An autosummary table; names inside ``module`` relative to it (the directive's rule)."""
    rows = [q[len(module) + 1:] if q.startswith(module + ".") else q for q in names]
    return ".. autosummary::\n   :nosignatures:\n\n" + "".join(f"   {r}\n" for r in rows)


def _resolve(qualname: str) -> Any:
    parts = qualname.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(qualname)


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _on_builder_inited(app: Any) -> None:
    generate(Path(app.srcdir) / "api")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
