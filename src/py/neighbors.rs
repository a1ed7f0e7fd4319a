//! Bindings for `crate::neighbors`: the `NeighborIndex` class.

use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::add_functions;
use super::arrays::{with_float_view, Table};
use super::convert::Keywords;
use super::detach;
use super::errors::IntoPyResult;
use crate::error::Error;
use crate::neighbors::search::check_finite;
use crate::neighbors::{Algorithm, Index, Metric, Plan, Scaler, ScalerKind, Search};

/// A fitted exact nearest-neighbour index (see `tunelens.NearestNeighbors`).
#[pyclass(name = "NeighborIndex", module = "tunelens._core", frozen)]
pub struct PyNeighborIndex {
    inner: Index,
    /// Number of indexed rows.
    #[pyo3(get)]
    n_samples: usize,
    /// Number of features.
    #[pyo3(get)]
    n_features: usize,
}

type Pairs<'py> = (
    Vec<Bound<'py, PyArray1<f64>>>,
    Vec<Bound<'py, PyArray1<i64>>>,
);
type Found<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray2<i64>>);
type Vectors<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

#[pymethods]
impl PyNeighborIndex {
    /// Scales, weights and packs the rows of `x` (and builds the kd-tree when
    /// the keyword `algorithm` calls for one; `"auto"` plans for the keyword
    /// `n_neighbors`; `leaf_size` sizes the tree's leaves).
    #[new]
    #[pyo3(signature = (x, *, metric="euclidean", scaler=None, weights=None, n_jobs=-1, **search))]
    fn new(
        py: Python<'_>,
        x: &Bound<'_, PyAny>,
        metric: &str,
        scaler: Option<&str>,
        weights: Option<Vec<f64>>,
        #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
        search: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let metric: Metric = metric.parse().into_py_result(py)?;
        let scaler = scaler_kind(py, scaler)?;
        let search: Search = Keywords::parse(search)?;
        let table = Table::extract(x, "X")?;
        let inner = with_float_view!(&table, |v| detach::run(py, || Index::fit(
            v, metric, scaler, weights, n_jobs
        )?
        .with_algorithm(
            search.algorithm,
            search.leaf_size,
            search.n_neighbors,
            n_jobs
        )))?;
        Ok(PyNeighborIndex {
            n_samples: inner.n_samples(),
            n_features: inner.n_features(),
            inner,
        })
    }

    /// `(distances, indices)` of the `n_neighbors` nearest rows of each query
    /// (each indexed row, itself excluded, when `x` is None; only the indexed
    /// rows `start .. stop` when `rows` is given).
    #[pyo3(signature = (x, n_neighbors, *, rows=None, n_jobs=-1))]
    fn kneighbors<'py>(
        &self,
        py: Python<'py>,
        x: Option<&Bound<'py, PyAny>>,
        n_neighbors: usize,
        rows: Option<(usize, usize)>,
        #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    ) -> PyResult<Found<'py>> {
        let found = match (x.map(|x| Table::extract(x, "X")).transpose()?, rows) {
            (Some(_), Some(_)) => {
                let err = Error::param("rows", "only with x=None (rows of the index)");
                return Err::<Found<'py>, _>(err).into_py_result(py);
            }
            (Some(table), None) => with_float_view!(&table, |v| detach::run(py, || self
                .inner
                .kneighbors(Some(v), n_neighbors, n_jobs)))?,
            (None, Some((start, stop))) => detach::run(py, || {
                self.inner.kneighbors_rows(start..stop, n_neighbors, n_jobs)
            })?,
            (None, None) => detach::run(py, || {
                self.inner.kneighbors::<f32>(None, n_neighbors, n_jobs)
            })?,
        };
        Ok((
            PyArray2::from_owned_array(py, found.distances),
            PyArray2::from_owned_array(py, found.indices),
        ))
    }

    /// Per query, the distances and indices of every row within `radius`,
    /// sorted by distance then index.
    #[pyo3(signature = (x, radius, *, n_jobs=-1))]
    fn radius_neighbors<'py>(
        &self,
        py: Python<'py>,
        x: Option<&Bound<'py, PyAny>>,
        radius: f64,
        #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    ) -> PyResult<Pairs<'py>> {
        let found = match x.map(|x| Table::extract(x, "X")).transpose()? {
            Some(table) => with_float_view!(&table, |v| detach::run(py, || self
                .inner
                .radius_neighbors(Some(v), radius, n_jobs)))?,
            None => detach::run(py, || {
                self.inner.radius_neighbors::<f32>(None, radius, n_jobs)
            })?,
        };
        Ok(found
            .into_iter()
            .map(|(d, i)| (PyArray1::from_vec(py, d), PyArray1::from_vec(py, i)))
            .unzip())
    }

    /// `"kd_tree"` or `"brute"`: the path of k-nearest queries for the
    /// `n_neighbors` given at construction.
    #[getter]
    fn fit_method(&self) -> &'static str {
        self.inner.fit_method()
    }

    /// The `"auto"` plan for all-pairs queries of `n_neighbors` (made now or
    /// earlier) as a dict, or None when the index is not `"auto"` with a tree.
    #[pyo3(signature = (n_neighbors, *, n_jobs=-1))]
    fn plan<'py>(
        &self,
        py: Python<'py>,
        n_neighbors: usize,
        #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        detach::run(py, || self.inner.plan(n_neighbors, n_jobs))?
            .map(|plan| plan_dict(py, &plan))
            .transpose()
    }

    /// The plan made at construction (see `plan`), or None.
    #[getter]
    fn fit_plan<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .fit_plan()
            .map(|plan| plan_dict(py, plan))
            .transpose()
    }

    /// The scaler's per-feature offset (subtracted first).
    #[getter]
    fn offset<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.scaler().offset.clone())
    }

    /// The scaler's per-feature divisor (never zero).
    #[getter]
    fn scale<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.scaler().scale.clone())
    }

    /// The per-feature weights applied after scaling.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.scaler().weights.clone())
    }
}

