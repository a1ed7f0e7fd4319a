//! The one place where core errors become Python exceptions.
//!
//! The exception classes live in `tunelens/exceptions.py` (they need multiple
//! inheritance from builtins such as `ValueError`, which `create_exception!`
//! cannot express); here each [`Error`] variant picks its class by name.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyModule};

use crate::error::Error;

/// `tunelens.exceptions`, imported once.
fn exceptions(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || {
            PyModule::import(py, "tunelens.exceptions").map(Bound::unbind)
        })
        .map(|m| m.bind(py))
}

/// The `tunelens.exceptions` class name for each variant.
fn class_name(err: &Error) -> &'static str {
    match err {
        Error::InvalidParameter { .. } => "InvalidParameterError",
        Error::InvalidType { .. } => "InvalidTypeError",
        Error::FileNotFound { .. } => "AudioFileNotFoundError",
        Error::Io { .. } | Error::NotAFile { .. } => "AudioReadError",
        Error::Write { .. } => "OutputWriteError",
        Error::UnsupportedFormat { .. } => "UnsupportedFormatError",
        Error::Decode { .. } => "AudioDecodeError",
        Error::Internal(_) => "TunelensInternalError",
        Error::TooLarge { .. } => "TooLargeError",
        Error::Cancelled => "OperationCancelledError",
    }
}

/// Converts a core error into the matching `tunelens.TunelensError` subclass.
pub fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    let message = err.to_string();
    let build = || -> PyResult<PyErr> {
        let class = exceptions(py)?.getattr(class_name(&err))?;
        let instance = match err.os_error(&message) {
            // OSError subclasses carry errno and filename like the builtins do.
            Some(os) => class.call1((os.errno, os.reason, os.path.display().to_string()))?,
            None => class.call1((message.as_str(),))?,
        };
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|import_failure| {
        PyRuntimeError::new_err(format!(
            "{message} (and tunelens.exceptions failed: {import_failure})"
        ))
    })
}

/// One entry per item of a batch, in order: `convert` of its value, or its
/// error as a `TunelensError` instance (not raised).
pub fn each_or_error<'py, T>(
    py: Python<'py>,
    results: Vec<Result<T, Error>>,
    convert: impl Fn(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for result in results {
        match result {
            Ok(value) => out.append(convert(value)?)?,
            Err(e) => out.append(to_pyerr(py, e).into_value(py))?,
        }
    }
    Ok(out)
}

/// `?`-friendly conversion for core results inside binding functions.
pub trait IntoPyResult<T> {
    /// Maps the error with [`to_pyerr`].
    fn into_py_result(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn into_py_result(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_pyerr(py, e))
    }
}

/// A builtin `TypeError`, `ValueError` or `OverflowError` raised by a
/// rapidfuzz-compatible function (`fuzz.*`, `distance.*`) as the
/// `TunelensError` subclass that also subclasses it, through the one table in
/// `tunelens._validate.retyped` (`where` names the function). Other errors
/// pass unchanged.
pub fn retyped(py: Python<'_>, err: PyErr, where_: &str) -> PyErr {
    let convert = || -> PyResult<PyErr> {
        let module = PyModule::import(py, "tunelens._validate")?;
        let new = module.getattr("retyped")?.call1((err.value(py), where_))?;
        Ok(PyErr::from_value(new))
    };
    convert().unwrap_or(err)
}
