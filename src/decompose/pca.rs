//! Principal component analysis, fitted through the covariance matrix.
//!
//! Matches scikit-learn's `PCA`: the data is centred, variances use
//! `n_samples - 1`, and each component's sign makes its largest-magnitude
//! entry positive (`svd_flip(..., u_based_decision=False)`). The covariance is
//! accumulated in f64 over row blocks in parallel; the `d × d` eigenproblem is
//! solved with [`symmetric_eigen`](super::eigen::symmetric_eigen).

use ndarray::ArrayView2;
use num_traits::AsPrimitive;
use rayon::prelude::*;

use super::eigen::symmetric_eigen;
use crate::error::{ensure, Result};
use crate::parallel;

/// PCA fitting entry point.
pub struct Pca;

/// A fitted PCA with all `d` components.
#[derive(Clone, Debug)]
pub struct PcaFit {
    /// Per-feature mean.
    pub mean: Vec<f64>,
    /// Components, row-major `d × d`, in order of decreasing variance.
    pub components: Vec<f64>,
    /// Variance along each component (`n - 1` denominator).
    pub explained_variance: Vec<f64>,
}

/// Rows per parallel covariance block.
const BLOCK: usize = 2048;

impl Pca {
    /// Fits on the rows of `x` (finite values, at least two rows).
    pub fn fit<T: AsPrimitive<f64> + Sync>(x: ArrayView2<'_, T>, n_jobs: i64) -> Result<PcaFit> {
        let (n, d) = x.dim();
        ensure(n >= 2, "X", || format!("needs at least 2 rows, got {n}"))?;
        ensure(d >= 1, "X", || "has no columns".into())?;
        crate::neighbors::search::check_finite(x, "X")?;
        parallel::install(n_jobs, || {
            let blocks: Vec<usize> = (0..n).step_by(BLOCK).collect();
            let sums = blocks
                .par_iter()
                .map(|&s| {
                    let mut acc = vec![0.0; d];
                    for i in s..(s + BLOCK).min(n) {
                        for (a, v) in acc.iter_mut().zip(x.row(i)) {
                            *a += v.as_();
                        }
                    }
                    acc
                })
                .reduce(|| vec![0.0; d], add);
            let mean: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
            let cov = blocks
                .par_iter()
                .map(|&s| {
                    let mut acc = vec![0.0; d * d];
                    let mut row = vec![0.0; d];
                    for i in s..(s + BLOCK).min(n) {
                        for ((r, v), m) in row.iter_mut().zip(x.row(i)).zip(&mean) {
                            *r = v.as_() - m;
                        }
                        for (a, &ri) in acc.chunks_exact_mut(d).zip(&row) {
                            for (aij, &rj) in a.iter_mut().zip(&row) {
                                *aij += ri * rj;
                            }
                        }
                    }
                    acc
                })
                .reduce(|| vec![0.0; d * d], add);
            let (values, mut components) = symmetric_eigen(&cov, d);
            for comp in components.chunks_exact_mut(d) {
                let top = comp.iter().copied().fold(0.0f64, |best, v| if v.abs() > best.abs() { v } else { best });
                if top < 0.0 {
                    comp.iter_mut().for_each(|v| *v = -*v);
                }
            }
            let explained_variance = values.iter().map(|v| v.max(0.0) / (n - 1) as f64).collect();
            PcaFit { mean, components, explained_variance }
        })
    }
}

fn add(mut a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn principal_axis_of_a_line() {
        let x = array![[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let fit = Pca::fit(x.view(), 1).unwrap();
        assert_eq!(fit.mean, vec![1.5, 3.0]);
        let s = 5f64.sqrt();
        assert!((fit.components[0] - 1.0 / s).abs() < 1e-12 && (fit.components[1] - 2.0 / s).abs() < 1e-12);
        assert!((fit.explained_variance[0] - 5.0 * 5.0 / 3.0).abs() < 1e-12);
        assert!(fit.explained_variance[1].abs() < 1e-12);
    }
}
