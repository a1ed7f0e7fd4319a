//! Bindings for `crate::features`. Frame-valued results come back time-major,
//! `(..., frames, width)`; the Python layer swaps the last two axes.

use numpy::{PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::arrays::{shaped, to_numpy, with_float_view, FloatArray};
use super::convert::{Items, Keywords, Wrap};
use super::detach::run;
use crate::dsp::frames::PadMode;
use crate::dsp::StftSpec;
use crate::features::cepstral;
use crate::features::chroma::{self, ChromaParams};
use crate::features::gtzan::{self, Recipe};
use crate::features::hpss::{self, HpssParams, SignalSeparation};
use crate::features::onset::{self, Aggregate, OnsetParams};
use crate::features::spectral::{self, SpectralOptions};
use crate::features::tempo::{self, TempoPrior};
use crate::features::temporal::{self, RawFraming};

/// A spectral descriptor (`options`: its kind and every option) of audio
/// `(..., n)` with the STFT keywords `**stft`: `(..., frames, rows)` float64.
#[pyfunction]
#[pyo3(signature = (y, *, sr, freq, options, n_jobs=-1, **stft))]
fn spectral_from_y<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    sr: f64,
    freq: PyReadonlyArray1<'py, f64>,
    options: Items<SpectralOptions>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    stft: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let stft: StftSpec = Keywords::parse(stft)?;
    let freq = freq.as_array().to_vec();
    let out = with_float_view!(y, |view| run(py, || spectral::of_signal(
        &view, &stft, &freq, sr, &options.0, n_jobs
    )))?;
    shaped(py, out)
}

/// A spectral descriptor of a magnitude spectrogram `(..., bins, frames)`: `(..., frames, rows)` float64.
#[pyfunction]
#[pyo3(signature = (s, *, sr, freq, options, n_jobs=-1))]
fn spectral_from_s<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    sr: f64,
    freq: PyReadonlyArray1<'py, f64>,
    options: Items<SpectralOptions>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let freq = freq.as_array().to_vec();
    let out = with_float_view!(s, |view| run(py, || spectral::of_spectrogram(
        &view, &freq, sr, &options.0, n_jobs
    )))?;
    shaped(py, out)
}

/// RMS of raw frames of `y (..., n)`: `(..., frames, 1)` float64.
#[pyfunction]
#[pyo3(signature = (y, *, frame_length, hop_length, center, pad_mode, n_jobs))]
fn rms<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    frame_length: usize,
    hop_length: usize,
    center: bool,
    pad_mode: Wrap<PadMode>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let framing = RawFraming {
        frame_length,
        hop_length,
        center,
        pad_mode: pad_mode.0,
    };
    let out = with_float_view!(y, |view| run(py, || temporal::rms_of(
        &view, &framing, n_jobs
    )))?;
    shaped(py, out)
}

/// Zero-crossing rate of edge-padded raw frames of `y (..., n)`: `(..., frames, 1)` float64.
#[pyfunction]
#[pyo3(signature = (y, *, frame_length, hop_length, center, threshold, n_jobs))]
fn zero_crossing_rate<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    frame_length: usize,
    hop_length: usize,
    center: bool,
    threshold: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let framing = RawFraming::edge(frame_length, hop_length, center);
    let out = with_float_view!(y, |view| run(py, || temporal::zero_crossing_rate_of(
        &view, &framing, threshold, n_jobs
    )))?;
    shaped(py, out)
}

/// The orthonormal DCT-II basis `(n_out, n_in)` float64, liftered (`lifter > 0`).
#[pyfunction]
#[pyo3(signature = (*, n_in, n_out, lifter))]
fn dct_basis<'py>(
    py: Python<'py>,
    n_in: usize,
    n_out: usize,
    lifter: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let basis = run(py, || cepstral::dct_basis(n_in, n_out, lifter))?;
    to_numpy(py, basis, &[], &[n_out, n_in])
}

/// A chromagram and the tuning it used, as Python receives them.
type Chroma<'py> = (Bound<'py, PyAny>, Option<f64>);

/// Chromagram of audio `(..., n)` with the STFT and chroma keywords
/// (`n_fft, hop_length, window, center, pad_mode`; `sr, tuning, n_chroma,
/// ctroct, octwidth, filter_norm, base_c, norm`): `((..., frames, n_chroma),
/// tuning)` (tuning `None`: none could be estimated, 0 was used).
#[pyfunction]
#[pyo3(signature = (y, *, n_jobs, **options))]
fn chroma_stft<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Chroma<'py>> {
    let mut keywords = Keywords::new(options);
    let (stft, p): (StftSpec, ChromaParams) = (keywords.read()?, keywords.read()?);
    keywords.finish()?;
    let (out, tuning) = with_float_view!(y, |view| run(py, || chroma::of_signal(
        &view, &stft, &p, n_jobs
    ))
    .and_then(|(out, tuning)| Ok((shaped(py, out)?, tuning))))?;
    Ok((out, tuning))
}

