"""pytest plugin of the conformance runner's librosa runs (real and shim): librosa's submodules imported.

librosa loads ``librosa.core``'s submodules lazily, and its lazy loader knows
only the functions, so a test file naming ``librosa.core.convert`` or
``librosa.core.spectrum`` fails to collect unless an earlier test file of the
same process imported them (librosa's CI runs all files in one process; the
runner runs one file per process). Importing them up front restores that, for
the real and the shim run alike.
"""

from __future__ import annotations

import importlib
import pkgutil


def pytest_configure(config: object) -> None:
    core = importlib.import_module("librosa.core")
    for module in pkgutil.iter_modules(core.__path__, "librosa.core."):
        importlib.import_module(module.name)
