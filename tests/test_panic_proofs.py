"""CI guard: no unproven panic on outside data in the Rust core or bindings.

Every ``.unwrap()``, ``.expect(``, ``panic!``, ``unreachable!``, ``todo!`` and
``unimplemented!`` in ``src/`` must carry the code base's proof comment,
``// cannot fail: <why>``, on its own line or on the line above (for a call
spread over several lines: on any line of the statement back to the line
that starts it). Scanned: every ``.rs`` file under ``src/`` including the
binding layer ``src/py/`` (a panic there, outside ``detach::run``, would reach
Python as a ``PanicException``). Not scanned: ``#[cfg(test)]`` modules and
``src/fuzzing/`` (test code, where a panic is the intended signal).
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PANICKY = re.compile(r"\.unwrap\(\)|\.expect\(|\b(?:panic|unreachable|todo|unimplemented)!")
PROOF = "// cannot fail:"


def statement_start(lines: list[str], i: int) -> int:
    """Index of the first line of the statement holding line ``i`` (a method chain
    continues on lines starting with ``.`` or closing brackets)."""
    while i > 0 and re.match(r"\s*(?:\.|\)|\]|\?)", lines[i]) and not lines[i - 1].rstrip().endswith(";"):
        i -= 1
    return i


def unproven(path: Path) -> list[str]:
    lines = path.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#[cfg(test)]"):
            break  # the test module closes every file of the code base
        code = line.split("//", 1)[0]
        if not PANICKY.search(code):
            continue
        start = statement_start(lines, i)
        window = lines[max(start - 1, 0):i + 1]
        if not any(PROOF in w for w in window):
            found.append(f"{path.relative_to(SRC.parent)}:{i + 1}: {line.strip()}")
    return found


def test_every_panic_site_in_src_carries_a_proof() -> None:
    files = [p for p in sorted(SRC.rglob("*.rs")) if "fuzzing" not in p.parts]
    assert len(files) > 20, f"no Rust sources found under {SRC}"
    found = [site for path in files for site in unproven(path)]
    assert not found, (
        f"{len(found)} panic site(s) without a '{PROOF} <why>' comment on the line or the line above:\n"
        + "\n".join(found)
    )