/// A plan's choice and counts as a dict (keys as in `neighbors::plan::Plan`).
fn plan_dict<'py>(py: Python<'py>, plan: &Plan) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("n_neighbors", plan.k)?;
    out.set_item("path", plan.path.name())?;
    out.set_item("sample", plan.sample)?;
    out.set_item("tree_queries", plan.tree_queries)?;
    out.set_item("tree_nodes", plan.tree_visits.nodes)?;
    out.set_item("tree_rows", plan.tree_visits.rows)?;
    out.set_item("tree_kept", plan.tree_visits.kept)?;
    out.set_item("brute_scans", plan.brute_work.map(|w| w.scans))?;
    out.set_item("brute_reranked", plan.brute_work.map(|w| w.reranked))?;
    out.set_item("tree_ns", plan.tree_ns)?;
    out.set_item("brute_ns", plan.brute_ns)?;
    Ok(out)
}

/// The scaler named `name` (`None` leaves the features as they are).
fn scaler_kind(py: Python<'_>, name: Option<&str>) -> PyResult<ScalerKind> {
    name.map_or(Ok(ScalerKind::None), |name| name.parse().into_py_result(py))
}

/// Fits a per-feature scaler (`"standard"`, `"robust"`, `"minmax"`, `"none"` or
/// `None`) with optional per-feature `weights`: `(offset, scale, weights)` with
/// scaled = (x - offset) / scale * weights.
#[pyfunction]
#[pyo3(signature = (x, kind=None, weights=None))]
fn fit_scaler<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    kind: Option<&str>,
    weights: Option<Vec<f64>>,
) -> PyResult<Vectors<'py>> {
    let kind = scaler_kind(py, kind)?;
    let table = Table::extract(x, "X")?;
    let scaler = with_float_view!(&table, |v| detach::run(py, || {
        check_finite(v, "X")?;
        Scaler::fit(kind, v).weighted(weights)
    }))?;
    Ok((
        PyArray1::from_vec(py, scaler.offset),
        PyArray1::from_vec(py, scaler.scale),
        PyArray1::from_vec(py, scaler.weights),
    ))
}

/// The rows of `x` scaled by a scaler `fit_scaler` returned:
/// (x - offset) / scale * weights, in float64.
#[pyfunction]
#[pyo3(signature = (x, offset, scale, weights=None))]
fn scale_rows<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    offset: Vec<f64>,
    scale: Vec<f64>,
    weights: Option<Vec<f64>>,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let table = Table::extract(x, "X")?;
    let scaled = with_float_view!(&table, |v| detach::run(py, || {
        Scaler::from_parts(offset, scale, weights)?.transform(v)
    }))?;
    Ok(scaled.into_pyarray(py))
}

/// Whether an index of `n_samples` rows and `n_features` features fitted
/// with `algorithm` (`"auto"`, `"brute"`, `"kd_tree"`) builds a kd-tree
/// (`"auto"` builds one to plan with, and may then not use it).
#[pyfunction]
fn builds_tree(
    py: Python<'_>,
    algorithm: &str,
    n_samples: usize,
    n_features: usize,
) -> PyResult<bool> {
    let algorithm: Algorithm = algorithm.parse().into_py_result(py)?;
    Ok(algorithm.builds_tree(n_samples, n_features))
}

/// Adds this module's classes and functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNeighborIndex>()?;
    add_functions!(m: builds_tree, fit_scaler, scale_rows);
    Ok(())
}
