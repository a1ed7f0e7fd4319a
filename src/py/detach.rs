//! The one idiom for heavy core calls: release the GIL, catch any panic.

use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::{catch_panic, Result};

/// Runs `work` without the GIL and turns a panic into `Error::Internal`, so no
/// Rust panic ever reaches Python; the result's error becomes a typed
/// `tunelens.TunelensError`.
pub fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    py.detach(|| catch_panic(work)).map_err(|e| to_pyerr(py, e))
}
