"""``rapidfuzz.fuzz`` served by ``tunelens.fuzz`` where it exists (see :mod:`tunelens.compat.rapidfuzz`)."""

from tunelens.compat._shim import install as _install, optional_module as _optional, public_functions as _public

_install(__name__, "rapidfuzz.fuzz", _public(_optional("tunelens.fuzz")))
