//! Bindings for `crate::dsp`. Spectrogram-valued functions return time-major
//! arrays `(..., frames, bins)`; the Python layer swaps the last two axes into
//! librosa's `(..., bins, frames)` view without copying.

use ndarray::{ArrayView1, ArrayViewD};
use num_complex::Complex;
use numpy::{Element, IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::add_functions;
use super::arrays::{
    array_function, shaped, shaped_call, to_numpy, with_float_view, Array, ComplexArray, FloatArray,
};
use super::convert::{Items, Keywords};
use super::detach::run;
use super::errors::{each_or_error, IntoPyResult};
use crate::dsp::db::{self, DbParams, Scale};
use crate::dsp::istft::{istft_of, IstftSpec};
use crate::dsp::mel::{self, MelBasis, MelSpec};
use crate::dsp::{spectrogram, stft as stft_mod, Float, StftSpec};

array_function! {
    /// Complex STFT, `(..., frames, 1 + n_fft/2)`, with the keywords `n_fft,
    /// hop_length, window, center, pad_mode`.
    fn stft(y, n_jobs, spec: StftSpec) -> Array = |view| stft_mod::stft_of(&view, &spec, n_jobs)
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
    let (stft, mel) = (&stft.0, &mel.0);
    shaped_call!(py, y, |view| spectrogram::mel_of_signal(
        &view, stft, mel, power, n_jobs
    ))
}

array_function! {
    /// Mel spectrogram from a precomputed `(..., bins, frames)` spectrogram,
    /// `(..., frames, n_mels)`, with the keywords `sr, n_mels, fmin, fmax, htk, norm`.
    fn mel_apply(s, n_jobs, mel: MelSpec) -> Array
        = |view| spectrogram::mel_of_spectrogram(&view, &mel, n_jobs)
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

/// `librosa.mel_frequencies`, with the keywords `fmin, fmax, htk`.
#[pyfunction]
#[pyo3(signature = (*, n_mels, **options))]
fn mel_frequencies<'py>(
    py: Python<'py>,
    n_mels: usize,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let mut keywords = Keywords::new(options);
    let (fmin, fmax, htk) = (
        keywords.get("fmin")?,
        keywords.get("fmax")?,
        keywords.get("htk")?,
    );
    keywords.finish()?;
    let frequencies = mel::mel_frequencies(n_mels, fmin, fmax, htk).into_py_result(py)?;
    Ok(PyArray1::from_vec(py, frequencies))
}

/// `librosa.fft_frequencies`.
#[pyfunction]
#[pyo3(signature = (*, sr, n_fft))]
fn fft_frequencies(py: Python<'_>, sr: f64, n_fft: usize) -> PyResult<Bound<'_, PyArray1<f64>>> {
    let frequencies = mel::fft_frequencies(sr, n_fft).into_py_result(py)?;
    Ok(PyArray1::from_vec(py, frequencies))
}

/// Element-wise Hz -> mel (`to_mel=True`) or mel -> Hz on a float64 array.
#[pyfunction]
#[pyo3(signature = (values, *, to_mel, htk))]
fn convert_mel(values: PyReadonlyArrayDyn<'_, f64>, to_mel: bool, htk: bool) -> Array<'_> {
    let f = if to_mel {
        mel::hz_to_mel
    } else {
        mel::mel_to_hz
    };
    let converted = values.as_array().mapv(|v| f(v, htk));
    converted.into_pyarray(values.py()).into_any()
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
        ComplexArray::C64(s) => istft_typed(py, s.as_array(), &spec, n_jobs),
        ComplexArray::C128(s) => istft_typed(py, s.as_array(), &spec, n_jobs),
    }
}

/// [`istft`] in the spectrogram's float type.
fn istft_typed<'py, T: Float + Element>(
    py: Python<'py>,
    s: ArrayViewD<'_, Complex<T>>,
    spec: &IstftSpec,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    shaped(py, run(py, || istft_of(&s, spec, n_jobs))?)
}

/// `power_to_db` (`amplitude=False`) or `amplitude_to_db` on a real array of
/// any shape, with the keywords `reference, amin, top_db`.
#[pyfunction]
#[pyo3(signature = (s, *, amplitude, n_jobs, **options))]
fn to_db<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    amplitude: bool,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let scale = if amplitude {
        Scale::Amplitude
    } else {
        Scale::Power
    };
    let params: DbParams = Keywords::parse(options)?;
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
    each_or_error(py, results, |m| {
        to_numpy(py, m.data, &[], &[m.n_frames, m.width])
    })
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: stft, melspectrogram, melspectrogram_batch, mel_apply, mel_filters,
        mel_frequencies, fft_frequencies, convert_mel, istft, to_db);
    Ok(())
}
