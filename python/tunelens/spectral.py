"""Spectrograms and dB scaling, matching ``librosa`` 0.11.

Spectrogram arrays come back with librosa's shapes, ``(..., n_bins, n_frames)``.
They are views of time-major buffers (each frame contiguous), which for a single
channel is exactly the Fortran order librosa itself returns.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence, Union

import numpy as np

from tunelens import _core
from tunelens._validate import affordable, audio, positive_int, real_array
from tunelens.exceptions import InvalidParameterError, TunelensError
from tunelens._framing import CORE_PAD_MODES, bins_first, prepare, stft_args
from tunelens._docs import fill_doc
from tunelens._mel import mel_args
from tunelens.filters import WindowSpec, get_window

__all__ = [
    "stft",
    "istft",
    "melspectrogram",
    "melspectrogram_batch",
    "power_to_db",
    "amplitude_to_db",
    "db_to_power",
    "db_to_amplitude",
]

Reference = Union[float, Callable[[np.ndarray], Any]]


def stft(
    y: np.ndarray,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: WindowSpec = "hann",
    center: bool = True,
    dtype: Any = None,
    pad_mode: Any = "constant",
    out: np.ndarray | None = None,
    n_jobs: int = -1,
) -> np.ndarray:
    """Short-time Fourier transform, as ``librosa.stft``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float32 or float64
        Audio; leading dimensions (channels) are transformed independently.
        Any strides are accepted.
    n_fft : int > 0
        FFT length in samples (2048 ≈ 93 ms at 22.05 kHz).
    hop_length : int > 0 or None
        Samples between frames; ``None`` is ``win_length // 4``.
    win_length : int <= n_fft or None
        Window length; the window is zero-padded to ``n_fft``. ``None`` is ``n_fft``.
    window : str, tuple, number, callable or array
        Window specification (see :func:`tunelens.filters.get_window`); periodic Hann by default.
    center : bool
        Pad ``n_fft // 2`` samples on both sides so frame ``t`` is centered at
        ``t * hop_length``.
    dtype : np.dtype or None
        Complex output type; by default complex64 for float32 input, complex128 for float64.
    pad_mode : str or callable
        Padding for ``center=True`` (``"constant"`` zeros by default, or any
        ``np.pad`` mode librosa accepts).
    out : np.ndarray or None
        Preallocated complex output of the right shape (may have extra frames);
        returned itself when its shape is exact, else as a view of its first frames.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)], complex
        ``n_frames = 1 + len(y) // hop_length`` when centered.

    Raises
    ------
    InvalidParameterError
        Non-float or non-finite ``y``, ``n_fft`` larger than an uncentered signal,
        bad lengths or windows.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr).astype(np.float32)
    >>> D = tl.stft(y, n_fft=1024, hop_length=256)
    >>> D.shape, D.dtype
    ((513, 87), dtype('complex64'))
    >>> int(np.argmax(np.abs(D[:, 40])))  # 440 Hz is bin 440 / (sr / 1024)
    20
    """
    y, args = prepare(audio(y), stft_args(n_fft, hop_length, win_length, window, center, pad_mode))
    spec = bins_first(_core.stft(y, **args, n_jobs=n_jobs))
    if dtype is not None:
        spec = spec.astype(dtype, copy=False)
    if out is None:
        return spec
    if out.shape[:-1] != spec.shape[:-1] or out.shape[-1] < spec.shape[-1] or not np.iscomplexobj(out):
        raise InvalidParameterError(f"out has shape {out.shape} and dtype {out.dtype}; expected complex {spec.shape}")
    out[..., : spec.shape[-1]] = spec
    return out if out.shape == spec.shape else out[..., : spec.shape[-1]]


def istft(
    stft_matrix: np.ndarray,
    *,
    hop_length: int | None = None,
    win_length: int | None = None,
    n_fft: int | None = None,
    window: WindowSpec = "hann",
    center: bool = True,
    dtype: Any = None,
    length: int | None = None,
    out: np.ndarray | None = None,
    n_jobs: int = -1,
) -> np.ndarray:
    """Inverse STFT by windowed overlap-add, as ``librosa.istft``.

    Parameters
    ----------
    stft_matrix : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)], complex
        A spectrogram as returned by :func:`stft`.
    hop_length, win_length, window, center
        As used for the analysis.
    n_fft : int or None
        FFT length; inferred as ``2 * (n_bins - 1)`` (pass it for odd lengths).
    dtype : np.dtype or None
        Real output type; by default float32 for complex64 input, float64 for complex128.
    length : int or None
        Zero-pad or cut the output to exactly this many samples.
    out : np.ndarray or None
        Preallocated output of the right shape.
    n_jobs : int
        Threads (-1: all cores).

    Returns
    -------
    np.ndarray [shape=(..., n)]
        The reconstructed signal.

    Examples
    --------
    >>> y = np.random.default_rng(0).standard_normal(8192)
    >>> D = tl.stft(y, n_fft=1024, hop_length=256)
    >>> y_back = tl.istft(D, hop_length=256, length=len(y))
    >>> bool(np.allclose(y, y_back))
    True
    """
    S = np.asarray(stft_matrix)
    if S.dtype.kind not in "biufc":
        raise InvalidParameterError(f"stft_matrix must be a numeric (complex) array, got dtype {S.dtype}")
    if not np.iscomplexobj(S):
        S = S.astype(np.complex128 if S.dtype == np.float64 else np.complex64)
    elif S.dtype not in (np.complex64, np.complex128):
        S = S.astype(np.complex128)
    if S.ndim < 2:
        raise InvalidParameterError(f"stft_matrix must have shape (..., 1 + n_fft // 2, n_frames), got {S.shape}")
    n_fft = 2 * (S.shape[-2] - 1) if n_fft is None else positive_int(n_fft, "n_fft")
    win_length = n_fft if win_length is None else positive_int(win_length, "win_length")
    hop_length = win_length // 4 if hop_length is None else positive_int(hop_length, "hop_length")
    if length is not None and (isinstance(length, bool) or int(length) != length or length < 0):
        raise InvalidParameterError(f"length must be a non-negative integer or None, got {length!r}")
    affordable(48.0 * n_fft, "n_fft", n_fft)  # the window get_window builds (the core checks the signals)
    win = np.ascontiguousarray(get_window(window, win_length, fftbins=True), dtype=np.float64)
    y = _core.istft(S, n_fft=n_fft, hop_length=hop_length, window=win, center=bool(center),
                    length=int(length) if length else None, n_jobs=n_jobs)
    if dtype is not None:
        y = y.astype(dtype, copy=False)
    if out is not None:
        if out.shape != y.shape:
            raise InvalidParameterError(f"out has shape {out.shape}, expected {y.shape}")
        out[...] = y
        return out
    return y


def melspectrogram(*, y: np.ndarray | None = None, sr: float = 22050, S: np.ndarray | None = None, n_fft: int = 2048,
                   hop_length: int = 512, win_length: int | None = None, window: WindowSpec = "hann",
                   center: bool = True, pad_mode: Any = "constant", power: float = 2.0, n_jobs: int = -1,
                   **kwargs: Any) -> np.ndarray:
    """Mel-scaled spectrogram, as ``librosa.feature.melspectrogram``.

    The STFT, ``|X|**power`` and the mel filter bank are fused frame by frame in
    Rust, so the complex spectrogram is never stored.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio (float32 or float64).
    sr : float > 0
        Sample rate of ``y`` in Hz.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed (power) spectrogram to use instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT parameters (see :func:`stft`); ignored when ``S`` is given.
    power : float > 0
        Exponent of the magnitude (1: energy, 2: power).
    n_jobs : int
        Threads (-1: all cores).
    **kwargs
        Mel filter options: ``n_mels=128``, ``fmin=0.0``, ``fmax=None``,
        ``htk=False``, ``norm="slaney"`` (see :func:`tunelens.filters.mel`).

    Returns
    -------
    np.ndarray [shape=(..., n_mels, n_frames)]
        Mel spectrogram, float32 for float32 input.

    Examples
    --------
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr).astype(np.float32)
    >>> M = tl.melspectrogram(y=y, sr=sr, n_mels=64)
    >>> M.shape, M.dtype
    ((64, 44), dtype('float32'))
    """
    mel = _mel_options(sr, kwargs)
    if S is not None:
        S = real_array(S, "S")
        if S.ndim < 2:
            raise InvalidParameterError(f"S must have shape (..., 1 + n_fft // 2, n_frames), got {S.shape}")
        return bins_first(_core.mel_apply(S, **mel, n_jobs=n_jobs))
    if y is None:
        raise InvalidParameterError("melspectrogram needs audio y= or a spectrogram S=")
    y, args = prepare(audio(y), stft_args(n_fft, hop_length, win_length, window, center, pad_mode))
    return bins_first(_core.melspectrogram(y, stft=args, mel=mel, power=_power(power), n_jobs=n_jobs))


def _mel_options(sr: Any, kwargs: dict) -> dict:
    """Mel filter options from ``melspectrogram``'s ``**kwargs`` (``dtype`` is accepted and ignored)."""
    unknown = set(kwargs) - {"n_mels", "fmin", "fmax", "htk", "norm", "dtype"}
    if unknown:
        raise InvalidParameterError(f"unexpected mel filter option(s): {', '.join(sorted(unknown))}")
    return mel_args(sr, **{k: v for k, v in kwargs.items() if k != "dtype"})


