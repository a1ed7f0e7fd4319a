//! Batch kernels behind `tunelens.process`: score matrices (`cdist`),
//! pairwise scores (`cpdist`) and best matches per query (`extract_many`).
//!
//! Choices may be missing (`None`): they are skipped (score 0 / never a match).

use rayon::prelude::*;

use super::{Scorer, Sym};
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
        out.par_chunks_mut(cols).zip(queries.par_iter()).for_each(|(row, query)| {
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
/// Once `limit` matches are held, the cutoff rises to the worst of them.
pub fn extract_many<S: Sym>(
    scorer: Scorer,
    queries: &[Option<Vec<S>>],
    choices: &[Option<Vec<S>>],
    score_cutoff: f64,
    limit: usize,
    n_jobs: i64,
) -> Result<Vec<Vec<Match>>> {
    parallel::install(n_jobs, || {
        queries
            .par_iter()
            .map(|query| match query {
                Some(query) if limit > 0 => best(scorer, query, choices, score_cutoff, limit),
                _ => Vec::new(),
            })
            .collect()
    })
}

fn best<S: Sym>(scorer: Scorer, query: &[S], choices: &[Option<Vec<S>>], score_cutoff: f64, limit: usize) -> Vec<Match> {
    let prepared = scorer.prepare_seq(query);
    let mut top: Vec<Match> = Vec::with_capacity(limit + 1);
    let mut cutoff = score_cutoff;
    for (index, choice) in choices.iter().enumerate() {
        let Some(choice) = choice else { continue };
        let score = prepared.score(choice, cutoff);
        if score < cutoff || (score == 0.0 && cutoff > 0.0) {
            continue;
        }
        if top.len() == limit && score <= top[limit - 1].score {
            continue;
        }
        let at = top.partition_point(|m| m.score >= score);
        top.insert(at, Match { index, score });
        top.truncate(limit);
        if top.len() == limit {
            cutoff = cutoff.max(top[limit - 1].score);
            if top[limit - 1].score >= 100.0 {
                break;
            }
        }
    }
    top
}
