//! Linear decompositions of feature tables.
//!
//! - [`eigen`]: symmetric eigendecomposition (faer's, f64).
//! - [`pca`]: principal component analysis via the covariance matrix, with
//!   scikit-learn's conventions (variance with `n - 1`, sign flip).

pub mod eigen;
pub mod pca;

pub use pca::{Pca, PcaFit};
