//! The catalog join: one-to-one matching of two tables on normalized keys.
//!
//! A row's key is a tuple of fields (artist, title, ...). A row with a missing
//! or empty field never matches. [`match_keys`] works in three steps:
//!
//! 1. **Exact pass.** Rows whose key tuples are equal match with score 100
//!    (`exact = true`). Within a group of equal keys, left and right rows are
//!    paired in [rank](Params) order; with `one_to_one = false` every left row
//!    takes the first right row of its group.
//! 2. **Fuzzy pass** over the rows left over. Each field is scored with the
//!    scorer; the combined score is the length-weighted mean of the field
//!    scores, field `f` weighing `len(left_f) + len(right_f)` code points (so a
//!    typo in a long field costs as much as in the concatenated key). Pairs
//!    whose combined score is at least `threshold` and each of whose fields
//!    scores at least `field_threshold` are candidates.
//!    *Blocking* (unless `exhaustive`): a left row is only compared with the
//!    right rows whose first field (the artist) shares at least one character
//!    bigram with its own, both padded with a sentinel at each end, so "lowe" and
//!    "lwoe" still share "^l" and "e$". For Indel-based scorers (ratio,
//!    token_sort_ratio, QRatio) the q-gram lemma's count filter also skips
//!    artist pairs that cannot reach `field_threshold` (lossless). The only
//!    pairs blocking loses are thus those whose artists, though scoring at least
//!    `field_threshold`, share no padded bigram; `exhaustive` scores them too.
//!    With one field, its cutoff is `max(threshold, field_threshold)`.
//!    Each left row keeps its [`CANDIDATES_PER_ROW`] best candidates (memory is
//!    bounded by that times the number of rows, never left × right).
//! 3. **Assignment.** Candidates are taken greedily by descending combined
//!    score, ties broken by the lower left rank, then the lower right rank; with
//!    `one_to_one` a row is used at most once, otherwise each left row takes its
//!    best candidate.
//!
//! A row's rank orders rows by their key (then by position), so the result does
//! not depend on the input order (rows with identical keys are interchangeable)
//! nor on the number of threads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::Scorer;
use crate::error::{ensure, Result};
use crate::parallel;

/// Candidates kept per left row for the one-to-one assignment.
pub const CANDIDATES_PER_ROW: usize = 16;

/// Settings of [`match_keys`].
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Field scorer.
    pub scorer: Scorer,
    /// Minimum combined score (0-100) of a fuzzy match.
    pub threshold: f64,
    /// Minimum score of every field of a fuzzy match (the first field's is the blocking cutoff).
    pub field_threshold: f64,
    /// Use each right row at most once.
    pub one_to_one: bool,
    /// Score every fuzzy pair instead of blocking by the first field.
    pub exhaustive: bool,
    /// scikit-learn style thread count.
    pub n_jobs: i64,
}

/// One matched pair of rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// Row position in the left table.
    pub left: usize,
    /// Row position in the right table.
    pub right: usize,
    /// Score of each field (0-100).
    pub field_scores: Vec<f64>,
    /// Combined score (length-weighted mean of `field_scores`).
    pub score: f64,
    /// Found by the exact pass.
    pub exact: bool,
}

/// Keys of one table: `fields[f][row]`, `None` for a missing value.
pub type Keys = [Vec<Option<String>>];

