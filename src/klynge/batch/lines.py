"""Progress of a batch as plain lines, for a log or a pipe where a progress bar would be noise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressLines"]


class ProgressLines:
    """A ``progress(done, total, result)`` callback for :func:`klynge.batch.run_batch` that prints lines.

    A line such as ``batch: 12/77 notebooks (15%), 1 failed`` is printed when ``every_seconds``
    have passed since the last line, or when another ``every_percent`` of the notebooks is
    done, and always for the last notebook.

    Parameters
    ----------
    stream
        Where the lines go (default: standard output, flushed after each line).
    every_seconds, every_percent
        How often a line is printed, at most.
    """

    def __init__(self, stream: TextIO | None = None, *, every_seconds: float = 5.0, every_percent: float = 10.0):
        self.stream = stream
        self.every_seconds, self.every_percent = every_seconds, every_percent
        self.failed = 0
        self._last_time = time.monotonic()
        self._last_percent = 0.0

    def __call__(self, done: int, total: int, result) -> None:
        if getattr(result, "status", "") == "failed":
            self.failed += 1
        percent = 100.0 * done / max(total, 1)
        now = time.monotonic()
        if done < total and now - self._last_time < self.every_seconds \
                and percent - self._last_percent < self.every_percent:
            return
        self._last_time, self._last_percent = now, percent
        failed = f", {self.failed} failed" if self.failed else ""
        stream = self.stream or sys.stdout
        print(f"batch: {done}/{total} notebooks ({percent:.0f}%){failed}", file=stream, flush=True)
