//! libsoxr, called exactly as python-soxr's `soxr.resample` calls it.
//!
//! librosa's default resamplers (`res_type="soxr_vhq" … "soxr_qq"`) are
//! python-soxr, which runs libsoxr's own engines. This module links the same
//! library (the system `libsoxr`, through `libsoxr-sys`) and drives it the same
//! way, so the samples are identical, not merely close:
//!
//! - one resampler per 1-D lane (librosa applies `soxr.resample` along the
//!   time axis lane by lane), `soxr_io_spec(T, T)` with interleaved float32 or
//!   float64 samples, `soxr_quality_spec(quality, 0)`, the default runtime spec
//!   (one thread);
//! - input fed in pieces of `max(1000, 48000 * in / out)` frames, then flushed;
//! - room for `trunc(n * out / in + 1)` output frames ([`capacity`]), of which
//!   the length libsoxr produces is returned (librosa then fixes the length;
//!   giving libsoxr exactly the fixed length's room cuts it the same way).
//!
//! The quality decides the engine (`soxr_vhq`: 64-bit `cr64s`, the others the
//! 32-bit `cr32s`), not the sample type.

use std::ffi::CStr;
use std::os::raw::c_void;
use std::ptr;

use libsoxr_sys as sys;

use crate::dsp::Float;
use crate::error::{ensure, Error, Result};

pub use crate::options::audio::soxr::Quality;

impl Quality {
    /// libsoxr's recipe constant.
    fn recipe(self) -> std::os::raw::c_ulong {
        (match self {
            Quality::VeryHigh => sys::SOXR_VHQ,
            Quality::High => sys::SOXR_HQ,
            Quality::Medium => sys::SOXR_MQ,
            Quality::Low => sys::SOXR_LQ,
            Quality::Quick => sys::SOXR_QQ,
        }) as std::os::raw::c_ulong
    }
}

/// A sample type libsoxr reads and writes directly.
pub trait Sample: Float {
    /// libsoxr's interleaved data type for `Self`.
    const DATATYPE: sys::soxr_datatype_t;
}

impl Sample for f32 {
    const DATATYPE: sys::soxr_datatype_t = sys::SOXR_FLOAT32_I;
}

impl Sample for f64 {
    const DATATYPE: sys::soxr_datatype_t = sys::SOXR_FLOAT64_I;
}

/// Whether every sample is finite, in blocks whose test has no early exit, so
/// it vectorizes (a short-circuiting `all` cost 0.3 ns a sample, 17 % of libsoxr's time).
fn all_finite<T: Float>(x: &[T]) -> bool {
    x.chunks(256)
        .all(|block| block.iter().fold(true, |ok, v| ok & v.is_finite()))
}

/// A libsoxr error string as a typed error on `target_sr`.
fn soxr_error(err: sys::soxr_error_t) -> Result<()> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: libsoxr's errors are static NUL-terminated strings.
    let message = unsafe { CStr::from_ptr(err) }.to_string_lossy();
    Err(Error::param(
        "target_sr",
        format!("libsoxr refused the conversion: {message}"),
    ))
}

/// Output frames python-soxr makes room for: `trunc(n * target / orig + 1)`,
/// in its own floating-point arithmetic. libsoxr's output never exceeds it.
pub fn capacity(n: usize, orig: f64, target: f64) -> usize {
    (n as f64 * target / orig + 1.0) as usize
}

/// One lane's libsoxr resampler, deleted on drop, fed as python-soxr feeds
/// it: pieces of [`piece`] samples counted from the lane's start, then a flush.
pub struct Resampler<T: Sample> {
    handle: sys::soxr_t,
    /// python-soxr's piece size for these rates.
    piece: usize,
    /// Input not yet fed: less than one piece.
    pending: Vec<T>,
    orig: f64,
    target: f64,
}

// SAFETY: a libsoxr handle has no thread affinity; `&mut self` on every call
// keeps it to one thread at a time.
unsafe impl<T: Sample> Send for Resampler<T> {}

impl<T: Sample> Drop for Resampler<T> {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful soxr_create and is deleted once.
        unsafe { sys::soxr_delete(self.handle) }
    }
}

/// python-soxr's piece size, in its own arithmetic (truncated to size_t).
fn piece(orig: f64, target: f64) -> usize {
    (48000.0 * orig / target).max(1000.0) as usize
}

