//! Principal component analysis, fitted through the covariance matrix.
//!
//! Matches scikit-learn's `PCA`: the data is centred, variances use
//! `n_samples - 1`, and each component's sign makes its largest-magnitude
//! entry positive (`svd_flip(..., u_based_decision=False)`). The covariance is
//! accumulated in f64 over row blocks in parallel; the `d × d` eigenproblem is
//! solved with [`symmetric_eigen`](super::eigen::symmetric_eigen) (faer).

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
    /// Components, row-major `min(n, d) × d`, in order of decreasing variance.
    pub components: Vec<f64>,
    /// Variance along each component (`n - 1` denominator).
    pub explained_variance: Vec<f64>,
}

/// Rows whose mean shifts the data before the Gram matrix is accumulated.
const SHIFT_ROWS: usize = 256;
/// Rows per parallel task.
const TASK_ROWS: usize = 4096;
/// Rows per packed block: 32 rows of 64 features (16 KiB) stay in L1.
const PANEL_ROWS: usize = 32;

impl Pca {
    /// Fits on the rows of `x` (finite values, at least two rows).
    pub fn fit<T: AsPrimitive<f64> + Sync>(x: ArrayView2<'_, T>, n_jobs: i64) -> Result<PcaFit> {
        let (n, d) = x.dim();
        ensure(n >= 2, "X", || format!("needs at least 2 rows, got {n}"))?;
        ensure(d >= 1, "X", || "has no columns".into())?;
        if d > n {
            return Self::fit_wide(x, n_jobs);
        }
        // One pass over the data: rows shifted by the first block's mean (close
        // to the true mean, so no cancellation), their sums and their Gram matrix;
        // the exact centring is a rank-one correction afterwards.
        let first = SHIFT_ROWS.min(n);
        let shift: Vec<f64> = (0..d)
            .map(|j| x.column(j).iter().take(first).map(|v| v.as_()).sum::<f64>() / first as f64)
            .collect();
        let dp = d.div_ceil(8) * 8; // padded so the SIMD loops have no scalar tail
        let parts = parallel::install(n_jobs, || {
            (0..n.div_ceil(TASK_ROWS))
                .into_par_iter()
                .map(|t| {
                    let rows = t * TASK_ROWS..((t + 1) * TASK_ROWS).min(n);
                    let mut gram_acc = vec![0.0; dp * dp];
                    let mut sums = vec![0.0; d];
                    let mut finite = true;
                    let mut packed = vec![0.0; PANEL_ROWS * dp];
                    let mut row = vec![0.0; dp];
                    for start in rows.clone().step_by(PANEL_ROWS) {
                        let len = PANEL_ROWS.min(rows.end - start);
                        let packed = &mut packed[..len * dp];
                        finite &= pack(x, start, &shift, packed, &mut sums, &mut row);
                        gram(packed, len, dp, &mut gram_acc);
                    }
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
            // cannot fail: n >= 2 rows (checked above) make at least one task
            .expect("at least one block");
        let delta: Vec<f64> = sums.iter().map(|v| v / n as f64).collect();
        let mean: Vec<f64> = shift.iter().zip(&delta).map(|(s, d)| s + d).collect();
        let cov: Vec<f64> = (0..d * d)
            .map(|ij| (ij / d, ij % d))
            .map(|(i, j)| padded[i.min(j) * dp + i.max(j)] - n as f64 * delta[i] * delta[j])
            .collect();
        let (values, components) = symmetric_eigen(&cov, d);
        Ok(finish(mean, values, components, n))
    }

    /// More features than rows: the eigenvectors of the `n × n` Gram matrix of
    /// the centred rows give the `n` principal axes (`Xcᵀ u / √λ`) with the
    /// same variances, at `O(n² d)` instead of an eigenproblem of size `d`.
    fn fit_wide<T: AsPrimitive<f64> + Sync>(x: ArrayView2<'_, T>, n_jobs: i64) -> Result<PcaFit> {
        let (n, d) = x.dim();
        crate::neighbors::search::check_finite(x, "X")?;
        let mean: Vec<f64> = (0..d)
            .map(|j| x.column(j).iter().map(|v| v.as_()).sum::<f64>() / n as f64)
            .collect();
        let centred: Vec<f64> = x
            .rows()
            .into_iter()
            .flat_map(|row| {
                row.iter()
                    .zip(&mean)
                    .map(|(v, m)| v.as_() - m)
                    .collect::<Vec<_>>()
            })
            .collect();
        let row = |i: usize| &centred[i * d..(i + 1) * d];
        let gram: Vec<f64> = parallel::install(n_jobs, || {
            (0..n * n)
                .into_par_iter()
                .map(|ij| {
                    row(ij / n)
                        .iter()
                        .zip(row(ij % n))
                        .map(|(a, b)| a * b)
                        .sum()
                })
                .collect()
        })?;
        let (values, vectors) = symmetric_eigen(&gram, n);
        let scale = values.first().copied().unwrap_or(0.0).abs() * f64::EPSILON * n as f64;
        let mut components = vec![0.0; n * d];
        for (k, axis) in components.chunks_exact_mut(d).enumerate() {
            if values[k] <= scale {
                continue; // no variance left: an undetermined axis, left at zero
            }
            let norm = values[k].sqrt();
            for (i, u) in vectors[k * n..(k + 1) * n].iter().enumerate() {
                axis.iter_mut()
                    .zip(row(i))
                    .for_each(|(a, c)| *a += u * c / norm);
            }
        }
        Ok(finish(mean, values, components, n))
    }
}

/// Applies scikit-learn's sign convention to the components and turns
/// eigenvalues of the scatter matrix into variances.
fn finish(mean: Vec<f64>, values: Vec<f64>, mut components: Vec<f64>, n: usize) -> PcaFit {
    let d = mean.len();
    {
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
    }
    let explained_variance = values.iter().map(|v| v.max(0.0) / (n - 1) as f64).collect();
    PcaFit {
        mean,
        components,
        explained_variance,
    }
}

/// Writes rows `start..` of `x` minus `shift` into `packed` in panel-major
/// order (`packed[p][r][c]` = row `r`, column `8 p + c`; the padding columns
/// are zero), adds them to `sums`, and tells whether they were all finite.
/// `row` is scratch of the padded width.
fn pack<T: AsPrimitive<f64>>(
    x: ArrayView2<'_, T>,
    start: usize,
    shift: &[f64],
    packed: &mut [f64],
    sums: &mut [f64],
    row: &mut [f64],
) -> bool {
    let len = packed.len() / row.len();
    let mut finite = true;
    for r in 0..len {
        for (((c, v), m), total) in row
            .iter_mut()
            .zip(x.row(start + r))
            .zip(shift)
            .zip(sums.iter_mut())
        {
            let v = v.as_();
            finite &= v.is_finite();
            *c = v - m;
            *total += *c;
        }
        for (p, panel) in row.chunks_exact(8).enumerate() {
            packed[(p * len + r) * 8..][..8].copy_from_slice(panel);
        }
    }
    finite
}

/// Adds the upper triangle of `Pᵀ · P` to `acc` (row-major, `dp` wide), where
/// `P` is a packed block of `len` rows (see [`pack`]), with the AVX2+FMA build
/// when the CPU has it.
fn gram(packed: &[f64], len: usize, dp: usize, acc: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features this build was compiled for.
        unsafe { gram_avx2(packed, len, dp, acc) };
        return;
    }
    gram_generic::<Plain>(packed, len, dp, acc)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gram_avx2(packed: &[f64], len: usize, dp: usize, acc: &mut [f64]) {
    gram_generic::<Fused>(packed, len, dp, acc)
}

/// Register-tiled `Pᵀ · P` (the syrk micro-kernel): a 4 × 8 tile of the
/// output stays in registers while the block's rows stream past from L1, so
/// the inner loop is 32 fused multiply-adds per 8 contiguous loads and no
/// accumulator traffic. Output rows `i0..i0+4` are computed from column `i0`
/// rounded down to a multiple of 8, which covers the upper triangle; the few
/// entries below the diagonal are unused.
#[inline(always)]
fn gram_generic<A: Arith>(packed: &[f64], len: usize, dp: usize, acc: &mut [f64]) {
    let (panels, _) = packed.as_chunks::<8>();
    let panel = |column: usize| &panels[column / 8 * len..][..len];
    for i0 in (0..dp).step_by(4) {
        let (pi, ii) = (panel(i0), i0 % 8);
        for j0 in (i0 / 8 * 8..dp).step_by(8) {
            let mut tile = [[0.0f64; 8]; 4];
            for (xi, xj) in pi.iter().zip(panel(j0)) {
                for a in 0..4 {
                    for b in 0..8 {
                        tile[a][b] = A::madd64(xi[ii + a], xj[b], tile[a][b]);
                    }
                }
            }
            for (a, t) in tile.iter().enumerate() {
                let out = &mut acc[(i0 + a) * dp + j0..][..8];
                out.iter_mut().zip(t).for_each(|(o, v)| *o += v);
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
