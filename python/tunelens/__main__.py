"""``python -m tunelens``: the ``tunelens`` command line (see :mod:`tunelens.cli`)."""

from __future__ import annotations

import sys

from tunelens.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
