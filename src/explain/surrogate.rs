//! lime's local surrogate: kernel-weighted ridge regression on the masks.
//!
//! Everything here reproduces `lime.lime_base.LimeBase.explain_instance_with_data`
//! with scikit-learn's estimators, in float64:
//! - distances of each mask to the first (unperturbed) one, as
//!   `sklearn.metrics.pairwise_distances(masks, masks[:1], metric)`;
//! - audioLIME's kernel `sqrt(exp(-d² / width²))`;
//! - `Ridge(alpha, fit_intercept=True).fit(X, y, sample_weight=w)`: X and y
//!   centred on their weighted means, then `(XᵀWX + αI) coef = XᵀWy` solved by
//!   Cholesky, falling back to a pseudo-inverse when the system is singular
//!   (scikit-learn's `cholesky` → `svd` fallback);
//! - `score(X, y, sample_weight=w)`: weighted R² with scikit-learn's rules for
//!   constant targets;
//! - lime's feature selection modes `none`, `forward_selection`,
//!   `highest_weights` and `auto` (`lasso_path` selects in Python with
//!   scikit-learn's LARS and passes the chosen features in).

use std::str::FromStr;

use rayon::prelude::*;

use crate::error::{ensure, Error, Result};
use crate::names::unknown;

pub use crate::options::explain::surrogate::Distance;

/// How lime chooses the features its surrogate uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// `forward_selection` for at most 6 features, else `highest_weights`.
    Auto,
    /// Every feature (`num_features` ignored).
    All,
    /// Greedily add the feature that most improves an unregularised fit's R².
    Forward,
    /// The largest `|coef · x₀|` of a `Ridge(alpha=0.01)` fit on all features.
    HighestWeights,
    /// Features chosen elsewhere (lime's `lasso_path`).
    Given(Vec<usize>),
}

impl Selection {
    /// The mode `name` parses to, or [`Selection::All`] when the caller has
    /// chosen each target's features itself (`per_target`: lime's
    /// `lasso_path`, whose name is then not parsed).
    pub fn named(name: &str, per_target: bool) -> Result<Self> {
        if per_target {
            Ok(Selection::All)
        } else {
            name.parse()
        }
    }
}

impl FromStr for Selection {
    type Err = Error;

    /// lime's mode names; `lasso_path` is listed but chosen by the caller
    /// ([`Selection::named`]).
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(Selection::Auto),
            "none" => Ok(Selection::All),
            "forward_selection" => Ok(Selection::Forward),
            "highest_weights" => Ok(Selection::HighestWeights),
            other => Err(unknown(
                "feature_selection",
                other,
                &[
                    "auto",
                    "none",
                    "forward_selection",
                    "highest_weights",
                    "lasso_path",
                ],
                &[],
            )),
        }
    }
}

/// Binary masks as a design matrix: `rows × n_features`, row-major, 0/1.
#[derive(Clone, Copy, Debug)]
pub struct Masks<'a> {
    /// The mask values.
    pub data: &'a [u8],
    /// Columns (components).
    pub n_features: usize,
}

impl<'a> Masks<'a> {
    /// The masks `data` holds, `n_features` per row.
    pub fn new(data: &'a [u8], n_features: usize) -> Self {
        Masks { data, n_features }
    }

    /// Number of rows (perturbations).
    pub fn rows(&self) -> usize {
        self.data.len() / self.n_features.max(1)
    }

    fn row(&self, i: usize) -> &[u8] {
        &self.data[i * self.n_features..(i + 1) * self.n_features]
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n_features + j] as f64
    }
}

