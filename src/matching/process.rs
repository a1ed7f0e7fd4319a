//! Batch kernels behind `tunelens.process`: score matrices (`cdist`),
//! pairwise scores (`cpdist`) and best matches per query (`extract_many`).
//!
//! Choices may be missing (`None`): they are skipped (score 0 / never a match).

use rayon::prelude::*;

use super::{fuzz, Pattern, Scorer, Sym};
use crate::error::Result;
use crate::parallel;

/// Scores of every query against every choice, row-major (`queries × choices`),
/// each query prepared once; rows are scored in parallel on `n_jobs` threads.
/// `convert` maps each score to the output type (missing pairs stay
/// `T::default()`), so the matrix is built once in the requested dtype.
pub fn cdist<S: Sym, T: Copy + Default + Send>(
    scorer: Scorer,
    queries: &[Option<Vec<S>>],
    choices: &[Option<Vec<S>>],
    score_cutoff: f64,
    n_jobs: i64,
    convert: impl Fn(f64) -> T + Sync,
) -> Result<Vec<T>> {
    let cols = choices.len();
    let mut out = vec![T::default(); queries.len() * cols];
    if cols == 0 {
        return Ok(out);
    }
    parallel::install(n_jobs, || {
        out.par_chunks_mut(cols)
            .zip(queries.par_iter())
            .for_each(|(row, query)| {
                let Some(query) = query else { return };
                let prepared = scorer.prepare_seq(query);
                for (cell, choice) in row.iter_mut().zip(choices) {
                    if let Some(choice) = choice {
                        *cell = convert(prepared.score(choice, score_cutoff));
                    }
                }
            });
    })?;
    Ok(out)
}

/// Score of each `(a[i], b[i])` pair.
pub fn cpdist<S: Sym>(
    scorer: Scorer,
    a: &[Option<Vec<S>>],
    b: &[Option<Vec<S>>],
    score_cutoff: f64,
    n_jobs: i64,
) -> Result<Vec<f64>> {
    parallel::install(n_jobs, || {
        a.par_iter()
            .zip(b.par_iter())
            .map(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => scorer.score_seq(x, y, score_cutoff),
                _ => 0.0,
            })
            .collect()
    })
}

/// One match: choice index and score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    /// Position of the choice.
    pub index: usize,
    /// Its score.
    pub score: f64,
}

/// The `limit` best choices of every query (score descending, then choice
/// index ascending, as rapidfuzz orders them), keeping only scores
/// `>= score_cutoff`. Memory is `O(queries × limit)`: no score matrix is built.
///
/// Once `limit` matches are held, the cutoff rises to the worst of them. For
/// `ratio`, `QRatio` and `token_sort_ratio` the choices are transformed once
/// (sorted tokens) and indexed by length, and each query only visits the
/// lengths that can still reach the cutoff, nearest length first.
pub fn extract_many<S: Sym>(
    scorer: Scorer,
    queries: &[Option<Vec<S>>],
    choices: &[Option<Vec<S>>],
    score_cutoff: f64,
    limit: usize,
    n_jobs: i64,
) -> Result<Vec<Vec<Match>>> {
    parallel::install(n_jobs, || {
        let index = LengthIndex::build(scorer, choices);
        queries
            .par_iter()
            .map(|query| match query {
                Some(query) if limit > 0 => {
                    let mut top = Top::new(limit, score_cutoff);
                    match &index {
                        Some(index) => index.scan(scorer, query, &mut top),
                        None => scan_all(scorer, query, choices, &mut top),
                    }
                    top.items
                }
                _ => Vec::new(),
            })
            .collect()
    })
}

/// The best matches so far, ordered by score (descending) then index.
struct Top {
    limit: usize,
    items: Vec<Match>,
    cutoff: f64,
}

impl Top {
    fn new(limit: usize, cutoff: f64) -> Top {
        Top {
            limit,
            items: Vec::with_capacity(limit + 1),
            cutoff,
        }
    }