impl<T: Sample> Resampler<T> {
    /// A resampler from `orig` Hz to `target` Hz at `quality`, created as
    /// python-soxr creates it. The rates must be finite and positive (the
    /// caller validates them).
    pub fn new(orig: f64, target: f64, quality: Quality) -> Result<Self> {
        // SAFETY: plain constructors of libsoxr's spec structs.
        let io = unsafe { sys::soxr_io_spec(T::DATATYPE, T::DATATYPE) };
        // SAFETY: as above.
        let spec = unsafe { sys::soxr_quality_spec(quality.recipe(), 0) };
        let mut err: sys::soxr_error_t = ptr::null();
        // SAFETY: the specs outlive the call; a null runtime spec is libsoxr's default.
        let handle =
            unsafe { sys::soxr_create(orig, target, 1, &mut err, &io, &spec, ptr::null()) };
        soxr_error(err)?;
        if handle.is_null() {
            return Err(Error::Internal("soxr_create returned no resampler".into()));
        }
        Ok(Resampler {
            handle,
            piece: piece(orig, target),
            pending: Vec::new(),
            orig,
            target,
        })
    }

    /// One `soxr_process` call: `input` (`None` flushes) into `out`; returns
    /// the samples written. Non-finite input is a typed error on `y` (libsoxr
    /// would smear it over the output).
    fn process(&mut self, input: Option<&[T]>, out: &mut [T]) -> Result<usize> {
        let (pointer, n) =
            input.map_or((ptr::null(), 0), |x| (x.as_ptr().cast::<c_void>(), x.len()));
        let mut done = 0;
        // SAFETY: `pointer` holds `n` samples (or is null to flush); `out` has
        // `out.len()` samples of room.
        let err = unsafe {
            sys::soxr_process(
                self.handle,
                pointer,
                n,
                ptr::null_mut(),
                out.as_mut_ptr().cast(),
                out.len(),
                &mut done,
            )
        };
        soxr_error(err)?;
        // Checked right after libsoxr read the piece, while it is still in
        // cache (checking first added a memory pass that libsoxr's compute hid).
        ensure(input.is_none_or(all_finite), "y", || {
            "audio buffer is not finite everywhere (NaN or inf)".into()
        })?;
        Ok(done)
    }

    /// [`process`](Self::process) appending to `out`, with room for all
    /// libsoxr has to give (asked again while it fills the room).
    fn process_into(&mut self, input: Option<&[T]>, out: &mut Vec<T>) -> Result<()> {
        let n = input.map_or(0, <[T]>::len);
        let mut room = capacity(n, self.orig, self.target) + 64;
        let mut feed = input;
        loop {
            let at = out.len();
            out.resize(at + room, T::zero());
            let done = self.process(feed, &mut out[at..])?;
            out.truncate(at + done);
            if done < room {
                return Ok(());
            }
            // Full: drain the rest (an empty piece reads nothing; a flush stays a flush).
            feed = feed.map(|_| &[][..]);
            room *= 2;
        }
    }

    /// Feeds the next samples of the lane, appending the output libsoxr
    /// produced to `out`. Samples are handed to libsoxr in the same pieces as
    /// one [`resample_lane`] call over the whole lane, so the output is the same.
    pub fn push(&mut self, mut x: &[T], out: &mut Vec<T>) -> Result<()> {
        if !self.pending.is_empty() {
            let take = (self.piece - self.pending.len()).min(x.len());
            self.pending.extend_from_slice(&x[..take]);
            x = &x[take..];
            if self.pending.len() < self.piece {
                return Ok(());
            }
            let full = std::mem::take(&mut self.pending);
            self.process_into(Some(&full), out)?;
            self.pending = full;
            self.pending.clear();
        }
        let whole = x.len() - x.len() % self.piece;
        for chunk in x[..whole].chunks(self.piece) {
            self.process_into(Some(chunk), out)?;
        }
        self.pending.extend_from_slice(&x[whole..]);
        Ok(())
    }

    /// Feeds what is pending and flushes, appending the rest of the output to `out`.
    pub fn finish(&mut self, out: &mut Vec<T>) -> Result<()> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            self.process_into(Some(&last), out)?;
        }
        self.process_into(None, out)
    }
}

