"""Frame-level features with ``librosa.feature``'s names, signatures and outputs."""

from __future__ import annotations

from tunelens.feature.spectral import (
    chroma_stft,
    mfcc,
    rms,
    spectral_bandwidth,
    spectral_centroid,
    spectral_contrast,
    spectral_flatness,
    spectral_rolloff,
    zero_crossing_rate,
)
from tunelens.feature import rhythm
from tunelens.feature.poly import poly_features
from tunelens.feature.rhythm import fourier_tempogram, tempo, tempogram
from tunelens.feature.utils import delta

__all__ = [
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_flatness",
    "spectral_contrast",
    "rms",
    "zero_crossing_rate",
    "mfcc",
    "delta",
    "chroma_stft",
    "poly_features",
    "tempogram",
    "fourier_tempogram",
    "tempo",
    "rhythm",
]
