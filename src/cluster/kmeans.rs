//! k-means: greedy k-means++ seeding and Lloyd iterations, scikit-learn's way.
//!
//! Follows `sklearn.cluster.KMeans(algorithm="lloyd")`: `2 + ln k` local trials
//! per k-means++ centre, the tolerance is `tol` times the mean feature variance
//! and is compared with the total squared centre shift, iterations stop early
//! when labels no longer change, empty clusters take the points farthest from
//! their centres, and a final assignment makes labels match the centres. The
//! best of `n_init` runs (lowest inertia) is kept. Each step is parallel over
//! row blocks; sums are reduced in a fixed order, so results do not depend on
//! the number of threads.

use ndarray::ArrayView2;
use num_traits::AsPrimitive;
use rayon::prelude::*;

use super::distances::{for_each_row, Points};
use super::rng::SplitMix64;
use super::row_major;
use crate::error::{ensure, Error, Result};
use crate::parallel;

/// k-means settings.
#[derive(Clone, Debug)]
pub struct KMeans {
    /// Number of clusters.
    pub n_clusters: usize,
    /// Independent seeded runs; the lowest inertia wins.
    pub n_init: usize,
    /// Most Lloyd iterations per run.
    pub max_iter: usize,
    /// Relative tolerance on the centre shift.
    pub tol: f64,
    /// Seed of the k-means++ or random sampling.
    pub seed: u64,
    /// How each run picks its first centres.
    pub init: Init,
}

/// Initial centres of a k-means run (scikit-learn's `init`).
#[derive(Clone, Debug)]
pub enum Init {
    /// Greedy k-means++ seeding.
    PlusPlus,
    /// `n_clusters` distinct rows drawn uniformly at random.
    Random,
    /// Given centres, row-major `n_clusters × d` (every run starts from them).
    Centers(Vec<f64>),
}

impl Init {
    /// scikit-learn's `init`: the given `centers` (row-major), else
    /// `"k-means++"` or `"random"`.
    pub fn choose(name: &str, centers: Option<Vec<f64>>) -> Result<Init> {
        match (name, centers) {
            (_, Some(c)) => Ok(Init::Centers(c)),
            ("k-means++", None) => Ok(Init::PlusPlus),
            ("random", None) => Ok(Init::Random),
            (other, None) => Err(Error::param(
                "init",
                format!("must be 'k-means++', 'random' or an array of centres, got {other:?}"),
            )),
        }
    }
}

/// The result of [`KMeans::fit`].
#[derive(Clone, Debug)]
pub struct KMeansFit {
    /// Centres, row-major `n_clusters × d`.
    pub centers: Vec<f64>,
    /// Cluster of each row.
    pub labels: Vec<i64>,
    /// Sum of squared distances of rows to their centres.
    pub inertia: f64,
    /// Lloyd iterations of the winning run.
    pub n_iter: usize,
}

/// Rows per parallel block.
const BLOCK: usize = 1024;

/// Squared euclidean distance.
#[inline]
fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Nearest centre of every row of `x` (`n × d`) and its squared distance
/// (ties go to the lower centre index). Runs on the current rayon pool.
pub fn assign(x: &[f64], d: usize, centers: &[f64]) -> (Vec<i64>, Vec<f64>) {
    let n = x.len() / d;
    let points = Points::new(centers, d);
    let mut labels = vec![0i64; n];
    let mut dist = vec![0f64; n];
    labels
        .par_chunks_mut(BLOCK)
        .zip(dist.par_chunks_mut(BLOCK))
        .enumerate()
        .for_each(|(b, (lab, dis))| {
            let start = b * BLOCK;
            for_each_row(x, &points, start..start + lab.len(), |i, dists| {
                let (best, best_d) =
                    dists
                        .iter()
                        .enumerate()
                        .fold(
                            (0, f64::INFINITY),
                            |acc, (j, &v)| if v < acc.1 { (j, v) } else { acc },
                        );
                lab[i - start] = best as i64;
                dis[i - start] = best_d;
            });
        });
    (labels, dist)
}

