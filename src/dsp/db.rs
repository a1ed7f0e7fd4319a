//! Decibel scaling (`librosa.power_to_db` / `amplitude_to_db`).

use rayon::prelude::*;

use super::Float;
use crate::error::{ensure, Result};

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
        DbParams { reference: 1.0, amin: 1e-10, top_db: Some(80.0) }
    }
}

const CHUNK: usize = 1 << 14;

/// Converts `values` to dB in place, as librosa does over the whole array
/// (`top_db` is relative to the maximum of all values). NaN propagates like
/// numpy: a NaN input gives NaN, and with `top_db` every value becomes NaN.
pub fn to_db<T: Float>(values: &mut [T], scale: Scale, p: &DbParams) -> Result<()> {
    ensure(p.amin > 0.0, "amin", || format!("must be strictly positive, got {}", p.amin))?;
    if let Some(top) = p.top_db {
        ensure(top >= 0.0, "top_db", || format!("must be non-negative, got {top}"))?;
    }
    let (amin, reference) = match scale {
        Scale::Power => (p.amin, p.reference.abs()),
        Scale::Amplitude => (p.amin * p.amin, p.reference * p.reference),
    };
    let (amin, offset, ten) = (T::of(amin), T::of(10.0 * amin.max(reference).log10()), T::of(10.0));
    let max = values
        .par_chunks_mut(CHUNK)
        .map(|chunk| {
            chunk.iter_mut().fold(T::neg_infinity(), |max, v| {
                let x = match scale {
                    Scale::Power => *v,
                    Scale::Amplitude => *v * *v,
                };
                // Computed in the input's precision, as numpy does.
                *v = if x.is_nan() { x } else { ten * amin.max(x).log10() - offset };
                nan_max(max, *v)
            })
        })
        .reduce(T::neg_infinity, nan_max);
    if let Some(top) = p.top_db {
        let floor = max - T::of(top);
        values.par_chunks_mut(CHUNK).for_each(|chunk| {
            for v in chunk {
                *v = if floor.is_nan() { floor } else { (*v).max(floor) };
            }
        });
    }
    Ok(())
}

/// `max` that propagates NaN like `np.max`.
fn nan_max<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() { T::nan() } else { a.max(b) }
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
        to_db(&mut a, Scale::Amplitude, &DbParams { reference: 10.0, top_db: None, ..DbParams::default() }).unwrap();
        assert!((a[0] - 0.0).abs() < 1e-6 && (a[1] + 20.0).abs() < 1e-5);
    }

    #[test]
    fn nan_propagates_and_bad_params_fail() {
        let mut v = vec![1.0f32, f32::NAN];
        to_db(&mut v, Scale::Power, &DbParams::default()).unwrap();
        assert!(v.iter().all(|x| x.is_nan()));
        let mut w = vec![1.0f32, f32::NAN];
        to_db(&mut w, Scale::Power, &DbParams { top_db: None, ..DbParams::default() }).unwrap();
        assert!(w[0] == 0.0 && w[1].is_nan());
        assert!(to_db(&mut [1.0f32], Scale::Power, &DbParams { amin: 0.0, ..DbParams::default() }).is_err());
        assert!(to_db(&mut [1.0f32], Scale::Power, &DbParams { top_db: Some(-1.0), ..DbParams::default() }).is_err());
    }
}
