//! Bindings for `crate::audio`.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::add_functions;
use super::arrays::{array_function, to_numpy, Array};
use super::convert::Keywords;
use super::detach::run;
use super::errors::{each_or_error, to_pyerr};
use crate::audio::resample::{self as resampling, Resampling};
use crate::audio::stream::{self as streaming, BlockReader, StreamOptions};
use crate::audio::{self, Audio, LoadOptions, Source};

/// A path, or encoded bytes with an optional extension hint.
#[derive(FromPyObject)]
enum SourceArg {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

fn source(arg: SourceArg, hint: Option<String>) -> Source {
    match arg {
        SourceArg::Path(p) => Source::Path(p),
        SourceArg::Bytes(data) => Source::Bytes { data, hint },
    }
}

/// `(samples, sr)` with librosa's shapes: 1-D for one channel, `(channels, n)` otherwise.
fn audio_to_py<'py>(py: Python<'py>, a: Audio) -> PyResult<Bound<'py, PyAny>> {
    let frames = a.frames();
    let array = if a.channels == 1 {
        to_numpy(py, a.samples, &[], &[frames])?
    } else {
        to_numpy(py, a.samples, &[a.channels], &[frames])?
    };
    Ok((array, a.sample_rate).into_pyobject(py)?.into_any())
}

/// Decodes, mixes and resamples one file or buffer: `(y, sr)`, with the
/// keywords `sr, mono, offset, duration, res_type`.
#[pyfunction]
#[pyo3(signature = (source, *, hint, n_jobs, **options))]
fn load<'py>(
    py: Python<'py>,
    source: SourceArg,
    hint: Option<String>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let src = self::source(source, hint);
    let opts: LoadOptions = Keywords::parse(options)?;
    let loaded = run(py, || audio::load_on(&src, &opts, n_jobs))?;
    audio_to_py(py, loaded)
}

/// Loads many files in parallel, with [`load`]'s keywords; one `(y, sr)` or
/// exception per path, in order.
#[pyfunction]
#[pyo3(signature = (paths, *, n_jobs, **options))]
fn load_batch<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    #[pyo3(from_py_with = super::args::n_jobs)] n_jobs: i64,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let sources: Vec<Source> = paths.into_iter().map(Source::Path).collect();
    let opts: LoadOptions = Keywords::parse(options)?;
    let results = run(py, || audio::load_batch(&sources, &opts, n_jobs))?;
    each_or_error(py, results, |a| audio_to_py(py, a))
}

array_function! {
    /// Resamples `y` (any leading shape) along its last axis with libsoxr, with
    /// the keywords `orig_sr, target_sr, res_type, fix`.
    fn resample(y, n_jobs, r: Resampling) -> Array
        = |view| resampling::resample_of(&view, &r, n_jobs)
}

/// Duration of a file or buffer in seconds.
#[pyfunction]
#[pyo3(signature = (source, *, hint))]
fn get_duration(py: Python<'_>, source: SourceArg, hint: Option<String>) -> PyResult<f64> {
    let src = self::source(source, hint);
    run(py, || audio::duration(&src))
}

/// An iterator over `librosa.stream`'s blocks; each `next` decodes one block
/// with the GIL released. Exhausted (and its file closed) after the last block
/// or an error. Threads sharing one stream take turns: each `next` gets the
/// following block.
#[pyclass(name = "BlockStream", module = "tunelens._core", frozen)]
struct BlockStream {
    reader: Mutex<Option<BlockReader>>,
    /// The file's sample rate in Hz.
    #[pyo3(get)]
    sample_rate: u32,
}

#[pymethods]
impl BlockStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        // The lock is taken with the GIL released, so a thread waiting for its
        // turn never blocks the one decoding.
        let block = run(py, || {
            let mut reader = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(current) = reader.as_mut() else {
                return Ok(None);
            };
            let block = current.next_block();
            if !matches!(block, Ok(Some(_))) {
                *reader = None;
            }
            block
        })?;
        let Some(block) = block else {
            return Ok(None);
        };
        let frames = block.frames();
        let lead: &[usize] = if block.channels == 1 {
            &[]
        } else {
            &[block.channels]
        };
        to_numpy(py, block.samples, lead, &[frames]).map(Some)
    }
}

/// Opens a file for block-wise streaming (`librosa.stream`), with the
/// keywords `block_length, frame_length, hop_length, mono, offset, duration,
/// fill_value`.
#[pyfunction]
#[pyo3(signature = (source, *, hint, **options))]
fn stream(
    py: Python<'_>,
    source: SourceArg,
    hint: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<BlockStream> {
    let src = self::source(source, hint);
    let opts: StreamOptions = Keywords::parse(options)?;
    let reader = run(py, || BlockReader::open(&src, &opts))?;
    Ok(BlockStream {
        sample_rate: reader.sample_rate(),
        reader: Mutex::new(Some(reader)),
    })
}

/// Sample rate of a file or buffer in Hz, from its header.
#[pyfunction]
#[pyo3(signature = (source, *, hint))]
fn get_samplerate(py: Python<'_>, source: SourceArg, hint: Option<String>) -> PyResult<u32> {
    let src = self::source(source, hint);
    run(py, || streaming::sample_rate(&src))
}

/// Refuses a path that names a directory, a named pipe, a socket or a device
/// (`AudioReadError` naming its kind), without opening it: the rule of every
/// path the core reads, for Python code that hands a path to another library.
#[pyfunction]
fn refuse_special_path(py: Python<'_>, path: PathBuf) -> PyResult<()> {
    audio::file::refuse_special(&path).map_err(|e| to_pyerr(py, e))
}

/// Adds this module's functions to `tunelens._core`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: load, load_batch, resample, get_duration, stream, get_samplerate, refuse_special_path);
    m.add_class::<BlockStream>()?;
    Ok(())
}
