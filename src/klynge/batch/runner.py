"""The batch runner: every member's analysis, then the cluster's picture, then every member's report.

:func:`run_batch` reads every member's data once, fingerprints it, and runs the three passes
on an executor (:mod:`klynge.batch.executors`). Each notebook runs in a folder of its own in
a work area beside the outputs folder; when it succeeds, its ``out/`` folder is renamed into
place, so the outputs folder never holds a half-written file, whenever the batch is killed.
A failing notebook does not stop the batch: it is kept, with its failing cell marked, in
``outputs/failed/``, the summary lists it, and :attr:`BatchSummary.ok` is False.

The outputs::

    outputs/index.html                          links to every report and the cluster summary
    outputs/cluster/cluster_summary.html        the cluster's picture (and cluster.json)
    outputs/members/<id>/analysis/analysis.json a member's figures
    outputs/members/<id>/report/report.html     a member's report
    outputs/failed/<step>-<id>.ipynb            failed notebooks, the failing cell marked

Every output folder holds its executed notebook and ``meta.json`` with the fingerprints it
was built from; ``resume=True`` skips a notebook whose run key (its data's fingerprint,
for reports also the cluster's, the language and the notebook) has not changed.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import resources
from ..errors import BatchError
from ..settings import Settings
from . import layout, runlock
from .fingerprint import cluster_fingerprint, digest, file_digest, member_fingerprint, run_key
from .tasks import ENGINES, Outcome, Task

__all__ = ["BatchSummary", "MemberResult", "format_summary", "run_batch"]

log = logging.getLogger("klynge.batch")

STEPS = ("analysis", "cluster", "report")
NOTEBOOKS = {"analysis": "member_analysis.ipynb", "cluster": "cluster_summary.ipynb",
             "report": "member_report.ipynb"}


@dataclass
class MemberResult:
    """How one notebook of the batch went: ``status`` is ``ok``, ``skipped`` or ``failed``."""

    step: str
    member: int | None
    name: str
    status: str
    seconds: float = 0.0
    cell_seconds: float = 0.0
    fingerprint: str = ""
    error: str = ""
    failed_cell: int | None = None
    notebook: str | None = None
    output: str | None = None


@dataclass
class BatchSummary:
    """What a batch did; ``ok`` is False when any notebook failed (the exit status is then 1)."""

    results: list[MemberResult]
    outputs: Path
    index: Path | None
    seconds: float
    workers: int
    engine: str
    executor: str
    lang: str
    cluster_fingerprint: str | None = None
    kernel_starts: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def failed(self) -> list[MemberResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[MemberResult]:
        return [r for r in self.results if r.status == "skipped"]

    @property
    def ran(self) -> list[MemberResult]:
        return [r for r in self.results if r.status == "ok"]

    def result(self, step: str, member: int | None = None) -> MemberResult | None:
        """The result of ``step`` for ``member`` (None for the cluster), if the batch had one."""
        return next((r for r in self.results if r.step == step and r.member == member), None)


def format_summary(summary: BatchSummary) -> str:
    """A plain-text table of the batch: one line per notebook, then the totals."""
    head = ("step", "member", "name", "status", "seconds", "note")
    rows = []
    for r in summary.results:
        note = r.error.splitlines()[0] if r.error else ""
        if r.status == "failed" and r.notebook:
            note += f" (notebook: {r.notebook})"
        name = r.name if len(r.name) <= 28 else r.name[:27] + "…"
        rows.append((r.step, "" if r.member is None else str(r.member), name, r.status,
                     f"{r.seconds:.2f}" if r.status != "skipped" else "", note))
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(5)]
    lines = ["  ".join(c.ljust(w) if i != 4 else c.rjust(w) for i, (c, w) in enumerate(zip(r[:5], widths)))
             + "  " + r[5] for r in [head, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  ----")
    lines.append("")
    lines.append(f"{len(summary.ran)} ran, {len(summary.skipped)} unchanged, {len(summary.failed)} failed "
                 f"in {summary.seconds:.1f} s ({summary.workers} workers, {summary.engine} engine, "
                 f"{summary.executor} executor, {summary.kernel_starts} kernel starts)")
    if summary.cluster_fingerprint:
        lines.append(f"cluster fingerprint: {summary.cluster_fingerprint}")
    if summary.index:
        lines.append(f"index: {summary.index}")
    lines.append("status: " + ("ok" if summary.ok else "FAILED"))
    return "\n".join(line.rstrip() for line in lines)


def _kernel_env(settings: Settings) -> dict[str, str]:
    """The settings a kernel needs, as environment variables; the server secret stays out."""
    # Every one is set (an empty value reads as unset), so a worker's own environment cannot add its own.
    return {"KLYNGE_DB": settings.db, "KLYNGE_HOME": settings.home, "KLYNGE_LANG": settings.lang,
            "KLYNGE_OUTPUTS": settings.outputs, "KLYNGE_TEMPLATES": settings.templates or ""}


NotebookChoice = str | Path | Callable[[int | None], str | Path]


class _Notebooks:
    """Which notebook each step runs (tests may swap one in), and each notebook's digest."""

    def __init__(self, overrides: Mapping[str, NotebookChoice] | None):
        unknown = set(overrides or {}) - set(STEPS)
        if unknown:
            raise BatchError(f"notebooks= takes the steps {', '.join(STEPS)}; got {', '.join(sorted(unknown))}")
        self.overrides = dict(overrides or {})
        self._digests: dict[Path, str] = {}

    def path(self, step: str, member: int | None) -> Path:
        choice = self.overrides.get(step)
        if callable(choice):
            choice = choice(member)
        path = Path(choice) if choice else resources.path("notebooks", "batch", NOTEBOOKS[step])
        if not path.is_file():
            raise BatchError(f"the {step} notebook {path} does not exist")
        return path.resolve()

    def digest(self, path: Path) -> str:
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]


