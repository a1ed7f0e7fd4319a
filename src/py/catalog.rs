//! Bindings for `crate::matching::{normalize, catalog}`.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::detach;
use crate::error::Error;
use crate::matching::catalog::{self, Match, Params, Rules, Table};
use crate::matching::evidence::{Evidence, Extra};
use crate::matching::normalize::{self as norm, normalize_all, Options};
use crate::matching::Scorer;

/// Normalization options, passed from Python as a dict (`tunelens.text._options`).
#[derive(FromPyObject, Clone, Copy)]
#[pyo3(from_item_all)]
struct NormalizeOptions {
    fold_accents: bool,
    casefold: bool,
    drop_featuring: bool,
    drop_version_tags: bool,
    unify_and: bool,
    drop_leading_the: bool,
    punctuation: bool,
    collapse_whitespace: bool,
    transliterate: bool,
}

impl From<NormalizeOptions> for Options {
    fn from(o: NormalizeOptions) -> Self {
        Options {
            fold_accents: o.fold_accents,
            casefold: o.casefold,
            drop_featuring: o.drop_featuring,
            drop_version_tags: o.drop_version_tags,
            unify_and: o.unify_and,
            drop_leading_the: o.drop_leading_the,
            punctuation: o.punctuation,
            collapse_whitespace: o.collapse_whitespace,
            transliterate: o.transliterate,
        }
    }
}

/// Normalizes each text (`None` stays `None`) on `n_jobs` threads.
#[pyfunction]
#[pyo3(signature = (texts, *, options, n_jobs))]
fn normalize(
    py: Python<'_>,
    texts: Vec<Option<String>>,
    options: NormalizeOptions,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Vec<Option<String>>> {
    detach::run(py, || normalize_all(&texts, &options.into(), n_jobs))
}

/// `(text without credits, featured names)`.
#[pyfunction]
fn split_featuring(text: &str) -> (String, Vec<String>) {
    norm::split_featuring(text)
}

/// The join's rules, passed from Python as a dict (`tunelens.catalog.RULES`).
#[derive(FromPyObject, Clone, Copy)]
#[pyo3(from_item_all)]
struct RuleArgs {
    artist_lists: bool,
    subtitles: bool,
    version_tags: bool,
}

/// A join table from raw key columns (`raw[field][row]`): a dict with
/// `keys`, `artist_parts`, `title_forms` and `tags`.
#[pyfunction]
#[pyo3(signature = (raw, *, options, rules, n_jobs))]
fn catalog_table<'py>(
    py: Python<'py>,
    raw: Vec<Vec<Option<String>>>,
    options: NormalizeOptions,
    rules: RuleArgs,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyDict>> {
    let rules = Rules {
        artist_lists: rules.artist_lists,
        subtitles: rules.subtitles,
        version_tags: rules.version_tags,
    };
    let table = detach::run(py, || {
        catalog::prepare_table(raw, &options.into(), &rules, n_jobs)
    })?;
    let out = PyDict::new(py);
    out.set_item("keys", table.keys)?;
    out.set_item("artist_parts", table.artist_parts)?;
    out.set_item("title_forms", table.title_forms)?;
    out.set_item("tags", table.tags)?;
    Ok(out)
}

/// One table of the join, passed from Python as a dict (`tunelens.catalog._Table`).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct TableArgs {
    keys: Vec<Vec<Option<String>>>,
    artist_parts: Vec<Vec<String>>,
    title_forms: Vec<Vec<String>>,
    tags: Vec<Vec<String>>,
    duration: Vec<f64>,
    extras: Vec<Vec<Option<String>>>,
}

impl From<TableArgs> for Table {
    fn from(t: TableArgs) -> Self {
        Table {
            keys: t.keys,
            artist_parts: t.artist_parts,
            title_forms: t.title_forms,
            tags: t.tags,
            duration: t.duration,
            extras: t.extras,
        }
    }
}

/// Join settings, passed from Python as a dict (`tunelens.catalog._settings`).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Settings {
    scorer: String,
    threshold: f64,
    field_threshold: f64,
    one_to_one: bool,
    exhaustive: bool,
    duration_tolerance: f64,
    strings_weight: f64,
    duration_weight: f64,
    tags_weight: f64,
    /// `(exact, weight)` of each extra column.
    extras: Vec<(bool, f64)>,
    #[pyo3(from_py_with = super::args::n_jobs)]
    n_jobs: i64,
}

