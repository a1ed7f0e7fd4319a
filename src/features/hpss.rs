//! Harmonic/percussive separation by median filtering (`librosa.decompose.hpss`,
//! `librosa.effects.hpss`): a harmonic spectrum is smooth in time, a
//! percussive one smooth in frequency.

use ndarray::{ArrayView1, ArrayView2};
use num_complex::Complex;
use rayon::prelude::*;

use crate::dsp::istft::{istft, IstftParams};
use crate::dsp::spectrogram::magnitude;
use crate::dsp::stft::{stft, StftParams};
use crate::dsp::Float;
use crate::error::{ensure, Result};
use crate::features::median::{median_lanes, Lanes, LANES};

/// HPSS options with librosa's meanings.
#[derive(Clone, Copy, Debug)]
pub struct HpssParams {
    /// Median window along time (harmonic) in frames.
    pub kernel_harmonic: usize,
    /// Median window along frequency (percussive) in bins.
    pub kernel_percussive: usize,
    /// Soft-mask exponent (`f64::INFINITY` for a hard mask).
    pub power: f64,
    /// Harmonic margin (>= 1).
    pub margin_harmonic: f64,
    /// Percussive margin (>= 1).
    pub margin_percussive: f64,
}

impl HpssParams {
    fn validate(&self) -> Result<()> {
        ensure(
            self.kernel_harmonic > 0 && self.kernel_percussive > 0,
            "kernel_size",
            || "must be positive".into(),
        )?;
        ensure(self.power > 0.0, "power", || {
            format!("must be strictly positive, got {}", self.power)
        })?;
        ensure(
            self.margin_harmonic >= 1.0 && self.margin_percussive >= 1.0,
            "margin",
            || "must be >= 1.0".into(),
        )
    }
}

/// `librosa.util.softmask(x, reference, power, split_zeros)` of one value, in `T`.
fn softmask<T: Float>(x: T, reference: T, power: f64, split_zeros: bool) -> T {
    if power.is_infinite() {
        return if x > reference { T::one() } else { T::zero() };
    }
    let z = if x > reference { x } else { reference };
    if z < T::min_positive_value() {
        return if split_zeros { T::of(0.5) } else { T::zero() };
    }
    let p = T::of(power);
    let pw = |v: T| if power == 2.0 { v * v } else { v.powf(p) };
    let (m, r) = (pw(x / z), pw(reference / z));
    m / (m + r)
}

/// Harmonic and percussive soft masks of a magnitude spectrogram stored
/// time-major (`n_frames × n_bins`): `(harmonic, percussive)`, same layout.
pub fn masks<T: Float>(
    mag: &[T],
    n_frames: usize,
    n_bins: usize,
    p: &HpssParams,
) -> Result<(Vec<T>, Vec<T>)> {
    p.validate()?;
    if mag.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let groups = n_bins.div_ceil(LANES);
    // Harmonic: median along time of 8 adjacent bins at once, stored per bin
    // group (`groups × n_frames × LANES`).
    let mut harm = vec![[T::zero(); LANES]; groups * n_frames];
    harm.par_chunks_mut(n_frames).enumerate().for_each_init(
        || (Vec::new(), Vec::new()),
        |(w, x), (g, out)| {
            let bins: Lanes<usize> = std::array::from_fn(|l| (g * LANES + l).min(n_bins - 1));
            x.clear();
            x.extend((0..n_frames).map(|t| bins.map(|k| mag[t * n_bins + k])));
            median_lanes(x, p.kernel_harmonic, w, out);
        },
    );
    // Percussive: median along frequency of 8 frames at once (time-major).
    let mut perc = vec![T::zero(); mag.len()];
    perc.par_chunks_mut(LANES * n_bins)
        .enumerate()
        .for_each_init(
            || (Vec::new(), Vec::new(), Vec::new()),
            |(w, x, medians), (block, out)| {
                let frames: Lanes<usize> =
                    std::array::from_fn(|l| (block * LANES + l).min(n_frames - 1));
                x.clear();
                x.extend((0..n_bins).map(|k| frames.map(|t| mag[t * n_bins + k])));
                medians.resize(n_bins, [T::zero(); LANES]);
                median_lanes(x, p.kernel_percussive, w, medians);
                for (l, row) in out.chunks_mut(n_bins).enumerate() {
                    row.iter_mut()
                        .zip(medians.iter())
                        .for_each(|(o, m)| *o = m[l]);
                }
            },
        );
    let split = p.margin_harmonic == 1.0 && p.margin_percussive == 1.0;
    let (mh, mp) = (T::of(p.margin_harmonic), T::of(p.margin_percussive));
    let mut mask_h = vec![T::zero(); mag.len()];
    let mut mask_p = vec![T::zero(); mag.len()];
    mask_h
        .par_chunks_mut(n_bins.max(1))
        .zip(mask_p.par_chunks_mut(n_bins.max(1)))
        .zip(perc.par_chunks(n_bins.max(1)))
        .enumerate()
        .for_each(|(t, ((oh, op), pr))| {
            for k in 0..oh.len() {
                let h = harm[(k / LANES) * n_frames + t][k % LANES];
                oh[k] = softmask(h, pr[k] * mh, p.power, split);
                op[k] = softmask(pr[k], h * mp, p.power, split);
            }
        });
    Ok((mask_h, mask_p))
}

