//! Batch kernels behind `tunelens.process`: score matrices (`cdist`),
//! pairwise scores (`cpdist`) and best matches per query (`extract_many`).
//!
//! Choices may be missing (`None`): they are skipped (score 0 / never a match).

use rayon::prelude::*;
use std::borrow::Cow;

use super::distinct::Distinct;
use super::multi::{self, Alphabet, Packed, Unit};
use super::{fuzz, Edit, Scorer, Sym};
use crate::error::Result;
use crate::parallel;

pub use crate::options::matching::process::ScoreType;

impl ScoreType {
    /// Whether scores are rounded ([`round_half_up`]) into this type.
    pub fn is_integer(self) -> bool {
        !matches!(self, ScoreType::F32 | ScoreType::F64)
    }
}

/// A score as rapidfuzz stores it in an integer matrix: rounded half up.
#[inline]
pub fn round_half_up(score: f64) -> f64 {
    (score + 0.5).floor()
}

/// Scores of every query against every choice, row-major (`queries × choices`),
/// each query prepared once; rows are scored in parallel on `n_jobs` threads.
/// `convert` maps each score to the output type (missing pairs stay
/// `T::default()`), so the matrix is built once in the requested dtype.
///
/// `ratio`, `QRatio` and `token_sort_ratio` score short queries many at a
/// time (see [`multi`]); the other scorers go row by row.
///
/// A matrix larger than this process may allocate is refused up front
/// ([`crate::error::affordable`]) with a `TooLarge` error naming its shape.
pub fn cdist<S: Sym, C: AsRef<[S]> + Sync, T: Copy + Default + Send + Sync>(
    scorer: Scorer,
    queries: &[Option<C>],
    choices: &[Option<C>],
    score_cutoff: f64,
    n_jobs: i64,
    convert: impl Fn(f64) -> T + Sync,
) -> Result<Vec<T>> {
    let cols = choices.len();
    let cells = queries.len() as f64 * cols as f64;
    crate::error::affordable(
        format!("score matrix of {} queries × {cols} choices", queries.len()),
        cells * std::mem::size_of::<T>() as f64,
    )?;
    let mut out = vec![T::default(); queries.len() * cols];
    if cols == 0 {
        return Ok(out);
    }
    parallel::install(n_jobs, || match Ratio::of(scorer) {
        Some(kind) => kind.cdist(queries, choices, score_cutoff, &convert, &mut out),
        None => out
            .par_chunks_mut(cols)
            .zip(queries.par_iter())
            .for_each(|(row, query)| {
                let Some(query) = query else { return };
                let prepared = scorer.prepare_seq(query.as_ref());
                for (cell, choice) in row.iter_mut().zip(choices) {
                    if let Some(choice) = choice {
                        *cell = convert(prepared.score(choice.as_ref(), score_cutoff));
                    }
                }
            }),
    })?;
    Ok(out)
}

