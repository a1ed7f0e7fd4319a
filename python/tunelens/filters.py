"""Filter banks and windows, as ``librosa.filters``."""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Union

import numpy as np

from tunelens import _core
from tunelens._mel import mel_args
from tunelens._validate import positive_int
from tunelens.exceptions import InvalidParameterError

__all__ = ["mel", "get_window"]

WindowSpec = Union[str, tuple, float, Callable[[int], np.ndarray], np.ndarray, list]


@functools.lru_cache(maxsize=64)
def _scipy_window(window: Any, n: int, fftbins: bool) -> np.ndarray:
    import scipy.signal

    win = scipy.signal.get_window(window, n, fftbins=fftbins)
    win.setflags(write=False)
    return win


def get_window(window: WindowSpec, Nx: int, *, fftbins: bool = True) -> np.ndarray:
    """A window of length ``Nx``, as ``librosa.filters.get_window``.

    Parameters
    ----------
    window : str, tuple, number, callable or array
        A scipy window specification (``"hann"``, ``("kaiser", 4.0)`` ...), a
        function ``f(Nx) -> array``, or the window itself (length ``Nx``).
    Nx : int > 0
        Window length in samples.
    fftbins : bool
        Periodic window for spectral analysis (True, librosa's default) or symmetric.

    Returns
    -------
    np.ndarray [shape=(Nx,)]
        The window (float64 for named windows), a fresh writable array as librosa's
        (named windows are cached, read-only, and copied here).

    Examples
    --------
    >>> from tunelens.filters import get_window
    >>> w = get_window("hann", 4, fftbins=False)
    >>> w /= w.sum()  # the caller's own copy
    >>> w.round(3).tolist()
    [0.0, 0.5, 0.5, 0.0]
    """
    Nx = positive_int(Nx, "win_length")
    if callable(window):
        return np.asarray(window(Nx))
    if isinstance(window, (str, tuple)) or np.isscalar(window):
        try:
            return _scipy_window(window, Nx, fftbins).copy()
        except (ValueError, TypeError) as err:
            raise InvalidParameterError(f"invalid window {window!r}: {err}") from None
    if isinstance(window, (np.ndarray, list)):
        if len(window) == Nx:
            return np.asarray(window)
        raise InvalidParameterError(f"window size mismatch: {len(window)} != win_length={Nx}")
    raise InvalidParameterError(f"invalid window specification: {window!r}")


def mel(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | float | None = "slaney",
    dtype: Any = np.float32,
) -> np.ndarray:
    """Mel filter bank, exactly as ``librosa.filters.mel``.

    Triangular filters evenly spaced on the mel scale, computed in float64 and
    stored as float32 the way librosa does, so the weights are bit-identical.

    Parameters
    ----------
    sr : float > 0
        Sample rate in Hz.
    n_fft : int > 0
        FFT length in samples.
    n_mels : int >= 0
        Number of mel bands.
    fmin, fmax : float
        Lowest and highest frequency in Hz (``fmax=None`` is ``sr / 2``).
    htk : bool
        HTK mel formula instead of Slaney's (librosa's default).
    norm : {"slaney", None} or number
        ``"slaney"`` divides each triangle by its width in Hz; a number ``p``
        normalises each filter to unit L^p norm; ``None`` keeps peaks at 1.
    dtype : np.dtype
        Output type (weights are computed at float32 precision, as librosa's default).

    Returns
    -------
    np.ndarray [shape=(n_mels, 1 + n_fft // 2)]
        The filter weights.

    Warns
    -----
    UserWarning
        When some filters are empty (too many bands for the FFT resolution), as librosa.

    Examples
    --------
    >>> fb = tl.filters.mel(sr=22050, n_fft=2048, n_mels=64)
    >>> fb.shape, fb.dtype
    ((64, 1025), dtype('float32'))
    """
    weights, empty = _core.mel_filters(mel=mel_args(sr, n_mels, fmin, fmax, htk, norm), n_fft=positive_int(n_fft, "n_fft"))
    if empty:
        warnings.warn(
            "Empty filters detected in mel frequency basis. Some channels will produce empty "
            "responses. Try increasing your sampling rate (and fmax) or reducing n_mels.",
            stacklevel=2,
        )
    return weights.astype(dtype, copy=False)
