//! FFT plans, made once per size and type and shared by every frame and thread.

use std::sync::Arc;

use realfft::{ComplexToReal, FftError, RealToComplex};

use super::Float;
use crate::error::Error;

/// The cached forward real FFT of length `n`.
pub fn forward<T: Float>(n: usize) -> Arc<dyn RealToComplex<T>> {
    let mut planner = T::fft_planner()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    planner.plan_fft_forward(n)
}

/// The cached inverse real FFT of length `n` (unnormalised, like FFTW/realfft).
pub fn inverse<T: Float>(n: usize) -> Arc<dyn ComplexToReal<T>> {
    let mut planner = T::fft_planner()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    planner.plan_fft_inverse(n)
}

/// An FFT refused its buffers: they come from the plan itself, so this is a
/// tunelens bug, reported as [`Error::Internal`] rather than ignored.
pub fn internal(e: FftError) -> Error {
    Error::Internal(format!("FFT buffers do not fit the plan: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_cached_and_correct() {
        assert!(Arc::ptr_eq(&forward::<f32>(8), &forward::<f32>(8)));
        let mut x = vec![1.0f64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let plan = forward::<f64>(8);
        let mut out = plan.make_output_vec();
        plan.process(&mut x, &mut out).unwrap();
        assert!(out
            .iter()
            .all(|c| (c.re - 1.0).abs() < 1e-12 && c.im.abs() < 1e-12));
    }

    #[test]
    fn a_buffer_mismatch_is_an_internal_error() {
        let plan = forward::<f64>(8);
        let (mut x, mut out) = (vec![0.0; 7], plan.make_output_vec());
        let err = plan
            .process(&mut x, &mut out)
            .map_err(internal)
            .unwrap_err();
        assert!(matches!(err, Error::Internal(_)), "{err}");
    }
}
