"""Which runs of the batch still have a process alive: a lock file in each run's work folder.

Every process of a run (the runner, its workers and their kernels) holds a shared lock on
``<work area>/<run>/.run.lock`` for as long as it lives; the kernel learns the file from
the environment variable :data:`ENV`. The operating system drops a lock when its process
ends, however it ends, so a run folder whose lock can be taken exclusively has no process
left to write into it, and :func:`clean` removes it. A folder whose lock is still held is
left alone: some process of that run still lives.

Only the standard library is imported: a kernel imports this module early.
"""

from __future__ import annotations

import fcntl  # the batch runs on POSIX systems: process groups and file locks
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ENV", "LOCK", "clean", "hold", "holding"]

log = logging.getLogger("klynge.batch")

#: The environment variable that names the run's lock file, for workers and kernels.
ENV = "KLYNGE_BATCH_RUN"
LOCK = ".run.lock"

_held: dict[str, object] = {}  # path to open file: kept open (and locked) until the process ends


def _lock(handle, exclusive: bool) -> bool:
    try:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def hold(path: str | os.PathLike | None = None) -> bool:
    """Hold the run's lock (``path``, default: :data:`ENV`) until this process ends.

    Returns
    -------
    bool
        False when there is no such file (no run folder on this machine, or it was cleaned).
    """
    path = str(path or os.environ.get(ENV) or "")
    if not path or path in _held:
        return bool(path)
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return False
    _lock(handle, exclusive=False)
    _held[path] = handle
    return True


@contextmanager
def holding(folder: Path) -> Iterator[Path]:
    """Make the run folder ``folder`` with its lock file, hold the lock, and yield the lock's path.

    The folder is removed on the way out.
    """
    folder.mkdir(parents=True)
    path = folder / LOCK
    path.touch()
    handle = open(path, "rb")
    _lock(handle, exclusive=False)
    try:
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        handle.close()


def clean(area: Path) -> list[Path]:
    """Remove the folders in the work area ``area`` that no living process holds.

    Returns
    -------
    list of Path
        The folders left because a process of their run still lives.
    """
    kept = []
    for entry in sorted(Path(area).iterdir()) if Path(area).is_dir() else []:
        lock = entry / LOCK
        if not entry.is_dir() or not lock.is_file():
            # Not a run folder (or one from before run folders had locks): nothing can own it.
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
            continue
        with open(lock, "rb") as handle:
            if _lock(handle, exclusive=True):
                shutil.rmtree(entry, ignore_errors=True)
                continue
        log.warning("left %s: a process of that batch is still running", entry)
        kept.append(entry)
    return kept
