"""The programs ``make test`` needs besides Python packages, checked before any test starts.

A missing one stops the run with the command that installs it. The tests check again where
they use each program (a single test file run on its own), but under pytest-xdist a worker
that stops cannot say why as plainly, so ``make test`` asks here first.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import sys
from pathlib import Path

from .pgserver import INSTALL as POSTGRES_INSTALL
from .pgserver import find_bin

CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium"


def chromium() -> str | None:
    """Chromium for the browser tests: ``KLYNGE_CHROMIUM``, /usr/bin/chromium, or the one on PATH."""
    given = Path(os.environ.get("KLYNGE_CHROMIUM", "/usr/bin/chromium"))
    return str(given) if given.exists() else shutil.which("chromium")


def missing() -> list[tuple[str, str]]:
    """Each missing program, with the command that installs it."""
    checks = [
        ("Chromium (the browser tests)", chromium() is not None, CHROMIUM_INSTALL),
        ("PostgreSQL (the store tests)", bool(os.environ.get("KLYNGE_TEST_POSTGRES")) or find_bin() is not None,
         POSTGRES_INSTALL),
        ("Node.js (the board's JavaScript)", shutil.which("node") is not None,
         "apt-get update && apt-get install -y nodejs"),
        ("Pango (PDF reports)", ctypes.util.find_library("pangoft2-1.0") is not None,
         "apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"),
    ]
    return [(what, install) for what, found, install in checks if not found]


def main() -> int:
    lacking = missing()
    for what, install in lacking:
        print(f"{what} is needed for the tests and is not installed. Install it with:\n    {install}", file=sys.stderr)
    return 3 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
