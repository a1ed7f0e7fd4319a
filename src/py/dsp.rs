//! Bindings for `crate::dsp`. Spectrogram-valued functions return time-major
//! arrays `(..., frames, bins)`; the Python layer swaps the last two axes into
//! librosa's `(..., bins, frames)` view without copying.

use ndarray::ArrayView1;
use num_complex::Complex;
use numpy::{Element, IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::arrays::{shaped, to_numpy, with_float_view, ComplexArray, FloatArray};
use super::convert::{Items, Keywords};
use super::detach::run;
use super::errors::to_pyerr;
use crate::dsp::db::{self, DbParams, Scale};
use crate::dsp::istft::{istft_of, IstftSpec};
use crate::dsp::mel::{self, MelBasis, MelSpec};
use crate::dsp::{spectrogram, stft as stft_mod, Float, StftSpec};

/// Complex STFT, `(..., frames, 1 + n_fft/2)`.
#[pyfunction]
#[pyo3(signature = (y, *, stft, n_jobs))]
fn stft<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    stft: Items<StftSpec>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(y, |view| run(py, || stft_mod::stft_of(
        &view, &stft.0, n_jobs
    ))
    .and_then(|out| shaped(py, out)))
}

/// Mel spectrogram from audio, `(..., frames, n_mels)`.
#[pyfunction]
#[pyo3(signature = (y, *, stft, mel, power, n_jobs))]
fn melspectrogram<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    stft: Items<StftSpec>,
    mel: Items<MelSpec>,
    power: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(y, |view| run(py, || spectrogram::mel_of_signal(
        &view, &stft.0, &mel.0, power, n_jobs
    ))
    .and_then(|out| shaped(py, out)))
}

/// Mel spectrogram from a precomputed `(..., bins, frames)` spectrogram, `(..., frames, n_mels)`.
#[pyfunction]
#[pyo3(signature = (s, *, mel, n_jobs))]
fn mel_apply<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    mel: Items<MelSpec>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(s, |view| run(py, || spectrogram::mel_of_spectrogram(
        &view, &mel.0, n_jobs
    ))
    .and_then(|out| shaped(py, out)))
}

/// Mel filter bank `(n_mels, 1 + n_fft/2)` as float32, and whether a band is empty.
#[pyfunction]
#[pyo3(signature = (*, mel, n_fft))]
fn mel_filters<'py>(
    py: Python<'py>,
    mel: Items<MelSpec>,
    n_fft: usize,
) -> PyResult<(Bound<'py, PyAny>, bool)> {
    let basis = run(py, || MelBasis::new(&mel.0.params(n_fft)))?;
    let empty = basis.has_empty_filters;
    Ok((
        to_numpy(py, basis.weights, &[], &[basis.n_mels, basis.n_bins])?,
        empty,
    ))
}

/// `librosa.mel_frequencies`.
#[pyfunction]
#[pyo3(signature = (*, n_mels, fmin, fmax, htk))]
fn mel_frequencies<'py>(
    py: Python<'py>,
    n_mels: usize,
    fmin: f64,
    fmax: f64,
    htk: bool,
) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, mel::mel_frequencies(n_mels, fmin, fmax, htk))
}

/// `librosa.fft_frequencies`.
#[pyfunction]
#[pyo3(signature = (*, sr, n_fft))]
fn fft_frequencies<'py>(py: Python<'py>, sr: f64, n_fft: usize) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, mel::fft_frequencies(sr, n_fft))
}

/// Element-wise Hz -> mel (`to_mel=True`) or mel -> Hz on a float64 array.
#[pyfunction]
#[pyo3(signature = (values, *, to_mel, htk))]
fn convert_mel<'py>(
    py: Python<'py>,
    values: PyReadonlyArrayDyn<'py, f64>,
    to_mel: bool,
    htk: bool,
) -> Bound<'py, PyAny> {
    let f = if to_mel {
        mel::hz_to_mel
    } else {
        mel::mel_to_hz
    };
    values
        .as_array()
        .mapv(|v| f(v, htk))
        .into_pyarray(py)
        .into_any()
}

fn istft_typed<'py, T>(
    py: Python<'py>,
    s: PyReadonlyArrayDyn<'py, Complex<T>>,
    spec: &IstftSpec,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Float + Element,
    Complex<T>: Element,
{
    let view = s.as_array();
    let out = run(py, || istft_of(&view, spec, n_jobs))?;
    shaped(py, out)
}

/// Inverse STFT of a `(..., bins, frames)` complex array, `(..., n)`, with the
/// keywords `n_fft, hop_length` (None: librosa's defaults), `window, center, length`.
#[pyfunction]
#[pyo3(signature = (stft_matrix, *, n_jobs, **options))]
fn istft<'py>(
    py: Python<'py>,
    stft_matrix: ComplexArray<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let spec: IstftSpec = Keywords::parse(options)?;
    match stft_matrix {
        ComplexArray::C64(s) => istft_typed(py, s, &spec, n_jobs),
        ComplexArray::C128(s) => istft_typed(py, s, &spec, n_jobs),
    }
}

/// `power_to_db` (`amplitude=False`) or `amplitude_to_db` on a real array of any shape.
#[pyfunction]
#[pyo3(signature = (s, *, amplitude, reference, amin, top_db, n_jobs))]
fn to_db<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    amplitude: bool,
    reference: f64,
    amin: f64,
    top_db: Option<f64>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let scale = if amplitude {
        Scale::Amplitude
    } else {
        Scale::Power
    };
    let params = DbParams {
        reference,
        amin,
        top_db,
    };
    with_float_view!(s, |view| run(py, || db::to_db_array(
        &view, scale, &params, n_jobs
    ))
    .map(|out| out.into_pyarray(py).into_any()))
}

/// Mel spectrograms of many 1-D float32 signals in parallel (one per signal,
/// each `(frames, n_mels)`); a failing signal gives its exception in its place.
#[pyfunction]
#[pyo3(signature = (signals, *, stft, mel, power, n_jobs))]
fn melspectrogram_batch<'py>(
    py: Python<'py>,
    signals: Vec<PyReadonlyArray1<'py, f32>>,
    stft: Items<StftSpec>,
    mel: Items<MelSpec>,
    power: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyList>> {
    let views: Vec<ArrayView1<'_, f32>> = signals.iter().map(|s| s.as_array()).collect();
    let results = run(py, || {
        spectrogram::mel_batch(&views, &stft.0, &mel.0, power, n_jobs)
    })?;
    let out = PyList::empty(py);
    for r in results {
        match r {
            Ok(m) => out.append(to_numpy(py, m.data, &[], &[m.n_frames, m.width])?)?,
            Err(e) => out.append(to_pyerr(py, e).into_value(py))?,
        }
    }
    Ok(out)
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(stft, m)?)?;
    m.add_function(wrap_pyfunction!(melspectrogram, m)?)?;
    m.add_function(wrap_pyfunction!(melspectrogram_batch, m)?)?;
    m.add_function(wrap_pyfunction!(mel_apply, m)?)?;
    m.add_function(wrap_pyfunction!(mel_filters, m)?)?;
    m.add_function(wrap_pyfunction!(mel_frequencies, m)?)?;
    m.add_function(wrap_pyfunction!(fft_frequencies, m)?)?;
    m.add_function(wrap_pyfunction!(convert_mel, m)?)?;
    m.add_function(wrap_pyfunction!(istft, m)?)?;
    m.add_function(wrap_pyfunction!(to_db, m)?)?;
    Ok(())
}