/// Matches the rows of `left` and `right` (see the module docs); `progress` is
/// called with `(done, total)` left rows of the fuzzy pass, about once per percent
/// and always once with `done == total`.
///
/// It is the composition of the three public steps, which a distributed caller
/// can run apart: [`exact_pass`], [`fuzzy_candidates`] over the rows it left
/// free (in any split of the left rows), then [`assign`] over all candidates.
pub fn match_keys(
    left: &Keys,
    right: &Keys,
    params: &Params,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Match>> {
    check(left, right, params)?;
    parallel::install(params.n_jobs, || {
        let (l, r) = (Side::new(left), Side::new(right));
        let mut matches = exact_matches(&l, &r, params.one_to_one);
        let mut left_used = vec![false; l.rows];
        let mut right_used = vec![false; r.rows];
        for m in &matches {
            left_used[m.left] = true;
            right_used[m.right] = params.one_to_one;
        }
        let left_rest: Vec<usize> = l.valid_rows().filter(|&i| !left_used[i]).collect();
        let right_rest: Vec<usize> = r.valid_rows().filter(|&j| !right_used[j]).collect();
        let candidates = candidates(&l, &r, &left_rest, &right_rest, params, progress);
        matches.extend(greedy(candidates, &l.rank, &r.rank, params.one_to_one));
        matches.sort_by_key(|m| m.left);
        matches
    })
}

/// Step 1 alone: the exact matches of `left` and `right`, by left row.
pub fn exact_pass(left: &Keys, right: &Keys, one_to_one: bool, n_jobs: i64) -> Result<Vec<Match>> {
    check_fields(left, right)?;
    parallel::install(n_jobs, || {
        let mut matches = exact_matches(&Side::new(left), &Side::new(right), one_to_one);
        matches.sort_by_key(|m| m.left);
        matches
    })
}

/// Step 2 alone: the [`CANDIDATES_PER_ROW`] best fuzzy candidates
/// (`exact = false`) of every valid row of `left` among the valid rows of
/// `right`, in no particular order.
///
/// A row's candidates depend only on that row and on `right`, so the left rows
/// can be split in any way. `right` must hold the free right rows in their
/// original order (their relative rank is then the one [`match_keys`] uses);
/// callers map the row positions back to their tables.
pub fn fuzzy_candidates(
    left: &Keys,
    right: &Keys,
    params: &Params,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Match>> {
    check(left, right, params)?;
    parallel::install(params.n_jobs, || {
        let (l, r) = (Side::new(left), Side::new(right));
        let left_rows: Vec<usize> = l.valid_rows().collect();
        let right_rows: Vec<usize> = r.valid_rows().collect();
        candidates(&l, &r, &left_rows, &right_rows, params, progress)
    })
}

/// Step 3 alone: the greedy assignment of `candidates` (see the module docs),
/// `left_rank`/`right_rank` being the [`ranks`] of the whole tables. Returns
/// the kept candidates in assignment order.
pub fn assign(
    candidates: Vec<Match>,
    left_rank: &[u32],
    right_rank: &[u32],
    one_to_one: bool,
    n_jobs: i64,
) -> Result<Vec<Match>> {
    for (c, m) in candidates.iter().enumerate() {
        ensure(
            m.left < left_rank.len() && m.right < right_rank.len(),
            "candidates",
            || {
                format!(
                    "candidate {c} pairs rows ({}, {}) outside the ranked tables ({} x {} rows)",
                    m.left,
                    m.right,
                    left_rank.len(),
                    right_rank.len()
                )
            },
        )?;
    }
    parallel::install(n_jobs, || {
        greedy(candidates, left_rank, right_rank, one_to_one)
    })
}

/// Each row's rank: rows ordered by key tuple (a missing value first), then
/// by position.
pub fn ranks(keys: &Keys, n_jobs: i64) -> Result<Vec<u32>> {
    check_columns("ranked", keys)?;
    parallel::install(n_jobs, || rank_rows(keys))
}

/// Validates the key tables and the thresholds.
fn check(left: &Keys, right: &Keys, params: &Params) -> Result<()> {
    check_fields(left, right)?;
    for (name, t) in [
        ("threshold", params.threshold),
        ("field_threshold", params.field_threshold),
    ] {
        ensure((0.0..=100.0).contains(&t), name, || {
            format!("must be in [0, 100], got {t}")
        })?;
    }
    Ok(())
}

/// Validates the shapes of the key tables.
fn check_fields(left: &Keys, right: &Keys) -> Result<()> {
    ensure(
        !left.is_empty() && left.len() == right.len(),
        "right_on",
        || {
            format!(
                "needs as many key columns as left_on ({}), got {}",
                left.len(),
                right.len()
            )
        },
    )?;
    check_columns("left", left)?;
    check_columns("right", right)
}

fn check_columns(side: &str, keys: &Keys) -> Result<()> {
    ensure(
        !keys.is_empty() && keys.iter().all(|f| f.len() == keys[0].len()),
        "keys",
        || format!("every {side} key column must have the same length (and there must be one)"),
    )
}

/// See [`ranks`].
fn rank_rows(keys: &Keys) -> Vec<u32> {
    let rows = keys[0].len();
    let mut order: Vec<usize> = (0..rows).collect();
    order.par_sort_by(|&a, &b| {
        keys.iter()
            .map(|f| f[a].cmp(&f[b]))
            .find(|o| o.is_ne())
            .unwrap_or(a.cmp(&b))
    });
    let mut rank = vec![0u32; rows];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = k as u32;
    }
    rank
}

/// One table's keys as code points, with validity and ranks.
struct Side<'a> {
    rows: usize,
    text: Vec<&'a [Option<String>]>,
    points: Vec<Vec<Vec<u32>>>,
    valid: Vec<bool>,
    rank: Vec<u32>,
}

