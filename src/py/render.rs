//! Bindings for `crate::render`.

use std::path::PathBuf;

use ndarray::{Array2, ArrayViewD, Ix1, Ix2};
use numpy::{IntoPyArray, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyList;

use super::arrays::{with_float_view, FloatArray};
use super::detach::run;
use crate::dsp::Float;
use crate::error::{Error, Result};
use crate::render::batch::{render_files, SpectrogramJob};
use crate::render::{image, png, Colormap, RgbImage};

fn colorize<T: Float>(
    values: ArrayViewD<'_, T>,
    cmap: &str,
    size: Option<(usize, usize)>,
) -> Result<RgbImage> {
    let view = values
        .into_dimensionality::<Ix2>()
        .map_err(|_| Error::param("S", "must be a 2-D (rows, frames) array"))?;
    cmap.parse::<Colormap>()?.render(view).resized(size)
}

/// Colours a 2-D array (row 0 at the bottom) and writes it as an RGB PNG.
#[pyfunction]
#[pyo3(signature = (values, path, *, cmap, size))]
fn render_png(
    py: Python<'_>,
    values: FloatArray<'_>,
    path: PathBuf,
    cmap: &str,
    size: Option<(usize, usize)>,
) -> PyResult<()> {
    with_float_view!(values, |view| run(py, || png::write_rgb(
        &path,
        &colorize(view, cmap, size)?
    )))
}

/// Colours a 2-D array, converts it to 8-bit luma and box-resizes it: `(height, width)` uint8.
#[pyfunction]
#[pyo3(signature = (values, *, cmap, size))]
fn render_gray<'py>(
    py: Python<'py>,
    values: FloatArray<'py>,
    cmap: &str,
    size: Option<(usize, usize)>,
) -> PyResult<Bound<'py, PyArray2<u8>>> {
    let gray = with_float_view!(values, |view| run(py, || colorize(view, cmap, None)?
        .to_gray()
        .resized(size)))?;
    let array = Array2::from_shape_vec((gray.height, gray.width), gray.data)
        .map_err(|e| super::errors::to_pyerr(py, Error::Internal(e.to_string())))?;
    Ok(array.into_pyarray(py))
}

fn waveform_typed<T: Float>(
    y: ArrayViewD<'_, T>,
    path: &PathBuf,
    size: (usize, usize),
    color: [u8; 3],
    scale: f64,
) -> Result<()> {
    let view = y
        .into_dimensionality::<Ix1>()
        .map_err(|_| Error::param("y", "must be mono (1-D)"))?;
    png::write_rgb(path, &image::waveform(view, size, color, T::of(scale))?)
}

/// Draws a waveform (min/max per pixel column) and writes it as an RGB PNG.
#[pyfunction]
#[pyo3(signature = (y, path, *, size, color, scale))]
fn waveform_png(
    py: Python<'_>,
    y: FloatArray<'_>,
    path: PathBuf,
    size: (usize, usize),
    color: (u8, u8, u8),
    scale: f64,
) -> PyResult<()> {
    let color = [color.0, color.1, color.2];
    with_float_view!(y, |view| run(py, || waveform_typed(
        view, &path, size, color, scale
    )))
}

/// Renders audio files to spectrogram PNGs in parallel: one `None` or exception per file, in order.
#[pyfunction]
#[pyo3(signature = (inputs, outputs, *, sr, duration, n_fft, hop_length, n_mels, db, cmap, size, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn render_spectrogram_files<'py>(
    py: Python<'py>,
    inputs: Vec<PathBuf>,
    outputs: Vec<PathBuf>,
    sr: u32,
    duration: Option<f64>,
    n_fft: usize,
    hop_length: usize,
    n_mels: usize,
    db: bool,
    cmap: &str,
    size: Option<(usize, usize)>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyList>> {
    let cmap = cmap
        .parse::<Colormap>()
        .map_err(|e| super::errors::to_pyerr(py, e))?;
    let job = SpectrogramJob {
        sr,
        duration,
        n_fft,
        hop_length,
        n_mels,
        db,
        cmap,
        size,
    };
    let results = run(py, || render_files(&inputs, &outputs, &job, n_jobs))?;
    let out = PyList::empty(py);
    for r in results {
        match r {
            Ok(()) => out.append(py.None())?,
            Err(e) => out.append(super::errors::to_pyerr(py, e).into_value(py))?,
        }
    }
    Ok(out)
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_png, m)?)?;
    m.add_function(wrap_pyfunction!(render_gray, m)?)?;
    m.add_function(wrap_pyfunction!(waveform_png, m)?)?;
    m.add_function(wrap_pyfunction!(render_spectrogram_files, m)?)?;
    Ok(())
}
