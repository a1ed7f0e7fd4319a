//! `librosa.resample` with the soxr family of `res_type`s.
//!
//! Each lane is resampled by libsoxr exactly as librosa's python-soxr call
//! does ([`super::soxr`]), lanes in parallel. With `fix`, the output has
//! librosa's length `ceil(n * target / orig)` (zero-padded or cut, as
//! `librosa.util.fix_length`); without it, libsoxr's own length.

use std::borrow::Cow;

use ndarray::ArrayViewD;
use rayon::prelude::*;

use super::soxr::{self, Quality, Sample};
use crate::dsp::nd::{last_axis_lanes, Shaped};
use crate::dsp::stft::contiguous;
use crate::error::{affordable, ensure, Result};

/// Number of output samples librosa produces: `ceil(n * target / orig)`.
pub fn output_len(n: usize, orig: f64, target: f64) -> usize {
    (n as f64 * (target / orig)).ceil() as usize
}

/// The largest conversion ratio, either way. libsoxr's time grows much faster
/// than its output beyond it (10 samples up by 2^19: over 30 s; `soxr_qq` up
/// by 2^17: 8 s; 1e300 Hz to 1 Hz: no answer in a minute), so a larger ratio
/// is a typed error, not a hang. Real audio rates (8 kHz to 384 kHz) differ by 48x.
pub const MAX_RATIO: f64 = 65536.0;

/// Checks a sample rate: finite and positive (any real number of Hz, as librosa).
pub fn check_rate(rate: f64, name: &'static str) -> Result<()> {
    ensure(rate.is_finite() && rate > 0.0, name, || {
        format!("must be a finite sample rate in Hz above 0, got {rate}")
    })
}

/// Checks that `target / orig` lies within [`MAX_RATIO`] either way (a typed
/// error on `target_sr` otherwise).
pub fn check_ratio(orig: f64, target: f64) -> Result<()> {
    ensure(
        (1.0 / MAX_RATIO..=MAX_RATIO).contains(&(target / orig)),
        "target_sr",
        || {
            format!("target_sr / orig_sr = {target} / {orig} is outside [1/{MAX_RATIO}, {MAX_RATIO}], the range libsoxr converts in bounded time")
        },
    )
}

/// Resampled lanes, channel-major: lane `c` is `samples[c * len..(c + 1) * len]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Resampled<T> {
    /// Every lane's samples, one lane after the other.
    pub samples: Vec<T>,
    /// Samples per lane.
    pub len: usize,
}

/// Resamples each channel from `orig` Hz to `target` Hz with libsoxr at
/// `quality`, each lane on its own thread, written straight into one
/// channel-major buffer; with `fix`, each lane has `ceil(n * target / orig)`
/// samples (libsoxr's own length otherwise).
///
/// All channels must have the same length. Equal rates return a copy of the
/// input. Rates must be finite and positive, and the output must fit in
/// memory; both are typed errors naming the rate.
pub fn resample<T: Sample>(
    channels: &[&[T]],
    orig: f64,
    target: f64,
    quality: Quality,
    fix: bool,
) -> Result<Resampled<T>> {
    check_rate(orig, "orig_sr")?;
    check_rate(target, "target_sr")?;
    let n = channels.first().map_or(0, |c| c.len());
    ensure(channels.iter().all(|c| c.len() == n), "y", || {
        "all channels must have the same length".into()
    })?;
    check_ratio(orig, target)?;
    if orig == target {
        return Ok(Resampled {
            samples: channels.concat(),
            len: n,
        });
    }
    let room = if fix {
        output_len(n, orig, target)
    } else {
        soxr::capacity(n, orig, target)
    };
    affordable(
        "target_sr",
        (room as f64 + n as f64) * channels.len() as f64 * std::mem::size_of::<T>() as f64,
    )?;
    let mut samples = vec![T::zero(); room * channels.len()];
    let written: Vec<usize> = if room == 0 {
        vec![0; channels.len()]
    } else {
        samples
            .par_chunks_mut(room)
            .zip(channels.par_iter())
            .with_max_len(1)
            .map(|(out, x)| soxr::resample_lane(x, orig, target, quality, out))
            .collect::<Result<_>>()?
    };
    if fix {
        return Ok(Resampled { samples, len: room });
    }
    // libsoxr's own length is the same for every lane (it depends on n and the rates).
    let len = written.first().copied().unwrap_or(0);
    for c in 1..channels.len() {
        samples.copy_within(c * room..c * room + len, c * len);
    }
    samples.truncate(len * channels.len());
    Ok(Resampled { samples, len })
}

