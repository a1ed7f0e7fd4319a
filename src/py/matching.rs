//! Bindings for `crate::matching`: the `fuzz` scorers as plain builtins (fast
//! per-pair calls), the distance functions as callable objects (attribute dict
//! for rapidfuzz's scorer protocol) and the batch kernels of `tunelens.process`.

// The `fuzz` functions keep rapidfuzz's names (`WRatio`, `QRatio`).
#![allow(non_snake_case)]

use numpy::IntoPyArray;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use super::add_functions;
use super::arrays::Array;
use super::convert::Wrap;
use super::errors::{to_pyerr, IntoPyResult};
use super::sequences::{
    is_none, push_str, type_name, with_batch, with_pair, OnBatch, OnPair, Symbols,
};
use crate::error::Result;
use crate::matching::levenshtein::Weights;
use crate::matching::metric::{BoundError, Function, Kind, Metric, Options, Value};
use crate::matching::process::{self, Match, ScoreType};
use crate::matching::{check_score, jaro, Scorer, Sym};

/// [`is_none`] for Python: the one test of a missing value, shared with
/// `tunelens.process`.
#[pyfunction]
fn is_missing(value: &Bound<'_, PyAny>) -> bool {
    is_none(value)
}

/// Applies `processor` (when given) to both arguments (distance functions).
fn processed<'py>(
    s1: &Bound<'py, PyAny>,
    s2: &Bound<'py, PyAny>,
    processor: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    match processor {
        Some(p) if !p.is_none() => Ok((p.call1((s1,))?, p.call1((s2,))?)),
        _ => Ok((s1.clone(), s2.clone())),
    }
}

/// A `TypeError` naming the first keyword a `fuzz` function does not take
/// (collected by the signature so that `tunelens._validate.retyped` types it).
fn no_unknown_keywords(unknown: Option<&Bound<'_, pyo3::types::PyDict>>) -> PyResult<()> {
    match unknown.and_then(|d| d.keys().iter().next()) {
        Some(key) => Err(PyTypeError::new_err(format!(
            "got an unexpected keyword argument {key}"
        ))),
        None => Ok(()),
    }
}

/// A score bound of a `fuzz` function (`score_cutoff`, `score_hint`): a
/// number or None.
fn score_bound(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<f64>> {
    value
        .map(|v| {
            v.extract::<Option<f64>>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{name} must be a number or None, not {}",
                    type_name(v)
                ))
            })
        })
        .transpose()
        .map(Option::flatten)
}

/// The arguments of a `fuzz` function besides `s1` and `s2`.
struct FuzzArgs<'a, 'py> {
    processor: Option<&'a Bound<'py, PyAny>>,
    score_cutoff: Option<&'a Bound<'py, PyAny>>,
    score_hint: Option<&'a Bound<'py, PyAny>>,
}

/// Scores one pair with `scorer` (the body of every `fuzz` function). The
/// score hint is checked ([`check_score`]) and changes nothing: no `fuzz`
/// scorer has a hinted path, in rapidfuzz either.
fn fuzz_call(
    scorer: Scorer,
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    args: FuzzArgs<'_, '_>,
) -> PyResult<f64> {
    let cutoff = score_bound(args.score_cutoff, "score_cutoff")?.unwrap_or(0.0);
    if let Some(hint) = score_bound(args.score_hint, "score_hint")? {
        check_score("score_hint", hint).map_err(|e| to_pyerr(s1.py(), e))?;
    }
    if is_none(s1) || is_none(s2) {
        return Ok(0.0);
    }
    let score = Score { scorer, cutoff };
    match args.processor {
        Some(p) if !p.is_none() => with_pair(&p.call1((s1,))?, &p.call1((s2,))?, score),
        _ => with_pair(s1, s2, score),
    }
}

/// A `fuzz` score of one pair.
struct Score {
    scorer: Scorer,
    cutoff: f64,
}

impl OnPair for Score {
    type Output = f64;
    fn run<S: Sym>(self, a: &[S], b: &[S]) -> f64 {
        self.scorer.score_seq(a, b, self.cutoff)
    }
}

