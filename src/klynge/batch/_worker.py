"""Start-up of a batch worker process: lighter imports, a kernel warming up early, a clean exit.

A process pool imports this module in each worker (or once, in the fork server that forks
them). Importing papermill costs about 1.8 s, of which about 1 s is ``rfc3987_syntax``,
which ``jsonschema`` loads only to check the ``iri`` string formats; notebook schemas use
no such format, so a worker runs without it. Importing this module elsewhere changes
nothing: the block applies in :func:`lighten_imports`, which only workers call (and the fork
server, through :mod:`klynge.batch._preload`).
"""

from __future__ import annotations

import sys

__all__ = ["init", "lighten_imports"]


def lighten_imports() -> None:
    """Import papermill without ``rfc3987_syntax`` (unless something already loaded it)."""
    if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # jsonschema then skips the iri format checks
    import papermill  # noqa: F401


def init(env: dict[str, str], fresh_every: int, prestart: bool = True) -> None:
    """Initialise a worker process: start its kernel (warming up meanwhile), then import papermill."""
    from multiprocessing import util

    from . import engine, tasks

    if prestart:
        tasks.prestart(env, fresh_every)
    lighten_imports()
    # Pool workers leave through os._exit, which skips atexit: stop the kernels on the way out.
    util.Finalize(None, engine.shutdown_all, exitpriority=10)

