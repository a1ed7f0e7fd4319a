//! Short-time Fourier transform, frame by frame on all cores.
//!
//! Frames are written contiguously (`channels × frames × bins`, time-major), the
//! layout that keeps each FFT's output in cache; the Python layer exposes it as a
//! `(..., bins, frames)` view, which for one channel is exactly librosa's
//! Fortran-ordered STFT matrix.

use std::borrow::Cow;

use ndarray::{ArrayView1, ArrayViewD};
use num_complex::Complex;
use rayon::prelude::*;

use super::frames::{check_lengths, Framing, PadMode};
use super::nd::{last_axis_lanes, Shaped};
use super::{fft, window, Float};
use crate::error::{ensure, Error, Result};

/// Frames handed to one rayon task: enough FFTs to amortise the task.
const FRAMES_PER_TASK: usize = 16;

/// STFT parameters, validated.
#[derive(Clone, Debug)]
pub struct StftParams<T> {
    /// FFT length (frame length) in samples.
    pub n_fft: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Window of length `n_fft` (a shorter `win_length` window centered in zeros).
    pub window: Vec<T>,
    /// Whether frames are centered (padded by `n_fft / 2` on both sides).
    pub center: bool,
    /// Padding of a centered analysis.
    pub pad_mode: PadMode,
}

impl<T: Float> StftParams<T> {
    /// librosa's defaults for `n_fft`: periodic Hann, `hop_length = n_fft / 4`,
    /// centered, zero padding.
    pub fn librosa(n_fft: usize) -> Result<Self> {
        Self::new(
            n_fft,
            (n_fft / 4).max(1),
            &window::hann(n_fft),
            true,
            PadMode::Constant,
        )
    }

    /// Parameters with an explicit window of `win_length <= n_fft` samples,
    /// centered in `n_fft` as librosa does.
    pub fn new(
        n_fft: usize,
        hop_length: usize,
        win: &[f64],
        center: bool,
        pad_mode: PadMode,
    ) -> Result<Self> {
        check_lengths(n_fft, hop_length)?;
        crate::error::affordable("n_fft", n_fft as f64 * 48.0)?;
        let window = window::centered(win, n_fft)?;
        ensure(win.iter().all(|w| w.is_finite()), "window", || {
            "window values must be finite".into()
        })?;
        Ok(StftParams {
            n_fft,
            hop_length,
            window,
            center,
            pad_mode,
        })
    }

    /// Number of frequency bins, `1 + n_fft / 2`.
    pub fn n_bins(&self) -> usize {
        self.n_fft / 2 + 1
    }

    /// Frame geometry for a signal of `len` samples.
    pub fn framing(&self, len: usize) -> Result<Framing> {
        ensure(
            len > 0 || !self.center || self.pad_mode == PadMode::Constant,
            "pad_mode",
            || "an empty signal can only be padded with pad_mode='constant'".into(),
        )?;
        Framing::new(len, self.n_fft, self.hop_length, self.center)
    }
}

/// STFT options as the caller gives them (window in `f64`, not yet
/// validated): one value builds the [`StftParams`] of either float type.
#[derive(Clone, Debug)]
pub struct StftSpec {
    /// FFT length (frame length) in samples.
    pub n_fft: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Window of `win_length <= n_fft` samples (centered in `n_fft`).
    pub window: Vec<f64>,
    /// Whether frames are centered.
    pub center: bool,
    /// Padding of a centered analysis.
    pub pad_mode: PadMode,
}

impl StftSpec {
    /// The validated parameters in float type `T` (see [`StftParams::new`]).
    pub fn params<T: Float>(&self) -> Result<StftParams<T>> {
        StftParams::new(
            self.n_fft,
            self.hop_length,
            &self.window,
            self.center,
            self.pad_mode,
        )
    }
}

/// Per-frame results of a short-time analysis, `channels × n_frames × width`
/// in row-major order (each frame's `width` values contiguous).
#[derive(Clone, Debug, PartialEq)]
pub struct FrameMatrix<O> {
    /// The values, channel by channel, frame by frame.
    pub data: Vec<O>,
    /// Number of channels (signals) analysed.
    pub channels: usize,
    /// Frames per channel.
    pub n_frames: usize,
    /// Values per frame (frequency bins, mel bands ...).
    pub width: usize,
}

