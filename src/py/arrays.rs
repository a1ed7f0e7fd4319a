//! numpy ⇄ core array conversion shared by the binding files.

use ndarray::{ArrayD, Dimension, Ix2, IxDyn};
use num_complex::Complex;
use numpy::{Element, IntoPyArray, PyReadonlyArray, PyReadonlyArrayDyn};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::dsp::nd::Shaped;
use crate::error::Error;

/// A read-only float32 or float64 numpy array of dimension `D` (any strides,
/// no copy), computed in its own float type.
pub enum Floats<'py, D: Dimension> {
    /// `float32` data.
    F32(PyReadonlyArray<'py, f32, D>),
    /// `float64` data.
    F64(PyReadonlyArray<'py, f64, D>),
}

/// A float32 or float64 numpy array of any shape.
pub type FloatArray<'py> = Floats<'py, IxDyn>;

/// A 2-D float32 or float64 numpy array (a table of rows).
pub type Table<'py> = Floats<'py, Ix2>;

impl<'py, D: Dimension> Floats<'py, D> {
    /// Borrows `ob` as a float32/float64 array of dimension `D`, or `None`.
    fn borrow(ob: &Bound<'py, PyAny>) -> Option<Self> {
        match ob.extract::<PyReadonlyArray<'py, f32, D>>() {
            Ok(a) => Some(Floats::F32(a)),
            Err(_) => ob.extract().ok().map(Floats::F64),
        }
    }

    /// Borrows `ob`, or raises `InvalidParameterError` naming `name`.
    pub fn extract(ob: &Bound<'py, PyAny>, name: &'static str) -> PyResult<Self> {
        Self::borrow(ob).ok_or_else(|| {
            let message = match D::NDIM {
                Some(n) => format!("must be a {n}-D float32 or float64 numpy array"),
                None => "must be a float32 or float64 numpy array".into(),
            };
            to_pyerr(ob.py(), Error::param(name, message))
        })
    }
}

/// As an argument: a `TypeError` (which pyo3 prefixes with the argument's
/// name) for anything else.
impl<'a, 'py, D: Dimension> FromPyObject<'a, 'py> for Floats<'py, D> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Self::borrow(&obj)
            .ok_or_else(|| PyTypeError::new_err("must be a float32 or float64 numpy array"))
    }
}

/// A numpy array as a binding returns it.
pub type Array<'py> = Bound<'py, PyAny>;

/// Two numpy arrays (harmonic and percussive parts).
pub type Pair<'py> = (Array<'py>, Array<'py>);

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

/// A core result as Python receives it: each [`Shaped`] array moved into
/// numpy ([`shaped`]), other values as they are.
pub trait IntoNumpy<'py> {
    /// The Python value.
    type Output;
    /// Converts, without copying the arrays.
    fn into_numpy(self, py: Python<'py>) -> PyResult<Self::Output>;
}

impl<'py, T: Element> IntoNumpy<'py> for Shaped<T> {
    type Output = Bound<'py, PyAny>;
    fn into_numpy(self, py: Python<'py>) -> PyResult<Self::Output> {
        shaped(py, self)
    }
}

/// A vector, as a 1-D array.
impl<'py, T: Element> IntoNumpy<'py> for Vec<T> {
    type Output = Array<'py>;
    fn into_numpy(self, py: Python<'py>) -> PyResult<Self::Output> {
        Ok(numpy::PyArray1::from_vec(py, self).into_any())
    }
}

/// Two arrays (harmonic and percussive parts).
impl<'py, T: Element> IntoNumpy<'py> for (Shaped<T>, Shaped<T>) {
    type Output = Pair<'py>;
    fn into_numpy(self, py: Python<'py>) -> PyResult<Self::Output> {
        Ok((shaped(py, self.0)?, shaped(py, self.1)?))
    }
}

/// An array and a number (a chromagram and its tuning).
impl<'py, T: Element> IntoNumpy<'py> for (Shaped<T>, Option<f64>) {
    type Output = (Bound<'py, PyAny>, Option<f64>);
    fn into_numpy(self, py: Python<'py>) -> PyResult<Self::Output> {
        Ok((shaped(py, self.0)?, self.1))
    }
}

/// Evaluates `$body` with `$view` bound to the array view of a [`Floats`]
/// (any dimension), in its own float type (the body is compiled once per type).
macro_rules! with_float_view {
    ($array:expr, |$view:ident| $body:expr) => {
        match $array {
            $crate::py::arrays::Floats::F32(array) => {
                let $view = array.as_array();
                $body
            }
            $crate::py::arrays::Floats::F64(array) => {
                let $view = array.as_array();
                $body
            }
        }
    };
}
pub(crate) use with_float_view;

/// The one call of most array functions: `$body` (a core call) on the view
/// of a [`Floats`] without the GIL ([`run`](super::detach::run)), its result
/// moved into numpy ([`IntoNumpy`]).
macro_rules! shaped_call {
    ($py:expr, $array:expr, |$view:ident| $body:expr) => {
        $crate::py::arrays::with_float_view!($array, |$view| $crate::py::detach::run($py, || {
            $body
        })
        .and_then(|out| $crate::py::arrays::IntoNumpy::into_numpy(out, $py)))
    };
}
pub(crate) use shaped_call;

/// Defines the binding `$name($array, *, n_jobs, **options)` (or, without
/// `$n_jobs`, `$name($array, **options)`) of a core function of one float
/// array: the keywords are read into `$params` (a core parameter value,
/// [`Keywords::parse`](super::convert::Keywords::parse)), and `$body` runs as
/// in [`shaped_call!`]. `$out` is the Python result's type (`Array`, `Pair` ...).
macro_rules! array_function {
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($array:ident, $params:ident: $ty:ty) -> $out:ident = |$view:ident| $body:expr
    ) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = ($array, **options))]
        fn $name<'py>(
            py: Python<'py>,
            $array: $crate::py::arrays::FloatArray<'py>,
            options: Option<&Bound<'py, pyo3::types::PyDict>>,
        ) -> PyResult<$out<'py>> {
            let $params: $ty = $crate::py::convert::Keywords::parse(options)?;
            $crate::py::arrays::shaped_call!(py, $array, |$view| $body)
        }
    };
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($array:ident, $n_jobs:ident, $params:ident: $ty:ty) -> $out:ident
            = |$view:ident| $body:expr
    ) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = ($array, *, $n_jobs, **options))]
        fn $name<'py>(
            py: Python<'py>,
            $array: $crate::py::arrays::FloatArray<'py>,
            #[pyo3(from_py_with = $crate::py::args::n_jobs)] $n_jobs: i64,
            options: Option<&Bound<'py, pyo3::types::PyDict>>,
        ) -> PyResult<$out<'py>> {
            let $params: $ty = $crate::py::convert::Keywords::parse(options)?;
            $crate::py::arrays::shaped_call!(py, $array, |$view| $body)
        }
    };
}
pub(crate) use array_function;
