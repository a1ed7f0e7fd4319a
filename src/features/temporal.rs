//! Features of raw (unwindowed) frames: RMS energy and zero-crossing rate.

use std::borrow::Cow;

use ndarray::{ArrayView1, ArrayViewD};
use rayon::prelude::*;

use crate::dsp::frames::{Framing, PadMode};
use crate::dsp::nd::{last_axis_lanes, Shaped};
use crate::dsp::stft::{check_finite, contiguous, FrameMatrix};
use crate::dsp::Float;
use crate::error::{affordable, Error, Result};
use crate::parallel;

/// Frames handed to one rayon task.
const FRAMES_PER_TASK: usize = 64;

/// Framing of a raw-frame feature: `frame_length` samples every `hop_length`,
/// centered frames padded with `pad_mode`.
#[derive(Clone, Copy, Debug)]
pub struct RawFraming {
    /// Samples per frame.
    pub frame_length: usize,
    /// Samples between frames.
    pub hop_length: usize,
    /// Pad `frame_length / 2` samples on both sides.
    pub center: bool,
    /// How centered frames are padded.
    pub pad_mode: PadMode,
}

impl RawFraming {
    /// Frames padded with the edge samples, as `librosa.feature.zero_crossing_rate` pads.
    pub fn edge(frame_length: usize, hop_length: usize, center: bool) -> Self {
        RawFraming {
            frame_length,
            hop_length,
            center,
            pad_mode: PadMode::Edge,
        }
    }
}

/// The frame geometry of `channels` and their contiguous, finite samples.
fn prepare<'a, T: Float>(
    channels: &'a [ArrayView1<'_, T>],
    framing: &RawFraming,
) -> Result<(Framing, Vec<Cow<'a, [T]>>)> {
    // The centred padding of `frame_length` samples.
    affordable("frame_length", 8.0 * framing.frame_length as f64)?;
    let len = channels.first().map_or(0, |c| c.len());
    if channels.iter().any(|c| c.len() != len) {
        return Err(Error::param("y", "all channels must have the same length"));
    }
    let geometry = Framing::new(
        len,
        framing.frame_length,
        framing.hop_length,
        framing.center,
    )?;
    let signals: Vec<Cow<'_, [T]>> = channels.iter().map(contiguous).collect();
    signals.iter().try_for_each(|s| check_finite(s, "y"))?;
    Ok((geometry, signals))
}

