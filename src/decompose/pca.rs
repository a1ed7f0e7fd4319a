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
use crate::neighbors::kernels::{Arith, Fused, Plain};
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
        // One pass over the data: rows shifted by the first block's mean (close
        // to the true mean, so no cancellation), their sums and their Gram matrix;
        // the exact centring is a rank-one correction afterwards.
        let first = BLOCK.min(n);
        let shift: Vec<f64> = (0..d)
            .map(|j| x.column(j).iter().take(first).map(|v| v.as_()).sum::<f64>() / first as f64)
            .collect();
        let dp = d.div_ceil(8) * 8; // padded so the SIMD loops have no scalar tail
        let parts = parallel::install(n_jobs, || {
            (0..n.div_ceil(BLOCK))
                .into_par_iter()
                .map(|b| {
                    let s = b * BLOCK;
                    let rows = (s + BLOCK).min(n) - s;
                    let mut shifted = vec![0.0; rows * dp];
                    let mut sums = vec![0.0; d];
                    let mut finite = true;
                    for (r, out) in shifted.chunks_exact_mut(dp).enumerate() {
                        for (((o, v), m), total) in out
                            .iter_mut()
                            .zip(x.row(s + r))
                            .zip(&shift)
                            .zip(sums.iter_mut())
                        {
                            let v = v.as_();
                            finite &= v.is_finite();
                            *o = v - m;
                            *total += *o;
                        }
                    }
                    let mut gram_acc = vec![0.0; dp * dp];
                    gram(&shifted, dp, &mut gram_acc);
                    (gram_acc, sums, finite)
                })
                .collect::<Vec<_>>()
        })?;
        if !parts.iter().all(|p| p.2) {
            crate::neighbors::search::check_finite(x, "X")?;
        }
        let (padded, sums) = parts
            .into_iter()
            .map(|(g, s, _)| (g, s))
            .reduce(|(g1, s1), (g2, s2)| (add(g1, g2), add(s1, s2)))
            .expect("at least one block");
        let delta: Vec<f64> = sums.iter().map(|v| v / n as f64).collect();
        let mean: Vec<f64> = shift.iter().zip(&delta).map(|(s, d)| s + d).collect();
        let cov: Vec<f64> = (0..d * d)
            .map(|ij| (ij / d, ij % d))
            .map(|(i, j)| padded[i.min(j) * dp + i.max(j)] - n as f64 * delta[i] * delta[j])
            .collect();
        let (values, mut components) = symmetric_eigen(&cov, d);
        for comp in components.chunks_exact_mut(d) {
            let top =
                comp.iter().copied().fold(
                    0.0f64,
                    |best, v| if v.abs() > best.abs() { v } else { best },
                );
            if top < 0.0 {
                comp.iter_mut().for_each(|v| *v = -*v);
            }
        }
        let explained_variance = values.iter().map(|v| v.max(0.0) / (n - 1) as f64).collect();
        Ok(PcaFit {
            mean,
            components,
            explained_variance,
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

/// Register-tiled `rowsᵀ · rows` (the syrk micro-kernel): a 4 × 8 tile of the
/// output stays in registers while every row of the block streams past, so the
/// inner loop is 32 fused multiply-adds per 8 loads and no accumulator traffic.
/// Output rows `i0..i0+4` are computed from column `i0` rounded down to a
/// multiple of 8 (`d` is one too), which covers the upper triangle; the few
/// entries below the diagonal are unused.
#[inline(always)]
fn gram_generic<A: Arith>(rows: &[f64], d: usize, acc: &mut [f64]) {
    let n_rows = rows.len() / d;
    for i0 in (0..d).step_by(4) {
        for j0 in (i0 / 8 * 8..d).step_by(8) {
            let mut tile = [[0.0f64; 8]; 4];
            for row in rows.chunks_exact(d).take(n_rows) {
                // Fixed-size copies let the compiler keep the tile in registers.
                let mut xj = [0.0f64; 8];
                xj.copy_from_slice(&row[j0..j0 + 8]);
                let mut xi = [0.0f64; 4];
                xi.copy_from_slice(&row[i0..i0 + 4]);
                for a in 0..4 {
                    for b in 0..8 {
                        tile[a][b] = A::madd64(xi[a], xj[b], tile[a][b]);
                    }
                }
            }
            for (a, t) in tile.iter().enumerate() {
                for (o, v) in acc[(i0 + a) * d + j0..(i0 + a) * d + j0 + 8]
                    .iter_mut()
                    .zip(t)
                {
                    *o += v;
                }
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
        assert!(
            (fit.components[0] - 1.0 / s).abs() < 1e-12
                && (fit.components[1] - 2.0 / s).abs() < 1e-12
        );
        assert!((fit.explained_variance[0] - 5.0 * 5.0 / 3.0).abs() < 1e-12);
        assert!(fit.explained_variance[1].abs() < 1e-12);
    }
}
