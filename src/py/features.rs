//! Bindings for `crate::features`. Frame-valued results come back time-major,
//! `(..., frames, width)`; the Python layer swaps the last two axes.

use numpy::{PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::add_functions;
use super::arrays::{
    array_function, shaped_call, to_numpy, with_float_view, Array, FloatArray, Pair,
};
use super::convert::{FromKeywords, Items, Keywords, Wrap};
use super::detach::run;
use crate::dsp::StftSpec;
use crate::features::cepstral;
use crate::features::chroma::{self, ChromaParams};
use crate::features::gtzan::{self, Recipe};
use crate::features::hpss::{self, HpssParams, SignalSeparation};
use crate::features::onset::{self, OnsetParams};
use crate::features::spectral::{self, SpectralOptions};
use crate::features::tempo::{self, TempoPrior};
use crate::features::temporal::{self, RawFraming};

/// A spectral descriptor's keywords: the sample rate `sr`, the bin
/// frequencies `freq` and `options` (a dict: its kind and every option).
struct Descriptor {
    sr: f64,
    freq: Vec<f64>,
    options: SpectralOptions,
}

impl FromKeywords for Descriptor {
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
        Ok(Descriptor {
            sr: keywords.get("sr")?,
            freq: keywords.get("freq")?,
            options: keywords.get::<Items<SpectralOptions>>("options")?.0,
        })
    }
}

array_function! {
    /// A spectral descriptor of audio `(..., n)` with the STFT keywords and
    /// the [`Descriptor`] keywords: `(..., frames, rows)` float64.
    fn spectral_from_y(y, n_jobs, p: (StftSpec, Descriptor)) -> Array
        = |view| spectral::of_signal(&view, &p.0, &p.1.freq, p.1.sr, &p.1.options, n_jobs)
}

array_function! {
    /// A spectral descriptor of a magnitude spectrogram `(..., bins, frames)`
    /// with the [`Descriptor`] keywords: `(..., frames, rows)` float64.
    fn spectral_from_s(s, n_jobs, d: Descriptor) -> Array
        = |view| spectral::of_spectrogram(&view, &d.freq, d.sr, &d.options, n_jobs)
}

array_function! {
    /// RMS of raw frames of `y (..., n)`: `(..., frames, 1)` float64, with the
    /// keywords `frame_length, hop_length, center, pad_mode`.
    fn rms(y, n_jobs, framing: RawFraming) -> Array
        = |view| temporal::rms_of(&view, &framing, n_jobs)
}

/// Zero-crossing rate options: edge-padded raw frames and the threshold.
struct Crossings {
    framing: RawFraming,
    threshold: f64,
}

impl FromKeywords for Crossings {
    fn from_keywords(keywords: &mut Keywords<'_>) -> PyResult<Self> {
        Ok(Crossings {
            framing: RawFraming::edge(
                keywords.get("frame_length")?,
                keywords.get("hop_length")?,
                keywords.get("center")?,
            ),
            threshold: keywords.get("threshold")?,
        })
    }
}

array_function! {
    /// Zero-crossing rate of edge-padded raw frames of `y (..., n)`: `(..., frames, 1)`
    /// float64, with the keywords `frame_length, hop_length, center, threshold`.
    fn zero_crossing_rate(y, n_jobs, z: Crossings) -> Array
        = |view| temporal::zero_crossing_rate_of(&view, &z.framing, z.threshold, n_jobs)
}

/// The orthonormal DCT-II basis `(n_out, n_in)` float64, liftered (`lifter > 0`).
#[pyfunction]
#[pyo3(signature = (*, n_in, n_out, lifter))]
fn dct_basis(py: Python<'_>, n_in: usize, n_out: usize, lifter: f64) -> PyResult<Bound<'_, PyAny>> {
    let basis = run(py, || cepstral::dct_basis(n_in, n_out, lifter))?;
    to_numpy(py, basis, &[], &[n_out, n_in])
}

/// A chromagram and the tuning it used, as Python receives them.
type Chroma<'py> = (Bound<'py, PyAny>, Option<f64>);

array_function! {
    /// Chromagram of audio `(..., n)` with the STFT and chroma keywords
    /// (`n_fft, hop_length, window, center, pad_mode`; `sr, tuning, n_chroma,
    /// ctroct, octwidth, filter_norm, base_c, norm`): `((..., frames, n_chroma),
    /// tuning)` (tuning `None`: none could be estimated, 0 was used).
    fn chroma_stft(y, n_jobs, p: (StftSpec, ChromaParams)) -> Chroma
        = |view| chroma::of_signal(&view, &p.0, &p.1, n_jobs)
}

array_function! {
    /// Chromagram of a power spectrogram `(..., bins, frames)` with the chroma
    /// keywords (as [`chroma_stft`], plus `n_fft`): `((..., frames, n_chroma),
    /// tuning)`.
    fn chroma_from_s(s, n_jobs, p: ChromaParams) -> Chroma
        = |view| chroma::of_spectrogram(&view, &p, n_jobs)
}

array_function! {
    /// Harmonic and percussive soft masks of a magnitude spectrogram `(..., bins, frames)`,
    /// each `(..., frames, bins)`, with the keywords `kernel_harmonic,
    /// kernel_percussive, power, margin_harmonic, margin_percussive`.
    fn hpss_masks(s, n_jobs, p: HpssParams) -> Pair = |view| hpss::masks_of(&view, &p, n_jobs)
}

array_function! {
    /// `effects.hpss` of audio `(..., n)`: harmonic and percussive signals, with
    /// the STFT and [`hpss_masks`] keywords plus `same_length` (both signals of
    /// the input's length, librosa >= 0.10; otherwise the natural iSTFT length)
    /// and `mask` (invert the masks instead of the masked spectrograms).
    fn hpss_signal(y, n_jobs, separation: SignalSeparation) -> Pair
        = |view| hpss::separate_of(&view, &separation, n_jobs)
}

array_function! {
    /// Onset envelope of a `(..., bands, frames)` spectrogram: `(..., n)` in its
    /// float type, with the keywords `lag, max_size, median, pad_width, center`.
    fn onset_strength(s, p: OnsetParams) -> Array = |view| onset::onset_strength_of(&view, &p)
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
    shaped_call!(py, onset_envelope, |view| tempo::tempogram_of(
        &view, &window, center, norm, n_jobs
    ))
}

/// Best tempo of each tempogram column `(..., win_length)` (lanes along the
/// last axis) under librosa's log-normal prior (the keywords `start_bpm,
/// std_bpm, max_tempo`): `(...)` float64 BPM.
#[pyfunction]
#[pyo3(signature = (strength, *, sr, hop_length, **prior))]
fn tempo_from_strength<'py>(
    py: Python<'py>,
    strength: PyReadonlyArrayDyn<'py, f64>,
    sr: f64,
    hop_length: usize,
    prior: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let prior: TempoPrior = Keywords::parse(prior)?;
    let view = strength.as_array();
    let out = run(py, || tempo::best_tempo_of(&view, sr, hop_length, &prior))?;
    super::arrays::shaped(py, out)
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
    add_functions!(m: spectral_from_y, spectral_from_s, rms, zero_crossing_rate, dct_basis,
        chroma_stft, chroma_from_s, hpss_masks, hpss_signal, onset_strength, tempogram,
        tempo_from_strength, gtzan_features);
    Ok(())
}
