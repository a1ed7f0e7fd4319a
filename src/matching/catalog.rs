//! The catalog join: one-to-one matching of two tables on normalized keys and
//! further evidence (duration, version tags, extra columns).
//!
//! The user-facing rules (items, normalization, the evidence table, output
//! columns) are documented once, in `tunelens.match_catalogs`'s docstring;
//! this module documents how the join on prepared keys works and what it
//! guarantees.
//!
//! A row's key is a tuple of fields (artist, title, ...). A row with a missing
//! or empty field never matches. [`match_keys`] works in three steps:
//!
//! 1. **Exact pass.** Rows whose key tuples *and* evidence are equal (the same
//!    duration and extra values) match (`exact = true`). Within a group of
//!    equal rows, each left row in [rank](ranks) order takes the free right row
//!    of lowest rank with the same version tags, else one whose tag score is
//!    absent, else any; with `one_to_one = false` right rows stay free. With
//!    durations, a row without one never matches here.
//! 2. **Candidates** of the rows left over. Each field is scored with the
//!    scorer; the *string score* is the length-weighted mean of the field
//!    scores, field `f` weighing `len(left_f) + len(right_f)` code points (so a
//!    typo in a long field costs as much as in the concatenated key). Pairs
//!    whose string score is at least `threshold` and each of whose fields
//!    scores at least `field_threshold` are candidates, unless their durations
//!    are further apart than the tolerance; their combined score adds the
//!    evidence ([`super::evidence`]).
//!    *Blocking* (unless `exhaustive`): a left row is only compared with the
//!    right rows whose first field (the artist) shares at least one character
//!    bigram with its own, both padded with a sentinel at each end, so "lowe" and
//!    "lwoe" still share "^l" and "e$". For Indel-based scorers (ratio,
//!    token_sort_ratio, QRatio) the q-gram lemma's count filter also skips
//!    artist pairs that cannot reach `field_threshold` (lossless). The only
//!    pairs blocking loses are thus those whose artists, though scoring at least
//!    `field_threshold`, share no padded bigram; `exhaustive` scores them too.
//!    With one field, its cutoff is `max(threshold, field_threshold)`.
//!    *Title forms* (with two or more fields): the rows whose second field (the
//!    title) equals one of the left row's title forms, or whose forms hold its
//!    title, are candidates too ([`super::normalize::title_forms`]: without the
//!    subtitle, a song of a medley, a title cut short); their title scores at
//!    least [`FORM_SCORE`]. Two forms never meet each other. On such pairs an artist credit that contains the other
//!    ([`artists_overlap`]) scores at least [`FORM_SCORE`] as well.
//!    Each left row keeps its [`CANDIDATES_PER_ROW`] best candidates by
//!    combined score (memory is bounded by that times the number of rows, never
//!    left × right); identical left rows (same keys and evidence) share one
//!    search: one-to-one, for that many per row, dealt out in turn (row `t` of
//!    `m` takes candidates `t`, `t + m`, ...), so each can still find its own
//!    partner however many rows tie; otherwise they all keep the same best. A caller that splits the left rows must keep
//!    identical rows together.
//! 3. **Assignment** ([`super::assignment`]): one-to-one, the pairs that
//!    maximise the total combined score; otherwise each left row's best.
//!
//! A row's rank orders rows by their key (then by position), so the result does
//! not depend on the input order (rows with identical keys are interchangeable)
//! nor on the number of threads.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::assignment;
use super::evidence::{same_scores, tag_score, Evidence, Scores};
use super::normalize::{self, Options};
use super::Scorer;
use crate::error::{ensure, Result};
use crate::parallel;

/// Candidates kept per left row for the one-to-one assignment.
pub const CANDIDATES_PER_ROW: usize = 16;

/// The least score of a title matched through one of its forms, and of an
/// artist credit that contains the other on such a pair.
pub const FORM_SCORE: f64 = 90.0;

/// Largest duration difference (seconds) of a pair whose artists are written
/// in different scripts ("宇多田ヒカル" and "Hikaru Utada"): about the noise
/// between two services' durations of one recording.
pub const CROSS_SCRIPT_SECONDS: f64 = 2.0;

/// Settings of [`match_keys`].
#[derive(Clone, Debug)]
pub struct Params {
    /// Field scorer.
    pub scorer: Scorer,
    /// Minimum string score (0-100) of a fuzzy match.
    pub threshold: f64,
    /// Minimum score of every field of a fuzzy match (the first field's is the blocking cutoff).
    pub field_threshold: f64,
    /// Use each right row at most once.
    pub one_to_one: bool,
    /// Score every fuzzy pair instead of blocking by the first field.
    pub exhaustive: bool,
    /// Evidence beyond the key strings.
    pub evidence: Evidence,
    /// scikit-learn style thread count.
    pub n_jobs: i64,
}

/// One matched pair of rows.
#[derive(Clone, Debug, Default)]
pub struct Match {
    /// Row position in the left table.
    pub left: usize,
    /// Row position in the right table.
    pub right: usize,
    /// Score of each field (0-100).
    pub field_scores: Vec<f64>,
    /// Length-weighted mean of `field_scores`.
    pub string_score: f64,
    /// Evidence beyond the strings.
    pub evidence: Scores,
    /// Combined score (see [`super::evidence`]).
    pub score: f64,
    /// The normalized keys are equal.
    pub exact: bool,
    /// How the pair was found beyond plain string scores.
    pub via: Via,
}

impl PartialEq for Match {
    /// Equal pairs with equal scores, an absent (NaN) score equal to an absent one.
    fn eq(&self, other: &Self) -> bool {
        (self.left, self.right, self.exact, self.via)
            == (other.left, other.right, other.exact, other.via)
            && same_scores(
                &[self.string_score, self.score],
                &[other.string_score, other.score],
            )
            && same_scores(&self.field_scores, &other.field_scores)
            && self.evidence == other.evidence
    }
}

