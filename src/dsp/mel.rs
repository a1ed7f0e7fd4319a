//! Mel scales and librosa's mel filter bank (`librosa.filters.mel`), bit-exact.

use super::Float;
use crate::error::{affordable, ensure, Error, Result};

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hz to mels: Slaney's auditory-toolbox scale (linear below 1 kHz, logarithmic
/// above), or HTK's `2595 log10(1 + f/700)` with `htk`.
pub fn hz_to_mel(hz: f64, htk: bool) -> f64 {
    if htk {
        2595.0 * (1.0 + hz / 700.0).log10()
    } else if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

/// Mels to Hz, the inverse of [`hz_to_mel`].
pub fn mel_to_hz(mel: f64, htk: bool) -> f64 {
    if htk {
        700.0 * (10f64.powf(mel / 2595.0) - 1.0)
    } else if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        F_SP * mel
    }
}

/// `n` values evenly spaced from `start` to `stop` inclusive, computed as
/// `np.linspace` does (`i * step + start`, last value exactly `stop`).
fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![start];
    }
    let step = (stop - start) / (n - 1) as f64;
    let mut v: Vec<f64> = (0..n)
        .map(|i| {
            if step == 0.0 {
                i as f64 / (n - 1) as f64 * (stop - start) + start
            } else {
                i as f64 * step + start
            }
        })
        .collect();
    if let Some(last) = v.last_mut() {
        *last = stop;
    }
    v
}

/// `n_mels` frequencies (Hz) evenly spaced on the mel scale from `fmin` to `fmax`
/// (`librosa.mel_frequencies`); refused ([`affordable`]) when they would not fit.
pub fn mel_frequencies(n_mels: usize, fmin: f64, fmax: f64, htk: bool) -> Result<Vec<f64>> {
    affordable("n_mels", 8.0 * n_mels as f64)?;
    if n_mels == 0 {
        return Ok(Vec::new());
    }
    Ok(linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels)
        .into_iter()
        .map(|m| mel_to_hz(m, htk))
        .collect())
}

/// Center frequency (Hz) of each of the `1 + n_fft/2` FFT bins
/// (`librosa.fft_frequencies`, i.e. `np.fft.rfftfreq(n_fft, 1/sr)`); refused
/// ([`affordable`]) when they would not fit.
pub fn fft_frequencies(sr: f64, n_fft: usize) -> Result<Vec<f64>> {
    affordable("n_fft", 4.0 * n_fft as f64)?;
    let val = 1.0 / (n_fft as f64 * (1.0 / sr));
    Ok((0..=n_fft / 2).map(|i| i as f64 * val).collect())
}

/// How each mel filter is normalised (`norm` of `librosa.filters.mel`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MelNorm {
    /// No normalisation: triangles peak at 1.
    None,
    /// Slaney: divide each triangle by its width in Hz (constant energy per channel).
    Slaney,
    /// Divide each filter by its L^p norm (`p = inf` for the max norm).
    Lp(f64),
}

/// Mel filter bank parameters (`librosa.filters.mel`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MelParams {
    /// Sample rate in Hz.
    pub sr: f64,
    /// FFT length in samples.
    pub n_fft: usize,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Lowest frequency (Hz).
    pub fmin: f64,
    /// Highest frequency (Hz); librosa's `None` is `sr / 2`.
    pub fmax: f64,
    /// HTK formula instead of Slaney's.
    pub htk: bool,
    /// Filter normalisation.
    pub norm: MelNorm,
}

impl MelParams {
    /// librosa's defaults: 128 Slaney-normalised bands from 0 Hz to `sr / 2`.
    pub fn librosa(sr: f64, n_fft: usize) -> Self {
        MelParams {
            sr,
            n_fft,
            n_mels: 128,
            fmin: 0.0,
            fmax: sr / 2.0,
            htk: false,
            norm: MelNorm::Slaney,
        }
    }
}

/// `librosa.filters.mel` options before the FFT length is known (`fmax`
/// `None` is `sr / 2`), as callers name them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MelSpec {
    /// Sample rate in Hz.
    pub sr: f64,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Lowest frequency (Hz).
    pub fmin: f64,
    /// Highest frequency (Hz); `None` for `sr / 2`.
    pub fmax: Option<f64>,
    /// HTK formula instead of Slaney's.
    pub htk: bool,
    /// Filter normalisation.
    pub norm: MelNorm,
}