impl<O: Copy> FrameMatrix<O> {
    /// Value of frame `t`, row `k` of `channel`.
    pub fn get(&self, channel: usize, t: usize, k: usize) -> O {
        self.data[(channel * self.n_frames + t) * self.width + k]
    }
}

/// Checks that audio samples are all finite, naming the argument like librosa.
pub fn check_finite<T: Float>(signal: &[T], name: &'static str) -> Result<()> {
    ensure(signal.iter().all(|x| x.is_finite()), name, || {
        "audio buffer is not finite everywhere (NaN or inf)".into()
    })
}

/// A signal as one contiguous slice (copying only strided views).
pub fn contiguous<'a, T: Float>(signal: &ArrayView1<'a, T>) -> Cow<'a, [T]> {
    signal
        .to_slice()
        .map_or_else(|| Cow::Owned(signal.to_vec()), Cow::Borrowed)
}

/// Runs the STFT of every channel (all of one length) and lets `emit` turn each
/// frame's spectrum into `width` output values, in parallel over frame blocks.
///
/// `init` makes per-task scratch state for `emit`. This is the one frame loop
/// behind [`stft`], power and mel spectrograms.
pub fn map_frames<T, O, S>(
    channels: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
    width: usize,
    init: impl Fn() -> S + Sync + Send,
    emit: impl Fn(&mut S, &[Complex<T>], &mut [O]) + Sync + Send,
) -> Result<FrameMatrix<O>>
where
    T: Float,
    O: Copy + Default + Send + Sync,
{
    let len = channels.first().map_or(0, |c| c.len());
    if channels.iter().any(|c| c.len() != len) {
        return Err(Error::param("y", "all channels must have the same length"));
    }
    let framing = params.framing(len)?;
    let signals: Vec<Cow<'_, [T]>> = channels.iter().map(contiguous).collect();
    signals.iter().try_for_each(|s| check_finite(s, "y"))?;

    let plan = fft::forward::<T>(params.n_fft);
    let cancel = crate::parallel::Cancel::current();
    let n_frames = framing.n_frames;
    let cells = channels.len() as f64 * n_frames as f64 * width as f64;
    crate::error::affordable(
        format!(
            "n_fft={} with hop_length={} ({n_frames} frames × {width} values per channel)",
            params.n_fft, params.hop_length
        ),
        cells * std::mem::size_of::<O>() as f64,
    )?;
    let mut data = vec![O::default(); channels.len() * n_frames * width];
    if width == 0 {
        return Ok(FrameMatrix {
            data,
            channels: channels.len(),
            n_frames,
            width,
        });
    }
    data.par_chunks_mut(n_frames * width)
        .zip(signals.par_iter())
        .try_for_each(|(out, signal)| {
            out.par_chunks_mut(FRAMES_PER_TASK * width)
                .with_min_len(crate::parallel::min_len())
                .enumerate()
                .try_for_each_init(
                    || {
                        (
                            plan.make_input_vec(),
                            plan.make_output_vec(),
                            plan.make_scratch_vec(),
                            init(),
                        )
                    },
                    |(frame, spectrum, scratch, state), (block, out)| {
                        if cancel.requested() {
                            return Ok(());
                        }
                        for (i, out) in out.chunks_mut(width).enumerate() {
                            let t = block * FRAMES_PER_TASK + i;
                            framing.windowed_frame(
                                signal,
                                t,
                                &params.window,
                                params.pad_mode,
                                frame,
                            );
                            plan.process_with_scratch(frame, spectrum, scratch)
                                .map_err(fft::internal)?;
                            emit(state, spectrum, out);
                        }
                        Ok(())
                    },
                )
        })?;
    cancel.check()?;
    Ok(FrameMatrix {
        data,
        channels: channels.len(),
        n_frames,
        width,
    })
}

