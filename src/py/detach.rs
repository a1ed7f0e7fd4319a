//! The one idiom for heavy core calls: release the GIL, catch any panic.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::{Error, Result};

/// Runs `work` without the GIL and turns a panic into [`Error::Internal`], so no
/// Rust panic ever reaches Python; the result's error becomes a typed
/// `tunelens.TunelensError`.
pub fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    py.detach(|| guarded(work)).map_err(|e| to_pyerr(py, e))
}

/// Runs `work`, turning a panic into [`Error::Internal`] (with the GIL held; for
/// cheap calls that still must not panic into Python).
pub fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(Error::Internal(what))
    })
}
