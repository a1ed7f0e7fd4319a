//! Bindings for `crate::matching::{normalize, catalog}`.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use super::detach;
use crate::error::Error;
use crate::matching::catalog::{self, Match, Params};
use crate::matching::normalize::{normalize_all, split_featuring as split_core, Options};
use crate::matching::Scorer;

/// Normalizes each text (`None` stays `None`) on `n_jobs` threads.
#[pyfunction]
#[pyo3(signature = (texts, *, fold_accents, casefold, drop_featuring, drop_version_tags, unify_and,
                    drop_leading_the, punctuation, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn normalize(
    py: Python<'_>,
    texts: Vec<Option<String>>,
    fold_accents: bool,
    casefold: bool,
    drop_featuring: bool,
    drop_version_tags: bool,
    unify_and: bool,
    drop_leading_the: bool,
    punctuation: bool,
    n_jobs: i64,
) -> PyResult<Vec<Option<String>>> {
    let options = Options {
        fold_accents,
        casefold,
        drop_featuring,
        drop_version_tags,
        unify_and,
        drop_leading_the,
        punctuation,
    };
    detach::run(py, || normalize_all(&texts, &options, n_jobs))
}

/// `(text without credits, featured names)`.
#[pyfunction]
fn split_featuring(text: &str) -> (String, Vec<String>) {
    split_core(text)
}

type Matched<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray2<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<bool>>,
);

/// Matches as arrays: `(left, right, field_scores, score, exact)`.
fn to_arrays<'py>(py: Python<'py>, matches: &[Match], fields: usize) -> Matched<'py> {
    let mut scores = Array2::zeros((matches.len(), fields));
    for (row, m) in scores.rows_mut().into_iter().zip(matches) {
        row.into_iter()
            .zip(&m.field_scores)
            .for_each(|(d, &s)| *d = s);
    }
    let column = |f: fn(&Match) -> i64| matches.iter().map(f).collect::<Vec<_>>().into_pyarray(py);
    (
        column(|m| m.left as i64),
        column(|m| m.right as i64),
        scores.into_pyarray(py),
        matches
            .iter()
            .map(|m| m.score)
            .collect::<Vec<_>>()
            .into_pyarray(py),
        matches
            .iter()
            .map(|m| m.exact)
            .collect::<Vec<_>>()
            .into_pyarray(py),
    )
}

/// Core settings from the binding arguments (the scorer by name).
fn params(
    scorer: &str,
    threshold: f64,
    field_threshold: f64,
    one_to_one: bool,
    exhaustive: bool,
    n_jobs: i64,
) -> Result<Params, Error> {
    let scorer = Scorer::from_name(scorer)
        .ok_or_else(|| Error::param("scorer", format!("unknown scorer '{scorer}'")))?;
    Ok(Params {
        scorer,
        threshold,
        field_threshold,
        one_to_one,
        exhaustive,
        n_jobs,
    })
}

/// Matches two key tables (`keys[field][row]`): `(left, right, field_scores, score, exact)`.
#[pyfunction]
#[pyo3(signature = (left, right, *, scorer, threshold, field_threshold, one_to_one, exhaustive, n_jobs, progress=None))]
#[allow(clippy::too_many_arguments)]
fn match_keys<'py>(
    py: Python<'py>,
    left: Vec<Vec<Option<String>>>,
    right: Vec<Vec<Option<String>>>,
    scorer: &str,
    threshold: f64,
    field_threshold: f64,
    one_to_one: bool,
    exhaustive: bool,
    n_jobs: i64,
    progress: Option<Py<PyAny>>,
) -> PyResult<Matched<'py>> {
    let report = |done: usize, total: usize| {
        if let Some(callback) = &progress {
            // A failing progress callback must not stop the match.
            Python::attach(|py| callback.call1(py, (done, total)).map(drop).unwrap_or(()));
        }
    };
    let matches = detach::run(py, || {
        let params = params(
            scorer,
            threshold,
            field_threshold,
            one_to_one,
            exhaustive,
            n_jobs,
        )?;
        catalog::match_keys(&left, &right, &params, &report)
    })?;
    Ok(to_arrays(py, &matches, left.len()))
}

