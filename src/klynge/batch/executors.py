"""Where a batch's notebooks run: a registry of executors, with ``register`` and ``get``.

An executor takes :class:`~klynge.batch.tasks.Task` objects and yields their
:class:`~klynge.batch.tasks.Outcome` as they complete. Built in:

- ``local`` (the default): a process pool on this machine, one worker per core, each with
  its own warm kernel;
- ``threads``: a thread pool in this process, a warm kernel per thread (for tests and for
  machines where processes are dear);
- ``dask``: the workers of a Dask cluster (``scheduler=`` its address, a ``Client`` or a
  ``LocalCluster``); a worker plugin keeps one kernel per worker, workers send their outputs
  back, and the client writes them. It needs a database server both sides reach: SQLite,
  a file on this machine, is refused.

Any ``concurrent.futures.Executor`` plugs in: register a factory that returns one (or pass
an instance as ``run_batch(executor=...)``); it is wrapped in :class:`FuturesExecutor`.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from ..errors import BatchError, MissingDependency
from .tasks import Outcome, Task, execute_task, shutdown_kernel

__all__ = ["BatchExecutor", "DaskExecutor", "FuturesExecutor", "check_database", "get_executor", "make_executor",
           "names", "register_executor"]


class BatchExecutor(Protocol):
    """What the runner needs of an executor."""

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        """Run ``tasks``; yield each outcome as it completes (in any order)."""

    def close(self) -> None:
        """Release the workers (and their kernels)."""


def _failed(task: Task, exc: BaseException) -> Outcome:
    return Outcome(task.key, ok=False, seconds=0.0, error=f"the worker failed: {type(exc).__name__}: {exc}")


class FuturesExecutor:
    """Any ``concurrent.futures.Executor`` as a batch executor.

    Parameters
    ----------
    pool
        The executor; tasks are submitted as ``pool.submit(execute_task, task)``.
    owned
        Shut ``pool`` down on :meth:`close` (not when the caller passed it in).
    workers
        Threads of a thread pool, whose kernels :meth:`close` stops one per thread.
    """

    def __init__(self, pool: cf.Executor, *, owned: bool = True, workers: int = 0, lifeline=()):
        self.pool = pool
        self.owned = owned
        self.workers = workers
        self.broken = False
        self.lifeline = tuple(lifeline)  # closed after the pool: what is left of it then exits

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        futures = {self.pool.submit(execute_task, task): task for task in tasks}
        for future in cf.as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # a broken pool, an unpicklable result: the member fails, the batch goes on
                self.broken = self.broken or isinstance(exc, cf.BrokenExecutor)
                yield _failed(futures[future], exc)

    def close(self) -> None:
        if self.workers and isinstance(self.pool, cf.ThreadPoolExecutor):
            # One call per thread: the barrier keeps each thread to exactly one.
            barrier = threading.Barrier(self.workers)

            def stop():
                barrier.wait(timeout=60)
                shutdown_kernel()

            cf.wait([self.pool.submit(stop) for _ in range(self.workers)], timeout=120)
        if self.owned:
            self.pool.shutdown(wait=not self.broken, cancel_futures=True)
        for end in self.lifeline:
            end.close()


def _process_pool(workers: int, env: dict, fresh_every: int, lifeline=None) -> cf.ProcessPoolExecutor:
    from . import _worker

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        # Workers fork from a server that imported papermill once; unlike plain fork, the
        # server has no threads or sockets of the runner to inherit.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["klynge.batch._preload"])
    else:
        context = multiprocessing.get_context("spawn")
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker.init,
                                  initargs=(env, fresh_every, True, lifeline))


def _local(workers: int, *, env: dict, fresh_every: int, **_) -> BatchExecutor:
    # The workers get the reading end; the writing end stays here alone (pipes are not inherited,
    # and multiprocessing passes a worker only the descriptors it is given). When this process
    # ends, however it ends, the workers read the end of the pipe, stop their kernels and exit.
    reader, writer = multiprocessing.Pipe(duplex=False)
    return FuturesExecutor(_process_pool(workers, env, fresh_every, reader), lifeline=(reader, writer))


def _threads(workers: int, **_) -> BatchExecutor:
    return FuturesExecutor(cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="klynge-batch"),
                           workers=workers)


Factory = Callable[..., "BatchExecutor | cf.Executor"]

# -- Dask -------------------------------------------------------------------------------

PLUGIN = "klynge-kernel"


def _plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class KernelPlugin(WorkerPlugin):
        """Keeps one warm kernel per Dask worker, on one thread of its own.

        A kernel's channels belong to the thread (and event loop) that made them, and Dask
        runs tasks on a pool of threads: every task is handed to the plugin's own thread.
        """

        name = PLUGIN

        def setup(self, worker):
            self._thread = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="klynge-kernel")

        def run(self, task: Task) -> Outcome:
            return self._thread.submit(execute_task, task).result()

        def teardown(self, worker):
            thread = getattr(self, "_thread", None)
            if thread is not None:
                thread.submit(shutdown_kernel).result(timeout=60)
                thread.shutdown(wait=True)

    return KernelPlugin


def _run_on_worker(task: Task, inputs: dict) -> Outcome:
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN]
    return plugin.run(dataclasses.replace(task, inputs=inputs, folder=None))


class DaskExecutor:
    """Tasks on a Dask cluster; outputs come back as bytes and are written here.

    Parameters
    ----------
    scheduler
        A scheduler address, a ``distributed.Client`` or a cluster object (``LocalCluster``).
    """

    def __init__(self, scheduler):
        try:
            from distributed import Client
        except ImportError:
            raise MissingDependency("the Dask executor needs distributed: pip install 'klynge[dask]'") from None
        if scheduler is None:
            raise BatchError("the Dask executor needs scheduler= the address of a Dask scheduler "
                             "(e.g. tcp://10.0.0.5:8786), a Client or a LocalCluster")
        self.owned = not isinstance(scheduler, Client)
        self.client = Client(scheduler) if self.owned else scheduler
        self.client.register_plugin(_plugin_class()(), name=PLUGIN)

    @property
    def worker_count(self) -> int:
        """The Dask workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def run(self, tasks: Sequence[Task]) -> Iterator[Outcome]:
        from distributed import as_completed

        uses = Counter(str(src) for task in tasks for src in task.inputs.values() if not isinstance(src, bytes))
        shared = {src: Path(src).read_bytes() for src, n in uses.items() if n > 1}
        scattered = dict(zip(shared, self.client.scatter(list(shared.values()), broadcast=False))) if shared else {}
        futures = {}
        for task in tasks:
            inputs = {rel: (src if isinstance(src, bytes) else scattered.get(str(src)) or Path(src).read_bytes())
                      for rel, src in task.inputs.items()}
            remote = dataclasses.replace(task, inputs={}, folder=None)
            futures[self.client.submit(_run_on_worker, remote, inputs, pure=False)] = task
        for future in as_completed(list(futures)):
            task = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:
                yield _failed(task, exc)
                continue
            out = Path(task.folder) / "out"
            for rel, data in (outcome.files or {}).items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            outcome.files = None
            yield outcome

    def close(self) -> None:
        try:
            self.client.unregister_worker_plugin(PLUGIN)
        except Exception:  # the workers may be gone already
            pass
        if self.owned:
            self.client.close()


