//! [`Index`]: exact brute-force k-nearest-neighbour and radius search.
//!
//! Queries are processed in blocks (one rayon task each); every block scans the
//! database chunk by chunk (chunks sized to stay in L2 cache), six queries at a
//! time against 16-row panels, and keeps a bounded heap per query. Memory is
//! `O(block × capacity)` per task: an all-pairs search on a million rows never
//! holds more than the output.
//!
//! The f32 keys only pre-select `k + slack` candidates; those are re-scored in
//! f64 and sorted by (distance, index), so ties go to the lower index. The
//! result is then certified against the key's rounding-error bound
//! ([`Metric::lower_bound`]): when a candidate left out could still be closer
//! (near-duplicates), that query is searched again with four times as many
//! candidates, until certified or every row is a candidate.
//!
//! With [`Algorithm::KdTree`] (or `Auto` on at most [`AUTO_MAX_FEATURES`]
//! features) the index also holds a [`KdTree`] over the same stored rows and
//! k-nearest queries may walk it instead; its results are identical (same
//! exact f64 distances, same tie rule). `Auto` picks the path per `k` with the
//! [planner](super::plan), which counts the work of both on a sample.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use ndarray::{Array2, ArrayView1, ArrayView2};
use num_traits::AsPrimitive;
use rayon::prelude::*;

use super::kdtree::{KdTree, Visits};
use super::kernels::{interleave, Arith, Dot, Kernel, Plain, L1, MR};
use super::metric::{sort_nearest, sq_norm, Metric};
use super::packed::{Packed, LANES};
use super::plan::{self, Path, Plan, ScanWork, Shape, COSTS};
use super::scale::{Scaler, ScalerKind};
use super::topk::{Collector, TopK, Within};
use crate::error::{ensure, Error, Result};
use crate::parallel;

/// Bytes of database scanned per chunk (fits the L2 cache next to a query block).
const CHUNK_BYTES: usize = 128 * 1024;
/// Most queries per block.
const MAX_BLOCK: usize = 384;
/// No index: the sentinel for "exclude nothing".
const NONE: u32 = u32::MAX;
/// `Auto` builds a tree (and plans) for at most this many features: wider,
/// a tree over rows is not worth its build and the copy of the table it holds.
pub const AUTO_MAX_FEATURES: usize = 32;
/// A k-nearest call with a `k` not planned yet plans it when it has at least
/// this many queries; smaller calls take the plan of the nearest planned `k`
/// (planning costs up to a few hundred queries' work).
const PLAN_MIN_QUERIES: usize = 8 * plan::SAMPLE;
/// Tree queries answered between two writes of their results (bounds the
/// memory of the reordered results).
const TREE_BATCH: usize = 1 << 16;
/// Tree queries per rayon task.
const TREE_TASK: usize = 256;

pub use crate::options::neighbors::search::Algorithm;

impl Algorithm {
    /// Whether an index of `n` rows and `d` features gets a tree (for
    /// `Auto`: one to plan with, which it may then leave unused).
    pub fn builds_tree(self, n: usize, d: usize) -> bool {
        match self {
            Self::Brute => false,
            Self::KdTree => true,
            Self::Auto => d <= AUTO_MAX_FEATURES && n >= 2,
        }
    }
}

/// How an index answers k-nearest queries: the algorithm, the kd-tree's
/// leaf size, and the `n_neighbors` that [`Algorithm::Auto`] plans for
/// (scikit-learn's defaults: brute force, 40, 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Search {
    /// Brute force, kd-tree, or the planner's choice.
    pub algorithm: Algorithm,
    /// Rows per kd-tree leaf (at least 1).
    pub leaf_size: usize,
    /// The `k` an `Auto` index plans for at construction.
    pub n_neighbors: usize,
}

impl Default for Search {
    fn default() -> Self {
        Search {
            algorithm: Algorithm::Brute,
            leaf_size: 40,
            n_neighbors: 10,
        }
    }
}

/// A fitted search index: the (weighted) scaler and the packed, scaled rows.
#[derive(Clone, Debug)]
pub struct Index {
    metric: Metric,
    scaler: Scaler,
    packed: Packed,
    bias: Vec<f32>,
    max_norm: f64,
    algorithm: Algorithm,
    tree: Option<KdTree>,
    /// With `Auto` and a tree: the plan for the `k` given at fit.
    fit_plan: Option<Plan>,
    /// With `Auto`: the plans made so far, one per `k` (shared by clones,
    /// which hold the same rows and tree).
    plans: Arc<Mutex<Vec<Plan>>>,
}

/// The k nearest neighbours of each query, nearest first.
#[derive(Clone, Debug)]
pub struct Neighbors {
    /// `distances[[q, j]]`: distance from query `q` to its `j`-th neighbour.
    pub distances: Array2<f64>,
    /// `indices[[q, j]]`: row of the `j`-th neighbour.
    pub indices: Array2<i64>,
}

/// Fails with the position of the first NaN or infinite value of `x`.
pub fn check_finite<T: AsPrimitive<f64>>(x: ArrayView2<'_, T>, name: &'static str) -> Result<()> {
    for (i, row) in x.rows().into_iter().enumerate() {
        // A branch-free scan per row (vectorises); locate the value only on failure.
        if !row.iter().fold(true, |ok, v| ok & v.as_().is_finite()) {
            let (j, v) = row
                .iter()
                .enumerate()
                .find(|(_, v)| !v.as_().is_finite())
                // cannot fail: the scan above saw a non-finite value in this row
                .expect("found above");
            return Err(Error::param(
                name,
                format!(
                    "contains {} at row {i}, column {j}; remove or impute it first",
                    v.as_()
                ),
            ));
        }
    }
    Ok(())
}