/// How a candidate pair was found beyond plain string scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Via {
    /// The artist score comes from one credit containing the other.
    pub artist_subset: bool,
    /// The title score comes from one of the titles' forms.
    pub title_form: bool,
    /// The artists are written in different scripts (one Latin), so the
    /// artist is not compared (its score is NaN): the titles are equal and
    /// the durations within [`CROSS_SCRIPT_SECONDS`].
    pub cross_script: bool,
}

/// Keys of one table: `fields[f][row]`, `None` for a missing value.
pub type Keys = [Vec<Option<String>>];

/// One table of the join: its normalized keys and its evidence. An empty
/// vector means the table does not have that evidence.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Normalized key fields, `keys[field][row]`.
    pub keys: Vec<Vec<Option<String>>>,
    /// The names of each row's artist credit (the first field).
    pub artist_parts: Vec<Vec<String>>,
    /// The other forms of each row's title (the second field).
    pub title_forms: Vec<Vec<String>>,
    /// Each row's version tags, sorted.
    pub tags: Vec<Vec<String>>,
    /// Each row's duration in seconds (NaN: missing).
    pub duration: Vec<f64>,
    /// Normalized extra columns, `extras[column][row]`.
    pub extras: Vec<Vec<Option<String>>>,
}

impl Table {
    /// A table of keys alone.
    pub fn of_keys(keys: Vec<Vec<Option<String>>>) -> Self {
        Table {
            keys,
            ..Table::default()
        }
    }

    fn rows(&self) -> usize {
        self.keys.first().map_or(0, Vec::len)
    }

    /// The table of `rows` (in that order), as a distributed caller sends
    /// part of it to a worker ([`Search::External`]).
    #[cfg(any(test, feature = "fuzzing"))]
    pub fn select(&self, rows: &[usize]) -> Table {
        let take = |c: &Vec<Option<String>>| rows.iter().map(|&i| c[i].clone()).collect();
        let lists = |v: &Vec<Vec<String>>| -> Vec<Vec<String>> {
            if v.is_empty() {
                Vec::new()
            } else {
                rows.iter().map(|&i| v[i].clone()).collect()
            }
        };
        Table {
            keys: self.keys.iter().map(take).collect(),
            artist_parts: lists(&self.artist_parts),
            title_forms: lists(&self.title_forms),
            tags: lists(&self.tags),
            duration: if self.duration.is_empty() {
                Vec::new()
            } else {
                rows.iter().map(|&i| self.duration[i]).collect()
            },
            extras: self.extras.iter().map(take).collect(),
        }
    }
}

/// The catalog join's own normalizer rules (see [`prepare_table`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Read artist credits as lists of names ([`normalize::artist_parts`]).
    pub artist_lists: bool,
    /// Titles also match in their other forms ([`normalize::title_forms`])
    /// and cut short ([`TitleIndex`]).
    pub subtitles: bool,
    /// Version tags become evidence ([`normalize::normalize_tagged`]; the
    /// options' `drop_version_tags` removes them from the key).
    pub version_tags: bool,
}

impl Default for Rules {
    /// Every rule on.
    fn default() -> Self {
        Rules {
            artist_lists: true,
            subtitles: true,
            version_tags: true,
        }
    }
}

/// A [`Table`] (without durations and extras) from raw key columns
/// (`raw[field][row]`): the keys normalized with `options`, and, with two or
/// more fields (artist, title, ...), the artist parts, title forms and version
/// tags that `rules` ask for (tags from the title, or from the only field).
pub fn prepare_table(
    raw: Vec<Vec<Option<String>>>,
    options: &Options,
    rules: &Rules,
    n_jobs: i64,
) -> Result<Table> {
    check_columns("raw", &raw)?;
    parallel::install(n_jobs, || {
        let titled = raw.len() >= 2;
        let title_field = usize::from(titled);
        let norm = |f: usize| -> Vec<Option<normalize::Tagged>> {
            raw[f]
                .par_iter()
                .with_min_len(256)
                .map(|v| {
                    v.as_deref()
                        .map(|v| normalize::normalize_tagged(v, options))
                })
                .collect()
        };
        let mut keys = Vec::with_capacity(raw.len());
        let (mut tags, mut subtitled) = (Vec::new(), Vec::new());
        for f in 0..raw.len() {
            let column = norm(f);
            if f == title_field {
                subtitled = column
                    .iter()
                    .map(|t| t.as_ref().is_some_and(|t| t.subtitled))
                    .collect();
                if rules.version_tags {
                    tags = column
                        .iter()
                        .map(|t| t.as_ref().map_or_else(Vec::new, |t| t.tags.clone()))
                        .collect();
                }
            }
            keys.push(
                column
                    .into_iter()
                    .map(|t| t.map(|t| t.text))
                    .collect::<Vec<_>>(),
            );
        }
        let per_row =
            |on: bool, form: &(dyn Fn(usize) -> Vec<String> + Sync)| -> Vec<Vec<String>> {
                if on && titled {
                    (0..raw[0].len())
                        .into_par_iter()
                        .with_min_len(256)
                        .map(form)
                        .collect()
                } else {
                    Vec::new()
                }
            };
        let artist_parts = per_row(rules.artist_lists, &|i| {
            raw[0][i]
                .as_deref()
                .map_or_else(Vec::new, |a| normalize::artist_parts(a, options))
        });
        let title_forms = per_row(rules.subtitles, &|i| match (&raw[1][i], &keys[1][i]) {
            (Some(title), Some(own)) if subtitled[i] => normalize::title_forms(title, own, options),
            _ => Vec::new(),
        });
        Table {
            artist_parts,
            title_forms,
            tags,
            keys,
            ..Table::default()
        }
    })
}

