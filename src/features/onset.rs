//! Onset strength envelopes (`librosa.onset.onset_strength`): positive
//! differences of a (log-mel) spectrogram across `lag` frames, aggregated over
//! frequency.

use ndarray::ArrayViewD;

use super::median::median;
use crate::dsp::frames::PadMode;
use crate::dsp::nd::{columns, Shaped};
use crate::dsp::Float;
use crate::error::{affordable, ensure, Result};

/// How frequency bands are combined into one onset value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// `np.mean` (librosa's default).
    Mean,
    /// `np.median` (what `beat_track` uses).
    Median,
}

impl Aggregate {
    /// [`Aggregate::Median`] when `median`, else [`Aggregate::Mean`].
    pub fn median_if(median: bool) -> Self {
        if median {
            Aggregate::Median
        } else {
            Aggregate::Mean
        }
    }
}

/// Onset-strength options with librosa's meanings.
#[derive(Clone, Copy, Debug)]
pub struct OnsetParams {
    /// Frames between the compared spectra.
    pub lag: usize,
    /// Width of the maximum filter over frequency applied to the reference (1 = none).
    pub max_size: usize,
    /// Aggregation over frequency.
    pub aggregate: Aggregate,
    /// Zeros prepended: `lag`, plus `n_fft / (2 hop)` when centered.
    pub pad_width: usize,
    /// Cut the result to the spectrogram's number of frames.
    pub center: bool,
}

/// Sliding maximum over `size` values with mirrored ends
/// (`scipy.ndimage.maximum_filter1d`, `mode="reflect"`).
fn maximum_filter<T: Float>(x: &[T], size: usize, out: &mut [T]) {
    let n = x.len();
    // Any window of 2n symmetric-padded positions covers the whole axis, so a
    // wider one (max_size=2**40) gives the same maxima: cap the work at O(n²).
    let size = size.min(2 * n);
    let before = (size / 2) as isize;
    for (i, o) in out.iter_mut().enumerate() {
        *o = (0..size as isize)
            .map(|j| {
                x[PadMode::Symmetric
                    .source(i as isize + j - before, n)
                    .unwrap_or(0)]
            })
            .fold(T::neg_infinity(), |m, v| if v > m { v } else { m });
    }
}

/// The onset envelope of one spectrogram stored time-major (`n_frames × n_bands`).
pub fn onset_strength<T: Float>(
    s: &[T],
    n_frames: usize,
    n_bands: usize,
    p: &OnsetParams,
) -> Result<Vec<T>> {
    ensure(p.lag > 0, "lag", || {
        "must be a positive number of frames".into()
    })?;
    // The envelope is padded by `lag` frames (and the centring offset).
    affordable("lag", 8.0 * p.lag as f64)?;
    ensure(p.max_size > 0, "max_size", || {
        "must be a positive number of bins".into()
    })?;
    ensure(s.len() == n_frames * n_bands, "S", || {
        "spectrogram size does not match its shape".into()
    })?;
    let mut reference = vec![T::zero(); n_bands];
    let mut diff = vec![T::zero(); n_bands];
    let mut env = vec![T::zero(); p.pad_width];
    for t in 0..n_frames.saturating_sub(p.lag) {
        let earlier = &s[t * n_bands..(t + 1) * n_bands];
        let later = &s[(t + p.lag) * n_bands..(t + p.lag + 1) * n_bands];
        let earlier = if p.max_size == 1 {
            earlier
        } else {
            maximum_filter(earlier, p.max_size, &mut reference);
            &reference
        };
        for ((d, &a), &b) in diff.iter_mut().zip(later).zip(earlier) {
            let v = a - b;
            *d = if v > T::zero() { v } else { T::zero() };
        }
        env.push(aggregate(&mut diff, p.aggregate));
    }
    if p.center {
        env.resize(n_frames, T::zero());
    }
    Ok(env)
}

/// The onset envelope of every channel of a spectrogram `s`
/// (`(..., bands, frames)`): `(..., n)`.
pub fn onset_strength_of<T: Float>(s: &ArrayViewD<'_, T>, p: &OnsetParams) -> Result<Shaped<T>> {
    let cols = columns(s, "S")?;
    let (n_frames, n_bands) = (cols.n_frames, cols.n_bins);
    let channels = cols.channels();
    let mut data = Vec::new();
    for channel in cols
        .time_major()
        .chunks((n_frames * n_bands).max(1))
        .take(channels)
    {
        data.extend(onset_strength(channel, n_frames, n_bands, p)?);
    }
    let n = data.len() / channels.max(1);
    Ok(Shaped::new(data, &cols.lead, &[n]))
}

fn aggregate<T: Float>(x: &mut [T], how: Aggregate) -> T {
    if x.is_empty() {
        return T::nan();
    }
    match how {
        Aggregate::Mean => T::of(x.iter().map(|v| v.wide()).sum::<f64>() / x.len() as f64),
        Aggregate::Median => median(x).unwrap_or_else(T::nan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lag 1, no maximum filter, mean over bands, centered.
    const MEAN: OnsetParams = OnsetParams {
        lag: 1,
        max_size: 1,
        aggregate: Aggregate::Mean,
        pad_width: 1,
        center: true,
    };

    #[test]
    fn rising_energy_is_an_onset() {
        // 4 frames x 2 bands: energy rises at frame 2.
        let s = [0.0f32, 0.0, 0.0, 0.0, 1.0, 3.0, 1.0, 1.0];
        let p = MEAN;
        assert_eq!(
            onset_strength(&s, 4, 2, &p).unwrap(),
            vec![0.0, 0.0, 2.0, 0.0]
        );
        let med = OnsetParams {
            aggregate: Aggregate::Median,
            max_size: 2,
            ..p
        };
        assert_eq!(
            onset_strength(&s, 4, 2, &med).unwrap(),
            vec![0.0, 0.0, 2.0, 0.0]
        );
        assert!(onset_strength(&s, 4, 2, &OnsetParams { lag: 0, ..p }).is_err());
    }

    #[test]
    fn every_channel_gets_its_envelope() {
        use ndarray::{Array, IxDyn};
        // (channels=2, bands=2, frames=4); channel 1 is channel 0 doubled.
        let frames = [[0.0f32, 0.0, 1.0, 1.0], [0.0, 0.0, 3.0, 1.0]];
        let s = Array::from_shape_fn(IxDyn(&[2, 2, 4]), |i| {
            frames[i[1]][i[2]] * (1 + i[0]) as f32
        });
        let p = MEAN;
        let out = onset_strength_of(&s.view(), &p).unwrap();
        assert_eq!(out.shape, vec![2, 4]);
        assert_eq!(out.data, vec![0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 4.0, 0.0]);
    }

    #[test]
    fn a_lag_beyond_memory_is_refused_before_padding() {
        let p = OnsetParams {
            lag: usize::MAX / 16,
            max_size: 1,
            aggregate: Aggregate::Mean,
            pad_width: 1,
            center: true,
        };
        crate::error::assert_too_large(onset_strength(&[0.0f32; 4], 2, 2, &p), "lag");
    }
}
