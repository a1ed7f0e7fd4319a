//! The one idiom for heavy core calls: release the GIL, run on tunelens's own
//! thread pool, catch any panic, and stay interruptible with Ctrl-C.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
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
        let slot = Slot::default();
        let mut interrupt = None;
        let result = pool.in_place_scope(|scope| {
            scope.spawn(|_| {
                let mut fill = Fill {
                    slot: &slot,
                    value: None,
                };
                fill.value = Some(cancel.scope(|| catch_panic(work)));
            });
            loop {
                if let Some(result) = slot.wait(SIGNAL_POLL) {
                    break result;
                }
                if interrupt.is_none() {
                    if let Err(signal) = Python::attach(|py| py.check_signals()) {
                        interrupt = Some(signal);
                        cancel.request();
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

/// Where the pool task leaves its result for the waiting thread.
struct Slot<T> {
    value: Mutex<Option<Result<T>>>,
    filled: Condvar,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            value: Mutex::new(None),
            filled: Condvar::new(),
        }
    }
}

impl<T> Slot<T> {
    fn lock(&self) -> MutexGuard<'_, Option<Result<T>>> {
        self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The result once filled, waiting at most `timeout` for it.
    fn wait(&self, timeout: Duration) -> Option<Result<T>> {
        let (mut value, _) = self
            .filled
            .wait_timeout_while(self.lock(), timeout, |v| v.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        value.take()
    }
}

/// Fills its slot when dropped, with the task's result or, should the task
/// unwind past `catch_panic`, an internal error: the waiting thread always
/// gets an answer.
struct Fill<'a, T> {
    slot: &'a Slot<T>,
    value: Option<Result<T>>,
}

impl<T> Drop for Fill<'_, T> {
    fn drop(&mut self) {
        let value = self
            .value
            .take()
            .unwrap_or_else(|| Err(Error::Internal("a worker thread vanished".into())));
        *self.slot.lock() = Some(value);
        self.slot.filled.notify_one();
    }
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

    #[test]
    fn a_task_that_unwinds_still_answers() {
        let slot = Slot::<u8>::default();
        assert!(slot.wait(Duration::ZERO).is_none());
        drop(Fill {
            slot: &slot,
            value: None,
        });
        assert!(matches!(
            slot.wait(Duration::ZERO),
            Some(Err(Error::Internal(_)))
        ));
    }
}