/// Resamples one lane from `orig` Hz to `target` Hz with libsoxr into `out`,
/// as `soxr.resample(x, orig, target, quality)` does; returns how many samples
/// libsoxr wrote (at most `out.len()`: with less room than [`capacity`], the
/// output is cut there, and the rest of `out` is left as it was).
///
/// Non-finite samples are a typed error on `y` (libsoxr would smear them over
/// the output). The rates must be finite and positive (the caller validates them).
pub fn resample_lane<T: Sample>(
    x: &[T],
    orig: f64,
    target: f64,
    quality: Quality,
    out: &mut [T],
) -> Result<usize> {
    let mut resampler = Resampler::new(orig, target, quality)?;
    let mut written = 0;
    for chunk in x.chunks(resampler.piece) {
        written += resampler.process(Some(chunk), &mut out[written..])?;
    }
    written += resampler.process(None, &mut out[written..])?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine<T: Float>(rate: f64, freq: f64, n: usize) -> Vec<T> {
        (0..n)
            .map(|i| T::of((2.0 * std::f64::consts::PI * freq * i as f64 / rate).sin() * 0.5))
            .collect()
    }

    /// [`resample_lane`] of all of `x` at once.
    fn resampled<T: Sample>(x: &[T], orig: f64, target: f64, q: Quality) -> Vec<T> {
        let mut y = vec![T::zero(); capacity(x.len(), orig, target)];
        let n = resample_lane(x, orig, target, q, &mut y).unwrap();
        y.truncate(n);
        y
    }

    #[test]
    fn names_round_trip() {
        for q in Quality::ALL {
            assert_eq!(q.name().parse::<Quality>().unwrap(), q);
        }
        let err = "kaiser_best".parse::<Quality>().unwrap_err().to_string();
        assert!(err.contains("res_type") && err.contains("soxr_qq"), "{err}");
    }

    #[test]
    fn a_sine_keeps_its_shape_at_every_quality() {
        for q in Quality::ALL {
            let x = sine::<f64>(44100.0, 440.0, 44100);
            let y = resampled(&x, 44100.0, 22050.0, q);
            assert!((y.len() as i64 - 22050).abs() <= 1, "{q:?}: {}", y.len());
            let want = sine::<f64>(22050.0, 440.0, y.len());
            let err = y[2000..20000]
                .iter()
                .zip(&want[2000..20000])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(err < 2e-3, "{q:?}: {err}");
        }
    }

    #[test]
    fn chunked_feeding_spans_many_pieces_and_float32() {
        // 5 s at 8 kHz up to 96 kHz: the input is fed in 4000-frame pieces.
        let x = sine::<f32>(8000.0, 1000.0, 40_000);
        let y = resampled(&x, 8000.0, 96000.0, Quality::High);
        assert!((y.len() as i64 - 480_000).abs() <= 1);
        assert!(y.iter().all(|v| v.is_finite() && v.abs() < 0.6));
    }

    #[test]
    fn pushing_in_any_parts_equals_one_call() {
        let x = sine::<f32>(44100.0, 440.0, 200_000);
        let whole = resampled(&x, 44100.0, 22050.0, Quality::High);
        for parts in [
            vec![200_000],
            vec![1, 43_999, 44_100, 7, 111_893],
            vec![70_000; 3],
        ] {
            let mut r = Resampler::new(44100.0, 22050.0, Quality::High).unwrap();
            let (mut y, mut at) = (Vec::new(), 0);
            for len in parts {
                let end = (at + len).min(x.len());
                r.push(&x[at..end], &mut y).unwrap();
                at = end;
            }
            r.finish(&mut y).unwrap();
            assert_eq!(y, whole);
        }
    }

    #[test]
    fn refuses_non_finite_samples() {
        let mut y = vec![0.0f32; 100];
        for bad in [f32::NAN, f32::INFINITY] {
            let mut x = vec![0.1f32; 5000];
            x[4321] = bad;
            let err = resample_lane(&x, 48000.0, 16000.0, Quality::High, &mut y).unwrap_err();
            assert!(err.to_string().contains("finite"), "{err}");
        }
    }

    #[test]
    fn empty_and_single_sample_lanes() {
        let mut y = [0.0f64; 3];
        assert_eq!(
            resample_lane(&[], 44100.0, 22050.0, Quality::High, &mut y).unwrap(),
            0
        );
        assert!(resample_lane(&[0.5], 22050.0, 44100.0, Quality::High, &mut y).unwrap() <= 3);
    }
}