/// Distance of every mask to the first one.
pub fn distances(masks: Masks<'_>, metric: Distance) -> Vec<f64> {
    let first = masks.row(0);
    let norm = |r: &[u8]| {
        r.iter()
            .map(|&v| (v as f64) * (v as f64))
            .sum::<f64>()
            .sqrt()
    };
    let first_norm = norm(first);
    (0..masks.rows())
        .map(|i| {
            let row = masks.row(i);
            let diff = row
                .iter()
                .zip(first)
                .map(|(&a, &b)| (a as f64 - b as f64).abs());
            match metric {
                Distance::Cosine => {
                    // scikit-learn normalises each row (a zero row stays zero).
                    let (na, nb) = (norm(row), first_norm);
                    let dot: f64 = row
                        .iter()
                        .zip(first)
                        .map(|(&a, &b)| a as f64 * b as f64)
                        .sum();
                    let sim = if na == 0.0 || nb == 0.0 {
                        0.0
                    } else {
                        dot / (na * nb)
                    };
                    (1.0 - sim).clamp(0.0, 2.0)
                }
                Distance::Euclidean => diff.map(|d| d * d).sum::<f64>().sqrt(),
                Distance::Manhattan => diff.sum(),
                Distance::Hamming => {
                    diff.filter(|&d| d != 0.0).count() as f64 / masks.n_features as f64
                }
            }
        })
        .collect()
}

/// audioLIME's kernel: `sqrt(exp(-d² / width²))`.
pub fn kernel(distances: &[f64], width: f64) -> Vec<f64> {
    distances
        .iter()
        .map(|d| (-(d * d) / (width * width)).exp().sqrt())
        .collect()
}

/// A fitted linear model on a subset of the mask columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Linear {
    /// The mask columns used, in lime's order.
    pub features: Vec<usize>,
    /// One coefficient per used feature.
    pub coef: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

impl Linear {
    /// Prediction for mask row `i`.
    pub fn predict(&self, masks: Masks<'_>, i: usize) -> f64 {
        self.features
            .iter()
            .zip(&self.coef)
            .map(|(&j, c)| masks.at(i, j) * c)
            .sum::<f64>()
            + self.intercept
    }

    /// Weighted R² over all rows (`score(X, y, sample_weight=w)`).
    pub fn score(&self, masks: Masks<'_>, y: &[f64], w: &[f64]) -> f64 {
        let pred: Vec<f64> = (0..masks.rows()).map(|i| self.predict(masks, i)).collect();
        r2_score(y, &pred, w)
    }
}

/// `np.average(values, weights=w)`.
fn average(values: impl Iterator<Item = f64>, w: &[f64], wsum: f64) -> f64 {
    values.zip(w).map(|(v, w)| v * w).sum::<f64>() / wsum
}

/// scikit-learn's weighted `r2_score` (1 for a perfect fit, 0 when the target
/// is constant but the prediction is not).
pub fn r2_score(y: &[f64], pred: &[f64], w: &[f64]) -> f64 {
    let wsum: f64 = w.iter().sum();
    let mean = average(y.iter().copied(), w, wsum);
    let num: f64 = y
        .iter()
        .zip(pred)
        .zip(w)
        .map(|((y, p), w)| w * (y - p) * (y - p))
        .sum();
    let den: f64 = y
        .iter()
        .zip(w)
        .map(|(y, w)| w * (y - mean) * (y - mean))
        .sum();
    match (num != 0.0, den != 0.0) {
        (false, _) => 1.0,
        (true, false) => 0.0,
        (true, true) => 1.0 - num / den,
    }
}

/// `Ridge(alpha, fit_intercept=True).fit(masks[:, features], y, sample_weight=w)`.
pub fn ridge(masks: Masks<'_>, features: &[usize], y: &[f64], w: &[f64], alpha: f64) -> Linear {
    let p = features.len();
    let wsum: f64 = w.iter().sum();
    let x_mean: Vec<f64> = features
        .iter()
        .map(|&j| average((0..masks.rows()).map(|i| masks.at(i, j)), w, wsum))
        .collect();
    let y_mean = average(y.iter().copied(), w, wsum);
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    let mut xc = vec![0.0; p];
    for (i, (&yi, &wi)) in y.iter().zip(w).enumerate() {
        for (k, (&j, m)) in features.iter().zip(&x_mean).enumerate() {
            xc[k] = masks.at(i, j) - m;
        }
        let yc = yi - y_mean;
        for r in 0..p {
            let wr = wi * xc[r];
            b[r] += wr * yc;
            for c in 0..=r {
                a[r * p + c] += wr * xc[c];
            }
        }
    }
    for r in 0..p {
        for c in 0..r {
            a[c * p + r] = a[r * p + c];
        }
        a[r * p + r] += alpha;
    }
    let coef = cholesky_solve(&a, &b, p).unwrap_or_else(|| pseudo_inverse_solve(&a, &b, p));
    let intercept = y_mean - x_mean.iter().zip(&coef).map(|(m, c)| m * c).sum::<f64>();
    Linear {
        features: features.to_vec(),
        coef,
        intercept,
    }
}

