"""``rapidfuzz``'s namespace served by tunelens: ``from tunelens.compat.rapidfuzz import fuzz, process``.

Scorers and extractors tunelens implements (``tunelens.fuzz``, ``tunelens.process``,
``tunelens.distance``, ``tunelens.utils``) are used with rapidfuzz 3's
signatures; every other name is rapidfuzz's own, imported on first use with one
:class:`tunelens.compat.TunelensFallbackWarning`; without rapidfuzz it raises
``AttributeError`` naming it.
"""

from tunelens.compat._shim import install as _install
from tunelens.compat.rapidfuzz import (  # before install(): its __getattr__ would shadow them
    distance,
    fuzz,
    process,
    utils,
)

_install(__name__, "rapidfuzz", {})
