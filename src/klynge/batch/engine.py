"""The papermill engine ``klynge``: many notebooks, one warm kernel.

A plain papermill run starts a kernel per notebook and imports pandas and matplotlib in it
again, about 1.6 s a notebook. :class:`WarmKernel` starts one IPython kernel, imports what
the batch notebooks need once (:func:`klynge.batch.kernel.warm_up`), and before each
notebook resets it (:func:`klynge.batch.kernel.restore`). It starts a fresh kernel every
``fresh_every`` notebooks, after any failure, and when the kernel died.

:class:`WarmEngine` is registered with papermill through the ``papermill.engine`` entry
point, so ``papermill.execute_notebook(..., engine_name="klynge", kernel=warm)`` runs in the
``warm`` kernel; without ``kernel=`` it uses one warm kernel per thread of the process.

Papermill imports are lazy: papermill loads its engines' entry points while it is itself
being imported, so a module-level ``import papermill`` here would be circular. That is also
why :class:`WarmEngine` follows papermill's engine protocol (``execute_notebook``,
``nb_kernel_name``, ``nb_language``) instead of subclassing ``papermill.engines.Engine``.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import weakref

from ..errors import BatchError

__all__ = ["WarmEngine", "WarmKernel", "default_kernel", "kill_all", "kill_manager", "shutdown_all", "track"]

log = logging.getLogger("klynge.batch")

_WARM_UP = "import klynge.batch.kernel as _k; _k.warm_up(); del _k"
_RESTORE = "import klynge.batch.kernel as _k; _k.restore({cwd!r})"


class WarmKernel:
    """One IPython kernel, warmed up once and reset between notebooks.

    Parameters
    ----------
    kernel_name
        The kernel spec to start (the batch notebooks use ``python3``).
    env
        The kernel's environment (default: this process's).
    fresh_every
        Start a fresh kernel after this many notebooks.
    startup_timeout
        Seconds to wait for a new kernel and its warm-up.
    """

    def __init__(self, kernel_name: str = "python3", *, env: dict[str, str] | None = None,
                 fresh_every: int = 100, startup_timeout: float = 120):
        if fresh_every < 1:
            raise BatchError(f"fresh_every must be 1 or more, got {fresh_every}")
        self.kernel_name = kernel_name
        self.env = dict(os.environ if env is None else env)
        self.fresh_every = fresh_every
        self.startup_timeout = startup_timeout
        self.km = None
        self.kc = None
        self.starts = 0       # kernels started so far
        self.used = 0         # notebooks run in the current kernel
        self._dirty = False   # a failure happened: start afresh before the next notebook
        self._warming = None  # msg id of the warm-up still running
        self._sockets = None  # folder of the kernel's IPC sockets

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> WarmKernel:
        """Start the kernel and send the warm-up; does not wait for the warm-up to finish."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.shutdown()
        if os.name == "posix":
            # Local IPC sockets in a private folder: no TCP port other users of the machine could reach.
            self._sockets = tempfile.mkdtemp(prefix="klynge-kernel-")
            km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                    ip=os.path.join(self._sockets, "k"))
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name)
        env = {**self.env, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        run_sync(km.start_kernel)(env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        kc.allow_stdin = False
        self.km, self.kc = km, kc
        self.starts += 1
        self.used = 0
        self._dirty = False
        # Sent at once (ZeroMQ keeps it until the kernel listens): the kernel boots and imports
        # while the caller goes on; prepare() waits for the reply.
        self._warming = kc.execute(_WARM_UP, silent=False, store_history=False)
        return self

    def shutdown(self) -> None:
        """Stop the kernel, if one runs."""
        from jupyter_core.utils import run_sync

        kc, km = self.kc, self.km
        self.kc = self.km = None
        self._warming = None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception as exc:  # already gone: nothing to stop
                log.debug("kernel shutdown: %s", exc)
        if getattr(self, "_sockets", None):
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    def kill(self) -> None:
        """Stop the kernel at once, from any thread: SIGKILL to its process group (no shutdown talk)."""
        kill_manager(self.km)
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)

    @property
    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def prepare(self, cwd: str) -> None:
        """Make the kernel ready for the next notebook: fresh if due, else reset; then ``cwd``.

        Raises
        ------
        BatchError
            When the warm-up or the reset fails (e.g. klynge is not importable in the kernel).
        """
        if self.km is None or self._dirty or self.used >= self.fresh_every or not self.alive:
            self.start()
        if self._warming is not None:
            msg_id, self._warming = self._warming, None
            self._reply(msg_id, "warm-up", self.startup_timeout)
        self._reply(self.kc.execute(_RESTORE.format(cwd=str(cwd)), silent=True, store_history=False),
                    "reset", 60)

    def finished(self, ok: bool) -> None:
        """Count a notebook; after a failure the next one gets a fresh kernel."""
        self.used += 1
        if not ok:
            self._dirty = True
            try:
                self.start()  # the fresh kernel warms up while the failure is being reported
            except Exception as exc:  # prepare() tries again and reports it
                log.debug("restarting the kernel: %s", exc)
                self._dirty = True

    def _reply(self, msg_id: str, what: str, timeout: float) -> None:
        from jupyter_core.utils import run_sync

        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=max(0.05, min(1.0, left)))
            except Exception:  # queue.Empty: no answer yet
                if left <= 0 or not self.alive:
                    self._dirty = True
                    state = f"did not answer within {timeout:.0f} s" if left <= 0 else "died"
                    raise BatchError(f"the {self.kernel_name} kernel {state} during its {what}") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            self._dirty = True
            raise BatchError(f"the kernel's {what} failed: {content.get('ename')}: {content.get('evalue')}")

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