/// Solves `a x = b` for symmetric positive definite `a` (`p × p`), or `None`
/// when `a` is not numerically positive definite.
fn cholesky_solve(a: &[f64], b: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for r in 0..p {
        for c in 0..=r {
            let s = a[r * p + c] - (0..c).map(|k| l[r * p + k] * l[c * p + k]).sum::<f64>();
            if r == c {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[r * p + r] = s.sqrt();
            } else {
                l[r * p + c] = s / l[c * p + c];
            }
        }
    }
    let mut z = vec![0.0; p];
    for r in 0..p {
        z[r] = (b[r] - (0..r).map(|k| l[r * p + k] * z[k]).sum::<f64>()) / l[r * p + r];
    }
    let mut x = vec![0.0; p];
    for r in (0..p).rev() {
        x[r] = (z[r] - (r + 1..p).map(|k| l[k * p + r] * x[k]).sum::<f64>()) / l[r * p + r];
    }
    Some(x)
}

/// Minimum-norm solution of a singular symmetric system via Jacobi
/// eigendecomposition, discarding eigenvalues below `λ_max · p · ε`.
fn pseudo_inverse_solve(a: &[f64], b: &[f64], p: usize) -> Vec<f64> {
    let mut m = a.to_vec();
    let mut v: Vec<f64> = (0..p * p)
        .map(|i| if i % (p + 1) == 0 { 1.0 } else { 0.0 })
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..p)
            .flat_map(|r| (0..p).filter(move |&c| c != r).map(move |c| (r, c)))
            .map(|(r, c)| m[r * p + c].powi(2))
            .sum();
        if off < 1e-30 {
            break;
        }
        for i in 0..p {
            for j in i + 1..p {
                let aij = m[i * p + j];
                if aij == 0.0 {
                    continue;
                }
                let theta = (m[j * p + j] - m[i * p + i]) / (2.0 * aij);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let (c, s) = (1.0 / (t * t + 1.0).sqrt(), t / (t * t + 1.0).sqrt());
                for k in 0..p {
                    let (mki, mkj) = (m[k * p + i], m[k * p + j]);
                    m[k * p + i] = c * mki - s * mkj;
                    m[k * p + j] = s * mki + c * mkj;
                }
                for k in 0..p {
                    let (mik, mjk) = (m[i * p + k], m[j * p + k]);
                    m[i * p + k] = c * mik - s * mjk;
                    m[j * p + k] = s * mik + c * mjk;
                }
                for k in 0..p {
                    let (vki, vkj) = (v[k * p + i], v[k * p + j]);
                    v[k * p + i] = c * vki - s * vkj;
                    v[k * p + j] = s * vki + c * vkj;
                }
            }
        }
    }
    let eig: Vec<f64> = (0..p).map(|i| m[i * p + i]).collect();
    let tol = eig.iter().fold(0.0f64, |t, &e| t.max(e.abs())) * p as f64 * f64::EPSILON;
    let mut x = vec![0.0; p];
    for (k, &lambda) in eig.iter().enumerate() {
        if lambda.abs() > tol.max(1e-30) {
            let proj = (0..p).map(|r| v[r * p + k] * b[r]).sum::<f64>() / lambda;
            for r in 0..p {
                x[r] += v[r * p + k] * proj;
            }
        }
    }
    x
}

/// lime's `forward_selection`: `Ridge(alpha=0)` fits, first best R² wins.
fn forward_selection(masks: Masks<'_>, y: &[f64], w: &[f64], num_features: usize) -> Vec<usize> {
    let mut used: Vec<usize> = Vec::new();
    for _ in 0..num_features.min(masks.n_features) {
        let mut best = (0, -100_000_000.0);
        for feature in (0..masks.n_features).filter(|f| !used.contains(f)) {
            let candidate: Vec<usize> = used.iter().copied().chain([feature]).collect();
            let score = ridge(masks, &candidate, y, w, 0.0).score(masks, y, w);
            if score > best.1 {
                best = (feature, score);
            }
        }
        used.push(best.0);
    }
    used
}

