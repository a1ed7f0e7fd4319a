//! Bindings for `crate::features`. Frame-valued results come back time-major,
//! `(..., frames, width)`; the Python layer swaps the last two axes.

use ndarray::{ArrayView1, ArrayViewD, Axis};
use numpy::{Element, PyReadonlyArray1, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use super::arrays::{last_axis_lanes, to_numpy, FloatArray};
use super::detach::run;
use crate::dsp::db::Log10;
use crate::dsp::frames::PadMode;
use crate::dsp::stft::FrameMatrix;
use crate::dsp::{spectrogram, Float, StftParams};
use crate::error::{Error, Result};
use crate::features::cepstral;
use crate::features::chroma::{self, ChromaParams};
use crate::features::gtzan::{gtzan_values, Recipe};
use crate::features::hpss::{self, HpssParams};
use crate::features::onset::{self, Aggregate, OnsetParams};
use crate::features::spectral::{self, Spectral};
use crate::features::tempo::{self, TempoPrior};
use crate::features::temporal::{self, RawFraming};
use crate::parallel;

/// A spectral descriptor as the Python layer names it, with all its options
/// (read from the `options` dict, every key present).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct SpectralArgs {
    kind: String,
    p: f64,
    norm: bool,
    roll_percent: f64,
    power: f64,
    amin: f64,
    fmin: f64,
    n_bands: usize,
    quantile: f64,
    linear: bool,
}

impl SpectralArgs {
    fn feature(&self, freq: &[f64], sr: f64) -> Result<Spectral> {
        Ok(match self.kind.as_str() {
            "centroid" => Spectral::Centroid,
            "bandwidth" => Spectral::Bandwidth {
                p: self.p,
                norm: self.norm,
            },
            "rolloff" => Spectral::Rolloff {
                roll_percent: self.roll_percent,
            },
            "flatness" => Spectral::Flatness {
                power: self.power,
                amin: self.amin,
            },
            "contrast" => Spectral::Contrast(spectral::contrast_bands(
                freq,
                sr,
                self.fmin,
                self.n_bands,
                self.quantile,
            )?),
            other => {
                return Err(Error::param(
                    "kind",
                    format!("unknown spectral feature '{other}'"),
                ))
            }
        })
    }

    /// Final per-frame rows from the raw per-frame values.
    fn finish(&self, values: Vec<f64>) -> Vec<f64> {
        if self.kind == "contrast" {
            spectral::contrast_db(&values, self.linear)
        } else {
            values
        }
    }

    fn rows(&self) -> usize {
        if self.kind == "contrast" {
            self.n_bands + 1
        } else {
            1
        }
    }
}

/// The `(..., frames)` columns of a `(..., bins, frames)` array (bins as lanes).
fn columns<'a, T>(
    view: &'a ArrayViewD<'a, T>,
    name: &'static str,
) -> Result<(Vec<usize>, usize, Vec<ArrayView1<'a, T>>)> {
    let nd = view.ndim();
    if nd < 2 {
        return Err(Error::param(
            name,
            format!("must be a (..., freq, time) array, got {nd} dimension(s)"),
        ));
    }
    let lead = view.shape()[..nd - 2].to_vec();
    Ok((
        lead,
        view.shape()[nd - 1],
        view.lanes(Axis(nd - 2)).into_iter().collect(),
    ))
}

#[allow(clippy::too_many_arguments)]
fn spectral_y_typed<'py, T: Float + Element>(
    py: Python<'py>,
    y: PyReadonlyArrayDyn<'py, T>,
    sr: f64,
    n_fft: usize,
    hop_length: usize,
    window: &[f64],
    center: bool,
    pad_mode: &str,
    freq: Vec<f64>,
    args: SpectralArgs,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let view = y.as_array();
    let (lead, m) = run(py, || {
        let params = StftParams::<T>::new(
            n_fft,
            hop_length,
            window,
            center,
            pad_mode.parse::<PadMode>()?,
        )?;
        let feature = args.feature(&freq, sr)?;
        let (lead, lanes) = last_axis_lanes(&view, "y")?;
        Ok((
            lead,
            parallel::install(n_jobs, || {
                spectral::from_signal(&lanes, &params, &freq, &feature)
            })??,
        ))
    })?;
    let n_frames = m.n_frames;
    to_numpy(py, args.finish(m.data), &lead, &[n_frames, args.rows()])
}