/// The complex STFT of each channel: `channels × frames × (1 + n_fft/2)`.
pub fn stft<T: Float>(
    channels: &[ArrayView1<'_, T>],
    params: &StftParams<T>,
) -> Result<FrameMatrix<Complex<T>>> {
    map_frames(
        channels,
        params,
        params.n_bins(),
        || (),
        |_, spectrum, out| out.copy_from_slice(spectrum),
    )
}

/// The complex STFT of every channel of `y` (`(..., n)`) on `n_jobs`
/// threads: `(..., frames, 1 + n_fft/2)`.
pub fn stft_of<T: Float>(
    y: &ArrayViewD<'_, T>,
    spec: &StftSpec,
    n_jobs: i64,
) -> Result<Shaped<Complex<T>>> {
    let params = spec.params::<T>()?;
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let m = crate::parallel::install(n_jobs, || stft(&lanes, &params))??;
    Ok(Shaped::new(m.data, &lead, &[m.n_frames, m.width]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    /// Direct DFT of one windowed, zero-padded frame.
    fn dft_bin(x: &[f64], w: &[f64], start: isize, k: usize) -> Complex<f64> {
        let n = w.len();
        (0..n).fold(Complex::new(0.0, 0.0), |acc, j| {
            let i = start + j as isize;
            let v = if i >= 0 && (i as usize) < x.len() {
                x[i as usize]
            } else {
                0.0
            };
            let ang = -2.0 * std::f64::consts::PI * (k * j) as f64 / n as f64;
            acc + Complex::from_polar(v * w[j], ang)
        })
    }

    #[test]
    fn matches_direct_dft_with_centering() {
        let x: Vec<f64> = (0..300)
            .map(|i| ((i * 7 % 13) as f64 - 6.0) / 6.0)
            .collect();
        let a = Array1::from(x.clone());
        let params = StftParams::<f64>::librosa(64).unwrap();
        let s = stft(&[a.view()], &params).unwrap();
        assert_eq!((s.n_frames, s.width), (1 + 300 / 16, 33));
        let w = window::hann(64);
        for t in [0, 1, 5, s.n_frames - 1] {
            for k in [0, 3, 32] {
                let want = dft_bin(&x, &w, (t * 16) as isize - 32, k);
                let got = s.get(0, t, k);
                assert!((got - want).norm() < 1e-9, "t={t} k={k}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn f32_and_strided_input_agree_with_f64() {
        let x: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.1).sin()).collect();
        let doubled: Array1<f32> = x.iter().flat_map(|&v| [v as f32, 99.0]).collect();
        let strided = doubled.slice(ndarray::s![..;2]);
        let p32 = StftParams::<f32>::librosa(128).unwrap();
        let p64 = StftParams::<f64>::librosa(128).unwrap();
        let a = stft(&[strided], &p32).unwrap();
        let b = stft(&[Array1::from(x).view()], &p64).unwrap();
        let max = b.data.iter().map(|c| c.norm()).fold(0.0, f64::max);
        for (u, v) in a.data.iter().zip(&b.data) {
            assert!((Complex::new(u.re as f64, u.im as f64) - v).norm() <= 1e-5 * max);
        }
    }

    #[test]
    fn rejects_bad_input() {
        let p = StftParams::<f32>::librosa(64).unwrap();
        let nan = Array1::from(vec![0.0f32, f32::NAN, 0.0]);
        assert!(matches!(
            stft(&[nan.view()], &p),
            Err(Error::InvalidParameter { name: "y", .. })
        ));
        let short = Array1::from(vec![0.0f32; 10]);
        let uncentered = StftParams {
            center: false,
            ..p.clone()
        };
        assert!(matches!(
            stft(&[short.view()], &uncentered),
            Err(Error::InvalidParameter { name: "n_fft", .. })
        ));
        let empty = Array1::<f32>::zeros(0);
        let reflect = StftParams {
            pad_mode: PadMode::Reflect,
            ..p
        };
        assert!(stft(&[empty.view()], &reflect).is_err());
        assert!(StftParams::<f32>::new(64, 16, &[1.0; 65], true, PadMode::Constant).is_err());
    }
}
