//! Exact nearest-neighbour search on scaled feature tables.
//!
//! - [`scale`]: per-feature scalers (standard, robust, min-max) fitted in f64,
//!   scikit-learn's formulas.
//! - [`metric`]: the distances (euclidean, cosine, manhattan), their exact f64
//!   form and the error bound of the fast f32 form.
//! - [`packed`]: the database stored in 16-row panels for the SIMD kernels.
//! - [`kernels`]: the f32 micro-kernels that score a few queries against a panel.
//! - [`topk`]: bounded per-query candidate heaps.
//! - [`search`]: [`Index`], the blocked brute-force search over query blocks ×
//!   database chunks (never an N×N matrix), with exact re-ranking.
//! - [`kdtree`]: [`KdTree`], the exact space-partitioning index `Index` uses
//!   for low-dimensional rows (same results as the brute force).
//! - [`plan`]: the `algorithm="auto"` planner, which picks the tree or the
//!   brute force by counting the work of both on a sample of the rows.

pub mod kdtree;
pub mod kernels;
pub mod metric;
pub mod packed;
pub mod plan;
pub mod scale;
pub mod search;
pub mod topk;

pub use kdtree::KdTree;
pub use metric::Metric;
pub use plan::{Path, Plan};
pub use scale::{Scaler, ScalerKind};
pub use search::{Algorithm, Index, Neighbors, Search};