/// lime's `highest_weights`: `Ridge(alpha=0.01)` on every feature, features
/// ranked by `|coef · x₀|` (stable sort, as Python's `sorted`).
fn highest_weights(masks: Masks<'_>, y: &[f64], w: &[f64], num_features: usize) -> Vec<usize> {
    let all: Vec<usize> = (0..masks.n_features).collect();
    let fit = ridge(masks, &all, y, w, 0.01);
    let mut order: Vec<(usize, f64)> = fit
        .coef
        .iter()
        .enumerate()
        .map(|(j, c)| (j, (c * masks.at(0, j)).abs()))
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    order
        .into_iter()
        .take(num_features)
        .map(|(j, _)| j)
        .collect()
}

/// The explanation of one target: the surrogate and how well it fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Surrogate {
    /// The weighted ridge model on the selected features.
    pub model: Linear,
    /// Weighted R² of the model on the perturbations (lime's `score`).
    pub score: f64,
    /// The model's prediction for the unperturbed input (lime's `local_pred`).
    pub local_pred: f64,
}

/// Options of [`explain`], as lime names them.
#[derive(Clone, Debug)]
pub struct SurrogateParams {
    /// Kernel width of audioLIME's kernel.
    pub kernel_width: f64,
    /// Distance to the unperturbed mask.
    pub distance: Distance,
    /// Ridge regularisation of the final model.
    pub alpha: f64,
    /// Maximum number of features in the explanation.
    pub num_features: usize,
    /// Feature selection mode.
    pub selection: Selection,
}

/// Sample weights of lime's surrogate: the kernel of each mask's distance to
/// the first mask.
pub fn sample_weights(masks: Masks<'_>, params: &SurrogateParams) -> Result<Vec<f64>> {
    ensure(
        params.kernel_width.is_finite() && params.kernel_width > 0.0,
        "kernel_width",
        || format!("must be a positive number, got {}", params.kernel_width),
    )?;
    let w = kernel(&distances(masks, params.distance), params.kernel_width);
    ensure(w.iter().sum::<f64>() > 0.0, "kernel_width", || {
        format!(
            "{} is so narrow that every perturbation has weight 0",
            params.kernel_width
        )
    })?;
    Ok(w)
}

/// `LimeBase.explain_instance_with_data` for each column of `targets`
/// (`rows × n_targets`, row-major), in parallel over targets.
pub fn explain(
    masks: Masks<'_>,
    targets: &[f64],
    n_targets: usize,
    params: &SurrogateParams,
) -> Result<Vec<Surrogate>> {
    let rows = masks.rows();
    ensure(masks.n_features > 0, "factorization", || {
        "has zero components; nothing to explain".into()
    })?;
    ensure(
        masks.data.len() == rows * masks.n_features && rows >= 2,
        "num_samples",
        || {
            format!(
                "need at least 2 perturbations (the first is the unperturbed input), got {rows}"
            )
        },
    )?;
    ensure(
        n_targets > 0 && targets.len() == rows * n_targets,
        "labels",
        || {
            format!(
                "expected {rows} × {n_targets} model outputs, got {}",
                targets.len()
            )
        },
    )?;
    ensure(targets.iter().all(|t| t.is_finite()), "labels", || {
        "model outputs must be finite".into()
    })?;
    ensure(
        params.alpha.is_finite() && params.alpha >= 0.0,
        "alpha",
        || format!("must be >= 0, got {}", params.alpha),
    )?;
    if let Selection::Given(features) = &params.selection {
        ensure(
            features.iter().all(|&f| f < masks.n_features),
            "feature_selection",
            || "selected a feature that does not exist".into(),
        )?;
    }
    let w = sample_weights(masks, params)?;
    Ok((0..n_targets)
        .into_par_iter()
        .map(|t| {
            let y: Vec<f64> = (0..rows).map(|i| targets[i * n_targets + t]).collect();
            let num = params.num_features;
            let features = match &params.selection {
                Selection::All => (0..masks.n_features).collect(),
                Selection::Forward => forward_selection(masks, &y, &w, num),
                Selection::HighestWeights => highest_weights(masks, &y, &w, num),
                Selection::Auto if num <= 6 => forward_selection(masks, &y, &w, num),
                Selection::Auto => highest_weights(masks, &y, &w, num),
                Selection::Given(features) => features.clone(),
            };
            let model = ridge(masks, &features, &y, &w, params.alpha);
            let score = model.score(masks, &y, &w);
            let local_pred = model.predict(masks, 0);
            Surrogate {
                model,
                score,
                local_pred,
            }
        })
        .collect())
}

