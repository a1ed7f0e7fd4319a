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
mod sequences;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use errors::IntoPyResult;

/// Adds `#[pyfunction]`s to module `$m`: `add_functions!(m: load, stream)`.
macro_rules! add_functions {
    ($m:ident: $($f:ident),+ $(,)?) => {
        $($m.add_function(pyo3::wrap_pyfunction!($f, $m)?)?;)+
    };
}
use add_functions;

/// Refuses argument `name` when the buffers it implies (`nbytes`) exceed half
/// the memory this process may use (`TooLargeError`): the Python layer's
/// checks share the core's one rule.
#[pyfunction]
fn affordable(py: Python<'_>, name: String, nbytes: f64) -> PyResult<()> {
    crate::error::affordable(name, nbytes).into_py_result(py)
}

/// `OPTION_NAMES`: each option enum's names (canonical, in the core's order),
/// keyed `"<area>.<Enum>"` (`"neighbors.Metric"`), from `src/options.toml`.
fn option_names<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let table = PyDict::new(py);
    for (key, names) in crate::options::NAMES {
        table.set_item(key, PyTuple::new(py, *names)?)?;
    }
    Ok(table)
}

/// The compiled core of tunelens (`tunelens._core`).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("OPTION_NAMES", option_names(m.py())?)?;
    add_functions!(m: affordable);
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

/// An embedded interpreter for the bindings' `cargo test`s.
#[cfg(test)]
mod testing {
    use pyo3::prelude::*;
    use pyo3::types::PyModule;

    /// Runs `f` with the GIL, `tunelens.exceptions` importable from this
    /// checkout's `python/` without the package's `__init__` (which needs the
    /// compiled extension).
    pub fn with_python<R>(f: impl FnOnce(Python<'_>) -> R) -> R {
        Python::initialize();
        Python::attach(|py| {
            let package = PyModule::new(py, "tunelens").unwrap();
            let path = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/python/tunelens")];
            package.setattr("__path__", path).unwrap();
            let modules = py.import("sys").unwrap().getattr("modules").unwrap();
            if !modules.contains("tunelens").unwrap() {
                modules.set_item("tunelens", &package).unwrap();
            }
            f(py)
        })
    }

    /// The class `tunelens.exceptions.<name>`.
    pub fn exception<'py>(py: Python<'py>, name: &str) -> Bound<'py, PyAny> {
        py.import("tunelens.exceptions")
            .and_then(|m| m.getattr(name))
            .unwrap()
    }
}
