//! [`KdTree`]: an exact space-partitioning index for low-dimensional rows,
//! the design of scikit-learn's `KDTree` (`_binary_tree.pxi`).
//!
//! - Build: nodes in heap order (children of `i` are `2i + 1`, `2i + 2`), as many
//!   levels as leave about `leaf_size` rows per leaf; each node splits its rows at
//!   the median of its widest dimension. The two halves are built in parallel.
//!   Every node keeps the bounding box of its rows; the rows are stored in tree
//!   order so a leaf is one contiguous slice.
//! - Query: depth first, the nearer child first, a node skipped when the lower
//!   bound of its box exceeds the current `k`-th distance.
//!
//! The result equals the brute-force search bit for bit: candidates are scored
//! with [`Metric::exact`], ties go to the lower row index, and a node is only
//! skipped when its bound is *strictly* above the `k`-th distance. The bounds are
//! never above the computed distance of any row in the box:
//! - euclidean and manhattan: the box bound is evaluated with the same f64
//!   operations, in the same order, as [`Metric::exact`] on the nearest point of
//!   the box; per dimension the box term is at most the row's term (the rounded
//!   difference and square are monotone), and rounded sums of smaller terms are
//!   not larger;
//! - cosine (rows stored L2-normalised, up to float32 rounding): for unit
//!   vectors `cos = |â - x̂|² / 2` and `|â - x̂| ≥ |a - x| - ||a| - 1| - ||x| - 1|`;
//!   the box bound on `|a - x|`, the norm deviations and the rounding of
//!   [`Metric::exact`] are each widened by a rounding margin (an all-zero row
//!   has deviation 1, which makes the bound 0 where its distance is 1).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::metric::{sort_nearest, sq_norm, Metric};

/// Nodes with more rows than this split their halves in parallel.
const PARALLEL_ROWS: usize = 8_192;

/// An exact kd-tree over `n` rows of `d` float32 features.
#[derive(Clone, Debug)]
pub struct KdTree {
    d: usize,
    /// Rows in tree order, row-major.
    data: Vec<f32>,
    /// Original index of the row at each tree position.
    order: Vec<u32>,
    /// Tree position of each original row.
    position: Vec<u32>,
    /// `(start, end)` tree positions of each node's rows.
    ranges: Vec<(usize, usize)>,
    /// Per node, the lowest and highest value of each dimension (`node * d + j`).
    lo: Vec<f32>,
    hi: Vec<f32>,
    /// Per node, the largest `||x| - 1|` of its rows (widened for rounding).
    deviation: Vec<f64>,
}

/// A candidate: exact distance and row index, ordered by (distance, index).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Candidate(f64, u32);

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// The `k` best candidates seen (a max-heap on (distance, index)), and the
/// work done to find them.
struct Best {
    heap: BinaryHeap<Candidate>,
    k: usize,
    visits: Visits,
}

/// The work of one tree query: what the planner counts
/// (see [`crate::neighbors::plan`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Visits {
    /// Nodes whose children's box bounds were computed.
    pub nodes: usize,
    /// Rows scored with the exact distance (in visited leaves).
    pub rows: usize,
    /// Rows kept among the best `k` (until pushed out).
    pub kept: usize,
}

impl std::ops::AddAssign for Visits {
    fn add_assign(&mut self, other: Self) {
        self.nodes += other.nodes;
        self.rows += other.rows;
        self.kept += other.kept;
    }
}

impl Best {
    /// The distance a node's bound must not exceed to be visited.
    fn bound(&self) -> f64 {
        match self.heap.peek() {
            Some(worst) if self.heap.len() == self.k => worst.0,
            _ => f64::INFINITY,
        }
    }

    fn offer(&mut self, candidate: Candidate) {
        if self.heap.len() < self.k {
            self.visits.kept += 1;
            self.heap.push(candidate);
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if candidate < *worst {
                self.visits.kept += 1;
                *worst = candidate;
            }
        }
    }
}