/// A spectral descriptor of audio `(..., n)`: `(..., frames, rows)` float64.
#[pyfunction]
#[pyo3(signature = (y, *, sr, n_fft, hop_length, window, center, pad_mode, freq, options, n_jobs=-1))]
#[allow(clippy::too_many_arguments)]
fn spectral_from_y<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    sr: f64,
    n_fft: usize,
    hop_length: usize,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    pad_mode: &str,
    freq: PyReadonlyArray1<'py, f64>,
    options: SpectralArgs,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let (win, freq) = (window.as_array().to_vec(), freq.as_array().to_vec());
    match y {
        FloatArray::F32(y) => spectral_y_typed(
            py, y, sr, n_fft, hop_length, &win, center, pad_mode, freq, options, n_jobs,
        ),
        FloatArray::F64(y) => spectral_y_typed(
            py, y, sr, n_fft, hop_length, &win, center, pad_mode, freq, options, n_jobs,
        ),
    }
}

fn spectral_s_typed<'py, T: Float + Element>(
    py: Python<'py>,
    s: PyReadonlyArrayDyn<'py, T>,
    sr: f64,
    freq: Vec<f64>,
    args: SpectralArgs,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let view = s.as_array();
    let (lead, n_frames, data) = run(py, || {
        let (lead, n_frames, cols) = columns(&view, "S")?;
        let feature = args.feature(&freq, sr)?;
        Ok((
            lead,
            n_frames,
            parallel::install(n_jobs, || spectral::from_columns(&cols, &freq, &feature))??,
        ))
    })?;
    to_numpy(py, args.finish(data), &lead, &[n_frames, args.rows()])
}

/// A spectral descriptor of a magnitude spectrogram `(..., bins, frames)`: `(..., frames, rows)` float64.
#[pyfunction]
#[pyo3(signature = (s, *, sr, freq, options, n_jobs=-1))]
fn spectral_from_s<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    sr: f64,
    freq: PyReadonlyArray1<'py, f64>,
    options: SpectralArgs,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let freq = freq.as_array().to_vec();
    match s {
        FloatArray::F32(s) => spectral_s_typed(py, s, sr, freq, options, n_jobs),
        FloatArray::F64(s) => spectral_s_typed(py, s, sr, freq, options, n_jobs),
    }
}

/// Which raw-frame feature to compute.
#[derive(Clone, Copy)]
enum RawFeature {
    Rms,
    ZeroCrossings(f64),
}

fn raw_typed<'py, T: Float + Element>(
    py: Python<'py>,
    y: PyReadonlyArrayDyn<'py, T>,
    framing: RawFraming,
    what: RawFeature,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let view = y.as_array();
    let (lead, m): (Vec<usize>, FrameMatrix<f64>) = run(py, || {
        let (lead, lanes) = last_axis_lanes(&view, "y")?;
        let compute = || match what {
            RawFeature::Rms => temporal::rms(&lanes, &framing),
            RawFeature::ZeroCrossings(threshold) => {
                temporal::zero_crossing_rate(&lanes, &framing, threshold)
            }
        };
        // RMS parallelises over channels only: one channel runs here, without
        // waking a pool thread (sub-millisecond work; a pool hand-off costs more
        // when BLAS threads still spin from an earlier numpy call).
        let m = if lanes.len() == 1 && matches!(what, RawFeature::Rms) {
            compute()?
        } else {
            parallel::install(n_jobs, compute)??
        };
        Ok((lead, m))
    })?;
    to_numpy(py, m.data, &lead, &[m.n_frames, 1])
}

fn raw<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    framing: RawFraming,
    what: RawFeature,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    match y {
        FloatArray::F32(y) => raw_typed(py, y, framing, what, n_jobs),
        FloatArray::F64(y) => raw_typed(py, y, framing, what, n_jobs),
    }
}