/// Nearest of the `centers` (`k × d`) for every row of `x`, with its squared
/// distance, on `n_jobs` threads.
pub fn predict<T: AsPrimitive<f64> + Sync>(
    x: ArrayView2<'_, T>,
    centers: ArrayView2<'_, f64>,
    n_jobs: i64,
) -> Result<(Vec<i64>, Vec<f64>)> {
    let d = x.ncols();
    ensure(d == centers.ncols() && d >= 1, "X", || {
        format!("has {d} columns but the centres have {}", centers.ncols())
    })?;
    ensure(centers.nrows() >= 1, "centers", || "is empty".into())?;
    let centers = row_major(centers);
    crate::neighbors::search::check_finite(x, "X")?;
    let data = row_major(x);
    parallel::install(n_jobs, || assign(&data, d, &centers))
}

/// Combines per-block results in block order, so totals do not depend on threads.
fn ordered_sum<T: Send>(
    blocks: usize,
    part: impl Fn(usize) -> T + Sync + Send,
    add: impl Fn(T, T) -> T,
) -> T {
    let parts: Vec<T> = (0..blocks).into_par_iter().map(part).collect();
    // cannot fail: callers pass n.div_ceil(BLOCK) with n >= n_clusters >= 1 (checked in fit)
    parts.into_iter().reduce(add).expect("at least one block")
}

impl KMeans {
    /// Clusters the rows of `x` (finite values).
    pub fn fit<T: AsPrimitive<f64> + Sync>(
        &self,
        x: ArrayView2<'_, T>,
        n_jobs: i64,
    ) -> Result<KMeansFit> {
        let (n, d) = x.dim();
        let k = self.n_clusters;
        ensure(d >= 1, "X", || "has no columns".into())?;
        ensure(k >= 1 && k <= n, "n_clusters", || {
            format!("must be between 1 and n_samples = {n}, got {k}")
        })?;
        ensure(self.n_init >= 1, "n_init", || "must be at least 1".into())?;
        ensure(self.max_iter >= 1, "max_iter", || {
            "must be at least 1".into()
        })?;
        ensure(self.tol >= 0.0 && self.tol.is_finite(), "tol", || {
            format!("must be >= 0, got {}", self.tol)
        })?;
        if let Init::Centers(c) = &self.init {
            ensure(c.len() == k * d, "init", || {
                format!(
                    "must have shape (n_clusters, n_features) = ({k}, {d}), got {} values",
                    c.len()
                )
            })?;
            ensure(c.iter().all(|v| v.is_finite()), "init", || {
                "contains NaN or infinity".into()
            })?;
        }
        crate::neighbors::search::check_finite(x, "X")?;
        let data = row_major(x);
        parallel::install(n_jobs, || {
            let cancel = parallel::Cancel::current();
            let tol = self.tol * mean_variance(&data, d);
            let mut rng = SplitMix64::new(self.seed);
            let mut best: Option<KMeansFit> = None;
            for _ in 0..self.n_init {
                let centers = match &self.init {
                    Init::PlusPlus => plus_plus(&data, d, k, &mut rng, &cancel),
                    Init::Random => random_rows(&data, d, k, &mut rng),
                    Init::Centers(c) => c.clone(),
                };
                cancel.check()?;
                let run = lloyd(&data, d, centers, self.max_iter, tol, &cancel);
                cancel.check()?; // Ctrl-C: between runs and Lloyd iterations
                if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                    best = Some(run);
                }
            }
            // cannot fail: the loop ran n_init >= 1 times (checked above)
            Ok(best.expect("n_init >= 1"))
        })?
    }
}

/// Mean of the per-feature variances (scikit-learn's tolerance scale).
fn mean_variance(x: &[f64], d: usize) -> f64 {
    let n = (x.len() / d) as f64;
    (0..d)
        .map(|j| {
            let mean = x.iter().skip(j).step_by(d).sum::<f64>() / n;
            x.iter()
                .skip(j)
                .step_by(d)
                .map(|v| (v - mean) * (v - mean))
                .sum::<f64>()
                / n
        })
        .sum::<f64>()
        / d as f64
}