/// A caller's candidate search ([`Search::External`]): `(left rows, right rows) -> candidates`.
pub type FindCandidates<'a> = dyn FnMut(&[usize], &[usize]) -> Result<Vec<Match>> + 'a;

/// Where step 2 of [`match_keys_with`] (the candidate search) runs.
pub enum Search<'a> {
    /// In this process, calling `progress` with `(done, total)` left rows
    /// about once per percent and always once with `done == total`.
    Local(&'a (dyn Fn(usize, usize) + Sync)),
    /// By the caller (spread over machines, say), called once on the calling
    /// thread, outside tunelens's thread pools, with the free valid rows of
    /// each table (increasing): it returns their candidates, with row
    /// positions in the whole tables, as [`fuzzy_candidates`] finds them on
    /// the tables restricted to those rows (in any split of the left rows
    /// that keeps identical rows together).
    External(&'a mut FindCandidates<'a>),
}

/// Matches the rows of `left` and `right` (see the module docs), searching
/// the candidates here; `progress` as in [`Search::Local`].
pub fn match_keys(
    left: &Table,
    right: &Table,
    params: &Params,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<Match>> {
    match_keys_with(left, right, params, Search::Local(progress))
}

/// [`match_keys`] with the candidate search done by `search`: the one
/// composition of the three steps (the exact pass, the candidate search
/// over the rows it left free, [`assign`] over all candidates).
pub fn match_keys_with(
    left: &Table,
    right: &Table,
    params: &Params,
    search: Search<'_>,
) -> Result<Vec<Match>> {
    check(left, right, params)?;
    let (l, r, mut matches, left_rest, right_rest) = parallel::install(params.n_jobs, || {
        let (l, r) = (Side::new(left), Side::new(right));
        let matches = exact_matches(&l, &r, params);
        let mut left_used = vec![false; l.rows];
        let mut right_used = vec![false; r.rows];
        for m in &matches {
            left_used[m.left] = true;
            right_used[m.right] = params.one_to_one;
        }
        let left_rest: Vec<usize> = l.valid_rows().filter(|&i| !left_used[i]).collect();
        let right_rest: Vec<usize> = r.valid_rows().filter(|&j| !right_used[j]).collect();
        (l, r, matches, left_rest, right_rest)
    })?;
    let mut candidates = match search {
        Search::Local(progress) => parallel::install(params.n_jobs, || {
            candidates(&l, &r, &left_rest, &right_rest, params, progress)
        })?,
        Search::External(find) => find(&left_rest, &right_rest)?,
    };
    let chosen = assign(
        &candidates,
        &l.rank,
        &r.rank,
        params.one_to_one,
        params.n_jobs,
    )?;
    matches.extend(
        chosen
            .into_iter()
            .map(|k| std::mem::take(&mut candidates[k])),
    );
    matches.sort_by_key(|m| m.left);
    Ok(matches)
}

/// The candidate search alone (for [`Search::External`]): the [`CANDIDATES_PER_ROW`] best candidates (`exact` when
/// their keys are equal) of every valid row of `left` among the valid rows of
/// `right`, in no particular order.
///
/// A row's candidates depend only on that row, its identical rows and
/// `right`, so the left rows can be split in any way that keeps identical rows
/// together. `right` must hold the free right rows in their
/// original order (their relative rank is then the one [`match_keys`] uses);
/// callers map the row positions back to their tables.
pub fn fuzzy_candidates(
    left: &Table,
    right: &Table,
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

/// Step 3: the assignment of `candidates` ([`super::assignment`]),
/// `left_rank`/`right_rank` being the ranks of the whole tables. Returns
/// the positions of the chosen candidates, in no particular order.
fn assign(
    candidates: &[Match],
    left_rank: &[u32],
    right_rank: &[u32],
    one_to_one: bool,
    n_jobs: i64,
) -> Result<Vec<usize>> {
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
        assignment::choose(candidates, left_rank, right_rank, one_to_one)
    })
}

/// Validates the tables and the thresholds.
fn check(left: &Table, right: &Table, params: &Params) -> Result<()> {
    ensure(
        !left.keys.is_empty() && left.keys.len() == right.keys.len(),
        "right_on",
        || {
            format!(
                "needs as many key columns as left_on ({}), got {}",
                left.keys.len(),
                right.keys.len()
            )
        },
    )?;
    for (side, table) in [("left", left), ("right", right)] {
        check_columns(side, &table.keys)?;
        let rows = table.rows();
        let sized = |len: usize| len == 0 || len == rows;
        ensure(
            sized(table.artist_parts.len())
                && sized(table.title_forms.len())
                && sized(table.tags.len())
                && sized(table.duration.len())
                && table.extras.iter().all(|e| e.len() == rows),
            "evidence",
            || format!("every {side} evidence column needs one value per row ({rows})"),
        )?;
        ensure(
            table.extras.len() == params.evidence.extras.len(),
            "extra_on",
            || {
                format!(
                    "{side} has {} extra columns, the settings {}",
                    table.extras.len(),
                    params.evidence.extras.len()
                )
            },
        )?;
    }
    let e = &params.evidence;
    for (name, t) in [
        ("threshold", params.threshold),
        ("field_threshold", params.field_threshold),
    ] {
        ensure((0.0..=100.0).contains(&t), name, || {
            format!("must be in [0, 100], got {t}")
        })?;
    }
    ensure(
        e.duration_tolerance > 0.0 && e.duration_tolerance.is_finite(),
        "duration_tolerance",
        || {
            format!(
                "must be a positive number of seconds, got {}",
                e.duration_tolerance
            )
        },
    )?;
    let weights = [e.strings_weight, e.duration_weight, e.tags_weight]
        .into_iter()
        .chain(e.extras.iter().map(|x| x.weight));
    for w in weights {
        ensure(w.is_finite() && w >= 0.0, "weights", || {
            format!("every weight must be a finite number >= 0, got {w}")
        })?;
    }
    ensure(e.strings_weight > 0.0, "weights", || {
        "the strings weight must be positive (evidence never replaces the strings)".into()
    })
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

/// One table's keys as code points, with validity, ranks and evidence.
struct Side<'a> {
    rows: usize,
    table: &'a Table,
    text: Vec<&'a [Option<String>]>,
    points: Vec<Vec<Vec<u32>>>,
    extra_points: Vec<Vec<Vec<u32>>>,
    valid: Vec<bool>,
    rank: Vec<u32>,
}

