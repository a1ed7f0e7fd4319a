"""``librosa.onset`` served by tunelens (see :mod:`tunelens.compat.librosa`)."""

from typing import Any as _Any

import numpy as _np

from tunelens import onset as _onset
from tunelens.compat._shim import install as _install, public_functions as _public
from tunelens.compat.librosa._dispatch import native_unless as _native_unless
from tunelens.compat.librosa._errors import wrap_all as _wrap_all


def _multichannel_energy(events: _Any, energy: _Any) -> bool:
    """``onset_backtrack`` of multichannel events/energy (``(..., m)``): librosa's."""
    return _np.ndim(energy) != 1


def _complex_spectrogram(*args: _Any, S: _Any = None, **kwargs: _Any) -> bool:
    """``onset_strength`` of a complex ``S`` (an STFT passed as is): librosa's, which returns a complex envelope."""
    return _np.iscomplexobj(S)


_install(__name__, "librosa.onset", {
    **_wrap_all(_public(_onset)),
    "onset_strength": _native_unless(__name__, "librosa.onset", _onset.onset_strength, _complex_spectrogram),
    "onset_backtrack": _native_unless(__name__, "librosa.onset", _onset.onset_backtrack, _multichannel_energy),
})
