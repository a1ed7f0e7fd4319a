//! Onset peak picking and dynamic-programming beat tracking, as
//! `librosa.util.peak_pick` and `librosa.beat.beat_track` 0.11.
//!
//! Both are sequential scans over the frames of an onset envelope (librosa
//! compiles them with numba); the arithmetic follows librosa's types so that
//! the chosen frames are identical: the peak picker compares float32 values
//! with a float32 running sum, the beat tracker works in float64 on the
//! (float32) normalised envelope.

use ndarray::{ArrayViewD, Ix1};

use crate::error::{ensure, Error, Result};

/// Window lengths of the peak picker, in frames (librosa's names).
#[derive(Clone, Copy, Debug)]
pub struct PeakPick {
    /// Frames before `n` searched for a larger value.
    pub pre_max: usize,
    /// Frames from `n` (inclusive) searched for a larger value; at least 1.
    pub post_max: usize,
    /// Frames before `n` in the local mean.
    pub pre_avg: usize,
    /// Frames from `n` (inclusive) in the local mean; at least 1.
    pub post_avg: usize,
    /// How far a peak must exceed the local mean.
    pub delta: f64,
    /// Frames skipped after a peak.
    pub wait: usize,
}

impl PeakPick {
    /// [`PeakPick::peaks`] of `x` given as an array: it must be 1-D (any strides).
    pub fn peaks_of<T>(&self, x: &ArrayViewD<'_, T>) -> Result<Vec<bool>>
    where
        T: Copy + PartialOrd + Into<f64> + std::iter::Sum<T>,
    {
        let lane = x
            .view()
            .into_dimensionality::<Ix1>()
            .map_err(|_| Error::param("x", "must be a 1-D array"))?;
        match lane.as_slice() {
            Some(values) => self.peaks(values),
            None => self.peaks(&lane.to_vec()),
        }
    }

    /// Marks the peaks of `x`: `x[n]` is the maximum of
    /// `x[n - pre_max .. n + post_max]`, at least `delta` above the mean of
    /// `x[n - pre_avg .. n + post_avg]`, and more than `wait` frames after the
    /// previous peak.
    pub fn peaks<T>(&self, x: &[T]) -> Result<Vec<bool>>
    where
        T: Copy + PartialOrd + Into<f64> + std::iter::Sum<T>,
    {
        ensure(self.post_max > 0, "post_max", || "must be positive".into())?;
        ensure(self.post_avg > 0, "post_avg", || "must be positive".into())?;
        ensure(self.delta >= 0.0, "delta", || "must be non-negative".into())?;
        let len = x.len();
        let mut peaks = vec![false; len];
        if len == 0 {
            return Ok(peaks);
        }
        // Slices are never empty: every window contains `n` (post_* >= 1).
        let max = |a: usize, b: usize| {
            x[a + 1..b]
                .iter()
                .fold(x[a], |m, &v| if v > m { v } else { m })
        };
        // numba sums a slice sequentially in its own type, then divides in float64.
        let mean = |a: usize, b: usize| x[a..b].iter().copied().sum::<T>().into() / (b - a) as f64;
        let above = |n: usize| {
            let avg = mean(n.saturating_sub(self.pre_avg), (n + self.post_avg).min(len));
            x[n].into() >= avg + self.delta
        };
        peaks[0] = x[0] >= max(0, self.post_max.min(len)) && above(0);
        let mut n = if peaks[0] { self.wait + 1 } else { 1 };
        while n < len {
            let local = max(n.saturating_sub(self.pre_max), (n + self.post_max).min(len));
            peaks[n] = x[n] == local && above(n);
            n += if peaks[n] { self.wait + 1 } else { 1 };
        }
        Ok(peaks)
    }
}

/// Beat frames of a normalised onset envelope (`onsets / std(onsets)`),
/// librosa 0.11's tracker: a Gaussian-windowed local score, the dynamic
/// program that rewards beat intervals near `frames_per_beat`, the last
/// strong local maximum of the cumulative score as the final beat, and
/// (with `trim`) weak leading and trailing frames dropped.
///
/// `frames_per_beat` has one entry (a global tempo) or one per frame.
pub fn track_beats(
    onsets: &[f64],
    frames_per_beat: &[f64],
    tightness: f64,
    trim: bool,
) -> Result<Vec<bool>> {
    let n = onsets.len();
    ensure(frames_per_beat.iter().all(|&f| f > 0.0), "bpm", || {
        "must be strictly positive".into()
    })?;
    ensure(tightness > 0.0, "tightness", || {
        "must be strictly positive".into()
    })?;
    ensure(
        frames_per_beat.len() == 1 || frames_per_beat.len() == n,
        "bpm",
        || {
            format!(
                "has {} values; expected 1 or one per frame ({n})",
                frames_per_beat.len()
            )
        },
    )?;
    let mut beats = vec![false; n];
    if n == 0 {
        return Ok(beats);
    }
    let period = |i: usize| frames_per_beat[if frames_per_beat.len() > 1 { i } else { 0 }];
    let local = local_score(onsets, &period);
    let (backlink, cumulative) = dynamic_program(&local, &period, tightness);
    let mut at = last_beat(&cumulative) as i64;
    while at >= 0 {
        beats[at as usize] = true;
        at = backlink[at as usize];
    }
    trim_beats(&local, &mut beats, trim);
    Ok(beats)
}

/// The onset envelope convolved with a Gaussian of width `period / 32`
/// spanning `±period` frames (librosa's `__beat_local_score`).
fn local_score(onsets: &[f64], period: &impl Fn(usize) -> f64) -> Vec<f64> {
    let n = onsets.len() as i64;
    let window = |p: f64| -> Vec<f64> {
        let half = p as i64;
        (-half..=half)
            .map(|k| (-0.5 * (k as f64 * 32.0 / p).powi(2)).exp())
            .collect()
    };
    let global = window(period(0));
    (0..n)
        .map(|i| {
            let own;
            let w = if period(i as usize) == period(0) {
                &global
            } else {
                own = window(period(i as usize));
                &own
            };
            let k_len = w.len() as i64;
            let mut acc = 0.0;
            for k in (i + k_len / 2 - n + 1).max(0)..(i + k_len / 2).min(k_len) {
                acc += w[k as usize] * onsets[(i + k_len / 2 - k) as usize];
            }
            acc
        })
        .collect()
}

/// librosa's `__beat_track_dp`: for every frame, the best previous beat
/// between `2 period` and `period / 2` (rounded half to even) frames back,
/// scored by its cumulative score minus `tightness · log²(interval / period)`.
/// Frames before the first score above 1 % of the maximum start no chain.
fn dynamic_program(
    local: &[f64],
    period: &impl Fn(usize) -> f64,
    tightness: f64,
) -> (Vec<i64>, Vec<f64>) {
    let threshold = 0.01 * local.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut backlink = vec![-1i64; local.len()];
    let mut cumulative = vec![0.0; local.len()];
    let mut first_beat = true;
    for (i, &score_i) in local.iter().enumerate() {
        let p = period(i);
        let (mut best_score, mut best_at) = (f64::NEG_INFINITY, -1i64);
        let start = i as i64 - (p / 2.0).round_ties_even() as i64;
        let stop = i as i64 - (2.0 * p) as i64 - 1;
        let mut loc = start;
        while loc > stop && loc >= 0 {
            let score = cumulative[loc as usize]
                - tightness * ((i as f64 - loc as f64).ln() - p.ln()).powi(2);
            if score > best_score {
                best_score = score;
                best_at = loc;
            }
            loc -= 1;
        }
        cumulative[i] = if best_at >= 0 {
            score_i + best_score
        } else {
            score_i
        };
        if first_beat && score_i < threshold {
            backlink[i] = -1;
        } else {
            backlink[i] = best_at;
            first_beat = false;
        }
    }
    (backlink, cumulative)
}

/// The last local maximum of the cumulative score that reaches half the
/// median of all its local maxima (librosa's `__last_beat`).
fn last_beat(cumulative: &[f64]) -> usize {
    let n = cumulative.len();
    let is_max = |i: usize| {
        let prev = cumulative[i.saturating_sub(1)];
        let next = cumulative[(i + 1).min(n - 1)];
        cumulative[i] > prev && cumulative[i] >= next
    };
    let mut maxima: Vec<f64> = (0..n)
        .filter(|&i| is_max(i))
        .map(|i| cumulative[i])
        .collect();
    maxima.sort_by(f64::total_cmp);
    let median = match maxima.len() {
        0 => f64::NAN, // numpy's masked median of nothing; no frame then passes
        m if m % 2 == 1 => maxima[m / 2],
        m => (maxima[m / 2 - 1] + maxima[m / 2]) / 2.0,
    };
    let threshold = 0.5 * median;
    (0..n)
        .rev()
        .find(|&i| is_max(i) && cumulative[i] >= threshold)
        .unwrap_or(n - 1)
}

/// librosa 0.11's `__trim_beats`: the local scores at the beats smoothed by a
/// 5-point Hann window give a threshold (half their RMS; 0 without `trim`),
/// and frames from either end whose local score does not exceed it lose
/// their beat.
fn trim_beats(local: &[f64], beats: &mut [bool], trim: bool) {
    let n = local.len();
    let threshold = if trim {
        let at_beats: Vec<f64> = (0..n).filter(|&i| beats[i]).map(|i| local[i]).collect();
        let window = [0.0, 0.5, 1.0, 0.5, 0.0]; // np.hanning(5)
        let full_len = at_beats.len() + window.len() - 1;
        let smooth: Vec<f64> = (2..(n + 2).min(full_len))
            .map(|j| {
                (0..window.len())
                    .filter(|&k| j >= k && j - k < at_beats.len())
                    .map(|k| window[k] * at_beats[j - k])
                    .sum()
            })
            .collect();
        let mean_square = smooth.iter().map(|v| v * v).sum::<f64>() / smooth.len() as f64;
        0.5 * mean_square.sqrt()
    } else {
        0.0
    };
    // `<=` as librosa's loops: a NaN threshold trims nothing.
    for i in 0..n {
        if !(local[i] <= threshold) {
            break;
        }
        beats[i] = false;
    }
    for i in (0..n).rev() {
        if !(local[i] <= threshold) {
            break;
        }
        beats[i] = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Narrow windows for short test envelopes.
    const PICK: PeakPick = PeakPick {
        pre_max: 1,
        post_max: 1,
        pre_avg: 4,
        post_avg: 5,
        delta: 0.07,
        wait: 1,
    };

    #[test]
    fn picks_isolated_peaks() {
        let mut x = vec![0.0f32; 40];
        x[10] = 1.0;
        x[25] = 0.8;
        x[26] = 0.7;
        let pick = PICK;
        let found: Vec<usize> = pick
            .peaks(&x)
            .unwrap()
            .iter()
            .enumerate()
            .filter(|p| *p.1)
            .map(|p| p.0)
            .collect();
        assert_eq!(found, vec![10, 25]);
    }

    #[test]
    fn tracks_a_regular_pulse() {
        let period = 20usize;
        let onsets: Vec<f64> = (0..400)
            .map(|i| if i % period == 5 { 3.0 } else { 0.1 })
            .collect();
        let beats = track_beats(&onsets, &[period as f64], 100.0, true).unwrap();
        let at: Vec<usize> = (0..400).filter(|&i| beats[i]).collect();
        assert!(at.len() >= 15, "{at:?}");
        // The final beat sits on the cumulative score's last strong maximum,
        // which may fall between pulses near the end (as in librosa).
        let inner = &at[..at.len() - 1];
        assert!(inner.windows(2).all(|w| w[1] - w[0] == period), "{at:?}");
        assert!(inner.iter().all(|&i| i % period == 5), "{at:?}");
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(track_beats(&[1.0, 2.0], &[0.0], 100.0, true).is_err());
        assert!(track_beats(&[1.0, 2.0], &[10.0], -1.0, true).is_err());
        assert!(track_beats(&[1.0, 2.0], &[10.0, 10.0, 10.0], 100.0, true).is_err());
    }

    #[test]
    fn arrays_must_be_one_dimensional_and_may_be_strided() {
        let pick = PICK;
        let mut x = vec![0.0f32; 80];
        x[20] = 1.0;
        x[50] = 0.8;
        let strided = ndarray::ArrayView1::from(&x[..]);
        let strided = strided.slice(ndarray::s![..;2]).into_dyn();
        let every_other: Vec<f32> = x.iter().step_by(2).copied().collect();
        assert_eq!(
            pick.peaks_of(&strided).unwrap(),
            pick.peaks(&every_other).unwrap()
        );
        let square = ndarray::Array2::<f32>::zeros((2, 2)).into_dyn();
        assert!(pick.peaks_of(&square.view()).is_err());
    }
}