def melspectrogram_batch(ys: Sequence[np.ndarray], *, sr: float = 22050, n_fft: int = 2048, hop_length: int = 512,
                         win_length: int | None = None, window: WindowSpec = "hann", center: bool = True,
                         pad_mode: str = "constant", power: float = 2.0, n_jobs: int = -1,
                         **kwargs: Any) -> list[np.ndarray | TunelensError]:
    """Mel spectrograms of many mono signals at once, in parallel on ``n_jobs`` threads.

    Parameters
    ----------
    ys : sequence of np.ndarray [shape=(n,)]
        Mono signals of any lengths (converted to float32).
    sr, n_fft, hop_length, win_length, window, center, pad_mode, power, **kwargs
        As :func:`melspectrogram` (``pad_mode`` must be one of
        ``"constant"``, ``"edge"``, ``"reflect"``, ``"symmetric"``).
    n_jobs : int
        Threads (-1: all cores); signals are processed one per thread.

    Returns
    -------
    list
        One entry per input, in order: the ``(n_mels, n_frames)`` mel
        spectrogram, or the :class:`~tunelens.TunelensError` (not raised) that
        this signal caused (too short, not finite ...). No input is dropped.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> clips = [rng.standard_normal(22050).astype(np.float32), rng.standard_normal(11025).astype(np.float32)]
    >>> [M.shape for M in tl.melspectrogram_batch(clips, sr=22050, n_mels=32)]
    [(32, 44), (32, 22)]
    """
    mel = _mel_options(sr, kwargs)
    signals: list[Any] = []
    errors: dict[int, TunelensError] = {}
    for i, y in enumerate(ys):
        try:
            arr = audio(y, f"ys[{i}]")
            if arr.ndim != 1:
                raise InvalidParameterError(f"ys[{i}] must be mono (1-D), got shape {arr.shape}")
            signals.append(np.asarray(arr, dtype=np.float32))
        except TunelensError as err:
            errors[i] = err
            signals.append(np.zeros(0, dtype=np.float32))
    args = stft_args(n_fft, hop_length, win_length, window, center, pad_mode)
    if args["pad_mode"] not in CORE_PAD_MODES:
        raise InvalidParameterError(f"pad_mode={pad_mode!r} is not supported in batches; use one of {CORE_PAD_MODES}")
    results = _core.melspectrogram_batch(signals, stft=args, mel=mel, power=_power(power), n_jobs=n_jobs)
    return [errors.get(i, r if isinstance(r, Exception) else bins_first(r)) for i, r in enumerate(results)]


