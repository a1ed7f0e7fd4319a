//! Bindings for `crate::dsp`.

use pyo3::prelude::*;

/// Adds this module's functions to `tunelens._core`.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
