//! Bindings for `crate::matching`: the `fuzz` scorers as plain builtins (fast
//! per-pair calls), the distance functions as callable objects (attribute dict
//! for rapidfuzz's scorer protocol) and the batch kernels of `tunelens.process`.

// The `fuzz` functions keep rapidfuzz's names (`WRatio`, `QRatio`).
#![allow(non_snake_case)]

use std::borrow::Cow;
use std::cell::RefCell;

use numpy::IntoPyArray;
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyBytes, PyList, PyString};
use rayon::prelude::*;

use super::convert::Wrap;
use super::detach;
use super::errors::{to_pyerr, IntoPyResult};
use crate::matching::levenshtein::Weights;
use crate::matching::metric::{BoundError, Function, Kind, Metric, Options, Value};
use crate::matching::process::{self, Match, ScoreType};
use crate::matching::{check_score, jaro, Scorer, Sym};

/// A sequence converted for the core: code points (str, bytes) or element hashes.
enum Seq {
    Text(Vec<u32>),
    Hashes(Vec<u64>),
}

/// Appends the code points of a `str` (read straight from its UCS buffer).
fn push_str(s: &Bound<'_, PyString>, out: &mut Vec<u32>) -> PyResult<()> {
    // SAFETY: the buffer is only read while `s` is borrowed (GIL held).
    match unsafe { s.data()? } {
        PyStringData::Ucs1(b) => out.extend(b.iter().map(|&c| c as u32)),
        PyStringData::Ucs2(b) => out.extend(b.iter().map(|&c| c as u32)),
        PyStringData::Ucs4(b) => out.extend_from_slice(b),
    }
    Ok(())
}

/// Appends the code points of `obj` when it is a `str` or `bytes`.
fn push_text(obj: &Bound<'_, PyAny>, out: &mut Vec<u32>) -> PyResult<bool> {
    if let Ok(s) = obj.cast::<PyString>() {
        push_str(s, out)?;
        Ok(true)
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        out.extend(b.as_bytes().iter().map(|&c| c as u32));
        Ok(true)
    } else {
        Ok(false)
    }
}

/// rapidfuzz's element hashing: one-character strings by code point, any other
/// element by Python's `hash()`.
fn hash_elements(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u64>> {
    let mut text = Vec::new();
    if push_text(obj, &mut text)? {
        return Ok(text.into_iter().map(u64::from).collect());
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a string, a sequence of hashables or None, not {}",
            type_name(obj)
        ))
    })?;
    iter.map(|elem| {
        let elem = elem?;
        if let Ok(s) = elem.cast::<PyString>() {
            let mut cp = Vec::new();
            push_str(s, &mut cp)?;
            if cp.len() == 1 {
                return Ok(cp[0] as u64);
            }
        }
        Ok(elem.hash()? as u64)
    })
    .collect()
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

