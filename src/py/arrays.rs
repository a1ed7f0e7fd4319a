//! numpy ⇄ core array conversion shared by the binding files.

use numpy::PyReadonlyArray2;
use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::Error;

/// A read-only 2-D float32 or float64 numpy array (any strides, no copy).
pub enum Table<'py> {
    /// `float32` data.
    F32(PyReadonlyArray2<'py, f32>),
    /// `float64` data.
    F64(PyReadonlyArray2<'py, f64>),
}

impl<'py> Table<'py> {
    /// Borrows `ob` as a 2-D float32/float64 array, or raises
    /// `InvalidParameterError` naming `name`.
    pub fn extract(ob: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Self> {
        if let Ok(a) = ob.extract::<PyReadonlyArray2<'py, f32>>() {
            return Ok(Table::F32(a));
        }
        if let Ok(a) = ob.extract::<PyReadonlyArray2<'py, f64>>() {
            return Ok(Table::F64(a));
        }
        Err(to_pyerr(ob.py(), Error::param(name, "must be a 2-D float32 or float64 numpy array")))
    }
}

/// Evaluates `$body` with `$view` bound to the `ArrayView2` of a [`Table`],
/// whatever its element type.
macro_rules! with_view {
    ($table:expr, |$view:ident| $body:expr) => {
        match $table {
            $crate::py::arrays::Table::F32(a) => {
                let $view = a.as_array();
                $body
            }
            $crate::py::arrays::Table::F64(a) => {
                let $view = a.as_array();
                $body
            }
        }
    };
}
pub(crate) use with_view;
