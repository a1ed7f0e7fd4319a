//! The `algorithm="auto"` planner: kd-tree or brute force, decided by
//! counting the work both would do on a sample of the indexed rows.
//!
//! Both give identical results, so only speed is at stake, and which one is
//! faster depends on the data, not on its shape alone: on 12 features of
//! clustered music data the tree visits a few hundred rows per query, on 12
//! features of isotropic noise it visits a third of the table, each visit an
//! f64 distance, where the brute force scores every row with float32 SIMD
//! kernels about ten times more cheaply.
//!
//! [`decide`] runs [`SAMPLE`] indexed rows (a fixed stride, each query
//! excluding itself) through the tree, counting visited nodes, scored rows
//! and rows kept among the best `k` ([`Visits`]), and, unless the tree is
//! already cheaper than the brute force's floor (one scan per query), through
//! the brute force, counting full scans (the first plus the certification's
//! re-searches) and re-ranked candidates ([`ScanWork`]). Each count is priced
//! with [`Costs`]; the cheaper path wins.
//!
//! Counting instead of timing makes the choice deterministic (the same on a
//! loaded machine). Planning stays cheap: the tree sample pauses as soon as
//! it costs more than the brute force's floor, and resumes only if the brute
//! sample turns out dearer than the tree so far (many re-searches, as on
//! heavily duplicated rows). It costs about two brute-force scans per sampled
//! query: 1-2 % of an all-pairs search of 40,000 rows.

use super::kdtree::Visits;
use super::metric::Metric;

/// Sampled queries: enough that the mean tree work is stable to a few per
/// cent (the queries are spread over the whole table by the stride).
pub const SAMPLE: usize = 256;

/// Sampled tree queries run between two budget checks (a tree query can cost
/// ten brute-force ones: the overshoot stays small).
const BATCH: usize = 16;

/// The work of brute-force queries: what the planner counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanWork {
    /// Full scans of the database, summed over queries (one each, plus one
    /// per certification re-search).
    pub scans: usize,
    /// Candidates re-scored in f64.
    pub reranked: usize,
}

impl std::ops::AddAssign for ScanWork {
    fn add_assign(&mut self, other: Self) {
        self.scans += other.scans;
        self.reranked += other.reranked;
    }
}

/// Which search answers k-nearest queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// The blocked SIMD scan.
    Brute,
    /// The kd-tree.
    KdTree,
}

impl Path {
    /// scikit-learn's `_fit_method` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Brute => "brute",
            Self::KdTree => "kd_tree",
        }
    }
}

/// A planned choice and the sampled work it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The neighbours per query the plan is for.
    pub k: usize,
    /// The cheaper path.
    pub path: Path,
    /// Sampled queries.
    pub sample: usize,
    /// Sampled queries the tree answered (fewer than `sample` when it ran
    /// over its budget).
    pub tree_queries: usize,
    /// The tree's work on those queries.
    pub tree_visits: Visits,
    /// The brute force's work on the whole sample (`None` when the tree was
    /// cheaper than the brute force's floor and the sample was not scanned).
    pub brute_work: Option<ScanWork>,
    /// Estimated tree cost per query, in nanoseconds of one core (from the
    /// `tree_queries` answered).
    pub tree_ns: f64,
    /// Estimated brute-force cost per query, in nanoseconds of one core (the
    /// floor when `brute_work` is `None`).
    pub brute_ns: f64,
}

