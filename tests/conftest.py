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


@pytest.fixture(scope="session")
def recordings(request: pytest.FixtureRequest):
    """The real recordings of ``tunelens.datasets.fetch_recordings``, fetched once into
    pytest's cache folder (``.pytest_cache/d/tunelens-data``, kept between runs).

    Off CI, a machine that cannot download them skips the tests that need them; on CI
    (``CI`` set) they fail.
    """
    import os

    from tunelens import datasets
    from tunelens.exceptions import DownloadError

    cache = request.config.cache.mkdir("tunelens-data")
    try:
        table = datasets.fetch_recordings(cache, progress=False)
    except DownloadError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"the recordings cannot be downloaded here: {error}")
    return table