/// Greedy k-means++: each new centre is the best of `2 + ln k` candidates
/// sampled proportionally to the squared distance to the chosen centres.
fn plus_plus(
    x: &[f64],
    d: usize,
    k: usize,
    rng: &mut SplitMix64,
    cancel: &parallel::Cancel,
) -> Vec<f64> {
    let n = x.len() / d;
    let trials = 2 + (k as f64).ln() as usize;
    let row = |i: usize| &x[i * d..(i + 1) * d];
    let mut centers = row(rng.below(n)).to_vec();
    let mut closest = vec![0.0; n];
    closest
        .par_chunks_mut(BLOCK)
        .enumerate()
        .for_each(|(b, out)| {
            out.iter_mut()
                .enumerate()
                .for_each(|(r, v)| *v = sq_dist(row(b * BLOCK + r), &centers[..d]));
        });
    let mut potential: f64 = closest.iter().sum();
    for _ in 1..k {
        if cancel.requested() {
            break; // the caller checks the token before using the centres
        }
        let mut cumulative = closest.clone();
        let mut running = 0.0;
        cumulative.iter_mut().for_each(|v| {
            running += *v;
            *v = running;
        });
        let candidates: Vec<usize> = (0..trials)
            .map(|_| {
                let target = rng.uniform() * potential;
                cumulative.partition_point(|&c| c < target).min(n - 1)
            })
            .collect();
        let flat: Vec<f64> = candidates.iter().flat_map(|&c| row(c).to_vec()).collect();
        let points = Points::new(&flat, d);
        // Distances to every candidate, kept so the winner's need no new pass.
        let mut trial_dist = vec![0.0; n * trials];
        let pots = trial_dist
            .par_chunks_mut(BLOCK * trials)
            .enumerate()
            .map(|(b, out)| {
                let start = b * BLOCK;
                let mut pot = vec![0.0; trials];
                for_each_row(x, &points, start..start + out.len() / trials, |i, dists| {
                    for ((o, p), &v) in out[(i - start) * trials..]
                        .iter_mut()
                        .zip(pot.iter_mut())
                        .zip(dists)
                    {
                        *o = v.min(closest[i]);
                        *p += *o;
                    }
                });
                pot
            })
            .collect::<Vec<_>>()
            .into_iter()
            .reduce(add)
            // cannot fail: at least one block, as n >= n_clusters >= 1
            .expect("at least one block");
        let best = (0..trials).fold(0, |best, t| if pots[t] < pots[best] { t } else { best });
        let chosen = row(candidates[best]).to_vec();
        closest = trial_dist
            .iter()
            .skip(best)
            .step_by(trials)
            .copied()
            .collect();
        potential = pots[best];
        centers.extend_from_slice(&chosen);
    }
    centers
}

/// `k` distinct rows of `x` chosen uniformly (a partial Fisher-Yates shuffle).
fn random_rows(x: &[f64], d: usize, k: usize, rng: &mut SplitMix64) -> Vec<f64> {
    let n = x.len() / d;
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = i + rng.below(n - i);
        order.swap(i, j);
    }
    order[..k]
        .iter()
        .flat_map(|&r| x[r * d..(r + 1) * d].iter().copied())
        .collect()
}

/// Element-wise sum.
fn add(mut a: Vec<f64>, b: Vec<f64>) -> Vec<f64> {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
    a
}

