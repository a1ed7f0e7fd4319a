//! Spectral shape descriptors of magnitude spectra (`librosa.feature.spectral_*`).
//!
//! One [`Spectral`] value describes the feature; [`from_signal`] computes it
//! frame by frame inside the STFT loop (the magnitude spectrogram is never
//! stored), [`from_columns`] from a precomputed spectrogram.
//! [`SpectralOptions`] names a descriptor as callers do (a kind and every
//! option); [`of_signal`] and [`of_spectrogram`] compute it for arrays of any
//! leading shape.

use ndarray::{ArrayView1, ArrayViewD};
use rayon::prelude::*;

use crate::dsp::nd::{columns, last_axis_lanes, Shaped};
use crate::dsp::spectrogram::magnitude;
use crate::dsp::stft::{map_frames, FrameMatrix, StftParams, StftSpec};
use crate::dsp::Float;
use crate::error::{affordable, ensure, Error, Result};
use crate::parallel;

pub use crate::options::features::spectral::SpectralKind;

/// A spectral descriptor with all the options of every kind (each kind reads
/// its own), as the Python layer passes them.
#[derive(Clone, Debug)]
pub struct SpectralOptions {
    /// Which descriptor.
    pub kind: SpectralKind,
    /// Bandwidth: order of the deviation.
    pub p: f64,
    /// Bandwidth: normalise the magnitudes per frame.
    pub norm: bool,
    /// Rolloff: fraction of the total magnitude.
    pub roll_percent: f64,
    /// Flatness: exponent of the magnitudes.
    pub power: f64,
    /// Flatness: floor of the thresholded spectrum.
    pub amin: f64,
    /// Contrast: upper edge of the first octave band in Hz.
    pub fmin: f64,
    /// Contrast: number of octave bands above the first.
    pub n_bands: usize,
    /// Contrast: fraction of each band's bins forming its peak and valley.
    pub quantile: f64,
    /// Contrast: `peak - valley` instead of their dB difference.
    pub linear: bool,
}

impl SpectralOptions {
    /// The descriptor for a spectrum with bins at `freq` Hz, sampled at `sr`.
    pub fn feature(&self, freq: &[f64], sr: f64) -> Result<Spectral> {
        Ok(match self.kind {
            SpectralKind::Centroid => Spectral::Centroid,
            SpectralKind::Bandwidth => Spectral::Bandwidth {
                p: self.p,
                norm: self.norm,
            },
            SpectralKind::Rolloff => Spectral::Rolloff {
                roll_percent: self.roll_percent,
            },
            SpectralKind::Flatness => Spectral::Flatness {
                power: self.power,
                amin: self.amin,
            },
            SpectralKind::Contrast => Spectral::Contrast(contrast_bands(
                freq,
                sr,
                self.fmin,
                self.n_bands,
                self.quantile,
            )?),
        })
    }

    /// Output rows per frame.
    pub fn rows(&self) -> usize {
        match self.kind {
            SpectralKind::Contrast => self.n_bands + 1,
            _ => 1,
        }
    }

    /// The reported rows from the raw per-frame values of every frame of
    /// every channel (contrast: [`contrast_db`] over the whole array, as
    /// librosa applies it).
    fn finish(&self, values: Vec<f64>) -> Vec<f64> {
        match self.kind {
            SpectralKind::Contrast => contrast_db(&values, self.linear),
            _ => values,
        }
    }
}

/// The descriptor `options` of every channel of audio `y` (`(..., n)`), from
/// its magnitude STFT on `n_jobs` threads: `(..., frames, rows)`.
pub fn of_signal<T: Float>(
    y: &ArrayViewD<'_, T>,
    stft: &StftSpec,
    freq: &[f64],
    sr: f64,
    options: &SpectralOptions,
    n_jobs: i64,
) -> Result<Shaped<f64>> {
    let params = stft.params::<T>()?;
    let feature = options.feature(freq, sr)?;
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let m = parallel::install(n_jobs, || from_signal(&lanes, &params, freq, &feature))??;
    let tail = [m.n_frames, options.rows()];
    Ok(Shaped::new(options.finish(m.data), &lead, &tail))
}