impl<'a> Side<'a> {
    fn new(keys: &'a Keys) -> Self {
        let rows = keys[0].len();
        let text: Vec<&[Option<String>]> = keys.iter().map(Vec::as_slice).collect();
        let valid: Vec<bool> = (0..rows)
            .map(|i| {
                text.iter()
                    .all(|f| f[i].as_deref().is_some_and(|v| !v.trim().is_empty()))
            })
            .collect();
        let points = text
            .iter()
            .map(|f| {
                f.par_iter()
                    .map(|v| v.as_deref().map_or_else(Vec::new, code_points))
                    .collect()
            })
            .collect();
        Side {
            rows,
            text,
            points,
            valid,
            rank: rank_rows(keys),
        }
    }

    fn valid_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rows).filter(|&i| self.valid[i])
    }

    fn key(&self, i: usize) -> Vec<&str> {
        self.text
            .iter()
            .map(|f| f[i].as_deref().unwrap_or(""))
            .collect()
    }

    /// Valid rows sorted by rank.
    fn ranked_rows(&self, rows: impl Iterator<Item = usize>) -> Vec<usize> {
        let mut v: Vec<usize> = rows.collect();
        v.sort_by_key(|&i| self.rank[i]);
        v
    }
}

fn code_points(s: &str) -> Vec<u32> {
    s.chars().map(u32::from).collect()
}

/// Step 1: hash join on the key tuple.
fn exact_matches(l: &Side, r: &Side, one_to_one: bool) -> Vec<Match> {
    let mut groups: HashMap<Vec<&str>, (usize, Vec<usize>)> = HashMap::new();
    for j in r.ranked_rows(r.valid_rows()) {
        groups.entry(r.key(j)).or_default().1.push(j);
    }
    let fields = l.text.len();
    let mut out = Vec::new();
    for i in l.ranked_rows(l.valid_rows()) {
        if let Some((next, rows)) = groups.get_mut(&l.key(i)) {
            if *next < rows.len() {
                out.push(Match {
                    left: i,
                    right: rows[*next],
                    field_scores: vec![100.0; fields],
                    score: 100.0,
                    exact: true,
                });
                *next += usize::from(one_to_one);
            }
        }
    }
    out
}

