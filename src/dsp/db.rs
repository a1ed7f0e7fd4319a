//! Decibel scaling (`librosa.power_to_db` / `amplitude_to_db`).

use ndarray::{ArrayD, ArrayViewD};
use rayon::prelude::*;

use super::Float;
use crate::error::{ensure, Error, Result};

/// Whether values are powers (`10 log10`) or amplitudes (squared first, as librosa).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Power values: `10 log10(max(amin, S) / max(amin, ref))`.
    Power,
    /// Amplitudes: squared, then as power with `ref²` and `amin²`.
    Amplitude,
}

/// Parameters of a dB conversion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DbParams {
    /// Reference value (`abs(ref)` in librosa; callables are evaluated by the caller).
    pub reference: f64,
    /// Floor applied before the logarithm; must be positive.
    pub amin: f64,
    /// If set, values are clipped to `max - top_db`; must be non-negative.
    pub top_db: Option<f64>,
}

impl Default for DbParams {
    fn default() -> Self {
        DbParams {
            reference: 1.0,
            amin: 1e-10,
            top_db: Some(80.0),
        }
    }
}

const CHUNK: usize = 1 << 14;

/// `log10` that compiles to straight-line code, so loops over slices vectorise.
pub trait Log10: Copy {
    /// Base-10 logarithm of a positive normal value or `+inf` (anything else:
    /// use `log10`).
    fn log10_fast(self) -> Self;
}

impl Log10 for f64 {
    fn log10_fast(self) -> f64 {
        self.log10()
    }
}

impl Log10 for f32 {
    /// `x = m 2^e` with `m` in `[√½, √2)`; `ln m = 2 atanh(s)`, `s = (m-1)/(m+1)`,
    /// `|s| < 0.172`, series to `s⁹` (truncation < 4e-10, so the result is
    /// within a few float32 ulps). Selects instead of branches.
    fn log10_fast(self) -> f32 {
        const LN2: f32 = std::f32::consts::LN_2;
        const LOG10_E: f32 = std::f32::consts::LOG10_E;
        let bits = self.to_bits();
        let mantissa = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
        let high = mantissa > std::f32::consts::SQRT_2;
        let m = if high { mantissa * 0.5 } else { mantissa };
        let e = ((bits >> 23) & 0xff) as i32 - 127 + high as i32;
        let s = (m - 1.0) / (m + 1.0);
        let s2 = s * s;
        let ln_m = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 / 9.0))));
        let log = (e as f32 * LN2 + ln_m) * LOG10_E;
        if self == f32::INFINITY {
            self
        } else {
            log
        }
    }
}

/// Lanes of the running maximum, so the reduction vectorises.
const LANES: usize = 16;

/// dB of one chunk in place; returns its maximum (NaN if any value is NaN).
fn chunk_to_db<T: Float + Log10>(
    chunk: &mut [T],
    scale: Scale,
    amin: T,
    offset: T,
    exact: bool,
) -> T {
    let ten = T::of(10.0);
    for v in chunk.iter_mut() {
        let x = match scale {
            Scale::Power => *v,
            Scale::Amplitude => *v * *v,
        };
        let floored = amin.max(x);
        let log = if exact {
            floored.log10()
        } else {
            floored.log10_fast()
        };
        // Computed in the input's precision, as numpy does; NaN stays NaN.
        *v = if x.is_nan() { x } else { ten * log - offset };
    }
    let mut lanes = [T::neg_infinity(); LANES];
    let mut any_nan = false;
    let mut blocks = chunk.chunks_exact(LANES);
    for block in &mut blocks {
        for (lane, &v) in lanes.iter_mut().zip(block) {
            *lane = if v > *lane { v } else { *lane };
            any_nan |= v.is_nan();
        }
    }
    let tail = blocks.remainder().iter().copied();
    let max = lanes
        .into_iter()
        .chain(tail.clone())
        .fold(T::neg_infinity(), T::max);
    if any_nan || tail.clone().any(|v| v.is_nan()) {
        T::nan()
    } else {
        max
    }
}

