"""Writes THIRD-PARTY.md: every Rust crate linked into ``tunelens._core`` and every C library
a wheel bundles, each with its licence.

- Crates: the normal (not build, not dev) dependency closure of the ``tunelens`` crate on
  x86_64 Linux, from ``cargo metadata``; proc-macro crates run at compile time only and are
  not linked, so they are left out.
- C libraries: the shared libraries the compiled extension loads beyond those every
  manylinux system provides (``ldd``); ``auditwheel repair`` copies these into the wheel. Each
  is traced to its Debian package (``dpkg -S``) and its licence read from the package's
  machine-readable ``copyright`` file.

``python .ci/third_party.py`` rewrites the file; ``--check`` fails when it is stale (CI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "THIRD-PARTY.md"
#: Libraries manylinux guarantees on every system (PEP 600), never bundled.
SYSTEM = re.compile(r"^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libgcc_s|libutil|libresolv)\.")
#: Packages whose copyright file is not machine-readable (DEP-5): their licence, as Debian states it.
NOT_DEP5 = {"libgomp1": "GPL-3.0-or-later WITH GCC-exception-3.1 (the GCC Runtime Library Exception)"}


def crates() -> list[dict]:
    """The linked crates: name, version, licence, repository (sorted by name)."""
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", "x86_64-unknown-linux-gnu"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    seen, todo = set(), [root]
    while todo:
        for dep in nodes[todo.pop()]["deps"]:
            normal = any(k["kind"] is None for k in dep["dep_kinds"])
            if normal and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    linked = [packages[i] for i in seen
              if not any("proc-macro" in t["kind"] for t in packages[i]["targets"])]
    return sorted(({"name": p["name"], "version": p["version"], "license": p["license"] or "see its repository",
                    "repository": p["repository"] or ""} for p in linked), key=lambda c: (c["name"], c["version"]))


def extension() -> Path:
    """The compiled extension of the installed (or in-tree) package."""
    found = sorted((ROOT / "python" / "tunelens").glob("_core*.so"))
    if not found:
        import tunelens._core
        found = [Path(tunelens._core.__file__)]
    return found[0]


def c_libraries(so: Path) -> list[dict]:
    """The non-system shared libraries ``so`` loads, with their Debian package and licence.

    In an installed wheel they are auditwheel's renamed copies (``libsoxr-1a2b3c4d.so.0``):
    each is traced back to the system library of the original name."""
    system = dict(re.findall(r"^\s*(\S+) \(.*\) => (\S+)$",
                             subprocess.run(["ldconfig", "-p"], check=True, capture_output=True, text=True).stdout,
                             re.M))
    out = []
    for line in subprocess.run(["ldd", str(so)], check=True, capture_output=True, text=True).stdout.splitlines():
        m = re.match(r"\s*(\S+) => (\S+)", line)
        if not m or SYSTEM.match(m[1]):
            continue
        name = re.sub(r"-[0-9a-f]{8}(?=\.so)", "", m[1])
        path = os.path.realpath(system.get(name, m[2]))
        package = subprocess.run(["dpkg", "-S", path], check=True, capture_output=True, text=True).stdout
        package = package.split(":")[0]
        out.append({"name": name, "package": package, "license": _debian_license(package)})
    return sorted(out, key=lambda c: c["name"])


def _debian_license(package: str) -> str:
    if package in NOT_DEP5:
        return NOT_DEP5[package]
    text = Path(f"/usr/share/doc/{package}/copyright").read_text(encoding="utf-8")
    if not text.startswith("Format:"):
        sys.exit(f"{package}'s copyright file is not machine-readable: add its licence to NOT_DEP5")
    licences = []
    for stanza in text.split("\n\n"):
        files = re.search(r"^Files:\s*(.+)$", stanza, re.M)
        licence = re.search(r"^License:\s*(.+)$", stanza, re.M)
        if files and licence and not files[1].startswith("debian/") and licence[1] not in licences:
            licences.append(licence[1].strip())
    return ", ".join(licences)


def render() -> str:
    lines = [
        "# Third-party software in tunelens",
        "",
        "tunelens itself is MIT-licensed (LICENSE). Its compiled extension `tunelens._core` links the Rust",
        "crates below statically; a wheel also bundles the C libraries below as separate shared libraries",
        "(in `tunelens.libs/`), which you may replace with your own builds (LGPL-2.1 section 6).",
        "The sources of every crate are on crates.io at the version given (MPL-2.0 crates included).",
        "Generated by `python .ci/third_party.py`; CI fails when it is stale.",
        "",
        "## C libraries (bundled in wheels)",
        "",
        "| library | Debian package | licence |",
        "| --- | --- | --- |",
        *(f"| {c['name']} | {c['package']} | {c['license']} |" for c in c_libraries(extension())),
        "",
        "## Rust crates (linked statically)",
        "",
        "| crate | version | licence | repository |",
        "| --- | --- | --- | --- |",
        *(f"| {c['name']} | {c['version']} | {c['license']} | {c['repository']} |" for c in crates()),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("THIRD-PARTY.md is stale: run python .ci/third_party.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
