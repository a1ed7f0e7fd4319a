"""Runs one hostile call in its own process, with a deadline and a memory cap.

An abort (allocation failure, panic escaping, segfault) or a hang in the child
cannot take the test run down with it; the parent sees it as an outcome.

``outcome(code)`` executes ``code`` (Python source that ends by assigning
``result``) in a child whose address space is capped with ``RLIMIT_AS`` and
returns a dict:

- ``{"outcome": "ok", "result": repr(result)}``
- ``{"outcome": "error", "class": ..., "mro": [...], "message": ...}`` for a
  ``tunelens.TunelensError``
- ``{"outcome": "foreign", "class": ..., "message": ...}`` for any other exception
- ``{"outcome": "crash", "returncode": ..., "stderr": ...}`` when the child died
- ``{"outcome": "timeout"}`` when it ran past ``timeout`` seconds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
import subprocess
import sys
import textwrap

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
import numpy as np
import tunelens as tl
try:
{code}
    record = {{"outcome": "ok", "result": repr(result)[:2000]}}
except tl.TunelensError as e:
    record = {{"outcome": "error", "class": type(e).__name__,
              "mro": [c.__name__ for c in type(e).__mro__], "message": str(e)}}
except BaseException as e:
    record = {{"outcome": "foreign", "class": type(e).__name__, "message": str(e)[:2000],
              "traceback": traceback.format_exc()[-4000:]}}
sys.stdout.write("\\n@@" + json.dumps(record) + "\\n")
"""


#: Source of ``peak()`` (the process's peak resident bytes, ``VmHWM``) and
#: ``reset_peak()`` (sets it back to the current resident size), for memory
#: tests whose child scripts measure one call.
PEAK_PROBE = """
def peak():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM"))

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:  # "5" resets VmHWM to the current RSS
        f.write("5")
"""


def outcome(code: str, *, timeout: float = 60.0, mem_gib: float = 4.0, cwd: Path | None = None) -> dict:
    """Runs ``code`` in a capped child process and classifies what happened."""
    source = _CHILD.format(cap=int(mem_gib * 2**30), code=textwrap.indent(textwrap.dedent(code), "    "))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tests"), os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run(
            [sys.executable, "-c", source], capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "timeout": timeout}
    marker = done.stdout.rfind("\n@@")
    if done.returncode != 0 or marker < 0:
        return {"outcome": "crash", "returncode": done.returncode, "stderr": done.stderr[-4000:]}
    return json.loads(done.stdout[marker + 3 :])


def typed(record: dict, *builtins: str) -> bool:
    """Whether the child raised a TunelensError that is also each of ``builtins``."""
    return record["outcome"] == "error" and all(b in record["mro"] for b in builtins)