/// The descriptor `options` of a magnitude spectrogram `s`
/// (`(..., bins, frames)`) on `n_jobs` threads: `(..., frames, rows)`.
pub fn of_spectrogram<T: Float>(
    s: &ArrayViewD<'_, T>,
    freq: &[f64],
    sr: f64,
    options: &SpectralOptions,
    n_jobs: i64,
) -> Result<Shaped<f64>> {
    let cols = columns(s, "S")?;
    let feature = options.feature(freq, sr)?;
    let data = parallel::install(n_jobs, || from_columns(&cols.columns, freq, &feature))??;
    let tail = [cols.n_frames, options.rows()];
    Ok(Shaped::new(options.finish(data), &cols.lead, &tail))
}

/// Bins of one spectral-contrast band and how many of them form its peak/valley.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// First bin of the band.
    pub start: usize,
    /// One past the last bin of the band.
    pub end: usize,
    /// Bins averaged for the valley (lowest) and the peak (highest).
    pub quantile_bins: usize,
}

/// Which spectral descriptor to compute, with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Spectral {
    /// Magnitude-weighted mean frequency.
    Centroid,
    /// `p`-th order weighted deviation around the centroid; `norm` divides the
    /// weights by their sum.
    Bandwidth {
        /// Order of the deviation.
        p: f64,
        /// Normalise the magnitudes to sum to one per frame.
        norm: bool,
    },
    /// Lowest frequency below which `roll_percent` of the magnitude lies.
    Rolloff {
        /// Fraction of the total magnitude, in (0, 1).
        roll_percent: f64,
    },
    /// Geometric over arithmetic mean of `max(amin, |S|^power)`.
    Flatness {
        /// Exponent applied to the magnitudes.
        power: f64,
        /// Floor of the thresholded spectrum.
        amin: f64,
    },
    /// Mean of the highest and of the lowest quantile of each octave band
    /// (peak and valley, interleaved per band; see [`contrast_db`]).
    Contrast(Vec<Band>),
}

impl Spectral {
    /// Values emitted per frame.
    pub fn width(&self) -> usize {
        match self {
            Spectral::Contrast(bands) => 2 * bands.len(),
            _ => 1,
        }
    }

    /// Checks the parameters against the spectrum's frequencies.
    fn validate(&self, freq: &[f64]) -> Result<()> {
        match self {
            Spectral::Bandwidth { p, .. } => ensure(p.is_finite() && *p > 0.0, "p", || {
                format!("must be a positive order, got {p}")
            }),
            Spectral::Rolloff { roll_percent } => ensure(
                *roll_percent > 0.0 && *roll_percent < 1.0,
                "roll_percent",
                || format!("must lie in the range (0, 1), got {roll_percent}"),
            ),
            Spectral::Flatness { amin, power } => {
                ensure(*amin > 0.0, "amin", || {
                    format!("must be strictly positive, got {amin}")
                })?;
                ensure(power.is_finite() && *power > 0.0, "power", || {
                    format!("must be positive, got {power}")
                })
            }
            Spectral::Contrast(bands) => ensure(
                bands.iter().all(|b| b.end <= freq.len() && b.start < b.end),
                "freq",
                || "contrast bands do not fit the spectrum's frequencies".into(),
            ),
            Spectral::Centroid => Ok(()),
        }
    }

    /// Computes this feature of one magnitude spectrum `mag` (bins at `freq`).
    /// `scratch` is reusable working memory.
    pub fn eval<T: Float>(&self, mag: &[T], freq: &[f64], scratch: &mut Vec<T>, out: &mut [f64]) {
        match self {
            Spectral::Centroid => out[0] = centroid(mag, freq),
            Spectral::Bandwidth { p, norm } => out[0] = bandwidth(mag, freq, *p, *norm),
            Spectral::Rolloff { roll_percent } => out[0] = rolloff(mag, freq, *roll_percent),
            Spectral::Flatness { power, amin } => out[0] = flatness(mag, *power, *amin),
            Spectral::Contrast(bands) => {
                for (band, pair) in bands.iter().zip(out.chunks_mut(2)) {
                    scratch.clear();
                    scratch.extend_from_slice(&mag[band.start..band.end]);
                    scratch.sort_unstable_by(|a, b| {
                        a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
                    });
                    let q = band.quantile_bins;
                    pair[0] = mean(&scratch[scratch.len() - q..]);
                    pair[1] = mean(&scratch[..q]);
                }
            }
        }
    }
}

