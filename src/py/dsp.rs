//! Bindings for `crate::dsp`. Spectrogram-valued functions return time-major
//! arrays `(..., frames, bins)`; the Python layer swaps the last two axes into
//! librosa's `(..., bins, frames)` view without copying.

use ndarray::{ArrayView1, ArrayView2, ArrayViewD, Axis};
use num_complex::Complex;
use numpy::{Element, IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;

use super::arrays::{last_axis_lanes, to_numpy, with_float_view, ComplexArray, FloatArray};
use super::detach::run;
use super::errors::to_pyerr;
use crate::dsp::db::{self, DbParams, Scale};
use crate::dsp::istft::{istft as inverse_stft, IstftParams};
use crate::dsp::mel::{self, MelBasis, MelNorm, MelParams};
use crate::dsp::stft::FrameMatrix;
use crate::dsp::{spectrogram, stft as stft_mod, Float, PadMode, StftParams};
use crate::error::{Error, Result};
use crate::parallel;

/// STFT options, passed from Python as a dict (`tunelens.spectral._stft_args`).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct StftOptions<'py> {
    n_fft: usize,
    hop_length: usize,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    pad_mode: String,
}

impl StftOptions<'_> {
    fn params<T: Float>(&self, py: Python<'_>) -> PyResult<StftParams<T>> {
        let pad_mode = self.pad_mode.parse::<PadMode>();
        pad_mode
            .and_then(|mode| {
                StftParams::new(
                    self.n_fft,
                    self.hop_length,
                    &self.window.as_array().to_vec(),
                    self.center,
                    mode,
                )
            })
            .map_err(|e| to_pyerr(py, e))
    }
}

/// Mel filter options, passed from Python as a dict (`tunelens.filters._mel_args`).
#[derive(FromPyObject, Clone, Copy)]
#[pyo3(from_item_all)]
struct MelOptions {
    sr: f64,
    n_mels: usize,
    fmin: f64,
    fmax: Option<f64>,
    htk: bool,
    #[pyo3(from_py_with = mel_norm)]
    norm: MelNorm,
}

impl MelOptions {
    fn params(&self, n_fft: usize) -> MelParams {
        MelParams {
            sr: self.sr,
            n_fft,
            n_mels: self.n_mels,
            fmin: self.fmin,
            fmax: self.fmax.unwrap_or(self.sr / 2.0),
            htk: self.htk,
            norm: self.norm,
        }
    }
}

/// `norm` of `filters.mel`: `"slaney"`, `None` or a positive number.
fn mel_norm(norm: &Bound<'_, PyAny>) -> PyResult<MelNorm> {
    if norm.is_none() {
        return Ok(MelNorm::None);
    }
    if let Ok(s) = norm.extract::<String>() {
        return s.parse().map_err(|e| to_pyerr(norm.py(), e));
    }
    Ok(MelNorm::Lp(norm.extract::<f64>()?))
}

/// Runs a frame-wise analysis of every channel of `y` (any leading shape) on
/// `n_jobs` threads without the GIL; returns `(..., frames, width)`.
fn frame_wise<'py, T, O>(
    py: Python<'py>,
    view: ArrayViewD<'_, T>,
    n_jobs: i64,
    analysis: impl Fn(&[ArrayView1<'_, T>]) -> Result<FrameMatrix<O>> + Send + Sync,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Float + Element,
    O: Element + Send,
{
    let (lead, m) = run(py, || {
        let (lead, lanes) = last_axis_lanes(&view, "y")?;
        Ok((lead, parallel::install(n_jobs, || analysis(&lanes))??))
    })?;
    to_numpy(py, m.data, &lead, &[m.n_frames, m.width])
}

/// The mel spectrogram of `lanes`, building the filter bank for `params`.
fn mel_of<T: Float>(
    lanes: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    mel: &MelOptions,
    power: f64,
) -> Result<FrameMatrix<T>> {
    let basis = MelBasis::new(&mel.params(params.n_fft))?;
    spectrogram::mel_spectrogram(lanes, params, power, &basis)
}

/// Complex STFT, `(..., frames, 1 + n_fft/2)`.
#[pyfunction]
#[pyo3(signature = (y, *, stft, n_jobs))]
fn stft<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    stft: StftOptions<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(y, |view| {
        let params = stft.params(py)?;
        frame_wise(py, view, n_jobs, |lanes| stft_mod::stft(lanes, &params))
    })
}

/// Mel spectrogram from audio, `(..., frames, n_mels)`.
#[pyfunction]
#[pyo3(signature = (y, *, stft, mel, power, n_jobs))]
fn melspectrogram<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    stft: StftOptions<'py>,
    mel: MelOptions,
    power: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(y, |view| {
        let params = stft.params(py)?;
        frame_wise(py, view, n_jobs, |lanes| {
            mel_of(lanes, &params, &mel, power)
        })
    })
}