/// Nanoseconds of one core per unit of work, as `a + b·d` for `d` features
/// (for heap work `a + b·log2(heap size)`).
///
/// Measured on the development machine (AMD EPYC, AVX2 + FMA) by
/// `python bench/bench_planner.py --calibrate`: 48 all-pairs searches on one
/// thread (6,000 to 24,000 rows of noise, clustered, planar and table-shaped
/// data, 4 to 32 features, top 1, 10 and 100, leaf sizes 10 to 160, all three
/// metrics), each timed on both paths (best of 3, under load from other
/// builds) and counted by the planner's sample; a non-negative least-squares
/// fit of time to counts, by relative error (median 10 % on either path).
/// Only their ratios matter: a machine faster at everything scales them all
/// alike. The scan costs assume AVX2 + FMA; on older CPUs the brute force is
/// slower than priced, so the tree is picked less often than it should be.
#[derive(Clone, Copy, Debug)]
pub struct Costs {
    /// Per tree node whose two children are bounded.
    pub node: (f64, f64),
    /// Per row the tree scores (an f64 distance and a heap offer), for
    /// euclidean, cosine and manhattan, on up to `cache_rows` indexed rows.
    pub tree_row: [(f64, f64); 3],
    /// Indexed rows up to which `tree_row` holds (the calibration's sizes).
    pub cache_rows: usize,
    /// Growth of `tree_row` per doubling of the indexed rows beyond
    /// `cache_rows`: the rows a query visits leave the caches. Measured apart
    /// (clustered 12-feature rows, one thread: 15.5, 16.3, 16.7 and 19.0 ns
    /// per scored row at 12k, 24k, 48k and 100k rows).
    pub cache_growth: f64,
    /// Per row the tree keeps in its heap of `k`.
    pub tree_kept: (f64, f64),
    /// Per (query, row) pair of the dot-product scan (euclidean, cosine).
    pub scan_dot: (f64, f64),
    /// Per (query, row) pair of the L1 scan (manhattan).
    pub scan_l1: (f64, f64),
    /// Per candidate the brute force re-scores in f64 (a gather from the
    /// panels, the distance, the sort).
    pub rerank: (f64, f64),
}

/// The measured costs (see [`Costs`]).
pub const COSTS: Costs = Costs {
    node: (35.0, 7.1),
    tree_row: [(2.0, 0.57), (3.9, 0.97), (1.6, 0.64)],
    cache_rows: 12_000,
    cache_growth: 0.1,
    tree_kept: (0.0, 7.4),
    scan_dot: (0.20, 0.0165),
    scan_l1: (0.30, 0.032),
    rerank: (370.0, 3.3),
};

/// `a + b·x`.
fn per(unit: (f64, f64), x: usize) -> f64 {
    unit.0 + unit.1 * x as f64
}

/// `a + b·log2(size)`.
fn per_log(unit: (f64, f64), size: usize) -> f64 {
    unit.0 + unit.1 * (size.max(1) as f64).log2()
}

/// What the planner prices: the table and the query.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Indexed rows.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// The distance.
    pub metric: Metric,
    /// Neighbours per query.
    pub k: usize,
    /// Candidates the brute force keeps per query before re-ranking.
    pub capacity: usize,
}

impl Costs {
    fn tree_row_cost(&self, metric: Metric) -> (f64, f64) {
        match metric {
            Metric::Euclidean => self.tree_row[0],
            Metric::Cosine => self.tree_row[1],
            Metric::Manhattan => self.tree_row[2],
        }
    }

    /// The factor of `tree_row` for a tree over `n` rows.
    fn cache(&self, n: usize) -> f64 {
        1.0 + self.cache_growth * (n as f64 / self.cache_rows as f64).log2().max(0.0)
    }

    /// Estimated nanoseconds of the tree's `visits`.
    pub fn tree(&self, shape: Shape, visits: Visits) -> f64 {
        visits.nodes as f64 * per(self.node, shape.d)
            + visits.rows as f64
                * per(self.tree_row_cost(shape.metric), shape.d)
                * self.cache(shape.n)
            + visits.kept as f64 * per_log(self.tree_kept, shape.k)
    }

    /// Estimated nanoseconds of the brute force's `work`.
    pub fn brute(&self, shape: Shape, work: ScanWork) -> f64 {
        let pair = if shape.metric.uses_dot() {
            self.scan_dot
        } else {
            self.scan_l1
        };
        work.scans as f64 * shape.n as f64 * per(pair, shape.d)
            + work.reranked as f64 * per(self.rerank, shape.d)
    }
}

/// The indexed rows sampled for a table of `n` rows: [`SAMPLE`] (or all)
/// rows, one from the middle of each equal stretch.
pub fn sample_rows(n: usize) -> Vec<usize> {
    let s = SAMPLE.min(n);
    (0..s).map(|j| (2 * j + 1) * n / (2 * s)).collect()
}

