"""Type stubs of the compiled core ``tunelens._core`` (see src/py/)."""

from typing import Optional, Sequence, TypedDict, Union
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

__version__: str

FloatArray = Union[npt.NDArray[np.float32], npt.NDArray[np.float64]]
ComplexArray = Union[npt.NDArray[np.complex64], npt.NDArray[np.complex128]]
Norm = Union[str, float, None]

def affordable(name: str, nbytes: float) -> None: ...

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
    source: Source,
    *,
    hint: Optional[str],
    sr: Optional[int],
    mono: bool,
    offset: float,
    duration: Optional[float],
    res_type: str,
    n_jobs: int,
) -> tuple[npt.NDArray[np.float32], int]: ...
def load_batch(
    paths: Sequence[str], *, sr: Optional[int], mono: bool, offset: float, duration: Optional[float], n_jobs: int
) -> list[Union[tuple[npt.NDArray[np.float32], int], Exception]]: ...
def resample(
    y: FloatArray, *, orig_sr: float, target_sr: float, res_type: str, fix: bool, n_jobs: int
) -> FloatArray: ...
def get_duration(source: Source, *, hint: Optional[str]) -> float: ...
def get_samplerate(source: Source, *, hint: Optional[str]) -> int: ...
def refuse_special_path(path: str) -> None: ...

class BlockStream:
    """An iterator over ``librosa.stream``'s blocks, decoded one at a time (see ``tunelens.stream``)."""

    sample_rate: int
    def __iter__(self) -> BlockStream: ...
    def __next__(self) -> npt.NDArray[np.float32]: ...

def stream(
    source: Source,
    *,
    hint: Optional[str],
    block_length: int,
    frame_length: int,
    hop_length: int,
    mono: bool,
    offset: float,
    duration: Optional[float],
    fill_value: Optional[float],
) -> BlockStream: ...

# --- neighbors ---

