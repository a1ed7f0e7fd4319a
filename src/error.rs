//! The one error type of the tunelens core.
//!
//! Every fallible core function returns [`Result`]. The Python binding layer maps
//! each variant to one `tunelens.TunelensError` subclass in a single place
//! (`src/py/errors.rs`), so messages written here are what users read: they name
//! the file or the argument and, where it helps, the accepted range.

use std::path::PathBuf;

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

    /// The input file does not exist.
    #[error("no such file: '{}'", path.display())]
    FileNotFound {
        /// The path as given.
        path: PathBuf,
    },

    /// Reading the input failed at the operating-system level (permissions, I/O).
    #[error("cannot read '{}': {source}", path.display())]
    Io {
        /// The path as given (or `<bytes>` for in-memory input).
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

    /// The call was cancelled (Ctrl-C in Python) before this item ran.
    #[error("cancelled before completion")]
    Cancelled,

    /// A bug in tunelens (for example a caught panic). Please report it.
    #[error("internal error in tunelens: {0} (this is a bug, please report it at the tunelens issue tracker)")]
    Internal(String),
}

/// Shorthand for results of the tunelens core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
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

/// Bytes of physical memory (Linux `/proc/meminfo`; 1 TiB where unknown).
pub fn physical_memory() -> f64 {
    static BYTES: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|info| {
                let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
                let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kib * 1024.0)
            })
            .unwrap_or(1024f64.powi(4))
    })
}

/// Refuses argument `name` when the buffers it implies (`bytes`) exceed half
/// the machine's memory: a typed error before allocating, never an OOM kill.
pub fn affordable(name: &'static str, bytes: f64) -> Result<()> {
    let available = physical_memory();
    ensure(bytes <= available / 2.0, name, || {
        format!(
            "would need {:.1} GiB of memory, more than half of this machine's {:.1} GiB",
            bytes / 2f64.powi(30),
            available / 2f64.powi(30)
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
