//! Bindings for `crate::matching::{normalize, catalog}`.

use ndarray::Array2;
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::add_functions;
use super::detach;
use super::errors::IntoPyResult;
use crate::error::{catch_panic, Error};
use crate::matching::catalog::{self, Match, Params, Rules, Search, Table, Via};
use crate::matching::evidence::{Evidence, Extra, Scores};
use crate::matching::normalize::{self as norm, normalize_all, Options};

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
    /// Parsed by the core ([`Scorer`]'s `FromStr`) in [`Settings::params`],
    /// where the error is the core's.
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
        Ok(Params {
            scorer: self.scorer.parse()?,
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

/// The real-valued columns of the layout of [`to_arrays`], in the order
/// [`CandidateColumns::matches`] reads them.
const REALS: [&str; 5] = [
    "string_score",
    "duration_diff",
    "duration_score",
    "tags_score",
    "score",
];
/// Its flag columns, likewise.
const FLAGS: [&str; 4] = ["exact", "artist_subset", "title_form", "cross_script"];

/// Matches in the layout of [`to_arrays`] (a dict of arrays), from Python:
/// the candidates a `candidates` callback of [`match_keys`] returns.
struct CandidateColumns<'py> {
    rows: [PyReadonlyArray1<'py, i64>; 2],
    scores: [PyReadonlyArray2<'py, f64>; 2],
    reals: Vec<PyReadonlyArray1<'py, f64>>,
    flags: Vec<PyReadonlyArray1<'py, bool>>,
}

impl<'py> CandidateColumns<'py> {
    /// Borrows the arrays of `found` (a `TypeError` or `KeyError` for a
    /// missing or mistyped one).
    fn read(found: &Bound<'py, PyAny>) -> PyResult<Self> {
        let get = |key: &str| found.get_item(key);
        Ok(CandidateColumns {
            rows: [get("left")?.extract()?, get("right")?.extract()?],
            scores: [
                get("field_scores")?.extract()?,
                get("extra_scores")?.extract()?,
            ],
            reals: REALS
                .iter()
                .map(|&k| get(k)?.extract())
                .collect::<PyResult<_>>()?,
            flags: FLAGS
                .iter()
                .map(|&k| get(k)?.extract())
                .collect::<PyResult<_>>()?,
        })
    }

    /// The matches, one per entry of `left` (every array must have as many
    /// rows; positions must be >= 0).
    fn matches(&self) -> Result<Vec<Match>, Error> {
        let [left, right] = &self.rows;
        let [fields, extras] = [&self.scores[0], &self.scores[1]].map(|a| a.as_array());
        let n = left.len();
        let lengths = [right.len(), fields.nrows(), extras.nrows()].into_iter();
        let columns = self.reals.iter().map(|a| a.len());
        if lengths
            .chain(columns)
            .chain(self.flags.iter().map(|a| a.len()))
            .any(|len| len != n)
        {
            return Err(Error::param(
                "candidates",
                format!("every array of the candidates needs {n} entries (one per left position)"),
            ));
        }
        let position = |v: i64| {
            usize::try_from(v).map_err(|_| {
                Error::param("candidates", format!("row positions must be >= 0, got {v}"))
            })
        };
        let [string_score, duration_diff, duration, tags, score] =
            [0, 1, 2, 3, 4].map(|c| self.reals[c].as_array());
        let [exact, artist_subset, title_form, cross_script] =
            [0, 1, 2, 3].map(|c| self.flags[c].as_array());
        (0..n)
            .map(|k| {
                Ok(Match {
                    left: position(left.as_array()[k])?,
                    right: position(right.as_array()[k])?,
                    field_scores: fields.row(k).to_vec(),
                    string_score: string_score[k],
                    evidence: Scores {
                        duration_diff: duration_diff[k],
                        duration: duration[k],
                        tags: tags[k],
                        extras: extras.row(k).to_vec(),
                    },
                    score: score[k],
                    exact: exact[k],
                    via: Via {
                        artist_subset: artist_subset[k],
                        title_form: title_form[k],
                        cross_script: cross_script[k],
                    },
                })
            })
            .collect()
    }
}

/// Matches two tables (`catalog::match_keys_with`), as [`to_arrays`]. The
/// candidate search runs here (reporting to `progress`), or, with
/// `candidates`, in that callable: `candidates(left_rows, right_rows)` gets
/// the free valid rows (int64 arrays) and returns their candidates as
/// [`match_candidates`] does, with positions in the whole tables
/// (`catalog::Search::External`). Its exceptions propagate unchanged.
#[pyfunction]
#[pyo3(signature = (left, right, settings, progress=None, candidates=None))]
fn match_keys<'py>(
    py: Python<'py>,
    left: TableArgs,
    right: TableArgs,
    settings: Settings,
    progress: Option<Py<PyAny>>,
    candidates: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (fields, extras) = (left.keys.len(), settings.extras.len());
    let (left, right) = (Table::from(left), Table::from(right));
    let params = settings.params().into_py_result(py)?;
    let Some(search) = candidates else {
        let report = |done: usize, total: usize| {
            if let Some(callback) = &progress {
                // A failing progress callback must not stop the match.
                Python::attach(|py| callback.call1(py, (done, total)).map(drop).unwrap_or(()));
            }
        };
        let matches = detach::run(py, || catalog::match_keys(&left, &right, &params, &report))?;
        return to_arrays(py, &matches, fields, extras);
    };
    // The callback runs on this thread, outside the pools (it may itself call
    // into tunelens, e.g. on Dask's local threads), so the GIL is released
    // here rather than by `detach::run`, whose work runs on a pool thread.
    let mut failure: Option<PyErr> = None;
    let mut find = |l: &[usize], r: &[usize]| -> Result<Vec<Match>, Error> {
        Python::attach(|py| {
            let rows = |v: &[usize]| {
                v.iter()
                    .map(|&i| i as i64)
                    .collect::<Vec<_>>()
                    .into_pyarray(py)
            };
            let matches = |found: Py<PyAny>| -> PyResult<Result<Vec<Match>, Error>> {
                Ok(CandidateColumns::read(found.bind(py))?.matches())
            };
            match search.call1(py, (rows(l), rows(r))).and_then(matches) {
                Ok(matches) => matches,
                Err(e) => {
                    failure = Some(e);
                    Err(Error::Cancelled)
                }
            }
        })
    };
    let matches = py.detach(|| {
        catch_panic(|| {
            catalog::match_keys_with(&left, &right, &params, Search::External(&mut find))
        })
    });
    if let Some(e) = failure {
        return Err(e);
    }
    to_arrays(py, &matches.into_py_result(py)?, fields, extras)
}

/// The candidates of every valid left row among the valid right rows (rows of
/// the given tables; `catalog::fuzzy_candidates`), as [`to_arrays`].
#[pyfunction]
fn match_candidates<'py>(
    py: Python<'py>,
    left: TableArgs,
    right: TableArgs,
    settings: Settings,
) -> PyResult<Bound<'py, PyDict>> {
    let (fields, extras) = (left.keys.len(), settings.extras.len());
    let (left, right) = (Table::from(left), Table::from(right));
    let params = settings.params().into_py_result(py)?;
    let matches = detach::run(py, || {
        catalog::fuzzy_candidates(&left, &right, &params, &|_, _| {})
    })?;
    to_arrays(py, &matches, fields, extras)
}

/// Registers the catalog functions on `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: normalize, split_featuring, catalog_table, match_keys, match_candidates);
    Ok(())
}