impl Settings {
    fn params(&self) -> Result<Params, Error> {
        let scorer = Scorer::from_name(&self.scorer)
            .ok_or_else(|| Error::param("scorer", format!("unknown scorer '{}'", self.scorer)))?;
        Ok(Params {
            scorer,
            threshold: self.threshold,
            field_threshold: self.field_threshold,
            one_to_one: self.one_to_one,
            exhaustive: self.exhaustive,
            evidence: Evidence {
                duration_tolerance: self.duration_tolerance,
                strings_weight: self.strings_weight,
                duration_weight: self.duration_weight,
                tags_weight: self.tags_weight,
                extras: self
                    .extras
                    .iter()
                    .map(|&(exact, weight)| Extra { exact, weight })
                    .collect(),
            },
            n_jobs: self.n_jobs,
        })
    }
}

/// Matches as a dict of arrays: `left`, `right`, `field_scores`,
/// `string_score`, `duration_diff`, `duration_score`, `tags_score`,
/// `extra_scores`, `score`, `exact`, `artist_subset`, `title_form`, `cross_script`.
fn to_arrays<'py>(
    py: Python<'py>,
    matches: &[Match],
    fields: usize,
    extras: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let matrix = |width: usize, get: fn(&Match) -> &[f64]| {
        let mut m = Array2::zeros((matches.len(), width));
        for (row, c) in m.rows_mut().into_iter().zip(matches) {
            row.into_iter().zip(get(c)).for_each(|(d, &s)| *d = s);
        }
        m.into_pyarray(py)
    };
    let out = PyDict::new(py);
    let index = |f: fn(&Match) -> usize| matches.iter().map(|m| f(m) as i64).collect::<Vec<_>>();
    let real = |f: fn(&Match) -> f64| matches.iter().map(f).collect::<Vec<_>>().into_pyarray(py);
    let flag = |f: fn(&Match) -> bool| matches.iter().map(f).collect::<Vec<_>>().into_pyarray(py);
    out.set_item("left", index(|m| m.left).into_pyarray(py))?;
    out.set_item("right", index(|m| m.right).into_pyarray(py))?;
    out.set_item("field_scores", matrix(fields, |m| &m.field_scores))?;
    out.set_item("extra_scores", matrix(extras, |m| &m.evidence.extras))?;
    out.set_item("string_score", real(|m| m.string_score))?;
    out.set_item("duration_diff", real(|m| m.evidence.duration_diff))?;
    out.set_item("duration_score", real(|m| m.evidence.duration))?;
    out.set_item("tags_score", real(|m| m.evidence.tags))?;
    out.set_item("score", real(|m| m.score))?;
    out.set_item("exact", flag(|m| m.exact))?;
    out.set_item("artist_subset", flag(|m| m.via.artist_subset))?;
    out.set_item("title_form", flag(|m| m.via.title_form))?;
    out.set_item("cross_script", flag(|m| m.via.cross_script))?;
    Ok(out)
}

/// Matches two tables (see `catalog::match_keys`), as [`to_arrays`].
#[pyfunction]
#[pyo3(signature = (left, right, settings, progress=None))]
fn match_keys<'py>(
    py: Python<'py>,
    left: TableArgs,
    right: TableArgs,
    settings: Settings,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let report = |done: usize, total: usize| {
        if let Some(callback) = &progress {
            // A failing progress callback must not stop the match.
            Python::attach(|py| callback.call1(py, (done, total)).map(drop).unwrap_or(()));
        }
    };
    let (fields, extras) = (left.keys.len(), settings.extras.len());
    let (left, right) = (Table::from(left), Table::from(right));
    let matches = detach::run(py, || {
        catalog::match_keys(&left, &right, &settings.params()?, &report)
    })?;
    to_arrays(py, &matches, fields, extras)
}

