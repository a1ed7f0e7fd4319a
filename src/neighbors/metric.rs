//! The distances, their exact f64 form, and how far the fast f32 form can be off.
//!
//! The search ranks candidates by an f32 *key* computed by the SIMD kernels:
//! - euclidean: `|x|² - 2 q·x` (the squared distance minus the query's constant `|q|²`);
//! - cosine: `-q̂·x̂` on L2-normalised rows (the cosine distance minus 1);
//! - manhattan: `Σ|q - x|`.
//!
//! The key is only used to keep a few more candidates than asked for. Those are
//! re-scored exactly in f64 and the result is certified with the key's worst-case
//! rounding error (see [`Metric::lower_bound`]); an uncertified query is searched
//! again with more candidates, so the answer is always the exact top-k.

pub use crate::options::neighbors::metric::Metric;

/// Unit roundoff of f32 arithmetic, doubled for safety.
const U32: f64 = f32::EPSILON as f64;

/// The absolute error of one f32 operation whose result underflows into the
/// subnormals (at most half of it; the smallest positive f32, 2^-149). Keys of
/// rows near 1e-38 are all such results, and the relative bound misses them.
const UNDERFLOW: f64 = 1.401_298_464_324_817e-45;

impl Metric {
    /// Whether rows are stored L2-normalised (cosine).
    pub fn normalizes(self) -> bool {
        self == Self::Cosine
    }

    /// Whether the kernel is a dot product (else the L1 kernel).
    pub(crate) fn uses_dot(self) -> bool {
        self != Self::Manhattan
    }

    /// The key is `bias[x] + factor · kernel(q, x)`.
    pub(crate) fn key_factor(self) -> f32 {
        match self {
            Self::Euclidean => -2.0,
            Self::Cosine => -1.0,
            Self::Manhattan => 1.0,
        }
    }

    /// The per-row key bias: `|x|²` for euclidean, 0 otherwise.
    pub(crate) fn bias(self, row: &[f32]) -> f32 {
        match self {
            Self::Euclidean => sq_norm(row) as f32,
            _ => 0.0,
        }
    }

    /// The exact distance between two stored rows, computed in f64.
    pub fn exact(self, a: &[f32], b: &[f32]) -> f64 {
        let pairs = a.iter().zip(b).map(|(&x, &y)| (x as f64, y as f64));
        match self {
            Self::Euclidean => pairs.map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt(),
            Self::Manhattan => pairs.map(|(x, y)| (x - y).abs()).sum(),
            Self::Cosine => {
                let (dot, na, nb) = pairs.fold((0.0, 0.0, 0.0), |(d, na, nb), (x, y)| {
                    (d + x * y, na + x * x, nb + y * y)
                });
                if na == 0.0 || nb == 0.0 {
                    1.0
                } else {
                    (1.0 - dot / (na.sqrt() * nb.sqrt())).clamp(0.0, 2.0)
                }
            }
        }
    }

    /// Largest rounding error of the f32 key for a query of squared norm `q_sq`
    /// against rows of norm at most `max_norm`, in `d` dimensions (absolute for
    /// euclidean and cosine, relative for manhattan).
    fn key_error(self, d: usize, q_sq: f64, max_norm: f64) -> f64 {
        let terms = (d + 4) as f64 * U32;
        match self {
            Self::Euclidean => terms * (q_sq.sqrt() + max_norm).powi(2) + underflow(d),
            Self::Cosine => terms + underflow(d),
            Self::Manhattan => terms,
        }
    }

    /// A lower bound on the exact distance of every candidate whose key is at
    /// least `key`.
    pub(crate) fn lower_bound(self, key: f32, d: usize, q_sq: f64, max_norm: f64) -> f64 {
        let key = key as f64;
        let err = self.key_error(d, q_sq, max_norm);
        match self {
            Self::Euclidean => (key + q_sq - err).max(0.0).sqrt(),
            Self::Cosine => 1.0 + key - err,
            Self::Manhattan => key * (1.0 - err) - underflow(d),
        }
    }

    /// A key bound: every candidate within exact distance `radius` has a key
    /// strictly below it.
    pub(crate) fn key_upper(self, radius: f64, d: usize, q_sq: f64, max_norm: f64) -> f32 {
        let err = self.key_error(d, q_sq, max_norm);
        let bound = match self {
            Self::Euclidean => radius * radius - q_sq + err,
            Self::Cosine => radius - 1.0 + err,
            Self::Manhattan => radius * (1.0 + err) + err,
        };
        // Round up, then step past it so that `key < bound` keeps equality.
        let up = bound as f32;
        let up = if (up as f64) < bound { next_up(up) } else { up };
        next_up(up)
    }
}

/// The smallest f32 above `x` (`f32::next_up`, stable only since Rust 1.86).
fn next_up(x: f32) -> f32 {
    match x {
        _ if x.is_nan() || x == f32::INFINITY => x,
        0.0 => f32::from_bits(1),
        _ if x > 0.0 => f32::from_bits(x.to_bits() + 1),
        _ => f32::from_bits(x.to_bits() - 1),
    }
}

/// The absolute error that underflow adds to a key over `d` features (a
/// product and a sum per feature, and the bias).
fn underflow(d: usize) -> f64 {
    (2 * d + 4) as f64 * UNDERFLOW
}

/// `Σ x²` in f64.
pub(crate) fn sq_norm(row: &[f32]) -> f64 {
    row.iter().map(|&v| v as f64 * v as f64).sum()
}

/// Sorts neighbours `(distance, row)` nearest first, ties by the lower row
/// (scikit-learn's order).
pub fn sort_nearest(found: &mut [(f64, u32)]) {
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn exact_distances() {
        let a = [1.0f32, 2.0, 2.0];
        let b = [0.0f32, 0.0, 0.0];
        assert_eq!(Metric::Euclidean.exact(&a, &b), 3.0);
        assert_eq!(Metric::Manhattan.exact(&a, &b), 5.0);
        assert_eq!(Metric::Cosine.exact(&a, &b), 1.0);
        assert!(Metric::Cosine.exact(&a, &a).abs() < 1e-15);
        assert!((Metric::Cosine.exact(&a, &[-1.0, -2.0, -2.0]) - 2.0).abs() < 1e-15);
    }

    #[test]
    fn names() {
        assert_eq!("cityblock".parse::<Metric>().unwrap(), Metric::Manhattan);
        assert!(matches!(
            "hamming".parse::<Metric>(),
            Err(Error::InvalidParameter { name: "metric", .. })
        ));
    }

    #[test]
    fn next_up_steps_one_ulp() {
        assert_eq!(next_up(1.0), 1.0 + f32::EPSILON);
        assert!(next_up(-1.0) > -1.0 && next_up(-1.0) < -0.99999);
        assert!(next_up(0.0) > 0.0);
        assert_eq!(next_up(f32::INFINITY), f32::INFINITY);
    }

    #[test]
    fn bounds_bracket_the_key() {
        for m in [Metric::Euclidean, Metric::Cosine, Metric::Manhattan] {
            let key = 0.25f32;
            let lower = m.lower_bound(key, 8, 1.0, 2.0);
            let upper = m.key_upper(lower, 8, 1.0, 2.0);
            assert!(upper > key, "{m:?}");
        }
    }
}
