//! Squared euclidean distances from many rows to a few points (centres or
//! k-means++ candidates), vectorised across the points.
//!
//! The points are stored transposed (`[d][k]`), so each feature of a row updates
//! all `k` distances with independent lane-wise operations that LLVM turns into
//! SIMD code without reordering any sum. The row loop is compiled twice, once
//! with AVX2+FMA (picked at run time) and once for the baseline target.

use std::ops::Range;

/// A few points in the transposed layout.
#[derive(Clone, Debug)]
pub struct Points {
    columns: Vec<f64>,
    k: usize,
    d: usize,
}

impl Points {
    /// Stores the `k` row-major points of `flat` (`k × d`).
    pub fn new(flat: &[f64], d: usize) -> Self {
        let k = flat.len() / d;
        let mut columns = vec![0.0; d * k];
        for (p, point) in flat.chunks_exact(d).enumerate() {
            for (j, &v) in point.iter().enumerate() {
                columns[j * k + p] = v;
            }
        }
        Points { columns, k, d }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.k
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.k == 0
    }
}

/// Calls `visit(i, distances)` for each row `i` in `rows` of `x` (`n × d`,
/// row-major), with the squared distances from row `i` to every point.
pub fn for_each_row(
    x: &[f64],
    points: &Points,
    rows: Range<usize>,
    mut visit: impl FnMut(usize, &[f64]),
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features this build was compiled for.
        unsafe { rows_avx2(x, points, rows, &mut visit) };
        return;
    }
    rows_generic(x, points, rows, &mut visit)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn rows_avx2(
    x: &[f64],
    points: &Points,
    rows: Range<usize>,
    visit: &mut impl FnMut(usize, &[f64]),
) {
    rows_generic(x, points, rows, visit)
}

#[inline(always)]
fn rows_generic(
    x: &[f64],
    points: &Points,
    rows: Range<usize>,
    visit: &mut impl FnMut(usize, &[f64]),
) {
    let (k, d) = (points.k, points.d);
    let mut dist = vec![0.0; k];
    for i in rows {
        dist.iter_mut().for_each(|v| *v = 0.0);
        for (&xv, column) in x[i * d..(i + 1) * d]
            .iter()
            .zip(points.columns.chunks_exact(k))
        {
            for (acc, &c) in dist.iter_mut().zip(column) {
                let diff = xv - c;
                *acc += diff * diff;
            }
        }
        visit(i, &dist);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_direct_distances() {
        let d = 5;
        let x: Vec<f64> = (0..20 * d).map(|i| (i as f64 * 0.7).sin()).collect();
        let pts: Vec<f64> = (0..3 * d).map(|i| (i as f64 * 0.3).cos()).collect();
        let points = Points::new(&pts, d);
        assert_eq!(points.len(), 3);
        for_each_row(&x, &points, 0..20, |i, dist| {
            for (p, &got) in dist.iter().enumerate() {
                let want: f64 = (0..d)
                    .map(|j| (x[i * d + j] - pts[p * d + j]).powi(2))
                    .sum();
                assert!((got - want).abs() < 1e-12);
            }
        });
    }
}
