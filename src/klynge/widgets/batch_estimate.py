"""Time left in a batch, from the time its members have taken so far, and how to say it.

The batch does each member twice (an analysis, later a report) and the cluster once in
between, so every finished notebook is a measured step of the same run. The estimate is the
measured time per finished step times the steps left. Between two finished steps it counts
down with the clock; when a step takes longer than the ones before it, the estimate does not
reach zero but grows with the time that step has taken, so it never says "a minute left"
for four minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ..i18n import t

__all__ = ["Estimate", "say_duration"]


class Estimate:
    """The time left, fed ``(done, total)`` as notebooks finish; ``clock`` gives seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.started = clock()
        self.done, self.total = 0, 0
        self._at = self.started

    def update(self, done: int, total: int) -> None:
        self.done, self.total, self._at = done, total, self._clock()

    def seconds_left(self) -> float | None:
        """Seconds still to go; None before the first step has finished (nothing measured yet)."""
        if self.done <= 0:
            return None
        if self.done >= self.total:
            return 0.0
        now = self._clock()
        per_step = (self._at - self.started) / self.done
        left = self.total - self.done
        counted_down = per_step * left - (now - self._at)
        # Once the step under way has taken longer than the mean, count it as ending now: the
        # mean, with it, grows, and so does the time the other steps left will take.
        if_now = (now - self.started) / (self.done + 1) * (left - 1)
        return max(counted_down, if_now, 0.0)

    def seconds_per_member(self) -> float | None:
        """Measured time per member so far: two notebooks each (analysis and report)."""
        if self.done <= 0:
            return None
        return 2 * (self._at - self.started) / self.done


def say_duration(seconds: float | None, lang: str) -> str:
    """Time left in plain words: "under a minute", "about 4 min", "about 1 h 20 min"."""
    if seconds is None:
        return t("batch.panel.estimating", lang)
    if seconds < 60:
        return t("batch.panel.under_a_minute", lang)
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return t("batch.panel.about_minutes", lang, minutes=minutes)
    return t("batch.panel.about_hours", lang, hours=minutes // 60, minutes=minutes % 60)
