//! The one error type of the tunelens core.
//!
//! Every fallible core function returns [`Result`]. The Python binding layer maps
//! each variant to one `tunelens.TunelensError` subclass in a single place
//! (`src/py/errors.rs`), so messages written here are what users read: they name
//! the file or the argument and, where it helps, the accepted range.

use std::path::{Path, PathBuf};

/// Everything that can go wrong inside tunelens.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An argument is outside its accepted range or inconsistent with another.
    #[error("invalid {name}: {message}")]
    InvalidParameter {
        /// The argument's name as the user spells it (e.g. `n_fft`).
        name: &'static str,
        /// What is wrong and what would be accepted.
        message: String,
    },

    /// An argument is of a type the function does not take (Python: a
    /// `TypeError` as well, like the reference libraries raise).
    #[error("invalid {name}: {message}")]
    InvalidType {
        /// The argument's name as the user spells it.
        name: &'static str,
        /// What was passed and what would be accepted.
        message: String,
    },

    /// The input file does not exist.
    #[error("no such file: '{}'", path.display())]
    FileNotFound {
        /// The path as given.
        path: PathBuf,
    },

    /// Reading the input failed at the operating-system level (permissions, I/O).
    #[error("cannot read: {}: '{}'", io_reason(source), path.display())]
    Io {
        /// The path as given (or `<bytes>` for in-memory input).
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The path names something other than a regular file (a directory, a
    /// named pipe, a socket, a device): refused before opening, since a pipe
    /// blocks `open` and a device such as `/dev/zero` reads forever.
    #[error("cannot read: it is a {kind}, not a regular file (tunelens reads audio from regular files only): '{}'", path.display())]
    NotAFile {
        /// The path as given.
        path: PathBuf,
        /// What it is instead (e.g. `named pipe (FIFO)`).
        kind: &'static str,
    },

    /// Writing an output file failed (missing or unwritable folder, a folder
    /// where the file should go, a full disk).
    #[error("cannot write: {}: '{}'", io_reason(source), path.display())]
    Write {
        /// The output path as given.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The container or codec is not one tunelens can decode.
    #[error("unsupported audio format in '{}': {message}", path.display())]
    UnsupportedFormat {
        /// The path as given (or `<bytes>`).
        path: PathBuf,
        /// Which format or codec, as far as it could be told.
        message: String,
    },

    /// The file looked like audio but its data could not be decoded.
    #[error("cannot decode audio in '{}': {message}", path.display())]
    Decode {
        /// The path as given (or `<bytes>`).
        path: PathBuf,
        /// What the decoder reported.
        message: String,
    },

    /// A result or working buffer implied by argument `name` is larger than
    /// the memory this process may use; refused before allocating.
    #[error("{name} too large: would need {:.1} GiB of memory, more than half of the {:.1} GiB this process may use", *bytes / 1073741824.0, *limit / 1073741824.0)]
    TooLarge {
        /// The argument (or input) whose value implies the allocation.
        name: std::borrow::Cow<'static, str>,
        /// Bytes the call would allocate.
        bytes: f64,
        /// Bytes this process may use ([`memory_limit`]).
        limit: f64,
    },

    /// The call was cancelled (Ctrl-C in Python) before this item ran.
    #[error("cancelled before completion")]
    Cancelled,

    /// A bug in tunelens (for example a caught panic). Please report it.
    #[error("internal error in tunelens: {0} (this is a bug, please report it at the tunelens issue tracker)")]
    Internal(String),
}

/// Shorthand for results of the tunelens core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `errno` of an I/O error that carries none.
const EIO: i32 = 5;
/// `errno` of a missing file.
const ENOENT: i32 = 2;
/// `errno` of a directory given where a file is needed (as `IsADirectoryError`).
const EISDIR: i32 = 21;
/// `errno` of another non-regular file given as audio (a pipe, a socket, a device).
const EINVAL: i32 = 22;

/// An I/O error's text without std's `(os error N)` suffix (the errno is
/// reported on its own).
fn io_reason(source: &std::io::Error) -> String {
    let text = source.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// An operating-system-level error as Python's `OSError(errno, strerror,
/// filename)` takes it: Python prints `[Errno n] strerror: 'filename'`, so
/// the path is named once.
#[derive(Debug, PartialEq)]
pub struct OsError<'a> {
    /// The error number (`EIO` when the system gave none).
    pub errno: i32,
    /// The message without the path.
    pub reason: &'a str,
    /// The file.
    pub path: &'a Path,
}

impl Error {
    /// The message of a file error (`FileNotFound`, `Io`, `NotAFile`,
    /// `Write`) split as an `OSError` holds it; `None` for other variants.
    /// `message` is this error's `to_string()`, which for these variants ends
    /// with `: '<path>'`.
    pub fn os_error<'a>(&'a self, message: &'a str) -> Option<OsError<'a>> {
        let (errno, path) = match self {
            Error::FileNotFound { path } => (ENOENT, path),
            Error::Io { path, source } | Error::Write { path, source } => {
                (source.raw_os_error().unwrap_or(EIO), path)
            }
            Error::NotAFile { path, kind } => {
                (if *kind == "directory" { EISDIR } else { EINVAL }, path)
            }
            _ => return None,
        };
        let suffix = format!(": '{}'", path.display());
        let reason = message.strip_suffix(suffix.as_str()).unwrap_or(message);
        Some(OsError {
            errno,
            reason,
            path,
        })
    }

    /// Builds an [`Error::InvalidParameter`] for argument `name`.
    pub fn param(name: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidParameter {
            name,
            message: message.into(),
        }
    }
}

/// Returns `Err(Error::InvalidParameter)` unless `cond` holds.
pub fn ensure(cond: bool, name: &'static str, message: impl FnOnce() -> String) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(Error::param(name, message()))
    }
}

/// Bytes of memory this process may use: the smallest of physical memory
/// (`/proc/meminfo`), the address-space limit (`RLIMIT_AS`, as set by `ulimit
/// -v` or a test harness), the cgroup's `memory.max` (containers, Jupyter
/// hubs) and `TUNELENS_MAX_MEMORY` (bytes, or with a `K`/`M`/`G` suffix: a
/// tighter budget for a shared machine or a fuzzer); 1 TiB where none is known.
pub fn memory_limit() -> f64 {
    static BYTES: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| {
        let read = |path: &str| std::fs::read_to_string(path).ok();
        let meminfo = read("/proc/meminfo").and_then(|info| {
            let line = info
                .lines()
                .find(|l| l.starts_with("MemTotal:"))?
                .to_owned();
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024.0)
        });
        // "Max address space  <soft> <hard> bytes" (soft is "unlimited" when unset).
        let rlimit = read("/proc/self/limits").and_then(|limits| {
            let line = limits
                .lines()
                .find(|l| l.starts_with("Max address space"))?
                .to_owned();
            line.split_whitespace().nth(3)?.parse::<f64>().ok()
        });
        let cgroup = read("/sys/fs/cgroup/memory.max").and_then(|v| v.trim().parse::<f64>().ok());
        let budget = std::env::var("TUNELENS_MAX_MEMORY").ok().and_then(|v| {
            let v = v.trim().to_ascii_uppercase();
            let (digits, scale) = match v.char_indices().last() {
                Some((i, 'K')) => (&v[..i], 2f64.powi(10)),
                Some((i, 'M')) => (&v[..i], 2f64.powi(20)),
                Some((i, 'G')) => (&v[..i], 2f64.powi(30)),
                _ => (&v[..], 1.0),
            };
            digits.trim().parse::<f64>().ok().map(|n| n * scale)
        });
        [meminfo, rlimit, cgroup, budget]
            .into_iter()
            .flatten()
            .fold(1024f64.powi(4), f64::min)
    })
}

