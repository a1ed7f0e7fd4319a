//! Bindings for `crate::explain`: the factorization object, band sources,
//! mask sampling and lime's surrogate.

use std::sync::Arc;

use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyReadwriteArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::add_functions;
use super::arrays::{to_numpy, Array};
use super::convert::{Keywords, Wrap};
use super::detach::run;
use super::errors::{to_pyerr, IntoPyResult};
use crate::error::Error;
use crate::explain::bands::BandSplit;
use crate::explain::sampling::sample_masks as draw_masks;
use crate::explain::surrogate::{self, Distance, Masks, Selection, SurrogateParams};
use crate::explain::Factorization as CoreFactorization;

/// A 2-D uint8 mask array as a contiguous row-major vector and its column count.
fn mask_rows(masks: &PyReadonlyArray2<'_, u8>) -> (Vec<u8>, usize) {
    let view = masks.as_array();
    let cols = view.ncols();
    (
        view.as_standard_layout()
            .into_owned()
            .into_raw_vec_and_offset()
            .0,
        cols,
    )
}

/// Components of one float32 signal: `sources` split at sample `boundaries`.
#[pyclass(name = "Factorization", module = "tunelens._core", frozen)]
pub struct PyFactorization {
    inner: Arc<CoreFactorization>,
    /// Number of components.
    #[pyo3(get)]
    n_components: usize,
    /// Samples per clip.
    #[pyo3(get)]
    length: usize,
}

#[pymethods]
impl PyFactorization {
    #[new]
    #[pyo3(signature = (y, sources, boundaries))]
    fn new(
        py: Python<'_>,
        y: PyReadonlyArray1<'_, f32>,
        sources: Vec<PyReadonlyArray1<'_, f32>>,
        boundaries: Vec<usize>,
    ) -> PyResult<Self> {
        let input = y.as_array().to_vec();
        let sources: Vec<Vec<f32>> = sources.iter().map(|s| s.as_array().to_vec()).collect();
        let inner = run(py, || CoreFactorization::new(input, sources, &boundaries))?;
        Ok(PyFactorization {
            n_components: inner.n_components(),
            length: inner.len(),
            inner: Arc::new(inner),
        })
    }

    /// Bytes of signal held in Rust (input, sources, residual, cached segment sums).
    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.nbytes()
    }

    /// `(source, start, end)` of each component.
    fn spans(&self) -> Vec<(usize, usize, usize)> {
        self.inner
            .spans()
            .iter()
            .map(|s| (s.source, s.start, s.end))
            .collect()
    }

    /// What the components leave out of the input.
    fn residual<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        PyArray1::from_vec(py, self.inner.residual())
    }

    /// Composes one clip per mask row into the rows of `out` (`(rows, length)`
    /// float32, C-contiguous), in parallel without the GIL. With `previous`
    /// (masks of the clips `out` holds now), only changed segments are rewritten.
    #[pyo3(signature = (masks, out, *, with_residual, n_jobs, previous=None))]
    fn compose_into(
        &self,
        py: Python<'_>,
        masks: PyReadonlyArray2<'_, u8>,
        mut out: PyReadwriteArray2<'_, f32>,
        with_residual: bool,
        #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
        previous: Option<PyReadonlyArray2<'_, u8>>,
    ) -> PyResult<()> {
        let (rows, cols) = mask_rows(&masks);
        let previous = previous.map(|p| mask_rows(&p).0);
        let shape = out.as_array().dim();
        let out = out
            .as_slice_mut()
            .map_err(|_| to_pyerr(py, Error::param("out", "must be C-contiguous")))?;
        let masks = Masks {
            data: &rows,
            n_features: cols,
        };
        let inner = &self.inner;
        run(py, move || {
            inner.compose_table(
                masks,
                previous.as_deref(),
                with_residual,
                (out, shape),
                n_jobs,
            )
        })
    }
}

/// Band edges in Hz and one float32 signal per band.
type Bands<'py> = (Vec<f64>, Vec<Bound<'py, PyArray1<f32>>>);

