"""``librosa.feature.rhythm`` served by tunelens (see :mod:`tunelens.compat.librosa`)."""

from tunelens.compat._shim import install as _install, public_functions as _public
from tunelens.compat.librosa._errors import wrap_all as _wrap_all
from tunelens.feature import rhythm as _rhythm

_install(__name__, "librosa.feature.rhythm", _wrap_all(_public(_rhythm)))
