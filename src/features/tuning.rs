//! Tuning estimation as librosa does it: `piptrack` peaks of the power
//! spectrogram, magnitudes above their median, and a histogram of the peaks'
//! deviations from the equal-tempered grid (`estimate_tuning`, `pitch_tuning`).

use super::median::median;
use crate::dsp::Float;

/// Instantaneous-frequency peaks of one spectrum (`librosa.piptrack` with
/// `ref=np.max`): bins in `[fmin, fmax)` that are local maxima of the spectrum
/// thresholded at `threshold * max`, with their parabolically interpolated
/// frequency and magnitude. Arithmetic follows librosa's dtypes (the parabolic
/// shift in `f64` rounded to the input type, the magnitude in the input type).
/// `bins` must exclude the Nyquist bin, as librosa's `fmax <= sr / 2` does.
pub fn piptrack_peaks<T: Float>(
    s: &[T],
    bins: std::ops::Range<usize>,
    sr: f64,
    n_fft: usize,
    threshold: f64,
    out: &mut Vec<(f64, T)>,
) {
    let n = s.len();
    if n < 2 {
        return;
    }
    let max = s
        .iter()
        .fold(T::neg_infinity(), |m, &v| if v > m { v } else { m });
    let reference = T::of(threshold) * max;
    let masked = |k: usize| if s[k] > reference { s[k] } else { T::zero() };
    for k in bins.start.max(1)..bins.end.min(n - 1) {
        let x = masked(k);
        if !(x > masked(k - 1) && x >= masked(k + 1)) {
            continue;
        }
        let (prev, next) = (s[k - 1], s[k + 1]);
        let a = (next + prev).wide() - 2.0 * s[k].wide();
        let b = (next - prev).wide() / 2.0;
        let shift = if b.abs() >= a.abs() {
            T::zero()
        } else {
            T::of(-b / a)
        };
        let slope = (next - prev) / T::of(2.0);
        let dskew = T::of(0.5) * slope * shift;
        out.push(((k as f64 + shift.wide()) * sr / n_fft as f64, s[k] + dskew));
    }
}

/// The FFT bins whose frequency lies in `[fmin, fmax)` (`fmax` capped at Nyquist).
pub fn bin_range(sr: f64, n_fft: usize, fmin: f64, fmax: f64) -> std::ops::Range<usize> {
    let fmax = fmax.min(sr / 2.0);
    let fmin = fmin.max(0.0);
    let freq = |k: usize| k as f64 * sr / n_fft as f64;
    let n_bins = n_fft / 2 + 1;
    let start = (0..n_bins).find(|&k| freq(k) >= fmin).unwrap_or(n_bins);
    let end = (start..n_bins).find(|&k| freq(k) >= fmax).unwrap_or(n_bins);
    start..end
}

/// `librosa.estimate_tuning` from all peaks of a recording: keeps the peaks
/// whose magnitude reaches the median magnitude (numpy's median, in the input
/// type) and returns [`pitch_tuning`] of their frequencies.
pub fn tuning_from_peaks<T: Float>(
    peaks: &mut [(f64, T)],
    resolution: f64,
    bins_per_octave: usize,
) -> Option<f64> {
    let mut mags: Vec<T> = peaks.iter().filter(|p| p.0 > 0.0).map(|p| p.1).collect();
    let threshold = median(&mut mags).unwrap_or_else(T::zero);
    let freqs: Vec<f64> = peaks
        .iter()
        .filter(|p| p.0 > 0.0 && p.1 >= threshold)
        .map(|p| p.0)
        .collect();
    pitch_tuning(&freqs, resolution, bins_per_octave)
}

/// `librosa.pitch_tuning`: the most frequent deviation (in fractions of a bin,
/// `[-0.5, 0.5)`) of `freqs` from the A440 grid, histogrammed at `resolution`
/// exactly like `np.histogram`; `None` when there is no positive frequency
/// (librosa then warns and returns 0).
pub fn pitch_tuning(freqs: &[f64], resolution: f64, bins_per_octave: usize) -> Option<f64> {
    let n = (1.0 / resolution).ceil() as usize;
    let step = 1.0 / n as f64;
    let edge = |i: usize| if i == n { 0.5 } else { i as f64 * step - 0.5 };
    let mut counts = vec![0usize; n];
    for &f in freqs.iter().filter(|&&f| f > 0.0) {
        let octs = (f / (440.0 / 16.0)).log2();
        let mut r = (bins_per_octave as f64 * octs).rem_euclid(1.0);
        if r >= 0.5 {
            r -= 1.0;
        }
        let mut i = ((r + 0.5) * n as f64) as usize;
        if i == n {
            i -= 1;
        }
        if r < edge(i) {
            i -= 1;
        } else if r >= edge(i + 1) && i != n - 1 {
            i += 1;
        }
        counts[i] += 1;
    }
    if counts.iter().all(|&c| c == 0) {
        return None;
    }
    let best = counts
        .iter()
        .enumerate()
        .fold(0, |b, (i, &c)| if c > counts[b] { i } else { b });
    Some(edge(best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuning_of_detuned_pitches() {
        // A quarter of a semitone sharp.
        let f: Vec<f64> = [220.0, 440.0, 660.0 * 2f64.powf(-7.0 / 12.0) * 1.5]
            .iter()
            .map(|f| f * 2f64.powf(0.25 / 12.0))
            .collect();
        assert!((pitch_tuning(&f, 0.01, 12).unwrap() - 0.25).abs() < 0.011);
        assert_eq!(pitch_tuning(&[], 0.01, 12), None);
    }

    #[test]
    fn peaks_of_a_spectrum() {
        let s = [0.0f32, 1.0, 5.0, 1.0, 0.0, 0.2, 0.0, 3.0];
        let mut peaks = Vec::new();
        piptrack_peaks(&s, 0..8, 8.0, 14, 0.1, &mut peaks);
        assert_eq!(peaks.len(), 1);
        // Symmetric neighbours: no shift, the peak's own frequency and magnitude.
        assert_eq!(peaks[0], (2.0 * 8.0 / 14.0, 5.0));
    }
}