/// Score of each `(a[i], b[i])` pair.
pub fn cpdist<S: Sym, C: AsRef<[S]> + Sync>(
    scorer: Scorer,
    a: &[Option<C>],
    b: &[Option<C>],
    score_cutoff: f64,
    n_jobs: i64,
) -> Result<Vec<f64>> {
    parallel::install(n_jobs, || {
        a.par_iter()
            .zip(b.par_iter())
            .map(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => scorer.score_seq(x.as_ref(), y.as_ref(), score_cutoff),
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
/// Each distinct choice is scored once and its score offered at each of its
/// positions. Once `limit` matches are held, the cutoff rises to the worst of
/// them. For `ratio`, `QRatio` and `token_sort_ratio` the distinct choices are
/// transformed once (sorted tokens), encoded and sorted by length, queries of
/// similar length are scored many at a time (see [`multi`]), and each group
/// only visits the lengths that one of its queries can still reach, nearest
/// length first.
///
/// `limit` matches for every query (all of them when `score_cutoff` is 0)
/// must fit in memory ([`crate::error::affordable`]), else a `TooLarge`
/// error names `limit`.
pub fn extract_many<S: Sym, C: AsRef<[S]> + Sync>(
    scorer: Scorer,
    queries: &[Option<C>],
    choices: &[Option<C>],
    score_cutoff: f64,
    limit: usize,
    n_jobs: i64,
) -> Result<Vec<Vec<Match>>> {
    if limit == 0 {
        return Ok(vec![Vec::new(); queries.len()]);
    }
    let kept = limit.min(choices.len()) as f64;
    crate::error::affordable(
        format!(
            "limit={limit} for {} queries × {} choices",
            queries.len(),
            choices.len()
        ),
        queries.len() as f64 * kept * std::mem::size_of::<Match>() as f64,
    )?;
    parallel::install(n_jobs, || {
        let choices = Distinct::new(choices);
        match Ratio::of(scorer) {
            Some(kind) => kind.extract(queries, &choices, score_cutoff, limit),
            None => queries
                .par_iter()
                .map(|query| {
                    let mut top = Top::new(limit, score_cutoff);
                    if let Some(query) = query {
                        scan_all(scorer, query.as_ref(), &choices, &mut top);
                    }
                    top.items
                })
                .collect(),
        }
    })
}

/// The best matches so far, ordered by score (descending) then index.
struct Top {
    limit: usize,
    items: Vec<Match>,
    cutoff: f64,
    /// `cutoff / 100` (the scale of normalized similarities).
    norm_cutoff: f64,
}

impl Top {
    /// Matches reserved up front (more grow as they are found).
    const RESERVED: usize = 16;

    fn new(limit: usize, cutoff: f64) -> Top {
        Top {
            limit,
            items: Vec::with_capacity(limit.min(Top::RESERVED) + 1),
            cutoff,
            norm_cutoff: cutoff / 100.0,
        }
    }

    fn full(&self) -> bool {
        self.items.len() == self.limit
    }

    /// Keeps `(index, score)` if it ranks among the best; false when not kept.
    fn offer(&mut self, index: usize, score: f64) -> bool {
        if score < self.cutoff || (score == 0.0 && self.cutoff > 0.0) {
            return false;
        }
        let ahead = |m: &Match| m.score > score || (m.score == score && m.index < index);
        if self.full() && ahead(&self.items[self.limit - 1]) {
            return false;
        }
        let at = self.items.partition_point(ahead);
        self.items.insert(at, Match { index, score });
        self.items.truncate(self.limit);
        if self.full() {
            self.cutoff = self.cutoff.max(self.items[self.limit - 1].score);
            self.norm_cutoff = self.cutoff / 100.0;
        }
        true
    }

    /// Offers the score of distinct choice `k` at its positions, first to
    /// last, until one is not kept (the later ones rank lower still).
    fn offer_distinct<S: Sym>(&mut self, choices: &Distinct<'_, S>, k: usize, score: f64) {
        for &index in choices.positions(k) {
            if !self.offer(index, score) {
                break;
            }
        }
    }
}

/// Every distinct choice in order of first position (scorers without a
/// length bound), until `limit` perfect scores at earlier positions are held.
fn scan_all<S: Sym>(scorer: Scorer, query: &[S], choices: &Distinct<'_, S>, top: &mut Top) {
    let prepared = scorer.prepare_seq(query);
    for (k, choice) in choices.items().iter().enumerate() {
        if top.full() {
            let worst = top.items[top.limit - 1];
            if worst.score >= 100.0 && worst.index < choices.first(k) {
                break;
            }
        }
        top.offer_distinct(choices, k, prepared.score(choice, top.cutoff));
    }
}

/// The scorers that are `ratio` of (possibly transformed) sequences.
#[derive(Clone, Copy)]
struct Ratio {
    /// `QRatio`: 0 when either side is empty.
    qratio: bool,
    /// `token_sort_ratio`: both sides are sorted by token first.
    sorted: bool,
}

/// `ratio` of two sequences of `lensum` symbols in all with an LCS of `lcs`
/// (the arithmetic of [`fuzz::ratio_with`]).
#[inline]
fn ratio_of_sum(lensum: usize, lcs: usize, score_cutoff: f64) -> f64 {
    indel_of_sum(lensum, lcs).normalized_similarity(score_cutoff / 100.0) * 100.0
}

/// The Indel distance of two sequences of `lensum` symbols in all with an LCS
/// of `lcs`.
#[inline]
fn indel_of_sum(lensum: usize, lcs: usize) -> Edit {
    Edit {
        dist: lensum - 2 * lcs,
        maximum: lensum,
    }
}

/// Normalized Indel similarity of two sequences of `lensum` symbols in all
/// with an LCS of `lcs`: [`ratio_of_sum`] is this × 100 when it reaches
/// `score_cutoff / 100`, else 0.
#[inline]
fn similarity_of_sum(lensum: usize, lcs: usize) -> f64 {
    indel_of_sum(lensum, lcs).normalized_similarity(0.0)
}

/// Values by total length and LCS (converted `ratio` scores, or normalized
/// similarities), for total lengths below [`Scores::SUMS`]: one lookup
/// instead of a division per score.
struct Scores<T> {
    table: Vec<T>,
}

impl<T: Copy> Scores<T> {
    const SUMS: usize = 256;
    /// LCS values per total length (a block query has at most 64 symbols).
    const LCS: usize = 65;

    /// The table of `value(sum, lcs)`, `none` where `2 * lcs > sum` (no such
    /// pair exists).
    fn new(value: impl Fn(usize, usize) -> T, none: T) -> Self {
        let table = (0..Self::SUMS * Self::LCS)
            .map(|x| {
                let (sum, lcs) = (x / Self::LCS, x % Self::LCS);
                if 2 * lcs <= sum {
                    value(sum, lcs)
                } else {
                    none
                }
            })
            .collect();
        Scores { table }
    }

    /// The table from total length `lc` on, when it holds the scores of a
    /// choice of `lc` symbols against every query of at most `longest`
    /// symbols (index `lq * LCS + lcs`).
    #[inline]
    fn row(&self, longest: usize, lc: usize) -> Option<&[T]> {
        (longest < Self::LCS && longest + lc < Self::SUMS).then(|| &self.table[lc * Self::LCS..])
    }

    #[inline]
    fn get(&self, lensum: usize, lcs: usize) -> Option<T> {
        if lensum < Self::SUMS && lcs < Self::LCS {
            Some(self.table[lensum * Self::LCS + lcs])
        } else {
            None
        }
    }
}

/// The present choices of a column chunk of [`Ratio::cdist`], encoded in the
/// order they are scanned.
struct ChoiceChunk {
    packed: Packed,
    /// Column (in the chunk) of each encoded choice.
    columns: Vec<usize>,
}

/// Present queries, transformed for the scorer and grouped into [`Unit`]s.
struct Grouped {
    alphabet: Alphabet,
    /// Query indices of each unit.
    groups: Vec<Vec<usize>>,
    units: Vec<Unit>,
    /// Transformed length of each query.
    lens: Vec<usize>,
}

impl Ratio {
    fn of(scorer: Scorer) -> Option<Ratio> {
        let (qratio, sorted) = match scorer {
            Scorer::Ratio => (false, false),
            Scorer::QRatio => (true, false),
            Scorer::TokenSortRatio => (false, true),
            _ => return None,
        };
        Some(Ratio { qratio, sorted })
    }

    fn transform<'a, S: Sym>(self, s: &'a [S]) -> Cow<'a, [S]> {
        if self.sorted {
            Cow::Owned(fuzz::sorted_joined(s))
        } else {
            Cow::Borrowed(s)
        }
    }

    fn transform_all<'a, S: Sym, C: AsRef<[S]> + Sync>(
        self,
        items: &'a [Option<C>],
    ) -> Vec<Option<Cow<'a, [S]>>> {
        items
            .par_iter()
            .map(|s| s.as_ref().map(|s| self.transform(s.as_ref())))
            .collect()
    }

    /// The transformed distinct choices, sorted by length.
    fn by_length<S: Sym>(self, choices: &Distinct<'_, S>, alphabet: &Alphabet) -> ByLength {
        /// Items transformed per task, end to end in one buffer.
        const CHUNK: usize = 4096;
        let items = choices.items();
        let sorted_chunks: Vec<(Vec<S>, Vec<usize>)> = if self.sorted {
            items
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let (mut buf, mut starts, mut tokens) = (Vec::new(), vec![0], Vec::new());
                    for s in chunk {
                        fuzz::sort_tokens_into(s, &mut tokens);
                        fuzz::join_into(&tokens, &mut buf);
                        starts.push(buf.len());
                    }
                    (buf, starts)
                })
                .collect()
        } else {
            Vec::new()
        };
        // Sorted tokens from the buffers; ratio and QRatio take the choices as they are.
        let item = |k: usize| -> &[S] {
            match sorted_chunks.get(k / CHUNK) {
                Some((buf, starts)) => &buf[starts[k % CHUNK]..starts[k % CHUNK + 1]],
                None => items[k],
            }
        };
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by_key(|&k| item(k).len());
        let sorted: Vec<Option<&[S]>> = order.iter().map(|&k| Some(item(k))).collect();
        ByLength {
            packed: Packed::par_new(&sorted, alphabet),
            lens: sorted.iter().map(|s| s.map_or(0, <[S]>::len)).collect(),
            order,
        }
    }

    /// Score of a query of `lq` symbols and a choice of `lc` symbols whose
    /// LCS is `lcs` (the arithmetic of [`fuzz::ratio_with`]), 0 below
    /// `norm_cutoff` (the cutoff / 100); `sims` holds [`similarity_of_sum`].
    #[inline]
    fn score(self, lq: usize, lc: usize, lcs: usize, norm_cutoff: f64, sims: &Scores<f64>) -> f64 {
        if self.qratio && (lq == 0 || lc == 0) {
            return 0.0;
        }
        let sim = (sims.get(lq + lc, lcs)).unwrap_or_else(|| similarity_of_sum(lq + lc, lcs));
        if sim >= norm_cutoff {
            sim * 100.0
        } else {
            0.0
        }
    }

    /// Transformed queries, encoded with their alphabet, grouped into units.
    fn group<S: Sym, C: AsRef<[S]> + Sync>(self, queries: &[Option<C>]) -> Grouped {
        let queries = self.transform_all(queries);
        let alphabet = Alphabet::new(queries.iter().flatten().map(|q| &**q));
        let lens: Vec<Option<usize>> = queries
            .iter()
            .map(|q| q.as_ref().map(|q| q.len()))
            .collect();
        let groups = multi::groups(&lens);
        let units = groups
            .par_iter()
            .map(|group| {
                let ids: Vec<Vec<u32>> = group
                    .iter()
                    .map(|&i| alphabet.encode(queries[i].as_deref().unwrap_or_default()))
                    .collect();
                Unit::new(&ids, alphabet.size())
            })
            .collect();
        Grouped {
            alphabet,
            groups,
            units,
            lens: lens.into_iter().map(Option::unwrap_or_default).collect(),
        }
    }

    /// [`cdist`] of a ratio scorer into `out` (rows of `choices.len()` cells).
    fn cdist<S: Sym, C: AsRef<[S]> + Sync, T: Copy + Send + Sync>(
        self,
        queries: &[Option<C>],
        choices: &[Option<C>],
        score_cutoff: f64,
        convert: &(impl Fn(f64) -> T + Sync),
        out: &mut [T],
    ) {
        /// Columns per task: a few tasks per group keep every thread busy.
        const COLUMNS: usize = 4096;
        let cols = choices.len();
        let Grouped {
            alphabet,
            groups,
            units,
            lens,
        } = self.group(queries);
        let transformed = self.transform_all(choices);
        let scores = Scores::new(
            |sum, lcs| convert(ratio_of_sum(sum, lcs, score_cutoff)),
            convert(0.0),
        );
        let zero = convert(0.0);
        // The present choices of each column chunk, ordered by length (blocks
        // scan choices of equal length in lockstep) and copied end to end in
        // that order (read sequentially), with their column in the chunk.
        let chunks: Vec<ChoiceChunk> = (0..cols.div_ceil(COLUMNS))
            .into_par_iter()
            .map(|chunk| {
                let start = chunk * COLUMNS;
                let end = (start + COLUMNS).min(cols);
                let mut present: Vec<(usize, &[S])> = (start..end)
                    .filter_map(|j| transformed[j].as_deref().map(|c| (j - start, c)))
                    .collect();
                present.sort_by_key(|(_, c)| c.len());
                ChoiceChunk {
                    packed: Packed::new(present.iter().map(|(_, c)| Some(*c)), &alphabet),
                    columns: present.iter().map(|(j, _)| *j).collect(),
                }
            })
            .collect();
        let mut rows: Vec<Option<&mut [T]>> = out.chunks_mut(cols).map(Some).collect();
        let mut tasks = Vec::new();
        for (group, unit) in groups.iter().zip(&units) {
            let mut pieces: Vec<_> = group
                .iter()
                .filter_map(|&i| rows[i].take())
                .map(|row| row.chunks_mut(COLUMNS))
                .collect();
            for chunk in &chunks {
                let cells: Vec<&mut [T]> = pieces.iter_mut().filter_map(Iterator::next).collect();
                tasks.push((group, unit, chunk, cells));
            }
        }
        tasks
            .into_par_iter()
            .for_each(|(group, unit, chunk, mut cells)| {
                let lqs: Vec<usize> = group.iter().map(|&i| lens[i]).collect();
                let longest = lqs.iter().copied().max().unwrap_or(0);
                let empty_query = lqs.contains(&0);
                let choices = (chunk.columns.iter().enumerate())
                    .filter_map(|(i, &j)| chunk.packed.get(i).map(|c| (j, c)));
                unit.each(choices, |j, choice, lcs| {
                    let lc = choice.len();
                    let lanes = cells.iter_mut().zip(&lqs).zip(lcs);
                    if let Some(row) = scores.row(longest, lc) {
                        if !(self.qratio && (lc == 0 || empty_query)) {
                            // Every score of this choice is in the table.
                            for ((cells, &lq), &lcs) in lanes {
                                cells[j] = row[lq * Scores::<T>::LCS + lcs];
                            }
                            return;
                        }
                    }
                    for ((cells, &lq), &lcs) in lanes {
                        cells[j] = if self.qratio && (lq == 0 || lc == 0) {
                            zero
                        } else {
                            scores.get(lq + lc, lcs).unwrap_or_else(|| {
                                convert(ratio_of_sum(lq + lc, lcs, score_cutoff))
                            })
                        };
                    }
                });
            });
    }

    /// [`extract_many`] of a ratio scorer.
    fn extract<S: Sym, C: AsRef<[S]> + Sync>(
        self,
        queries: &[Option<C>],
        choices: &Distinct<'_, S>,
        score_cutoff: f64,
        limit: usize,
    ) -> Vec<Vec<Match>> {
        let Grouped {
            alphabet,
            groups,
            units,
            lens,
        } = self.group(queries);
        let sorted = self.by_length(choices, &alphabet);
        let sims = Scores::new(similarity_of_sum, 0.0);
        let found: Vec<Vec<Vec<Match>>> = groups
            .par_iter()
            .zip(&units)
            .map(|(group, unit)| {
                let lqs: Vec<usize> = group.iter().map(|&i| lens[i]).collect();
                let mut tops: Vec<Top> = group
                    .iter()
                    .map(|_| Top::new(limit, score_cutoff))
                    .collect();
                sorted.scan(self, choices, &sims, unit, &lqs, &mut tops);
                tops.into_iter().map(|t| t.items).collect()
            })
            .collect();
        let mut out = vec![Vec::new(); queries.len()];
        for (group, found) in groups.iter().zip(found) {
            for (&i, items) in group.iter().zip(found) {
                out[i] = items;
            }
        }
        out
    }
}