def _power(power: Any) -> float:
    if isinstance(power, bool) or not np.isscalar(power) or not np.isfinite(power) or power <= 0:
        raise InvalidParameterError(f"power must be a positive number (1: magnitude, 2: power), got {power!r}")
    return float(power)


def _db(S: Any, ref: Reference, amin: float, top_db: float | None, amplitude: bool, name: str, n_jobs: int) -> np.ndarray:
    S = np.asarray(S)
    if np.iscomplexobj(S):
        what = "amplitude_to_db" if amplitude else "power_to_db"
        fix = "amplitude_to_db(np.abs(S))" if amplitude else "power_to_db(np.abs(D)**2)"
        warnings.warn(
            f"{what} was called on complex input so phase information will be discarded. "
            f"To suppress this warning, call {fix} instead.",
            stacklevel=3,
        )
        S = np.abs(S)
    S = real_array(S, name)
    if amin <= 0:
        raise InvalidParameterError(f"amin must be strictly positive, got {amin}")
    if top_db is not None and top_db < 0:
        raise InvalidParameterError(f"top_db must be non-negative, got {top_db}")
    magnitude = np.abs(S) if amplitude and callable(ref) else S
    ref_value = float(np.abs(ref(magnitude) if callable(ref) else ref))
    return _core.to_db(S, amplitude=amplitude, reference=ref_value, amin=float(amin),
                       top_db=None if top_db is None else float(top_db), n_jobs=n_jobs)