fn raw_framing(
    py: Python<'_>,
    frame_length: usize,
    hop_length: usize,
    center: bool,
    pad_mode: &str,
) -> PyResult<RawFraming> {
    let pad_mode = pad_mode
        .parse::<PadMode>()
        .map_err(|e| super::errors::to_pyerr(py, e))?;
    Ok(RawFraming {
        frame_length,
        hop_length,
        center,
        pad_mode,
    })
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
    pad_mode: &str,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    raw(
        py,
        y,
        raw_framing(py, frame_length, hop_length, center, pad_mode)?,
        RawFeature::Rms,
        n_jobs,
    )
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
    raw(
        py,
        y,
        raw_framing(py, frame_length, hop_length, center, "edge")?,
        RawFeature::ZeroCrossings(threshold),
        n_jobs,
    )
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

/// Chroma options as the Python layer passes them (`n_fft` is set per call).
#[allow(clippy::too_many_arguments)]
fn chroma_params(
    sr: f64,
    n_fft: usize,
    n_chroma: usize,
    tuning: Option<f64>,
    ctroct: f64,
    octwidth: Option<f64>,
    filter_norm: Option<f64>,
    base_c: bool,
    norm: Option<f64>,
) -> ChromaParams {
    ChromaParams {
        sr,
        n_fft,
        n_chroma,
        tuning,
        ctroct,
        octwidth,
        filter_norm,
        base_c,
        norm,
    }
}

fn chroma_y_typed<'py, T: Float + Element>(
    py: Python<'py>,
    y: PyReadonlyArrayDyn<'py, T>,
    stft: (usize, usize, &[f64], bool, &str),
    p: ChromaParams,
    n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Option<f64>)> {
    let (n_fft, hop, window, center, pad_mode) = stft;
    let view = y.as_array();
    let (lead, n_frames, data, tuning) = run(py, || {
        let params =
            StftParams::<T>::new(n_fft, hop, window, center, pad_mode.parse::<PadMode>()?)?;
        let (lead, lanes) = last_axis_lanes(&view, "y")?;
        parallel::install(n_jobs, || {
            let power = spectrogram::power_spectrogram(&lanes, &params, 2.0)?;
            let cols: Vec<ArrayView1<'_, T>> = power
                .data
                .chunks(power.width)
                .map(ArrayView1::from)
                .collect();
            let (data, tuning) = chroma::chroma_from_columns(&cols, &p)?;
            Ok((lead, power.n_frames, data, tuning))
        })?
    })?;
    Ok((to_numpy(py, data, &lead, &[n_frames, p.n_chroma])?, tuning))
}

/// Chromagram of audio `(..., n)`: `((..., frames, n_chroma), tuning)` (tuning `None`: none could be estimated, 0 was used).
#[pyfunction]
#[pyo3(signature = (y, *, sr, n_fft, hop_length, window, center, pad_mode, tuning, n_chroma, ctroct, octwidth, filter_norm, base_c, norm, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn chroma_stft<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    sr: f64,
    n_fft: usize,
    hop_length: usize,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    pad_mode: &str,
    tuning: Option<f64>,
    n_chroma: usize,
    ctroct: f64,
    octwidth: Option<f64>,
    filter_norm: Option<f64>,
    base_c: bool,
    norm: Option<f64>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Option<f64>)> {
    let p = chroma_params(
        sr,
        n_fft,
        n_chroma,
        tuning,
        ctroct,
        octwidth,
        filter_norm,
        base_c,
        norm,
    );
    let win = window.as_array().to_vec();
    let stft = (n_fft, hop_length, &win[..], center, pad_mode);
    match y {
        FloatArray::F32(y) => chroma_y_typed(py, y, stft, p, n_jobs),
        FloatArray::F64(y) => chroma_y_typed(py, y, stft, p, n_jobs),
    }
}

fn chroma_s_typed<'py, T: Float + Element>(
    py: Python<'py>,
    s: PyReadonlyArrayDyn<'py, T>,
    p: ChromaParams,
    n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Option<f64>)> {
    let view = s.as_array();
    let (lead, n_frames, data, tuning) = run(py, || {
        let (lead, n_frames, cols) = columns(&view, "S")?;
        let (data, tuning) = parallel::install(n_jobs, || chroma::chroma_from_columns(&cols, &p))??;
        Ok((lead, n_frames, data, tuning))
    })?;
    Ok((to_numpy(py, data, &lead, &[n_frames, p.n_chroma])?, tuning))
}

