//! Python sequences as the matching core reads them: `str` and `bytes` as
//! code points (read in place where they can be), other sequences as element
//! hashes (rapidfuzz's rules), missing values (`None`, NaN, `pandas.NA`) as
//! `None`; one pair at a time ([`with_pair`]) or whole lists ([`with_batch`]).

use std::borrow::Cow;
use std::cell::RefCell;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyBytes, PyList, PyString};
use rayon::prelude::*;

use super::detach;
use crate::error::Result;
use crate::matching::Sym;

/// A sequence converted for the core: code points (str, bytes) or element hashes.
enum Seq {
    Text(Vec<u32>),
    Hashes(Vec<u64>),
}

/// Appends the code points of a `str` (read straight from its UCS buffer).
pub fn push_str(s: &Bound<'_, PyString>, out: &mut Vec<u32>) -> PyResult<()> {
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

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
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
pub trait OnPair {
    /// The computation's result.
    type Output;
    /// Runs on `a` and `b`.
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
pub fn with_pair<F: OnPair>(
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
pub fn is_none(obj: &Bound<'_, PyAny>) -> bool {
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

/// A list item as the batch kernels read it: its symbols.
pub trait Symbols<S>: AsRef<[S]> + Sync {}

impl<S, C: AsRef<[S]> + Sync> Symbols<S> for C {}

/// A batch kernel of `crate::matching::process`, run on the queries and
/// choices in whichever representation [`with_batch`] converted them to.
pub trait OnBatch: Send {
    /// The kernel's result.
    type Output: Send;
    /// Runs the kernel.
    fn run<S: Sym, C: Symbols<S>>(self, q: &[Option<C>], c: &[Option<C>]) -> Result<Self::Output>;
}

/// Converts `queries` and `choices` and runs `work` on them without the GIL
/// (see [`detach::run`]). Lists of text are read in place and decoded to code
/// points on `workers` threads, off the GIL; other sequences are hashed first,
/// with the GIL. With `default_process`, text goes through rapidfuzz's
/// `default_process` on the way in (no Python strings are made for it), and
/// other sequences raise `TypeError`.
pub fn with_batch<W: OnBatch>(
    py: Python<'_>,
    (queries, choices): (&Bound<'_, PyList>, &Bound<'_, PyList>),
    workers: i64,
    default_process: bool,
    work: W,
) -> PyResult<W::Output> {
    // Held while the GIL is released: another thread may change the lists.
    let q_items: Vec<Bound<'_, PyAny>> = queries.iter().collect();
    let c_items: Vec<Bound<'_, PyAny>> = choices.iter().collect();
    if let (Some(q), Some(c)) = (text_units(&q_items)?, text_units(&c_items)?) {
        return detach::run(py, || {
            let (q_codes, c_codes) =
                crate::parallel::install(workers, || (decode_chunks(&q), decode_chunks(&c)))?;
            let (q, c) = (decoded(&q, &q_codes), decoded(&c, &c_codes));
            run_text(q, c, workers, default_process, work)
        });
    }
    let q = convert_list(queries, "queries")?;
    let c = convert_list(choices, "choices")?;
    let all_text = q
        .iter()
        .chain(&c)
        .all(|s| !matches!(s, Some(Seq::Hashes(_))));
    if all_text {
        let text = |v: Vec<Option<Seq>>| {
            v.into_iter()
                .map(|s| s.map(|s| Cow::Owned(if let Seq::Text(t) = s { t } else { Vec::new() })))
                .collect::<Vec<_>>()
        };
        let (q, c) = (text(q), text(c));
        return detach::run(py, || run_text(q, c, workers, default_process, work));
    }
    if default_process {
        return Err(PyTypeError::new_err(
            "default_process needs strings (or None) as queries and choices",
        ));
    }
    let (q, c) = (widen(q), widen(c));
    detach::run(py, || work.run(&q, &c))
}

/// Runs `work` on code points, through `default_process` first when asked.
fn run_text<'a, W: OnBatch>(
    mut queries: Vec<Option<Cow<'a, [u32]>>>,
    mut choices: Vec<Option<Cow<'a, [u32]>>>,
    workers: i64,
    default_process: bool,
    work: W,
) -> Result<W::Output> {
    if default_process {
        crate::parallel::install(workers, || {
            let texts = queries.par_iter_mut().chain(choices.par_iter_mut());
            texts
                .flatten()
                .for_each(|text| *text = Cow::Owned(crate::matching::default_process_codes(text)))
        })?;
    }
    work.run(&queries, &choices)
}
