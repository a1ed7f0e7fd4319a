//! PyO3 bindings: argument conversion, GIL release and error mapping only.
//!
//! Each file mirrors one core module (`audio.rs` ↔ `crate::audio`, ...). No
//! algorithm lives here.

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

/// Raises a Rust panic inside a guarded call: lets the test suite prove that a
/// panic surfaces as `tunelens.TunelensInternalError`, never as a crash.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    detach::run(py, move || -> crate::error::Result<()> {
        // cannot fail: (deliberately panics) the panic under test, caught by detach::run
        panic!("{message}")
    })
}

/// The compiled core of tunelens (`tunelens._core`).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
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