/// Defines one `fuzz` function as a plain (vectorcall) Python builtin: the
/// cheapest call path for per-pair scoring.
macro_rules! fuzz_function {
    ($fn:ident, $variant:ident, $summary:literal, $example:literal) => {
        #[allow(non_snake_case)]
        #[doc = $summary]
        #[doc = "\n\nParameters\n----------\ns1, s2 : str or Sequence[Hashable] or None\n    The strings (or sequences of hashables) to compare; None or NaN scores 0.\nprocessor : callable, optional\n    Applied to both arguments first (e.g. ``tunelens.utils.default_process``).\nscore_cutoff : float, optional\n    Scores below it are returned as 0 (default 0).\nscore_hint : float, optional\n    An expected score in 0..100 (checked: another value raises ``InvalidTypeError``). It changes no score: rapidfuzz's fuzz scorers have no hinted path either (its Python ones ignore it, its compiled ones do not take it).\n\nReturns\n-------\nfloat\n    Similarity in 0..100, identical to rapidfuzz 3.14's."]
        #[doc = "\nExamples\n--------\n>>> from tunelens import fuzz"]
        #[doc = $example]
        #[pyfunction]
        #[pyo3(signature = (s1, s2, *, processor=None, score_cutoff=None, score_hint=None, **unknown))]
        fn $fn(
            s1: &Bound<'_, PyAny>,
            s2: &Bound<'_, PyAny>,
            processor: Option<&Bound<'_, PyAny>>,
            score_cutoff: Option<&Bound<'_, PyAny>>,
            score_hint: Option<&Bound<'_, PyAny>>,
            unknown: Option<&Bound<'_, pyo3::types::PyDict>>,
        ) -> PyResult<f64> {
            let args = FuzzArgs { processor, score_cutoff, score_hint };
            no_unknown_keywords(unknown)
                .and_then(|()| fuzz_call(Scorer::$variant, s1, s2, args))
                .map_err(|e| super::errors::retyped(s1.py(), e, concat!("fuzz.", stringify!($fn))))
        }
    };
}

fuzz_function!(
    ratio,
    Ratio,
    "Normalized Indel similarity of ``s1`` and ``s2`` times 100 (empty vs empty: 100).",
    ">>> fuzz.ratio(\"this is a test\", \"this is a test!\")\n96.55172413793103"
);
fuzz_function!(partial_ratio, PartialRatio, "Best ``ratio`` of the shorter string against every alignment (window, prefix, suffix) of the longer one.", ">>> fuzz.partial_ratio(\"this is a test\", \"this is a test!\")\n100.0");
fuzz_function!(
    token_sort_ratio,
    TokenSortRatio,
    "``ratio`` of the whitespace-separated tokens, sorted and rejoined.",
    ">>> fuzz.token_sort_ratio(\"fuzzy wuzzy was a bear\", \"wuzzy fuzzy was a bear\")\n100.0"
);
fuzz_function!(token_set_ratio, TokenSetRatio, "Best ``ratio`` between the common tokens and the common tokens plus each side's other tokens (100 when one token set contains the other; 0 without tokens).", ">>> fuzz.token_set_ratio(\"fuzzy was a bear\", \"fuzzy fuzzy was a bear\")\n100.0");
fuzz_function!(
    token_ratio,
    TokenRatio,
    "Maximum of ``token_set_ratio`` and ``token_sort_ratio``, computed together.",
    ">>> fuzz.token_ratio(\"fuzzy was a bear\", \"wuzzy fuzzy was a bear\")\n100.0"
);
fuzz_function!(
    partial_token_sort_ratio,
    PartialTokenSortRatio,
    "``partial_ratio`` of the sorted, rejoined tokens.",
    ">>> fuzz.partial_token_sort_ratio(\"fuzzy wuzzy was a bear\", \"wuzzy fuzzy was a bear\")\n100.0"
);
fuzz_function!(partial_token_set_ratio, PartialTokenSetRatio, "100 when the strings share a token, else ``partial_ratio`` of the token differences (0 without tokens).", ">>> fuzz.partial_token_set_ratio(\"fuzzy was a bear\", \"fuzzy fuzzy was a bear\")\n100.0");
fuzz_function!(
    partial_token_ratio,
    PartialTokenRatio,
    "Maximum of ``partial_token_set_ratio`` and ``partial_token_sort_ratio``.",
    ">>> fuzz.partial_token_ratio(\"fuzzy was a bear\", \"wuzzy fuzzy was a bear\")\n100.0"
);
fuzz_function!(WRatio, WRatio, "Weighted ratio: ``ratio`` and the token ratios (x0.95) for similar lengths, partial ratios scaled by 0.9 (length ratio <= 8) or 0.6 beyond (empty string: 0).", ">>> fuzz.WRatio(\"this is a test\", \"this is a new test!!!\")\n85.5");
fuzz_function!(
    QRatio,
    QRatio,
    "``ratio``, except that an empty string scores 0.",
    ">>> fuzz.QRatio(\"this is a test\", \"this is a new test!!!\")\n80.0\n>>> fuzz.QRatio(\"\", \"\"), fuzz.ratio(\"\", \"\")\n(0.0, 100.0)"
);

