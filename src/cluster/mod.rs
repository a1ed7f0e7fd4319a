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
