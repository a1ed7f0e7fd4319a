//! Inverse STFT by weighted overlap-add (`librosa.istft`).

use ndarray::{ArrayView2, ArrayViewD};
use num_complex::Complex;
use rayon::prelude::*;

use super::frames::check_lengths;
use super::nd::Shaped;
use super::{fft, window, Float};
use crate::error::{affordable, ensure, Error, Result};

/// Frames inverted by one rayon task before their overlap-add is merged.
const FRAMES_PER_TASK: usize = 64;

/// Inverse-STFT parameters, validated.
#[derive(Clone, Debug)]
pub struct IstftParams<T> {
    /// FFT length the spectrogram was computed with.
    pub n_fft: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Synthesis window, `n_fft` long (centered, zero padded).
    pub window: Vec<T>,
    /// Whether the analysis frames were centered.
    pub center: bool,
    /// Exact output length (zero padded or cut), as librosa's `length`.
    pub length: Option<usize>,
}

impl<T: Float> IstftParams<T> {
    /// Validates parameters for a spectrogram with `n_bins` frequency bins.
    pub fn new(
        n_bins: usize,
        n_fft: usize,
        hop_length: usize,
        win: &[f64],
        center: bool,
        length: Option<usize>,
    ) -> Result<Self> {
        ensure(n_fft > 0 && n_fft / 2 + 1 == n_bins, "n_fft", || {
            format!("n_fft={n_fft} does not fit a spectrogram with {n_bins} frequency bins (expects 1 + n_fft/2 bins)")
        })?;
        check_lengths(n_fft, hop_length)?;
        let window = window::centered(win, n_fft)?;
        Ok(IstftParams {
            n_fft,
            hop_length,
            window,
            center,
            length,
        })
    }

    /// Frames used and output length for a spectrogram of `frames` frames.
    fn geometry(&self, frames: usize) -> (usize, usize) {
        let pad = if self.center { self.n_fft / 2 } else { 0 };
        let n_frames = match self.length {
            Some(len) => frames.min((len + 2 * pad).div_ceil(self.hop_length)),
            None => frames,
        };
        let len = self.length.unwrap_or_else(|| {
            (self.n_fft + self.hop_length * n_frames.saturating_sub(1)).saturating_sub(2 * pad)
        });
        (n_frames, len)
    }
}

/// `librosa.istft` options as callers give them: `None` lengths take
/// librosa's defaults from the spectrogram and the window.
#[derive(Clone, Debug)]
pub struct IstftSpec {
    /// FFT length; `None`: `2 (bins - 1)`.
    pub n_fft: Option<usize>,
    /// Samples between frames; `None`: a quarter of the window.
    pub hop_length: Option<usize>,
    /// Synthesis window of `win_length <= n_fft` samples.
    pub window: Vec<f64>,
    /// Whether the analysis frames were centered.
    pub center: bool,
    /// Exact output length, if any.
    pub length: Option<usize>,
}

/// The inverse STFT of every `(bins, frames)` spectrogram of `s`
/// (`(..., bins, frames)`) on `n_jobs` threads: `(..., n)`.
pub fn istft_of<T: Float>(
    s: &ArrayViewD<'_, Complex<T>>,
    spec: &IstftSpec,
    n_jobs: i64,
) -> Result<Shaped<T>> {
    let nd = s.ndim();
    if nd < 2 {
        return Err(Error::param(
            "stft_matrix",
            "must have shape (..., 1 + n_fft/2, frames)",
        ));
    }
    let n_bins = s.shape()[nd - 2];
    let n_fft = spec.n_fft.unwrap_or(2 * n_bins.saturating_sub(1));
    let hop = spec.hop_length.unwrap_or(spec.window.len() / 4);
    let params = IstftParams::<T>::new(n_bins, n_fft, hop, &spec.window, spec.center, spec.length)?;
    let lead = s.shape()[..nd - 2].to_vec();
    let flat = s
        .to_shape((lead.iter().product::<usize>(), n_bins, s.shape()[nd - 1]))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mats: Vec<ArrayView2<'_, Complex<T>>> = flat.outer_iter().collect();
    let signals = crate::parallel::install(n_jobs, || istft(&mats, &params))??;
    let n = signals.first().map_or(0, Vec::len);
    Ok(Shaped::new(signals.concat(), &lead, &[n]))
}