Progress = bool | None | Callable[[int, int, "MemberResult"], None]


class _Ticker:
    """Counts finished notebooks for a tqdm bar or a callback ``(done, total, result)``."""

    def __init__(self, total: int, bar=None, callback=None):
        self.total, self.done, self.bar, self.callback = total, 0, bar, callback

    def tick(self, result: MemberResult) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        if self.callback is not None:
            try:
                self.callback(self.done, self.total, result)
            except Exception:  # a broken progress display must not stop the batch
                log.exception("the progress callback failed")


@contextmanager
def _progress(total: int, progress: Progress):
    if callable(progress):
        yield _Ticker(total, callback=progress)
        return
    enabled = sys.stderr.isatty() if progress is None else progress
    if not enabled:
        yield _Ticker(total)
        return
    from tqdm.auto import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    with tqdm(total=total, unit="nb", desc="batch", dynamic_ncols=True, smoothing=0.05) as bar, \
            logging_redirect_tqdm(loggers=[log]):
        yield _Ticker(total, bar=bar)


class _Run:
    """One batch: the state the three passes share."""

    def __init__(self, settings: Settings, *, engine: str, executor, scheduler, workers: int | None,
                 resume: bool, fresh_every: int, notebooks, cell_timeout):
        self.settings = settings
        self.lang = settings.lang
        self.engine = engine
        self.executor_spec = executor
        self.scheduler = scheduler
        self.workers = workers
        self.resume = resume
        self.fresh_every = fresh_every
        self.notebooks = notebooks
        self.cell_timeout = cell_timeout
        self.outputs = Path(settings.outputs)
        self.env = _kernel_env(settings)
        self.results: list[MemberResult] = []
        self.kernel_starts: dict[str, int] = {}
        self._executor = None
        self.ticker: _Ticker | None = None
        self.most_tasks = 1  # the largest pass: no more workers than that

    # -- the executor, made when a pass first needs it ----------------------------------
    def executor(self):
        if self._executor is None:
            from .executors import make_executor

            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            self.workers = max(1, min(self.workers or cores, self.most_tasks))
            self._executor = make_executor(self.executor_spec, self.workers, scheduler=self.scheduler,
                                           settings=self.settings, env=self.env, fresh_every=self.fresh_every)
            self.workers = getattr(self._executor, "worker_count", self.workers)  # Dask: the cluster's
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()

    # -- one pass -----------------------------------------------------------------------
    def task(self, step: str, member: int | None, name: str, key: str, fingerprint: str, parameters: dict,
             inputs: dict, meta: dict) -> Task:
        notebook = self.notebooks.path(step, member)
        ident = f"{step}-{member}" if member is not None else step
        return Task(
            key=ident, step=step, member=member, name=name, notebook=str(notebook),
            output_name=NOTEBOOKS[step], parameters={**parameters, "lang": self.lang, "output_dir": "out"},
            inputs=inputs, env=self.env, folder=str(self.work / ident),
            meta={"step": step, "member": member, "run_key": key, "fingerprint": fingerprint,
                  "lang": self.lang, "notebook": notebook.name, **meta},
            engine=self.engine, fresh_every=self.fresh_every, cell_timeout=self.cell_timeout)

    def run_pass(self, tasks: list[Task], dest: Callable[[Task], Path]) -> dict[str, Outcome]:
        """Run ``tasks``; install each success, keep each failure; results by task key."""
        if not tasks:
            return {}
        by_key = {t.key: t for t in tasks}
        done: dict[str, Outcome] = {}
        for outcome in self.executor().run(tasks):
            task = by_key[outcome.key]
            done[task.key] = outcome
            if outcome.worker:
                self.kernel_starts[outcome.worker] = max(self.kernel_starts.get(outcome.worker, 0),
                                                         outcome.kernel_starts)
            out = Path(task.folder) / "out"
            if outcome.ok:
                target = dest(task)
                layout.install(out, target, self.work)
                layout.forget_failure(self.outputs, task.key)
                self.record(task, "ok", outcome, notebook=str(target / task.output_name), output=str(target))
            else:
                kept = layout.keep_failure(out / task.output_name, self.outputs, task.key) \
                    if outcome.notebook_written else None
                self.record(task, "failed", outcome, notebook=str(kept) if kept else None)
                if outcome.details:
                    log.debug("%s: %s", task.key, outcome.details)
            shutil.rmtree(task.folder, ignore_errors=True)
        if getattr(self._executor, "broken", False):  # a worker died: the next pass gets new ones
            self._executor.close()
            self._executor = None
        return done

    def record(self, task: Task | None, status: str, outcome: Outcome | None = None, *, step: str = "",
               member: int | None = None, name: str = "", fingerprint: str = "", error: str = "",
               notebook: str | None = None, output: str | None = None) -> MemberResult:
        if task is not None:
            step, member, name, fingerprint = task.step, task.member, task.name, task.meta["fingerprint"]
        result = MemberResult(step, member, name, status, fingerprint=fingerprint, notebook=notebook, output=output,
                              error=error or (outcome.error if outcome else ""))
        if outcome is not None:
            result.seconds, result.cell_seconds, result.failed_cell = (outcome.seconds, outcome.cell_seconds,
                                                                       outcome.failed_cell)
        self.results.append(result)
        where = f" cell {result.failed_cell}" if result.failed_cell is not None else ""
        log.info("%-8s %5s %-28.28s %-7s %6.2f s%s%s", step, "" if member is None else member, name, status,
                 result.seconds, f"  {result.error.splitlines()[0]}{where}" if result.error else "",
                 f"  ({notebook})" if status == "failed" and notebook else "")
        if self.ticker is not None:
            self.ticker.tick(result)
        return result

    def current(self, dest: Path, key: str) -> bool:
        return self.resume and layout.run_key_of(dest) == key