/// Distinct choices, transformed, encoded and sorted by length.
struct ByLength {
    packed: Packed,
    /// Length of each sorted choice.
    lens: Vec<usize>,
    /// Distinct choice (index in [`Distinct::items`]) of each sorted choice.
    order: Vec<usize>,
}

impl ByLength {
    /// Offers to `tops` (one per query of `unit`, of lengths `lqs`) every
    /// choice whose length one of them can still reach, visiting lengths
    /// outwards from the middle query's, nearest first.
    ///
    /// A length no query reaches is skipped, not an end: a query further out
    /// may reach the lengths beyond it. A direction ends at a length that no
    /// query reaches and no query lies beyond (the bound only falls with
    /// distance from each query's own length).
    fn scan<S: Sym>(
        &self,
        kind: Ratio,
        choices: &Distinct<'_, S>,
        sims: &Scores<f64>,
        unit: &Unit,
        lqs: &[usize],
        tops: &mut [Top],
    ) {
        let lens = &self.lens;
        let reachable = |len: usize, tops: &[Top]| {
            lqs.iter()
                .zip(tops)
                .any(|(&lq, t)| !fuzz::length_rules_out(lq, len, t.norm_cutoff))
        };
        let (shortest, longest) = (lqs.iter().min(), lqs.iter().max());
        let center = lqs[lqs.len() / 2];
        let start = lens.partition_point(|&l| l < center);
        let (mut down, mut up) = (start, start);
        loop {
            let next_down = (down > 0)
                .then(|| lens[down - 1])
                .filter(|&l| shortest.is_some_and(|&lq| lq < l) || reachable(l, tops));
            let next_up = (up < lens.len())
                .then(|| lens[up])
                .filter(|&l| longest.is_some_and(|&lq| lq > l) || reachable(l, tops));
            let take_up = match (next_down, next_up) {
                (None, None) => break,
                (Some(d), Some(u)) => u - center <= center - d,
                (_, u) => u.is_some(),
            };
            let run = if take_up {
                let end = up + lens[up..].partition_point(|&l| l == lens[up]);
                std::mem::replace(&mut up, end)..end
            } else {
                let begin = lens[..down].partition_point(|&l| l < lens[down - 1]);
                begin..std::mem::replace(&mut down, begin)
            };
            if !reachable(lens[run.start], tops) {
                continue;
            }
            let run = run.map(|pos| (self.order[pos], self.packed.get(pos).unwrap_or_default()));
            unit.each(run, |k, choice, lcs| {
                for ((top, &lq), &lcs) in tops.iter_mut().zip(lqs).zip(lcs) {
                    let score = kind.score(lq, choice.len(), lcs, top.norm_cutoff, sims);
                    top.offer_distinct(choices, k, score);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings of every length class (0, 8, 9, 16, 17, 32, 33, 64, 65 symbols),
    /// Unicode and repeated tokens, with missing entries.
    fn texts() -> Vec<Option<Vec<u32>>> {
        let mut out: Vec<Option<Vec<u32>>> = [0, 1, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 130]
            .iter()
            .map(|&n| {
                Some(
                    "ab cd éf 宇多 gh "
                        .chars()
                        .cycle()
                        .take(n)
                        .map(u32::from)
                        .collect(),
                )
            })
            .collect();
        for s in [
            "kitten sitting",
            "sitting kitten",
            "宇多田ヒカル",
            "a",
            "b a",
            "xyz",
        ] {
            out.push(Some(s.chars().map(u32::from).collect()));
        }
        out.push(None);
        out
    }

    /// The best `limit` matches found by scoring every choice in position
    /// order with the fixed cutoff.
    fn naive_top(
        scorer: Scorer,
        query: &Option<Vec<u32>>,
        choices: &[Option<Vec<u32>>],
        cutoff: f64,
        limit: usize,
    ) -> Vec<Match> {
        let mut top = Top::new(limit, cutoff);
        if let Some(q) = query {
            for (i, c) in choices.iter().enumerate() {
                if let Some(c) = c {
                    top.offer(i, scorer.score(q, c, cutoff));
                }
            }
        }
        top.items
    }

    #[test]
    fn lengths_no_query_reaches_do_not_end_the_scan() {
        // One block holds "ab" and "abcdefgh"; at cutoff 100 no query reaches
        // the lengths 3 to 7 that lie between them.
        let cp = |s: &str| Some(s.chars().map(u32::from).collect::<Vec<u32>>());
        let queries = vec![cp("ab"), cp("abcdefgh"), cp("abcdefghijklmnop")];
        let choices: Vec<_> = [
            "abcdefghijklmnop",
            "abcdefg",
            "abc",
            "ab",
            "abcdefgh",
            "abcd",
        ]
        .iter()
        .map(|s| cp(s))
        .collect();
        for cutoff in [100.0, 95.0] {
            let found = extract_many(Scorer::Ratio, &queries, &choices, cutoff, 1, 1).unwrap();
            let index: Vec<usize> = found.iter().map(|m| m[0].index).collect();
            assert_eq!(index, [3, 4, 0]);
        }
    }

    #[test]
    fn repeated_choices_keep_every_position() {
        // Each text three times (missing ones too), then once more reversed:
        // ties between repeats must keep the lowest positions.
        let t = texts();
        let mut choices: Vec<Option<Vec<u32>>> = [&t[..], &t[..], &t[..]].concat();
        choices.extend(t.iter().rev().cloned());
        for scorer in Scorer::ALL {
            for cutoff in [0.0, 60.0, 100.0] {
                for limit in [1, 2, 5] {
                    let found = extract_many(scorer, &t, &choices, cutoff, limit, 2).unwrap();
                    for (i, q) in t.iter().enumerate() {
                        let want = naive_top(scorer, q, &choices, cutoff, limit);
                        assert_eq!(found[i], want, "{scorer:?} {cutoff} {limit} {i}");
                    }
                }
            }
        }
    }

    #[test]
    fn grouped_ratio_scorers_equal_the_pair_scorers() {
        let t = texts();
        for scorer in [Scorer::Ratio, Scorer::QRatio, Scorer::TokenSortRatio] {
            for cutoff in [0.0, 50.0, 90.0, 100.0] {
                let matrix = cdist(scorer, &t, &t, cutoff, 2, |s| s).unwrap();
                for (i, q) in t.iter().enumerate() {
                    for (j, c) in t.iter().enumerate() {
                        let want = match (q, c) {
                            (Some(q), Some(c)) => scorer.score(q, c, cutoff),
                            _ => 0.0,
                        };
                        assert_eq!(matrix[i * t.len() + j], want, "{scorer:?} {cutoff} {i} {j}");
                    }
                }
                for limit in [1, 3] {
                    let found = extract_many(scorer, &t, &t, cutoff, limit, 2).unwrap();
                    for (i, q) in t.iter().enumerate() {
                        let want = naive_top(scorer, q, &t, cutoff, limit);
                        assert_eq!(found[i], want, "{scorer:?} {cutoff} {limit} {i}");
                    }
                }
            }
        }
    }
}