/// Lloyd iterations from `centers` until labels stop changing, the centre shift
/// falls to `tol`, `max_iter`, or `cancel` is requested.
fn lloyd(
    x: &[f64],
    d: usize,
    mut centers: Vec<f64>,
    max_iter: usize,
    tol: f64,
    cancel: &parallel::Cancel,
) -> KMeansFit {
    let n = x.len() / d;
    let k = centers.len() / d;
    let mut previous: Option<Vec<i64>> = None;
    let mut n_iter = 0;
    for it in 0..max_iter {
        if cancel.requested() {
            break;
        }
        n_iter = it + 1;
        let (labels, dist) = assign(x, d, &centers);
        let (mut sums, mut counts) = ordered_sum(
            n.div_ceil(BLOCK),
            |b| {
                let mut sums = vec![0.0; k * d];
                let mut counts = vec![0usize; k];
                for i in b * BLOCK..((b + 1) * BLOCK).min(n) {
                    let c = labels[i] as usize;
                    counts[c] += 1;
                    sums[c * d..(c + 1) * d]
                        .iter_mut()
                        .zip(&x[i * d..(i + 1) * d])
                        .for_each(|(s, v)| *s += v);
                }
                (sums, counts)
            },
            |(s, mut c), (s2, c2)| {
                c.iter_mut().zip(c2).for_each(|(a, b)| *a += b);
                (add(s, s2), c)
            },
        );
        relocate_empty(x, d, &labels, &dist, &mut sums, &mut counts);
        let new_centers: Vec<f64> = sums
            .chunks_exact(d)
            .zip(&counts)
            .flat_map(|(s, &c)| s.iter().map(move |v| v / c.max(1) as f64))
            .collect();
        let shift: f64 = sq_dist(&new_centers, &centers);
        centers = new_centers;
        if previous.as_ref() == Some(&labels) {
            break;
        }
        if shift <= tol {
            break;
        }
        previous = Some(labels);
    }
    let (labels, dist) = assign(x, d, &centers);
    KMeansFit {
        centers,
        labels,
        inertia: dist.iter().sum(),
        n_iter,
    }
}

/// Gives each empty cluster the point farthest from its centre.
fn relocate_empty(
    x: &[f64],
    d: usize,
    labels: &[i64],
    dist: &[f64],
    sums: &mut [f64],
    counts: &mut [usize],
) {
    let empty: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] == 0).collect();
    if empty.is_empty() {
        return;
    }
    let mut far: Vec<usize> = (0..dist.len()).collect();
    far.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
    for (&c, &p) in empty.iter().zip(&far) {
        let old = labels[p] as usize;
        let row = &x[p * d..(p + 1) * d];
        sums[old * d..(old + 1) * d]
            .iter_mut()
            .zip(row)
            .for_each(|(s, v)| *s -= v);
        counts[old] -= 1;
        sums[c * d..(c + 1) * d].copy_from_slice(row);
        counts[c] = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn finds_well_separated_blobs() {
        let mut rng = SplitMix64::new(1);
        let centres = [[0.0, 0.0], [10.0, 10.0], [-10.0, 10.0]];
        let x = Array2::from_shape_fn((300, 2), |(i, j)| centres[i % 3][j] + rng.uniform() - 0.5);
        let km = KMeans {
            n_clusters: 3,
            n_init: 3,
            max_iter: 100,
            tol: 1e-4,
            seed: 0,
            init: Init::PlusPlus,
        };
        let fit = km.fit(x.view(), 2).unwrap();
        for i in 3..300 {
            assert_eq!(fit.labels[i], fit.labels[i % 3]);
        }
        assert!(fit.inertia < 300.0 * 0.2);
        let again = km.fit(x.view(), 1).unwrap();
        assert_eq!(again.labels, fit.labels);
        assert_eq!(again.inertia, fit.inertia);
    }

    #[test]
    fn rejects_more_clusters_than_rows() {
        let x = Array2::<f64>::zeros((3, 2));
        let km = KMeans {
            n_clusters: 4,
            n_init: 1,
            max_iter: 10,
            tol: 1e-4,
            seed: 0,
            init: Init::PlusPlus,
        };
        assert!(km.fit(x.view(), 1).is_err());
    }

    #[test]
    fn init_is_chosen_by_name_or_given_centres() {
        assert!(matches!(
            Init::choose("k-means++", None),
            Ok(Init::PlusPlus)
        ));
        assert!(matches!(Init::choose("random", None), Ok(Init::Random)));
        assert!(matches!(
            Init::choose("random", Some(vec![1.0, 2.0])),
            Ok(Init::Centers(c)) if c == vec![1.0, 2.0]
        ));
        let err = Init::choose("kmeans", None).unwrap_err().to_string();
        assert!(err.contains("init") && err.contains("kmeans"), "{err}");
    }
}