/// `librosa.effects.hpss` of one signal: STFT, masks, and the two inverse
/// STFTs cut/padded to the input length (or, with `length = None`, librosa
/// < 0.10's behaviour: natural iSTFT length).
pub fn separate<T: Float>(
    y: ArrayView1<'_, T>,
    params: &StftParams<T>,
    window: &[f64],
    p: &HpssParams,
    length: Option<usize>,
) -> Result<(Vec<T>, Vec<T>)> {
    let spec = stft(&[y], params)?;
    let (n_frames, n_bins) = (spec.n_frames, spec.width);
    let mag: Vec<T> = spec.data.par_iter().map(|&c| magnitude(c)).collect();
    let (mask_h, mask_p) = masks(&mag, n_frames, n_bins, p)?;
    let apply = |mask: &[T]| -> Vec<Complex<T>> {
        spec.data
            .par_iter()
            .zip(mask)
            .map(|(c, &m)| c * m)
            .collect()
    };
    let inverse = IstftParams::new(
        n_bins,
        params.n_fft,
        params.hop_length,
        window,
        params.center,
        length,
    )?;
    let (harm, perc) = (apply(&mask_h), apply(&mask_p));
    let hv = bins_first(&harm, n_frames, n_bins)?;
    let pv = bins_first(&perc, n_frames, n_bins)?;
    let mut out = istft(&[hv, pv], &inverse)?.into_iter();
    Ok((
        out.next().unwrap_or_default(),
        out.next().unwrap_or_default(),
    ))
}

/// A time-major `n_frames × n_bins` buffer seen as a `bins × frames` matrix.
fn bins_first<T>(data: &[T], n_frames: usize, n_bins: usize) -> Result<ArrayView2<'_, T>> {
    ArrayView2::from_shape((n_frames, n_bins), data)
        .map(|v| v.reversed_axes())
        .map_err(|e| crate::error::Error::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_split_energy() {
        let mag: Vec<f32> = (0..40 * 9).map(|i| ((i * 13 % 7) as f32) * 0.3).collect();
        let p = HpssParams {
            kernel_harmonic: 5,
            kernel_percussive: 3,
            power: 2.0,
            margin_harmonic: 1.0,
            margin_percussive: 1.0,
        };
        let (h, q) = masks(&mag, 40, 9, &p).unwrap();
        assert!(h.iter().zip(&q).all(|(a, b)| (a + b - 1.0).abs() < 1e-6));
        assert!(masks(
            &mag,
            40,
            9,
            &HpssParams {
                margin_harmonic: 0.5,
                ..p
            }
        )
        .is_err());
    }
}
