"""Work a page does after the kernel has sent what a click made: slow pictures after the numbers.

A widget's changes reach the browser while the kernel handles a click, but the page a click
builds appears only once the handler has returned. :func:`after_this_message` runs a function
once the kernel's loop is free again, in the kernel's main thread (so matplotlib and the
widgets are never used from two threads), so the page goes out first and its pictures follow.
Outside a kernel (a test, a script) the function runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["after_this_message"]

log = logging.getLogger(__name__)


def _kernel_loop():
    """The running kernel's main loop, or None outside a kernel."""
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    if not Kernel.initialized():
        return None
    return getattr(Kernel.instance(), "io_loop", None)


def after_this_message(work: Callable[[], None]) -> None:
    """Run ``work`` after the kernel has finished the message it handles now; at once outside a kernel.

    ``work`` must catch its own errors: one that escapes is logged, never shown.
    """
    def run() -> None:
        try:
            work()
        except Exception:
            log.exception("deferred work failed")

    loop = _kernel_loop()
    if loop is None:
        run()
    else:
        loop.add_callback(run)
