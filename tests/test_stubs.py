"""The ``_core.pyi`` stubs and the compiled module list the same functions."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import tunelens
from tunelens import _core


def test_stubs_cover_the_compiled_module() -> None:
    stub = Path(tunelens.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    compiled = {name for name, obj in vars(_core).items() if callable(obj) and not inspect.isclass(obj)}
    assert stubbed == compiled, f"missing stubs: {compiled - stubbed}; stale stubs: {stubbed - compiled}"


def test_package_is_typed() -> None:
    assert Path(tunelens.__file__).with_name("py.typed").exists()
