"""Start-up of a batch worker process: lighter imports, a kernel warming up early, a clean exit.

A worker lives no longer than its runner: it watches a pipe from the runner (its lifeline)
and, when the runner is gone, kills its kernels and exits (:func:`init`).

A process pool imports this module in each worker (or once, in the fork server that forks
them). Importing papermill costs about 1.8 s, of which about 1 s is ``rfc3987_syntax``,
which ``jsonschema`` loads only to check the ``iri`` string formats; notebook schemas use
no such format, so a worker runs without it. Importing this module elsewhere changes
nothing: the block applies in :func:`lighten_imports`, which only workers call (and the fork
server, through :mod:`klynge.batch._preload`).
"""

from __future__ import annotations

import os
import sys
import threading

__all__ = ["init", "lighten_imports"]


def lighten_imports() -> None:
    """Import papermill without ``rfc3987_syntax`` (unless something already loaded it)."""
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # jsonschema then skips the iri format checks
    import papermill  # noqa: F401


def init(env: dict[str, str], fresh_every: int, prestart: bool = True, lifeline=None) -> None:
    """Initialise a worker process: start its kernel (warming up meanwhile), then import papermill.

    Parameters
    ----------
    env
        The kernels' environment; its :data:`klynge.batch.runlock.ENV` names the run's lock,
        which the worker holds while it lives.
    fresh_every
        A fresh kernel after this many notebooks.
    prestart
        Start the kernel now.
    lifeline
        The reading end of a pipe whose writing end only the runner holds: when it closes
        (the runner ended, even by SIGKILL), the worker stops its kernels and exits.
    """
    from multiprocessing import util

    from . import engine, runlock, tasks

    if lifeline is not None:
        threading.Thread(target=_watch, args=(lifeline,), name="klynge-lifeline", daemon=True).start()
    runlock.hold(env.get(runlock.ENV))
    if prestart:
        tasks.prestart(env, fresh_every)
    lighten_imports()
    # Pool workers leave through os._exit, which skips atexit: stop the kernels on the way out.
    util.Finalize(None, engine.shutdown_all, exitpriority=10)


def _watch(lifeline) -> None:
    """Wait for the runner's end of the pipe to close; then stop this worker's kernels and the worker."""
    try:
        while True:
            lifeline.recv_bytes()  # nothing is ever sent: this returns only at the end
    except (EOFError, OSError):
        pass
    from . import engine

    engine.kill_all()
    # At once, without the pool's clean-up: there is no runner left to report to, and a
    # notebook half way through must not go on writing into the dead run's folder.
    os._exit(1)