def run_batch(settings: Settings, *, members: Sequence[int] | None = None, workers: int | None = None,
              engine: str = "klynge", executor="local", scheduler=None, resume: bool = False,
              fresh_every: int = 100, notebooks: Mapping[str, NotebookChoice] | None = None,
              cell_timeout: float | None = 600, progress: Progress = None) -> BatchSummary:
    """Run the batch: every member's analysis, the cluster's picture, every member's report.

    Parameters
    ----------
    settings
        Klynge's settings: the database (``db``), the outputs folder and the language.
    members
        Organisation ids to analyse and report on (default: every member). The cluster's
        picture always includes every member whose analysis is current.
    workers
        Parallel workers (default: one per core); each keeps a warm kernel.
    engine
        ``"klynge"`` (warm kernels) or ``"papermill"`` (papermill's own engine, a kernel per
        notebook).
    executor
        A registered executor name (``local``, ``threads``, ``dask``), a
        ``concurrent.futures.Executor`` or a :class:`~klynge.batch.executors.BatchExecutor`.
    scheduler
        For ``dask``: the scheduler's address, a ``Client`` or a ``LocalCluster``.
    resume
        Skip every notebook whose inputs did not change since its last good run.
    fresh_every
        A warm kernel is replaced after this many notebooks (and after any failure).
    notebooks
        For tests: the notebook of a step, as a path or a function of the member id.
    cell_timeout
        Seconds a cell may run before it fails (None: no limit).
    progress
        True for a progress bar (tqdm: counts, rate, time left), False for none, None (the
        default) for a bar when stderr is a terminal; or a function called after each
        notebook as ``progress(done, total, result)`` (an app's own display).

    Returns
    -------
    BatchSummary
        ``ok`` is False when any notebook failed.

    Raises
    ------
    BatchError
        When the batch cannot start: an unknown engine or executor, another batch writing
        to the same outputs, Dask with a SQLite database.
    """
    if engine not in ENGINES:
        raise BatchError(f"no batch engine {engine!r}; engines are {', '.join(ENGINES)}")
    if fresh_every < 1:
        raise BatchError(f"fresh_every must be 1 or more, got {fresh_every}")
    if isinstance(executor, str):
        from .executors import check_database, get_executor

        check_database(get_executor(executor), settings)
    started = time.perf_counter()
    run = _Run(settings, engine=engine, executor=executor, scheduler=scheduler, workers=workers, resume=resume,
               fresh_every=fresh_every, notebooks=_Notebooks(notebooks), cell_timeout=cell_timeout)
    with ExitStack() as stack:
        stack.enter_context(layout.batch_lock(run.outputs))
        run.work = layout.work_area(run.outputs) / uuid.uuid4().hex[:12]
        # Workers and kernels hold the run's lock too: the next batch removes this folder only
        # when none of them is left to write into it.
        run.env[runlock.ENV] = str(stack.enter_context(runlock.holding(run.work)))
        stack.callback(run.close)
        cluster, data, selected, run.shared = _read(settings, members)
        run.names = {i: m.organisation.name for i, m in data.items()}
        run.fingerprints = {i: member_fingerprint(m) for i, m in data.items()}
        run.most_tasks = max(1, len(selected))
        run.ticker = stack.enter_context(_progress(2 * len(selected) + 1, progress))
        analysed = _analysis_pass(run, selected)
        cluster_fp = _cluster_pass(run, cluster, analysed)
        _report_pass(run, selected, analysed, cluster_fp)
        index = _index(run, cluster.name, analysed, cluster_fp)
    summary = BatchSummary(run.results, run.outputs, index, time.perf_counter() - started, run.workers or 0,
                           engine, executor if isinstance(executor, str) else type(executor).__name__, run.lang,
                           cluster_fp, sum(run.kernel_starts.values()))
    log.info("batch done: %d ran, %d unchanged, %d failed in %.1f s", len(summary.ran), len(summary.skipped),
             len(summary.failed), summary.seconds)
    return summary


