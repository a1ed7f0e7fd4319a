//! numpy ⇄ core array conversion shared by the binding files.

use ndarray::{ArrayD, IxDyn};
use num_complex::Complex;
use numpy::{Element, IntoPyArray, PyReadonlyArray2, PyReadonlyArrayDyn};

use super::errors::to_pyerr;
use pyo3::prelude::*;

use crate::dsp::nd::Shaped;
use crate::error::Error;

/// A float32 or float64 numpy array of any shape and strides.
#[derive(FromPyObject)]
pub enum FloatArray<'py> {
    /// float32 input: computed in float32.
    F32(PyReadonlyArrayDyn<'py, f32>),
    /// float64 input: computed in float64.
    F64(PyReadonlyArrayDyn<'py, f64>),
}

/// A complex64 or complex128 numpy array of any shape and strides.
#[derive(FromPyObject)]
pub enum ComplexArray<'py> {
    /// complex64 input.
    C64(PyReadonlyArrayDyn<'py, Complex<f32>>),
    /// complex128 input.
    C128(PyReadonlyArrayDyn<'py, Complex<f64>>),
}

/// Moves `data` into a new numpy array of shape `lead + tail` without copying.
pub fn to_numpy<'py, T: Element>(
    py: Python<'py>,
    data: Vec<T>,
    lead: &[usize],
    tail: &[usize],
) -> PyResult<Bound<'py, PyAny>> {
    let shape: Vec<usize> = lead.iter().chain(tail).copied().collect();
    let array = ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("internal shape error: {e}"))
    })?;
    Ok(array.into_pyarray(py).into_any())
}

/// Moves a core result into a new numpy array of its shape without copying.
pub fn shaped<T: Element>(py: Python<'_>, out: Shaped<T>) -> PyResult<Bound<'_, PyAny>> {
    to_numpy(py, out.data, &out.shape, &[])
}

/// Evaluates `$body` with `$view` bound to the `ArrayViewD` of a [`FloatArray`],
/// in its own float type (the body is compiled once per type).
macro_rules! with_float_view {
    ($array:expr, |$view:ident| $body:expr) => {
        match $array {
            $crate::py::arrays::FloatArray::F32(array) => {
                let $view = array.as_array();
                $body
            }
            $crate::py::arrays::FloatArray::F64(array) => {
                let $view = array.as_array();
                $body
            }
        }
    };
}
pub(crate) use with_float_view;

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
        Err(to_pyerr(
            ob.py(),
            Error::param(name, "must be a 2-D float32 or float64 numpy array"),
        ))
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