/// A distance function (`tunelens.distance.Levenshtein.distance`, ...): one
/// [`Function`] of the core, called with rapidfuzz's arguments.
///
/// Called through the vectorcall protocol ([`distance_vectorcall`], set up by
/// [`enable_vectorcall`]): no argument tuple or keyword dict per call.
#[pyclass(name = "DistanceFunction", module = "tunelens._core", dict, frozen)]
pub struct PyDistance {
    vectorcall: ffi::vectorcallfunc,
    function: Function,
}

/// One distance-function call on a pair.
struct MetricCall {
    function: Function,
    options: Options,
    cutoff: Option<f64>,
}

impl OnPair for MetricCall {
    type Output = crate::Result<Value>;
    #[inline(always)]
    fn run<S: Sym>(self, a: &[S], b: &[S]) -> crate::Result<Value> {
        self.function.compute(a, b, &self.options, self.cutoff)
    }
}

/// A score bound (`score_cutoff`, `score_hint`) refused by [`Function::check_bound`],
/// as the builtin exception rapidfuzz raises.
fn bound_error(e: BoundError, name: &str) -> PyErr {
    let message = e.message(name);
    match e {
        BoundError::OutOfRange => PyTypeError::new_err(message),
        BoundError::NotANumber => PyValueError::new_err(message),
        BoundError::Overflow(_) => PyOverflowError::new_err(message),
    }
}

/// The arguments of one call besides `s1` and `s2`.
#[derive(Default)]
struct CallArgs<'py> {
    processor: Option<Bound<'py, PyAny>>,
    score_cutoff: Option<f64>,
    score_hint: Option<f64>,
    options: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>,
}

#[pymethods]
impl PyDistance {
    #[new]
    fn new(metric: Wrap<Metric>, kind: Wrap<Kind>) -> Self {
        PyDistance {
            vectorcall: distance_vectorcall,
            function: Function {
                metric: metric.0,
                kind: kind.0,
            },
        }
    }

    #[pyo3(signature = (s1, s2, *, processor=None, score_cutoff=None, score_hint=None, **options))]
    fn __call__<'py>(
        &self,
        s1: &Bound<'py, PyAny>,
        s2: &Bound<'py, PyAny>,
        processor: Option<Bound<'py, PyAny>>,
        score_cutoff: Option<f64>,
        score_hint: Option<f64>,
        options: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let args = CallArgs {
            processor,
            score_cutoff,
            score_hint,
            options: options.into_iter().flat_map(|d| d.iter()).collect(),
        };
        self.call(s1, s2, args)
            .map_err(|e| super::errors::retyped(s1.py(), e, &self.function.label()))
    }
}

impl PyDistance {
    /// Applies the keyword option `key` (`weights`, `prefix_weight`, `pad`)
    /// that the function takes ([`Function::takes`]).
    fn set_option(&self, o: &mut Options, key: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if !self.function.takes(key) {
            return Err(PyTypeError::new_err(format!(
                "got an unexpected keyword argument '{key}'"
            )));
        }
        match key {
            "weights" if !value.is_none() => {
                let (insert, delete, substitute): (i64, i64, i64) = value.extract()?;
                let size = |w: i64| {
                    // rapidfuzz converts them to unsigned integers
                    usize::try_from(w).map_err(|_| {
                        PyOverflowError::new_err("can't convert negative value to size_t")
                    })
                };
                o.weights = Weights {
                    insert: size(insert)?,
                    delete: size(delete)?,
                    substitute: size(substitute)?,
                };
            }
            "prefix_weight" => {
                o.prefix_weight = value.extract()?;
                jaro::check_prefix_weight(o.prefix_weight)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?;
            }
            "pad" => o.pad = value.is_truthy()?,
            _ => {}
        }
        Ok(())
    }

    /// The result for a missing argument: a normalized function's worst
    /// score; the edit counts raise, as rapidfuzz's do (through the length).
    fn missing(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self.function.missing() {
            Some(worst) => Ok(worst.into_pyobject(py)?.into_any().unbind()),
            None => Err(PyTypeError::new_err(
                "s1 and s2 must not be None for this metric",
            )),
        }
    }