def _read(settings: Settings, members: Sequence[int] | None):
    from ..store import open_store
    from .data import batch_identity, load_cluster, load_members

    with open_store(settings.db, create=False) as store:
        who = batch_identity(store)
        cluster = load_cluster(store, who)
        data = load_members(store, who)
        # with the maturity snapshots (kept, never changed: their ids and rounds): a new one remakes the report
        shared = digest([_shared_digest(store, who), [(s.id, s.snapshot.round) for s in store.snapshots(who)]])
    if members is not None:
        unknown = sorted(set(members) - data.keys())
        if unknown:
            raise BatchError(f"no member with id {', '.join(map(str, unknown))} in {cluster.name}; "
                             f"ids are {', '.join(map(str, sorted(data)))}")
    selected = sorted(set(members)) if members is not None else sorted(data)
    return cluster, data, selected, shared


def _shared_digest(store, who) -> str:
    """A digest of what the cluster report reads besides the members' own data: the packages, their
    suppliers' answers, the members' decisions, the closed workshop rounds, the lessons cited and the cluster's
    plan. A change in any of them makes the reports again."""
    from .steps import recorded_decisions, recorded_lessons, recorded_workshops

    packages = [(rev.organisation_id, rev.document, rev.number, package.status,
                 sorted((o, a.state) for o, a in store.package_answers(who, rev.organisation_id, rev.document).items()))
                for package, rev in store.packages(who)]
    plan = store.cluster_plan(who).value.model_dump(mode="json")
    return digest([sorted(packages), recorded_decisions(store, who), plan, recorded_workshops(store, who),
                   recorded_lessons(store, who)])


def _analysis_pass(run: _Run, selected: list[int]) -> dict[int, str]:
    """Run the analyses; returns id to fingerprint of every member whose analysis is current."""
    tasks = []
    for i in selected:
        fp = run.fingerprints[i]
        key = run_key("analysis", fp, run.lang, run.notebooks.digest(run.notebooks.path("analysis", i)))
        dest = layout.analysis_dir(run.outputs, i)
        if run.current(dest, key):
            run.record(None, "skipped", step="analysis", member=i, name=run.names[i], fingerprint=fp,
                       output=str(dest))
            continue
        tasks.append(run.task("analysis", i, run.names[i], key, fp, {"organisation_id": i}, {}, {}))
    outcomes = run.run_pass(tasks, lambda t: layout.analysis_dir(run.outputs, t.member))
    analysed = {}
    for i, fp in run.fingerprints.items():
        ran = outcomes.get(f"analysis-{i}")
        if ran is not None:
            if ran.ok:
                analysed[i] = fp
            continue
        # Not run now (skipped or not selected): usable while it was made from today's data.
        key = run_key("analysis", fp, run.lang, run.notebooks.digest(run.notebooks.path("analysis", i)))
        if layout.run_key_of(layout.analysis_dir(run.outputs, i)) == key:
            analysed[i] = fp
    return analysed