_local = threading.local()
_all: list[WarmKernel] = []
_managers: weakref.WeakSet = weakref.WeakSet()  # papermill's own kernels, for kill_all()


def kill_manager(km) -> None:
    """SIGKILL the kernel of the kernel manager ``km`` and its process group, if it runs."""
    provisioner = getattr(km, "provisioner", None)
    pgid, pid = getattr(provisioner, "pgid", None), getattr(provisioner, "pid", None)
    try:
        if pgid and hasattr(os, "killpg"):
            os.killpg(pgid, signal.SIGKILL)
        elif pid:
            os.kill(pid, signal.SIGKILL)
    except OSError:  # gone already
        pass


def kill_all() -> None:
    """Stop every kernel this process started, at once; for a worker whose runner died."""
    for kernel in list(_all):
        kernel.kill()
    for km in list(_managers):
        kill_manager(km)


def track(kernel: WarmKernel) -> WarmKernel:
    """Have ``kernel`` stopped when the process exits (:func:`shutdown_all`)."""
    _all.append(kernel)
    return kernel


def default_kernel() -> WarmKernel:
    """This thread's warm kernel, made on first use and stopped when the process exits."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = _local.kernel = track(WarmKernel())
    return kernel


@atexit.register
def shutdown_all() -> None:
    """Stop every kernel made by :func:`default_kernel` or passed to :func:`track`."""
    while _all:
        _all.pop().shutdown()


def _kernel_cwd(resources: dict | None) -> str:
    path = ((resources or {}).get("metadata") or {}).get("path")
    return str(path) if path else os.getcwd()


class WarmEngine:
    """Papermill's engine protocol over a :class:`WarmKernel`.

    Extra keyword arguments of ``papermill.execute_notebook`` it understands: ``kernel``
    (the :class:`WarmKernel`; default: :func:`default_kernel`) and ``resources``
    (``{"metadata": {"path": folder}}``, the kernel's working folder, as for nbclient).
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        """Run ``nb`` and return it executed; mirrors ``papermill.engines.Engine.execute_notebook``."""
        from papermill.engines import NotebookExecutionManager

        nb_man = NotebookExecutionManager(nb, output_path=output_path, progress_bar=progress_bar,
                                          log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, *, kernel: WarmKernel | None = None,
                                 resources: dict | None = None, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        """Run the cells in the warm kernel; a timeout or a dead kernel marks the cell that ran."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger

        warm = kernel or default_kernel()
        if warm.kernel_name != kernel_name and kernel is None:
            warm.kernel_name = kernel_name
            warm.shutdown()
        warm.prepare(_kernel_cwd(resources))
        kwargs.pop("input_path", None)
        client = PapermillNotebookClient(
            nb_man, km=warm.km, timeout=execution_timeout or kwargs.pop("timeout", None),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, resources=resources or {}, **kwargs)
        # Reuse the kernel's channels: nbclient then neither starts nor stops a kernel.
        client.kc = warm.kc
        ok = False
        try:
            client.execute()
            ok = not nb_man.nb.metadata.papermill.get("exception")
        except (CellTimeoutError, DeadKernelError) as exc:
            _mark_running_cell(nb_man, exc)
        finally:
            warm.finished(ok)
        return nb_man.nb

    @classmethod
    def nb_kernel_name(cls, nb, name=None):
        from papermill.utils import nb_kernel_name

        return nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):
        from papermill.utils import nb_language

        return nb_language(nb, language)


def _mark_running_cell(nb_man, exc: Exception) -> None:
    """Give the cell that was running an error output, so papermill marks it as the failing one."""
    import nbformat

    started = [c for c in nb_man.nb.cells if c.get("cell_type") == "code"
               and c.metadata.get("papermill", {}).get("start_time")]
    if not started:
        raise exc
    cell = started[-1]
    cell.outputs.append(nbformat.v4.new_output(
        "error", ename=type(exc).__name__, evalue=str(exc).splitlines()[0] if str(exc) else "",
        traceback=[f"{type(exc).__name__}: {exc}"]))
    nb_man.cell_exception(cell)
    cell.metadata.papermill["status"] = nb_man.FAILED
