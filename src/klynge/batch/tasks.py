"""One notebook run, as a worker does it: :class:`Task` in, :class:`Outcome` out.

A task names the notebook, its parameters, its input files and the folder to run in. The
worker lays out that folder (``in/`` for inputs, ``out/`` for outputs), runs the notebook
with papermill (in the worker's warm kernel, or with papermill's own engine), saves the
executed notebook into ``out/`` (with the failing cell marked when a cell fails) and writes
``out/meta.json`` when all went well. A task never raises: a failure is an outcome.

Tasks and outcomes are plain picklable data, so any executor can carry them: a process
pool on this machine, or Dask workers on others (which send their ``out/`` files back as
bytes in :attr:`Outcome.files`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ENGINES", "META", "Outcome", "Task", "cell_seconds", "execute_task"]

#: How a task runs its notebook: in the worker's warm kernel, or with papermill's own engine.
ENGINES = ("klynge", "papermill")

META = "meta.json"


@dataclass(frozen=True)
class Task:
    """A notebook to run.

    Attributes
    ----------
    key
        Unique in the batch: ``analysis:12``, ``cluster``, ``report:12``.
    step, member, name
        The pass, the organisation id (None for the cluster) and a readable name.
    notebook
        Path of the notebook to run; ``output_name`` is the executed notebook's file name.
    parameters
        Notebook parameters; paths in them are relative to the task's folder.
    inputs
        Files to place in the folder before the run: relative path to either a path to copy
        from (on the worker's file system) or the bytes themselves.
    env
        Environment variables the kernel needs (the settings; never passed as parameters).
    folder
        Where to run (the runner's work area); None: a temporary folder, sent back as bytes.
    meta
        Written to ``out/meta.json`` when the run succeeds (fingerprints and run key).
    """

    key: str
    step: str
    member: int | None
    name: str
    notebook: str
    output_name: str
    parameters: dict
    inputs: dict = field(default_factory=dict)
    env: dict = field(default_factory=dict)
    folder: str | None = None
    meta: dict = field(default_factory=dict)
    engine: str = "klynge"
    fresh_every: int = 100
    cell_timeout: float | None = None


@dataclass
class Outcome:
    """How a task went. ``files`` holds ``out/`` as bytes when the task ran without a folder."""

    key: str
    ok: bool
    seconds: float
    cell_seconds: float = 0.0
    error: str = ""
    failed_cell: int | None = None
    notebook_written: bool = False
    files: dict[str, bytes] | None = None
    worker: str = ""
    kernel_starts: int = 0
    details: str = ""


def cell_seconds(nb) -> float:
    """Seconds spent inside the cells of an executed notebook (papermill's cell timings)."""
    total = 0.0
    for cell in nb.get("cells", []):
        duration = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
        total += float(duration or 0.0)
    return total


def _materialise(folder: Path, inputs: Mapping[str, object]) -> None:
    for rel, source in inputs.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, (bytes, bytearray)):
            target.write_bytes(source)
        else:
            try:
                os.link(source, target)  # the runner's outputs do not change in place: a link is safe
            except OSError:
                shutil.copyfile(source, target)


_kernels = threading.local()


def _warm_kernel(task: Task):
    """This thread's warm kernel, started again when the task's environment differs."""
    from .engine import WarmKernel, track

    kernel = getattr(_kernels, "kernel", None)
    env = {**os.environ, **task.env}
    if kernel is None or kernel.env != env:
        if kernel is not None:
            kernel.shutdown()
        kernel = _kernels.kernel = track(WarmKernel(env=env, fresh_every=task.fresh_every))
    kernel.fresh_every = task.fresh_every
    return kernel


def shutdown_kernel() -> None:
    """Stop this thread's warm kernel (a worker calls it before it exits)."""
    kernel = getattr(_kernels, "kernel", None)
    if kernel is not None:
        kernel.shutdown()
        _kernels.kernel = None


def prestart(env: Mapping[str, str], fresh_every: int = 100) -> None:
    """Start this thread's warm kernel now, so it warms up while the worker imports papermill."""
    task = Task(key="", step="", member=None, name="", notebook="", output_name="", parameters={},
                env=dict(env), fresh_every=fresh_every)
    kernel = _warm_kernel(task)
    if kernel.km is None:
        kernel.start()


def _kernel_manager_with(env: Mapping[str, str]):
    """A kernel manager class that starts papermill's fresh kernels with ``env`` added."""
    from jupyter_client.manager import AsyncKernelManager

    from .engine import _managers

    extra = dict(env)

    class EnvKernelManager(AsyncKernelManager):
        async def _async_start_kernel(self, **kw):
            kw["env"] = {**os.environ, **extra, **(kw.get("env") or {})}
            _managers.add(self)  # so a worker whose runner died can stop it (engine.kill_all)
            return await super()._async_start_kernel(**kw)

        start_kernel = _async_start_kernel

    return EnvKernelManager


@contextmanager
def _folder(task: Task):
    if task.folder is not None:
        folder = Path(task.folder)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    folder = Path(tempfile.mkdtemp(prefix="klynge-task-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def execute_task(task: Task) -> Outcome:
    """Run ``task`` and tell how it went; never raises."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    worker = f"{os.getpid()}/{threading.get_ident()}"
    with _folder(task) as folder:
        out = folder / "out"
        out.mkdir(parents=True, exist_ok=True)
        nb_path = out / task.output_name
        outcome = Outcome(task.key, ok=False, seconds=0.0, worker=worker)
        kernel = None
        try:
            _materialise(folder, task.inputs)
            options = dict(parameters=task.parameters, progress_bar=False, request_save_on_cell_execute=False,
                           execution_timeout=task.cell_timeout, resources={"metadata": {"path": str(folder)}})
            if task.engine == "klynge":
                kernel = _warm_kernel(task)
                nb = papermill.execute_notebook(task.notebook, str(nb_path), engine_name="klynge", kernel=kernel,
                                                **options)
            else:
                nb = papermill.execute_notebook(task.notebook, str(nb_path), engine_name=None,
                                                kernel_manager_class=_kernel_manager_with(task.env), **options)
            outcome.ok = True
            outcome.cell_seconds = cell_seconds(nb)
            (out / META).write_text(json.dumps(task.meta, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        except PapermillExecutionError as exc:
            outcome.error = f"{exc.ename}: {exc.evalue}".strip().rstrip(":")
            outcome.failed_cell = exc.cell_index
        except Exception as exc:  # a task never raises: the runner lists it and goes on
            outcome.error = f"{type(exc).__name__}: {exc}"
            outcome.details = traceback.format_exc()
            if kernel is not None:
                kernel.finished(ok=False)
        outcome.notebook_written = nb_path.exists()
        if not outcome.ok and outcome.notebook_written:
            try:
                outcome.cell_seconds = cell_seconds(json.loads(nb_path.read_text(encoding="utf-8")))
            except ValueError:
                pass
        if task.folder is None:
            outcome.files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                             if p.is_file()}
        outcome.kernel_starts = kernel.starts if kernel is not None else 0
        outcome.seconds = time.perf_counter() - start
        return outcome
