//! The orthonormal DCT-II (`scipy.fftpack.dct(type=2, norm="ortho")`) that turns
//! log-mel spectra into MFCCs, with librosa's sinusoidal liftering.

use ndarray::ArrayView1;
use rayon::prelude::*;

use crate::dsp::Float;
use crate::error::{ensure, Result};

/// The first `n_out` orthonormal DCT-II basis vectors of length `n_in`,
/// multiplied by librosa's lifter `1 + (lifter / 2) sin(pi (k + 1) / lifter)`
/// when `lifter > 0`: `n_out × n_in`, row-major.
pub fn dct_basis(n_in: usize, n_out: usize, lifter: f64) -> Result<Vec<f64>> {
    ensure(n_in > 0, "S", || "needs at least one mel band".into())?;
    ensure(lifter >= 0.0 && lifter.is_finite(), "lifter", || format!("must be a non-negative number, got {lifter}"))?;
    let n = n_in as f64;
    let mut basis = Vec::with_capacity(n_out * n_in);
    for k in 0..n_out {
        let scale = if k == 0 { (1.0 / n).sqrt() } else { (2.0 / n).sqrt() };
        let lift = if lifter > 0.0 { 1.0 + 0.5 * lifter * (std::f64::consts::PI * (k + 1) as f64 / lifter).sin() } else { 1.0 };
        basis.extend((0..n_in).map(|i| {
            scale * lift * (std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n)).cos()
        }));
    }
    Ok(basis)
}

/// Applies [`dct_basis`] to every column (one log-mel spectrum per frame, any
/// strides), accumulating in `f64`: `columns.len() × n_out`.
pub fn dct_columns<T: Float>(columns: &[ArrayView1<'_, T>], n_out: usize, lifter: f64) -> Result<Vec<T>> {
    let n_in = columns.first().map_or(1, |c| c.len());
    let basis = dct_basis(n_in, n_out, lifter)?;
    let mut out = vec![T::zero(); columns.len() * n_out];
    if n_out > 0 {
        out.par_chunks_mut(n_out).zip(columns.par_iter()).for_each_init(Vec::new, |x, (o, col)| {
            x.clear();
            x.extend(col.iter().map(|v| v.wide()));
            for (v, row) in o.iter_mut().zip(basis.chunks(n_in)) {
                *v = T::of(row.iter().zip(x.iter()).map(|(b, x)| b * x).sum());
            }
        });
    }
    Ok(out)
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
        let x = ndarray::Array1::from(vec![1.0f32; 8]);
        let c = dct_columns(&[x.view()], 3, 0.0).unwrap();
        assert!((c[0] - 8f32.sqrt()).abs() < 1e-6 && c[1].abs() < 1e-6);
        assert!(dct_basis(8, 2, -1.0).is_err());
    }
}
