//! Frame-level audio features, numerically matching `librosa.feature` 0.11.
//!
//! - [`spectral`]: centroid, bandwidth, rolloff, flatness and contrast of
//!   magnitude spectra, from audio (fused with the STFT) or from a spectrogram.
//! - [`hpss`]: median-filter harmonic/percussive separation ([`median`]: the SIMD sliding median).
//! - [`onset`], [`tempo`]: onset envelopes, tempograms and tempo estimation.
//! - [`beat`]: onset peak picking and dynamic-programming beat tracking.
//! - [`temporal`]: RMS energy and zero-crossing rate of raw frames.
//! - [`cepstral`]: the orthonormal DCT-II behind MFCCs, with liftering.
//! - [`chroma`], [`tuning`]: chromagrams with librosa's tuning estimation.
//! - [`gtzan`]: the 57 GTZAN summary values of a clip from one shared STFT.
//!
//! Every function takes float32 or float64 input ([`crate::dsp::Float`]) and
//! returns `f64` values; the Python layer casts to librosa's output dtype.

pub mod beat;
pub mod cepstral;
pub mod chroma;
pub mod gtzan;
pub mod hpss;
pub mod median;
pub mod onset;
pub mod spectral;
pub mod tempo;
pub mod temporal;
pub mod tuning;
