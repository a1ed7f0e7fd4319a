"""Feature utilities with ``librosa.feature``'s names."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelens._validate import axis as valid_axis
from tunelens.exceptions import InvalidParameterError

__all__ = ["delta"]


def delta(data: Any, *, width: int = 9, order: int = 1, axis: int = -1, mode: str = "interp", **kwargs: Any) -> np.ndarray:
    """Local derivative of a feature sequence by Savitzky-Golay filtering (``librosa.feature.delta``).

    Parameters
    ----------
    data : np.ndarray
        Feature matrix, e.g. MFCCs ``(..., n_mfcc, t)``.
    width : odd int >= 3
        Frames in the filter window; with ``mode="interp"`` at most ``data.shape[axis]``.
    order : int > 0
        Derivative order.
    axis : int
        Axis along which to differentiate (time by default).
    mode : str
        Edge handling of ``scipy.signal.savgol_filter``.
    **kwargs
        Further ``savgol_filter`` options (``polyorder`` defaults to ``order``).

    Returns
    -------
    np.ndarray
        Same shape as ``data``.

    Examples
    --------
    >>> x = np.arange(10.0) ** 2
    >>> tl.feature.delta(x, width=3)
    array([ 2.,  2.,  4.,  6.,  8., 10., 12., 14., 16., 16.])
    """
    data = np.atleast_1d(data)
    axis = valid_axis(axis, data.ndim)
    if mode == "interp" and width > data.shape[axis]:
        raise InvalidParameterError(f"when mode='interp', width={width} cannot exceed data.shape[axis]={data.shape[axis]}")
    if isinstance(width, bool) or width < 3 or width % 2 != 1:
        raise InvalidParameterError("width must be an odd integer >= 3")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order <= 0:
        raise InvalidParameterError("order must be a positive integer")
    kwargs.pop("deriv", None)
    kwargs.setdefault("polyorder", order)
    import scipy.signal

    try:
        return scipy.signal.savgol_filter(data, width, deriv=order, axis=axis, mode=mode, **kwargs)
    except (ValueError, TypeError) as e:  # NaN/inf, empty axes, bad options: scipy's message, typed
        raise InvalidParameterError(f"delta: {e}") from e