/// Runs `emit` on every raw frame of every channel, in parallel over blocks of
/// frames: `channels × frames × 1`.
fn map_raw_frames<T: Float>(
    channels: &[ArrayView1<'_, T>],
    framing: &RawFraming,
    emit: impl Fn(&[T]) -> f64 + Sync + Send,
) -> Result<FrameMatrix<f64>> {
    let (geometry, signals) = prepare(channels, framing)?;
    let ones = vec![T::one(); framing.frame_length];
    let n_frames = geometry.n_frames;
    let mut data = vec![0.0; channels.len() * n_frames];
    data.par_chunks_mut(n_frames.max(1))
        .zip(signals.par_iter())
        .for_each(|(out, signal)| {
            out.par_chunks_mut(FRAMES_PER_TASK)
                .with_min_len(crate::parallel::min_len())
                .enumerate()
                .for_each_init(
                    || vec![T::zero(); framing.frame_length],
                    |frame, (block, out)| {
                        for (i, o) in out.iter_mut().enumerate() {
                            let t = block * FRAMES_PER_TASK + i;
                            let start = (t * geometry.hop_length) as isize - geometry.pad as isize;
                            // Interior frames are read in place; only edge frames are padded.
                            *o = if start >= 0
                                && start as usize + framing.frame_length <= signal.len()
                            {
                                emit(&signal[start as usize..start as usize + framing.frame_length])
                            } else {
                                geometry.windowed_frame(signal, t, &ones, framing.pad_mode, frame);
                                emit(frame)
                            };
                        }
                    },
                );
        });
    Ok(FrameMatrix {
        data,
        channels: channels.len(),
        n_frames,
        width: 1,
    })
}

/// Root-mean-square of each frame (`librosa.feature.rms` from `y`), summed in
/// `f64`. Frames overlap, so the squares are summed once per block of
/// `gcd(frame_length, hop_length)` samples of the padded signal and each frame
/// adds up its blocks: `O(len + frames × frame_length / block)`, 4 additions
/// per frame with librosa's defaults.
pub fn rms<T: Float>(
    channels: &[ArrayView1<'_, T>],
    framing: &RawFraming,
) -> Result<FrameMatrix<f64>> {
    let (geometry, signals) = prepare(channels, framing)?;
    let block = gcd(framing.frame_length, framing.hop_length);
    let (per_frame, step) = (framing.frame_length / block, framing.hop_length / block);
    let n_frames = geometry.n_frames;
    let n_blocks = (n_frames - 1) * step + per_frame;
    let square = |x: T| x.wide() * x.wide();
    let mut data = vec![0.0; channels.len() * n_frames];
    let fill = |(out, signal): (&mut [f64], &Cow<'_, [T]>)| {
        let energies: Vec<f64> = (0..n_blocks)
            .map(|b| {
                let start = (b * block) as isize - geometry.pad as isize;
                if start >= 0 && start as usize + block <= signal.len() {
                    sum_of_squares(&signal[start as usize..start as usize + block])
                } else {
                    (start..start + block as isize)
                        .filter_map(|i| framing.pad_mode.source(i, signal.len()))
                        .map(|i| square(signal[i]))
                        .sum()
                }
            })
            .collect();
        for (t, o) in out.iter_mut().enumerate() {
            let energy: f64 = energies[t * step..t * step + per_frame].iter().sum();
            *o = (energy / framing.frame_length as f64).sqrt();
        }
    };
    // Channels are the unit of parallel work; one channel stays on this thread.
    if signals.len() == 1 {
        data.chunks_mut(n_frames.max(1))
            .zip(&signals)
            .for_each(fill);
    } else {
        data.par_chunks_mut(n_frames.max(1))
            .zip(signals.par_iter())
            .for_each(fill);
    }
    Ok(FrameMatrix {
        data,
        channels: channels.len(),
        n_frames,
        width: 1,
    })
}

/// `Σ x²` in `f64` over 8 independent partial sums (so the additions pipeline).
fn sum_of_squares<T: Float>(x: &[T]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().map(|v| v.wide() * v.wide()).sum();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v.wide() * v.wide();
        }
    }
    acc.iter().sum::<f64>() + tail
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Fraction of sign changes in each frame (`librosa.feature.zero_crossing_rate`):
/// samples with `|x| <= threshold` count as positive zeros, the first sample of
/// a frame is never a crossing, and the count is divided by the frame length.
pub fn zero_crossing_rate<T: Float>(
    channels: &[ArrayView1<'_, T>],
    framing: &RawFraming,
    threshold: f64,
) -> Result<FrameMatrix<f64>> {
    let threshold = T::of(threshold);
    let negative = move |x: T| x.abs() > threshold && x.is_sign_negative();
    map_raw_frames(channels, framing, move |frame| {
        let crossings = frame
            .windows(2)
            .filter(|w| negative(w[0]) != negative(w[1]))
            .count();
        crossings as f64 / frame.len() as f64
    })
}

/// [`rms`] of every channel of `y` (`(..., n)`): `(..., frames, 1)`. It
/// parallelises over channels only, so one channel runs on the calling thread
/// without waking a pool thread (sub-millisecond work, where a pool hand-off
/// costs more while BLAS threads still spin from an earlier numpy call).
pub fn rms_of<T: Float>(
    y: &ArrayViewD<'_, T>,
    framing: &RawFraming,
    n_jobs: i64,
) -> Result<Shaped<f64>> {
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let m = if lanes.len() == 1 {
        rms(&lanes, framing)?
    } else {
        parallel::install(n_jobs, || rms(&lanes, framing))??
    };
    Ok(Shaped::new(m.data, &lead, &[m.n_frames, 1]))
}

/// [`zero_crossing_rate`] of every channel of `y` (`(..., n)`) on `n_jobs`
/// threads: `(..., frames, 1)`.
pub fn zero_crossing_rate_of<T: Float>(
    y: &ArrayViewD<'_, T>,
    framing: &RawFraming,
    threshold: f64,
    n_jobs: i64,
) -> Result<Shaped<f64>> {
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let m = parallel::install(n_jobs, || zero_crossing_rate(&lanes, framing, threshold))??;
    Ok(Shaped::new(m.data, &lead, &[m.n_frames, 1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    fn framing(frame_length: usize, hop_length: usize, pad_mode: PadMode) -> RawFraming {
        RawFraming {
            frame_length,
            hop_length,
            center: true,
            pad_mode,
        }
    }

    #[test]
    fn rms_of_constant_signal_with_zero_padding() {
        let y = Array1::from(vec![2.0f32; 16]);
        let m = rms(&[y.view()], &framing(8, 4, PadMode::Constant)).unwrap();
        assert_eq!(m.n_frames, 5);
        // First frame: 4 zeros of padding, then 4 samples of 2.
        assert!((m.data[0] - (16.0f64 / 8.0).sqrt()).abs() < 1e-12);
        assert!((m.data[2] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn rms_blocks_match_direct_frame_sums() {
        let y = Array1::from(
            (0..50)
                .map(|i| ((i * 7 % 13) as f64 - 6.0) * 0.1)
                .collect::<Vec<_>>(),
        );
        for (frame_length, hop_length) in [(8, 4), (7, 3), (5, 5), (4, 6)] {
            for pad_mode in [PadMode::Constant, PadMode::Reflect, PadMode::Edge] {
                let f = framing(frame_length, hop_length, pad_mode);
                let m = rms(&[y.view()], &f).unwrap();
                let direct = map_raw_frames(&[y.view()], &f, |frame| {
                    (frame.iter().map(|x| x * x).sum::<f64>() / frame.len() as f64).sqrt()
                })
                .unwrap();
                for (a, b) in m.data.iter().zip(&direct.data) {
                    assert!(
                        (a - b).abs() < 1e-12,
                        "{frame_length}/{hop_length} {pad_mode:?}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn zero_crossings_count_sign_changes() {
        let y = Array1::from(vec![1.0f64, -1.0, 1.0, -1.0, 0.0, 1e-12, -1e-12, 1.0]);
        let m = zero_crossing_rate(
            &[y.view()],
            &RawFraming {
                frame_length: 8,
                hop_length: 8,
                center: false,
                pad_mode: PadMode::Constant,
            },
            1e-10,
        )
        .unwrap();
        assert_eq!(m.data, vec![4.0 / 8.0]);
        assert!(zero_crossing_rate(&[y.view()], &framing(0, 1, PadMode::Edge), 1e-10).is_err());
    }

    #[test]
    fn arrays_give_the_rows_of_each_channel() {
        use ndarray::{Array, IxDyn};
        let y = Array::from_shape_fn(IxDyn(&[3, 1000]), |i| {
            ((i[1] * (i[0] + 2)) as f64 * 0.1).sin()
        });
        let f = framing(64, 16, PadMode::Constant);
        let all = rms_of(&y.view(), &f, 2).unwrap();
        let frames = 1 + 1000 / 16;
        assert_eq!(all.shape, vec![3, frames, 1]);
        let one = y.slice(ndarray::s![2, ..]).into_dyn();
        let alone = rms_of(&one, &f, 2).unwrap();
        assert_eq!(alone.shape, vec![frames, 1]);
        assert_eq!(alone.data[..], all.data[2 * frames..]);
        let z = zero_crossing_rate_of(&y.view(), &framing(64, 16, PadMode::Edge), 0.0, 1).unwrap();
        assert_eq!(z.shape, vec![3, frames, 1]);
        let scalar = Array::from_shape_vec(IxDyn(&[]), vec![0.0]).unwrap();
        assert!(rms_of(&scalar.view(), &f, 1).is_err());
    }

    #[test]
    fn a_frame_length_beyond_memory_is_refused() {
        let y = Array1::from(vec![1.0f32; 16]);
        let huge = framing(usize::MAX / 16, 4, PadMode::Constant);
        crate::error::assert_too_large(rms(&[y.view()], &huge), "frame_length");
        let zcr = zero_crossing_rate(&[y.view()], &huge, 0.0);
        crate::error::assert_too_large(zcr, "frame_length");
    }
}