/// A generous bound on the relative rounding error of a `d`-term f64 sum of
/// products of float32 values.
fn rounding(d: usize) -> f64 {
    (2 * d + 8) as f64 * f64::EPSILON
}

/// `||x| - 1|` widened by the rounding of the norm (1 for an all-zero row).
fn norm_deviation(row: &[f32]) -> f64 {
    let norm = sq_norm(row).sqrt();
    (norm - 1.0).abs() + rounding(row.len()) * (1.0 + norm)
}

impl KdTree {
    /// Builds the tree over `rows` (`n × d`, row-major) with leaves of about
    /// `leaf_size` rows. Runs on the current rayon pool.
    pub fn build(rows: &[f32], d: usize, leaf_size: usize) -> Self {
        let n = rows.len() / d;
        let leaf_size = leaf_size.max(1);
        let levels = (((n.saturating_sub(1)) as f64 / leaf_size as f64)
            .max(1.0)
            .log2() as u32)
            + 1;
        let n_nodes = (1usize << levels) - 1;
        let mut order: Vec<u32> = (0..n as u32).collect();
        split(rows, d, &mut order, 0, n_nodes);
        let mut ranges = vec![(0, n); n_nodes];
        for node in 0..n_nodes / 2 {
            let (start, end) = ranges[node];
            let mid = start + (end - start) / 2;
            ranges[2 * node + 1] = (start, mid);
            ranges[2 * node + 2] = (mid, end);
        }
        let mut data = vec![0f32; n * d];
        let mut position = vec![0u32; n];
        for (p, &i) in order.iter().enumerate() {
            data[p * d..(p + 1) * d].copy_from_slice(&rows[i as usize * d..(i as usize + 1) * d]);
            position[i as usize] = p as u32;
        }
        let mut lo = vec![f32::INFINITY; n_nodes * d];
        let mut hi = vec![f32::NEG_INFINITY; n_nodes * d];
        let mut deviation = vec![0f64; n_nodes];
        for node in (0..n_nodes).rev() {
            let ((lo_upto, lo_rest), (hi_upto, hi_rest)) = (
                lo.split_at_mut((node + 1) * d),
                hi.split_at_mut((node + 1) * d),
            );
            let (nlo, nhi) = (&mut lo_upto[node * d..], &mut hi_upto[node * d..]);
            if 2 * node + 1 < n_nodes {
                // Children follow their parent: offsets into the tails.
                for child in [2 * node + 1, 2 * node + 2] {
                    deviation[node] = deviation[node].max(deviation[child]);
                    let at = (child - node - 1) * d;
                    for j in 0..d {
                        nlo[j] = nlo[j].min(lo_rest[at + j]);
                        nhi[j] = nhi[j].max(hi_rest[at + j]);
                    }
                }
                continue;
            }
            let (start, end) = ranges[node];
            for row in data[start * d..end * d].chunks_exact(d) {
                deviation[node] = deviation[node].max(norm_deviation(row));
                for (j, &v) in row.iter().enumerate() {
                    nlo[j] = nlo[j].min(v);
                    nhi[j] = nhi[j].max(v);
                }
            }
        }
        KdTree {
            d,
            data,
            order,
            position,
            ranges,
            lo,
            hi,
            deviation,
        }
    }

    /// Number of indexed rows.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the tree holds no rows.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Tree position of original row `i` (queries taken in this order touch
    /// the same nodes one after another).
    pub fn position(&self, i: usize) -> u32 {
        self.position[i]
    }

    /// The `k` nearest rows to `query` by `metric` (never `exclude`), as
    /// (exact distance, row) sorted by distance then row.
    pub fn nearest(
        &self,
        metric: Metric,
        query: &[f32],
        k: usize,
        exclude: u32,
    ) -> Vec<(f64, u32)> {
        self.nearest_counted(metric, query, k, exclude).0
    }