/// Chromagram of a power spectrogram `(..., bins, frames)`: `((..., frames, n_chroma), tuning)` (tuning `None`: none could be estimated, 0 was used).
#[pyfunction]
#[pyo3(signature = (s, *, sr, n_fft, tuning, n_chroma, ctroct, octwidth, filter_norm, base_c, norm, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn chroma_from_s<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    sr: f64,
    n_fft: usize,
    tuning: Option<f64>,
    n_chroma: usize,
    ctroct: f64,
    octwidth: Option<f64>,
    filter_norm: Option<f64>,
    base_c: bool,
    norm: Option<f64>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Option<f64>)> {
    let p = chroma_params(
        sr,
        n_fft,
        n_chroma,
        tuning,
        ctroct,
        octwidth,
        filter_norm,
        base_c,
        norm,
    );
    match s {
        FloatArray::F32(s) => chroma_s_typed(py, s, p, n_jobs),
        FloatArray::F64(s) => chroma_s_typed(py, s, p, n_jobs),
    }
}

/// librosa's chroma filter bank `(n_chroma, 1 + n_fft/2)` float32.
#[pyfunction]
#[pyo3(signature = (*, sr, n_fft, tuning, n_chroma, ctroct, octwidth, filter_norm, base_c))]
#[allow(clippy::too_many_arguments)]
fn chroma_filters<'py>(
    py: Python<'py>,
    sr: f64,
    n_fft: usize,
    tuning: f64,
    n_chroma: usize,
    ctroct: f64,
    octwidth: Option<f64>,
    filter_norm: Option<f64>,
    base_c: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let p = chroma_params(
        sr,
        n_fft,
        n_chroma,
        Some(tuning),
        ctroct,
        octwidth,
        filter_norm,
        base_c,
        None,
    );
    let fb = run(py, || chroma::filterbank(&p, tuning))?;
    to_numpy(py, fb, &[], &[n_chroma, n_fft / 2 + 1])
}

fn hpss_masks_typed<'py, T: Float + Element>(
    py: Python<'py>,
    s: PyReadonlyArrayDyn<'py, T>,
    p: HpssParams,
    n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let view = s.as_array();
    let (lead, n_frames, n_bins, mh, mp) = run(py, || {
        let (lead, n_frames, cols) = columns(&view, "S")?;
        let n_bins = view.shape()[view.ndim() - 2];
        // Time-major copy: each channel's frames, each frame's bins contiguous.
        let mag: Vec<T> = cols.iter().flat_map(|c| c.iter().copied()).collect();
        let per = n_frames * n_bins;
        let (mut mh, mut mp) = (Vec::with_capacity(mag.len()), Vec::with_capacity(mag.len()));
        parallel::install(n_jobs, || -> Result<()> {
            for channel in mag.chunks(per.max(1)) {
                let (h, q) = hpss::masks(channel, n_frames, n_bins, &p)?;
                mh.extend(h);
                mp.extend(q);
            }
            Ok(())
        })??;
        Ok((lead, n_frames, n_bins, mh, mp))
    })?;
    Ok((
        to_numpy(py, mh, &lead, &[n_frames, n_bins])?,
        to_numpy(py, mp, &lead, &[n_frames, n_bins])?,
    ))
}

/// Harmonic and percussive soft masks of a magnitude spectrogram `(..., bins, frames)`,
/// each `(..., frames, bins)`.
#[pyfunction]
#[pyo3(signature = (s, *, kernel_harmonic, kernel_percussive, power, margin_harmonic, margin_percussive, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn hpss_masks<'py>(
    py: Python<'py>,
    s: FloatArray<'py>,
    kernel_harmonic: usize,
    kernel_percussive: usize,
    power: f64,
    margin_harmonic: f64,
    margin_percussive: f64,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let p = HpssParams {
        kernel_harmonic,
        kernel_percussive,
        power,
        margin_harmonic,
        margin_percussive,
    };
    match s {
        FloatArray::F32(s) => hpss_masks_typed(py, s, p, n_jobs),
        FloatArray::F64(s) => hpss_masks_typed(py, s, p, n_jobs),
    }
}