/// Chromagram of a power spectrogram `(..., bins, frames)` with the chroma
/// keywords (as [`chroma_stft`], plus `n_fft`): `((..., frames, n_chroma),
/// tuning)`.
#[pyfunction]
#[pyo3(signature = (s, *, n_jobs, **options))]
fn chroma_from_s<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Chroma<'py>> {
    let p: ChromaParams = Keywords::parse(options)?;
    with_float_view!(s, |view| run(py, || chroma::of_spectrogram(
        &view, &p, n_jobs
    ))
    .and_then(|(out, tuning)| Ok((shaped(py, out)?, tuning))))
}

/// Harmonic and percussive soft masks of a magnitude spectrogram `(..., bins, frames)`,
/// each `(..., frames, bins)`, with the keywords `kernel_harmonic,
/// kernel_percussive, power, margin_harmonic, margin_percussive`.
#[pyfunction]
#[pyo3(signature = (s, *, n_jobs, **options))]
fn hpss_masks<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let p: HpssParams = Keywords::parse(options)?;
    with_float_view!(s, |view| run(py, || hpss::masks_of(&view, &p, n_jobs))
        .and_then(|(h, q)| Ok((shaped(py, h)?, shaped(py, q)?))))
}

/// `effects.hpss` of audio `(..., n)`: harmonic and percussive signals, with
/// the STFT and [`hpss_masks`] keywords plus `same_length` (both signals of
/// the input's length, librosa >= 0.10; otherwise the natural iSTFT length)
/// and `mask` (invert the masks instead of the masked spectrograms).
#[pyfunction]
#[pyo3(signature = (y, *, n_jobs, **options))]
fn hpss_signal<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let separation: SignalSeparation = Keywords::parse(options)?;
    with_float_view!(y, |view| run(py, || hpss::separate_of(
        &view,
        &separation,
        n_jobs
    ))
    .and_then(|(h, q)| Ok((shaped(py, h)?, shaped(py, q)?))))
}

/// Onset envelope of a `(..., bands, frames)` spectrogram: `(..., n)` in its float type.
#[pyfunction]
#[pyo3(signature = (s, *, lag, max_size, median, pad_width, center))]
fn onset_strength<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    lag: usize,
    max_size: usize,
    median: bool,
    pad_width: usize,
    center: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let p = OnsetParams {
        lag,
        max_size,
        aggregate: Aggregate::median_if(median),
        pad_width,
        center,
    };
    with_float_view!(s, |view| run(py, || onset::onset_strength_of(&view, &p))
        .and_then(|out| shaped(py, out)))
}

/// Autocorrelation tempogram of onset envelopes `(..., n)`: `(..., frames, win_length)` float64.
#[pyfunction]
#[pyo3(signature = (onset_envelope, *, window, center, norm, n_jobs))]
fn tempogram<'py>(
    py: Python<'py>,
    onset_envelope: FloatArray<'py>,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    norm: Option<f64>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let window = window.as_array().to_vec();
    let out = with_float_view!(onset_envelope, |view| run(py, || tempo::tempogram_of(
        &view, &window, center, norm, n_jobs
    )))?;
    shaped(py, out)
}

/// Best tempo of each tempogram column `(..., win_length)` (lanes along the
/// last axis) under librosa's log-normal prior: `(...)` float64 BPM.
#[pyfunction]
#[pyo3(signature = (strength, *, sr, hop_length, start_bpm, std_bpm, max_tempo))]
fn tempo_from_strength<'py>(
    py: Python<'py>,
    strength: PyReadonlyArrayDyn<'py, f64>,
    sr: f64,
    hop_length: usize,
    start_bpm: f64,
    std_bpm: f64,
    max_tempo: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = strength.as_array();
    let prior = TempoPrior {
        start_bpm,
        std_bpm,
        max_tempo,
    };
    let out = run(py, || tempo::best_tempo_of(&view, sr, hop_length, &prior))?;
    shaped(py, out)
}

/// The 57 GTZAN summary values of a mono signal (`recipe`: "gtzan" or
/// "gtzan_kaggle"), in `features_30_sec.csv` column order. `n_jobs=1` keeps the
/// whole clip on the calling worker thread (for batches of clips).
#[pyfunction]
#[pyo3(signature = (y, *, sr, recipe, n_jobs))]
fn gtzan_features(
    py: Python<'_>,
    y: FloatArray<'_>,
    sr: f64,
    recipe: Wrap<Recipe>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Vec<f64>> {
    with_float_view!(y, |view| run(py, || gtzan::gtzan_features(
        &view, sr, recipe.0, n_jobs
    )))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(spectral_from_y, m)?)?;
    m.add_function(wrap_pyfunction!(spectral_from_s, m)?)?;
    m.add_function(wrap_pyfunction!(rms, m)?)?;
    m.add_function(wrap_pyfunction!(zero_crossing_rate, m)?)?;
    m.add_function(wrap_pyfunction!(dct_basis, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_stft, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_from_s, m)?)?;
    m.add_function(wrap_pyfunction!(hpss_masks, m)?)?;
    m.add_function(wrap_pyfunction!(hpss_signal, m)?)?;
    m.add_function(wrap_pyfunction!(onset_strength, m)?)?;
    m.add_function(wrap_pyfunction!(tempogram, m)?)?;
    m.add_function(wrap_pyfunction!(tempo_from_strength, m)?)?;
    m.add_function(wrap_pyfunction!(gtzan_features, m)?)?;
    Ok(())
}
