"""``librosa.decompose`` served by tunelens (see :mod:`tunelens.compat.librosa`)."""

from tunelens.compat._shim import install as _install, optional_module as _optional, public_functions as _public
from tunelens.compat.librosa._errors import wrap_all as _wrap_all

_install(__name__, "librosa.decompose", _wrap_all(_public(_optional("tunelens.decompose"))))
