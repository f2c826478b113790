"""Inside a warm batch kernel: warm it up once, and give every member a clean start.

The batch runner keeps one IPython kernel per worker and runs many members in it
(:class:`klynge.batch.engine.WarmKernel`). This module runs *inside* that kernel. After the
kernel starts, :func:`warm_up` imports what the batch notebooks use (pandas, matplotlib,
the store) and takes a snapshot of the state a member may change. Before each member,
:func:`restore` puts it back:

- the user namespace (variables, imports, ``In``/``Out``) is cleared and the execution
  count starts again at 1, so executed notebooks do not depend on which kernel ran them;
- open figures are closed and matplotlib's rcParams restored;
- the working folder, the environment, ``sys.path`` and the warning filters are restored.

What a reset cannot undo (a module changed in ``sys.modules``, a monkeypatched function)
is why the runner also starts a fresh kernel every N members and after any failure.

It imports nothing heavy at module level: importing it is what the kernel does first.
"""

from __future__ import annotations

import gc
import os
import sys
import warnings

__all__ = ["restore", "snapshot", "warm_up"]

#: Modules the batch notebooks use, imported once per kernel by :func:`warm_up` (not pyplot:
#: the reports draw with matplotlib's object API).
WARM_MODULES = ("pandas", "matplotlib", "klynge.batch.steps", "klynge.analysis.member", "klynge.analysis.cluster",
                "klynge.report.pages")

_state: dict = {}


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """Import ``modules`` and take the snapshot that :func:`restore` returns to."""
    import importlib

    from klynge.batch import runlock

    runlock.hold()  # while this kernel lives, its run's folder is not cleaned away
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in modules:
        importlib.import_module(name)
    if "klynge.report.pages" in modules:
        # One small figure loads the fonts and the renderer, so the first member does not pay for them.
        from klynge.report import figures

        figures.png(figures.counts_figure(["Åre", "Trøndelag"], [1, 2], "nb", "warm-up"))
    # Move what the imports made out of the collector's way: the namespace reset between members
    # runs a full collection, 40 ms over the whole heap, and well under 1 ms without it.
    gc.collect()
    gc.freeze()
    snapshot()


def snapshot() -> None:
    """Remember the working folder, environment, sys.path, warning filters and rcParams."""
    _state.clear()
    _state["cwd"] = os.getcwd()
    _state["environ"] = dict(os.environ)
    _state["path"] = list(sys.path)
    _state["warnings"] = list(warnings.filters)
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        _state["rcparams"] = dict.copy(mpl.rcParams)  # raw values: no backend lookup


def restore(cwd: str | None = None) -> None:
    """Give the next member the state of the snapshot, and move into ``cwd``.

    Parameters
    ----------
    cwd
        The member's working folder; the snapshot's folder when None.
    """
    if not _state:
        snapshot()
    # Move first: the last member's folder may be gone, and the reset asks for the working folder.
    os.chdir(cwd or _state["cwd"])
    _reset_namespace()  # runs a full collection: the last member's garbage goes
    # What survived it (caches, mostly) stays: keep it out of the next members' collections
    # (anything frozen that later becomes garbage waits for the next fresh kernel).
    gc.freeze()
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and "rcparams" in _state:
        params = mpl.rcParams
        # The raw update, as matplotlib's own rc_context does: the values were valid when taken.
        update = getattr(params, "_update_raw", None) or (lambda d: dict.update(params, d))
        update(_state["rcparams"])
        for key in set(params) - set(_state["rcparams"]):
            dict.pop(params, key, None)
    environ = _state["environ"]
    for key in set(os.environ) - set(environ):
        del os.environ[key]
    for key, value in environ.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
    sys.path[:] = _state["path"]
    warnings.filters[:] = _state["warnings"]
    warnings._filters_mutated()


def _reset_namespace() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # not in IPython: nothing to clear
        return
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