#[allow(clippy::too_many_arguments)]
fn hpss_signal_typed<'py, T: Float + Element>(
    py: Python<'py>,
    y: PyReadonlyArrayDyn<'py, T>,
    n_fft: usize,
    hop: usize,
    window: &[f64],
    center: bool,
    pad_mode: &str,
    p: HpssParams,
    same_length: bool,
    n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let view = y.as_array();
    let (lead, n, h, q) = run(py, || {
        let params =
            StftParams::<T>::new(n_fft, hop, window, center, pad_mode.parse::<PadMode>()?)?;
        let (lead, lanes) = last_axis_lanes(&view, "y")?;
        let len = lanes.first().map_or(0, |l| l.len());
        let (mut h, mut q) = (Vec::new(), Vec::new());
        parallel::install(n_jobs, || -> Result<()> {
            for lane in &lanes {
                let (a, b) =
                    hpss::separate(lane.view(), &params, window, &p, same_length.then_some(len))?;
                h.extend(a);
                q.extend(b);
            }
            Ok(())
        })??;
        let n = if lanes.is_empty() {
            0
        } else {
            h.len() / lanes.len()
        };
        Ok((lead, n, h, q))
    })?;
    Ok((to_numpy(py, h, &lead, &[n])?, to_numpy(py, q, &lead, &[n])?))
}

/// `effects.hpss` of audio `(..., n)`: harmonic and percussive signals. With
/// `same_length`, both have the input's length (librosa >= 0.10); otherwise the
/// natural iSTFT length (librosa < 0.10).
#[pyfunction]
#[pyo3(signature = (y, *, n_fft, hop_length, window, center, pad_mode, kernel_harmonic, kernel_percussive, power, margin_harmonic, margin_percussive, same_length, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn hpss_signal<'py>(
    py: Python<'py>,
    y: FloatArray<'py>,
    n_fft: usize,
    hop_length: usize,
    window: PyReadonlyArray1<'py, f64>,
    center: bool,
    pad_mode: &str,
    kernel_harmonic: usize,
    kernel_percussive: usize,
    power: f64,
    margin_harmonic: f64,
    margin_percussive: f64,
    same_length: bool,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let p = HpssParams {
        kernel_harmonic,
        kernel_percussive,
        power,
        margin_harmonic,
        margin_percussive,
    };
    let win = window.as_array().to_vec();
    match y {
        FloatArray::F32(y) => hpss_signal_typed(
            py,
            y,
            n_fft,
            hop_length,
            &win,
            center,
            pad_mode,
            p,
            same_length,
            n_jobs,
        ),
        FloatArray::F64(y) => hpss_signal_typed(
            py,
            y,
            n_fft,
            hop_length,
            &win,
            center,
            pad_mode,
            p,
            same_length,
            n_jobs,
        ),
    }
}

fn onset_typed<'py, T: Float + Element>(
    py: Python<'py>,
    s: PyReadonlyArrayDyn<'py, T>,
    p: OnsetParams,
) -> PyResult<Bound<'py, PyAny>> {
    let view = s.as_array();
    let (lead, n, data) = run(py, || {
        let (lead, n_frames, cols) = columns(&view, "S")?;
        let n_bands = view.shape()[view.ndim() - 2];
        let flat: Vec<T> = cols.iter().flat_map(|c| c.iter().copied()).collect();
        let mut data = Vec::new();
        for channel in flat
            .chunks((n_frames * n_bands).max(1))
            .take(lead.iter().product())
        {
            data.extend(onset::onset_strength(channel, n_frames, n_bands, &p)?);
        }
        let n = if data.is_empty() {
            0
        } else {
            data.len() / lead.iter().product::<usize>().max(1)
        };
        Ok((lead, n, data))
    })?;
    to_numpy(py, data, &lead, &[n])
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
    let aggregate = if median {
        Aggregate::Median
    } else {
        Aggregate::Mean
    };
    let p = OnsetParams {
        lag,
        max_size,
        aggregate,
        pad_width,
        center,
    };
    match s {
        FloatArray::F32(s) => onset_typed(py, s, p),
        FloatArray::F64(s) => onset_typed(py, s, p),
    }
}

