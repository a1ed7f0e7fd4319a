//! Bindings for `crate::render`.

use std::path::PathBuf;

use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::add_functions;
use super::arrays::{with_float_view, FloatArray};
use super::convert::{Keywords, Wrap};
use super::detach::run;
use super::errors::each_or_error;
use crate::render::batch::{render_files, SpectrogramJob};
use crate::render::{colorize, png, write_waveform, Colormap, WaveformStyle};

/// Colours a 2-D array (row 0 at the bottom) and writes it as an RGB PNG.
#[pyfunction]
#[pyo3(signature = (values, path, *, cmap, size))]
fn render_png(
    py: Python<'_>,
    values: FloatArray<'_>,
    path: PathBuf,
    cmap: Wrap<Colormap>,
    size: Option<(usize, usize)>,
) -> PyResult<()> {
    with_float_view!(values, |view| run(py, || png::write_rgb(
        &path,
        &colorize(&view, cmap.0, size)?
    )))
}

/// Colours a 2-D array, converts it to 8-bit luma and box-resizes it: `(height, width)` uint8.
#[pyfunction]
#[pyo3(signature = (values, *, cmap, size))]
fn render_gray<'py>(
    py: Python<'py>,
    values: FloatArray<'py>,
    cmap: Wrap<Colormap>,
    size: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyArray2<u8>>> {
    let gray = with_float_view!(values, |view| run(py, || colorize(&view, cmap.0, None)?
        .to_gray()
        .resized(size)))?;
    PyArray1::from_vec(py, gray.data).reshape([gray.height, gray.width])
}

/// Draws a waveform (min/max per pixel column) and writes it as an RGB PNG,
/// with the keywords `size, color, scale`.
#[pyfunction]
#[pyo3(signature = (y, path, **style))]
fn waveform_png(
    py: Python<'_>,
    y: FloatArray<'_>,
    path: PathBuf,
    style: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let style: WaveformStyle = Keywords::parse(style)?;
    with_float_view!(y, |view| run(py, || write_waveform(&view, &path, &style)))
}

/// Renders audio files to spectrogram PNGs in parallel: one `None` or
/// exception per file, in order. Keywords: `sr, duration, n_fft, hop_length,
/// n_mels, db, cmap, size`.
#[pyfunction]
#[pyo3(signature = (inputs, outputs, *, n_jobs, **options))]
fn render_spectrogram_files<'py>(
    py: Python<'py>,
    inputs: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let job: SpectrogramJob = Keywords::parse(options)?;
    let results = run(py, || render_files(&inputs, &outputs, &job, n_jobs))?;
    each_or_error(py, results, |()| Ok(py.None().into_bound(py)))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: render_png, render_gray, waveform_png, render_spectrogram_files);
    Ok(())
}
