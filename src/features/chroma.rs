//! Chromagrams from power spectra (`librosa.feature.chroma_stft`), with
//! librosa's tuning estimation and chroma filter bank (`filters.chroma`).

use ndarray::{ArrayView1, ArrayViewD};
use rayon::prelude::*;

use super::tuning::{bin_range, piptrack_peaks, tuning_from_peaks};
use crate::dsp::nd::{columns, last_axis_lanes, Shaped};
use crate::dsp::spectrogram::power_spectrogram;
use crate::dsp::{Float, StftSpec};
use crate::error::{affordable, ensure, Result};
use crate::parallel;

/// Options of `chroma_stft` and its filter bank, with librosa's meanings.
#[derive(Clone, Copy, Debug)]
pub struct ChromaParams {
    /// Sample rate of the analysed signal.
    pub sr: f64,
    /// FFT length the spectra were computed with.
    pub n_fft: usize,
    /// Chroma bins per octave.
    pub n_chroma: usize,
    /// Deviation from A440 in fractions of a chroma bin; `None` estimates it.
    pub tuning: Option<f64>,
    /// Center (in octaves above A0 = 27.5 Hz) of the Gaussian octave weighting.
    pub ctroct: f64,
    /// Half-width of the octave weighting, `None` for flat weighting.
    pub octwidth: Option<f64>,
    /// Norm of each filter-bank column (`None` for none).
    pub filter_norm: Option<f64>,
    /// Start the chroma rows at C instead of A.
    pub base_c: bool,
    /// Norm of each output frame (`f64::INFINITY` = divide by the max; `None` for none).
    pub norm: Option<f64>,
}

/// Divides `x` by its `p`-norm (`inf` = max magnitude) unless that norm is
/// below `tiny`, as `librosa.util.normalize(..., fill=None)` does.
fn normalize<T: Float>(x: &mut [T], p: Option<f64>, tiny: f64) {
    let Some(p) = p else { return };
    let length = if p.is_infinite() {
        x.iter().map(|v| v.wide().abs()).fold(0.0, f64::max)
    } else {
        x.iter()
            .map(|v| v.wide().abs().powf(p))
            .sum::<f64>()
            .powf(1.0 / p)
    };
    if length >= tiny {
        let length = T::of(length);
        x.iter_mut().for_each(|v| *v = *v / length);
    }
}

/// librosa's chroma filter bank, `n_chroma × (1 + n_fft / 2)` row-major,
/// computed in `f64` and rounded to `f32` (librosa's default dtype).
pub fn filterbank(p: &ChromaParams, tuning: f64) -> Result<Vec<f32>> {
    ensure(p.n_chroma > 0, "n_chroma", || {
        "must be a positive number of bins".into()
    })?;
    ensure(p.n_fft >= 2, "n_fft", || {
        format!(
            "must be at least 2 for a chroma filter bank, got {}",
            p.n_fft
        )
    })?;
    ensure(p.filter_norm.is_none_or(|n| n > 0.0), "norm", || {
        "filter norm must be positive".into()
    })?;
    // The bank in f64 and f32, over all n_fft points before folding to 1 + n_fft / 2.
    crate::error::affordable("n_chroma", 12.0 * p.n_chroma as f64 * p.n_fft as f64)?;
    let (n_fft, nc) = (p.n_fft, p.n_chroma as f64);
    let a440 = 440.0 * 2f64.powf(tuning / nc);
    let mut frqbins: Vec<f64> = (1..n_fft)
        .map(|i| nc * ((i as f64 * (p.sr / n_fft as f64)) / (a440 / 16.0)).log2())
        .collect();
    frqbins.insert(0, frqbins[0] - 1.5 * nc);
    let width: Vec<f64> = (0..n_fft)
        .map(|i| {
            if i + 1 < n_fft {
                (frqbins[i + 1] - frqbins[i]).max(1.0)
            } else {
                1.0
            }
        })
        .collect();
    let half = (nc / 2.0).round_ties_even();
    let n_bins = n_fft / 2 + 1;
    let mut wts = vec![0.0f64; p.n_chroma * n_bins];
    let mut column = vec![0.0f64; p.n_chroma];
    let roll = 3 * (p.n_chroma / 12);
    for i in 0..n_bins {
        for (c, w) in column.iter_mut().enumerate() {
            let d = (frqbins[i] - c as f64 + half + 10.0 * nc).rem_euclid(nc) - half;
            *w = (-0.5 * (2.0 * d / width[i]).powi(2)).exp();
        }
        normalize(&mut column, p.filter_norm, f64::MIN_POSITIVE);
        let octave = p.octwidth.map_or(1.0, |ow| {
            (-0.5 * ((frqbins[i] / nc - p.ctroct) / ow).powi(2)).exp()
        });
        for c in 0..p.n_chroma {
            let source = if p.base_c { (c + roll) % p.n_chroma } else { c };
            wts[c * n_bins + i] = column[source] * octave;
        }
    }
    Ok(wts.into_iter().map(|w| w as f32).collect())
}

