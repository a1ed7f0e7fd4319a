//! tunelens: the Rust engine behind the `tunelens` Python package.
//!
//! The core modules are pure Rust and tested with `cargo test`:
//! - [`audio`]: decoding (symphonia), mono mixing, soxr_hq-shaped resampling.
//! - [`dsp`]: STFT/iSTFT, mel filters and spectrograms, dB scaling, librosa-exact.
//! - [`render`]: spectrogram and waveform images (matplotlib colormaps, PNG).
//! - [`neighbors`]: exact scaled nearest-neighbour search (blocked, SIMD, f64 re-ranking).
//! - [`cluster`]: k-means, silhouette and Davies-Bouldin scores.
//! - [`decompose`]: principal component analysis through the covariance matrix.
//! - [`explain`]: audioLIME-style explanations (factorizations, masks, lime's surrogate).
//! - [`matching`]: rapidfuzz-exact string scorers, edit distances and batch matching.
//! - [`parallel`]: fork-safe thread pools for `n_jobs`.
//! - [`error`]: the one error enum every fallible call returns.
//! - `names`: option enums chosen by name (`named_enum!`), with one error wording.
//!
//! `py` holds the PyO3 bindings only.

pub mod audio;
pub mod cluster;
pub mod decompose;
pub mod dsp;
pub mod error;
pub mod explain;
pub mod features;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod matching;
mod names;
pub mod neighbors;
pub mod parallel;
pub mod render;
#[cfg(test)]
mod testing;

mod py;

pub use error::{Error, Result};
