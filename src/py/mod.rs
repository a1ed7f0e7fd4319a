//! PyO3 bindings: argument conversion, GIL release and error mapping only.
//!
//! Each file mirrors one core module (`audio.rs` ↔ `crate::audio`, ...). No
//! algorithm lives here.

mod args;
mod arrays;
mod audio;
mod beat;
mod catalog;
mod cluster;
mod convert;
mod decompose;
mod detach;
mod dsp;
mod errors;
mod explain;
mod features;
mod matching;
mod neighbors;
mod render;

use pyo3::prelude::*;

use errors::IntoPyResult;

/// Refuses argument `name` when the buffers it implies (`nbytes`) exceed half
/// the memory this process may use (`TooLargeError`): the Python layer's
/// checks share the core's one rule.
#[pyfunction]
fn affordable(py: Python<'_>, name: String, nbytes: f64) -> PyResult<()> {
    crate::error::affordable(name, nbytes).into_py_result(py)
}

/// The compiled core of tunelens (`tunelens._core`).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(affordable, m)?)?;
    audio::register(m)?;
    dsp::register(m)?;
    render::register(m)?;
    neighbors::register(m)?;
    cluster::register(m)?;
    decompose::register(m)?;
    features::register(m)?;
    explain::register(m)?;
    beat::register(m)?;
    catalog::register(m)?;
    matching::register(m)?;
    Ok(())
}