class NeighborIndex:
    """A fitted exact nearest-neighbour index (see ``tunelens.NearestNeighbors``)."""

    def __init__(
        self,
        x: NDArray[np.float32] | NDArray[np.float64],
        *,
        metric: str = "euclidean",
        scaler: str | None = None,
        weights: list[float] | None = None,
        algorithm: str = "brute",
        leaf_size: int = 40,
        n_neighbors: int = 10,
        n_jobs: int = -1,
    ) -> None: ...
    def kneighbors(
        self,
        x: NDArray[np.float32] | NDArray[np.float64] | None,
        n_neighbors: int,
        *,
        rows: tuple[int, int] | None = None,
        n_jobs: int = -1,
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]: ...
    def radius_neighbors(
        self, x: NDArray[np.float32] | NDArray[np.float64] | None, radius: float, *, n_jobs: int = -1
    ) -> tuple[list[NDArray[np.float64]], list[NDArray[np.int64]]]: ...
    @property
    def fit_method(self) -> str: ...
    def plan(self, n_neighbors: int, *, n_jobs: int = -1) -> dict[str, Any] | None: ...
    @property
    def fit_plan(self) -> dict[str, Any] | None: ...
    @property
    def n_samples(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def offset(self) -> NDArray[np.float64]: ...
    @property
    def scale(self) -> NDArray[np.float64]: ...
    @property
    def weights(self) -> NDArray[np.float64]: ...

def builds_tree(algorithm: str, n_samples: int, n_features: int) -> bool: ...
def kmeans_fit(
    x: NDArray[np.float32] | NDArray[np.float64],
    n_clusters: int,
    *,
    init: str = "k-means++",
    centers: NDArray[np.float64] | None = None,
    n_init: int,
    max_iter: int,
    tol: float,
    seed: int,
    n_jobs: int = -1,
) -> tuple[NDArray[np.float64], NDArray[np.int64], float, int]: ...
def kmeans_assign(
    x: NDArray[np.float32] | NDArray[np.float64], centers: NDArray[np.float64], *, n_jobs: int = -1
) -> tuple[NDArray[np.int64], NDArray[np.float64]]: ...
def silhouette_score(
    x: NDArray[np.float32] | NDArray[np.float64],
    labels: NDArray[np.int64],
    *,
    metric: str = "euclidean",
    n_jobs: int = -1,
) -> float: ...
def davies_bouldin_score(x: NDArray[np.float32] | NDArray[np.float64], labels: NDArray[np.int64]) -> float: ...
def pca_fit(
    x: NDArray[np.float32] | NDArray[np.float64], *, n_jobs: int = -1
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]: ...
def fit_scaler(
    x: NDArray[np.float32] | NDArray[np.float64], kind: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
# --- features ---
# Frame-valued functions return time-major float64 arrays (..., frames, rows)
# unless noted; chroma and dct keep the input's float type.

def spectral_from_y(
    y: FloatArray, *, sr: float, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    freq: npt.NDArray[np.float64], options: dict[str, Any], n_jobs: int = -1,
) -> npt.NDArray[np.float64]: ...
def spectral_from_s(
    s: FloatArray, *, sr: float, freq: npt.NDArray[np.float64], options: dict[str, Any], n_jobs: int = -1,
) -> npt.NDArray[np.float64]: ...
def rms(y: FloatArray, *, frame_length: int, hop_length: int, center: bool, pad_mode: str, n_jobs: int) -> npt.NDArray[np.float64]: ...
def zero_crossing_rate(
    y: FloatArray, *, frame_length: int, hop_length: int, center: bool, threshold: float, n_jobs: int
) -> npt.NDArray[np.float64]: ...
def dct_basis(*, n_in: int, n_out: int, lifter: float) -> npt.NDArray[np.float64]: ...
def chroma_stft(
    y: FloatArray, *, sr: float, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    tuning: Optional[float], n_chroma: int, ctroct: float, octwidth: Optional[float], filter_norm: Optional[float],
    base_c: bool, norm: Optional[float], n_jobs: int,
) -> tuple[FloatArray, Optional[float]]: ...
def chroma_from_s(
    s: FloatArray, *, sr: float, n_fft: int, tuning: Optional[float], n_chroma: int, ctroct: float,
    octwidth: Optional[float], filter_norm: Optional[float], base_c: bool, norm: Optional[float], n_jobs: int,
) -> tuple[FloatArray, Optional[float]]: ...
def hpss_masks(
    s: FloatArray, *, kernel_harmonic: int, kernel_percussive: int, power: float, margin_harmonic: float,
    margin_percussive: float, n_jobs: int,
) -> tuple[FloatArray, FloatArray]: ...
def hpss_signal(
    y: FloatArray, *, n_fft: int, hop_length: int, window: npt.NDArray[np.float64], center: bool, pad_mode: str,
    kernel_harmonic: int, kernel_percussive: int, power: float, margin_harmonic: float, margin_percussive: float,
    same_length: bool, mask: bool, n_jobs: int,
) -> tuple[FloatArray, FloatArray]: ...
def onset_strength(s: FloatArray, *, lag: int, max_size: int, median: bool, pad_width: int, center: bool) -> FloatArray: ...
def tempogram(
    onset_envelope: FloatArray, *, window: npt.NDArray[np.float64], center: bool, norm: Optional[float], n_jobs: int
) -> npt.NDArray[np.float64]: ...
def tempo_from_strength(
    strength: npt.NDArray[np.float64], *, sr: float, hop_length: int, start_bpm: float, std_bpm: float, max_tempo: Optional[float]
) -> npt.NDArray[np.float64]: ...
def gtzan_features(y: FloatArray, *, sr: float, recipe: str, n_jobs: int) -> list[float]: ...


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
def peak_pick(
    x: NDArray[np.float32] | NDArray[np.float64],
    *,
    pre_max: int,
    post_max: int,
    pre_avg: int,
    post_avg: int,
    delta: float,
    wait: int,
) -> NDArray[np.bool_]: ...
def track_beat_frames(
    onsets: NDArray[np.float64], frames_per_beat: NDArray[np.float64], *, tightness: float, trim: bool
) -> NDArray[np.bool_]: ...

# --- render (batch) ---

def render_spectrogram_files(
    inputs: list[str],
    outputs: list[str],
    *,
    sr: int,
    duration: Optional[float],
    n_fft: int,
    hop_length: int,
    n_mels: int,
    db: bool,
    cmap: str,
    size: Optional[tuple[int, int]],
    n_jobs: int,
) -> list[Optional[Exception]]: ...
from collections.abc import Callable  # noqa: E402 (catalog matching stubs)

def normalize(texts: list[str | None], *, options: dict[str, bool], n_jobs: int) -> list[str | None]: ...
def split_featuring(text: str) -> tuple[str, list[str]]: ...
def catalog_table(
    raw: list[list[str | None]], *, options: dict[str, bool], rules: dict[str, bool], n_jobs: int
) -> dict[str, Any]: ...
def match_keys(
    left: dict[str, Any], right: dict[str, Any], settings: dict[str, Any], progress: Callable[[int, int], None] | None = None
) -> dict[str, npt.NDArray[Any]]: ...
def match_exact(left: dict[str, Any], right: dict[str, Any], settings: dict[str, Any]) -> dict[str, npt.NDArray[Any]]: ...
def match_candidates(
    left: dict[str, Any], right: dict[str, Any], settings: dict[str, Any]
) -> dict[str, npt.NDArray[Any]]: ...
def match_ranks(keys: list[list[str | None]], *, n_jobs: int) -> npt.NDArray[np.uint32]: ...
def match_assign(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    score: npt.NDArray[np.float64],
    left_rank: npt.NDArray[np.uint32],
    right_rank: npt.NDArray[np.uint32],
    *,
    one_to_one: bool,
    n_jobs: int,
) -> npt.NDArray[np.int64]: ...


class DistanceFunction:
    def __init__(self, metric: str, kind: str) -> None: ...
    def __call__(
        self,
        s1: Any,
        s2: Any,
        *,
        processor: Any = None,
        score_cutoff: Optional[float] = None,
        score_hint: Optional[float] = None,
        **options: Any,
    ) -> Any: ...

def default_process(sentence: str) -> str: ...
def match_cdist(
    scorer: str, queries: list[Any], choices: list[Any], *, score_cutoff: float, dtype: str, workers: int
) -> npt.NDArray[Any]: ...
def match_cpdist(scorer: str, a: list[Any], b: list[Any], *, score_cutoff: float, workers: int) -> npt.NDArray[np.float64]: ...
def match_extract_many(
    scorer: str,
    queries: list[Any],
    choices: list[Any],
    *,
    score_cutoff: float,
    limit: int,
    workers: int,
    default_process: bool = False,
) -> list[list[tuple[int, float]]]: ...
def ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def partial_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def token_sort_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def token_set_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def token_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def partial_token_sort_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def partial_token_set_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def partial_token_ratio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def WRatio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def QRatio(
    s1: Any, s2: Any, *, processor: Any = None, score_cutoff: Optional[float] = None, score_hint: Optional[float] = None
) -> float: ...
def default_process_many(values: list[Any]) -> list[str | None]: ...
