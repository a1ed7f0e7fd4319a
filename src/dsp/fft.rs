//! FFT plans, made once per size and type and shared by every frame and thread.

use std::sync::Arc;

use realfft::{ComplexToReal, RealToComplex};

use super::Float;

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
}
