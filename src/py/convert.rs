//! One conversion point for option strings (polars' `Wrap<T>`): an argument
//! typed `Wrap<T>` is parsed by the core's own `FromStr`, so bindings never
//! parse strings by hand and a bad value raises the core's typed error.

use std::str::FromStr;

use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::Error;

/// A core value parsed from a Python `str` argument.
pub struct Wrap<T>(pub T);

impl<'a, 'py, T: FromStr<Err = Error>> FromPyObject<'a, 'py> for Wrap<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let text: String = obj.extract()?;
        text.parse().map(Wrap).map_err(|e| to_pyerr(obj.py(), e))
    }
}