impl Index {
    /// Fits the scaler on `x` (rows = items, columns = features), applies it and
    /// the per-feature `weights` (multipliers after scaling), and packs the rows.
    pub fn fit<T: AsPrimitive<f64> + Sync>(
        x: ArrayView2<'_, T>,
        metric: Metric,
        scaler: ScalerKind,
        weights: Option<Vec<f64>>,
        n_jobs: i64,
    ) -> Result<Self> {
        let (n, d) = x.dim();
        ensure(n > 0, "X", || "is empty: at least one row is needed".into())?;
        ensure(d > 0, "X", || {
            "has no columns: at least one feature is needed".into()
        })?;
        ensure(n < NONE as usize, "X", || {
            format!("has {n} rows; at most {} are supported", NONE - 1)
        })?;
        check_finite(x, "X")?;
        let mut index = Index {
            metric,
            scaler: Scaler::fit(scaler, x).weighted(weights)?,
            packed: Packed::build(0, d, |_, _| {}),
            bias: Vec::new(),
            max_norm: 0.0,
            algorithm: Algorithm::Brute,
            tree: None,
            fit_plan: None,
            plans: Arc::default(),
        };
        let packed = parallel::install(n_jobs, || {
            Packed::build(n, d, |i, row| index.prepare(x.row(i), row))
        })?;
        let mut row = vec![0f32; d];
        let mut bias = vec![f32::INFINITY; packed.panels() * LANES];
        let mut max_sq = 0f64;
        for (i, b) in bias.iter_mut().enumerate().take(n) {
            packed.row(i, &mut row);
            ensure(row.iter().all(|v| v.is_finite()), "X", || {
                format!("row {i} overflows float32 after scaling; rescale the data")
            })?;
            max_sq = max_sq.max(sq_norm(&row));
            *b = metric.bias(&row);
        }
        ensure(max_sq < f32::MAX as f64 / 4.0, "X", || {
            "values too large for float32 distances; rescale the data".into()
        })?;
        index.packed = packed;
        index.bias = bias;
        index.max_norm = max_sq.sqrt();
        Ok(index)
    }

    /// Chooses how k-nearest queries are answered, building the kd-tree over
    /// the stored rows (leaves of about `leaf_size` rows) when `algorithm`
    /// calls for one; `Auto` plans for `k` neighbours per query (clamped to
    /// the rows available), the `k` that [`Index::fit_method`] reports on.
    pub fn with_algorithm(
        mut self,
        algorithm: Algorithm,
        leaf_size: usize,
        k: usize,
        n_jobs: i64,
    ) -> Result<Self> {
        ensure(leaf_size >= 1, "leaf_size", || {
            format!("must be at least 1, got {leaf_size}")
        })?;
        let (n, d) = (self.packed.n, self.packed.d);
        self.tree = if algorithm.builds_tree(n, d) {
            let mut rows = vec![0f32; n * d];
            for (i, row) in rows.chunks_exact_mut(d).enumerate() {
                self.packed.row(i, row);
            }
            Some(parallel::install(n_jobs, || {
                KdTree::build(&rows, d, leaf_size)
            })?)
        } else {
            None
        };
        self.algorithm = algorithm;
        self.plans = Arc::default();
        self.fit_plan = None;
        if algorithm == Algorithm::Auto && self.tree.is_some() {
            self.fit_plan = self.plan(k.clamp(1, n - 1), n_jobs)?;
        }
        Ok(self)
    }