/// Step 2: the best candidates of every left row in `left_rest`.
fn candidates(
    l: &Side,
    r: &Side,
    left_rest: &[usize],
    right_rest: &[usize],
    params: &Params,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Match> {
    if left_rest.is_empty() || right_rest.is_empty() {
        return Vec::new();
    }
    let left_blocks = Blocks::new(l, left_rest);
    let right_blocks = Blocks::new(r, right_rest);
    let block_cutoff = if l.text.len() == 1 {
        params.threshold.max(params.field_threshold)
    } else {
        params.field_threshold
    };
    let similar = if params.exhaustive {
        right_blocks.all_pairs(&left_blocks, l, r, params.scorer, block_cutoff)
    } else {
        BigramIndex::new(&right_blocks, r, params.scorer).similar(
            &left_blocks,
            l,
            r,
            params.scorer,
            block_cutoff,
        )
    };
    let done = AtomicUsize::new(0);
    let step = (left_rest.len() / 100).max(1);
    left_blocks
        .rows
        .par_iter()
        .zip(similar.par_iter())
        .flat_map_iter(|(rows, blocks)| {
            let best: Vec<Match> = rows
                .iter()
                .flat_map(|&i| best_for_row(i, blocks, &right_blocks, l, r, params))
                .collect();
            let before = done.fetch_add(rows.len(), Ordering::Relaxed);
            let now = before + rows.len();
            if now / step > before / step || now == left_rest.len() {
                progress(now, left_rest.len());
            }
            best
        })
        .collect()
}

/// The [`CANDIDATES_PER_ROW`] best right rows of left row `i`.
fn best_for_row(
    i: usize,
    blocks: &[(usize, f64)],
    right_blocks: &Blocks,
    l: &Side,
    r: &Side,
    params: &Params,
) -> Vec<Match> {
    let fields = l.points.len();
    let prepared: Vec<_> = (1..fields)
        .map(|f| params.scorer.prepare(&l.points[f][i]))
        .collect();
    let mut best: Vec<Match> = Vec::new();
    let mut scores = vec![0.0; fields];
    let mut weights = vec![0.0; fields];
    for &(block, first_score) in blocks {
        'rows: for &j in &right_blocks.rows[block] {
            for (f, w) in weights.iter_mut().enumerate() {
                *w = (l.points[f][i].len() + r.points[f][j].len()) as f64;
            }
            let total: f64 = weights.iter().sum();
            let floor = best_floor(&best, params.threshold);
            let mut gained = weights[0] * first_score;
            let mut remaining = total - weights[0];
            scores[0] = first_score;
            for f in 1..fields {
                remaining -= weights[f];
                let needed = (floor * total - gained - 100.0 * remaining) / weights[f] - 1e-9;
                let cutoff = needed.max(params.field_threshold);
                if cutoff > 100.0 {
                    continue 'rows;
                }
                scores[f] = prepared[f - 1].score(&r.points[f][j], cutoff.max(0.0));
                if scores[f] < cutoff {
                    continue 'rows;
                }
                gained += weights[f] * scores[f];
            }
            let score = gained / total;
            if score + 1e-9 >= params.threshold {
                keep_best(
                    &mut best,
                    Match {
                        left: i,
                        right: j,
                        field_scores: scores.clone(),
                        score,
                        exact: false,
                    },
                    r,
                );
            }
        }
    }
    best
}

/// The score a new candidate must reach to enter a full list (`threshold` otherwise).
fn best_floor(best: &[Match], threshold: f64) -> f64 {
    if best.len() < CANDIDATES_PER_ROW {
        threshold
    } else {
        best.last().map_or(threshold, |c| c.score)
    }
}

/// Inserts `c` into the sorted, bounded list `best`.
fn keep_best(best: &mut Vec<Match>, c: Match, r: &Side) {
    let pos = best.partition_point(|b| {
        b.score > c.score || (b.score == c.score && r.rank[b.right] < r.rank[c.right])
    });
    if pos < CANDIDATES_PER_ROW {
        best.insert(pos, c);
        best.truncate(CANDIDATES_PER_ROW);
    }
}

/// Step 3: greedy assignment by score, then left rank, then right rank.
fn greedy(
    mut candidates: Vec<Match>,
    left_rank: &[u32],
    right_rank: &[u32],
    one_to_one: bool,
) -> Vec<Match> {
    candidates.par_sort_unstable_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(left_rank[a.left].cmp(&left_rank[b.left]))
            .then(right_rank[a.right].cmp(&right_rank[b.right]))
    });
    let mut left_used = vec![false; left_rank.len()];
    let mut right_used = vec![false; right_rank.len()];
    candidates.retain(|c| {
        if left_used[c.left] || (one_to_one && right_used[c.right]) {
            return false;
        }
        left_used[c.left] = true;
        right_used[c.right] = true;
        true
    });
    candidates
}

/// Rows grouped by their first field, groups in order of that field.
struct Blocks {
    /// The row positions of each block.
    rows: Vec<Vec<usize>>,
    /// A representative row of each block (its first).
    head: Vec<usize>,
}