fn mean<T: Float>(x: &[T]) -> f64 {
    x.iter().map(|v| v.wide()).sum::<f64>() / x.len() as f64
}

/// Sum below which librosa's `util.normalize` leaves a frame unnormalised
/// (`np.finfo(dtype).tiny`).
fn tiny<T: Float>() -> f64 {
    T::min_positive_value().wide()
}

/// Sum of the magnitudes, or 1 when below `tiny` (librosa leaves such frames as they are).
fn norm_l1<T: Float>(mag: &[T]) -> f64 {
    let total: f64 = mag.iter().map(|v| v.wide().abs()).sum();
    if total < tiny::<T>() {
        1.0
    } else {
        total
    }
}

fn centroid<T: Float>(mag: &[T], freq: &[f64]) -> f64 {
    let total = norm_l1(mag);
    mag.iter().zip(freq).map(|(m, f)| f * m.wide()).sum::<f64>() / total
}

fn bandwidth<T: Float>(mag: &[T], freq: &[f64], p: f64, norm: bool) -> f64 {
    let c = centroid(mag, freq);
    let scale = if norm { norm_l1(mag) } else { 1.0 };
    let dev = |f: f64| {
        if p == 2.0 {
            (f - c) * (f - c)
        } else {
            (f - c).abs().powf(p)
        }
    };
    let sum: f64 = mag
        .iter()
        .zip(freq)
        .map(|(m, &f)| m.wide() / scale * dev(f))
        .sum();
    sum.powf(1.0 / p)
}

/// Cumulative sum in the input's precision, as numpy's `cumsum` does, so the
/// threshold crossing lands on the same bin as librosa's.
#[expect(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "`!(a <= b)` is also true for NaN, as librosa's comparison is"
)]
fn rolloff<T: Float>(mag: &[T], freq: &[f64], roll_percent: f64) -> f64 {
    let total = mag.iter().fold(T::zero(), |acc, &m| acc + m);
    let threshold = T::of(roll_percent) * total;
    let mut cum = T::zero();
    let mut best = f64::NAN;
    for (&m, &f) in mag.iter().zip(freq) {
        cum = cum + m;
        if cum >= threshold && !(best <= f) {
            best = f;
        }
    }
    best
}

fn flatness<T: Float>(mag: &[T], power: f64, amin: f64) -> f64 {
    let (mut log_sum, mut sum) = (0.0, 0.0);
    for m in mag {
        let m = m.wide();
        let v = if power == 2.0 {
            m * m
        } else if power == 1.0 {
            m
        } else {
            m.powf(power)
        };
        let v = v.max(amin);
        log_sum += v.ln();
        sum += v;
    }
    let n = mag.len() as f64;
    (log_sum / n).exp() / (sum / n)
}

/// Centroid, bandwidth (`p = 2`, normalised) and rolloff (`roll_percent`) of
/// one magnitude spectrum in two passes over it; each value is bit-identical
/// to [`Spectral::eval`] of that feature (same sums in the same order).
#[expect(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "`!(a <= b)` is also true for NaN, as librosa's comparison is"
)]
pub fn centroid_bandwidth_rolloff<T: Float>(
    mag: &[T],
    freq: &[f64],
    roll_percent: f64,
) -> [f64; 3] {
    let (mut l1, mut weighted, mut total) = (0.0f64, 0.0f64, T::zero());
    for (&m, &f) in mag.iter().zip(freq) {
        l1 += m.wide().abs();
        weighted += f * m.wide();
        total = total + m;
    }
    let l1 = if l1 < tiny::<T>() { 1.0 } else { l1 };
    let centroid = weighted / l1;
    let threshold = T::of(roll_percent) * total;
    let (mut spread, mut cum, mut rolloff) = (0.0f64, T::zero(), f64::NAN);
    for (&m, &f) in mag.iter().zip(freq) {
        spread += m.wide() / l1 * ((f - centroid) * (f - centroid));
        cum = cum + m;
        if cum >= threshold && !(rolloff <= f) {
            rolloff = f;
        }
    }
    [centroid, spread.powf(0.5), rolloff]
}

