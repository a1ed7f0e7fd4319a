"""tunelens: fast, librosa-compatible audio analysis and explainable music recommendation.

The engine is written in Rust (``tunelens._core``); this package is its Python face.
"""

from __future__ import annotations

from tunelens import decompose, effects, feature, filters, onset
from tunelens._core import __version__
from tunelens.convert import (
    fft_frequencies,
    frames_to_samples,
    frames_to_time,
    hz_to_mel,
    mel_frequencies,
    mel_to_hz,
    samples_to_frames,
    samples_to_time,
    time_to_frames,
    time_to_samples,
)
from tunelens.exceptions import (
    AudioDecodeError,
    AudioFileNotFoundError,
    AudioReadError,
    InvalidParameterError,
    TunelensError,
    TunelensInternalError,
    UnsupportedFormatError,
)
from tunelens.extract import extract_features
from tunelens.spectral import (
    amplitude_to_db,
    db_to_amplitude,
    db_to_power,
    istft,
    melspectrogram,
    melspectrogram_batch,
    power_to_db,
    stft,
)

__all__ = [
    "__version__",
    "TunelensError",
    "InvalidParameterError",
    "AudioDecodeError",
    "UnsupportedFormatError",
    "AudioFileNotFoundError",
    "AudioReadError",
    "TunelensInternalError",
    "filters",
    "feature",
    "effects",
    "decompose",
    "onset",
    "extract_features",
    "stft",
    "istft",
    "melspectrogram",
    "melspectrogram_batch",
    "power_to_db",
    "amplitude_to_db",
    "db_to_power",
    "db_to_amplitude",
    "fft_frequencies",
    "mel_frequencies",
    "hz_to_mel",
    "mel_to_hz",
    "frames_to_samples",
    "samples_to_frames",
    "frames_to_time",
    "time_to_frames",
    "time_to_samples",
    "samples_to_time",
]