/// Converts `values` to dB in place, as librosa does over the whole array
/// (`top_db` is relative to the maximum of all values). NaN propagates like
/// numpy: a NaN input gives NaN, and with `top_db` every value becomes NaN.
pub fn to_db<T: Float + Log10>(values: &mut [T], scale: Scale, p: &DbParams) -> Result<()> {
    ensure(p.amin > 0.0, "amin", || {
        format!("must be strictly positive, got {}", p.amin)
    })?;
    if let Some(top) = p.top_db {
        ensure(top >= 0.0, "top_db", || {
            format!("must be non-negative, got {top}")
        })?;
    }
    let (amin, reference) = match scale {
        Scale::Power => (p.amin, p.reference.abs()),
        Scale::Amplitude => (p.amin * p.amin, p.reference * p.reference),
    };
    let (amin, offset) = (T::of(amin), T::of(10.0 * amin.max(reference).log10()));
    // A subnormal floor could reach `log10_fast`'s untreated range: stay exact then.
    let exact = !amin.is_normal();
    let max = values
        .par_chunks_mut(CHUNK)
        .with_min_len(crate::parallel::min_len())
        .map(|chunk| chunk_to_db(chunk, scale, amin, offset, exact))
        .reduce(T::neg_infinity, nan_max);
    if let Some(top) = p.top_db {
        let floor = max - T::of(top);
        values
            .par_chunks_mut(CHUNK)
            .with_min_len(crate::parallel::min_len())
            .for_each(|chunk| {
                for v in chunk {
                    *v = if floor.is_nan() {
                        floor
                    } else {
                        (*v).max(floor)
                    };
                }
            });
    }
    Ok(())
}

/// `max` that propagates NaN like `np.max`.
fn nan_max<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::nan()
    } else {
        a.max(b)
    }
}

/// [`to_db`] of a copy of `values` (any shape; a contiguous input keeps its
/// memory order, C or Fortran) on `n_jobs` threads.
pub fn to_db_array<T: Float + Log10>(
    values: &ArrayViewD<'_, T>,
    scale: Scale,
    p: &DbParams,
    n_jobs: i64,
) -> Result<ArrayD<T>> {
    let mut out = values.to_owned();
    let slice = out
        .as_slice_memory_order_mut()
        .ok_or_else(|| Error::Internal("owned array is not contiguous".into()))?;
    crate::parallel::install(n_jobs, || to_db(slice, scale, p))??;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_to_db_matches_librosa_definition() {
        let mut v = vec![1.0f64, 0.1, 1e-12, 100.0];
        to_db(&mut v, Scale::Power, &DbParams::default()).unwrap();
        // 10 log10 of [1, .1, 1e-10 (amin), 100], then clipped at 20 - 80 = -60 dB.
        assert_eq!(v, vec![0.0, -10.0, -60.0, 20.0]);
        let mut a = vec![10.0f32, 1.0];
        to_db(
            &mut a,
            Scale::Amplitude,
            &DbParams {
                reference: 10.0,
                top_db: None,
                ..DbParams::default()
            },
        )
        .unwrap();
        assert!((a[0] - 0.0).abs() < 1e-6 && (a[1] + 20.0).abs() < 1e-5);
    }

    #[test]
    #[allow(clippy::approx_constant)] // probes both sides of √2 on purpose
    fn fast_log10_is_accurate() {
        let mut x = 2e-38f32; // smallest normal float32 is 1.18e-38
        while x < 1e38 {
            for v in [x, x * 1.2345, x * 1.41421, x * 1.41422, x * 1.9999] {
                let want = (v as f64).log10();
                assert!(
                    (v.log10_fast() as f64 - want).abs() <= 4e-7 * want.abs().max(1.0),
                    "{v}"
                );
            }
            x *= 7.3;
        }
        assert_eq!(f32::INFINITY.log10_fast(), f32::INFINITY);
        let mut tiny = vec![1e-45f32, 1.0];
        to_db(
            &mut tiny,
            Scale::Power,
            &DbParams {
                amin: 1e-45,
                top_db: None,
                ..DbParams::default()
            },
        )
        .unwrap();
        assert!((tiny[0] - 10.0 * 1e-45f32.log10()).abs() < 1e-4);
    }

    #[test]
    fn nan_propagates_and_bad_params_fail() {
        let mut v = vec![1.0f32, f32::NAN];
        to_db(&mut v, Scale::Power, &DbParams::default()).unwrap();
        assert!(v.iter().all(|x| x.is_nan()));
        let mut w = vec![1.0f32, f32::NAN];
        to_db(
            &mut w,
            Scale::Power,
            &DbParams {
                top_db: None,
                ..DbParams::default()
            },
        )
        .unwrap();
        assert!(w[0] == 0.0 && w[1].is_nan());
        assert!(to_db(
            &mut [1.0f32],
            Scale::Power,
            &DbParams {
                amin: 0.0,
                ..DbParams::default()
            }
        )
        .is_err());
        assert!(to_db(
            &mut [1.0f32],
            Scale::Power,
            &DbParams {
                top_db: Some(-1.0),
                ..DbParams::default()
            }
        )
        .is_err());
    }
}
