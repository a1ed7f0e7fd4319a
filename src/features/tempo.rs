//! Autocorrelation tempograms and global tempo estimation
//! (`librosa.feature.tempogram`, `librosa.feature.rhythm.tempo`).

use ndarray::ArrayViewD;
use rayon::prelude::*;

use crate::dsp::nd::{last_axis_lanes, Shaped};
use crate::dsp::stft::contiguous;
use crate::dsp::{fft, Float};
use crate::error::{ensure, Result};
use crate::parallel;

/// Frames handed to one rayon task.
const FRAMES_PER_TASK: usize = 32;

/// The autocorrelation tempogram of an onset envelope: `n × win_length`
/// (time-major), computed in `f64` as librosa does (the window is float64).
///
/// With `center`, the envelope is padded by `win_length / 2` on both sides with
/// a linear ramp to zero (`np.pad(mode="linear_ramp")`); each frame is windowed,
/// autocorrelated through the FFT, and divided by its `norm` (`inf` = max
/// magnitude, skipped below `f64::MIN_POSITIVE`; `None` = not normalised).
pub fn tempogram<T: Float>(
    env: &[T],
    window: &[f64],
    center: bool,
    norm: Option<f64>,
) -> Result<Vec<f64>> {
    let win = window.len();
    ensure(win > 0, "win_length", || "must be positive".into())?;
    ensure(norm.is_none_or(|n| n > 0.0), "norm", || {
        "must be positive or None".into()
    })?;
    let n = env.len();
    // The result (win × at most n frames, f64; the caller's transposed copy
    // as much again), the padded envelope, and each thread's FFT buffers.
    let threads = rayon::current_num_threads() as f64;
    let w = win as f64;
    crate::error::affordable(
        "win_length",
        16.0 * w * n.max(1) as f64 + 8.0 * (n as f64 + w) + 96.0 * w * threads,
    )?;
    let half = if center { win / 2 } else { 0 };
    let padded: Vec<f64> = if center {
        let ramp = |edge: f64, i: usize| T::of(i as f64 * (edge / half as f64)).wide();
        let (first, last) = (
            env.first().map_or(0.0, |v| v.wide()),
            env.last().map_or(0.0, |v| v.wide()),
        );
        (0..half)
            .map(|i| ramp(first, i))
            .chain(env.iter().map(|v| v.wide()))
            .chain((0..half).rev().map(|i| ramp(last, i)))
            .collect()
    } else {
        env.iter().map(|v| v.wide()).collect()
    };
    ensure(padded.len() >= win, "win_length", || {
        format!("win_length={win} is longer than the onset envelope ({n} frames)")
    })?;
    let n_frames = if center { n } else { padded.len() - win + 1 };
    let n_fft = (2 * win - 1).next_power_of_two().max(2);
    let (fwd, inv) = (fft::forward::<f64>(n_fft), fft::inverse::<f64>(n_fft));
    let mut out = vec![0.0; n_frames * win];
    out.par_chunks_mut(FRAMES_PER_TASK * win)
        .with_min_len(crate::parallel::min_len())
        .enumerate()
        .try_for_each_init(
            || {
                (
                    fwd.make_input_vec(),
                    fwd.make_output_vec(),
                    inv.make_output_vec(),
                )
            },
            |(buf, spec, back), (block, out)| {
                for (i, o) in out.chunks_mut(win).enumerate() {
                    let t = block * FRAMES_PER_TASK + i;
                    buf.iter_mut().for_each(|v| *v = 0.0);
                    for ((b, &x), &w) in buf.iter_mut().zip(&padded[t..t + win]).zip(window) {
                        *b = x * w;
                    }
                    fwd.process(buf, spec).map_err(fft::internal)?;
                    spec.iter_mut()
                        .for_each(|c| *c = num_complex::Complex::new(c.norm_sqr(), 0.0));
                    inv.process(spec, back).map_err(fft::internal)?;
                    for (v, &a) in o.iter_mut().zip(back.iter()) {
                        *v = a / n_fft as f64;
                    }
                    let length = match norm {
                        None => 1.0,
                        Some(p) if p.is_infinite() => o.iter().map(|v| v.abs()).fold(0.0, f64::max),
                        Some(p) => o.iter().map(|v| v.abs().powf(p)).sum::<f64>().powf(1.0 / p),
                    };
                    if length >= f64::MIN_POSITIVE {
                        o.iter_mut().for_each(|v| *v /= length);
                    }
                }
                Ok(())
            },
        )?;
    Ok(out)
}

/// The [`tempogram`] of every onset envelope in `env` (`(..., n)`), one
/// after the other, each on `n_jobs` threads: `(..., frames, win_length)`.
pub fn tempogram_of<T: Float>(
    env: &ArrayViewD<'_, T>,
    window: &[f64],
    center: bool,
    norm: Option<f64>,
    n_jobs: i64,
) -> Result<Shaped<f64>> {
    let (lead, lanes) = last_axis_lanes(env, "onset_envelope")?;
    let mut data = Vec::new();
    for lane in &lanes {
        let x = contiguous(lane);
        data.extend(parallel::install(n_jobs, || {
            tempogram(&x, window, center, norm)
        })??);
    }
    let n_frames = data.len() / (window.len() * lanes.len()).max(1);
    Ok(Shaped::new(data, &lead, &[n_frames, window.len()]))
}

