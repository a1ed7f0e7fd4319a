"""Type stubs of the compiled core ``tunelens._core`` (see src/py/)."""

from typing import Any, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

FloatArray = Union[npt.NDArray[np.float32], npt.NDArray[np.float64]]
ComplexArray = Union[npt.NDArray[np.complex64], npt.NDArray[np.complex128]]
Norm = Union[str, float, None]

def _panic_for_tests(message: str) -> None: ...

# --- dsp ---
# Spectrogram-valued functions return time-major arrays (..., frames, bins).

def stft(
    y: FloatArray, *, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str, n_jobs: int
) -> ComplexArray: ...
def melspectrogram(
    y: FloatArray,
    *,
    sr: float,
    n_fft: int,
    hop_length: int,
    window: npt.NDArray[np.float64],
    center: bool,
    pad_mode: str,
    power: float,
    n_mels: int,
    fmin: float,
    fmax: Optional[float],
    htk: bool,
    norm: Norm,
    n_jobs: int,
) -> FloatArray: ...
def melspectrogram_batch(
    signals: Sequence[npt.NDArray[np.float32]],
    *,
    sr: float,
    n_fft: int,
    hop_length: int,
    window: npt.NDArray[np.float64],
    center: bool,
    pad_mode: str,
    power: float,
    n_mels: int,
    fmin: float,
    fmax: Optional[float],
    htk: bool,
    norm: Norm,
    n_jobs: int,
) -> list[Union[npt.NDArray[np.float32], Exception]]: ...
def mel_apply(
    s: FloatArray, *, sr: float, n_fft: int, n_mels: int, fmin: float, fmax: Optional[float], htk: bool, norm: Norm, n_jobs: int
) -> FloatArray: ...
def mel_filters(
    *, sr: float, n_fft: int, n_mels: int, fmin: float, fmax: Optional[float], htk: bool, norm: Norm
) -> tuple[npt.NDArray[np.float32], bool]: ...
def mel_frequencies(*, n_mels: int, fmin: float, fmax: float, htk: bool) -> npt.NDArray[np.float64]: ...
def fft_frequencies(*, sr: float, n_fft: int) -> npt.NDArray[np.float64]: ...
def convert_mel(values: npt.NDArray[np.float64], *, to_mel: bool, htk: bool) -> npt.NDArray[np.float64]: ...
def istft(
    stft_matrix: ComplexArray,
    *,
    n_fft: Optional[int],
    hop_length: Optional[int],
    window: npt.NDArray[np.float64],
    center: bool,
    length: Optional[int],
    n_jobs: int,
) -> FloatArray: ...
def to_db(s: FloatArray, *, amplitude: bool, reference: float, amin: float, top_db: Optional[float], n_jobs: int) -> FloatArray: ...

# --- features ---
# Frame-valued functions return time-major float64 arrays (..., frames, rows)
# unless noted; chroma and dct keep the input's float type.

def spectral_from_y(
    y: FloatArray, *, sr: float, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    freq: npt.NDArray[np.float64], kind: str, p: float = 2.0, norm: bool = True, roll_percent: float = 0.85, power: float = 2.0,
    amin: float = 1e-10, fmin: float = 200.0, n_bands: int = 6, quantile: float = 0.02, linear: bool = False, n_jobs: int = -1,
) -> npt.NDArray[np.float64]: ...
def spectral_from_s(
    s: FloatArray, *, sr: float, freq: npt.NDArray[np.float64], kind: str, p: float = 2.0, norm: bool = True,
    roll_percent: float = 0.85, power: float = 2.0, amin: float = 1e-10, fmin: float = 200.0, n_bands: int = 6,
    quantile: float = 0.02, linear: bool = False, n_jobs: int = -1,
) -> npt.NDArray[np.float64]: ...
def rms(y: FloatArray, *, frame_length: int, hop_length: int, center: bool, pad_mode: str, n_jobs: int) -> npt.NDArray[np.float64]: ...
def zero_crossing_rate(
    y: FloatArray, *, frame_length: int, hop_length: int, center: bool, threshold: float, n_jobs: int
) -> npt.NDArray[np.float64]: ...
def dct(s: FloatArray, *, n_out: int, lifter: float, n_jobs: int) -> FloatArray: ...
def chroma_stft(
    y: FloatArray, *, sr: float, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    tuning: Optional[float], n_chroma: int, ctroct: float, octwidth: Optional[float], filter_norm: Optional[float],
    base_c: bool, norm: Optional[float], n_jobs: int,
) -> tuple[FloatArray, Optional[float]]: ...
def chroma_from_s(
    s: FloatArray, *, sr: float, n_fft: int, tuning: Optional[float], n_chroma: int, ctroct: float,
    octwidth: Optional[float], filter_norm: Optional[float], base_c: bool, norm: Optional[float], n_jobs: int,
) -> tuple[FloatArray, Optional[float]]: ...
def chroma_filters(
    *, sr: float, n_fft: int, tuning: float, n_chroma: int, ctroct: float, octwidth: Optional[float],
    filter_norm: Optional[float], base_c: bool,
) -> npt.NDArray[np.float32]: ...
def hpss_masks(
    s: FloatArray, *, kernel_harmonic: int, kernel_percussive: int, power: float, margin_harmonic: float,
    margin_percussive: float, n_jobs: int,
) -> tuple[FloatArray, FloatArray]: ...
def hpss_signal(
    y: FloatArray, *, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    kernel_harmonic: int, kernel_percussive: int, power: float, margin_harmonic: float, margin_percussive: float,
    same_length: bool, n_jobs: int,
) -> tuple[FloatArray, FloatArray]: ...
def onset_strength(s: FloatArray, *, lag: int, max_size: int, median: bool, pad_width: int, center: bool) -> FloatArray: ...
def tempogram(
    onset_envelope: FloatArray, *, window: npt.NDArray[np.float64], center: bool, norm: Optional[float], n_jobs: int
) -> npt.NDArray[np.float64]: ...
def tempo_from_strength(
    strength: npt.NDArray[np.float64], *, sr: float, hop_length: int, start_bpm: float, std_bpm: float, max_tempo: Optional[float]
) -> npt.NDArray[np.float64]: ...