/// Refuses argument `name` when the buffers it implies (`bytes`) exceed half
/// of [`memory_limit`]: a typed error before allocating, never an abort.
pub fn affordable(name: impl Into<std::borrow::Cow<'static, str>>, bytes: f64) -> Result<()> {
    let limit = memory_limit();
    if bytes <= limit / 2.0 {
        Ok(())
    } else {
        Err(Error::TooLarge {
            name: name.into(),
            bytes,
            limit,
        })
    }
}

/// Elementary steps (one comparison, one multiply-add) beyond which a call
/// is refused instead of running: about a minute of one core.
pub const MAX_STEPS: f64 = 1e11;

/// Refuses argument `name` when the work it implies (`steps`, see
/// [`MAX_STEPS`]) would run for many minutes: parameters whose cost explodes
/// (a median kernel of 10^7 frames on a 1 s clip) get a typed error, not a hang.
pub fn tractable(name: &'static str, steps: f64, hint: impl FnOnce() -> String) -> Result<()> {
    ensure(steps <= MAX_STEPS, name, || {
        format!(
            "would take about {steps:.1e} steps (more than {MAX_STEPS:.0e}, many minutes); {}",
            hint()
        )
    })
}

/// Runs `work`, turning a panic into [`Error::Internal`]: batch items and the
/// binding boundary use it so one bug cannot take down a whole call.
pub fn catch_panic<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(Error::Internal(what))
    })
}

/// Asserts that `result` is the [`affordable`] refusal ([`Error::TooLarge`])
/// of argument `name`: the memory checks' unit tests.
#[cfg(test)]
pub fn assert_too_large<T>(result: Result<T>, name: &str) {
    match result {
        Err(Error::TooLarge { name: refused, .. }) => assert_eq!(refused, name),
        Err(other) => panic!("expected {name} to be refused as too large, got: {other}"),
        Ok(_) => panic!("expected {name} to be refused as too large, it was accepted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_name_the_path_once_as_python_prints_them() {
        let path = PathBuf::from("/no/dir/s.png");
        let denied = Error::Write {
            path: path.clone(),
            source: std::io::Error::from_raw_os_error(13),
        };
        let message = denied.to_string();
        assert_eq!(message, "cannot write: Permission denied: '/no/dir/s.png'");
        let os = denied.os_error(&message).unwrap();
        assert_eq!(
            (os.errno, os.reason, os.path),
            (13, "cannot write: Permission denied", path.as_path())
        );
        let missing = Error::FileNotFound { path: path.clone() };
        let message = missing.to_string();
        assert_eq!(missing.os_error(&message).unwrap().reason, "no such file");
        let folder = Error::NotAFile {
            path,
            kind: "directory",
        };
        assert_eq!(folder.os_error(&folder.to_string()).unwrap().errno, EISDIR);
        assert!(Error::param("n_fft", "x").os_error("x").is_none());
    }
}