    /// [`KdTree::nearest`] and the work it took.
    pub fn nearest_counted(
        &self,
        metric: Metric,
        query: &[f32],
        k: usize,
        exclude: u32,
    ) -> (Vec<(f64, u32)>, Visits) {
        let mut best = Best {
            heap: BinaryHeap::with_capacity(k + 1),
            k,
            visits: Visits::default(),
        };
        if k > 0 && !self.is_empty() {
            let search = Search {
                tree: self,
                metric,
                query,
                exclude,
                query_deviation: norm_deviation(query),
            };
            search.visit(0, search.lower_bound(0), &mut best);
        }
        let visits = best.visits;
        let mut found: Vec<(f64, u32)> = best.heap.into_iter().map(|c| (c.0, c.1)).collect();
        sort_nearest(&mut found);
        (found, visits)
    }
}

/// Splits the rows `order` of `node` at the median of their widest dimension,
/// recursively down to the leaves (nodes `>= n_nodes / 2`).
fn split(rows: &[f32], d: usize, order: &mut [u32], node: usize, n_nodes: usize) {
    if 2 * node + 1 >= n_nodes || order.len() < 2 {
        return;
    }
    let mut lo = vec![f32::INFINITY; d];
    let mut hi = vec![f32::NEG_INFINITY; d];
    for &i in order.iter() {
        for (j, &v) in rows[i as usize * d..(i as usize + 1) * d]
            .iter()
            .enumerate()
        {
            lo[j] = lo[j].min(v);
            hi[j] = hi[j].max(v);
        }
    }
    let dim = (0..d)
        .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])).then(b.cmp(&a)))
        .unwrap_or(0);
    let mid = order.len() / 2;
    let value = |i: u32| rows[i as usize * d + dim];
    order.select_nth_unstable_by(mid, |&a, &b| value(a).total_cmp(&value(b)).then(a.cmp(&b)));
    let parallel = order.len() > PARALLEL_ROWS;
    let (left, right) = order.split_at_mut(mid);
    let mut left_task = || split(rows, d, left, 2 * node + 1, n_nodes);
    let mut right_task = || split(rows, d, right, 2 * node + 2, n_nodes);
    if parallel {
        rayon::join(left_task, right_task);
    } else {
        left_task();
        right_task();
    }
}

/// One query's depth-first search.
struct Search<'a> {
    tree: &'a KdTree,
    metric: Metric,
    query: &'a [f32],
    exclude: u32,
    query_deviation: f64,
}

