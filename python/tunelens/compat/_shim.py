"""The machinery shared by the compat namespaces: tunelens names first, lazy fallback second."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import Any, Callable, Iterable

from tunelens.compat import TunelensFallbackWarning

#: Fallback names already announced, as ``"module.name"`` (one warning per process).
_warned: set[str] = set()


def optional_module(name: str) -> ModuleType | None:
    """``importlib.import_module(name)``, or ``None`` when that module does not exist."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and name.startswith(error.name):
            return None
        raise


def public_functions(module: ModuleType | None, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The callables and submodules of ``module`` listed in ``names`` (default: its ``__all__``)."""
    if module is None:
        return {}
    names = getattr(module, "__all__", ()) if names is None else names
    found = {name: getattr(module, name, None) for name in names}
    return {name: f for name, f in found.items() if callable(f) or isinstance(f, ModuleType)}


def fallback(shim: str, reference: str, name: str, *, reason: str = "is not implemented by tunelens") -> Any:
    """``reference.name`` from the real library, announced once per process.

    The :class:`TunelensFallbackWarning` reads ``"{reference}.{name} {reason};
    using {library}'s (slower)"``.

    Raises
    ------
    AttributeError
        The real library is not installed, or does not define ``name`` either.
    """
    library = reference.split(".")[0]
    if importlib.util.find_spec(library) is None:
        raise AttributeError(
            f"{reference}.{name} is not implemented by tunelens and {library} is not installed "
            f"(pip install {library}) for module {shim!r}"
        )
    module = importlib.import_module(reference)
    try:
        value = getattr(module, name)
    except AttributeError:
        value = optional_module(f"{reference}.{name}")
        if value is None:
            raise AttributeError(
                f"module {shim!r} has no attribute {name!r} (neither tunelens nor {reference} defines it)"
            ) from None
    key = f"{reference}.{name}"
    if key not in _warned:
        _warned.add(key)
        warnings.warn(f"{key} {reason}; using {library}'s (slower)",
                      TunelensFallbackWarning, stacklevel=3)
    return value


def install(shim: str, reference: str, functions: dict[str, Callable]) -> None:
    """Fills the shim module ``shim`` with ``functions`` and a lazy fallback to ``reference``.

    Names not in ``functions`` (nor otherwise defined in the shim) are looked up
    on first access (PEP 562 ``__getattr__``) in the module ``reference`` of the
    real library, announced with one :class:`TunelensFallbackWarning`, and cached
    in the shim. Without the real library they raise ``AttributeError``.
    """
    namespace = vars(sys.modules[shim])
    namespace.update(functions)
    library = reference.split(".")[0]

    def __getattr__(name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):  # private names (``__float_window``) are forwarded
            raise AttributeError(f"module {shim!r} has no attribute {name!r}")
        namespace[name] = value = fallback(shim, reference, name)
        return value

    def __dir__() -> list[str]:
        own = set(namespace)
        if importlib.util.find_spec(library) is not None:
            own |= set(dir(importlib.import_module(reference)))
        return sorted(own)

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    namespace.setdefault("__path__", [])  # a package: its other submodules are the reference's
    _SubmoduleAliases.shims[shim] = reference


class _SubmoduleAliases(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``shim.sub`` (``import rapidfuzz.distance._initialize_cpp`` made
    ``import tunelens.compat.rapidfuzz.distance._initialize_cpp``), for any
    ``sub`` tunelens has no module for, as the reference's own ``reference.sub``
    (announced like :func:`fallback`). Consulted after the regular finders."""

    #: Installed shim module -> its reference module.
    shims: dict[str, str] = {}

    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        parent, _, name = fullname.rpartition(".")
        if parent not in cls.shims:
            return None
        try:
            module = fallback(parent, cls.shims[parent], name)
        except AttributeError:
            return None
        if not isinstance(module, ModuleType):
            return None
        return importlib.machinery.ModuleSpec(fullname, cls(module))

    @classmethod
    def invalidate_caches(cls) -> None:
        """Nothing to invalidate; a classmethod because ``sys.meta_path`` holds the class itself."""

    def __init__(self, module: ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: Any) -> ModuleType:
        return self.module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.spec  # the import system set the alias spec; the module stays the reference's


sys.meta_path.append(_SubmoduleAliases)
