"""Release files agree with the package: CITATION.cff with ``tunelens.cite()``, THIRD-PARTY.md with the build."""

from pathlib import Path

import pytest
import yaml

import tunelens as tl
from tunelens import citation

CFF = yaml.safe_load((Path(__file__).parents[1] / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_matches_cite() -> None:
    assert CFF["title"] == citation.TITLE
    assert [a["name"] for a in CFF["authors"]] == [citation.AUTHORS]
    assert CFF["version"] == tl.__version__
    assert str(CFF["date-released"]).startswith(str(citation.YEAR))


def test_bibtex_and_text_name_the_version() -> None:
    bib = tl.cite()
    assert bib.startswith("@software{tunelens,") and bib.endswith("}")
    assert bib.count("{") == bib.count("}")
    assert f"version = {{{tl.__version__}}}" in bib
    assert tl.cite("text").endswith(f"Version {tl.__version__}.")


def test_unknown_style_is_a_typed_error() -> None:
    with pytest.raises(tl.InvalidParameterError, match="style"):
        tl.cite("apa")


def test_third_party_notice_is_current() -> None:
    """THIRD-PARTY.md lists the crates and C libraries of this build (regenerate with .ci/third_party.py)."""
    import subprocess
    import sys

    script = Path(__file__).parents[1] / ".ci" / "third_party.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