impl Blocks {
    fn new(side: &Side, rows: &[usize]) -> Self {
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        for &i in rows {
            by_key
                .entry(side.text[0][i].as_deref().unwrap_or(""))
                .or_default()
                .push(i);
        }
        let mut blocks: Vec<(&str, Vec<usize>)> = by_key.into_iter().collect();
        blocks.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let head = blocks.iter().map(|(_, v)| v[0]).collect();
        Blocks {
            rows: blocks.into_iter().map(|(_, v)| v).collect(),
            head,
        }
    }

    /// For each left block: every right block whose first field scores at least `cutoff`, with that score (exhaustive mode).
    fn all_pairs(
        &self,
        left: &Blocks,
        l: &Side,
        r: &Side,
        scorer: Scorer,
        cutoff: f64,
    ) -> Vec<Vec<(usize, f64)>> {
        left.head
            .par_iter()
            .map(|&i| {
                let query = scorer.prepare(&l.points[0][i]);
                self.head
                    .iter()
                    .enumerate()
                    .map(|(b, &j)| (b, query.score(&r.points[0][j], cutoff)))
                    .filter(|&(_, s)| s >= cutoff)
                    .collect()
            })
            .collect()
    }
}

/// Inverted index from padded character bigrams of the right blocks' first field.
struct BigramIndex {
    postings: HashMap<u64, Vec<u32>>,
    grams: Vec<usize>,
    lengths: Vec<usize>,
    heads: Vec<usize>,
}

impl BigramIndex {
    fn new(blocks: &Blocks, r: &Side, scorer: Scorer) -> Self {
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut grams = Vec::with_capacity(blocks.head.len());
        let mut lengths = Vec::with_capacity(blocks.head.len());
        for (b, &j) in blocks.head.iter().enumerate() {
            let set = bigrams(&index_text(&r.points[0][j], scorer));
            for &g in &set {
                postings.entry(g).or_default().push(b as u32);
            }
            grams.push(set.len());
            lengths.push(r.points[0][j].len());
        }
        BigramIndex {
            postings,
            grams,
            lengths,
            heads: blocks.head.clone(),
        }
    }

    /// For each left block: the right blocks whose first field shares a bigram
    /// and scores at least `cutoff`, with that score.
    fn similar(
        &self,
        left: &Blocks,
        l: &Side,
        r: &Side,
        scorer: Scorer,
        cutoff: f64,
    ) -> Vec<Vec<(usize, f64)>> {
        let indel = matches!(
            scorer,
            Scorer::Ratio | Scorer::QRatio | Scorer::TokenSortRatio
        );
        left.head
            .par_iter()
            .map_init(
                || (vec![0u16; self.heads.len()], Vec::new()),
                |(counts, touched), &i| {
                    let text = &l.points[0][i];
                    let indexed = index_text(text, scorer);
                    let own = bigrams(&indexed);
                    for g in &own {
                        for &b in self.postings.get(g).map_or(&[][..], Vec::as_slice) {
                            if counts[b as usize] == 0 {
                                touched.push(b);
                            }
                            counts[b as usize] = counts[b as usize].saturating_add(1);
                        }
                    }
                    let query = scorer.prepare(text);
                    let mut found = Vec::new();
                    for b in touched.drain(..) {
                        let b = b as usize;
                        let shared = std::mem::take(&mut counts[b]) as usize;
                        let lengths = (indexed.len(), self.lengths[b]);
                        if indel
                            && !lemma_allows(lengths, (own.len(), self.grams[b]), shared, cutoff)
                        {
                            continue;
                        }
                        let s = query.score(&r.points[0][self.heads[b]], cutoff);
                        if s >= cutoff {
                            found.push((b, s));
                        }
                    }
                    found.sort_unstable_by_key(|&(b, _)| b);
                    found
                },
            )
            .collect()
    }
}

/// The string the bigram index sees: the scorer's view of the key (tokens
/// sorted for token_sort_ratio, as-is otherwise).
fn index_text(points: &[u32], scorer: Scorer) -> Vec<u32> {
    if !matches!(scorer, Scorer::TokenSortRatio) {
        return points.to_vec();
    }
    let is_space = |c: &u32| char::from_u32(*c).is_some_and(char::is_whitespace);
    let mut tokens: Vec<&[u32]> = points.split(is_space).filter(|t| !t.is_empty()).collect();
    tokens.sort_unstable();
    tokens.join(&[' ' as u32][..])
}