/// Computes `feature` from the magnitude STFT of each channel:
/// `channels × frames × feature.width()`.
pub fn from_signal<T: Float>(
    channels: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    freq: &[f64],
    feature: &Spectral,
) -> Result<FrameMatrix<f64>> {
    check_freq(freq, params.n_bins())?;
    feature.validate(freq)?;
    map_frames(
        channels,
        params,
        feature.width(),
        || (vec![T::zero(); params.n_bins()], Vec::new()),
        |(mag, scratch), spectrum, out| {
            for (m, &x) in mag.iter_mut().zip(spectrum) {
                *m = magnitude(x);
            }
            feature.eval(mag, freq, scratch, out);
        },
    )
}

/// Computes `feature` from precomputed magnitude columns (one view per frame,
/// any strides): `columns.len() × feature.width()`. Magnitudes must be
/// non-negative, as librosa requires.
pub fn from_columns<T: Float>(
    columns: &[ArrayView1<'_, T>],
    freq: &[f64],
    feature: &Spectral,
) -> Result<Vec<f64>> {
    if let Some(c) = columns.first() {
        check_freq(freq, c.len())?;
    }
    feature.validate(freq)?;
    let negative = columns.par_iter().any(|c| c.iter().any(|v| *v < T::zero()));
    ensure(!negative, "S", || {
        "spectral features are only defined with non-negative energies".into()
    })?;
    let width = feature.width();
    let mut out = vec![0.0; columns.len() * width];
    if width > 0 {
        out.par_chunks_mut(width)
            .zip(columns.par_iter())
            .for_each_init(
                || (Vec::new(), Vec::new()),
                |(buf, scratch), (o, col)| match col.as_slice() {
                    Some(mag) => feature.eval(mag, freq, scratch, o),
                    None => {
                        buf.clear();
                        buf.extend(col.iter().copied());
                        feature.eval(buf, freq, scratch, o);
                    }
                },
            );
    }
    Ok(out)
}

fn check_freq(freq: &[f64], n_bins: usize) -> Result<()> {
    if freq.len() != n_bins {
        return Err(Error::param(
            "freq",
            format!(
                "has {} values but the spectrum has {n_bins} frequency bins",
                freq.len()
            ),
        ));
    }
    Ok(())
}

/// librosa's octave bands for spectral contrast: band `k` spans
/// `[fmin * 2^(k-1), fmin * 2^k]` (band 0 starts at 0 Hz), widened by one bin
/// below for `k > 0`, to the top for the last band, and losing its top bin
/// otherwise; `quantile` of its bins (at least one) form the peak and valley.
pub fn contrast_bands(
    freq: &[f64],
    sr: f64,
    fmin: f64,
    n_bands: usize,
    quantile: f64,
) -> Result<Vec<Band>> {
    ensure(fmin > 0.0, "fmin", || {
        format!("must be a positive frequency, got {fmin}")
    })?;
    ensure(n_bands >= 1, "n_bands", || {
        "must be a positive integer".into()
    })?;
    // Band edges and per-band buffers, before the Nyquist check builds them.
    affordable("n_bands", 64.0 * n_bands as f64)?;
    ensure(quantile > 0.0 && quantile < 1.0, "quantile", || {
        format!("must lie in the range (0, 1), got {quantile}")
    })?;
    let mut edges = vec![0.0];
    edges.extend((0..=n_bands).map(|i| fmin * 2f64.powi(i as i32)));
    ensure(
        edges[..edges.len() - 1].iter().all(|&e| e < 0.5 * sr),
        "n_bands",
        || {
            format!(
                "fmin * 2**n_bands = {} Hz lies above the Nyquist frequency {} Hz",
                edges[n_bands],
                0.5 * sr
            )
        },
    )?;
    (0..=n_bands)
        .map(|k| {
            let (lo, hi) = (edges[k], edges[k + 1]);
            let inside: Vec<usize> = (0..freq.len()).filter(|&i| freq[i] >= lo && freq[i] <= hi).collect();
            let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
                return Err(Error::param("n_fft", format!("no frequency bin lies in the contrast band {lo}-{hi} Hz; use a larger n_fft")));
            };
            let start = if k > 0 { first.saturating_sub(1) } else { first };
            let end = if k == n_bands { freq.len() } else { last + 1 };
            let selected = end - start;
            let end = if k < n_bands { end - 1 } else { end };
            let quantile_bins = ((quantile * selected as f64).round_ties_even() as usize).max(1);
            ensure(end > start && quantile_bins <= end - start, "n_fft", || {
                format!("the contrast band {lo}-{hi} Hz has too few frequency bins; use a larger n_fft")
            })?;
            Ok(Band { start, end, quantile_bins })
        })
        .collect()
}