impl MelSpec {
    /// The filter bank parameters for spectra of FFT length `n_fft`.
    pub fn params(&self, n_fft: usize) -> MelParams {
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

/// A mel filter bank as librosa builds it (float32 weights), stored densely for
/// export and as per-band nonzero ranges for fast application.
#[derive(Clone, Debug)]
pub struct MelBasis {
    /// `n_mels × n_bins` weights, row-major.
    pub weights: Vec<f32>,
    /// Number of mel bands.
    pub n_mels: usize,
    /// Number of FFT bins, `1 + n_fft / 2`.
    pub n_bins: usize,
    /// For each band, the first and one-past-last bin with a nonzero weight.
    ranges: Vec<(usize, usize)>,
    /// True when some band has no nonzero weight (librosa warns about it).
    pub has_empty_filters: bool,
}

impl MelBasis {
    /// Builds the filter bank exactly as `librosa.filters.mel(dtype=np.float32)`:
    /// triangles computed in float64, stored as float32, then normalised in
    /// float64 and rounded to float32 again.
    pub fn new(p: &MelParams) -> Result<Self> {
        ensure(p.sr > 0.0 && p.sr.is_finite(), "sr", || {
            format!("must be a positive sample rate in Hz, got {}", p.sr)
        })?;
        ensure(p.n_fft > 0, "n_fft", || "must be positive".into())?;
        ensure(p.fmin >= 0.0 && p.fmin.is_finite(), "fmin", || {
            format!("must be >= 0 Hz, got {}", p.fmin)
        })?;
        ensure(p.fmax.is_finite() && p.fmax > p.fmin, "fmax", || {
            format!("must be greater than fmin={} Hz, got {}", p.fmin, p.fmax)
        })?;
        if let MelNorm::Lp(q) = p.norm {
            ensure(q > 0.0, "norm", || {
                format!("must be 'slaney', None or a positive number, got {q}")
            })?;
        }
        let n_bins = p.n_fft / 2 + 1;
        // Dense f32 weights plus their f64 construction rows.
        affordable("n_mels", p.n_mels as f64 * n_bins as f64 * 12.0)?;
        let fftfreqs = fft_frequencies(p.sr, p.n_fft)?;
        let mel_f = mel_frequencies(p.n_mels + 2, p.fmin, p.fmax, p.htk)?;
        let mut weights = vec![0f32; p.n_mels * n_bins];
        for (i, row) in weights.chunks_mut(n_bins.max(1)).enumerate().take(p.n_mels) {
            let (lo, mid, hi) = (mel_f[i], mel_f[i + 1], mel_f[i + 2]);
            for (w, &f) in row.iter_mut().zip(&fftfreqs) {
                let lower = -(lo - f) / (mid - lo);
                let upper = (hi - f) / (hi - mid);
                *w = 0f64.max(lower.min(upper)) as f32;
            }
            let scale = match p.norm {
                MelNorm::None => 1.0,
                MelNorm::Slaney => 2.0 / (hi - lo),
                MelNorm::Lp(q) => {
                    let norm = lp_norm(row, q);
                    // librosa's util.normalize leaves rows below `tiny` unscaled.
                    if norm < f32::MIN_POSITIVE as f64 {
                        1.0
                    } else {
                        1.0 / norm
                    }
                }
            };
            if scale != 1.0 {
                row.iter_mut().for_each(|w| *w = (*w as f64 * scale) as f32);
            }
        }
        let ranges: Vec<(usize, usize)> = weights
            .chunks(n_bins.max(1))
            .take(p.n_mels)
            .map(|row| {
                let start = row.iter().position(|&w| w != 0.0).unwrap_or(0);
                let end = row.iter().rposition(|&w| w != 0.0).map_or(start, |e| e + 1);
                (start, end)
            })
            .collect();
        let has_empty_filters = ranges
            .iter()
            .zip(&mel_f)
            .any(|(&(s, e), &f)| s == e && f != 0.0);
        Ok(MelBasis {
            weights,
            n_mels: p.n_mels,
            n_bins,
            ranges,
            has_empty_filters,
        })
    }

    /// The nonzero weights in type `T`, ready for [`SparseMel::apply`].
    pub fn sparse<T: Float>(&self) -> SparseMel<T> {
        let bands = self
            .ranges
            .iter()
            .zip(self.weights.chunks(self.n_bins.max(1)))
            .map(|(&(start, end), row)| {
                (
                    start,
                    row[start..end].iter().map(|&w| T::of(w as f64)).collect(),
                )
            })
            .collect();
        SparseMel {
            bands,
            n_bins: self.n_bins,
        }
    }
}

/// A mel filter bank as per-band runs of nonzero weights (each band touches only
/// the few FFT bins under its triangle).
#[derive(Clone, Debug)]
pub struct SparseMel<T> {
    /// For each band, its first bin and its nonzero weights.
    bands: Vec<(usize, Vec<T>)>,
    /// Number of FFT bins expected in a spectrum.
    pub n_bins: usize,
}

impl<T: Float> SparseMel<T> {
    /// Applies the filter bank to one frame's spectrum (`n_bins` values), writing one value per band.
    pub fn apply(&self, spectrum: &[T], out: &mut [T]) {
        for (o, (start, w)) in out.iter_mut().zip(&self.bands) {
            *o = w
                .iter()
                .zip(&spectrum[*start..*start + w.len()])
                .fold(T::zero(), |acc, (&w, &s)| acc + w * s);
        }
    }

    /// As [`SparseMel::apply`] for a spectrum whose bin `k` is `spectrum(k)` (strided columns).
    pub fn apply_with(&self, spectrum: impl Fn(usize) -> T, out: &mut [T]) {
        for (o, (start, w)) in out.iter_mut().zip(&self.bands) {
            *o = w
                .iter()
                .enumerate()
                .fold(T::zero(), |acc, (j, &w)| acc + w * spectrum(start + j));
        }
    }
}

fn lp_norm(row: &[f32], p: f64) -> f64 {
    if p.is_infinite() {
        row.iter().fold(0f64, |m, &w| m.max((w as f64).abs()))
    } else {
        row.iter()
            .map(|&w| (w as f64).abs().powf(p))
            .sum::<f64>()
            .powf(1.0 / p)
    }
}

impl std::str::FromStr for MelNorm {
    type Err = Error;

    /// `"slaney"`, the one norm with a name (the others are `None` and numbers).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "slaney" => Ok(MelNorm::Slaney),
            other => Err(crate::names::unknown(
                "norm",
                other,
                &["slaney"],
                &["None or a number"],
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_round_trip_and_match_known_values() {
        // librosa.hz_to_mel(440) == 6.6, hz_to_mel(2000) == 25.08188..., htk: 549.63867...
        assert!((hz_to_mel(440.0, false) - 6.6).abs() < 1e-12);
        assert!((hz_to_mel(2000.0, false) - 25.081880157308323).abs() < 1e-9);
        assert!((hz_to_mel(440.0, true) - 549.6386753811499).abs() < 1e-9);
        for f in [0.0, 100.0, 999.0, 1000.0, 8000.0] {
            for htk in [false, true] {
                assert!((mel_to_hz(hz_to_mel(f, htk), htk) - f).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn basis_rows_are_triangles_with_slaney_area() {
        let basis = MelBasis::new(&MelParams::librosa(22050.0, 2048)).unwrap();
        assert_eq!((basis.n_mels, basis.n_bins), (128, 1025));
        assert!(!basis.has_empty_filters);
        // The mel-weighted sum of a flat spectrum equals the filters' row sums.
        let flat = vec![1.0f64; 1025];
        let mut out = vec![0.0; 128];
        basis.sparse().apply(&flat, &mut out);
        for (m, row) in basis.weights.chunks(1025).enumerate() {
            let sum: f64 = row.iter().map(|&w| w as f64).sum();
            assert!((out[m] - sum).abs() < 1e-9);
        }
        let many = MelBasis::new(&MelParams {
            n_mels: 256,
            ..MelParams::librosa(8000.0, 256)
        })
        .unwrap();
        assert!(many.has_empty_filters);
        assert!(MelBasis::new(&MelParams {
            fmax: 0.0,
            ..MelParams::librosa(8000.0, 256)
        })
        .is_err());
    }

    #[test]
    fn frequencies_beyond_memory_are_refused() {
        crate::error::assert_too_large(fft_frequencies(22050.0, usize::MAX / 4), "n_fft");
        let mels = mel_frequencies(usize::MAX / 16, 0.0, 8000.0, false);
        crate::error::assert_too_large(mels, "n_mels");
    }
}