impl<'a> Side<'a> {
    fn new(table: &'a Table) -> Self {
        let keys = &table.keys;
        let rows = table.rows();
        let text: Vec<&[Option<String>]> = keys.iter().map(Vec::as_slice).collect();
        let valid: Vec<bool> = (0..rows)
            .map(|i| {
                text.iter()
                    .all(|f| f[i].as_deref().is_some_and(|v| !v.trim().is_empty()))
            })
            .collect();
        let to_points = |column: &Vec<Option<String>>| -> Vec<Vec<u32>> {
            column
                .par_iter()
                .map(|v| v.as_deref().map_or_else(Vec::new, code_points))
                .collect()
        };
        Side {
            rows,
            table,
            text,
            points: keys.iter().map(to_points).collect(),
            extra_points: table.extras.iter().map(to_points).collect(),
            valid,
            rank: rank_rows(keys),
        }
    }

    fn valid_rows(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.rows).filter(|&i| self.valid[i])
    }

    fn duration(&self, i: usize) -> f64 {
        self.table.duration.get(i).copied().unwrap_or(f64::NAN)
    }

    fn tags(&self, i: usize) -> &[String] {
        self.table.tags.get(i).map_or(&[], Vec::as_slice)
    }

    /// Which evidence row `i` has: duration, tags, then each extra column.
    fn present(&self, i: usize) -> impl Iterator<Item = bool> + '_ {
        let extras = self.table.extras.iter().map(move |e| e[i].is_some());
        [!self.duration(i).is_nan(), !self.tags(i).is_empty()]
            .into_iter()
            .chain(extras)
    }

    /// The key and evidence that the exact pass joins on (`None`: not eligible).
    fn exact_key(&self, i: usize, with_duration: bool) -> Option<ExactKey<'_>> {
        let duration = self.duration(i);
        if with_duration && duration.is_nan() {
            return None;
        }
        Some((
            self.text
                .iter()
                .map(|f| f[i].as_deref().unwrap_or(""))
                .collect(),
            with_duration.then(|| duration.to_bits()),
            self.table.extras.iter().map(|e| e[i].as_deref()).collect(),
        ))
    }

    /// Everything the candidate search reads of row `i`.
    fn profile(&self, i: usize) -> Profile<'_> {
        let of = |v: &'a Vec<Vec<String>>| v.get(i).map_or(&[][..], Vec::as_slice);
        (
            self.text.iter().map(|f| f[i].as_deref()).collect(),
            self.duration(i).to_bits(),
            self.tags(i),
            self.table.extras.iter().map(|e| e[i].as_deref()).collect(),
            of(&self.table.title_forms),
            of(&self.table.artist_parts),
        )
    }

    /// Valid rows sorted by rank.
    fn ranked_rows(&self, rows: impl Iterator<Item = usize>) -> Vec<usize> {
        let mut v: Vec<usize> = rows.collect();
        v.sort_by_key(|&i| self.rank[i]);
        v
    }
}

/// The right rows of one exact group with the same tags: (tags, next free
/// position, rows in rank order).
type TagBucket<'a> = (&'a [String], usize, Vec<usize>);

/// What the exact pass joins on: keys, duration bits, extra values.
type ExactKey<'a> = (Vec<&'a str>, Option<u64>, Vec<Option<&'a str>>);

fn code_points(s: &str) -> Vec<u32> {
    s.chars().map(u32::from).collect()
}

/// Whether both tables carry durations.
fn with_duration(l: &Side, r: &Side) -> bool {
    !l.table.duration.is_empty() && !r.table.duration.is_empty()
}

/// Step 1: hash join on the key tuple and the evidence. Within a group, each
/// left row (in rank order) takes the free right row of lowest rank among
/// those with the same version tags, else among those whose tag score is
/// absent, else among all.
fn exact_matches(l: &Side, r: &Side, params: &Params) -> Vec<Match> {
    let durations = with_duration(l, r);
    let tagged = !l.table.tags.is_empty() && !r.table.tags.is_empty();
    let mut groups: HashMap<ExactKey, Vec<TagBucket>> = HashMap::new();
    for j in r.ranked_rows(r.valid_rows()) {
        if let Some(key) = r.exact_key(j, durations) {
            let buckets = groups.entry(key).or_default();
            let tags = r.tags(j);
            match buckets.iter_mut().find(|b| b.0 == tags) {
                Some(bucket) => bucket.2.push(j),
                None => buckets.push((tags, 0, vec![j])),
            }
        }
    }
    let mut out = Vec::new();
    for i in l.ranked_rows(l.valid_rows()) {
        let Some(buckets) = l.exact_key(i, durations).and_then(|k| groups.get_mut(&k)) else {
            continue;
        };
        let tags = |b: &[String]| {
            if tagged {
                tag_score(l.tags(i), b)
            } else {
                f64::NAN
            }
        };
        let best = |fits: &dyn Fn(f64) -> bool| {
            buckets
                .iter()
                .enumerate()
                .filter(|(_, b)| b.1 < b.2.len() && fits(tags(b.0)))
                .min_by_key(|(_, b)| r.rank[b.2[b.1]])
                .map(|(k, _)| k)
        };
        let Some(k) = best(&|t| t == 100.0)
            .or_else(|| best(&|t| t.is_nan()))
            .or_else(|| best(&|_| true))
        else {
            continue;
        };
        let bucket = &mut buckets[k];
        let fields = (vec![100.0; l.text.len()], 100.0);
        if let Some(m) = evaluate(l, r, i, bucket.2[bucket.1], fields, Via::default(), params) {
            out.push(m);
            bucket.1 += usize::from(params.one_to_one);
        }
    }
    out
}