/// Reconstructs one signal per `(bins, frames)` spectrogram view (any
/// strides); refused ([`affordable`]) when the signals would not fit.
pub fn istft<T: Float>(
    spectrograms: &[ArrayView2<'_, Complex<T>>],
    params: &IstftParams<T>,
) -> Result<Vec<Vec<T>>> {
    let signals = spectrograms.len() as f64;
    let frames = spectrograms.first().map_or(0, |s| s.ncols());
    let natural = params.n_fft as f64 + params.hop_length as f64 * frames.saturating_sub(1) as f64;
    // Each signal's overlap-add buffer and window sum, then its cut or padded copy.
    affordable("hop_length", 16.0 * signals * natural)?;
    affordable("length", 8.0 * signals * params.length.unwrap_or(0) as f64)?;
    spectrograms
        .par_iter()
        .with_min_len(crate::parallel::min_len())
        .map(|s| istft_one(s, params))
        .collect()
}

fn istft_one<T: Float>(spec: &ArrayView2<'_, Complex<T>>, p: &IstftParams<T>) -> Result<Vec<T>> {
    let (n_bins, frames) = spec.dim();
    ensure(n_bins == p.n_fft / 2 + 1, "stft_matrix", || {
        format!(
            "has {n_bins} frequency bins, expected 1 + n_fft/2 = {}",
            p.n_fft / 2 + 1
        )
    })?;
    istft_frames(frames, p, |t, bins| {
        for (k, b) in bins.iter_mut().enumerate() {
            *b = spec[(k, t)];
        }
    })
}

/// Inverse STFT of `frames` spectra of `1 + n_fft / 2` bins that `fill(t, bins)`
/// writes, frame by frame, when they are needed: a caller can mask or combine
/// spectra on the fly instead of storing the spectrogram to invert.
pub fn istft_frames<T: Float>(
    frames: usize,
    p: &IstftParams<T>,
    fill: impl Fn(usize, &mut [Complex<T>]) + Sync,
) -> Result<Vec<T>> {
    let n_bins = p.n_fft / 2 + 1;
    let (n_frames, out_len) = p.geometry(frames);
    let (n_fft, hop) = (p.n_fft, p.hop_length);
    let full_len = n_fft + hop * n_frames.saturating_sub(1);
    let plan = fft::inverse::<T>(n_fft);
    let scale = T::one() / T::of(n_fft as f64);

    // Each task overlap-adds its frames into a private segment; segments are summed after.
    let blocks: Vec<(usize, Vec<T>)> = (0..n_frames.div_ceil(FRAMES_PER_TASK))
        .into_par_iter()
        .with_min_len(crate::parallel::min_len())
        .map(|b| {
            let first = b * FRAMES_PER_TASK;
            let last = (first + FRAMES_PER_TASK).min(n_frames);
            let mut segment = vec![T::zero(); n_fft + hop * (last - first - 1)];
            let mut bins = plan.make_input_vec();
            let mut frame = plan.make_output_vec();
            let mut scratch = plan.make_scratch_vec();
            for t in first..last {
                fill(t, &mut bins);
                // numpy's irfft ignores the imaginary parts of the DC and Nyquist bins.
                bins[0].im = T::zero();
                if n_fft % 2 == 0 {
                    bins[n_bins - 1].im = T::zero();
                }
                plan.process_with_scratch(&mut bins, &mut frame, &mut scratch)
                    .map_err(fft::internal)?;
                let offset = (t - first) * hop;
                for ((o, &x), &w) in segment[offset..offset + n_fft]
                    .iter_mut()
                    .zip(&frame)
                    .zip(&p.window)
                {
                    *o = *o + x * scale * w;
                }
            }
            Ok((first * hop, segment))
        })
        .collect::<Result<_>>()?;

    let mut y = vec![T::zero(); full_len];
    for (start, segment) in blocks {
        for (o, &x) in y[start..start + segment.len()].iter_mut().zip(&segment) {
            *o = *o + x;
        }
    }
    let mut envelope = vec![T::zero(); full_len];
    for t in 0..n_frames {
        for (e, &w) in envelope[t * hop..t * hop + n_fft].iter_mut().zip(&p.window) {
            *e = *e + w * w;
        }
    }
    let start = if p.center { n_fft / 2 } else { 0 };
    let tiny = T::min_positive_value();
    Ok((0..out_len)
        .map(|i| match (y.get(start + i), envelope.get(start + i)) {
            (Some(&v), Some(&e)) if e > tiny => v / e,
            (Some(&v), _) => v,
            _ => T::zero(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::stft::{stft, StftParams};
    use super::*;
    use ndarray::{Array1, Array2};

    #[test]
    fn inverts_the_stft() {
        let y: Array1<f64> = (0..4000)
            .map(|i| ((i as f64) * 0.013).sin() * ((i as f64) * 0.0007).cos())
            .collect();
        let sp = StftParams::<f64>::librosa(256).unwrap();
        let s = stft(&[y.view()], &sp).unwrap();
        // (frames, bins) -> (bins, frames) view, as the Python layer passes it.
        let m = Array2::from_shape_vec((s.n_frames, s.width), s.data).unwrap();
        let ip = IstftParams::new(129, 256, 64, &window::hann(256), true, Some(4000)).unwrap();
        let back = istft(&[m.t()], &ip).unwrap().remove(0);
        assert_eq!(back.len(), 4000);
        for (a, b) in back.iter().zip(y.iter()) {
            assert!((a - b).abs() < 1e-10);
        }
        // Without length: n_fft + hop * (frames - 1) - 2 * (n_fft / 2) samples.
        let ip = IstftParams { length: None, ..ip };
        assert_eq!(istft(&[m.t()], &ip).unwrap()[0].len(), 64 * (m.nrows() - 1));
    }

    #[test]
    fn validates_shapes() {
        assert!(IstftParams::<f32>::new(129, 200, 64, &window::hann(200), true, None).is_err());
        assert!(IstftParams::<f32>::new(129, 256, 0, &window::hann(256), true, None).is_err());
    }

    #[test]
    fn signals_beyond_memory_are_refused() {
        use ndarray::ShapeBuilder;
        // One stored value seen as 10^15 frames (a zero-stride view).
        let value = [Complex::new(1.0f32, 0.0)];
        let frames = ArrayView2::from_shape((5, 1 << 50).strides((0, 0)), &value).unwrap();
        let params = IstftParams::<f32>::new(5, 8, 2, &[1.0; 8], true, None).unwrap();
        crate::error::assert_too_large(istft(&[frames], &params), "hop_length");
        let params = IstftParams::<f32>::new(5, 8, 2, &[1.0; 8], true, Some(1 << 60)).unwrap();
        let one = ArrayView2::from_shape((5, 1).strides((0, 0)), &value).unwrap();
        crate::error::assert_too_large(istft(&[one], &params), "length");
    }
}