/// [`best_tempo`] of every tempogram column in `strength` (`(..., win_length)`,
/// lanes along the last axis): `(...)` BPM.
pub fn best_tempo_of(
    strength: &ArrayViewD<'_, f64>,
    sr: f64,
    hop_length: usize,
    prior: &TempoPrior,
) -> Result<Shaped<f64>> {
    let (lead, lanes) = last_axis_lanes(strength, "tg")?;
    let data = lanes
        .iter()
        .map(|l| best_tempo(&contiguous(l), sr, hop_length, prior))
        .collect::<Result<Vec<f64>>>()?;
    Ok(Shaped::new(data, &lead, &[]))
}

/// `librosa.tempo_frequencies`: BPM of each tempogram lag (lag 0 is infinite).
pub fn tempo_frequencies(n_bins: usize, sr: f64, hop_length: usize) -> Vec<f64> {
    (0..n_bins)
        .map(|k| {
            if k == 0 {
                f64::INFINITY
            } else {
                60.0 * sr / (hop_length as f64 * k as f64)
            }
        })
        .collect()
}

/// Tempo prior options of `librosa.feature.rhythm.tempo`.
#[derive(Clone, Copy, Debug)]
pub struct TempoPrior {
    /// Center of the log-normal prior in BPM.
    pub start_bpm: f64,
    /// Its standard deviation in octaves.
    pub std_bpm: f64,
    /// Tempi at or above this are excluded (`None`: no limit).
    pub max_tempo: Option<f64>,
}

/// The tempo maximising `log1p(1e6 * strength) + log-normal prior` over lags,
/// from a (time-aggregated) tempogram column `strength` (`win_length` values).
pub fn best_tempo(strength: &[f64], sr: f64, hop_length: usize, prior: &TempoPrior) -> Result<f64> {
    ensure(prior.start_bpm > 0.0, "start_bpm", || {
        "must be strictly positive".into()
    })?;
    ensure(prior.std_bpm > 0.0, "std_bpm", || {
        "must be strictly positive".into()
    })?;
    let bpms = tempo_frequencies(strength.len(), sr, hop_length);
    let max_idx = prior
        .max_tempo
        .map_or(0, |m| bpms.iter().position(|&b| b < m).unwrap_or(0));
    let mut best = (f64::NEG_INFINITY, 0usize);
    for (k, (&s, &bpm)) in strength.iter().zip(&bpms).enumerate() {
        let logprior = if k < max_idx {
            f64::NEG_INFINITY
        } else {
            -0.5 * ((bpm.log2() - prior.start_bpm.log2()) / prior.std_bpm).powi(2)
        };
        let score = (1e6 * s).ln_1p() + logprior;
        if score > best.0 || (k == 0 && score.is_nan()) {
            best = (score, k);
        }
    }
    Ok(bpms[best.1])
}

/// Mean over frames of a time-major `n × width` tempogram.
pub fn mean_over_frames(tg: &[f64], width: usize) -> Vec<f64> {
    let n = (tg.len() / width.max(1)).max(1) as f64;
    let mut mean = vec![0.0; width];
    for frame in tg.chunks(width.max(1)) {
        mean.iter_mut().zip(frame).for_each(|(m, v)| *m += v);
    }
    mean.iter_mut().for_each(|m| *m /= n);
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_onsets_give_their_tempo() {
        // An impulse every 20 frames at 22050/512 frames per second: 129.2 BPM.
        let env: Vec<f32> = (0..600)
            .map(|i| if i % 20 == 0 { 1.0 } else { 0.0 })
            .collect();
        let window = crate::dsp::window::hann(384);
        let tg = tempogram(&env, &window, true, Some(f64::INFINITY)).unwrap();
        let strength = mean_over_frames(&tg, 384);
        let prior = TempoPrior {
            start_bpm: 120.0,
            std_bpm: 1.0,
            max_tempo: Some(320.0),
        };
        let bpm = best_tempo(&strength, 22050.0, 512, &prior).unwrap();
        assert!((bpm - 60.0 * 22050.0 / 512.0 / 20.0).abs() < 1e-9, "{bpm}");
    }

    #[test]
    fn every_envelope_gets_its_tempogram_and_tempo() {
        use ndarray::{Array, IxDyn};
        let env = Array::from_shape_fn(IxDyn(&[2, 600]), |i| {
            if i[1] % (20 + 5 * i[0]) == 0 {
                1.0f32
            } else {
                0.0
            }
        });
        let window = crate::dsp::window::hann(384);
        let tg = tempogram_of(&env.view(), &window, true, Some(f64::INFINITY), 1).unwrap();
        assert_eq!(tg.shape, vec![2, 600, 384]);
        let strength: Vec<f64> = tg
            .data
            .chunks(600 * 384)
            .flat_map(|one| mean_over_frames(one, 384))
            .collect();
        let strength = Array::from_shape_vec(IxDyn(&[2, 384]), strength).unwrap();
        let prior = TempoPrior {
            start_bpm: 120.0,
            std_bpm: 1.0,
            max_tempo: Some(320.0),
        };
        let bpm = best_tempo_of(&strength.view(), 22050.0, 512, &prior).unwrap();
        assert_eq!(bpm.shape, vec![2]);
        let expected = |period: f64| 60.0 * 22050.0 / 512.0 / period;
        assert!(
            (bpm.data[0] - expected(20.0)).abs() < 1e-9,
            "{:?}",
            bpm.data
        );
        assert!(
            (bpm.data[1] - expected(25.0)).abs() < 1e-9,
            "{:?}",
            bpm.data
        );
    }
}