/// [`sample_weights`] under audioLIME's kernel of `kernel_width`, with
/// distances to the first row measured by `distance`.
pub fn kernel_weights(masks: Masks<'_>, kernel_width: f64, distance: Distance) -> Result<Vec<f64>> {
    let params = SurrogateParams {
        kernel_width,
        distance,
        alpha: 0.0,
        num_features: masks.n_features,
        selection: Selection::All,
    };
    sample_weights(masks, &params)
}

/// The kernel weights of the perturbations and [`explain`] of every target.
/// With `selected` (one feature list per target, chosen by the caller, as
/// lime's `lasso_path`), each target is fitted on its own features and
/// `params.selection` is not used.
pub fn explain_targets(
    masks: Masks<'_>,
    targets: &[f64],
    n_targets: usize,
    params: &SurrogateParams,
    selected: Option<Vec<Vec<usize>>>,
) -> Result<(Vec<f64>, Vec<Surrogate>)> {
    let weights = sample_weights(masks, params)?;
    let Some(per_target) = selected else {
        return Ok((weights, explain(masks, targets, n_targets, params)?));
    };
    ensure(per_target.len() == n_targets, "feature_selection", || {
        "one feature list per target is required".into()
    })?;
    let mut fits = Vec::with_capacity(n_targets);
    for (t, features) in per_target.into_iter().enumerate() {
        let column: Vec<f64> = targets.chunks(n_targets).map(|r| r[t]).collect();
        let given = SurrogateParams {
            selection: Selection::Given(features),
            ..params.clone()
        };
        fits.extend(explain(masks, &column, 1, &given)?);
    }
    Ok((weights, fits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::sampling::sample_masks;

    /// lime's kernel width 0.25 and cosine distance, with these options.
    fn lime_params(alpha: f64, num_features: usize, selection: Selection) -> SurrogateParams {
        SurrogateParams {
            kernel_width: 0.25,
            distance: Distance::Cosine,
            alpha,
            num_features,
            selection,
        }
    }

    #[test]
    fn cosine_distances_of_masks() {
        let data = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
        let d = distances(Masks::new(&data, 4), Distance::Cosine);
        assert!(d[0].abs() < 1e-15);
        assert!((d[1] - (1.0 - 0.5)).abs() < 1e-15); // 1 − sqrt(1/4)
        assert_eq!(d[2], 1.0);
        let h = distances(Masks::new(&data, 4), Distance::Hamming);
        assert_eq!(h, vec![0.0, 0.75, 1.0]);
    }

    #[test]
    fn ridge_recovers_an_exact_linear_model() {
        let masks = sample_masks(200, 5, 3);
        let m = Masks::new(&masks, 5);
        let truth = [2.0, -1.0, 0.0, 0.5, 3.0];
        let y: Vec<f64> = (0..200)
            .map(|i| 0.7 + (0..5).map(|j| truth[j] * m.at(i, j)).sum::<f64>())
            .collect();
        let w: Vec<f64> = (0..200).map(|i| 0.5 + (i % 7) as f64 / 7.0).collect();
        let fit = ridge(m, &[0, 1, 2, 3, 4], &y, &w, 0.0);
        for (c, t) in fit.coef.iter().zip(truth) {
            assert!((c - t).abs() < 1e-9, "{c} vs {t}");
        }
        assert!((fit.intercept - 0.7).abs() < 1e-9);
        assert!((fit.score(m, &y, &w) - 1.0).abs() < 1e-12);
        // Ridge shrinks.
        let shrunk = ridge(m, &[0, 1, 2, 3, 4], &y, &w, 10.0);
        assert!(shrunk.coef[4].abs() < 3.0);
    }

    #[test]
    fn singular_systems_have_exact_fits_and_minimum_norm_fallback() {
        // Feature 1 duplicates feature 0: any split of the weight fits exactly.
        let data: Vec<u8> = (0..40)
            .flat_map(|i| [(i % 2) as u8, (i % 2) as u8, (i / 2 % 2) as u8])
            .collect();
        let m = Masks::new(&data, 3);
        let y: Vec<f64> = (0..40).map(|i| 2.0 * m.at(i, 0) + m.at(i, 2)).collect();
        let w = vec![1.0; 40];
        let fit = ridge(m, &[0, 1, 2], &y, &w, 0.0);
        assert!(
            (fit.coef[0] + fit.coef[1] - 2.0).abs() < 1e-9,
            "{:?}",
            fit.coef
        );
        assert!((fit.score(m, &y, &w) - 1.0).abs() < 1e-12);
        // The pseudo-inverse gives the minimum-norm split.
        let a = [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 2.0];
        let x = pseudo_inverse_solve(&a, &[2.0, 2.0, 4.0], 3);
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12 && (x[2] - 2.0).abs() < 1e-12,
            "{x:?}"
        );
        assert!(cholesky_solve(&a, &[2.0, 2.0, 4.0], 3).is_none());
    }

    #[test]
    fn constant_targets_follow_scikit_learn() {
        assert_eq!(r2_score(&[1.0, 1.0], &[1.0, 1.0], &[1.0, 1.0]), 1.0);
        assert_eq!(r2_score(&[1.0, 1.0], &[1.0, 2.0], &[1.0, 1.0]), 0.0);
    }

    #[test]
    fn selection_finds_the_informative_features() {
        let masks = sample_masks(300, 8, 11);
        let m = Masks::new(&masks, 8);
        let y: Vec<f64> = (0..300)
            .map(|i| 5.0 * m.at(i, 6) + 0.1 * m.at(i, 2))
            .collect();
        let params = lime_params(1.0, 2, Selection::Auto);
        let s = explain(m, &y, 1, &params).unwrap().remove(0);
        assert_eq!(s.model.features, vec![6, 2]);
        let hw = explain(
            m,
            &y,
            1,
            &SurrogateParams {
                selection: Selection::HighestWeights,
                ..params.clone()
            },
        )
        .unwrap();
        assert_eq!(hw[0].model.features, vec![6, 2]);
        let bad = explain(m, &y[..10], 1, &params);
        assert!(matches!(
            bad,
            Err(Error::InvalidParameter { name: "labels", .. })
        ));
        let narrow = SurrogateParams {
            kernel_width: 0.0,
            ..params
        };
        assert!(matches!(
            explain(m, &y, 1, &narrow),
            Err(Error::InvalidParameter {
                name: "kernel_width",
                ..
            })
        ));
    }

    #[test]
    fn features_given_per_target_fit_each_target_on_its_own() {
        let masks = sample_masks(200, 5, 3);
        let m = Masks::new(&masks, 5);
        // Two targets, row-major: target 0 follows feature 1, target 1 feature 3.
        let targets: Vec<f64> = (0..200)
            .flat_map(|i| [2.0 * m.at(i, 1), -m.at(i, 3)])
            .collect();
        let params = lime_params(0.01, 5, Selection::named("lasso_path", true).unwrap());
        let (weights, fits) =
            explain_targets(m, &targets, 2, &params, Some(vec![vec![1], vec![3, 0]])).unwrap();
        assert_eq!(weights, sample_weights(m, &params).unwrap());
        assert_eq!(fits[0].model.features, vec![1]);
        assert_eq!(fits[1].model.features, vec![3, 0]);
        let alone: Vec<f64> = targets.chunks(2).map(|r| r[1]).collect();
        let given = SurrogateParams {
            selection: Selection::Given(vec![3, 0]),
            ..params.clone()
        };
        assert_eq!(fits[1], explain(m, &alone, 1, &given).unwrap()[0]);
        let one_list = explain_targets(m, &targets, 2, &params, Some(vec![vec![1]]));
        assert!(one_list.is_err());
        assert!(Selection::named("lasso_path", false).is_err());
        let (_, all) = explain_targets(m, &targets, 2, &params, None).unwrap();
        assert_eq!(all.len(), 2);
    }
}
