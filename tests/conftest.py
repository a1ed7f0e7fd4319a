"""Suite-wide fixtures."""

from __future__ import annotations

import signal

import pytest


@pytest.fixture(autouse=True)
def _python_sigint_handler():
    """Give every test Python's own SIGINT handler.

    Third-party test dependencies (Dask's distributed scheduler among them) may
    replace it while a test runs; the Ctrl-C tests simulate SIGINT with
    ``_thread.interrupt_main`` and need it to raise ``KeyboardInterrupt``.
    """
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