/// The full candidate record of a pair whose field scores passed the string
/// thresholds: its evidence and combined score, or `None` when the durations
/// are too far apart.
fn evaluate(
    l: &Side,
    r: &Side,
    i: usize,
    j: usize,
    (field_scores, string_score): (Vec<f64>, f64),
    via: Via,
    params: &Params,
) -> Option<Match> {
    let e = &params.evidence;
    let (duration_diff, duration) = e.duration(l.duration(i), r.duration(j))?;
    let tags = if l.table.tags.is_empty() || r.table.tags.is_empty() {
        f64::NAN
    } else {
        tag_score(l.tags(i), r.tags(j))
    };
    let extras = e
        .extras
        .iter()
        .enumerate()
        .map(
            |(x, spec)| match (&l.table.extras[x][i], &r.table.extras[x][j]) {
                (Some(a), Some(b)) if spec.exact => 100.0 * f64::from(u8::from(a == b)),
                (Some(_), Some(_)) => {
                    params
                        .scorer
                        .score(&l.extra_points[x][i], &r.extra_points[x][j], 0.0)
                }
                _ => f64::NAN,
            },
        )
        .collect();
    let evidence = Scores {
        duration_diff,
        duration,
        tags,
        extras,
    };
    Some(Match {
        left: i,
        right: j,
        exact: l.text.iter().zip(&r.text).all(|(a, b)| a[i] == b[j]),
        score: e.combine(string_score, &evidence),
        field_scores,
        string_score,
        evidence,
        via,
    })
}