impl Search<'_> {
    fn visit(&self, node: usize, bound: f64, best: &mut Best) {
        if bound > best.bound() {
            return;
        }
        let tree = self.tree;
        let (left, right) = (2 * node + 1, 2 * node + 2);
        if left >= tree.ranges.len() {
            let (start, end) = tree.ranges[node];
            let d = tree.d;
            best.visits.rows += end - start;
            for p in start..end {
                let row = tree.order[p];
                if row != self.exclude {
                    let dist = self
                        .metric
                        .exact(self.query, &tree.data[p * d..(p + 1) * d]);
                    best.offer(Candidate(dist, row));
                }
            }
            return;
        }
        best.visits.nodes += 1;
        let (bl, br) = (self.lower_bound(left), self.lower_bound(right));
        if bl <= br {
            self.visit(left, bl, best);
            self.visit(right, br, best);
        } else {
            self.visit(right, br, best);
            self.visit(left, bl, best);
        }
    }

    /// A lower bound on the computed exact distance from the query to every
    /// row of `node` (see the module notes for why it is safe).
    fn lower_bound(&self, node: usize) -> f64 {
        let d = self.tree.d;
        let lo = &self.tree.lo[node * d..(node + 1) * d];
        let hi = &self.tree.hi[node * d..(node + 1) * d];
        // The query's difference to the nearest point of the box, per dimension,
        // with the operand order of `Metric::exact` (query first).
        let gaps = self
            .query
            .iter()
            .zip(lo.iter().zip(hi))
            .map(|(&q, (&l, &h))| {
                let q = q as f64;
                if q < l as f64 {
                    q - l as f64
                } else if q > h as f64 {
                    q - h as f64
                } else {
                    0.0
                }
            });
        match self.metric {
            Metric::Euclidean => gaps.map(|g| g * g).sum::<f64>().sqrt(),
            Metric::Manhattan => gaps.map(f64::abs).sum(),
            Metric::Cosine => {
                let chord = gaps.map(|g| g * g).sum::<f64>().sqrt() * (1.0 - rounding(d))
                    - self.query_deviation
                    - self.tree.deviation[node];
                let chord = chord.max(0.0);
                chord * chord / 2.0 - 2.0 * rounding(d)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic clustered rows with exact duplicates and an all-zero row.
    fn rows(n: usize, d: usize, seed: u64, unit: bool) -> Vec<f32> {
        let mut state = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let centres: Vec<f64> = (0..5 * d).map(|_| next() * 20.0 - 10.0).collect();
        let mut out = Vec::with_capacity(n * d);
        for i in 0..n {
            let c = (next() * 5.0) as usize % 5;
            let mut row: Vec<f64> = (0..d).map(|j| centres[c * d + j] + next() - 0.5).collect();
            if i % 11 == 3 {
                // a duplicate of the previous row
                row = out[(i - 1) * d..i * d]
                    .iter()
                    .map(|&v: &f32| v as f64)
                    .collect();
            }
            if i == n / 2 {
                row.iter_mut().for_each(|v| *v = 0.0);
            }
            let norm = if unit {
                row.iter().map(|v| v * v).sum::<f64>().sqrt()
            } else {
                1.0
            };
            let norm = if norm > 0.0 { norm } else { 1.0 };
            out.extend(row.iter().map(|v| (v / norm) as f32));
        }
        out
    }

    fn brute(
        metric: Metric,
        data: &[f32],
        d: usize,
        q: &[f32],
        k: usize,
        exclude: u32,
    ) -> Vec<(f64, u32)> {
        let mut all: Vec<(f64, u32)> = data
            .chunks_exact(d)
            .enumerate()
            .filter(|(i, _)| *i as u32 != exclude)
            .map(|(i, row)| (metric.exact(q, row), i as u32))
            .collect();
        sort_nearest(&mut all);
        all.truncate(k);
        all
    }

    #[test]
    fn equals_brute_force_for_every_metric() {
        for metric in [Metric::Euclidean, Metric::Manhattan, Metric::Cosine] {
            for (n, d, k, leaf) in [
                (1, 2, 1, 40),
                (7, 3, 6, 2),
                (500, 3, 10, 5),
                (900, 12, 1, 40),
                (300, 5, 299, 8),
            ] {
                let data = rows(n, d, n as u64 + d as u64, metric.normalizes());
                let tree = KdTree::build(&data, d, leaf);
                for i in 0..n {
                    let q = &data[i * d..(i + 1) * d];
                    let exclude = if n > 1 { i as u32 } else { u32::MAX };
                    let k = k.min(n - usize::from(n > 1));
                    assert_eq!(
                        tree.nearest(metric, q, k, exclude),
                        brute(metric, &data, d, q, k, exclude),
                        "{metric:?} n={n} d={d} k={k} leaf={leaf} row={i}"
                    );
                }
            }
        }
    }

    #[test]
    fn all_equal_rows_tie_to_the_lowest_indices() {
        let data = vec![1.5f32; 200 * 2];
        let tree = KdTree::build(&data, 2, 4);
        let got = tree.nearest(Metric::Euclidean, &[1.5, 1.5], 5, 2);
        assert_eq!(got, vec![(0.0, 0), (0.0, 1), (0.0, 3), (0.0, 4), (0.0, 5)]);
    }

    #[test]
    fn positions_invert_the_order() {
        let data = rows(333, 4, 9, false);
        let tree = KdTree::build(&data, 4, 10);
        assert_eq!(tree.len(), 333);
        for i in 0..333 {
            assert_eq!(tree.order[tree.position(i) as usize] as usize, i);
        }
    }
}
