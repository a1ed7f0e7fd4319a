//! Per-feature scalers with scikit-learn's formulas.
//!
//! Every scaler maps a value to `(x - offset) / scale * weight`, fitted in f64
//! (the weights are the user's per-feature multipliers, ones by default):
//! - standard: `offset` = mean, `scale` = population standard deviation
//!   (`StandardScaler`);
//! - robust: `offset` = median, `scale` = 75th - 25th percentile with linear
//!   interpolation (`RobustScaler`);
//! - min-max: `offset` = minimum, `scale` = maximum - minimum (`MinMaxScaler`).
//!
//! A zero (or numerically zero) `scale` becomes 1, as scikit-learn's
//! `_handle_zeros_in_scale` does, so constant columns map to a constant instead
//! of NaN.

use ndarray::{Array2, ArrayView2};
use num_traits::AsPrimitive;

use crate::error::{affordable, ensure, Result};

pub use crate::options::neighbors::scale::ScalerKind;

/// A fitted scaler: `(x - offset) / scale * weight` per feature.
#[derive(Clone, Debug)]
pub struct Scaler {
    /// Subtracted from each feature.
    pub offset: Vec<f64>,
    /// Divides each feature after the offset (never zero).
    pub scale: Vec<f64>,
    /// Multiplies each feature after scaling (finite, non-negative).
    pub weights: Vec<f64>,
}

/// Scales below this are treated as zero (scikit-learn uses `10 * eps`).
const ZERO_SCALE: f64 = 10.0 * f64::EPSILON;

impl Scaler {
    /// Fits `kind` on the rows of `x` (finite values expected), with unit weights.
    pub fn fit<T: AsPrimitive<f64>>(kind: ScalerKind, x: ArrayView2<'_, T>) -> Self {
        let d = x.ncols();
        let column = |j: usize| x.column(j).iter().map(|v| v.as_()).collect::<Vec<f64>>();
        let (offset, scale): (Vec<f64>, Vec<f64>) = match kind {
            ScalerKind::None => (vec![0.0; d], vec![1.0; d]),
            ScalerKind::Standard => (0..d).map(|j| mean_std(&column(j))).unzip(),
            ScalerKind::Robust => (0..d)
                .map(|j| {
                    let mut c = column(j);
                    c.sort_unstable_by(f64::total_cmp);
                    (
                        percentile(&c, 50.0),
                        percentile(&c, 75.0) - percentile(&c, 25.0),
                    )
                })
                .unzip(),
            ScalerKind::MinMax => (0..d)
                .map(|j| {
                    let c = column(j);
                    let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    (lo, hi - lo)
                })
                .unzip(),
        };
        let scale = scale
            .into_iter()
            .map(|s| if s.abs() < ZERO_SCALE { 1.0 } else { s })
            .collect();
        Scaler {
            offset,
            scale,
            weights: vec![1.0; d],
        }
    }

    /// The same scaler with the per-feature `weights` (ones when `None`):
    /// one finite, non-negative value per feature.
    pub fn weighted(self, weights: Option<Vec<f64>>) -> Result<Self> {
        let Some(weights) = weights else {
            return Ok(self);
        };
        let d = self.offset.len();
        ensure(weights.len() == d, "weights", || {
            format!("has {} entries but X has {d} columns", weights.len())
        })?;
        ensure(
            weights.iter().all(|w| w.is_finite() && *w >= 0.0),
            "weights",
            || "must be finite and non-negative".into(),
        )?;
        Ok(Scaler { weights, ..self })
    }

    /// A scaler fitted before, from its parts (`scale` nonzero, `weights`
    /// as [`Scaler::weighted`] takes them), each with one value per feature.
    pub fn from_parts(
        offset: Vec<f64>,
        scale: Vec<f64>,
        weights: Option<Vec<f64>>,
    ) -> Result<Self> {
        ensure(scale.len() == offset.len(), "scale", || {
            format!(
                "has {} entries but offset has {}",
                scale.len(),
                offset.len()
            )
        })?;
        ensure(scale.iter().all(|s| *s != 0.0), "scale", || {
            "must not contain zeros".into()
        })?;
        let d = offset.len();
        Scaler {
            offset,
            scale,
            weights: vec![1.0; d],
        }
        .weighted(weights)
    }

    /// Scales and weights one value of feature `j`.
    #[inline]
    pub fn apply(&self, j: usize, value: f64) -> f64 {
        (value - self.offset[j]) / self.scale[j] * self.weights[j]
    }

    /// Every row of `x` scaled and weighted, in f64.
    pub fn transform<T: AsPrimitive<f64>>(&self, x: ArrayView2<'_, T>) -> Result<Array2<f64>> {
        let (n, d) = x.dim();
        ensure(d == self.offset.len(), "X", || {
            format!(
                "has {d} columns but the scaler was fitted on {}",
                self.offset.len()
            )
        })?;
        affordable("X", 8.0 * n as f64 * d as f64)?;
        Ok(Array2::from_shape_fn((n, d), |(i, j)| {
            self.apply(j, x[[i, j]].as_())
        }))
    }
}

/// Mean and population standard deviation (two passes, f64).
fn mean_std(c: &[f64]) -> (f64, f64) {
    let n = c.len().max(1) as f64;
    let mean = c.iter().sum::<f64>() / n;
    let var = c.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// numpy's default (`linear`) percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q / 100.0 * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standard_matches_population_std_and_keeps_constant_columns_finite() {
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]];
        let s = Scaler::fit(ScalerKind::Standard, x.view());
        assert!((s.offset[0] - 2.5).abs() < 1e-15);
        assert!((s.scale[0] - 1.25f64.sqrt()).abs() < 1e-15);
        assert_eq!(s.scale[1], 1.0);
        assert_eq!(s.apply(1, 5.0), 0.0);
    }

    #[test]
    fn robust_uses_linear_percentiles() {
        let x = array![[1.0], [2.0], [3.0], [4.0], [100.0]];
        let s = Scaler::fit(ScalerKind::Robust, x.view());
        assert_eq!(s.offset[0], 3.0);
        assert_eq!(s.scale[0], 2.0);
    }

    #[test]
    fn minmax_maps_to_unit_range() {
        let x = array![[2.0f32], [4.0], [6.0]];
        let s = Scaler::fit(ScalerKind::MinMax, x.view());
        assert_eq!(s.apply(0, 6.0), 1.0);
        assert_eq!(s.apply(0, 2.0), 0.0);
    }

    #[test]
    fn weights_multiply_after_scaling_and_are_checked() {
        let x = array![[1.0, 10.0], [3.0, 30.0]];
        let s = Scaler::fit(ScalerKind::MinMax, x.view())
            .weighted(Some(vec![2.0, 0.5]))
            .unwrap();
        let z = s.transform(x.view()).unwrap();
        assert_eq!(z, array![[0.0, 0.0], [2.0, 0.5]]);
        let fit = || Scaler::fit(ScalerKind::None, x.view());
        assert!(fit().weighted(Some(vec![1.0])).is_err());
        assert!(fit().weighted(Some(vec![1.0, -1.0])).is_err());
        assert!(fit().weighted(Some(vec![1.0, f64::NAN])).is_err());
        assert!(s.transform(array![[1.0]].view()).is_err());
        assert!(Scaler::from_parts(vec![0.0], vec![0.0], None).is_err());
        assert!(Scaler::from_parts(vec![0.0, 1.0], vec![1.0], None).is_err());
    }
}
