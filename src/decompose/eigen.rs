//! Eigenvalues and eigenvectors of a small symmetric matrix (cyclic Jacobi).
//!
//! Jacobi rotations are slower than Householder + QR for big matrices but
//! accurate to a few ulps relative to the largest eigenvalue, simple, and fast
//! for the feature counts of music tables (tens to a few hundred).

/// Eigen-decomposes the symmetric `d × d` row-major matrix `a`.
///
/// Returns `(values, vectors)` with values in descending order and
/// `vectors[k * d ..][..d]` the unit eigenvector of `values[k]`.
pub fn symmetric_eigen(a: &[f64], d: usize) -> (Vec<f64>, Vec<f64>) {
    let mut m = a.to_vec();
    let mut v = vec![0.0; d * d];
    for i in 0..d {
        v[i * d + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|i| (i + 1..d).map(move |j| (i, j)))
            .map(|(i, j)| m[i * d + j].powi(2))
            .sum();
        let diag: f64 = (0..d).map(|i| m[i * d + i].powi(2)).sum();
        if off <= f64::EPSILON.powi(2) * diag * 1e-4 || off == 0.0 {
            break;
        }
        for p in 0..d {
            for q in p + 1..d {
                let apq = m[p * d + q];
                if apq == 0.0 {
                    continue;
                }
                let (app, aqq) = (m[p * d + p], m[q * d + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (mkp, mkq) = (m[k * d + p], m[k * d + q]);
                    m[k * d + p] = c * mkp - s * mkq;
                    m[k * d + q] = s * mkp + c * mkq;
                }
                for k in 0..d {
                    let (mpk, mqk) = (m[p * d + k], m[q * d + k]);
                    m[p * d + k] = c * mpk - s * mqk;
                    m[q * d + k] = s * mpk + c * mqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[k * d + p], v[k * d + q]);
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&i, &j| m[j * d + j].total_cmp(&m[i * d + i]));
    let values = order.iter().map(|&i| m[i * d + i]).collect();
    let vectors = order
        .iter()
        .flat_map(|&i| (0..d).map(move |k| (k, i)))
        .map(|(k, i)| v[k * d + i])
        .collect();
    (values, vectors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconstructs_a_symmetric_matrix() {
        let d = 6;
        let a: Vec<f64> = (0..d * d)
            .map(|k| {
                let (i, j) = (k / d, k % d);
                ((i + j) as f64).sin() + if i == j { 3.0 } else { 0.0 }
            })
            .collect();
        let (values, vectors) = symmetric_eigen(&a, d);
        assert!(values.windows(2).all(|w| w[0] >= w[1]));
        for i in 0..d {
            for j in 0..d {
                let r: f64 = (0..d)
                    .map(|k| values[k] * vectors[k * d + i] * vectors[k * d + j])
                    .sum();
                assert!((r - a[i * d + j]).abs() < 1e-12, "{i} {j}");
            }
        }
    }
}