fn to_seq(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Seq> {
    let mut text = Vec::new();
    if push_text(obj, &mut text)? {
        Ok(Seq::Text(text))
    } else {
        Ok(Seq::Hashes(hash_elements(obj, name)?))
    }
}

thread_local! {
    static BUFFERS: RefCell<(Vec<u32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
    static UCS2_BUFFER: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// A computation on two sequences of the same symbol type.
trait OnPair {
    type Output;
    fn run<S: Sym>(self, a: &[S], b: &[S]) -> Self::Output;
}

/// Runs `f` on a 1-byte `str` buffer widened to 2 bytes per character (in a
/// per-thread buffer) and a 2-byte one, in the given order; gives `f` back
/// when the buffer is in use.
fn run_widened<F: OnPair>(
    narrow: &[u8],
    wide: &[u16],
    narrow_first: bool,
    f: F,
) -> Result<F::Output, F> {
    UCS2_BUFFER.with(|cell| {
        let Ok(mut buf) = cell.try_borrow_mut() else {
            return Err(f);
        };
        buf.clear();
        buf.extend(narrow.iter().map(|&c| u16::from(c)));
        Ok(if narrow_first {
            f.run(buf.as_slice(), wide)
        } else {
            f.run(wide, buf.as_slice())
        })
    })
}

/// Runs `f` on two sequences: two `str` stored with the same character width
/// are read in place, a 1-byte `str` against a 2-byte one is widened to 2
/// bytes; other strings are widened to code points in per-thread buffers (no
/// allocation for per-pair calls), and other sequences hashed (see
/// [`hash_elements`]).
fn with_pair<F: OnPair>(
    s1: &Bound<'_, PyAny>,
    s2: &Bound<'_, PyAny>,
    mut f: F,
) -> PyResult<F::Output> {
    if let (Ok(a), Ok(b)) = (s1.cast::<PyString>(), s2.cast::<PyString>()) {
        // SAFETY: both buffers are only read while `a` and `b` are borrowed (GIL held).
        match unsafe { (a.data()?, b.data()?) } {
            (PyStringData::Ucs1(x), PyStringData::Ucs1(y)) => return Ok(f.run(x, y)),
            (PyStringData::Ucs2(x), PyStringData::Ucs2(y)) => return Ok(f.run(x, y)),
            (PyStringData::Ucs4(x), PyStringData::Ucs4(y)) => return Ok(f.run(x, y)),
            (PyStringData::Ucs1(x), PyStringData::Ucs2(y)) => match run_widened(x, y, true, f) {
                Ok(r) => return Ok(r),
                Err(back) => f = back,
            },
            (PyStringData::Ucs2(x), PyStringData::Ucs1(y)) => match run_widened(y, x, false, f) {
                Ok(r) => return Ok(r),
                Err(back) => f = back,
            },
            _ => {}
        }
    }
    let f = BUFFERS.with(|cell| -> PyResult<Result<F::Output, F>> {
        let Ok(mut bufs) = cell.try_borrow_mut() else {
            return Ok(Err(f));
        };
        let (a, b) = &mut *bufs;
        a.clear();
        b.clear();
        if push_text(s1, a)? && push_text(s2, b)? {
            return Ok(Ok(f.run(a.as_slice(), b.as_slice())));
        }
        Ok(Err(f))
    })?;
    match f {
        Ok(r) => Ok(r),
        Err(f) => {
            let (a, b) = (to_hashes(s1, "s1")?, to_hashes(s2, "s2")?);
            Ok(f.run(&a, &b))
        }
    }
}

fn to_hashes(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u64>> {
    match to_seq(obj, name)? {
        Seq::Text(t) => Ok(t.into_iter().map(u64::from).collect()),
        Seq::Hashes(h) => Ok(h),
    }
}

/// rapidfuzz's missing values: None, float NaN and `pandas.NA`.
fn is_none(obj: &Bound<'_, PyAny>) -> bool {
    if obj.is_none() {
        return true;
    }
    if obj.is_instance_of::<PyString>() {
        return false;
    }
    if let Ok(f) = obj.cast::<pyo3::types::PyFloat>() {
        return f.value().is_nan();
    }
    let ty = obj.get_type();
    ty.name().is_ok_and(|n| n == "NAType")
        && ty
            .module()
            .is_ok_and(|m| m.to_string().starts_with("pandas"))
}

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

/// Converted batch: all code points when every item is text, else all hashes.
enum Batch<'a> {
    Text(Vec<Option<Cow<'a, [u32]>>>, Vec<Option<Cow<'a, [u32]>>>),
    Hashes(Vec<Option<Vec<u64>>>, Vec<Option<Vec<u64>>>),
}

fn convert_list(list: &Bound<'_, PyList>, name: &str) -> PyResult<Vec<Option<Seq>>> {
    list.iter()
        .map(|item| {
            if is_none(&item) {
                Ok(None)
            } else {
                to_seq(&item, name).map(Some)
            }
        })
        .collect()
}

fn widen(items: Vec<Option<Seq>>) -> Vec<Option<Vec<u64>>> {
    items
        .into_iter()
        .map(|s| {
            s.map(|s| match s {
                Seq::Text(t) => t.into_iter().map(u64::from).collect(),
                Seq::Hashes(h) => h,
            })
        })
        .collect()
}

/// The code units of a `str` or `bytes` item, read in place.
#[derive(Clone, Copy)]
enum Units<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
}

impl Units<'_> {
    fn len(self) -> usize {
        match self {
            Units::U8(b) => b.len(),
            Units::U16(b) => b.len(),
            Units::U32(b) => b.len(),
        }
    }

    fn push_codes(self, out: &mut Vec<u32>) {
        match self {
            Units::U8(b) => out.extend(b.iter().map(|&c| u32::from(c))),
            Units::U16(b) => out.extend(b.iter().map(|&c| u32::from(c))),
            Units::U32(b) => out.extend_from_slice(b),
        }
    }
}

/// Items decoded per task, end to end in one buffer.
const DECODE_CHUNK: usize = 4096;

/// The code points of each chunk of [`DECODE_CHUNK`] items, end to end, and
/// where each item ends (decoded in parallel).
fn decode_chunks(units: &[Option<Units<'_>>]) -> Vec<(Vec<u32>, Vec<usize>)> {
    units
        .par_chunks(DECODE_CHUNK)
        .map(|chunk| {
            let mut codes = Vec::with_capacity(chunk.iter().flatten().map(|u| u.len()).sum());
            let mut ends = Vec::with_capacity(chunk.len());
            for u in chunk {
                if let Some(u) = u {
                    u.push_codes(&mut codes);
                }
                ends.push(codes.len());
            }
            (codes, ends)
        })
        .collect()
}

/// Each item of `units` (None for missing ones) as a slice of `chunks`.
fn decoded<'a>(
    units: &[Option<Units<'_>>],
    chunks: &'a [(Vec<u32>, Vec<usize>)],
) -> Vec<Option<Cow<'a, [u32]>>> {
    let mut out = Vec::with_capacity(units.len());
    for (items, (codes, ends)) in units.chunks(DECODE_CHUNK).zip(chunks) {
        let mut start = 0;
        for (u, &end) in items.iter().zip(ends) {
            out.push(u.map(|_| Cow::Borrowed(&codes[start..end])));
            start = end;
        }
    }
    out
}

/// Every item of `items` read in place as text (None for missing ones), or
/// None when some item is neither `str` nor `bytes`.
fn text_units<'a>(items: &'a [Bound<'_, PyAny>]) -> PyResult<Option<Vec<Option<Units<'a>>>>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if is_none(item) {
            out.push(None);
        } else if let Ok(s) = item.cast::<PyString>() {
            // SAFETY: `str` buffers never change, and `items` holds a
            // reference to each string for as long as the units are read.
            out.push(Some(match unsafe { s.data()? } {
                PyStringData::Ucs1(b) => Units::U8(b),
                PyStringData::Ucs2(b) => Units::U16(b),
                PyStringData::Ucs4(b) => Units::U32(b),
            }));
        } else if let Ok(b) = item.cast::<PyBytes>() {
            out.push(Some(Units::U8(b.as_bytes())));
        } else {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

/// Converts `queries` and `choices` and runs `work` on them without the GIL
/// (see [`detach::run`]). Lists of text are read in place and decoded to code
/// points on `workers` threads, off the GIL; other sequences are hashed first,
/// with the GIL.
fn with_batch<R: Send>(
    py: Python<'_>,
    queries: &Bound<'_, PyList>,
    choices: &Bound<'_, PyList>,
    workers: i64,
    work: impl FnOnce(Batch<'_>) -> crate::error::Result<R> + Send,
) -> PyResult<R> {
    // Held while the GIL is released: another thread may change the lists.
    let q_items: Vec<Bound<'_, PyAny>> = queries.iter().collect();
    let c_items: Vec<Bound<'_, PyAny>> = choices.iter().collect();
    if let (Some(q), Some(c)) = (text_units(&q_items)?, text_units(&c_items)?) {
        return detach::run(py, || {
            let (q_codes, c_codes) =
                crate::parallel::install(workers, || (decode_chunks(&q), decode_chunks(&c)))?;
            work(Batch::Text(decoded(&q, &q_codes), decoded(&c, &c_codes)))
        });
    }
    let q = convert_list(queries, "queries")?;
    let c = convert_list(choices, "choices")?;
    let all_text = q
        .iter()
        .chain(&c)
        .all(|s| !matches!(s, Some(Seq::Hashes(_))));
    let batch = if all_text {
        let text = |v: Vec<Option<Seq>>| {
            v.into_iter()
                .map(|s| s.map(|s| Cow::Owned(if let Seq::Text(t) = s { t } else { Vec::new() })))
                .collect::<Vec<_>>()
        };
        Batch::Text(text(q), text(c))
    } else {
        Batch::Hashes(widen(q), widen(c))
    };
    detach::run(py, || work(batch))
}

/// Score matrix `queries × choices` in `dtype` (integer scores are rounded
/// half up, as rapidfuzz does), built once in that type (already processed
/// strings; None items score 0).
#[pyfunction]
#[pyo3(signature = (scorer, queries, choices, *, score_cutoff, dtype, workers))]
fn match_cdist<'py>(
    py: Python<'py>,
    scorer: Wrap<Scorer>,
    queries: &Bound<'py, PyList>,
    choices: &Bound<'py, PyList>,
    score_cutoff: f64,
    dtype: Wrap<ScoreType>,
    workers: i64,
) -> PyResult<Bound<'py, PyAny>> {
    let scorer = scorer.0;
    let shape = (queries.len(), choices.len());
    macro_rules! run {
        ($t:ty) => {{
            let convert = |s: f64| {
                if dtype.0.is_integer() {
                    process::round_half_up(s) as $t
                } else {
                    s as $t
                }
            };
            let data: Vec<$t> = with_batch(py, queries, choices, workers, |b| match b {
                Batch::Text(q, c) => process::cdist(scorer, &q, &c, score_cutoff, workers, convert),
                Batch::Hashes(q, c) => {
                    process::cdist(scorer, &q, &c, score_cutoff, workers, convert)
                }
            })?;
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

/// Pairwise scores of `a[i]` and `b[i]` (float64).
#[pyfunction]
#[pyo3(signature = (scorer, a, b, *, score_cutoff, workers))]
fn match_cpdist<'py>(
    py: Python<'py>,
    scorer: Wrap<Scorer>,
    a: &Bound<'py, PyList>,
    b: &Bound<'py, PyList>,
    score_cutoff: f64,
    workers: i64,
) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
    let scorer = scorer.0;
    let data = with_batch(py, a, b, workers, |batch| match batch {
        Batch::Text(x, y) => process::cpdist(scorer, &x, &y, score_cutoff, workers),
        Batch::Hashes(x, y) => process::cpdist(scorer, &x, &y, score_cutoff, workers),
    })?;
    Ok(data.into_pyarray(py))
}

/// Up to `limit` best `(choice index, score)` per query, best first; with
/// `default_process`, queries and choices go through rapidfuzz's
/// `default_process` on the way in (no Python strings are made for it).
#[pyfunction]
#[pyo3(signature = (scorer, queries, choices, *, score_cutoff, limit, workers, default_process=false))]
fn match_extract_many(
    py: Python<'_>,
    scorer: Wrap<Scorer>,
    queries: &Bound<'_, PyList>,
    choices: &Bound<'_, PyList>,
    score_cutoff: f64,
    limit: usize,
    workers: i64,
    default_process: bool,
) -> PyResult<Vec<Vec<(usize, f64)>>> {
    let scorer = scorer.0;
    let found: Option<Vec<Vec<Match>>> =
        with_batch(py, queries, choices, workers, |batch| match batch {
            Batch::Text(mut q, mut c) => {
                if default_process {
                    crate::parallel::install(workers, || {
                        (q.par_iter_mut().chain(c.par_iter_mut()).flatten()).for_each(|text| {
                            *text = Cow::Owned(crate::matching::default_process_codes(text))
                        })
                    })?;
                }
                process::extract_many(scorer, &q, &c, score_cutoff, limit, workers).map(Some)
            }
            Batch::Hashes(..) if default_process => Ok(None),
            Batch::Hashes(q, c) => {
                process::extract_many(scorer, &q, &c, score_cutoff, limit, workers).map(Some)
            }
        })?;
    let found = found.ok_or_else(|| {
        PyTypeError::new_err("default_process needs strings (or None) as queries and choices")
    })?;
    Ok(found
        .into_iter()
        .map(|row| row.into_iter().map(|m| (m.index, m.score)).collect())
        .collect())
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
    m.add_function(wrap_pyfunction!(ratio, m)?)?;
    m.add_function(wrap_pyfunction!(partial_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(token_sort_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(token_set_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(token_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(partial_token_sort_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(partial_token_set_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(partial_token_ratio, m)?)?;
    m.add_function(wrap_pyfunction!(WRatio, m)?)?;
    m.add_function(wrap_pyfunction!(QRatio, m)?)?;
    m.add_class::<PyDistance>()?;
    enable_vectorcall(m)?;
    m.add_function(wrap_pyfunction!(default_process, m)?)?;
    m.add_function(wrap_pyfunction!(default_process_many, m)?)?;
    m.add_function(wrap_pyfunction!(is_missing, m)?)?;
    m.add_function(wrap_pyfunction!(match_cdist, m)?)?;
    m.add_function(wrap_pyfunction!(match_cpdist, m)?)?;
    m.add_function(wrap_pyfunction!(match_extract_many, m)?)?;
    Ok(())
}
