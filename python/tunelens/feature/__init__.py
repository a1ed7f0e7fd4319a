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
from tunelens.feature import rhythm, spectral
from tunelens.feature.poly import poly_features
from tunelens.feature.rhythm import fourier_tempogram, tempo, tempogram
from tunelens.feature.utils import delta

__all__ = [*spectral.__all__, "delta", "poly_features", "tempogram", "fourier_tempogram", "tempo", "rhythm"]