    /// The path k-nearest queries take for the `k` given at fit (for `Auto`,
    /// the planned one): `"kd_tree"` or `"brute"` (scikit-learn's `_fit_method`).
    pub fn fit_method(&self) -> &'static str {
        match (&self.fit_plan, &self.tree) {
            (Some(plan), _) => plan.path.name(),
            (None, Some(_)) => Path::KdTree.name(),
            (None, None) => Path::Brute.name(),
        }
    }

    /// The plan made at fit (`Auto` with a tree only).
    pub fn fit_plan(&self) -> Option<&Plan> {
        self.fit_plan.as_ref()
    }

    /// The planned path for all-pairs queries of `k` neighbours (made now or
    /// earlier), `None` unless the index is `Auto` with a tree.
    pub fn plan(&self, k: usize, n_jobs: i64) -> Result<Option<Plan>> {
        self.plan_for(k, usize::MAX, n_jobs)
    }

    /// The plan for `k` neighbours of `queries` queries: a cached one, a new
    /// one, or for a small call with a new `k` the one of the nearest `k`.
    fn plan_for(&self, k: usize, queries: usize, n_jobs: i64) -> Result<Option<Plan>> {
        let Some(tree) = self
            .tree
            .as_ref()
            .filter(|_| self.algorithm == Algorithm::Auto)
        else {
            return Ok(None);
        };
        let n = self.packed.n;
        ensure(k >= 1 && k < n, "n_neighbors", || {
            format!(
                "is {k} but only {} rows can be neighbours (n_samples_fit = {n})",
                n - 1
            )
        })?;
        // A poisoned lock only means another planning call panicked; the
        // plans it holds are complete.
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(plan) = plans.iter().find(|p| p.k == k) {
            return Ok(Some(plan.clone()));
        }
        if queries < PLAN_MIN_QUERIES {
            if let Some(plan) = plans.iter().min_by_key(|p| (p.k.abs_diff(k), p.k)) {
                return Ok(Some(plan.clone()));
            }
        }
        let shape = Shape {
            n,
            d: self.packed.d,
            metric: self.metric,
            k,
            capacity: capacity(k, n - 1),
        };
        let plan = parallel::install(n_jobs, || {
            plan::decide(
                &COSTS,
                shape,
                |rows| self.tree_work(tree, rows, k),
                |rows| self.brute_work(rows, k),
            )
        })?;
        plans.push(plan.clone());
        Ok(Some(plan))
    }

    /// The tree's work answering the indexed rows `rows` (each excluding itself).
    fn tree_work(&self, tree: &KdTree, rows: &[usize], k: usize) -> Visits {
        rows.par_iter()
            .map(|&i| {
                let mut q = vec![0f32; self.packed.d];
                self.packed.row(i, &mut q);
                tree.nearest_counted(self.metric, &q, k, i as u32).1
            })
            .reduce(Visits::default, |mut a, b| {
                a += b;
                a
            })
    }

    /// The brute force's work answering the indexed rows `rows` (each
    /// excluding itself).
    fn brute_work(&self, rows: &[usize], k: usize) -> ScanWork {
        let d = self.packed.d;
        rows.par_chunks(block_rows(rows.len()))
            .map(|block| {
                let mut qbuf = vec![0f32; block.len().div_ceil(MR) * MR * d];
                for (out, &i) in qbuf.chunks_exact_mut(d).zip(block) {
                    self.packed.row(i, out);
                }
                let available = self.packed.n - 1;
                self.brute_block(
                    &qbuf,
                    block.len(),
                    |r| block[r] as u32,
                    k,
                    available,
                    |_, _| {},
                )
            })
            .reduce(ScanWork::default, |mut a, b| {
                a += b;
                a
            })
    }

    /// The tree, when it answers `queries` queries for `k` neighbours.
    fn tree_for(&self, k: usize, queries: usize, n_jobs: i64) -> Result<Option<&KdTree>> {
        Ok(match self.algorithm {
            Algorithm::Brute => None,
            Algorithm::KdTree => self.tree.as_ref(),
            Algorithm::Auto => match self.plan_for(k.min(self.packed.n - 1), queries, n_jobs)? {
                Some(plan) if plan.path == Path::KdTree => self.tree.as_ref(),
                _ => None,
            },
        })
    }

    /// Number of indexed rows.
    pub fn n_samples(&self) -> usize {
        self.packed.n
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.packed.d
    }

    /// The fitted scaler (with the per-feature weights).
    pub fn scaler(&self) -> &Scaler {
        &self.scaler
    }

    /// The distance.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Scales and weights one raw row into `out` (L2-normalised for cosine).
    fn prepare<T: AsPrimitive<f64>>(&self, raw: ArrayView1<'_, T>, out: &mut [f32]) {
        let scaled: Vec<f64> = raw
            .iter()
            .enumerate()
            .map(|(j, v)| self.scaler.apply(j, v.as_()))
            .collect();
        let norm = if self.metric.normalizes() {
            scaled.iter().map(|v| v * v).sum::<f64>().sqrt()
        } else {
            1.0
        };
        let norm = if norm > 0.0 { norm } else { 1.0 };
        for (o, v) in out.iter_mut().zip(&scaled) {
            *o = (v / norm) as f32;
        }
    }

    /// Validates a query table.
    fn check_queries<T: AsPrimitive<f64>>(&self, x: ArrayView2<'_, T>) -> Result<()> {
        ensure(x.ncols() == self.packed.d, "X", || {
            format!(
                "has {} columns but the index was fitted on {}",
                x.ncols(),
                self.packed.d
            )
        })?;
        check_finite(x, "X")
    }

    /// The `k` nearest indexed rows of each row of `queries`, or of each indexed
    /// row when `queries` is `None` (then a row is not its own neighbour, as in
    /// scikit-learn).
    pub fn kneighbors<T: AsPrimitive<f64> + Sync>(
        &self,
        queries: Option<ArrayView2<'_, T>>,
        k: usize,
        n_jobs: i64,
    ) -> Result<Neighbors> {
        let rows = 0..queries.map_or(self.packed.n, |q| q.nrows());
        self.search_k(queries, rows, k, n_jobs)
    }

    /// The `k` nearest indexed rows of the indexed rows `rows` (a row is not
    /// its own neighbour): the rows `rows` of `kneighbors(None, ..)`.
    pub fn kneighbors_rows(&self, rows: Range<usize>, k: usize, n_jobs: i64) -> Result<Neighbors> {
        let n = self.packed.n;
        ensure(rows.start <= rows.end && rows.end <= n, "rows", || {
            format!("{rows:?} is not a range of the {n} indexed rows")
        })?;
        self.search_k::<f32>(None, rows, k, n_jobs)
    }

    /// The `k` nearest neighbours of the queries `rows` (rows of `queries`, or
    /// indexed rows when it is `None`).
    fn search_k<T: AsPrimitive<f64> + Sync>(
        &self,
        queries: Option<ArrayView2<'_, T>>,
        rows: Range<usize>,
        k: usize,
        n_jobs: i64,
    ) -> Result<Neighbors> {
        let n = self.packed.n;
        let available = if queries.is_some() { n } else { n - 1 };
        ensure(k >= 1, "n_neighbors", || {
            format!("must be at least 1, got {k}")
        })?;
        ensure(k <= available, "n_neighbors", || {
            format!("is {k} but only {available} rows can be neighbours (n_samples_fit = {n})")
        })?;
        if let Some(q) = queries {
            self.check_queries(q)?;
        }
        let nq = rows.len();
        let mut distances = vec![0f64; nq * k];
        let mut indices = vec![0i64; nq * k];
        if let Some(tree) = self.tree_for(k, nq, n_jobs)? {
            parallel::install(n_jobs, || {
                self.tree_search(tree, queries, rows, k, &mut distances, &mut indices)
            })?;
            return neighbors(nq, k, distances, indices);
        }
        let cancel = parallel::Cancel::current();
        parallel::install(n_jobs, || {
            let block = block_rows(nq);
            distances
                .par_chunks_mut(block * k)
                .zip(indices.par_chunks_mut(block * k))
                .enumerate()
                .for_each(|(b, (dist, idx))| {
                    if cancel.requested() {
                        return; // Ctrl-C: the remaining blocks are skipped
                    }
                    let first = rows.start + b * block;
                    let rows = dist.len() / k;
                    let qbuf = self.query_block(queries, first, rows);
                    let exclude = |r: usize| match queries {
                        Some(_) => NONE,
                        None => (first + r) as u32,
                    };
                    self.brute_block(&qbuf, rows, exclude, k, available, |r, best| {
                        for (j, (dd, ii)) in best.into_iter().enumerate() {
                            dist[r * k + j] = dd;
                            idx[r * k + j] = ii as i64;
                        }
                    });
                });
        })?;
        cancel.check()?;
        neighbors(nq, k, distances, indices)
    }

    /// The brute-force top `k` (among `available` rows) of the `rows` prepared
    /// queries in `qbuf` (padded to a multiple of [`MR`] rows), query `r`
    /// never matching row `exclude(r)`; `emit(r, best)` receives each result.
    /// Returns the work done.
    fn brute_block(
        &self,
        qbuf: &[f32],
        rows: usize,
        exclude: impl Fn(usize) -> u32,
        k: usize,
        available: usize,
        mut emit: impl FnMut(usize, Vec<(f64, u32)>),
    ) -> ScanWork {
        let d = self.packed.d;
        let capacity = capacity(k, available);
        let mut tops: Vec<TopK> = (0..rows.div_ceil(MR) * MR)
            .map(|r| match r < rows {
                true => TopK::new(capacity, exclude(r)),
                false => TopK::new(0, NONE),
            })
            .collect();
        self.scan(qbuf, &mut tops);
        let mut work = ScanWork::default();
        for (r, top) in tops.iter().enumerate().take(rows) {
            let q = &qbuf[r * d..(r + 1) * d];
            let (best, done) = self.certified_top(q, top, k, capacity, available);
            work += done;
            emit(r, best);
        }
        work
    }

    /// The tree's `k` nearest for the queries `rows`, written to `distances`
    /// and `indices` (`rows.len() × k`). Indexed rows are taken in tree order,
    /// so consecutive queries walk the same nodes.
    fn tree_search<T: AsPrimitive<f64> + Sync>(
        &self,
        tree: &KdTree,
        queries: Option<ArrayView2<'_, T>>,
        rows: Range<usize>,
        k: usize,
        distances: &mut [f64],
        indices: &mut [i64],
    ) {
        let d = self.packed.d;
        let first = rows.start;
        let mut order: Vec<usize> = rows.collect();
        if queries.is_none() {
            order.sort_unstable_by_key(|&i| tree.position(i));
        }
        for batch in order.chunks(TREE_BATCH) {
            let found: Vec<(usize, Vec<(f64, u32)>)> = batch
                .par_chunks(TREE_TASK)
                .flat_map_iter(|task| {
                    let mut q = vec![0f32; d];
                    task.iter()
                        .map(|&i| {
                            let exclude = match queries {
                                Some(x) => {
                                    self.prepare(x.row(i), &mut q);
                                    NONE
                                }
                                None => {
                                    self.packed.row(i, &mut q);
                                    i as u32
                                }
                            };
                            (i - first, tree.nearest(self.metric, &q, k, exclude))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            for (r, best) in found {
                for (j, (dd, ii)) in best.into_iter().enumerate() {
                    distances[r * k + j] = dd;
                    indices[r * k + j] = ii as i64;
                }
            }
        }
    }

    /// Every indexed row within `radius` of each query (or of each indexed row,
    /// itself excluded, when `queries` is `None`), sorted by distance then index.
    pub fn radius_neighbors<T: AsPrimitive<f64> + Sync>(
        &self,
        queries: Option<ArrayView2<'_, T>>,
        radius: f64,
        n_jobs: i64,
    ) -> Result<Vec<(Vec<f64>, Vec<i64>)>> {
        ensure(radius.is_finite() && radius >= 0.0, "radius", || {
            format!("must be finite and >= 0, got {radius}")
        })?;
        if let Some(q) = queries {
            self.check_queries(q)?;
        }
        let nq = queries.map_or(self.packed.n, |q| q.nrows());
        let d = self.packed.d;
        parallel::install(n_jobs, || {
            let block = block_rows(nq);
            (0..nq.div_ceil(block))
                .into_par_iter()
                .flat_map_iter(|b| {
                    let first = b * block;
                    let rows = block.min(nq - first);
                    let qbuf = self.query_block(queries, first, rows);
                    let mut found: Vec<Within> = (0..rows.div_ceil(MR) * MR)
                        .map(|r| match r < rows {
                            true => {
                                let q_sq = sq_norm(&qbuf[r * d..(r + 1) * d]);
                                let bound = self.metric.key_upper(radius, d, q_sq, self.max_norm);
                                Within::new(
                                    bound,
                                    if queries.is_some() {
                                        NONE
                                    } else {
                                        (first + r) as u32
                                    },
                                )
                            }
                            false => Within::new(f32::NEG_INFINITY, NONE),
                        })
                        .collect();
                    self.scan(&qbuf, &mut found);
                    (0..rows)
                        .map(|r| {
                            let ranked = self.rerank(&qbuf[r * d..(r + 1) * d], &found[r].found);
                            ranked
                                .into_iter()
                                .filter(|c| c.0 <= radius)
                                .map(|(dd, i)| (dd, i as i64))
                                .unzip()
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        })
    }

    /// The prepared rows `first .. first + rows` of the queries, padded with zero
    /// rows to a multiple of [`MR`].
    fn query_block<T: AsPrimitive<f64>>(
        &self,
        queries: Option<ArrayView2<'_, T>>,
        first: usize,
        rows: usize,
    ) -> Vec<f32> {
        let d = self.packed.d;
        let mut qbuf = vec![0f32; rows.div_ceil(MR) * MR * d];
        for (r, out) in qbuf.chunks_exact_mut(d).take(rows).enumerate() {
            match queries {
                Some(q) => self.prepare(q.row(first + r), out),
                None => self.packed.row(first + r, out),
            }
        }
        qbuf
    }

    /// Exact f64 distances of `candidates` to `query`, sorted by (distance, index).
    fn rerank(&self, query: &[f32], candidates: &[(f32, u32)]) -> Vec<(f64, u32)> {
        let mut row = vec![0f32; self.packed.d];
        let mut ranked: Vec<(f64, u32)> = candidates
            .iter()
            .map(|&(_, i)| {
                self.packed.row(i as usize, &mut row);
                (self.metric.exact(query, &row), i)
            })
            .collect();
        sort_nearest(&mut ranked);
        ranked
    }

    /// The exact top `k` from a collector of `capacity`, searching again with
    /// more candidates until no left-out row can be closer than the `k`-th;
    /// and the work it took (the collector's scan included).
    fn certified_top(
        &self,
        query: &[f32],
        top: &TopK,
        k: usize,
        capacity: usize,
        available: usize,
    ) -> (Vec<(f64, u32)>, ScanWork) {
        let d = self.packed.d;
        let q_sq = sq_norm(query);
        let mut ranked = self.rerank(query, top.candidates());
        let mut work = ScanWork {
            scans: 1,
            reranked: ranked.len(),
        };
        let mut capacity = capacity;
        let mut threshold = top.threshold();
        let exclude = top.excluded();
        while top_is_partial(capacity, available, threshold)
            && self.metric.lower_bound(threshold, d, q_sq, self.max_norm) <= ranked[k - 1].0
        {
            capacity = (capacity * 4).min(available);
            let mut qbuf = vec![0f32; MR * d];
            qbuf[..d].copy_from_slice(query);
            let mut tops: Vec<TopK> = (0..MR)
                .map(|r| {
                    if r == 0 {
                        TopK::new(capacity, exclude)
                    } else {
                        TopK::new(0, NONE)
                    }
                })
                .collect();
            self.scan(&qbuf, &mut tops);
            ranked = self.rerank(query, tops[0].candidates());
            threshold = tops[0].threshold();
            work += ScanWork {
                scans: 1,
                reranked: ranked.len(),
            };
        }
        ranked.truncate(k);
        (ranked, work)
    }

    /// Runs the scan with the best kernel for this metric and CPU.
    fn scan<C: Collector>(&self, queries: &[f32], collectors: &mut [C]) {
        let factor = self.metric.key_factor();
        if self.metric.uses_dot() {
            dispatch::<Dot, C>(&self.packed, &self.bias, factor, queries, collectors)
        } else {
            dispatch::<L1, C>(&self.packed, &self.bias, factor, queries, collectors)
        }
    }
}

/// Packs the flat `nq × k` results.
fn neighbors(nq: usize, k: usize, distances: Vec<f64>, indices: Vec<i64>) -> Result<Neighbors> {
    let shape = (nq, k);
    Ok(Neighbors {
        distances: Array2::from_shape_vec(shape, distances)
            .map_err(|e| Error::Internal(e.to_string()))?,
        indices: Array2::from_shape_vec(shape, indices)
            .map_err(|e| Error::Internal(e.to_string()))?,
    })
}

/// Candidates the scan keeps per query for the top `k` among `available`
/// rows (the slack absorbs the float32 keys' rounding).
fn capacity(k: usize, available: usize) -> usize {
    (k + (k / 2).max(8)).min(available)
}

/// Whether a collector that kept `capacity` of `available` candidates may have
/// left some out (`threshold` is finite once it is full).
fn top_is_partial(capacity: usize, available: usize, threshold: f32) -> bool {
    capacity < available && threshold.is_finite()
}

/// Queries per block: enough blocks for two per thread, at most [`MAX_BLOCK`].
fn block_rows(nq: usize) -> usize {
    let per = nq
        .div_ceil(2 * rayon::current_num_threads())
        .clamp(MR, MAX_BLOCK);
    per.div_ceil(MR) * MR
}

/// Picks the AVX2+FMA build of the scan when the CPU has it.
fn dispatch<K: Kernel, C: Collector>(
    packed: &Packed,
    bias: &[f32],
    factor: f32,
    queries: &[f32],
    collectors: &mut [C],
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports the features this build was compiled for.
        unsafe { scan_avx2::<K, C>(packed, bias, factor, queries, collectors) };
        return;
    }
    scan::<K, Plain, C>(packed, bias, factor, queries, collectors)
}

/// [`scan`] compiled for AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn scan_avx2<K: Kernel, C: Collector>(
    packed: &Packed,
    bias: &[f32],
    factor: f32,
    queries: &[f32],
    collectors: &mut [C],
) {
    scan::<K, super::kernels::Fused, C>(packed, bias, factor, queries, collectors)
}

/// Offers every indexed row to every collector whose threshold it beats.
/// `queries` holds `collectors.len()` rows (a multiple of [`MR`]).
#[inline(always)]
fn scan<K: Kernel, A: Arith, C: Collector>(
    packed: &Packed,
    bias: &[f32],
    factor: f32,
    queries: &[f32],
    collectors: &mut [C],
) {
    let d = packed.d;
    let panels = packed.panels();
    let chunk = (CHUNK_BYTES / (d * LANES * 4)).max(1);
    let mut columns = vec![0f32; queries.len()];
    for (rows, out) in queries
        .chunks_exact(MR * d)
        .zip(columns.chunks_exact_mut(MR * d))
    {
        interleave(rows, d, out);
    }
    for start in (0..panels).step_by(chunk) {
        let end = (start + chunk).min(panels);
        for (q, group) in columns
            .chunks_exact(MR * d)
            .zip(collectors.chunks_exact_mut(MR))
        {
            for p in start..end {
                let tile = K::tile::<A>(q, packed.panel(p), d);
                // cannot fail: bias holds panels() * LANES values and p < panels()
                let b: &[f32; LANES] = bias[p * LANES..(p + 1) * LANES].try_into().unwrap();
                for (values, collector) in tile.iter().zip(group.iter_mut()) {
                    let threshold = collector.threshold();
                    let mut keys = [0f32; LANES];
                    let mut hit = false;
                    for ((key, &v), &bv) in keys.iter_mut().zip(values).zip(b) {
                        *key = A::madd(factor, v, bv);
                        hit |= *key < threshold;
                    }
                    if hit {
                        for (lane, &key) in keys.iter().enumerate() {
                            if key < collector.threshold() {
                                collector.offer(key, (p * LANES + lane) as u32);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Deterministic pseudo-random table with a few exact duplicate rows.
    fn table(n: usize, d: usize, seed: u64) -> Array2<f64> {
        let mut rng = crate::testing::Lcg(seed);
        rng.step();
        let mut x = Array2::from_shape_fn((n, d), |_| rng.unit() * 10.0 - 3.0);
        for i in (0..n).step_by(7).skip(1) {
            let copy = x.row(i - 1).to_owned();
            x.row_mut(i).assign(&copy);
        }
        x
    }

    /// Exact brute force on the index's own prepared rows.
    fn brute(index: &Index, q: &[f32], k: usize, exclude: Option<usize>) -> Vec<(f64, u32)> {
        let mut row = vec![0f32; index.n_features()];
        let mut all: Vec<(f64, u32)> = (0..index.n_samples())
            .filter(|&i| Some(i) != exclude)
            .map(|i| {
                index.packed.row(i, &mut row);
                (index.metric.exact(q, &row), i as u32)
            })
            .collect();
        sort_nearest(&mut all);
        all.truncate(k);
        all
    }

    #[test]
    fn kneighbors_is_exact_for_every_metric() {
        for metric in [Metric::Euclidean, Metric::Cosine, Metric::Manhattan] {
            for (n, d, k) in [(50, 3, 5), (301, 12, 10), (97, 33, 40)] {
                let x = table(n, d, n as u64);
                let index = Index::fit(x.view(), metric, ScalerKind::Standard, None, 2).unwrap();
                let got = index.kneighbors::<f64>(None, k, 2).unwrap();
                let mut q = vec![0f32; d];
                for i in 0..n {
                    index.packed.row(i, &mut q);
                    let want = brute(&index, &q, k, Some(i));
                    let want_idx: Vec<i64> = want.iter().map(|w| w.1 as i64).collect();
                    assert_eq!(
                        got.indices.row(i).to_vec(),
                        want_idx,
                        "{metric:?} n={n} d={d} k={k} row={i}"
                    );
                    for (g, w) in got.distances.row(i).iter().zip(&want) {
                        assert_eq!(*g, w.0);
                    }
                }
                let ext = table(20, d, 99);
                let got = index.kneighbors(Some(ext.view()), k, 1).unwrap();
                for i in 0..20 {
                    let mut qp = vec![0f32; d];
                    index.prepare(ext.row(i), &mut qp);
                    let want: Vec<i64> = brute(&index, &qp, k, None)
                        .iter()
                        .map(|w| w.1 as i64)
                        .collect();
                    assert_eq!(
                        got.indices.row(i).to_vec(),
                        want,
                        "{metric:?} external query {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn kd_tree_equals_brute_force() {
        for metric in [Metric::Euclidean, Metric::Cosine, Metric::Manhattan] {
            for (n, d, k, leaf) in [
                (400, 3, 10, 40),
                (2500, 12, 10, 40),
                (300, 6, 299, 5),
                (120, 2, 1, 1),
            ] {
                let x = table(n, d, 7 + n as u64);
                let brute = Index::fit(x.view(), metric, ScalerKind::Standard, None, 2).unwrap();
                let tree = brute
                    .clone()
                    .with_algorithm(Algorithm::KdTree, leaf, k, 2)
                    .unwrap();
                assert_eq!(tree.fit_method(), "kd_tree");
                let case = format!("{metric:?} n={n} d={d} k={k} leaf={leaf}");
                let (want, got) = (
                    brute.kneighbors::<f64>(None, k, 2).unwrap(),
                    tree.kneighbors::<f64>(None, k, 2).unwrap(),
                );
                assert_eq!(got.indices, want.indices, "{case}");
                assert_eq!(got.distances, want.distances, "{case}");
                let part = tree.kneighbors_rows(n / 3..n / 2, k, 1).unwrap();
                assert_eq!(
                    part.indices,
                    want.indices.slice(ndarray::s![n / 3..n / 2, ..]),
                    "{case} rows"
                );
                let ext = table(50, d, 5);
                let (want, got) = (
                    brute.kneighbors(Some(ext.view()), k, 1).unwrap(),
                    tree.kneighbors(Some(ext.view()), k, 2).unwrap(),
                );
                assert_eq!(got.indices, want.indices, "{case} external");
                assert_eq!(got.distances, want.distances, "{case} external");
            }
        }
    }

    /// Isotropic Gaussian noise (`low_rank = 0`), or rows on a random
    /// `low_rank`-dimensional plane of the `d`-dimensional space plus a little
    /// noise (low intrinsic dimension, as music features have).
    fn gaussian(n: usize, d: usize, low_rank: usize, seed: u64) -> Array2<f64> {
        let mut state = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
        let mut normal = || {
            let mut uniform = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
            };
            let (u, v) = (uniform(), uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        };
        if low_rank == 0 {
            return Array2::from_shape_fn((n, d), |_| normal());
        }
        let basis = Array2::from_shape_fn((low_rank, d), |_| normal());
        let latent = Array2::from_shape_fn((n, low_rank), |_| normal());
        latent.dot(&basis) + Array2::from_shape_fn((n, d), |_| 0.01 * normal())
    }

    fn auto(x: &Array2<f64>, metric: Metric, k: usize) -> Index {
        Index::fit(x.view(), metric, ScalerKind::Standard, None, 2)
            .unwrap()
            .with_algorithm(Algorithm::Auto, 40, k, 2)
            .unwrap()
    }

    #[test]
    fn auto_plans_brute_force_for_noise_and_the_tree_for_low_dimensional_data() {
        for metric in [Metric::Euclidean, Metric::Cosine, Metric::Manhattan] {
            let noise = auto(&gaussian(20_000, 12, 0, 1), metric, 10);
            let plan = noise.plan(10, 2).unwrap().unwrap();
            assert_eq!(noise.fit_method(), "brute", "{metric:?} noise: {plan:?}");
            assert!(plan.tree_ns > plan.brute_ns && plan.brute_work.is_some());
            let plane = auto(&gaussian(20_000, 12, 3, 2), metric, 10);
            let plan = plane.plan(10, 2).unwrap().unwrap();
            assert_eq!(plane.fit_method(), "kd_tree", "{metric:?} plane: {plan:?}");
            assert!(plan.tree_ns < plan.brute_ns);
        }
    }

    #[test]
    fn auto_equals_brute_force_whatever_it_plans() {
        for (x, metric) in [
            (gaussian(3_000, 12, 0, 3), Metric::Euclidean),
            (gaussian(3_000, 12, 2, 4), Metric::Cosine),
            (table(3_000, 5, 5), Metric::Manhattan),
        ] {
            let brute = Index::fit(x.view(), metric, ScalerKind::Standard, None, 2).unwrap();
            let auto = brute
                .clone()
                .with_algorithm(Algorithm::Auto, 40, 10, 2)
                .unwrap();
            // k = 10 was planned at fit; the all-pairs calls plan k = 1 and
            // k = 50 (3,000 queries), the small external call reuses a plan.
            for k in [10, 1, 50] {
                let (want, got) = (
                    brute.kneighbors::<f64>(None, k, 2).unwrap(),
                    auto.kneighbors::<f64>(None, k, 2).unwrap(),
                );
                assert_eq!(got.indices, want.indices, "{metric:?} k={k}");
                assert_eq!(got.distances, want.distances, "{metric:?} k={k}");
            }
            let planned: Vec<usize> = auto.plans.lock().unwrap().iter().map(|p| p.k).collect();
            assert_eq!(planned, vec![10, 1, 50]);
            let ext = x.slice(ndarray::s![..40, ..]).mapv(|v| v + 0.25);
            let (want, got) = (
                brute.kneighbors(Some(ext.view()), 7, 1).unwrap(),
                auto.kneighbors(Some(ext.view()), 7, 1).unwrap(),
            );
            assert_eq!(got.indices, want.indices, "{metric:?} external");
            assert_eq!(got.distances, want.distances, "{metric:?} external");
            assert_eq!(
                auto.plans.lock().unwrap().len(),
                3,
                "40 queries plan nothing"
            );
            assert_eq!(auto.plan(10, 1).unwrap(), auto.fit_plan);
        }
    }

    #[test]
    fn algorithm_choices_and_bad_values() {
        let x = table(3000, 4, 1);
        let fit = |a| {
            Index::fit(x.view(), Metric::Euclidean, ScalerKind::None, None, 1)
                .unwrap()
                .with_algorithm(a, 40, 10, 1)
                .unwrap()
        };
        assert_eq!(fit(Algorithm::Brute).fit_method(), "brute");
        assert_eq!(fit(Algorithm::KdTree).fit_method(), "kd_tree");
        assert_eq!(fit(Algorithm::Brute).plan(10, 1).unwrap(), None);
        assert_eq!(fit(Algorithm::KdTree).plan(10, 1).unwrap(), None);
        let wide = table(500, AUTO_MAX_FEATURES + 1, 2);
        let wide = Index::fit(wide.view(), Metric::Euclidean, ScalerKind::None, None, 1)
            .unwrap()
            .with_algorithm(Algorithm::Auto, 40, 10, 1)
            .unwrap();
        assert!(wide.tree.is_none() && wide.fit_method() == "brute");
        // k beyond the rows is clamped at fit; plan() names the bad k.
        let one = fit(Algorithm::Auto);
        let again = one
            .clone()
            .with_algorithm(Algorithm::Auto, 40, 10_000, 1)
            .unwrap();
        assert_eq!(again.fit_plan.as_ref().map(|p| p.k), Some(2999));
        assert!(matches!(
            one.plan(3000, 1),
            Err(Error::InvalidParameter {
                name: "n_neighbors",
                ..
            })
        ));
        assert!("ball_tree".parse::<Algorithm>().is_err());
        let index = fit(Algorithm::KdTree);
        assert!(matches!(
            index.kneighbors_rows(5..3001, 2, 1),
            Err(Error::InvalidParameter { name: "rows", .. })
        ));
        assert!(matches!(
            index.with_algorithm(Algorithm::KdTree, 0, 10, 1),
            Err(Error::InvalidParameter {
                name: "leaf_size",
                ..
            })
        ));
    }

    #[test]
    fn many_duplicates_are_resolved_by_lower_index() {
        let mut x = Array2::<f32>::zeros((200, 4));
        x.row_mut(0).fill(1.0);
        let index = Index::fit(x.view(), Metric::Euclidean, ScalerKind::None, None, 1).unwrap();
        let got = index.kneighbors::<f32>(None, 30, 1).unwrap();
        assert_eq!(
            got.indices.row(5).to_vec(),
            (1..32)
                .filter(|&i| i != 5)
                .map(|i| i as i64)
                .collect::<Vec<_>>()
        );
        assert!(got.distances.row(5).iter().all(|&v| v == 0.0));
    }

    /// Rows near the smallest normal f32: their keys underflow into the
    /// subnormals, whose absolute rounding the certificate must count (the
    /// tables fuzz target found duplicates of a row left out).
    #[test]
    fn rows_at_the_underflow_scale_are_exact() {
        let scale = [
            0.0,
            2.350_988_7e-38,
            2.350_990_9e-38,
            9.403_955e-38,
            1.504_632_8e-36,
        ];
        let x = Array2::from_shape_fn((33, 1), |(i, _)| scale[(i * 7) % scale.len()]);
        for metric in [Metric::Euclidean, Metric::Cosine, Metric::Manhattan] {
            let index = Index::fit(x.view(), metric, ScalerKind::None, None, 1).unwrap();
            let got = index.kneighbors::<f32>(None, 10, 1).unwrap();
            let mut q = vec![0f32; 1];
            for i in 0..x.nrows() {
                index.packed.row(i, &mut q);
                let want: Vec<i64> = brute(&index, &q, 10, Some(i))
                    .iter()
                    .map(|w| w.1 as i64)
                    .collect();
                assert_eq!(got.indices.row(i).to_vec(), want, "{metric:?} row {i}");
            }
        }
    }

    #[test]
    fn radius_matches_brute_force() {
        let x = table(150, 5, 3);
        let index = Index::fit(x.view(), Metric::Euclidean, ScalerKind::Robust, None, 2).unwrap();
        let found = index.radius_neighbors::<f64>(None, 0.8, 2).unwrap();
        let mut q = vec![0f32; 5];
        for (i, (dist, idx)) in found.iter().enumerate() {
            index.packed.row(i, &mut q);
            let want: Vec<(f64, u32)> = brute(&index, &q, 150, Some(i))
                .into_iter()
                .filter(|w| w.0 <= 0.8)
                .collect();
            assert_eq!(idx.len(), want.len());
            assert!(idx.iter().zip(&want).all(|(a, b)| *a == b.1 as i64));
            assert!(dist.iter().zip(&want).all(|(a, b)| *a == b.0));
        }
    }

    #[test]
    fn bad_input_is_a_parameter_error() {
        let mut x = table(10, 3, 1);
        let index = Index::fit(x.view(), Metric::Cosine, ScalerKind::Standard, None, 1).unwrap();
        assert!(matches!(
            index.kneighbors::<f64>(None, 10, 1),
            Err(Error::InvalidParameter {
                name: "n_neighbors",
                ..
            })
        ));
        assert!(index.kneighbors::<f64>(None, 9, 1).is_ok());
        assert!(matches!(
            index.kneighbors::<f64>(None, 0, 1),
            Err(Error::InvalidParameter {
                name: "n_neighbors",
                ..
            })
        ));
        x[[2, 1]] = f64::NAN;
        let err = Index::fit(x.view(), Metric::Cosine, ScalerKind::Standard, None, 1).unwrap_err();
        assert!(err.to_string().contains("row 2, column 1"), "{err}");
        let empty = Array2::<f64>::zeros((0, 3));
        assert!(Index::fit(empty.view(), Metric::Cosine, ScalerKind::Standard, None, 1).is_err());
        let wide = Array2::<f64>::zeros((2, 4));
        assert!(matches!(
            index.kneighbors(Some(wide.view()), 1, 1),
            Err(Error::InvalidParameter { name: "X", .. })
        ));
    }
}