fn mel_apply_typed<'py, T: Float + Element>(
    py: Python<'py>,
    view: ArrayViewD<'_, T>,
    mel: MelOptions,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let (lead, n_frames, data) = run(py, || {
        if view.ndim() < 2 {
            return Err(Error::param(
                "S",
                format!(
                    "must be a (..., freq, time) spectrogram, got {} dimension(s)",
                    view.ndim()
                ),
            ));
        }
        let nd = view.ndim();
        let lead = view.shape()[..nd - 2].to_vec();
        let n_frames = view.shape()[nd - 1];
        // Lanes along the frequency axis come in (leading..., time) order.
        let columns: Vec<ArrayView1<'_, T>> = view.lanes(Axis(nd - 2)).into_iter().collect();
        let n_fft = 2 * view.shape()[nd - 2].saturating_sub(1);
        let basis = MelBasis::new(&mel.params(n_fft))?;
        let data = parallel::install(n_jobs, || spectrogram::mel_from_columns(&columns, &basis))??;
        Ok((lead, n_frames, data))
    })?;
    to_numpy(py, data, &lead, &[n_frames, mel.n_mels])
}

/// Mel spectrogram from a precomputed `(..., bins, frames)` spectrogram, `(..., frames, n_mels)`.
#[pyfunction]
#[pyo3(signature = (s, *, mel, n_jobs))]
fn mel_apply<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    mel: MelOptions,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    with_float_view!(s, |view| mel_apply_typed(py, view, mel, n_jobs))
}

/// Mel filter bank `(n_mels, 1 + n_fft/2)` as float32, and whether a band is empty.
#[pyfunction]
#[pyo3(signature = (*, mel, n_fft))]
fn mel_filters<'py>(
    py: Python<'py>,
    mel: MelOptions,
    n_fft: usize,
) -> PyResult<(Bound<'py, PyAny>, bool)> {
    let basis = run(py, || MelBasis::new(&mel.params(n_fft)))?;
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
    n_fft: Option<usize>,
    hop_length: Option<usize>,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    length: Option<usize>,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Float + Element,
    Complex<T>: Element,
{
    let view = s.as_array();
    let win = window.as_array().to_vec();
    let (lead, signals) = run(py, || {
        if view.ndim() < 2 {
            return Err(Error::param(
                "stft_matrix",
                "must have shape (..., 1 + n_fft/2, frames)",
            ));
        }
        let nd = view.ndim();
        let n_bins = view.shape()[nd - 2];
        let n_fft = n_fft.unwrap_or(2 * n_bins.saturating_sub(1));
        let hop = hop_length.unwrap_or(win.len() / 4);
        let params = IstftParams::<T>::new(n_bins, n_fft, hop, &win, center, length)?;
        let lead = view.shape()[..nd - 2].to_vec();
        let flat = view.to_shape((lead.iter().product::<usize>(), n_bins, view.shape()[nd - 1]));
        let flat = flat.map_err(|e| Error::Internal(e.to_string()))?;
        let mats: Vec<ArrayView2<'_, Complex<T>>> = flat.outer_iter().collect();
        Ok((
            lead,
            parallel::install(n_jobs, || inverse_stft(&mats, &params))??,
        ))
    })?;
    let n = signals.first().map_or(0, Vec::len);
    to_numpy(py, signals.concat(), &lead, &[n])
}

/// Inverse STFT of a `(..., bins, frames)` complex array, `(..., n)`.
#[pyfunction]
#[pyo3(signature = (stft_matrix, *, n_fft, hop_length, window, center, length, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn istft<'py>(
    py: Python<'py>,
    stft_matrix: ComplexArray<'py>,
    n_fft: Option<usize>,
    hop_length: Option<usize>,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    length: Option<usize>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    match stft_matrix {
        ComplexArray::C64(s) => {
            istft_typed(py, s, n_fft, hop_length, window, center, length, n_jobs)
        }
        ComplexArray::C128(s) => {
            istft_typed(py, s, n_fft, hop_length, window, center, length, n_jobs)
        }
    }
}

fn to_db_typed<'py, T: Float + Element + db::Log10>(
    py: Python<'py>,
    view: ArrayViewD<'_, T>,
    scale: Scale,
    params: DbParams,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    // `to_owned` keeps a contiguous input's memory order (C or Fortran).
    let mut out = view.to_owned();
    run(py, || match out.as_slice_memory_order_mut() {
        Some(values) => parallel::install(n_jobs, || db::to_db(values, scale, &params))?,
        None => Err(Error::Internal("owned array is not contiguous".into())),
    })?;
    Ok(out.into_pyarray(py).into_any())
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
    with_float_view!(s, |view| to_db_typed(py, view, scale, params, n_jobs))
}

/// Mel spectrograms of many 1-D float32 signals in parallel (one per signal,
/// each `(frames, n_mels)`); a failing signal gives its exception in its place.
#[pyfunction]
#[pyo3(signature = (signals, *, stft, mel, power, n_jobs))]
fn melspectrogram_batch<'py>(
    py: Python<'py>,
    signals: Vec<PyReadonlyArray1<'py, f32>>,
    stft: StftOptions<'py>,
    mel: MelOptions,
    power: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyList>> {
    let params: StftParams<f32> = stft.params(py)?;
    let views: Vec<ArrayView1<'_, f32>> = signals.iter().map(|s| s.as_array()).collect();
    let results = run(py, || {
        let cancel = parallel::Cancel::current();
        parallel::install(n_jobs, || {
            views
                .par_iter()
                .map(|v| cancel.item(|| mel_of(std::slice::from_ref(v), &params, &mel, power)))
                .collect::<Vec<_>>()
        })
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
