//! The one idiom for heavy core calls: release the GIL, run on tunelens's own
//! thread pool, catch any panic, and stay interruptible with Ctrl-C.

use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::Duration;

use pyo3::prelude::*;

use super::errors::to_pyerr;
use crate::error::{catch_panic, Error, Result};
use crate::parallel::{self, Cancel};

/// How often the waiting thread looks for Python signals (Ctrl-C).
const SIGNAL_POLL: Duration = Duration::from_millis(20);

/// Runs `work` without the GIL, inside tunelens's fork-safe thread pool (so no
/// rayon code reached from a binding ever touches rayon's global pool; an inner
/// `parallel::install(n_jobs, ..)` still picks the requested size), and turns a
/// panic into `Error::Internal`: no Rust panic ever reaches Python, and the
/// result's error becomes a typed `tunelens.TunelensError`.
///
/// While `work` runs on the pool, the calling thread waits for it and every
/// [`SIGNAL_POLL`] briefly re-acquires the GIL to run Python's signal handlers
/// (`PyErr_CheckSignals`; it only does something on the main thread). On
/// Ctrl-C it cancels the call's [`Cancel`] token, which batch loops check
/// between items ([`Cancel::item`]), waits for the items in flight, and raises
/// the `KeyboardInterrupt`: a batch stops within about one item's time and no
/// work continues in the background.
pub fn run<T: Send>(py: Python<'_>, work: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    let cancel = Cancel::new();
    let outcome = py.detach(|| -> Result<Result<T>, PyErr> {
        let pool = parallel::pool_for(-1).map_err(|e| Python::attach(|py| to_pyerr(py, e)))?;
        let (done, finished) = sync_channel(1);
        let mut interrupt = None;
        let result = pool.in_place_scope(|scope| {
            scope.spawn(|_| {
                // cannot fail: the receiver lives until this scope ends
                let _ = done.send(cancel.scope(|| catch_panic(work)));
            });
            loop {
                match finished.recv_timeout(SIGNAL_POLL) {
                    Ok(result) => break result,
                    Err(RecvTimeoutError::Timeout) if interrupt.is_none() => {
                        if let Err(signal) = Python::attach(|py| py.check_signals()) {
                            interrupt = Some(signal);
                            cancel.request();
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        break Err(Error::Internal("a worker thread vanished".into()))
                    }
                }
            }
        });
        match interrupt {
            Some(signal) => Err(signal),
            None => Ok(result),
        }
    })?;
    outcome.map_err(|e| to_pyerr(py, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wheel carries no panic hook; this proves here, through the same
    /// `run` every binding uses, that a Rust panic reaches Python as
    /// `tunelens.TunelensInternalError` with a bug-report hint, never as a
    /// crash, and that the pool keeps working afterwards.
    #[test]
    fn a_panic_surfaces_as_the_internal_error() {
        super::super::testing::with_python(|py| {
            let class = super::super::testing::exception(py, "TunelensInternalError");
            let err = run(py, || -> Result<()> { panic!("index out of bounds") }).unwrap_err();
            assert!(err.get_type(py).is(&class), "{err}");
            let message = err.value(py).to_string();
            for part in ["index out of bounds", "bug", "report"] {
                assert!(message.contains(part), "{message}");
            }
            assert_eq!(run(py, || Ok(41 + 1)).unwrap(), 42);
        });
    }
}
