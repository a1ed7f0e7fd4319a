//! Bindings for `crate::matching::{normalize, catalog}`.

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2};
use pyo3::prelude::*;

use super::detach;
use crate::error::Error;
use crate::matching::catalog::{match_keys as match_core, Params};
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
        let scorer = Scorer::from_name(scorer)
            .ok_or_else(|| Error::param("scorer", format!("unknown scorer '{scorer}'")))?;
        let params = Params {
            scorer,
            threshold,
            field_threshold,
            one_to_one,
            exhaustive,
            n_jobs,
        };
        match_core(&left, &right, &params, &report)
    })?;
    let fields = left.len();
    let mut scores = Array2::zeros((matches.len(), fields));
    for (row, m) in scores.rows_mut().into_iter().zip(&matches) {
        row.into_iter()
            .zip(&m.field_scores)
            .for_each(|(d, &s)| *d = s);
    }
    Ok((
        matches
            .iter()
            .map(|m| m.left as i64)
            .collect::<Vec<_>>()
            .into_pyarray(py),
        matches
            .iter()
            .map(|m| m.right as i64)
            .collect::<Vec<_>>()
            .into_pyarray(py),
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
    ))
}

/// Registers the catalog functions on `_core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(split_featuring, m)?)?;
    m.add_function(wrap_pyfunction!(match_keys, m)?)?;
    Ok(())
}
