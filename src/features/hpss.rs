//! Harmonic/percussive separation by median filtering (`librosa.decompose.hpss`,
//! `librosa.effects.hpss`): a harmonic spectrum is smooth in time, a
//! percussive one smooth in frequency.

use ndarray::{ArrayView1, ArrayView2};
use num_complex::Complex;
use rayon::prelude::*;

use crate::dsp::frames::PadMode;
use crate::dsp::istft::{istft, IstftParams};
use crate::dsp::stft::{stft, StftParams};
use crate::dsp::Float;
use crate::error::{ensure, Result};

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
        ensure(self.kernel_harmonic > 0 && self.kernel_percussive > 0, "kernel_size", || "must be positive".into())?;
        ensure(self.power > 0.0, "power", || format!("must be strictly positive, got {}", self.power))?;
        ensure(self.margin_harmonic >= 1.0 && self.margin_percussive >= 1.0, "margin", || "must be >= 1.0".into())
    }
}

/// Sliding median of `x` over `width` samples centered on each sample, the
/// ends extended by mirror reflection (`scipy.ndimage.median_filter`,
/// `mode="reflect"`); for even widths the window starts `width / 2` before the
/// sample, as scipy's. Keeps the window sorted: `O(width)` per sample.
pub fn median_filter<T: Float>(x: &[T], width: usize, window: &mut Vec<T>, out: &mut [T]) {
    let n = x.len();
    if n == 0 {
        return;
    }
    let before = (width / 2) as isize;
    let at = |i: isize| x[PadMode::Symmetric.source(i, n).unwrap_or(0)];
    let cmp = |a: &T, b: &T| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    window.clear();
    window.extend((0..width as isize).map(|j| at(j - before)));
    window.sort_unstable_by(cmp);
    let mid = width / 2;
    out[0] = window[mid];
    for i in 1..n as isize {
        let leaving = at(i - 1 - before);
        let entering = at(i - before + width as isize - 1);
        if leaving != entering {
            // Replace `leaving` by `entering` with one shift of the values between them.
            let out_pos = window.partition_point(|v| cmp(v, &leaving).is_lt());
            let in_pos = window.partition_point(|v| cmp(v, &entering).is_lt());
            if in_pos <= out_pos {
                window.copy_within(in_pos..out_pos, in_pos + 1);
                window[in_pos] = entering;
            } else {
                window.copy_within(out_pos + 1..in_pos, out_pos);
                window[in_pos - 1] = entering;
            }
        }
        out[i as usize] = window[mid];
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
pub fn masks<T: Float>(mag: &[T], n_frames: usize, n_bins: usize, p: &HpssParams) -> Result<(Vec<T>, Vec<T>)> {
    p.validate()?;
    // Harmonic: median along time for each bin (rows of the transpose).
    let mut by_bin = vec![T::zero(); mag.len()];
    by_bin.par_chunks_mut(n_frames.max(1)).enumerate().for_each(|(k, row)| {
        row.iter_mut().enumerate().for_each(|(t, v)| *v = mag[t * n_bins + k]);
    });
    let mut harm_by_bin = vec![T::zero(); mag.len()];
    harm_by_bin.par_chunks_mut(n_frames.max(1)).zip(by_bin.par_chunks(n_frames.max(1))).for_each_init(Vec::new, |w, (o, x)| {
        median_filter(x, p.kernel_harmonic, w, o)
    });
    // Percussive: median along frequency within each frame.
    let mut perc = vec![T::zero(); mag.len()];
    perc.par_chunks_mut(n_bins.max(1)).zip(mag.par_chunks(n_bins.max(1))).for_each_init(Vec::new, |w, (o, x)| {
        median_filter(x, p.kernel_percussive, w, o)
    });
    let split = p.margin_harmonic == 1.0 && p.margin_percussive == 1.0;
    let (mh, mp) = (T::of(p.margin_harmonic), T::of(p.margin_percussive));
    let mut mask_h = vec![T::zero(); mag.len()];
    let mut mask_p = vec![T::zero(); mag.len()];
    mask_h.par_chunks_mut(n_bins.max(1)).zip(mask_p.par_chunks_mut(n_bins.max(1))).zip(perc.par_chunks(n_bins.max(1))).enumerate().for_each(
        |(t, ((oh, op), pr))| {
            for k in 0..oh.len() {
                let h = harm_by_bin[k * n_frames + t];
                oh[k] = softmask(h, pr[k] * mh, p.power, split);
                op[k] = softmask(pr[k], h * mp, p.power, split);
            }
        },
    );
    Ok((mask_h, mask_p))
}

/// `librosa.effects.hpss` of one signal: STFT, masks, and the two inverse
/// STFTs cut/padded to the input length (or, with `length = None`, librosa
/// < 0.10's behaviour: natural iSTFT length).
pub fn separate<T: Float>(y: ArrayView1<'_, T>, params: &StftParams<T>, window: &[f64], p: &HpssParams, length: Option<usize>) -> Result<(Vec<T>, Vec<T>)> {
    let spec = stft(&[y], params)?;
    let (n_frames, n_bins) = (spec.n_frames, spec.width);
    let mag: Vec<T> = spec.data.par_iter().map(|c| c.re.hypot(c.im)).collect();
    let (mask_h, mask_p) = masks(&mag, n_frames, n_bins, p)?;
    let apply = |mask: &[T]| -> Vec<Complex<T>> { spec.data.par_iter().zip(mask).map(|(c, &m)| c * m).collect() };
    let inverse = IstftParams::new(n_bins, params.n_fft, params.hop_length, window, params.center, length)?;
    let (harm, perc) = (apply(&mask_h), apply(&mask_p));
    let hv = bins_first(&harm, n_frames, n_bins)?;
    let pv = bins_first(&perc, n_frames, n_bins)?;
    let mut out = istft(&[hv, pv], &inverse)?.into_iter();
    Ok((out.next().unwrap_or_default(), out.next().unwrap_or_default()))
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
    fn median_filter_matches_brute_force() {
        let x: Vec<f64> = (0..50).map(|i| ((i * 37 % 11) as f64) - (i % 3) as f64 * 0.5).collect();
        for width in [1, 3, 4, 7, 31, 61] {
            let mut out = vec![0.0; x.len()];
            median_filter(&x, width, &mut Vec::new(), &mut out);
            for i in 0..x.len() {
                let mut w: Vec<f64> = (0..width as isize)
                    .map(|j| x[PadMode::Symmetric.source(i as isize + j - (width / 2) as isize, x.len()).unwrap()])
                    .collect();
                w.sort_by(|a, b| a.partial_cmp(b).unwrap());
                assert_eq!(out[i], w[width / 2], "width {width} at {i}");
            }
        }
    }

    #[test]
    fn masks_split_energy() {
        let mag: Vec<f32> = (0..40 * 9).map(|i| ((i * 13 % 7) as f32) * 0.3).collect();
        let p = HpssParams { kernel_harmonic: 5, kernel_percussive: 3, power: 2.0, margin_harmonic: 1.0, margin_percussive: 1.0 };
        let (h, q) = masks(&mag, 40, 9, &p).unwrap();
        assert!(h.iter().zip(&q).all(|(a, b)| (a + b - 1.0).abs() < 1e-6));
        assert!(masks(&mag, 40, 9, &HpssParams { margin_harmonic: 0.5, ..p }).is_err());
    }
}
