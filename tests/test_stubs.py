"""``_core.pyi`` is generated from the compiled module and agrees with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tunelens

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_stubs_are_generated_from_the_compiled_module() -> None:
    # fails when a binding changed and `python .ci/stubgen.py` was not rerun
    proc = run(".ci/stubgen.py", "--check")
    assert proc.returncode == 0, proc.stderr


def test_stubtest_finds_no_inconsistency() -> None:
    proc = run("-m", "mypy.stubtest", "tunelens._core")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_package_is_typed() -> None:
    assert Path(tunelens.__file__).with_name("py.typed").exists()
