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
use crate::neighbors::kernels::{Arith, Fused, Plain};
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
const BLOCK: usize = 256;

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
                .collect::<Vec<_>>()
                .into_iter()
                .reduce(add)
                .expect("at least one block");
            let mean: Vec<f64> = sums.iter().map(|s| s / n as f64).collect();
            // Rows padded to a multiple of 8 so the SIMD loops have no scalar tail.
            let dp = d.div_ceil(8) * 8;
            let padded = blocks
                .par_iter()
                .map(|&s| {
                    let rows = (s + BLOCK).min(n) - s;
                    let mut centred = vec![0.0; rows * dp];
                    for (r, out) in centred.chunks_exact_mut(dp).enumerate() {
                        for ((o, v), m) in out.iter_mut().zip(x.row(s + r)).zip(&mean) {
                            *o = v.as_() - m;
                        }
                    }
                    let mut acc = vec![0.0; dp * dp];
                    gram(&centred, dp, &mut acc);
                    acc
                })
                .collect::<Vec<_>>()
                .into_iter()
                .reduce(add)
                .expect("at least one block");
            let cov: Vec<f64> = (0..d * d).map(|ij| (ij / d, ij % d)).map(|(i, j)| padded[i.min(j) * dp + i.max(j)]).collect();
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

/// Adds the upper triangle of `rowsᵀ · rows` (row-major, `d` wide) to `acc`,
/// with the AVX2+FMA build when the CPU has it.
fn gram(rows: &[f64], d: usize, acc: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features this build was compiled for.
        unsafe { gram_avx2(rows, d, acc) };
        return;
    }
    gram_generic::<Plain>(rows, d, acc)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gram_avx2(rows: &[f64], d: usize, acc: &mut [f64]) {
    gram_generic::<Fused>(rows, d, acc)
}

/// Four rows per pass over `acc`, so each accumulator load serves four updates
/// (rows past the end of `rows` count as zeros). Row `i` of `acc` is updated
/// from column `i` rounded down to a multiple of 8 (`d` is one too), so every
/// SIMD loop runs whole; the few extra entries below the diagonal are unused.
#[inline(always)]
fn gram_generic<A: Arith>(rows: &[f64], d: usize, acc: &mut [f64]) {
    let zeros = vec![0.0; d];
    for quad in rows.chunks(4 * d) {
        let row = |r: usize| quad.get(r * d..(r + 1) * d).unwrap_or(&zeros);
        let (a, b, c, e) = (row(0), row(1), row(2), row(3));
        for i in 0..d {
            let (ai, bi, ci, ei) = (a[i], b[i], c[i], e[i]);
            let start = i / 8 * 8;
            let out = &mut acc[i * d + start..(i + 1) * d];
            let m = out.len();
            let (a, b, c, e) = (&a[start..start + m], &b[start..start + m], &c[start..start + m], &e[start..start + m]);
            for j in 0..m {
                let (o, aj, bj, cj, ej) = (&mut out[j], a[j], b[j], c[j], e[j]);
                *o = A::madd64(ei, ej, A::madd64(ci, cj, A::madd64(bi, bj, A::madd64(ai, aj, *o))));
            }
        }
    }
}

/// Element-wise sum.
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