fn tempogram_typed<'py, T: Float + Element>(
    py: Python<'py>,
    env: PyReadonlyArrayDyn<'py, T>,
    window: &[f64],
    center: bool,
    norm: Option<f64>,
    n_jobs: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let view = env.as_array();
    let (lead, n_frames, data) = run(py, || {
        let (lead, lanes) = last_axis_lanes(&view, "onset_envelope")?;
        let mut data = Vec::new();
        for lane in &lanes {
            let x = crate::dsp::stft::contiguous(lane);
            data.extend(parallel::install(n_jobs, || {
                tempo::tempogram(&x, window, center, norm)
            })??);
        }
        let n_frames = data.len() / (window.len() * lanes.len()).max(1);
        Ok((lead, n_frames, data))
    })?;
    to_numpy(py, data, &lead, &[n_frames, window.len()])
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
    let win = window.as_array().to_vec();
    match onset_envelope {
        FloatArray::F32(e) => tempogram_typed(py, e, &win, center, norm, n_jobs),
        FloatArray::F64(e) => tempogram_typed(py, e, &win, center, norm, n_jobs),
    }
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
    let (lead, data) = run(py, || {
        let (lead, lanes) = last_axis_lanes(&view, "tg")?;
        let data = lanes
            .iter()
            .map(|l| tempo::best_tempo(&crate::dsp::stft::contiguous(l), sr, hop_length, &prior))
            .collect::<Result<Vec<f64>>>()?;
        Ok((lead, data))
    })?;
    to_numpy(py, data, &lead, &[])
}

/// Adds this module's functions to `tunelens._core`.
fn gtzan_typed<T: Float + Element + Log10>(
    py: Python<'_>,
    y: PyReadonlyArrayDyn<'_, T>,
    sr: f64,
    recipe: Recipe,
    n_jobs: i64,
) -> PyResult<Vec<f64>> {
    let view = y.as_array();
    run(py, || {
        let y = view
            .into_dimensionality::<ndarray::Ix1>()
            .map_err(|_| Error::param("y", "must be a mono (1-D) signal"))?;
        let work = || gtzan_values(y, sr, recipe);
        if n_jobs == 1 {
            parallel::sequential(work)
        } else {
            parallel::install(n_jobs, work)?
        }
    })
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
    recipe: &str,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Vec<f64>> {
    let recipe = match recipe {
        "gtzan" => Recipe::Librosa,
        "gtzan_kaggle" => Recipe::Kaggle,
        other => {
            return Err(super::errors::to_pyerr(
                py,
                Error::param(
                    "recipe",
                    format!("must be 'gtzan' or 'gtzan_kaggle', got {other:?}"),
                ),
            ))
        }
    };
    match y {
        FloatArray::F32(y) => gtzan_typed(py, y, sr, recipe, n_jobs),
        FloatArray::F64(y) => gtzan_typed(py, y, sr, recipe, n_jobs),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(spectral_from_y, m)?)?;
    m.add_function(wrap_pyfunction!(spectral_from_s, m)?)?;
    m.add_function(wrap_pyfunction!(rms, m)?)?;
    m.add_function(wrap_pyfunction!(zero_crossing_rate, m)?)?;
    m.add_function(wrap_pyfunction!(dct_basis, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_stft, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_from_s, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_filters, m)?)?;
    m.add_function(wrap_pyfunction!(hpss_masks, m)?)?;
    m.add_function(wrap_pyfunction!(hpss_signal, m)?)?;
    m.add_function(wrap_pyfunction!(onset_strength, m)?)?;
    m.add_function(wrap_pyfunction!(tempogram, m)?)?;
    m.add_function(wrap_pyfunction!(tempo_from_strength, m)?)?;
    m.add_function(wrap_pyfunction!(gtzan_features, m)?)?;
    Ok(())
}