/// Turns interleaved (peak, valley) values into spectral contrast rows: with
/// `linear`, `peak - valley`; otherwise `power_to_db(peak) - power_to_db(valley)`
/// where each `power_to_db` (amin 1e-10, top_db 80) clips at its own global
/// maximum, exactly as librosa applies it to the whole peak/valley arrays.
pub fn contrast_db(pairs: &[f64], linear: bool) -> Vec<f64> {
    if linear {
        return pairs.chunks(2).map(|p| p[0] - p[1]).collect();
    }
    let db = |x: f64| 10.0 * x.max(1e-10).log10();
    let floor = |which: usize| {
        pairs
            .iter()
            .skip(which)
            .step_by(2)
            .map(|&x| db(x))
            .fold(f64::NEG_INFINITY, f64::max)
            - 80.0
    };
    let (peak_floor, valley_floor) = (floor(0), floor(1));
    pairs
        .chunks(2)
        .map(|p| db(p[0]).max(peak_floor) - db(p[1]).max(valley_floor))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_shape_descriptors_equal_single_ones() {
        let mag: Vec<f32> = (0..129)
            .map(|i| ((i * 37 % 17) as f32 * 0.3).powi(2))
            .collect();
        let freq: Vec<f64> = (0..129).map(|i| i as f64 * 86.1328125).collect();
        let fused = centroid_bandwidth_rolloff(&mag, &freq, 0.85);
        let single = [
            Spectral::Centroid,
            Spectral::Bandwidth { p: 2.0, norm: true },
            Spectral::Rolloff { roll_percent: 0.85 },
        ]
        .map(|f| {
            let mut v = [0.0];
            f.eval(&mag, &freq, &mut Vec::new(), &mut v);
            v[0]
        });
        assert_eq!(fused, single);
    }

    #[test]
    fn shape_descriptors_of_a_known_spectrum() {
        let freq = [0.0, 100.0, 200.0, 300.0];
        let mag = [0.0f64, 1.0, 1.0, 2.0];
        let mut s = Vec::new();
        let mut out = [0.0];
        Spectral::Centroid.eval(&mag, &freq, &mut s, &mut out);
        assert!((out[0] - 225.0).abs() < 1e-12);
        Spectral::Bandwidth { p: 2.0, norm: true }.eval(&mag, &freq, &mut s, &mut out);
        let var: f64 = (125.0f64.powi(2) + 25.0f64.powi(2) + 2.0 * 75.0f64.powi(2)) / 4.0;
        assert!((out[0] - var.sqrt()).abs() < 1e-9);
        Spectral::Rolloff { roll_percent: 0.5 }.eval(&mag, &freq, &mut s, &mut out);
        assert_eq!(out[0], 200.0);
        Spectral::Flatness {
            power: 1.0,
            amin: 1e-10,
        }
        .eval(&[2.0f64, 2.0], &freq[..2], &mut s, &mut out);
        assert!((out[0] - 1.0).abs() < 1e-12);
        // Silent frames: centroid 0 (unnormalised), rolloff at the first bin.
        Spectral::Centroid.eval(&[0.0f32; 4], &freq, &mut Vec::new(), &mut out);
        assert_eq!(out[0], 0.0);
    }

    #[test]
    fn contrast_bands_follow_librosa() {
        let freq: Vec<f64> = (0..1025).map(|k| k as f64 * 22050.0 / 2048.0).collect();
        let bands = contrast_bands(&freq, 22050.0, 200.0, 6, 0.02).unwrap();
        assert_eq!(bands.len(), 7);
        assert_eq!(
            bands[0],
            Band {
                start: 0,
                end: 18,
                quantile_bins: 1
            }
        );
        assert_eq!(bands[6].end, 1025);
        assert!(contrast_bands(&freq, 22050.0, 2000.0, 6, 0.02).is_err());
        assert_eq!(contrast_db(&[1.0, 0.1], false), vec![10.0]);
        assert_eq!(contrast_db(&[1.0, 0.1], true), vec![0.9]);
    }

    #[test]
    fn rejects_bad_parameters() {
        let y = ndarray::Array1::from(vec![0.1f32; 4096]);
        let p = StftParams::<f32>::librosa(256).unwrap();
        let freq = crate::dsp::mel::fft_frequencies(8000.0, 256).unwrap();
        assert!(from_signal(
            &[y.view()],
            &p,
            &freq,
            &Spectral::Rolloff { roll_percent: 1.0 }
        )
        .is_err());
        assert!(from_signal(&[y.view()], &p, &freq[1..], &Spectral::Centroid).is_err());
        let neg = ndarray::Array1::from(vec![-1.0f32; 129]);
        assert!(from_columns(&[neg.view()], &freq, &Spectral::Centroid).is_err());
    }

    fn options(kind: &str) -> SpectralOptions {
        SpectralOptions {
            kind: kind.parse().unwrap(),
            p: 2.0,
            norm: true,
            roll_percent: 0.85,
            power: 2.0,
            amin: 1e-10,
            fmin: 200.0,
            n_bands: 6,
            quantile: 0.02,
            linear: false,
        }
    }

    #[test]
    fn kinds_parse_by_name_and_refuse_others() {
        assert_eq!(
            "rolloff".parse::<SpectralKind>().unwrap(),
            SpectralKind::Rolloff
        );
        let err = "spread".parse::<SpectralKind>().unwrap_err();
        assert!(err.to_string().contains("kind") && err.to_string().contains("spread"));
    }

    #[test]
    fn arrays_of_any_leading_shape_give_one_row_block_per_channel() {
        use ndarray::{Array, IxDyn};
        let n = 4096;
        let y = Array::from_shape_fn(IxDyn(&[2, 3, n]), |i| {
            ((i[2] as f64) * 0.01 * (1 + i[0] + i[1]) as f64).sin()
        });
        let stft = StftSpec {
            n_fft: 512,
            hop_length: 128,
            window: crate::dsp::window::hann(512),
            center: true,
            pad_mode: crate::dsp::PadMode::Constant,
        };
        let freq = crate::dsp::mel::fft_frequencies(22050.0, 512).unwrap();
        let frames = 1 + n / 128;
        for (kind, rows) in [("centroid", 1), ("contrast", 7)] {
            let out = of_signal(&y.view(), &stft, &freq, 22050.0, &options(kind), 1).unwrap();
            assert_eq!(out.shape, vec![2, 3, frames, rows]);
            // Channel (1, 2) alone gives the same rows, except contrast's dB
            // floor, which librosa takes over the whole array.
            if kind == "centroid" {
                let one = y.slice(ndarray::s![1, 2, ..]).into_dyn();
                let alone = of_signal(&one, &stft, &freq, 22050.0, &options(kind), 1).unwrap();
                assert_eq!(alone.data[..], out.data[5 * frames..]);
            }
        }
        let s = Array::from_shape_fn(IxDyn(&[2, 257, 9]), |i| (i[1] + i[2]) as f64);
        let out = of_spectrogram(&s.view(), &freq, 22050.0, &options("contrast"), 1).unwrap();
        assert_eq!(out.shape, vec![2, 9, 7]);
        assert!(of_spectrogram(&y.view(), &freq, 22050.0, &options("centroid"), 1).is_err());
    }

    #[test]
    fn contrast_bands_beyond_memory_are_refused_before_their_edges() {
        let freq = crate::dsp::mel::fft_frequencies(22050.0, 2048).unwrap();
        let bands = contrast_bands(&freq, 22050.0, 200.0, usize::MAX / 16, 0.02);
        crate::error::assert_too_large(bands, "n_bands");
    }
}