def _cluster_pass(run: _Run, cluster, analysed: dict[int, str]) -> str | None:
    fp = cluster_fingerprint(cluster, analysed)
    notebook = run.notebooks.path("cluster", None)
    key = run_key("cluster", fp, run.lang, run.notebooks.digest(notebook), run.shared)
    dest = layout.cluster_dir(run.outputs)
    name = cluster.name
    if not analysed:
        run.record(None, "failed", step="cluster", name=name, fingerprint=fp,
                   error="not run: no member has a current analysis")
        return None
    if run.current(dest, key):
        run.record(None, "skipped", step="cluster", name=name, fingerprint=fp, output=str(dest))
        return fp
    excluded = [{"member": i, "name": run.names[i], "reason": "analysis failed or missing"}
                for i in sorted(set(run.names) - set(analysed))]
    inputs = {f"in/analyses/{i}.json": str(layout.analysis_dir(run.outputs, i) / "analysis.json") for i in analysed}
    inputs["in/excluded.json"] = layout.json_bytes(excluded)
    task = run.task("cluster", None, name, key, fp, {"analyses_dir": "in/analyses",
                                                      "excluded_json": "in/excluded.json"},
                    inputs, {"members": sorted(analysed)})
    outcome = run.run_pass([task], lambda t: dest).get(task.key)
    return fp if outcome is not None and outcome.ok else None


def _report_pass(run: _Run, selected: list[int], analysed: dict[int, str], cluster_fp: str | None) -> None:
    tasks = []
    cluster_json = str(layout.cluster_dir(run.outputs) / "cluster.json")
    findings_json = str(layout.cluster_dir(run.outputs) / "findings.json")  # read beside cluster.json
    for i in selected:
        fp = run.fingerprints[i]
        if i not in analysed or cluster_fp is None:
            why = "the member's analysis failed" if i not in analysed else "the cluster summary failed"
            run.record(None, "failed", step="report", member=i, name=run.names[i], fingerprint=fp,
                       error=f"not run: {why}")
            continue
        key = run_key("report", fp, cluster_fp, run.lang, run.notebooks.digest(run.notebooks.path("report", i)),
                      run.shared)
        dest = layout.report_dir(run.outputs, i)
        if run.current(dest, key):
            run.record(None, "skipped", step="report", member=i, name=run.names[i], fingerprint=fp,
                       output=str(dest))
            continue
        inputs = {"in/analysis.json": str(layout.analysis_dir(run.outputs, i) / "analysis.json"),
                  "in/cluster.json": cluster_json, "in/findings.json": findings_json}
        tasks.append(run.task("report", i, run.names[i], key, fp,
                              {"organisation_id": i, "analysis_json": "in/analysis.json",
                               "cluster_json": "in/cluster.json"}, inputs, {"cluster_fingerprint": cluster_fp}))
    run.run_pass(tasks, lambda t: layout.report_dir(run.outputs, t.member))


def _index(run: _Run, cluster_name: str, analysed: dict[int, str], cluster_fp: str | None) -> Path:
    """Write the index page: every member's report with its status, the cluster summary, the failures."""
    outputs = run.outputs
    reports = {r.member: r for r in run.results if r.step == "report"}
    rows = []
    for i, name in sorted(run.names.items(), key=lambda item: (item[1].lower(), item[0])):
        dest = layout.report_dir(outputs, i)
        result = reports.get(i)
        if result is not None:
            status = result.status
        elif not dest.exists():
            status = "missing"
        else:
            key = run_key("report", run.fingerprints[i], cluster_fp, run.lang,
                          run.notebooks.digest(run.notebooks.path("report", i)))
            status = "skipped" if i in analysed and layout.run_key_of(dest) == key else "outdated"
        href = (dest / "report.html").relative_to(outputs).as_posix() if (dest / "report.html").exists() else None
        rows.append({"name": name, "href": href, "status": status, "fingerprint": run.fingerprints[i]})
    summary = layout.cluster_dir(outputs) / "cluster_summary.html"
    cluster = {"href": summary.relative_to(outputs).as_posix()} if summary.exists() else None
    failures = [{"step": r.step, "name": r.name, "error": r.error.splitlines()[0] if r.error else "",
                 "notebook": Path(r.notebook).relative_to(outputs).as_posix() if r.notebook else None}
                for r in run.results if r.status == "failed"]
    return layout.write_index(outputs, cluster_name, run.lang, rows, cluster, failures, cluster_fp, run.work)