/// One step of [`match_keys`] on two tables, as [`to_arrays`].
fn step<'py>(
    py: Python<'py>,
    (left, right, settings): (TableArgs, TableArgs, Settings),
    run: fn(&Table, &Table, &Params) -> Result<Vec<Match>, Error>,
) -> PyResult<Bound<'py, PyDict>> {
    let (fields, extras) = (left.keys.len(), settings.extras.len());
    let (left, right) = (Table::from(left), Table::from(right));
    let matches = detach::run(py, || run(&left, &right, &settings.params()?))?;
    to_arrays(py, &matches, fields, extras)
}

/// The exact pass of [`match_keys`] alone, as [`to_arrays`].
#[pyfunction]
fn match_exact<'py>(
    py: Python<'py>,
    left: TableArgs,
    right: TableArgs,
    settings: Settings,
) -> PyResult<Bound<'py, PyDict>> {
    step(py, (left, right, settings), catalog::exact_pass)
}

/// The candidates of every valid left row among the valid right rows (rows of
/// the given tables), as [`to_arrays`].
#[pyfunction]
fn match_candidates<'py>(
    py: Python<'py>,
    left: TableArgs,
    right: TableArgs,
    settings: Settings,
) -> PyResult<Bound<'py, PyDict>> {
    step(py, (left, right, settings), |l, r, p| {
        catalog::fuzzy_candidates(l, r, p, &|_, _| {})
    })
}

/// Each row's rank in a key table (by key tuple, then position).
#[pyfunction]
#[pyo3(signature = (keys, *, n_jobs))]
fn match_ranks<'py>(
    py: Python<'py>,
    keys: Vec<Vec<Option<String>>>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyArray1<u32>>> {
    Ok(detach::run(py, || catalog::ranks(&keys, n_jobs))?.into_pyarray(py))
}

/// Row positions from an index array (`name` for the error message).
fn positions(values: &[i64], name: &'static str) -> Result<Vec<usize>, Error> {
    values
        .iter()
        .map(|&v| {
            usize::try_from(v)
                .map_err(|_| Error::param(name, format!("row positions must be >= 0, got {v}")))
        })
        .collect()
}

/// The assignment of candidate pairs `(left, right, score)` given the ranks
/// of the whole tables: the positions of the chosen candidates.
#[pyfunction]
#[pyo3(signature = (left, right, score, left_rank, right_rank, *, one_to_one, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn match_assign<'py>(
    py: Python<'py>,
    left: PyReadonlyArray1<'py, i64>,
    right: PyReadonlyArray1<'py, i64>,
    score: PyReadonlyArray1<'py, f64>,
    left_rank: PyReadonlyArray1<'py, u32>,
    right_rank: PyReadonlyArray1<'py, u32>,
    one_to_one: bool,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let (left, right, score) = (
        left.as_array().to_vec(),
        right.as_array().to_vec(),
        score.as_array().to_vec(),
    );
    let (left_rank, right_rank) = (
        left_rank.as_array().to_vec(),
        right_rank.as_array().to_vec(),
    );
    let chosen = detach::run(py, || {
        let n = score.len();
        if left.len() != n || right.len() != n {
            return Err(Error::param(
                "candidates",
                format!(
                    "left and right need one entry per score ({n}), got {} and {}",
                    left.len(),
                    right.len()
                ),
            ));
        }
        let (li, ri) = (positions(&left, "left")?, positions(&right, "right")?);
        let candidates: Vec<Match> = (0..n)
            .map(|c| Match {
                left: li[c],
                right: ri[c],
                score: score[c],
                ..Match::default()
            })
            .collect();
        catalog::assign(&candidates, &left_rank, &right_rank, one_to_one, n_jobs)
    })?;
    Ok(chosen
        .into_iter()
        .map(|k| k as i64)
        .collect::<Vec<_>>()
        .into_pyarray(py))
}

/// Registers the catalog functions on `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(split_featuring, m)?)?;
    m.add_function(wrap_pyfunction!(catalog_table, m)?)?;
    m.add_function(wrap_pyfunction!(match_keys, m)?)?;
    m.add_function(wrap_pyfunction!(match_exact, m)?)?;
    m.add_function(wrap_pyfunction!(match_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(match_ranks, m)?)?;
    m.add_function(wrap_pyfunction!(match_assign, m)?)?;
    Ok(())
}
