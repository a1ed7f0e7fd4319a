//! Spectral analysis, numerically matching librosa 0.11.
//!
//! - [`stft`] / [`istft`]: short-time Fourier transform and its inverse.
//! - [`spectrogram`]: power/magnitude and mel spectrograms fused with the STFT.
//! - [`mel`]: Slaney/HTK mel scales and librosa's `filters.mel` basis.
//! - [`db`]: `power_to_db` / `amplitude_to_db`.
//! - [`frames`]: padding modes and frame counting shared by the transforms.
//! - [`nd`]: channels and frame columns of arrays of any leading shape.
//!
//! Every transform is generic over [`Float`] (`f32` or `f64`): float32 input is
//! computed in float32, float64 input in float64, as numpy users expect.

pub mod db;
pub mod fft;
pub mod frames;
pub mod istft;
pub mod mel;
pub mod nd;
pub mod spectrogram;
pub mod stft;
pub mod window;

use std::sync::{Mutex, OnceLock};

use num_traits::{Float as NumFloat, FromPrimitive};
use realfft::{FftNum, RealFftPlanner};

/// The sample types tunelens computes with (`f32`, `f64`).
pub trait Float: FftNum + NumFloat + FromPrimitive + Default + Send + Sync + 'static {
    /// Converts an `f64` (a window value, a filter weight) to this type.
    fn of(x: f64) -> Self {
        <Self as FromPrimitive>::from_f64(x).unwrap_or_else(Self::nan)
    }
    /// Widens to `f64`.
    fn wide(self) -> f64 {
        self.to_f64().unwrap_or(f64::NAN)
    }
    /// The process-wide FFT planner of this type (it caches plans by size).
    fn fft_planner() -> &'static Mutex<RealFftPlanner<Self>>;
}

macro_rules! impl_float {
    ($t:ty) => {
        impl Float for $t {
            fn fft_planner() -> &'static Mutex<RealFftPlanner<$t>> {
                static PLANNER: OnceLock<Mutex<RealFftPlanner<$t>>> = OnceLock::new();
                PLANNER.get_or_init(|| Mutex::new(RealFftPlanner::new()))
            }
        }
    };
}
impl_float!(f32);
impl_float!(f64);

pub use frames::PadMode;
pub use stft::{StftParams, StftSpec};