/// The length-weighted mean of the field scores of rows `i` and `j` (a NaN
/// score: the field is not compared).
fn string_score(l: &Side, r: &Side, i: usize, j: usize, field_scores: &[f64]) -> f64 {
    let (mut total, mut weights) = (0.0, 0.0);
    for (f, s) in field_scores.iter().enumerate().filter(|(_, s)| !s.is_nan()) {
        let w = (l.points[f][i].len() + r.points[f][j].len()) as f64;
        total += w * s;
        weights += w;
    }
    total / weights
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
    let pairing = Pairing {
        left: &left_blocks,
        l,
        r,
        scorer: params.scorer,
        cutoff: block_cutoff,
    };
    let similar = if params.exhaustive {
        pairing.all_pairs(&right_blocks)
    } else {
        pairing.through(&BigramIndex::new(&right_blocks, r, params.scorer))
    };
    let titles = TitleIndex::new(r, right_rest, with_duration(l, r));
    let done = AtomicUsize::new(0);
    let step = (left_rest.len() / 100).max(1);
    left_blocks
        .rows
        .par_iter()
        .zip(similar.par_iter())
        .flat_map_iter(|(rows, blocks)| {
            let best: Vec<Match> = twins(l, rows)
                .into_iter()
                .flat_map(|group| {
                    // identical rows share one search; one-to-one, for
                    // CANDIDATES_PER_ROW each, dealt out in turn so that each
                    // row gets its own; otherwise all take the same best
                    let dealt = if params.one_to_one { group.len() } else { 1 };
                    let capacity = CANDIDATES_PER_ROW * dealt;
                    let i = group[0];
                    let mut best = best_for_row(i, blocks, &right_blocks, (l, r), params, capacity);
                    titles.add_candidates(i, (l, r), params, &mut best, capacity);
                    let mut out = Vec::with_capacity(best.len() * group.len() / dealt);
                    for (k, m) in best.into_iter().enumerate() {
                        if dealt > 1 {
                            out.push(Match {
                                left: group[k % dealt],
                                ..m
                            });
                        } else {
                            out.extend(group.iter().map(|&left| Match { left, ..m.clone() }));
                        }
                    }
                    out
                })
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

/// `rows` grouped by their keys and evidence (identical rows together, each
/// group in rank order), groups in order of their first row.
fn twins(l: &Side, rows: &[usize]) -> Vec<Vec<usize>> {
    let mut slot: HashMap<Profile, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in rows {
        let g = *slot.entry(l.profile(i)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    for group in &mut groups {
        group.sort_unstable_by_key(|&i| l.rank[i]);
    }
    groups
}

/// Everything the candidate search reads of a left row.
type Profile<'a> = (
    Vec<Option<&'a str>>,
    u64,
    &'a [String],
    Vec<Option<&'a str>>,
    &'a [String],
    &'a [String],
);

/// The `capacity` best right rows of left row `i` among the blocked pairs.
fn best_for_row(
    i: usize,
    blocks: &[(usize, f64)],
    right_blocks: &Blocks,
    (l, r): (&Side, &Side),
    params: &Params,
    capacity: usize,
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
            let floor = string_floor(&best, l, i, params, capacity);
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
            let strings = gained / total;
            if strings + 1e-9 >= params.threshold {
                let fields = (scores.clone(), strings);
                if let Some(m) = evaluate(l, r, i, j, fields, Via::default(), params) {
                    keep_best(&mut best, m, r, capacity);
                }
            }
        }
    }
    best
}

/// The string score a new candidate of left row `i` must reach to enter a
/// full list `best` (`threshold` while it has room).
fn string_floor(best: &[Match], l: &Side, i: usize, params: &Params, capacity: usize) -> f64 {
    match best.get(capacity - 1) {
        Some(last) => params
            .threshold
            .max(params.evidence.string_floor(last.score, l.present(i))),
        None => params.threshold,
    }
}

/// Inserts `c` into the sorted, bounded list `best` (by combined score, then
/// right rank), unless the list holds that pair already.
fn keep_best(best: &mut Vec<Match>, c: Match, r: &Side, capacity: usize) {
    if best.iter().any(|b| b.right == c.right) {
        return;
    }
    let pos = best.partition_point(|b| {
        b.score > c.score || (b.score == c.score && r.rank[b.right] < r.rank[c.right])
    });
    if pos < capacity {
        best.insert(pos, c);
        best.truncate(capacity);
    }
}

/// The free right rows by the keys of the title join (the title being the
/// second field, the artist the first):
///
/// - (title, artist word) and (title form, artist word): a pair found so
///   shares at least one artist word;
/// - (artist, a word prefix of the title), with durations on both rows: a
///   title cut short ("I Ran" for "I Ran So Far Away") meets the longer one
///   only for the same normalized artist, the shorter title being the first
///   two or more words of the longer, and only where the durations agree
///   (without them, "Thunder Home" and "Thunder Home Part II" are as close);
/// - (title, artist) without spaces ([`squashed`]);
/// - (title without spaces, whether the artist is written in Latin letters),
///   with durations: the pairs whose artists are written in different scripts.
///
/// Titles, forms, prefixes and artists are keyed as [`Text`] (hashed once),
/// so a long key costs time linear in its length.
struct TitleIndex<'a> {
    by_title: HashMap<(Text<'a>, &'a str), Vec<usize>>,
    by_form: HashMap<(Text<'a>, &'a str), Vec<usize>>,
    by_prefix: HashMap<(Text<'a>, Text<'a>), Vec<usize>>,
    by_squashed: HashMap<(String, String), Vec<usize>>,
    by_script: HashMap<(String, bool), Vec<usize>>,
}

impl<'a> TitleIndex<'a> {
    fn new(r: &Side<'a>, right_rest: &[usize], durations: bool) -> Self {
        let mut index = TitleIndex {
            by_title: HashMap::new(),
            by_form: HashMap::new(),
            by_prefix: HashMap::new(),
            by_squashed: HashMap::new(),
            by_script: HashMap::new(),
        };
        let forms = &r.table.title_forms;
        if r.text.len() < 2 || forms.is_empty() {
            return index;
        }
        for &j in right_rest {
            let (Some(artist), Some(title)) = (r.text[0][j].as_deref(), r.text[1][j].as_deref())
            else {
                continue;
            };
            let (artist_key, title_key) = (Text::new(artist), Text::new(title));
            let form_keys: Vec<Text> = forms[j].iter().map(|f| Text::new(f)).collect();
            for word in artist_words(artist) {
                index.by_title.entry((title_key, word)).or_default().push(j);
                for &form in &form_keys {
                    index.by_form.entry((form, word)).or_default().push(j);
                }
            }
            index
                .by_squashed
                .entry((squashed(title), squashed(artist)))
                .or_default()
                .push(j);
            if durations && !r.duration(j).is_nan() {
                for prefix in word_prefixes(title) {
                    let rows = index.by_prefix.entry((artist_key, prefix)).or_default();
                    rows.push(j);
                }
                index
                    .by_script
                    .entry((squashed(title), is_latin(artist)))
                    .or_default()
                    .push(j);
            }
        }
        index
    }

    /// Adds to `best` the right rows that meet left row `i` through the
    /// index's keys (see [`TitleIndex`]), scored on the terms of each.
    fn add_candidates(
        &self,
        i: usize,
        (l, r): (&Side, &Side),
        params: &Params,
        best: &mut Vec<Match>,
        capacity: usize,
    ) {
        if l.text.len() < 2 {
            return;
        }
        let (Some(artist), Some(title), Some(forms)) = (
            l.text[0][i].as_deref(),
            l.text[1][i].as_deref(),
            l.table.title_forms.get(i),
        ) else {
            return;
        };
        fn rows<'m, K: std::hash::Hash + Eq>(
            map: &'m HashMap<K, Vec<usize>>,
            key: &K,
        ) -> impl Iterator<Item = usize> + 'm {
            map.get(key).map_or(&[][..], Vec::as_slice).iter().copied()
        }
        let mut seen: HashSet<usize> = best.iter().map(|b| b.right).collect();
        let words = artist_words(artist);
        let (artist_key, title_key) = (Text::new(artist), Text::new(title));
        let form_keys: Vec<Text> = forms.iter().map(|f| Text::new(f)).collect();
        let form_keys = &form_keys;
        let by_words = words.iter().flat_map(|&word| {
            let own = rows(&self.by_title, &(title_key, word))
                .chain(rows(&self.by_form, &(title_key, word)));
            let of_forms = form_keys
                .iter()
                .flat_map(move |&f| rows(&self.by_title, &(f, word)));
            own.chain(of_forms)
        });
        let first = words[0];
        let timed = !l.duration(i).is_nan() && !self.by_prefix.is_empty();
        let prefixes = word_prefixes(title).filter(move |_| timed);
        let cut_short = rows(&self.by_prefix, &(artist_key, title_key))
            .filter(move |_| timed)
            .chain(prefixes.flat_map(|p| {
                rows(&self.by_title, &(p, first)).filter(move |&j| {
                    r.text[0][j].as_deref() == Some(artist) && !r.duration(j).is_nan()
                })
            }));
        let spaced = rows(&self.by_squashed, &(squashed(title), squashed(artist)));
        for j in by_words.chain(cut_short).chain(spaced) {
            if seen.insert(j) {
                if let Some(m) = score_form_pair(l, r, i, j, params) {
                    keep_best(best, m, r, capacity);
                }
            }
        }
        for j in rows(&self.by_script, &(squashed(title), !is_latin(artist))) {
            if seen.insert(j) {
                if let Some(m) = score_cross_script(l, r, i, j, params) {
                    keep_best(best, m, r, capacity);
                }
            }
        }
    }
}

