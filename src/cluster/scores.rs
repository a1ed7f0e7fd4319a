//! Cluster-quality scores with scikit-learn's definitions.

use ndarray::ArrayView2;
use num_traits::AsPrimitive;
use rayon::prelude::*;

use super::row_major;
use crate::error::{ensure, Result};
use crate::parallel;

/// Checks labels against `x` and returns them as dense ids `0..n_labels`.
fn dense_labels(n: usize, labels: &[i64]) -> Result<(Vec<usize>, usize)> {
    ensure(labels.len() == n, "labels", || {
        format!("has {} entries but X has {n} rows", labels.len())
    })?;
    let mut uniq: Vec<i64> = labels.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    ensure(uniq.len() >= 2 && uniq.len() < n, "labels", || {
        format!(
            "has {} distinct labels; valid values are 2 to n_samples - 1 = {}",
            uniq.len(),
            n.saturating_sub(1)
        )
    })?;
    let dense = labels
        .iter()
        // cannot fail: uniq holds every label (sorted and deduplicated from labels)
        .map(|l| uniq.binary_search(l).expect("present"))
        .collect();
    Ok((dense, uniq.len()))
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

pub use crate::options::cluster::scores::Metric;

/// Distance between rows `i` and `j` of `data` (`d` wide) under `metric`;
/// `norms` holds the row norms for the cosine metric.
fn pair_distance(metric: Metric, data: &[f64], d: usize, norms: &[f64], i: usize, j: usize) -> f64 {
    let (a, b) = (&data[i * d..(i + 1) * d], &data[j * d..(j + 1) * d]);
    match metric {
        Metric::Euclidean => dist(a, b),
        Metric::SqEuclidean => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Manhattan => a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum(),
        Metric::Cosine => {
            let scale = norms[i] * norms[j];
            let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            let cos = if scale > 0.0 { dot / scale } else { 0.0 };
            (1.0 - cos).clamp(0.0, 2.0)
        }
        Metric::Precomputed => a[j],
    }
}

/// Mean silhouette coefficient: `(b - a) / max(a, b)` per row, where `a` is the
/// mean distance to the other members of its cluster and `b` the smallest mean
/// distance to another cluster; 0 for rows alone in their cluster. A row's
/// distance to itself counts as 0 (scikit-learn forces the diagonal to 0).
pub fn silhouette_score<T: AsPrimitive<f64> + Sync>(
    x: ArrayView2<'_, T>,
    labels: &[i64],
    metric: Metric,
    n_jobs: i64,
) -> Result<f64> {
    let (n, d) = x.dim();
    crate::neighbors::search::check_finite(x, "X")?;
    let (labels, k) = dense_labels(n, labels)?;
    let data = row_major(x);
    if metric == Metric::Precomputed {
        ensure(n == d, "X", || {
            format!("a precomputed distance matrix must be square, got {n} x {d}")
        })?;
        ensure(
            (0..n).all(|i| data[i * n + i].abs() <= 100.0 * f64::EPSILON),
            "X",
            || "the precomputed distance matrix contains non-zero elements on the diagonal".into(),
        )?;
    }
    let norms: Vec<f64> = match metric {
        Metric::Cosine => data
            .chunks_exact(d)
            .map(|r| r.iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect(),
        _ => Vec::new(),
    };
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let total: f64 = parallel::install(n_jobs, || {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let mut sums = vec![0.0; k];
                for (j, &l) in labels.iter().enumerate() {
                    if j != i {
                        sums[l] += pair_distance(metric, &data, d, &norms, i, j);
                    }
                }
                let own = labels[i];
                if sizes[own] <= 1 {
                    return 0.0;
                }
                let a = sums[own] / (sizes[own] - 1) as f64;
                let b = (0..k)
                    .filter(|&c| c != own)
                    .map(|c| sums[c] / sizes[c] as f64)
                    .fold(f64::INFINITY, f64::min);
                let m = a.max(b);
                if m > 0.0 {
                    (b - a) / m
                } else {
                    0.0
                }
            })
            .collect::<Vec<f64>>()
            .iter()
            .sum()
    })?;
    Ok(total / n as f64)
}

/// Davies-Bouldin index: mean over clusters of the worst
/// `(s_i + s_j) / |c_i - c_j|`, with `s` the mean distance to the centroid.
pub fn davies_bouldin_score<T: AsPrimitive<f64>>(
    x: ArrayView2<'_, T>,
    labels: &[i64],
) -> Result<f64> {
    let (n, d) = x.dim();
    crate::neighbors::search::check_finite(x, "X")?;
    let (labels, k) = dense_labels(n, labels)?;
    let data = row_major(x);
    let mut centroids = vec![0.0; k * d];
    let mut sizes = vec![0usize; k];
    for (row, &l) in data.chunks_exact(d).zip(&labels) {
        sizes[l] += 1;
        centroids[l * d..(l + 1) * d]
            .iter_mut()
            .zip(row)
            .for_each(|(c, v)| *c += v);
    }
    for (c, &s) in centroids.chunks_exact_mut(d).zip(&sizes) {
        c.iter_mut().for_each(|v| *v /= s as f64);
    }
    let mut spread = vec![0.0; k];
    for (row, &l) in data.chunks_exact(d).zip(&labels) {
        spread[l] += dist(row, &centroids[l * d..(l + 1) * d]);
    }
    spread
        .iter_mut()
        .zip(&sizes)
        .for_each(|(s, &n)| *s /= n as f64);
    let centroid = |i: usize| &centroids[i * d..(i + 1) * d];
    let separations: Vec<f64> = (0..k * k)
        .map(|ij| dist(centroid(ij / k), centroid(ij % k)))
        .collect();
    if spread.iter().all(|&s| s.abs() < 1e-15) || separations.iter().all(|&s| s.abs() < 1e-15) {
        return Ok(0.0);
    }
    let worst = (0..k).map(|i| {
        (0..k)
            .filter(|&j| j != i)
            .map(|j| {
                let sep = separations[i * k + j];
                if sep == 0.0 {
                    0.0
                } else {
                    (spread[i] + spread[j]) / sep
                }
            })
            .fold(f64::NEG_INFINITY, f64::max)
    });
    Ok(worst.sum::<f64>() / k as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn two_tight_pairs() {
        let x = array![[0.0], [1.0], [10.0], [11.0]];
        let labels = [0, 0, 1, 1];
        // a = 1, b = mean(10, 11) or (9, 10): s = (b - a) / b.
        let want = ((10.5 - 1.0) / 10.5 + (9.5 - 1.0) / 9.5) / 2.0;
        assert!(
            (silhouette_score(x.view(), &labels, Metric::Euclidean, 2).unwrap() - want).abs()
                < 1e-15
        );
        // s_i = 0.5, centroid distance 10.
        assert!((davies_bouldin_score(x.view(), &labels).unwrap() - 0.1).abs() < 1e-15);
        assert!(silhouette_score(x.view(), &[0, 0, 0, 0], Metric::Euclidean, 1).is_err());
        assert!(davies_bouldin_score(x.view(), &[0, 1, 2, 3]).is_err());
    }
}
