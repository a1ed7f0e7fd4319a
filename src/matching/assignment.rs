//! The last step of the catalog join: choosing pairs among the candidates.
//!
//! One-to-one, the chosen pairs maximise the total combined score (a maximum
//! weight bipartite matching), so each recording pairs with its closest twin:
//! when two versions of a song compete for two rows, the pairing with the
//! better total evidence wins, not the single best pair. The candidate graph
//! falls apart into connected components (rows linked by candidate pairs);
//! each is solved on its own with the Hungarian algorithm
//! ([`pathfinding::kuhn_munkres`], O(n³)) when it spans at most
//! [`EXACT_CELLS`] row pairs, and greedily otherwise (best pair first, as in a
//! single pass of the Hungarian algorithm's initial labelling): such
//! components only arise from hundreds of rows with near-identical keys.
//!
//! Ties are deterministic: rows enter the solver in rank order (by key, then
//! position), and the greedy order breaks equal scores by the left rank, then
//! the right rank. Without one-to-one, each left row takes its best candidate
//! (equal scores: the lower right rank).

use std::collections::{HashMap, HashSet};

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;
use rayon::prelude::*;

use super::catalog::Match;

/// Largest component (left rows times right rows) solved exactly.
pub const EXACT_CELLS: usize = 1 << 16;

/// Scores are compared in millionths of a point by the exact solver.
const SCALE: f64 = 1e6;

/// Chooses among `candidates` (see the module docs): the positions of the
/// chosen ones in `candidates`, in no particular order.
pub fn choose(
    candidates: &[Match],
    left_rank: &[u32],
    right_rank: &[u32],
    one_to_one: bool,
) -> Vec<usize> {
    let order = best_per_pair(candidates, left_rank, right_rank);
    if !one_to_one {
        let mut taken = vec![false; left_rank.len()];
        return order
            .into_iter()
            .filter(|&k| !std::mem::replace(&mut taken[candidates[k].left], true))
            .collect();
    }
    components(candidates, &order, left_rank.len(), right_rank.len())
        .into_par_iter()
        .flat_map_iter(|members| solve(candidates, &members, left_rank, right_rank))
        .collect()
}

/// The positions of the candidates in greedy order (score, then left rank,
/// then right rank), the first of each pair of rows only.
fn best_per_pair(candidates: &[Match], left_rank: &[u32], right_rank: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (&candidates[a], &candidates[b]);
        b.score
            .total_cmp(&a.score)
            .then(left_rank[a.left].cmp(&left_rank[b.left]))
            .then(right_rank[a.right].cmp(&right_rank[b.right]))
    });
    let mut seen = HashSet::with_capacity(order.len());
    order.retain(|&k| seen.insert((candidates[k].left, candidates[k].right)));
    order
}

/// The candidates (positions, in `order`) of each connected component.
fn components(
    candidates: &[Match],
    order: &[usize],
    left_rows: usize,
    right_rows: usize,
) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..left_rows + right_rows).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &k in order {
        let c = &candidates[k];
        let (a, b) = (
            root(&mut parent, c.left),
            root(&mut parent, left_rows + c.right),
        );
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut slot = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &k in order {
        let r = root(&mut parent, candidates[k].left);
        let g = *slot.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(k);
    }
    groups
}

/// The best one-to-one choice within one component (`members` in greedy order).
fn solve(
    candidates: &[Match],
    members: &[usize],
    left_rank: &[u32],
    right_rank: &[u32],
) -> Vec<usize> {
    if members.len() == 1 {
        return members.to_vec();
    }
    let mut lefts: Vec<usize> = members.iter().map(|&k| candidates[k].left).collect();
    let mut rights: Vec<usize> = members.iter().map(|&k| candidates[k].right).collect();
    for (rows, rank) in [(&mut lefts, left_rank), (&mut rights, right_rank)] {
        rows.sort_unstable_by_key(|&i| rank[i]);
        rows.dedup();
    }
    if lefts.len() * rights.len() > EXACT_CELLS {
        return greedy(candidates, members);
    }
    let slots = |rows: &[usize]| -> HashMap<usize, usize> {
        rows.iter().enumerate().map(|(p, &i)| (i, p)).collect()
    };
    let (left_slot, right_slot) = (slots(&lefts), slots(&rights));
    // The solver needs at most as many rows as columns: the smaller side is the rows.
    let transposed = lefts.len() > rights.len();
    let (n_rows, n_cols) = if transposed {
        (rights.len(), lefts.len())
    } else {
        (lefts.len(), rights.len())
    };
    let mut weights = Matrix::new(n_rows, n_cols, 0i64);
    let mut at = Matrix::new(n_rows, n_cols, usize::MAX);
    for &k in members {
        let c = &candidates[k];
        let (l, r) = (left_slot[&c.left], right_slot[&c.right]);
        let cell = if transposed { (r, l) } else { (l, r) };
        // every candidate is worth more than leaving both rows unmatched
        weights[cell] = (c.score.max(0.0) * SCALE).round() as i64 + 1;
        at[cell] = k;
    }
    let (_, columns) = kuhn_munkres(&weights);
    columns
        .iter()
        .enumerate()
        .map(|(row, &col)| at[(row, col)])
        .filter(|&k| k != usize::MAX)
        .collect()
}

/// Greedy one-to-one choice over `members` in greedy order.
fn greedy(candidates: &[Match], members: &[usize]) -> Vec<usize> {
    let mut left_used = HashSet::new();
    let mut right_used = HashSet::new();
    members
        .iter()
        .copied()
        .filter(|&k| {
            let c = &candidates[k];
            let free = !left_used.contains(&c.left) && !right_used.contains(&c.right);
            if free {
                left_used.insert(c.left);
                right_used.insert(c.right);
            }
            free
        })
        .collect()
}