/// `n_bands` band signals of `y` and the band edges in Hz, with the keywords
/// `sr, n_bands, scale, n_fft, hop_length`.
#[pyfunction]
#[pyo3(signature = (y, *, n_jobs, **options))]
fn frequency_bands<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<'py, f32>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bands<'py>> {
    let split: BandSplit = Keywords::parse(options)?;
    let view = y.as_array();
    let (edges, bands) = run(py, || split.sources(&view.to_vec(), n_jobs))?;
    Ok((
        edges,
        bands
            .into_iter()
            .map(|b| PyArray1::from_vec(py, b))
            .collect(),
    ))
}

/// `shape = (n_samples, n_components)` uint8 masks from `seed`; the first row all ones.
#[pyfunction]
#[pyo3(signature = (shape, *, seed))]
fn sample_masks(py: Python<'_>, shape: (usize, usize), seed: u64) -> PyResult<Array<'_>> {
    let (n_samples, n_components) = shape;
    let masks = draw_masks(n_samples, n_components, seed);
    to_numpy(py, masks, &[n_samples], &[n_components])
}

/// Kernel weight of each mask row (distance to the first row through audioLIME's kernel).
#[pyfunction]
#[pyo3(signature = (masks, *, kernel_width, distance))]
fn kernel_weights<'py>(
    py: Python<'py>,
    masks: PyReadonlyArray2<'py, u8>,
    kernel_width: f64,
    distance: Wrap<Distance>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (rows, cols) = mask_rows(&masks);
    let masks = Masks {
        data: &rows,
        n_features: cols,
    };
    let w = run(py, || {
        surrogate::kernel_weights(masks, kernel_width, distance.0)
    })?;
    Ok(PyArray1::from_vec(py, w))
}

/// One fitted surrogate: (features, coefficients, intercept, score, local_pred).
type SurrogateTuple = (Vec<usize>, Vec<f64>, f64, f64, f64);

/// lime's surrogate for each column of `targets` (`(n_samples, n_targets)`
/// float64), plus the kernel weights of the perturbations, with the keywords
/// `kernel_width, distance, alpha, num_features, feature_selection` (not
/// parsed when `selected` gives each target's features).
#[pyfunction]
#[pyo3(signature = (masks, targets, *, selected=None, **options))]
fn lime_surrogate<'py>(
    py: Python<'py>,
    masks: PyReadonlyArray2<'py, u8>,
    targets: PyReadonlyArray2<'py, f64>,
    selected: Option<Vec<Vec<usize>>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyArray1<f64>>, Vec<SurrogateTuple>)> {
    let mut keywords = Keywords::new(options);
    let selection: String = keywords.get("feature_selection")?;
    let params = SurrogateParams {
        kernel_width: keywords.get("kernel_width")?,
        distance: keywords.get("distance")?,
        alpha: keywords.get("alpha")?,
        num_features: keywords.get("num_features")?,
        selection: Selection::named(&selection, selected.is_some()).into_py_result(py)?,
    };
    keywords.finish()?;
    let (rows, cols) = mask_rows(&masks);
    let n_targets = targets.as_array().ncols();
    let values = targets
        .as_array()
        .as_standard_layout()
        .into_owned()
        .into_raw_vec_and_offset()
        .0;
    let (weights, fits) = run(py, move || {
        let m = Masks {
            data: &rows,
            n_features: cols,
        };
        surrogate::explain_targets(m, &values, n_targets, &params, selected)
    })?;
    let fits = fits
        .into_iter()
        .map(|s| {
            (
                s.model.features,
                s.model.coef,
                s.model.intercept,
                s.score,
                s.local_pred,
            )
        })
        .collect();
    Ok((PyArray1::from_vec(py, weights), fits))
}

/// Adds this module's classes and functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFactorization>()?;
    add_functions!(m: frequency_bands, sample_masks, lime_surrogate, kernel_weights);
    Ok(())
}