/// `librosa.resample` options for the soxr family.
#[derive(Clone, Copy, Debug)]
pub struct Resampling {
    /// Sample rate of the input in Hz.
    pub orig_sr: f64,
    /// Sample rate of the output in Hz.
    pub target_sr: f64,
    /// libsoxr's quality recipe.
    pub quality: Quality,
    /// Give each lane `ceil(n * target / orig)` samples.
    pub fix: bool,
}

/// [`resample`] of every channel of `y` (`(..., n)`) along its last axis on
/// `n_jobs` threads: `(..., m)`.
pub fn resample_of<T: Sample>(
    y: &ArrayViewD<'_, T>,
    r: &Resampling,
    n_jobs: i64,
) -> Result<Shaped<T>> {
    let (lead, lanes) = last_axis_lanes(y, "y")?;
    let owned: Vec<Cow<'_, [T]>> = lanes.iter().map(contiguous).collect();
    let slices: Vec<&[T]> = owned.iter().map(|c| c.as_ref()).collect();
    let out = crate::parallel::install(n_jobs, || {
        resample(&slices, r.orig_sr, r.target_sr, r.quality, r.fix)
    })??;
    Ok(Shaped::new(out.samples, &lead, &[out.len]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_the_length_like_librosa() {
        let x = vec![0.25f32; 10_001];
        for (orig, target) in [
            (44100.0, 22050.0),
            (22050.0, 44100.0),
            (48000.0, 22050.0),
            (8000.0, 11025.0),
        ] {
            let y = resample(&[&x, &x], orig, target, Quality::High, true).unwrap();
            assert_eq!(y.len, output_len(x.len(), orig, target));
            assert_eq!(y.samples.len(), 2 * y.len);
            assert_eq!(y.samples[..y.len], y.samples[y.len..]);
            let natural = resample(&[&x, &x], orig, target, Quality::High, false).unwrap();
            assert!(
                natural.len.abs_diff(y.len) <= 1,
                "{} {}",
                natural.len,
                y.len
            );
            assert_eq!(
                natural.samples[..natural.len],
                natural.samples[natural.len..]
            );
            let common = natural.len.min(y.len);
            assert_eq!(natural.samples[..common], y.samples[..common]);
        }
    }

    #[test]
    fn rejects_bad_rates_and_keeps_equal_rates() {
        for (orig, target) in [
            (0.0, 22050.0),
            (-1.0, 22050.0),
            (f64::NAN, 8000.0),
            (8000.0, f64::INFINITY),
        ] {
            assert!(resample::<f32>(&[&[0.0; 10]], orig, target, Quality::High, true).is_err());
        }
        assert_eq!(
            resample::<f32>(&[&[1.0, 2.0]], 8000.0, 8000.0, Quality::High, true).unwrap(),
            Resampled {
                samples: vec![1.0, 2.0],
                len: 2
            }
        );
        assert!(resample::<f32>(
            &[&[0.0; 10], &[0.0; 9]],
            8000.0,
            16000.0,
            Quality::High,
            true
        )
        .is_err());
        assert!(resample::<f64>(&[&[0.0; 10]], 1.0, 1e15, Quality::High, true).is_err());
        for (orig, target) in [(1e300, 1.0), (1.0, 1e-300), (1.0, 65537.0), (65537.0, 1.0)] {
            let err =
                resample::<f32>(&[&[0.0; 10]], orig, target, Quality::Quick, true).unwrap_err();
            assert!(err.to_string().contains("target_sr"), "{err}");
        }
        assert!(resample::<f32>(&[&[0.0; 10]], 1.0, 65536.0, Quality::High, true).is_ok());
    }

    #[test]
    fn non_integer_rates_are_accepted() {
        let x = vec![0.1f64; 4410];
        let y = resample(&[&x], 44100.5, 22050.0, Quality::High, true).unwrap();
        assert_eq!(y.len, output_len(4410, 44100.5, 22050.0));
    }
}