/// The distinct words of an artist key, in order.
fn artist_words(artist: &str) -> Vec<&str> {
    let mut seen = HashSet::new();
    artist.split(' ').filter(|w| seen.insert(*w)).collect()
}

/// The first two or more words of `title`, shorter than the whole, hashed
/// in one pass over it.
fn word_prefixes(title: &str) -> impl Iterator<Item = Text<'_>> {
    let (mut hash, mut spaces) = (Text::SEED, 0);
    title.bytes().enumerate().filter_map(move |(at, byte)| {
        spaces += usize::from(byte == b' ');
        let prefix = (byte == b' ' && spaces >= 2).then(|| Text {
            hash,
            text: &title[..at],
        });
        hash = Text::step(hash, byte);
        prefix
    })
}

/// A key string with its hash (FNV-1a of its bytes) computed once: a long
/// title is hashed once per row rather than once per artist word, and all its
/// word prefixes in one pass ([`word_prefixes`]).
#[derive(Clone, Copy, Debug)]
struct Text<'a> {
    hash: u64,
    text: &'a str,
}

impl<'a> Text<'a> {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;

    fn step(hash: u64, byte: u8) -> u64 {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    }

    fn new(text: &'a str) -> Self {
        Text {
            hash: text.bytes().fold(Self::SEED, Self::step),
            text,
        }
    }
}

impl std::hash::Hash for Text<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Text<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for Text<'_> {}

/// The candidate record of a pair found through its title forms, if it
/// passes the string thresholds.
fn score_form_pair(l: &Side, r: &Side, i: usize, j: usize, params: &Params) -> Option<Match> {
    let fields = l.points.len();
    let mut scores = Vec::with_capacity(fields);
    let artist = params.scorer.score(&l.points[0][i], &r.points[0][j], 0.0);
    let subset = artist < FORM_SCORE
        && !l.table.artist_parts.is_empty()
        && !r.table.artist_parts.is_empty()
        && artists_overlap(&artist_names(l, i), &artist_names(r, j));
    scores.push(if subset { FORM_SCORE } else { artist });
    let title = params.scorer.score(&l.points[1][i], &r.points[1][j], 0.0);
    let form = title < FORM_SCORE;
    scores.push(title.max(FORM_SCORE));
    for f in 2..fields {
        scores.push(params.scorer.score(&l.points[f][i], &r.points[f][j], 0.0));
    }
    let via = Via {
        artist_subset: subset,
        title_form: form,
        cross_script: false,
    };
    qualified((l, r), (i, j), scores, 0, via, params)
}

/// [`evaluate`] of a pair whose fields from `checked` on all reach
/// `field_threshold` and whose string score reaches `threshold`.
fn qualified(
    (l, r): (&Side, &Side),
    (i, j): (usize, usize),
    scores: Vec<f64>,
    checked: usize,
    via: Via,
    params: &Params,
) -> Option<Match> {
    let strings = string_score(l, r, i, j, &scores);
    let passes = scores[checked..]
        .iter()
        .all(|&s| s >= params.field_threshold)
        && strings + 1e-9 >= params.threshold;
    passes
        .then(|| evaluate(l, r, i, j, (scores, strings), via, params))
        .flatten()
}

/// The candidate record of a pair with equal titles (spaces aside) whose
/// artists are written in different scripts, if its other fields pass the
/// thresholds and its durations lie within [`CROSS_SCRIPT_SECONDS`].
fn score_cross_script(l: &Side, r: &Side, i: usize, j: usize, params: &Params) -> Option<Match> {
    let apart = (l.duration(i) - r.duration(j)).abs();
    let close = apart <= CROSS_SCRIPT_SECONDS.min(params.evidence.duration_tolerance);
    if !close {
        // also when a duration is missing (NaN)
        return None;
    }
    let spaced = l.text[1][i] != r.text[1][j];
    let mut scores = vec![f64::NAN, if spaced { FORM_SCORE } else { 100.0 }];
    for f in 2..l.points.len() {
        scores.push(params.scorer.score(&l.points[f][i], &r.points[f][j], 0.0));
    }
    let via = Via {
        cross_script: true,
        title_form: spaced,
        ..Via::default()
    };
    // the artist is not compared, and the title met by construction
    qualified((l, r), (i, j), scores, 2, via, params)
}

/// Whether an artist key is written in Latin letters (or has no letters).
fn is_latin(artist: &str) -> bool {
    artist
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| c.is_ascii())
}

/// An artist key or title without its spaces (another export's cleaning may
/// delete a character that this one turned into a space: "spider man" and
/// "spiderman").
fn squashed(text: &str) -> String {
    text.split(' ').collect()
}

/// The names of row `i`'s artist credit: its parts, or its key when it has none.
fn artist_names<'a>(side: &Side<'a>, i: usize) -> Vec<&'a str> {
    match side.table.artist_parts.get(i) {
        Some(parts) if !parts.is_empty() => parts.iter().map(String::as_str).collect(),
        _ => side.text[0][i].as_deref().into_iter().collect(),
    }
}

/// Whether one artist credit contains the other: every name of one is a name
/// of the other, or its words are all words of one name there ("hall" in
/// "daryl hall"), spaces aside ("n sync" is "nsync").
pub fn artists_overlap(a: &[&str], b: &[&str]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    covered(a, b) || covered(b, a)
}