/// The distinct bigrams of `points` padded with a sentinel at both ends, sorted.
fn bigrams(points: &[u32]) -> Vec<u64> {
    if points.is_empty() {
        return Vec::new();
    }
    let padded: Vec<u32> = std::iter::once(0)
        .chain(points.iter().copied())
        .chain(std::iter::once(0))
        .collect();
    let mut grams: Vec<u64> = padded
        .windows(2)
        .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
        .collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Whether two strings of `lengths` with `grams` distinct padded bigrams, `shared`
/// of them in common, can reach an Indel ratio of `cutoff`: the ratio needs an
/// Indel distance `d <= (1 - cutoff/100) (la + lb)`, which is at least
/// `|la - lb|`, and each Indel operation breaks at most two distinct bigrams, so
/// `shared >= max(ga, gb) - 2 d` (the q-gram lemma).
fn lemma_allows(
    lengths: (usize, usize),
    grams: (usize, usize),
    shared: usize,
    cutoff: f64,
) -> bool {
    let (la, lb) = lengths;
    let d_max = ((1.0 - cutoff / 100.0) * (la + lb) as f64 + 1e-7).floor() as i64;
    la.abs_diff(lb) as i64 <= d_max && shared as i64 >= grams.0.max(grams.1) as i64 - 2 * d_max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(rows: &[(&str, &str)]) -> Vec<Vec<Option<String>>> {
        let field = |second: bool| {
            rows.iter()
                .map(|&(a, t)| {
                    Some((if second { t } else { a }).to_string()).filter(|s| !s.is_empty())
                })
                .collect()
        };
        vec![field(false), field(true)]
    }

    fn params(n_jobs: i64) -> Params {
        Params {
            scorer: Scorer::TokenSortRatio,
            threshold: 90.0,
            field_threshold: 80.0,
            one_to_one: true,
            exhaustive: false,
            n_jobs,
        }
    }

    fn pairs(
        left: &[(&str, &str)],
        right: &[(&str, &str)],
        p: &Params,
    ) -> Vec<(usize, usize, bool)> {
        match_keys(&keys(left), &keys(right), p, &|_, _| {})
            .unwrap()
            .iter()
            .map(|m| (m.left, m.right, m.exact))
            .collect()
    }

    #[test]
    fn exact_then_fuzzy_one_to_one() {
        let left = [
            ("adele", "hello"),
            ("adele", "hello"),
            ("adele", "skyfall"),
            ("", "hello"),
        ];
        let right = [("adele", "skyfal"), ("adele", "hello"), ("adele", "hello")];
        assert_eq!(
            pairs(&left, &right, &params(1)),
            vec![(0, 1, true), (1, 2, true), (2, 0, false)]
        );
        let many = Params {
            one_to_one: false,
            ..params(2)
        };
        assert_eq!(
            pairs(&left, &right, &many),
            vec![(0, 1, true), (1, 1, true), (2, 0, false)]
        );
    }

    #[test]
    fn field_threshold_and_combined_score() {
        let left = [("a long artist name", "fire")];
        // title score 61.5 < field_threshold although the combined score is above 90
        assert!(pairs(&left, &[("a long artist name", "fire echo")], &params(1)).is_empty());
        let m = match_keys(
            &keys(&left),
            &keys(&[("a long artist name", "fir")]),
            &params(1),
            &|_, _| {},
        )
        .unwrap();
        let title = Scorer::TokenSortRatio.score(&code_points("fire"), &code_points("fir"), 0.0);
        assert_eq!(m[0].field_scores, vec![100.0, title]);
        assert!((m[0].score - (36.0 * 100.0 + 7.0 * title) / 43.0).abs() < 1e-12);
    }

    /// The steps run apart, as a distributed caller runs them: exact pass on
    /// the whole tables, candidates per chunk of free left rows against the
    /// free right rows, one assignment over all candidates.
    fn in_steps(left: &Keys, right: &Keys, p: &Params, chunk: usize) -> Vec<Match> {
        let subset = |keys: &Keys, rows: &[usize]| -> Vec<Vec<Option<String>>> {
            keys.iter()
                .map(|f| rows.iter().map(|&i| f[i].clone()).collect())
                .collect()
        };
        let mut matches = exact_pass(left, right, p.one_to_one, p.n_jobs).unwrap();
        let left_free: Vec<usize> = (0..left[0].len())
            .filter(|i| matches.iter().all(|m| m.left != *i))
            .collect();
        let right_free: Vec<usize> = (0..right[0].len())
            .filter(|j| !p.one_to_one || matches.iter().all(|m| m.right != *j))
            .collect();
        let pool = subset(right, &right_free);
        let mut candidates = Vec::new();
        for rows in left_free.chunks(chunk) {
            for mut c in fuzzy_candidates(&subset(left, rows), &pool, p, &|_, _| {}).unwrap() {
                (c.left, c.right) = (rows[c.left], right_free[c.right]);
                candidates.push(c);
            }
        }
        let (lr, rr) = (ranks(left, 1).unwrap(), ranks(right, 1).unwrap());
        matches.extend(assign(candidates, &lr, &rr, p.one_to_one, 2).unwrap());
        matches.sort_by_key(|m| m.left);
        matches
    }

    #[test]
    fn steps_run_apart_equal_match_keys() {
        // 20 identical left rows compete for the same 24 right rows: each
        // keeps the same 16 candidates, so 4 of them lose all 16 and stay
        // unmatched although 8 right rows stay free; all rows share an artist.
        let mut left = vec![("adele", "hello world"); 20];
        left.extend([
            ("adele", "hello world 00"),
            ("", "x"),
            ("adel", "hello wrld 03"),
        ]);
        let right_titles: Vec<String> = (0..24).map(|k| format!("hello world {k:02}")).collect();
        let mut right: Vec<(&str, &str)> =
            right_titles.iter().map(|t| ("adele", t.as_str())).collect();
        right.push(("adele", "hello world 07"));
        let (l, r) = (keys(&left), keys(&right));
        for one_to_one in [true, false] {
            let p = Params {
                threshold: 80.0,
                field_threshold: 60.0,
                one_to_one,
                ..params(2)
            };
            let whole = match_keys(&l, &r, &p, &|_, _| {}).unwrap();
            let twins = whole.iter().filter(|m| m.left < 20).count();
            if one_to_one {
                // The twins share 16 candidates: at most 16 match, though right rows stay free.
                assert!(twins <= CANDIDATES_PER_ROW && whole.len() < right.len());
            } else {
                assert_eq!(twins, 20);
            }
            for chunk in [1, 3, 7, 100] {
                assert_eq!(
                    in_steps(&l, &r, &p, chunk),
                    whole,
                    "chunk {chunk}, one_to_one {one_to_one}"
                );
            }
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let k = keys(&[("a", "b")]);
        assert!(match_keys(&k, &k[..1], &params(1), &|_, _| {}).is_err());
        assert!(match_keys(
            &k,
            &k,
            &Params {
                threshold: 120.0,
                ..params(1)
            },
            &|_, _| {}
        )
        .is_err());
    }

    #[test]
    fn lemma_never_rejects_a_pair_that_reaches_the_cutoff() {
        let words = [
            "lowe",
            "lwoe",
            "adele",
            "adel",
            "the beatles",
            "beatles",
            "abba",
            "baab",
            "a",
            "ab",
            "ba",
            "xyz",
        ];
        for a in words {
            for b in words {
                let (pa, pb) = (code_points(a), code_points(b));
                let (ga, gb) = (bigrams(&pa), bigrams(&pb));
                let shared = ga.iter().filter(|g| gb.contains(g)).count();
                for cutoff in [0.0, 50.0, 70.0, 80.0, 90.0, 100.0] {
                    if Scorer::Ratio.score(&pa, &pb, 0.0) >= cutoff {
                        assert!(
                            lemma_allows(
                                (pa.len(), pb.len()),
                                (ga.len(), gb.len()),
                                shared,
                                cutoff
                            ),
                            "{a} / {b} at {cutoff}"
                        );
                    }
                }
            }
        }
    }
}