#: The Parameters entries that :func:`power_to_db` and :func:`amplitude_to_db` share.
_DB_OPTIONS = """
top_db : float >= 0 or None
    Dynamic range kept below the peak.
n_jobs : int
    Threads (-1: all cores).
"""
_db_doc = fill_doc(db_options=_DB_OPTIONS)


@_db_doc
def power_to_db(
    S: np.ndarray, *, ref: Reference = 1.0, amin: float = 1e-10, top_db: float | None = 80.0, n_jobs: int = -1
) -> np.ndarray:
    """Power spectrogram to decibels, as ``librosa.power_to_db``.

    ``10 * log10(max(amin, S) / max(amin, ref))``, then clipped from below at
    ``max - top_db`` over the whole array.

    Parameters
    ----------
    S : np.ndarray
        Power values (complex input is reduced to ``|S|`` with a warning).
    ref : float or callable
        Reference power, or a function of ``S`` such as ``np.max``.
    amin : float > 0
        Floor, to avoid ``log(0)``.
    {db_options}

    Returns
    -------
    np.ndarray
        dB values, same shape (and memory order) as ``S``. NaN input stays NaN
        (and with ``top_db`` makes every value NaN, as in numpy).

    Examples
    --------
    >>> tl.power_to_db(np.array([1.0, 0.1, 1e-3, 0.0]), top_db=None)
    array([   0.,  -10.,  -30., -100.])
    >>> tl.power_to_db(np.array([1.0, 0.1, 1e-3, 0.0]), ref=np.max, top_db=20.0)
    array([  0., -10., -20., -20.])
    """
    return _db(S, ref, amin, top_db, False, "S", n_jobs)


@_db_doc
def amplitude_to_db(
    S: np.ndarray, *, ref: Reference = 1.0, amin: float = 1e-5, top_db: float | None = 80.0, n_jobs: int = -1
) -> np.ndarray:
    """Amplitude spectrogram to decibels, as ``librosa.amplitude_to_db``.

    Equivalent to ``power_to_db(S**2, ref=ref**2, amin=amin**2, top_db=top_db)``.

    Parameters
    ----------
    S : np.ndarray
        Amplitudes (complex input is reduced to ``|S|`` with a warning).
    ref : float or callable
        Reference amplitude, or a function of ``|S|`` such as ``np.max``.
    amin : float > 0
        Floor amplitude.
    {db_options}

    Returns
    -------
    np.ndarray
        dB values, same shape as ``S``.

    Examples
    --------
    >>> tl.amplitude_to_db(np.array([1.0, 0.1, 0.01]))
    array([  0., -20., -40.])
    """
    return _db(S, ref, amin, top_db, True, "S", n_jobs)


def db_to_power(S_db: np.ndarray, *, ref: float = 1.0) -> np.ndarray:
    """Decibels to power, ``ref * 10 ** (S_db / 10)`` (``librosa.db_to_power``).

    Parameters
    ----------
    S_db : np.ndarray
        dB values.
    ref : float
        Reference power.

    Returns
    -------
    np.ndarray
        Power values.

    Examples
    --------
    >>> tl.db_to_power(np.array([0.0, -10.0, -30.0]))
    array([1.   , 0.1  , 0.001])
    """
    return ref * np.power(10.0, 0.1 * np.asarray(S_db))


def db_to_amplitude(S_db: np.ndarray, *, ref: float = 1.0) -> np.ndarray:
    """Decibels to amplitude, ``db_to_power(S_db, ref=ref**2) ** 0.5`` (``librosa.db_to_amplitude``).

    Parameters
    ----------
    S_db, ref
        dB values and the reference amplitude, as for :func:`db_to_power`.

    Returns
    -------
    np.ndarray
        Amplitudes.

    Examples
    --------
    >>> tl.db_to_amplitude(np.array([0.0, -20.0, -40.0]))
    array([1.  , 0.1 , 0.01])
    """
    return db_to_power(S_db, ref=ref**2) ** 0.5