/// The exact pass of [`match_keys`] alone: `(left, right, field_scores, score, exact)`.
#[pyfunction]
#[pyo3(signature = (left, right, *, one_to_one, n_jobs))]
fn match_exact<'py>(
    py: Python<'py>,
    left: Vec<Vec<Option<String>>>,
    right: Vec<Vec<Option<String>>>,
    one_to_one: bool,
    n_jobs: i64,
) -> PyResult<Matched<'py>> {
    let matches = detach::run(py, || {
        catalog::exact_pass(&left, &right, one_to_one, n_jobs)
    })?;
    Ok(to_arrays(py, &matches, left.len()))
}

/// The fuzzy candidates of every valid left row among the valid right rows
/// (rows of the given tables): `(left, right, field_scores, score, exact)`.
#[pyfunction]
#[pyo3(signature = (left, right, *, scorer, threshold, field_threshold, exhaustive, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn match_candidates<'py>(
    py: Python<'py>,
    left: Vec<Vec<Option<String>>>,
    right: Vec<Vec<Option<String>>>,
    scorer: &str,
    threshold: f64,
    field_threshold: f64,
    exhaustive: bool,
    n_jobs: i64,
) -> PyResult<Matched<'py>> {
    let matches = detach::run(py, || {
        let params = params(
            scorer,
            threshold,
            field_threshold,
            false,
            exhaustive,
            n_jobs,
        )?;
        catalog::fuzzy_candidates(&left, &right, &params, &|_, _| {})
    })?;
    Ok(to_arrays(py, &matches, left.len()))
}

/// Each row's rank in a key table (by key tuple, then position).
#[pyfunction]
#[pyo3(signature = (keys, *, n_jobs))]
fn match_ranks<'py>(
    py: Python<'py>,
    keys: Vec<Vec<Option<String>>>,
    n_jobs: i64,
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

/// The greedy assignment of candidate pairs given the ranks of the whole
/// tables: the kept candidates as `(left, right, field_scores, score, exact)`.
#[pyfunction]
#[pyo3(signature = (left, right, field_scores, score, left_rank, right_rank, *, one_to_one, n_jobs))]
#[allow(clippy::too_many_arguments)]
fn match_assign<'py>(
    py: Python<'py>,
    left: PyReadonlyArray1<'py, i64>,
    right: PyReadonlyArray1<'py, i64>,
    field_scores: PyReadonlyArray2<'py, f64>,
    score: PyReadonlyArray1<'py, f64>,
    left_rank: PyReadonlyArray1<'py, u32>,
    right_rank: PyReadonlyArray1<'py, u32>,
    one_to_one: bool,
    n_jobs: i64,
) -> PyResult<Matched<'py>> {
    let (left, right) = (left.as_array().to_vec(), right.as_array().to_vec());
    let (score, field_scores) = (
        score.as_array().to_vec(),
        field_scores.as_array().to_owned(),
    );
    let (left_rank, right_rank) = (
        left_rank.as_array().to_vec(),
        right_rank.as_array().to_vec(),
    );
    let fields = field_scores.ncols();
    let matches = detach::run(py, || {
        let n = score.len();
        if left.len() != n || right.len() != n || field_scores.nrows() != n {
            return Err(Error::param(
                "candidates",
                format!(
                    "left, right and field_scores need one entry per score ({n}), got {}, {} and {}",
                    left.len(),
                    right.len(),
                    field_scores.nrows()
                ),
            ));
        }
        let (li, ri) = (positions(&left, "left")?, positions(&right, "right")?);
        let candidates = (0..n)
            .map(|c| Match {
                left: li[c],
                right: ri[c],
                field_scores: field_scores.row(c).to_vec(),
                score: score[c],
                exact: false,
            })
            .collect();
        catalog::assign(candidates, &left_rank, &right_rank, one_to_one, n_jobs)
    })?;
    Ok(to_arrays(py, &matches, fields))
}

/// Registers the catalog functions on `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(split_featuring, m)?)?;
    m.add_function(wrap_pyfunction!(match_keys, m)?)?;
    m.add_function(wrap_pyfunction!(match_exact, m)?)?;
    m.add_function(wrap_pyfunction!(match_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(match_ranks, m)?)?;
    m.add_function(wrap_pyfunction!(match_assign, m)?)?;
    Ok(())
}
