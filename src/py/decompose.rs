//! Bindings for `crate::decompose`.

use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;

use super::add_functions;
use super::arrays::{with_float_view, Table};
use super::detach;
use crate::decompose::Pca;

type PcaResult<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// PCA of the rows of `x`: `(mean, components, explained_variance)` for all
/// components, in order of decreasing variance.
#[pyfunction]
#[pyo3(signature = (x, *, n_jobs=-1))]
fn pca_fit<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, n_jobs: i64) -> PyResult<PcaResult<'py>> {
    let table = Table::extract(x, "X")?;
    let fit = with_float_view!(&table, |v| detach::run(py, || Pca::fit(v, n_jobs)))?;
    let d = fit.mean.len();
    let rows = fit.components.len() / d;
    let components = PyArray1::from_vec(py, fit.components).reshape([rows, d])?;
    Ok((
        PyArray1::from_vec(py, fit.mean),
        components,
        PyArray1::from_vec(py, fit.explained_variance),
    ))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: pca_fit);
    Ok(())
}
