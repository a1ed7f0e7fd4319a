//! Conversions of scalar arguments whose failures are typed errors naming the
//! argument (pyo3's own conversion errors are bare `TypeError`s, which the
//! native API never raises).

use pyo3::prelude::*;
use pyo3::types::PyBool;

use super::errors::to_pyerr;
use crate::error::Error;

/// `n_jobs` as scikit-learn takes it: an integer (not a bool, a float or a
/// string), range-checked later by [`crate::parallel::resolve_n_jobs`]. Use as
/// `#[pyo3(from_py_with = args::n_jobs)] n_jobs: i64`.
pub fn n_jobs(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    let integer = (!value.is_instance_of::<PyBool>())
        .then(|| value.extract::<i64>().ok())
        .flatten();
    integer.ok_or_else(|| {
        let shown = value
            .repr()
            .map_or_else(|_| "?".to_string(), |r| r.to_string());
        to_pyerr(
            value.py(),
            Error::InvalidType {
                name: "n_jobs",
                message: format!(
                    "must be an integer number of threads (-1 for all cores), got {shown}"
                ),
            },
        )
    })
}
