//! The one idiom for heavy core calls: release the GIL, run on tunelens's own
//! thread pool, catch any panic.

use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::{catch_panic, Result};
use crate::parallel;

/// Runs `work` without the GIL, inside tunelens's fork-safe thread pool (so no
/// rayon code reached from a binding ever touches rayon's global pool; an inner
/// `parallel::install(n_jobs, ..)` still picks the requested size), and turns a
/// panic into `Error::Internal`: no Rust panic ever reaches Python, and the
/// result's error becomes a typed `tunelens.TunelensError`.
pub fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    py.detach(|| parallel::install(-1, || catch_panic(work)).and_then(|r| r))
        .map_err(|e| to_pyerr(py, e))
}
