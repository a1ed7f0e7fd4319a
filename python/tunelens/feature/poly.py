"""``poly_features``: per-frame polynomial fits of the magnitude spectrum (``librosa.feature.poly_features``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens._docs import AUDIO, fill_doc
from tunelens._validate import affordable, real_array
from tunelens.exceptions import InvalidParameterError
from tunelens.filters import WindowSpec
from tunelens.spectral import stft

__all__ = ["poly_features"]


@fill_doc(audio=AUDIO)
def poly_features(*, y: Any = None, sr: float = 22050, S: Any = None, n_fft: int = 2048, hop_length: int = 512,
                  win_length: Any = None, window: WindowSpec = "hann", center: bool = True, pad_mode: Any = "constant",
                  order: int = 1, freq: Any = None) -> np.ndarray:
    """Coefficients of an ``order``-th degree polynomial fitted to each frame's spectrum.

    Every column of the magnitude spectrogram is fitted by least squares as a
    polynomial in frequency (``np.polyfit``); with one frequency axis for all
    frames, the Vandermonde system is the same for every frame, so all frames
    (and channels) are solved in one call.

    Parameters
    ----------
    {audio}
    S : np.ndarray [shape=(..., d, t)] or None
        Magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT parameters when ``y`` is given (see :func:`tunelens.stft`).
    order : int >= 0
        Degree of the polynomial.
    freq : np.ndarray [shape=(d,) or shape=(..., d, t)] or None
        Bin frequencies (``fft_frequencies(sr, n_fft)`` by default); a 2-D
        array gives every frame its own frequencies.

    Returns
    -------
    np.ndarray [shape=(..., order + 1, t)], float64
        Coefficients, highest degree first (``np.polyfit``'s order).

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr)
    >>> tl.feature.poly_features(y=y, sr=sr, order=2).shape
    (3, 44)
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise InvalidParameterError(f"order must be a non-negative integer, got {order!r}")
    if S is None:
        if y is None:
            raise InvalidParameterError("pass either audio y or a spectrogram S")
        S = np.abs(stft(y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center,
                        pad_mode=pad_mode))
    else:
        S = real_array(S, "S")
        if S.ndim < 2:
            raise InvalidParameterError(f"S must be a (..., freq, time) spectrogram, got shape {S.shape}")
        n_fft = 2 * (S.shape[-2] - 1)
    affordable(8.0 * (order + 1) * (S.shape[-2] + S.size / max(S.shape[-2], 1)), "order", order)  # Vandermonde, output
    if freq is None:
        freq = np.fft.rfftfreq(n_fft, 1.0 / sr)[: S.shape[-2]] if n_fft else np.zeros(S.shape[-2])
    freq = np.asarray(freq)
    _fittable(freq, order)
    if freq.ndim == 1:
        if freq.shape[0] != S.shape[-2]:
            raise InvalidParameterError(f"freq has {freq.shape[0]} entries but S has {S.shape[-2]} frequency bins")
        columns = np.moveaxis(S, -2, 0).reshape(S.shape[-2], -1)
        coefficients = np.polyfit(freq, columns, order)
        return np.moveaxis(coefficients.reshape((order + 1, *S.shape[:-2], S.shape[-1])), 0, -2)
    if freq.shape[-2:] != S.shape[-2:]:
        raise InvalidParameterError(f"freq of shape {freq.shape} does not match S of shape {S.shape}")
    fit = np.vectorize(lambda x, v: np.polyfit(x, v, order), signature="(f),(f)->(d)")
    return fit(freq.swapaxes(-2, -1), S.swapaxes(-2, -1)).swapaxes(-2, -1)


def _fittable(freq: np.ndarray, order: int) -> None:
    """Refuses an ``order`` whose Vandermonde matrix overflows float64 (``np.polyfit``
    would fail with ``LinAlgError``, as librosa does) or frequencies that are not finite."""
    top = float(np.max(np.abs(freq))) if freq.size else 0.0
    if not np.isfinite(top):
        raise InvalidParameterError("freq must be finite")
    if top > 1 and order * np.log10(top) > np.log10(np.finfo(np.float64).max):
        raise InvalidParameterError(
            f"order={order} is too high: frequencies up to {top:g} raised to the power {order} overflow float64, "
            "so the least-squares fit cannot be computed; use a lower order"
        )