/// Whether every name of `x` lies within a name of `y` (see
/// [`artists_overlap`]); word sets, so long credits cost linear time.
fn covered(x: &[&str], y: &[&str]) -> bool {
    let words: Vec<HashSet<&str>> = y.iter().map(|o| o.split(' ').collect()).collect();
    let squashed: HashSet<String> = y.iter().map(|o| o.replace(' ', "")).collect();
    x.iter().all(|n| {
        squashed.contains(&n.replace(' ', ""))
            || words.iter().any(|w| n.split(' ').all(|x| w.contains(x)))
    })
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
}

/// Pairs the left blocks with the right blocks whose first field scores at
/// least `cutoff` against theirs: for each left block, `(right block,
/// score)` in right-block order.
struct Pairing<'a> {
    left: &'a Blocks,
    l: &'a Side<'a>,
    r: &'a Side<'a>,
    scorer: Scorer,
    cutoff: f64,
}

impl Pairing<'_> {
    /// Every right block scored (exhaustive mode).
    fn all_pairs(&self, right: &Blocks) -> Vec<Vec<(usize, f64)>> {
        self.left
            .head
            .par_iter()
            .map(|&i| {
                let query = self.scorer.prepare(&self.l.points[0][i]);
                right
                    .head
                    .iter()
                    .enumerate()
                    .map(|(b, &j)| (b, query.score(&self.r.points[0][j], self.cutoff)))
                    .filter(|&(_, s)| s >= self.cutoff)
                    .collect()
            })
            .collect()
    }

    /// Only the right blocks that share a bigram with the left one in
    /// `index` (and, for the Indel scorers, have enough in common to reach
    /// the cutoff) are scored.
    fn through(&self, index: &BigramIndex) -> Vec<Vec<(usize, f64)>> {
        let (l, r, scorer, cutoff) = (self.l, self.r, self.scorer, self.cutoff);
        let indel = matches!(
            scorer,
            Scorer::Ratio | Scorer::QRatio | Scorer::TokenSortRatio
        );
        self.left
            .head
            .par_iter()
            .map_init(
                || (vec![0u32; index.heads.len()], Vec::new()),
                |(counts, touched), &i| {
                    let text = &l.points[0][i];
                    let indexed = index_text(text, scorer);
                    let own = bigrams(&indexed);
                    for g in &own {
                        for &b in index.postings.get(g).map_or(&[][..], Vec::as_slice) {
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
                        let lengths = (indexed.len(), index.lengths[b]);
                        if indel
                            && !lemma_allows(lengths, (own.len(), index.grams[b]), shared, cutoff)
                        {
                            continue;
                        }
                        let s = query.score(&r.points[0][index.heads[b]], cutoff);
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
            evidence: Evidence::default(),
            n_jobs,
        }
    }

    fn table(rows: &[(&str, &str)]) -> Table {
        Table::of_keys(keys(rows))
    }

    fn pairs(
        left: &[(&str, &str)],
        right: &[(&str, &str)],
        p: &Params,
    ) -> Vec<(usize, usize, bool)> {
        match_keys(&table(left), &table(right), p, &|_, _| {})
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
            &table(&left),
            &table(&[("a long artist name", "fir")]),
            &params(1),
            &|_, _| {},
        )
        .unwrap();
        let title = Scorer::TokenSortRatio.score(&code_points("fire"), &code_points("fir"), 0.0);
        assert_eq!(m[0].field_scores, vec![100.0, title]);
        assert!((m[0].score - (36.0 * 100.0 + 7.0 * title) / 43.0).abs() < 1e-12);
        assert_eq!(m[0].score, m[0].string_score);
    }

    /// The steps run apart, as a distributed caller runs them: exact pass on
    /// the whole tables, candidates per chunk of free left rows against the
    /// free right rows, one assignment over all candidates.
    fn in_steps(left: &Table, right: &Table, p: &Params, chunk: usize) -> Vec<Match> {
        // chunks of `chunk` groups of identical rows (the tables here are keys alone)
        let mut find = |left_free: &[usize], right_free: &[usize]| -> Result<Vec<Match>> {
            let pool = right.select(right_free);
            let mut groups: Vec<Vec<usize>> = Vec::new();
            for &i in left_free {
                let key: Vec<_> = left.keys.iter().map(|f| &f[i]).collect();
                match groups
                    .iter_mut()
                    .find(|g| left.keys.iter().map(|f| &f[g[0]]).eq(key.iter().copied()))
                {
                    Some(g) => g.push(i),
                    None => groups.push(vec![i]),
                }
            }
            let mut candidates = Vec::new();
            for rows in groups.chunks(chunk).map(|c| c.concat()) {
                for mut c in fuzzy_candidates(&left.select(&rows), &pool, p, &|_, _| {})? {
                    (c.left, c.right) = (rows[c.left], right_free[c.right]);
                    candidates.push(c);
                }
            }
            Ok(candidates)
        };
        match_keys_with(left, right, p, Search::External(&mut find)).unwrap()
    }

    #[test]
    fn steps_run_apart_equal_match_keys() {
        // 20 identical left rows compete for the same 24 right rows: they
        // share one search and deal its 16 x 20 best out in turn, so each
        // finds its own partner; all rows share an artist.
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
        let (l, r) = (table(&left), table(&right));
        for one_to_one in [true, false] {
            let p = Params {
                threshold: 80.0,
                field_threshold: 60.0,
                one_to_one,
                ..params(2)
            };
            let whole = match_keys(&l, &r, &p, &|_, _| {}).unwrap();
            let twins = whole.iter().filter(|m| m.left < 20).count();
            assert_eq!(twins, 20, "one_to_one {one_to_one}");
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
        let k = table(&[("a", "b")]);
        let one_field = Table::of_keys(k.keys[..1].to_vec());
        assert!(match_keys(&k, &one_field, &params(1), &|_, _| {}).is_err());
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
