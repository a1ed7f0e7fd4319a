"""``rapidfuzz.distance`` served by ``tunelens.distance`` where it exists (see :mod:`tunelens.compat.rapidfuzz`).

Each metric tunelens implements is a shim module of its own
(``distance.Levenshtein``...): its ``distance``/``similarity``/``normalized_*``
are tunelens's, and its other names (``editops``, ``opcodes``) rapidfuzz's,
as are the metrics tunelens does not implement (``OSA``, ``LCSseq``...) and
the ``Editops``/``Opcodes``/``MatchingBlock``/``ScoreAlignment`` classes those
return (one :class:`tunelens.compat.TunelensFallbackWarning` per name).
"""

import sys as _sys
from types import ModuleType as _ModuleType

from tunelens.compat._shim import install as _install, optional_module as _optional, public_functions as _public

_native = _optional("tunelens.distance")


def _metric_shim(name: str) -> _ModuleType:
    """The shim module ``distance.<name>``: tunelens's functions, rapidfuzz's fallback."""
    native = getattr(_native, name)
    shim = _ModuleType(f"{__name__}.{name}", native.__doc__)
    _sys.modules[shim.__name__] = shim
    _install(shim.__name__, f"rapidfuzz.distance.{name}", _public(native))
    return shim


_install(__name__, "rapidfuzz.distance", {name: _metric_shim(name) for name in getattr(_native, "__all__", ())})