    fn full(&self) -> bool {
        self.items.len() == self.limit
    }

    fn offer(&mut self, index: usize, score: f64) {
        if score < self.cutoff || (score == 0.0 && self.cutoff > 0.0) {
            return;
        }
        let ahead = |m: &Match| m.score > score || (m.score == score && m.index < index);
        if self.full() && ahead(&self.items[self.limit - 1]) {
            return;
        }
        let at = self.items.partition_point(ahead);
        self.items.insert(at, Match { index, score });
        self.items.truncate(self.limit);
        if self.full() {
            self.cutoff = self.cutoff.max(self.items[self.limit - 1].score);
        }
    }
}

/// Every choice in index order (scorers without a length bound).
fn scan_all<S: Sym>(scorer: Scorer, query: &[S], choices: &[Option<Vec<S>>], top: &mut Top) {
    let prepared = scorer.prepare_seq(query);
    for (index, choice) in choices.iter().enumerate() {
        let Some(choice) = choice else { continue };
        top.offer(index, prepared.score(choice, top.cutoff));
        if top.full() && top.items[top.limit - 1].score >= 100.0 {
            break;
        }
    }
}

/// Choices transformed for the scorer (sorted tokens for `token_sort_ratio`)
/// and sorted by length.
struct LengthIndex<S> {
    texts: Vec<Vec<S>>,
    order: Vec<usize>,
    lens: Vec<usize>,
}

fn transform<S: Sym>(scorer: Scorer, s: &[S]) -> Vec<S> {
    match scorer {
        Scorer::TokenSortRatio => fuzz::join(&fuzz::sorted_tokens(s)),
        _ => s.to_vec(),
    }
}

impl<S: Sym> LengthIndex<S> {
    fn build(scorer: Scorer, choices: &[Option<Vec<S>>]) -> Option<Self> {
        if !matches!(
            scorer,
            Scorer::Ratio | Scorer::QRatio | Scorer::TokenSortRatio
        ) {
            return None;
        }
        let texts: Vec<Vec<S>> = choices
            .par_iter()
            .map(|c| {
                c.as_deref()
                    .map(|c| transform(scorer, c))
                    .unwrap_or_default()
            })
            .collect();
        let mut order: Vec<usize> = (0..choices.len())
            .filter(|&i| choices[i].is_some())
            .collect();
        order.sort_by_key(|&i| texts[i].len());
        let lens = order.iter().map(|&i| texts[i].len()).collect();
        Some(LengthIndex { texts, order, lens })
    }

    fn scan(&self, scorer: Scorer, query: &[S], top: &mut Top) {
        let query = transform(scorer, query);
        let lq = query.len();
        let pm = Pattern::new(&query);
        let score = |i: usize, cutoff: f64| {
            let choice = &self.texts[i];
            if scorer == Scorer::QRatio && (lq == 0 || choice.is_empty()) {
                0.0
            } else {
                fuzz::ratio_with(&pm, lq, choice, cutoff)
            }
        };
        let reachable = |len: usize, cutoff: f64| !fuzz::length_rules_out(lq, len, cutoff / 100.0);
        let start = self.lens.partition_point(|&l| l < lq);
        let (mut down, mut up) = (start, start);
        loop {
            let next_down = down > 0 && reachable(self.lens[down - 1], top.cutoff);
            let next_up = up < self.lens.len() && reachable(self.lens[up], top.cutoff);
            let take_up = match (next_down, next_up) {
                (false, false) => break,
                (true, true) => self.lens[up] - lq <= lq - self.lens[down - 1],
                (_, up_ok) => up_ok,
            };
            let pos = if take_up {
                up += 1;
                up - 1
            } else {
                down -= 1;
                down
            };
            let i = self.order[pos];
            top.offer(i, score(i, top.cutoff));
        }
    }
}