    /// The body of a call, checked in rapidfuzz's order: a missing argument
    /// gives a normalized function's worst score before anything else is
    /// looked at; then the bounds ([`Function::check_bound`]; `score_hint`
    /// only where [`Function::takes_hint`]), then the keyword options.
    fn call(
        &self,
        s1: &Bound<'_, PyAny>,
        s2: &Bound<'_, PyAny>,
        args: CallArgs<'_>,
    ) -> PyResult<Py<PyAny>> {
        let (py, f) = (s1.py(), self.function);
        let missing = is_none(s1) || is_none(s2);
        if missing && f.normalized() {
            return self.missing(py);
        }
        if let Some(c) = args.score_cutoff {
            f.check_bound(c)
                .map_err(|e| bound_error(e, "score_cutoff"))?;
        }
        if let Some(h) = args.score_hint {
            if !f.takes_hint() {
                return Err(PyTypeError::new_err(
                    "got an unexpected keyword argument 'score_hint'",
                ));
            }
            f.check_bound(h).map_err(|e| bound_error(e, "score_hint"))?;
        }
        let mut o = Options::default();
        for (key, value) in &args.options {
            self.set_option(&mut o, key.cast::<PyString>()?.to_str()?, value)?;
        }
        if missing {
            return self.missing(py);
        }
        let (s1, s2) = processed(s1, s2, args.processor.as_ref())?;
        let call = MetricCall {
            function: f,
            options: o,
            cutoff: args.score_cutoff,
        };
        let value = with_pair(&s1, &s2, call)?.into_py_result(py)?;
        Ok(match value {
            Value::Int(v) => v.into_pyobject(py)?.into_any().unbind(),
            Value::Float(v) => v.into_pyobject(py)?.into_any().unbind(),
        })
    }

    /// Parses a vectorcall: `(s1, s2)` positionally, then keyword arguments.
    ///
    /// # Safety
    /// `args` holds `nargs` positional arguments followed by one value per name
    /// of `kwnames` (a tuple of str or NULL), all borrowed for the call.
    unsafe fn vectorcall(
        &self,
        py: Python<'_>,
        args: *const *mut ffi::PyObject,
        nargs: usize,
        kwnames: *mut ffi::PyObject,
    ) -> PyResult<Py<PyAny>> {
        // SAFETY: the caller guarantees `nargs` + len(kwnames) valid pointers.
        let arg = |i: usize| unsafe { Bound::from_borrowed_ptr(py, *args.add(i)) };
        if nargs > 2 {
            return Err(PyTypeError::new_err(format!(
                "takes 2 positional arguments (s1, s2) but {nargs} were given"
            )));
        }
        let mut strings = [(nargs > 0).then(|| arg(0)), (nargs > 1).then(|| arg(1))];
        let mut call = CallArgs::default();
        // SAFETY: kwnames is NULL or a tuple, borrowed for the call.
        if let Some(names) = unsafe { Bound::from_borrowed_ptr_or_opt(py, kwnames) } {
            for (k, name) in names.try_iter()?.enumerate() {
                let (name, value) = (name?, arg(nargs + k));
                match name.cast::<PyString>()?.to_str()? {
                    "s1" if strings[0].is_none() => strings[0] = Some(value),
                    "s2" if strings[1].is_none() => strings[1] = Some(value),
                    "processor" => call.processor = Some(value),
                    "score_cutoff" => call.score_cutoff = value.extract::<Option<f64>>()?,
                    "score_hint" => call.score_hint = value.extract::<Option<f64>>()?,
                    _ => call.options.push((name, value)),
                }
            }
        }
        let [Some(s1), Some(s2)] = strings else {
            return Err(PyTypeError::new_err("missing required argument s1 or s2"));
        };
        self.call(&s1, &s2, call)
    }
}

/// The vectorcall entry point of [`PyDistance`] objects; a panic becomes a
/// typed `TunelensError`, never an abort.
unsafe extern "C" fn distance_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls this with the GIL held (attached thread state).
    let py = unsafe { Python::assume_attached() };
    let result = crate::error::catch_panic(|| {
        // SAFETY: only installed on PyDistance's type; arguments as CPython passes them.
        let this =
            unsafe { Bound::from_borrowed_ptr(py, callable).cast_into_unchecked::<PyDistance>() };
        let nargs = unsafe { ffi::PyVectorcall_NARGS(nargsf) } as usize;
        let result = unsafe { this.get().vectorcall(py, args, nargs, kwnames) };
        Ok(result.map_err(|e| super::errors::retyped(py, e, &this.get().function.label())))
    });
    match result
        .map_err(|e| super::errors::to_pyerr(py, e))
        .and_then(|r| r)
    {
        Ok(value) => value.into_ptr(),
        Err(err) => {
            err.restore(py);
            std::ptr::null_mut()
        }
    }
}

