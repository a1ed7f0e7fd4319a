"""``import tunelens`` is cheap: heavy optional libraries load on first use, not at import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Libraries that take 0.1-1.5 s to import; tunelens needs them only inside some functions.
HEAVY = ("scipy", "pandas", "matplotlib", "sklearn", "dask")


def _fresh(code: str) -> dict:
    """Runs ``code`` (which sets ``result``) in a fresh interpreter; returns ``result``."""
    source = f"import json, sys\n{code}\nprint(json.dumps(result))"
    out = subprocess.run([sys.executable, "-c", source], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def test_import_loads_no_heavy_library() -> None:
    loaded = _fresh(f"import tunelens\nresult = [m for m in {HEAVY!r} if m in sys.modules]")
    assert loaded == []


@pytest.mark.parametrize("name", ["feature", "effects", "onset", "explain", "plot", "process", "fuzz", "distance",
                                  "TasteProfile", "match_catalogs", "extract_features", "normalize"])
def test_lazy_names_are_reachable_and_listed(name: str) -> None:
    result = _fresh(f"import tunelens\nvalue = getattr(tunelens, {name!r})\n"
                    f"result = [getattr(value, '__name__', ''), {name!r} in dir(tunelens), {name!r} in tunelens.__all__]")
    assert result[0].rsplit(".", 1)[-1] == name and result[1:] == [True, True], result


def test_star_import_and_submodule_functions_still_work() -> None:
    result = _fresh("from tunelens import *\nimport tunelens\n"
                    "result = [callable(mfcc) for mfcc in (tunelens.feature.mfcc,)] + "
                    "[all(hasattr(tunelens, n) for n in tunelens.__all__), 'TasteProfile' in globals()]")
    assert result == [True, True, True]


def test_unknown_attribute_is_an_attribute_error() -> None:
    import tunelens

    with pytest.raises(AttributeError, match="no_such_thing"):
        tunelens.no_such_thing  # noqa: B018
