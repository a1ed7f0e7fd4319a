"""Type stubs of the compiled core ``tunelens._core`` (see src/py/)."""

from typing import Optional, Sequence, TypedDict, Union

import numpy as np
import numpy.typing as npt

__version__: str

FloatArray = Union[npt.NDArray[np.float32], npt.NDArray[np.float64]]
ComplexArray = Union[npt.NDArray[np.complex64], npt.NDArray[np.complex128]]
Norm = Union[str, float, None]

def _panic_for_tests(message: str) -> None: ...

# --- dsp ---
# Spectrogram-valued functions return time-major arrays (..., frames, bins).

class StftOptions(TypedDict):
    n_fft: int
    hop_length: int
    window: npt.NDArray[np.float64]
    center: bool
    pad_mode: str

class MelOptions(TypedDict):
    sr: float
    n_mels: int
    fmin: float
    fmax: Optional[float]
    htk: bool
    norm: Norm

def stft(y: FloatArray, *, stft: StftOptions, n_jobs: int) -> ComplexArray: ...
def melspectrogram(y: FloatArray, *, stft: StftOptions, mel: MelOptions, power: float, n_jobs: int) -> FloatArray: ...
def melspectrogram_batch(
    signals: Sequence[npt.NDArray[np.float32]], *, stft: StftOptions, mel: MelOptions, power: float, n_jobs: int
) -> list[Union[npt.NDArray[np.float32], Exception]]: ...
def mel_apply(s: FloatArray, *, mel: MelOptions, n_jobs: int) -> FloatArray: ...
def mel_filters(*, mel: MelOptions, n_fft: int) -> tuple[npt.NDArray[np.float32], bool]: ...
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

# --- render ---

def render_png(values: FloatArray, path: str, *, cmap: str, size: Optional[tuple[int, int]]) -> None: ...
def render_gray(values: FloatArray, *, cmap: str, size: Optional[tuple[int, int]]) -> npt.NDArray[np.uint8]: ...
def waveform_png(
    y: FloatArray, path: str, *, size: tuple[int, int], color: tuple[int, int, int], scale: float
) -> None: ...

# --- audio ---

Source = Union[str, bytes]

def load(
    source: Source, *, hint: Optional[str], sr: Optional[int], mono: bool, offset: float, duration: Optional[float]
) -> tuple[npt.NDArray[np.float32], int]: ...
def load_batch(
    paths: Sequence[str], *, sr: Optional[int], mono: bool, offset: float, duration: Optional[float], n_jobs: int
) -> list[Union[tuple[npt.NDArray[np.float32], int], Exception]]: ...
def resample(y: FloatArray, *, orig_sr: float, target_sr: float, n_jobs: int) -> FloatArray: ...
def get_duration(source: Source, *, hint: Optional[str]) -> float: ...

# --- explain ---

class Factorization:
    """Components of one float32 signal: ``sources`` split at sample ``boundaries``."""

    def __init__(self, y: npt.NDArray[np.float32], sources: Sequence[npt.NDArray[np.float32]], boundaries: Sequence[int]) -> None: ...
    @property
    def n_components(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    def spans(self) -> list[tuple[int, int, int]]: ...
    def residual(self) -> npt.NDArray[np.float32]: ...
    def compose_into(
        self,
        masks: npt.NDArray[np.uint8],
        out: npt.NDArray[np.float32],
        *,
        with_residual: bool,
        n_jobs: int,
        previous: Optional[npt.NDArray[np.uint8]] = None,
    ) -> None: ...

def frequency_bands(
    y: npt.NDArray[np.float32], *, sr: float, n_bands: int, scale: str, n_fft: int, hop_length: int, n_jobs: int
) -> tuple[list[float], list[npt.NDArray[np.float32]]]: ...
def sample_masks(n_samples: int, n_components: int, *, seed: int) -> npt.NDArray[np.uint8]: ...
def kernel_weights(masks: npt.NDArray[np.uint8], *, kernel_width: float, distance: str) -> npt.NDArray[np.float64]: ...
def lime_surrogate(
    masks: npt.NDArray[np.uint8],
    targets: npt.NDArray[np.float64],
    *,
    kernel_width: float,
    distance: str,
    alpha: float,
    num_features: int,
    feature_selection: str,
    selected: Optional[Sequence[Sequence[int]]] = None,
) -> tuple[npt.NDArray[np.float64], list[tuple[list[int], list[float], float, float, float]]]: ...
