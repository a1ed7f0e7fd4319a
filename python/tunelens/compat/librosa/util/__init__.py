"""``librosa.util``: librosa's own helpers (fallback), with tunelens-aware ``exceptions``."""

from tunelens.compat._shim import install as _install
from tunelens.compat.librosa.util import exceptions

_install(__name__, "librosa.util", {})
