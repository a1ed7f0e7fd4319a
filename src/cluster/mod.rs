//! Clustering of feature tables and cluster-quality scores.
//!
//! - [`kmeans`]: Lloyd's k-means with greedy k-means++ seeding (scikit-learn's
//!   algorithm, tolerance and empty-cluster handling).
//! - [`distances`]: SIMD squared distances from rows to a few points.
//! - [`scores`]: silhouette and Davies-Bouldin scores.
//! - [`rng`]: the seeded random generator behind `random_state`.

pub mod distances;
pub mod kmeans;
pub mod rng;
pub mod scores;

pub use kmeans::{KMeans, KMeansFit};

use ndarray::ArrayView2;
use num_traits::AsPrimitive;

/// The values of `x` as one row-major f64 buffer (any input strides).
pub(crate) fn row_major<T: AsPrimitive<f64>>(x: ArrayView2<'_, T>) -> Vec<f64> {
    x.iter().map(|v| v.as_()).collect()
}
