//! Bindings for `crate::cluster`.

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::add_functions;
use super::arrays::{with_float_view, Table};
use super::convert::Keywords;
use super::detach;
use super::errors::IntoPyResult;
use crate::cluster::kmeans::Init;
use crate::cluster::{kmeans, scores, KMeans};
use crate::error::Error;

type KMeansResult<'py> = (
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<i64>>,
    f64,
    usize,
);
type Assignment<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f64>>);

/// k-means on the rows of `x`: `(centers, labels, inertia, n_iter)` of the
/// best run, with the keywords `n_init, max_iter, tol, seed`.
#[pyfunction]
#[pyo3(signature = (x, n_clusters, *, init="k-means++", centers=None, n_jobs=-1, **options))]
fn kmeans_fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    n_clusters: usize,
    init: &str,
    centers: Option<PyReadonlyArray2<'py, f64>>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<KMeansResult<'py>> {
    let table = Table::extract(x, "X")?;
    let centers = centers.map(|c| c.as_array().iter().copied().collect());
    let mut keywords = Keywords::new(options);
    let km = KMeans {
        init: Init::choose(init, centers).into_py_result(py)?,
        n_clusters,
        n_init: keywords.get("n_init")?,
        max_iter: keywords.get("max_iter")?,
        tol: keywords.get("tol")?,
        seed: keywords.get("seed")?,
    };
    keywords.finish()?;
    let fit = with_float_view!(&table, |v| detach::run(py, || km.fit(v, n_jobs)))?;
    let d = fit.centers.len() / n_clusters;
    let centers = PyArray1::from_vec(py, fit.centers).reshape([n_clusters, d])?;
    Ok((
        centers,
        PyArray1::from_vec(py, fit.labels),
        fit.inertia,
        fit.n_iter,
    ))
}

/// Nearest centre of each row and its squared distance.
#[pyfunction]
#[pyo3(signature = (x, centers, *, n_jobs=-1))]
fn kmeans_assign<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    centers: PyReadonlyArray2<'py, f64>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Assignment<'py>> {
    let table = Table::extract(x, "X")?;
    let centers = centers.as_array();
    let (labels, dist) = with_float_view!(&table, |v| detach::run(py, || kmeans::predict(
        v, centers, n_jobs
    )))?;
    Ok((PyArray1::from_vec(py, labels), PyArray1::from_vec(py, dist)))
}

/// Mean silhouette coefficient under a scikit-learn metric name.
#[pyfunction]
#[pyo3(signature = (x, labels, *, metric="euclidean", n_jobs=-1))]
fn silhouette_score(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    labels: PyReadonlyArray1<'_, i64>,
    metric: &str,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<f64> {
    let metric: scores::Metric = metric.parse().into_py_result(py)?;
    let table = Table::extract(x, "X")?;
    let labels = labels
        .as_slice()
        .map_err(|e| Error::param("labels", e.to_string()))
        .map(<[i64]>::to_vec);
    with_float_view!(&table, |v| detach::run(py, || scores::silhouette_score(
        v, &labels?, metric, n_jobs
    )))
}

/// Davies-Bouldin index (euclidean).
#[pyfunction]
fn davies_bouldin_score(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    labels: PyReadonlyArray1<'_, i64>,
) -> PyResult<f64> {
    let table = Table::extract(x, "X")?;
    let labels = labels
        .as_slice()
        .map_err(|e| Error::param("labels", e.to_string()))
        .map(<[i64]>::to_vec);
    with_float_view!(&table, |v| detach::run(
        py,
        || scores::davies_bouldin_score(v, &labels?)
    ))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: kmeans_fit, kmeans_assign, silhouette_score, davies_bouldin_score);
    Ok(())
}