/// Makes `DistanceFunction` objects vectorcall-callable: the type reads the
/// function pointer stored in each object (PyO3 only fills `tp_call`, which
/// needs an argument tuple and dict per call). `tp_call` keeps working and
/// gives the same results.
fn enable_vectorcall(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let probe = Bound::new(
        py,
        PyDistance::new(Wrap(Metric::Indel), Wrap(Kind::Distance)),
    )?;
    let offset = (&probe.get().vectorcall as *const ffi::vectorcallfunc as usize)
        .checked_sub(probe.as_ptr() as usize)
        .ok_or_else(|| PyValueError::new_err("unexpected DistanceFunction layout"))?;
    let ty = py.get_type::<PyDistance>();
    // SAFETY: the heap type object is ours; every instance stores a valid
    // vectorcall pointer at `offset` (set in `PyDistance::new`).
    unsafe {
        let tp = ty.as_type_ptr();
        (*tp).tp_vectorcall_offset = offset as ffi::Py_ssize_t;
        (*tp).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL;
    }
    Ok(())
}

/// The arguments of the batch kernels of `tunelens.process`: the scorer,
/// the (already processed) queries and choices, and the threads.
#[pyclass(name = "MatchBatch", module = "tunelens._core", frozen)]
struct MatchBatch {
    scorer: Scorer,
    queries: Py<PyList>,
    choices: Py<PyList>,
    workers: i64,
}

/// A kernel's scorer, cutoff and threads.
#[derive(Clone, Copy)]
struct Kernel {
    scorer: Scorer,
    score_cutoff: f64,
    workers: i64,
}

/// [`process::cdist`] into `T`.
struct Cdist<T> {
    kernel: Kernel,
    convert: fn(f64) -> T,
}

impl<T: Copy + Default + Send + Sync> OnBatch for Cdist<T> {
    type Output = Vec<T>;
    fn run<S: Sym, C: Symbols<S>>(self, q: &[Option<C>], c: &[Option<C>]) -> Result<Self::Output> {
        let k = self.kernel;
        process::cdist(k.scorer, q, c, k.score_cutoff, k.workers, self.convert)
    }
}

/// [`process::cpdist`].
struct Cpdist(Kernel);

impl OnBatch for Cpdist {
    type Output = Vec<f64>;
    fn run<S: Sym, C: Symbols<S>>(self, a: &[Option<C>], b: &[Option<C>]) -> Result<Self::Output> {
        let Kernel {
            scorer,
            score_cutoff,
            workers,
        } = self.0;
        process::cpdist(scorer, a, b, score_cutoff, workers)
    }
}

/// [`process::extract_many`].
struct ExtractMany {
    kernel: Kernel,
    limit: usize,
}

impl OnBatch for ExtractMany {
    type Output = Vec<Vec<Match>>;
    fn run<S: Sym, C: Symbols<S>>(self, q: &[Option<C>], c: &[Option<C>]) -> Result<Self::Output> {
        let (k, limit) = (self.kernel, self.limit);
        process::extract_many(k.scorer, q, c, k.score_cutoff, limit, k.workers)
    }
}

#[pymethods]
impl MatchBatch {
    #[new]
    #[pyo3(signature = (scorer, queries, choices, *, workers))]
    fn new(scorer: Wrap<Scorer>, queries: Py<PyList>, choices: Py<PyList>, workers: i64) -> Self {
        MatchBatch {
            scorer: scorer.0,
            queries,
            choices,
            workers,
        }
    }

