//! Catalog matching: music-aware key normalization and the catalog join.

pub mod normalize;
