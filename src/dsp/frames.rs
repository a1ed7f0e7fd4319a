//! Framing a signal for short-time analysis: padding modes and frame geometry.

use crate::error::{ensure, Result};

pub use crate::options::dsp::frames::PadMode;

impl PadMode {
    /// The sample index `i` (which may lie outside `0..len`) maps to, or `None`
    /// for a zero (constant padding). `len` must be positive.
    pub fn source(self, i: isize, len: usize) -> Option<usize> {
        let n = len as isize;
        if (0..n).contains(&i) {
            return Some(i as usize);
        }
        if n == 0 {
            return None; // nothing to mirror or repeat: an empty signal pads with zeros
        }
        let mapped = match self {
            PadMode::Constant => return None,
            PadMode::Edge => i.clamp(0, n - 1),
            PadMode::Reflect if n == 1 => 0,
            PadMode::Reflect => {
                let period = 2 * (n - 1);
                let m = i.rem_euclid(period);
                if m >= n {
                    period - m
                } else {
                    m
                }
            }
            PadMode::Symmetric => {
                let period = 2 * n;
                let m = i.rem_euclid(period);
                if m >= n {
                    period - 1 - m
                } else {
                    m
                }
            }
        };
        Some(mapped as usize)
    }
}

/// Checks an analysis's frame length and hop (both positive).
pub fn check_lengths(n_fft: usize, hop_length: usize) -> Result<()> {
    ensure(n_fft > 0, "n_fft", || {
        "must be a positive number of samples, not 0".into()
    })?;
    ensure(hop_length > 0, "hop_length", || {
        "must be a positive number of samples, not 0".into()
    })
}

/// Where each analysis frame of a signal starts, as librosa frames it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framing {
    /// Frame length in samples.
    pub n_fft: usize,
    /// Samples between frame starts.
    pub hop_length: usize,
    /// Virtual padding before the first sample (`n_fft / 2` when centered).
    pub pad: usize,
    /// Number of frames.
    pub n_frames: usize,
    /// Signal length in samples.
    pub len: usize,
}

impl Framing {
    /// Frames of a `len`-sample signal: `1 + (len + 2 * pad - n_fft) / hop_length`
    /// with `pad = n_fft / 2` when `center`. Errors, like librosa, when even the
    /// padded signal is shorter than one frame.
    pub fn new(len: usize, n_fft: usize, hop_length: usize, center: bool) -> Result<Self> {
        check_lengths(n_fft, hop_length)?;
        let pad = if center { n_fft / 2 } else { 0 };
        let padded = len + 2 * pad;
        ensure(padded >= n_fft, "n_fft", || {
            if center {
                format!("n_fft={n_fft} is too large for input signal of length={len}")
            } else {
                format!("n_fft={n_fft} is too large for uncentered analysis of input signal of length={len}")
            }
        })?;
        Ok(Framing {
            n_fft,
            hop_length,
            pad,
            n_frames: 1 + (padded - n_fft) / hop_length,
            len,
        })
    }

    /// Writes frame `t` of `signal`, multiplied by `window`, into `out`
    /// (all three of length `n_fft`; `signal.len() == self.len`).
    pub fn windowed_frame<T: super::Float>(
        &self,
        signal: &[T],
        t: usize,
        window: &[T],
        mode: PadMode,
        out: &mut [T],
    ) {
        let start = (t * self.hop_length) as isize - self.pad as isize;
        if start >= 0 && start as usize + self.n_fft <= signal.len() {
            let frame = &signal[start as usize..start as usize + self.n_fft];
            for ((o, &x), &w) in out.iter_mut().zip(frame).zip(window) {
                *o = x * w;
            }
        } else {
            for (k, (o, &w)) in out.iter_mut().zip(window).enumerate() {
                let x = mode
                    .source(start + k as isize, signal.len())
                    .map_or(T::zero(), |i| signal[i]);
                *o = x * w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn padded(mode: PadMode, x: &[f64], pad: usize) -> Vec<f64> {
        (-(pad as isize)..(x.len() + pad) as isize)
            .map(|i| mode.source(i, x.len()).map_or(0.0, |j| x[j]))
            .collect()
    }

    #[test]
    fn pad_modes_match_numpy() {
        let x = [1.0, 2.0, 3.0];
        for (mode, want) in [
            (PadMode::Constant, [0., 0., 1., 2., 3., 0., 0.]),
            (PadMode::Edge, [1., 1., 1., 2., 3., 3., 3.]),
            (PadMode::Reflect, [3., 2., 1., 2., 3., 2., 1.]),
            (PadMode::Symmetric, [2., 1., 1., 2., 3., 3., 2.]),
        ] {
            assert_eq!(padded(mode, &x, 2), want, "{mode:?}");
        }
        // np.pad([1, 2, 3], 5, mode="reflect"): reflections repeat.
        assert_eq!(
            padded(PadMode::Reflect, &x, 5),
            vec![2., 1., 2., 3., 2., 1., 2., 3., 2., 1., 2., 3., 2.]
        );
        assert_eq!(padded(PadMode::Reflect, &[7.0], 2), vec![7.0; 5]);
    }

    #[test]
    fn frame_counts_like_librosa() {
        // librosa: 1 + len // hop frames when centered.
        assert_eq!(
            Framing::new(22050, 2048, 512, true).unwrap().n_frames,
            1 + 22050 / 512
        );
        assert_eq!(Framing::new(2048, 2048, 512, false).unwrap().n_frames, 1);
        assert_eq!(Framing::new(0, 2048, 512, true).unwrap().n_frames, 1);
        assert!(matches!(
            Framing::new(100, 2048, 512, false),
            Err(Error::InvalidParameter { name: "n_fft", .. })
        ));
        assert!(Framing::new(100, 2048, 0, true).is_err());
    }
}