/// Estimates the tuning of power-spectrum columns like `librosa.estimate_tuning`
/// (piptrack between 150 Hz and 4 kHz, threshold 0.1, resolution 0.01);
/// `None` when no pitch was found (librosa warns and uses 0).
pub fn estimate_tuning<T: Float>(
    columns: &[ArrayView1<'_, T>],
    sr: f64,
    n_fft: usize,
    bins_per_octave: usize,
) -> Option<f64> {
    let bins = bin_range(sr, n_fft, 150.0, 4000.0);
    let mut peaks: Vec<(f64, T)> = columns
        .par_iter()
        .fold(Vec::new, |mut acc, col| {
            let owned;
            let s = match col.as_slice() {
                Some(s) => s,
                None => {
                    owned = col.to_vec();
                    &owned
                }
            };
            piptrack_peaks(s, bins.clone(), sr, n_fft, 0.1, &mut acc);
            acc
        })
        .flatten()
        .collect();
    tuning_from_peaks(&mut peaks, 0.01, bins_per_octave)
}

/// Chromagram of power-spectrum columns (one per frame, all channels):
/// `columns.len() × n_chroma`, and the tuning used (`None`: estimation found
/// no pitch and used 0).
pub fn chroma_from_columns<T: Float>(
    columns: &[ArrayView1<'_, T>],
    p: &ChromaParams,
) -> Result<(Vec<T>, Option<f64>)> {
    let n_bins = p.n_fft / 2 + 1;
    ensure(columns.iter().all(|c| c.len() == n_bins), "S", || {
        format!("must have 1 + n_fft/2 = {n_bins} frequency bins")
    })?;
    ensure(p.norm.is_none_or(|n| n > 0.0), "norm", || {
        "must be positive (np.inf for the max) or None".into()
    })?;
    // The filter bank (checked more closely by [`filterbank`]) and the output.
    let (nc, frames) = (p.n_chroma as f64, columns.len() as f64);
    affordable("n_chroma", 8.0 * nc * (n_bins as f64 + frames))?;
    let tuning = match p.tuning {
        Some(t) => Some(t),
        None => estimate_tuning(columns, p.sr, p.n_fft, p.n_chroma),
    };
    let fb = filterbank(p, tuning.unwrap_or(0.0))?;
    let nc = p.n_chroma;
    let mut out = vec![T::zero(); columns.len() * nc];
    let bank = ChromaBank::new(&fb, nc);
    out.par_chunks_mut(nc)
        .zip(columns.par_iter())
        .for_each_init(Vec::new, |acc, (o, col)| {
            bank.apply(col.iter().copied(), p.norm, acc, o)
        });
    Ok((out, tuning))
}

/// A chroma filter bank stored bin by bin (`n_bins × n_chroma`, in `f64`), so
/// that one pass over a spectrum updates every chroma's sum at once: each sum
/// still adds the bins in order, as the row-by-row dot product does.
pub struct ChromaBank {
    weights: Vec<f64>,
    n_chroma: usize,
}

impl ChromaBank {
    /// The bank of [`filterbank`]'s `n_chroma × n_bins` row-major weights.
    pub fn new(fb: &[f32], n_chroma: usize) -> Self {
        let n_bins = fb.len() / n_chroma.max(1);
        let weights = (0..n_bins)
            .flat_map(|k| (0..n_chroma).map(move |c| fb[c * n_bins + k] as f64))
            .collect();
        ChromaBank { weights, n_chroma }
    }

    /// One chroma frame of a power spectrum (summed in `f64`, rounded to `T`),
    /// normalised by `norm`; `acc` is scratch space.
    pub fn apply<T: Float>(
        &self,
        spectrum: impl Iterator<Item = T>,
        norm: Option<f64>,
        acc: &mut Vec<f64>,
        out: &mut [T],
    ) {
        acc.clear();
        acc.resize(self.n_chroma, 0.0);
        for (w, s) in self
            .weights
            .chunks_exact(self.n_chroma.max(1))
            .zip(spectrum)
        {
            let s = s.wide();
            acc.iter_mut().zip(w).for_each(|(a, &w)| *a += w * s);
        }
        out.iter_mut()
            .zip(acc.iter())
            .for_each(|(o, &a)| *o = T::of(a));
        normalize(out, norm, T::min_positive_value().wide());
    }
}

/// A chromagram `(..., frames, n_chroma)` and the tuning it used (`None`:
/// estimation found no pitch and used 0).
pub type Chromagram<T> = (Shaped<T>, Option<f64>);

/// `chroma_stft` of every channel of audio `y` (`(..., n)`): its power
/// spectrogram (`|X|²`) through [`chroma_from_columns`], on `n_jobs` threads.
pub fn of_signal<T: Float>(
    y: &ArrayViewD<'_, T>,
    stft: &StftSpec,
    p: &ChromaParams,
    n_jobs: i64,
) -> Result<Chromagram<T>> {
    let params = stft.params::<T>()?;
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    parallel::install(n_jobs, || {
        let power = power_spectrogram(&lanes, &params, 2.0)?;
        let cols: Vec<ArrayView1<'_, T>> = power
            .data
            .chunks(power.width)
            .map(ArrayView1::from)
            .collect();
        let (data, tuning) = chroma_from_columns(&cols, p)?;
        let tail = [power.n_frames, p.n_chroma];
        Ok((Shaped::new(data, &lead, &tail), tuning))
    })?
}

/// `chroma_stft` of a power spectrogram `s` (`(..., bins, frames)`) on
/// `n_jobs` threads.
pub fn of_spectrogram<T: Float>(
    s: &ArrayViewD<'_, T>,
    p: &ChromaParams,
    n_jobs: i64,
) -> Result<Chromagram<T>> {
    let cols = columns(s, "S")?;
    let (data, tuning) = parallel::install(n_jobs, || chroma_from_columns(&cols.columns, p))??;
    let tail = [cols.n_frames, p.n_chroma];
    Ok((Shaped::new(data, &cols.lead, &tail), tuning))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(n_fft: usize) -> ChromaParams {
        ChromaParams {
            sr: 22050.0,
            n_fft,
            n_chroma: 12,
            tuning: None,
            ctroct: 5.0,
            octwidth: Some(2.0),
            filter_norm: Some(2.0),
            base_c: true,
            norm: Some(f64::INFINITY),
        }
    }

    #[test]
    fn a_pure_a440_lights_up_a() {
        let n_fft = 4096;
        let k = (440.0 * n_fft as f64 / 22050.0).round() as usize;
        let mut s = vec![0.0f64; n_fft / 2 + 1];
        s[k] = 1.0;
        let col = ArrayView1::from(&s[..]);
        let (c, _) = chroma_from_columns(
            &[col],
            &ChromaParams {
                tuning: Some(0.0),
                ..params(n_fft)
            },
        )
        .unwrap();
        let best = (0..12)
            .max_by(|&a, &b| c[a].partial_cmp(&c[b]).unwrap())
            .unwrap();
        assert_eq!(best, 9, "A is row 9 when rows start at C");
        assert_eq!(c[9], 1.0);
    }

    #[test]
    fn rejects_mismatched_spectra() {
        let s = [0.0f32; 10];
        assert!(chroma_from_columns(&[ArrayView1::from(&s[..])], &params(2048)).is_err());
    }

    #[test]
    fn signal_chroma_is_the_chroma_of_its_power_spectrogram() {
        use ndarray::{Array, Axis, IxDyn};
        let n_fft = 1024;
        let y = Array::from_shape_fn(IxDyn(&[2, 8000]), |i| {
            ((i[1] as f64) * 0.02 * (1 + i[0]) as f64).sin()
        });
        let stft = StftSpec {
            n_fft,
            hop_length: 256,
            window: crate::dsp::window::hann(n_fft),
            center: true,
            pad_mode: crate::dsp::PadMode::Constant,
        };
        let (chroma, tuning) = of_signal(&y.view(), &stft, &params(n_fft), 2).unwrap();
        let frames = 1 + 8000 / 256;
        assert_eq!(chroma.shape, vec![2, frames, 12]);
        // The same power spectrogram handed over as (channels, bins, frames).
        let lanes: Vec<_> = y
            .axis_iter(Axis(0))
            .map(|l| l.into_dimensionality::<ndarray::Ix1>().unwrap())
            .collect();
        let power = power_spectrogram(&lanes, &stft.params::<f64>().unwrap(), 2.0).unwrap();
        let s = Array::from_shape_vec(IxDyn(&[2, frames, n_fft / 2 + 1]), power.data).unwrap();
        let s = s.permuted_axes(IxDyn(&[0, 2, 1]));
        let (again, tuning_again) = of_spectrogram(&s.view(), &params(n_fft), 1).unwrap();
        assert_eq!((again.shape, tuning_again), (chroma.shape.clone(), tuning));
        assert_eq!(again.data, chroma.data);
    }

    #[test]
    fn a_chromagram_beyond_memory_is_refused_before_its_filter_bank() {
        let s = vec![0.0f64; 1025];
        let p = ChromaParams {
            n_chroma: usize::MAX / 64,
            ..params(2048)
        };
        crate::error::assert_too_large(
            chroma_from_columns(&[ArrayView1::from(&s[..])], &p),
            "n_chroma",
        );
    }
}