/// Plans `shape`'s queries: `tree(rows)` answers the sampled rows `rows` on
/// the tree and returns the work, `brute(rows)` does the same on the brute
/// force; both are called only as far as the choice needs them.
pub fn decide(
    costs: &Costs,
    shape: Shape,
    mut tree: impl FnMut(&[usize]) -> Visits,
    brute: impl FnOnce(&[usize]) -> ScanWork,
) -> Plan {
    let rows = sample_rows(shape.n);
    let s = rows.len();
    let floor = costs.brute(
        shape,
        ScanWork {
            scans: s,
            reranked: s * shape.capacity,
        },
    );
    let mut visits = Visits::default();
    let mut done = 0;
    let mut run = |budget: f64, visits: &mut Visits, done: &mut usize| {
        while *done < s && costs.tree(shape, *visits) <= budget {
            let end = (*done + BATCH).min(s);
            *visits += tree(&rows[*done..end]);
            *done = end;
        }
    };
    run(floor, &mut visits, &mut done);
    let (brute_work, brute_total) = if done == s && costs.tree(shape, visits) < floor {
        (None, floor)
    } else {
        let work = brute(&rows);
        (Some(work), costs.brute(shape, work))
    };
    if done < s && costs.tree(shape, visits) < brute_total {
        run(brute_total, &mut visits, &mut done);
    }
    let tree_total = costs.tree(shape, visits);
    let path = if done == s && tree_total < brute_total {
        Path::KdTree
    } else {
        Path::Brute
    };
    Plan {
        k: shape.k,
        path,
        sample: s,
        tree_queries: done,
        tree_visits: visits,
        brute_work,
        tree_ns: tree_total / done as f64,
        brute_ns: brute_total / s as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(n: usize) -> Shape {
        Shape {
            n,
            d: 12,
            metric: Metric::Euclidean,
            k: 10,
            capacity: 18,
        }
    }

    #[test]
    fn samples_spread_over_the_table() {
        assert_eq!(sample_rows(3), vec![0, 1, 2]);
        let rows = sample_rows(10_000);
        assert_eq!(rows.len(), SAMPLE);
        assert!(rows.windows(2).all(|w| w[1] > w[0]));
        assert!(rows[0] < 40 && *rows.last().unwrap() > 9_950);
    }

    #[test]
    fn a_cheap_tree_wins_without_scanning() {
        let plan = decide(
            &COSTS,
            shape(100_000),
            |rows| Visits {
                nodes: 10 * rows.len(),
                rows: 200 * rows.len(),
                kept: 30 * rows.len(),
            },
            |_| panic!("the brute force is not sampled when the tree beats its floor"),
        );
        assert_eq!(plan.path, Path::KdTree);
        assert_eq!((plan.tree_queries, plan.brute_work), (SAMPLE, None));
        assert!(plan.tree_ns < plan.brute_ns);
    }

    #[test]
    fn an_expensive_tree_stops_early_and_loses() {
        let mut calls = 0;
        let plan = decide(
            &COSTS,
            shape(100_000),
            |rows| {
                calls += 1;
                Visits {
                    nodes: 1_000 * rows.len(),
                    rows: 40_000 * rows.len(),
                    kept: 60 * rows.len(),
                }
            },
            |rows| ScanWork {
                scans: rows.len(),
                reranked: 18 * rows.len(),
            },
        );
        assert_eq!(plan.path, Path::Brute);
        assert!(plan.tree_queries < SAMPLE && calls < SAMPLE / BATCH);
        assert!(plan.brute_work.is_some());
    }

    #[test]
    fn brute_force_re_searches_count() {
        // A tree costing about three scans: it loses to a brute force that
        // scans once, wins against one that re-searches every query three
        // times (as on heavily duplicated rows); its sample, paused past the
        // brute force's floor, is resumed and completed for the comparison.
        let tree = |rows: &[usize]| Visits {
            nodes: 100 * rows.len(),
            rows: 15_000 * rows.len(),
            kept: 50 * rows.len(),
        };
        let scans = |times: usize| {
            move |rows: &[usize]| ScanWork {
                scans: times * rows.len(),
                reranked: 18 * times * rows.len(),
            }
        };
        let once = decide(&COSTS, shape(100_000), tree, scans(1));
        let four = decide(&COSTS, shape(100_000), tree, scans(4));
        assert_eq!((once.path, four.path), (Path::Brute, Path::KdTree));
        assert_eq!(four.tree_queries, SAMPLE);
    }
}
