//! The orthonormal DCT-II (`scipy.fftpack.dct(type=2, norm="ortho")`) that turns
//! log-mel spectra into MFCCs, with librosa's sinusoidal liftering.

use crate::error::{affordable, ensure, Result};

/// The first `n_out` orthonormal DCT-II basis vectors of length `n_in`,
/// multiplied by librosa's lifter `1 + (lifter / 2) sin(pi (k + 1) / lifter)`
/// when `lifter > 0`: `n_out × n_in`, row-major.
pub fn dct_basis(n_in: usize, n_out: usize, lifter: f64) -> Result<Vec<f64>> {
    ensure(n_in > 0, "S", || "needs at least one mel band".into())?;
    ensure(lifter >= 0.0 && lifter.is_finite(), "lifter", || {
        format!("must be a non-negative number, got {lifter}")
    })?;
    // The basis, and the caller's copy of it in the spectrogram's float type.
    affordable("n_mfcc", 16.0 * n_out as f64 * n_in as f64)?;
    let n = n_in as f64;
    let mut basis = Vec::with_capacity(n_out * n_in);
    for k in 0..n_out {
        let scale = if k == 0 {
            (1.0 / n).sqrt()
        } else {
            (2.0 / n).sqrt()
        };
        let lift = if lifter > 0.0 {
            1.0 + 0.5 * lifter * (std::f64::consts::PI * (k + 1) as f64 / lifter).sin()
        } else {
            1.0
        };
        basis.extend((0..n_in).map(|i| {
            scale * lift * (std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n)).cos()
        }));
    }
    Ok(basis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dct_is_orthonormal() {
        let b = dct_basis(8, 8, 0.0).unwrap();
        for i in 0..8 {
            for j in 0..8 {
                let dot: f64 = (0..8).map(|n| b[i * 8 + n] * b[j * 8 + n]).sum();
                assert!((dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        // A constant input has only a DC coefficient, sqrt(n).
        let dc: f64 = b[..8].iter().sum();
        assert!((dc - 8f64.sqrt()).abs() < 1e-12);
        assert!(dct_basis(8, 2, -1.0).is_err());
    }

    #[test]
    fn a_basis_beyond_memory_is_refused() {
        crate::error::assert_too_large(dct_basis(128, usize::MAX / 256, 0.0), "n_mfcc");
    }
}
