//! Frequency-band sources: the input's STFT split by binary masks into bands,
//! each band resynthesised with the inverse STFT.
//!
//! The masks partition the frequency bins, so the bands sum to the iSTFT of
//! the unmodified STFT, which for librosa's defaults (periodic Hann,
//! `hop = n_fft / 4`, centered) is the input up to rounding.

use ndarray::Array2;
use num_complex::Complex;

use crate::dsp::istft::{istft, IstftParams};
use crate::dsp::mel::{fft_frequencies, hz_to_mel, mel_to_hz};
use crate::dsp::stft::{stft, StftParams};
use crate::dsp::{window, PadMode};
use crate::error::{affordable, ensure, Result};

pub use crate::options::explain::bands::BandScale;

/// The `n_bands + 1` band edges in Hz, from 0 to `sr / 2`.
pub fn band_edges(sr: f64, n_bands: usize, scale: BandScale) -> Vec<f64> {
    let nyquist = sr / 2.0;
    (0..=n_bands)
        .map(|b| {
            let frac = b as f64 / n_bands as f64;
            match scale {
                BandScale::Linear => frac * nyquist,
                BandScale::Mel => mel_to_hz(frac * hz_to_mel(nyquist, false), false),
            }
        })
        .collect()
}

/// Band of each STFT bin: bin frequency `f` belongs to band `b` when
/// `edges[b] <= f < edges[b + 1]` (Nyquist goes to the last band).
fn bin_bands(edges: &[f64], sr: f64, n_fft: usize) -> Result<Vec<usize>> {
    let last = edges.len() - 2;
    Ok(fft_frequencies(sr, n_fft)?
        .into_iter()
        .map(|f| {
            edges[1..]
                .iter()
                .position(|&e| f < e)
                .unwrap_or(last)
                .min(last)
        })
        .collect())
}

/// How [`band_sources`] splits a signal, as the caller names it.
#[derive(Clone, Copy, Debug)]
pub struct BandSplit {
    /// Sample rate in Hz.
    pub sr: f64,
    /// Number of bands.
    pub n_bands: usize,
    /// Spacing of the band edges.
    pub scale: BandScale,
    /// FFT length of the filtering STFT.
    pub n_fft: usize,
    /// Hop of the filtering STFT.
    pub hop_length: usize,
}

impl BandSplit {
    /// [`band_sources`] of `y` with these options, on `n_jobs` threads.
    pub fn sources(&self, y: &[f32], n_jobs: i64) -> Result<(Vec<f64>, Vec<Vec<f32>>)> {
        let (sr, n_bands, scale) = (self.sr, self.n_bands, self.scale);
        crate::parallel::install(n_jobs, || {
            band_sources(y, sr, n_bands, scale, self.n_fft, self.hop_length)
        })?
    }
}

/// The input split into `n_bands` band signals of its length, and the band edges (Hz).
pub fn band_sources(
    y: &[f32],
    sr: f64,
    n_bands: usize,
    scale: BandScale,
    n_fft: usize,
    hop_length: usize,
) -> Result<(Vec<f64>, Vec<Vec<f32>>)> {
    ensure(sr.is_finite() && sr > 0.0, "sr", || {
        format!("must be a positive sample rate, got {sr}")
    })?;
    ensure(n_bands > 0, "n_bands", || "must be at least 1".into())?;
    // The STFT's frame buffers, then one signal per band (at least one
    // edge per band for an empty signal).
    affordable("n_fft", 48.0 * n_fft as f64)?;
    affordable("n_bands", 8.0 * n_bands as f64 * y.len().max(1) as f64)?;
    let win = window::hann(n_fft);
    let params = StftParams::<f32>::new(n_fft, hop_length, &win, true, PadMode::Constant)?;
    let edges = band_edges(sr, n_bands, scale);
    let owner = bin_bands(&edges, sr, n_fft)?;
    for b in 0..n_bands {
        ensure(owner.contains(&b), "n_bands", || {
            format!("band {b} ({:.1}-{:.1} Hz) contains no STFT bin at n_fft={n_fft}; use fewer bands or a larger n_fft", edges[b], edges[b + 1])
        })?;
    }
    let spec = stft(&[ndarray::ArrayView1::from(y)], &params)?;
    let (frames, bins) = (spec.n_frames, spec.width);
    let masked: Vec<Array2<Complex<f32>>> = (0..n_bands)
        .map(|b| {
            Array2::from_shape_fn((frames, bins), |(t, k)| {
                if owner[k] == b {
                    spec.data[t * bins + k]
                } else {
                    Complex::new(0.0, 0.0)
                }
            })
        })
        .collect();
    let views: Vec<_> = masked.iter().map(|m| m.t()).collect();
    let inverse = IstftParams::new(bins, n_fft, hop_length, &win, true, Some(y.len()))?;
    Ok((edges, istft(&views, &inverse)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_sum_to_the_input_and_separate_tones() {
        let sr = 8000.0;
        let y: Vec<f32> = (0..8000)
            .map(|i| {
                let t = i as f64 / sr;
                ((2.0 * std::f64::consts::PI * 100.0 * t).sin()
                    + (2.0 * std::f64::consts::PI * 3000.0 * t).sin()) as f32
                    * 0.4
            })
            .collect();
        let (edges, bands) = band_sources(&y, sr, 4, BandScale::Mel, 512, 128).unwrap();
        assert_eq!(edges.len(), 5);
        assert!((edges[4] - 4000.0).abs() < 1e-6);
        for i in 0..y.len() {
            let total: f32 = bands.iter().map(|b| b[i]).sum();
            assert!((total - y[i]).abs() < 1e-5, "sample {i}");
        }
        let energy = |b: &Vec<f32>| b.iter().map(|x| (x * x) as f64).sum::<f64>();
        let e: Vec<f64> = bands.iter().map(energy).collect();
        // 100 Hz lives in the lowest band, 3 kHz in the highest.
        assert!(e[0] > 100.0 * e[1] && e[3] > 100.0 * e[2], "{e:?}");
        assert!(band_sources(&y, sr, 200, BandScale::Mel, 64, 16).is_err());
        assert_eq!(
            band_edges(8000.0, 2, BandScale::Linear),
            vec![0.0, 2000.0, 4000.0]
        );
    }

    #[test]
    fn an_fft_or_bands_beyond_memory_are_refused_before_the_window() {
        let y = vec![0.0f32; 100];
        let linear = BandScale::Linear;
        let huge_fft = band_sources(&y, 8000.0, 2, linear, usize::MAX / 64, 256);
        crate::error::assert_too_large(huge_fft, "n_fft");
        let huge_bands = band_sources(&y, 8000.0, usize::MAX / 64, linear, 1024, 256);
        crate::error::assert_too_large(huge_bands, "n_bands");
    }
}