def check_database(factory: Factory, settings) -> None:
    """Refuse a SQLite database for an executor whose workers run on other machines.

    Raises
    ------
    BatchError
        Saying why, and what to do instead.
    """
    if getattr(factory, "needs_server_database", False) and settings.db.startswith("sqlite"):
        raise BatchError(
            "the Dask executor needs a database server that every worker reaches, such as PostgreSQL "
            "(KLYNGE_DB=postgresql+psycopg://...); this batch's database is a SQLite file on this machine "
            f"({settings.db}). Use the local executor, or move the data to a server.")


def _dask(workers: int, *, scheduler=None, settings=None, **_) -> BatchExecutor:
    if settings is not None:
        check_database(_dask, settings)
    return DaskExecutor(scheduler)


_dask.needs_server_database = True


# -- the registry -----------------------------------------------------------------------

_REGISTRY: dict[str, Factory] = {"local": _local, "threads": _threads, "dask": _dask}


def register_executor(name: str, factory: Factory) -> None:
    """Make ``factory`` available as ``run_batch(executor=name)``.

    ``factory(workers, *, scheduler, settings, env, fresh_every)`` returns a
    :class:`BatchExecutor` or any ``concurrent.futures.Executor`` (which gets tasks as
    ``submit(execute_task, task)``, so a process pool must be able to pickle them). A factory
    whose workers run on other machines sets ``factory.needs_server_database = True``.
    """
    if not callable(factory):
        raise TypeError(f"an executor factory must be callable, got {factory!r}")
    _REGISTRY[name] = factory


def get_executor(name: str) -> Factory:
    """The factory registered as ``name``.

    Raises
    ------
    BatchError
        Naming the executors that exist.
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise BatchError(f"no batch executor {name!r}; registered executors: {', '.join(names())} "
                         "(add one with klynge.batch.register_executor)") from None


def names() -> list[str]:
    return sorted(_REGISTRY)


def make_executor(spec, workers: int, **options) -> BatchExecutor:
    """An executor from a registered name, a :class:`BatchExecutor` or a ``concurrent.futures.Executor``."""
    if isinstance(spec, str):
        made = get_executor(spec)(workers, **options)
        return made if hasattr(made, "run") else FuturesExecutor(made)
    if isinstance(spec, cf.Executor):
        return FuturesExecutor(spec, owned=False, workers=workers if isinstance(spec, cf.ThreadPoolExecutor) else 0)
    if hasattr(spec, "run") and hasattr(spec, "close"):
        return spec
    raise BatchError(f"executor must be a name ({', '.join(names())}), a concurrent.futures.Executor "
                     f"or an object with run() and close(); got {spec!r}")