    /// Score matrix `queries × choices` in `dtype` (integer scores are rounded
    /// half up, as rapidfuzz does), built once in that type (None items score 0).
    #[pyo3(signature = (*, score_cutoff, dtype))]
    fn cdist<'py>(
        &self,
        py: Python<'py>,
        score_cutoff: f64,
        dtype: Wrap<ScoreType>,
    ) -> PyResult<Array<'py>> {
        let kernel = self.kernel(score_cutoff);
        let shape = (self.queries.bind(py).len(), self.choices.bind(py).len());
        macro_rules! run {
            ($t:ty) => {{
                let convert: fn(f64) -> $t = if dtype.0.is_integer() {
                    |s| process::round_half_up(s) as $t
                } else {
                    |s| s as $t
                };
                let data = with_batch(
                    py,
                    self.lists(py),
                    self.workers,
                    false,
                    Cdist { kernel, convert },
                )?;
                let array = ndarray::Array2::from_shape_vec(shape, data)
                    .map_err(|e| PyValueError::new_err(e.to_string()))?;
                Ok(array.into_pyarray(py).into_any())
            }};
        }
        match dtype.0 {
            ScoreType::F64 => run!(f64),
            ScoreType::F32 => run!(f32),
            ScoreType::I8 => run!(i8),
            ScoreType::I16 => run!(i16),
            ScoreType::I32 => run!(i32),
            ScoreType::I64 => run!(i64),
            ScoreType::U8 => run!(u8),
            ScoreType::U16 => run!(u16),
            ScoreType::U32 => run!(u32),
            ScoreType::U64 => run!(u64),
        }
    }

    /// Pairwise scores of `queries[i]` and `choices[i]` (float64).
    #[pyo3(signature = (*, score_cutoff))]
    fn cpdist<'py>(&self, py: Python<'py>, score_cutoff: f64) -> PyResult<Array<'py>> {
        let scores = with_batch(
            py,
            self.lists(py),
            self.workers,
            false,
            Cpdist(self.kernel(score_cutoff)),
        )?;
        Ok(scores.into_pyarray(py).into_any())
    }

    /// Up to `limit` best `(choice index, score)` per query, best first; with
    /// `default_process`, queries and choices go through rapidfuzz's
    /// `default_process` on the way in (no Python strings are made for it).
    #[pyo3(signature = (*, score_cutoff, limit, default_process=false))]
    fn extract_many(
        &self,
        py: Python<'_>,
        score_cutoff: f64,
        limit: usize,
        default_process: bool,
    ) -> PyResult<Vec<Vec<(usize, f64)>>> {
        let kernel = self.kernel(score_cutoff);
        let work = ExtractMany { kernel, limit };
        let found = with_batch(py, self.lists(py), self.workers, default_process, work)?;
        Ok(found
            .into_iter()
            .map(|row| row.into_iter().map(|m| (m.index, m.score)).collect())
            .collect())
    }
}

impl MatchBatch {
    fn kernel(&self, score_cutoff: f64) -> Kernel {
        Kernel {
            scorer: self.scorer,
            score_cutoff,
            workers: self.workers,
        }
    }

    fn lists<'py>(&self, py: Python<'py>) -> (&Bound<'py, PyList>, &Bound<'py, PyList>) {
        (self.queries.bind(py), self.choices.bind(py))
    }
}

/// rapidfuzz's `utils.default_process` (see `tunelens.utils.default_process`).
#[pyfunction]
fn default_process(sentence: &Bound<'_, PyAny>) -> PyResult<String> {
    processed_text(sentence, "sentence")
}

/// [`crate::matching::default_process_codes`] of a `str` read as code points
/// (lone surrogates, which are not alphanumeric, become spaces as in
/// rapidfuzz; the result is always valid UTF-8).
fn processed_text(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    let text = value.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{name} must be a str, not {}", type_name(value)))
    })?;
    let mut codes = Vec::new();
    push_str(text, &mut codes)?;
    Ok(crate::matching::default_process_codes(&codes)
        .into_iter()
        .filter_map(char::from_u32) // cannot drop anything: surrogates became spaces
        .collect())
}

/// `default_process` of every string in `values`; missing values (None, NaN,
/// `pandas.NA`) stay None. One call for a whole list of choices, so
/// `process.*(processor=default_process)` does not cross into Rust per item.
#[pyfunction]
fn default_process_many(values: Vec<Bound<'_, PyAny>>) -> PyResult<Vec<Option<String>>> {
    values
        .iter()
        .map(|v| {
            if is_none(v) {
                Ok(None)
            } else {
                processed_text(v, "values").map(Some)
            }
        })
        .collect()
}

/// Registers the matching classes and functions.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_functions!(m: ratio, partial_ratio, token_sort_ratio, token_set_ratio, token_ratio,
        partial_token_sort_ratio, partial_token_set_ratio, partial_token_ratio, WRatio, QRatio);
    m.add_class::<PyDistance>()?;
    enable_vectorcall(m)?;
    m.add_class::<MatchBatch>()?;
    add_functions!(m: default_process, default_process_many, is_missing);
    Ok(())
}
