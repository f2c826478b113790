"""A batch killed with SIGKILL at any moment leaves only complete outputs, and a resumed batch finishes;
a killed runner leaves no worker or kernel running, and the next batch removes its work folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from klynge.batch import format_summary, run_batch

pytestmark = [pytest.mark.parametrize("db_url", ["sqlite"], indirect=True), pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")]

EXPECTED = {"analysis": {"analysis.json", "member_analysis.ipynb", "meta.json"},
            "report": {"report.html", "member_report.ipynb", "meta.json"},
            "cluster": {"cluster.json", "findings.json", "cluster_summary.html", "cluster_summary.ipynb", "meta.json"}}


def _complete(path: Path) -> str | None:
    """Why ``path`` is not a complete output, or None when it is (or has just been replaced)."""
    try:
        if path.name.startswith(".") or path.suffix == ".tmp":
            return f"a temporary file in the outputs: {path}"
        if path.is_dir():
            if path.name in EXPECTED and path.parent.name != "members":
                names = {p.name for p in path.iterdir()}
                if names != EXPECTED[path.name]:
                    return f"{path} holds {sorted(names)}"
            return None
        data = path.read_bytes()
        if path.suffix in (".json", ".ipynb"):
            json.loads(data)
        elif path.suffix == ".html" and not data.rstrip().endswith(b"</html>"):
            return f"{path} is cut short"
    except FileNotFoundError:  # replaced between listing and reading: absent for a moment, never partial
        return None
    except ValueError:
        return f"{path} is not whole JSON"
    return None


def _check(outputs: Path) -> list[str]:
    return [why for p in outputs.rglob("*") if (why := _complete(p))]


def test_a_killed_batch_leaves_no_partial_output_and_resumes(settings, members):
    outputs = Path(settings.outputs)
    code = (
        "import sys\n"
        "from klynge.settings import load_settings\n"
        "from klynge.batch import run_batch\n"
        f"s = load_settings(home={settings.home!r}, db={settings.db!r}, outputs={settings.outputs!r}, lang='en')\n"
        "sys.exit(run_batch(s, workers=2, resume=True, progress=False).exit_code)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    problems: list[str] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if outputs.exists():
                problems.extend(_check(outputs))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    tree = []
    try:
        deadline = time.monotonic() + 120
        while not list(outputs.glob("members/*/analysis")):
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "no output appeared"
            time.sleep(0.01)
        # Kill the runner and everything it started (workers, fork server, kernels), by pid.
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        for p in tree:
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        stop.set()
        watcher.join()
        for p in tree:
            try:
                p.wait(timeout=10)
            except psutil.Error:
                pass
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    assert not problems, problems[:5]
    assert not _check(outputs)
    done_before = {int(p.parent.name) for p in outputs.glob("members/*/analysis")}
    assert done_before and not (outputs / "index.html").exists()

    summary = run_batch(settings, workers=2, resume=True, progress=False)
    assert summary.ok, format_summary(summary)
    for member in done_before:
        assert summary.result("analysis", member).status == "skipped"
    assert not _check(outputs)
    assert len(list(outputs.glob("members/*/report/report.html"))) == len(members)


def _gone(process: psutil.Process) -> bool:
    """True when ``process`` has ended (a zombie runs nothing: it only waits to be reaped)."""
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _wait_for(condition, what, seconds: float = 120, proc: subprocess.Popen | None = None):
    """Poll ``condition`` until it is true; ``what`` (a text, or a function giving one) says what failed."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if proc is not None:
            assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, what() if callable(what) else what
        time.sleep(0.05)
    return value


def _is_kernel(process: psutil.Process) -> bool:
    try:
        return "ipykernel" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def _describe(processes: list[psutil.Process]) -> str:
    def one(p):
        try:
            return f"{p.pid} {' '.join(p.cmdline())[:120]}"
        except psutil.Error:
            return str(p.pid)

    return "still running: " + "; ".join(one(p) for p in processes if not _gone(p))


@pytest.mark.parametrize("engine", ["klynge", "papermill"])
def test_a_killed_runner_takes_its_workers_and_kernels_along_and_the_next_run_cleans_up(settings, members, engine):
    env = {**os.environ, "KLYNGE_HOME": settings.home, "KLYNGE_DB": settings.db, "KLYNGE_OUTPUTS": settings.outputs,
           "KLYNGE_LANG": "en"}
    proc = subprocess.Popen([sys.executable, "-m", "klynge", "batch", "run", "--workers", "2", "--engine", engine],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    work = Path(settings.outputs).resolve().parent / f".{Path(settings.outputs).name}.work"
    runner = psutil.Process(proc.pid)
    tree: list[psutil.Process] = []
    try:
        # Kill while notebooks run: a task folder exists and kernels are up.
        folder = _wait_for(lambda: next((p.parent for p in work.glob("*/analysis-*")), None), "no task started",
                           proc=proc)

        _wait_for(lambda: any(_is_kernel(p) for p in runner.children(recursive=True)), "no kernel started",
                  proc=proc)
        tree = runner.children(recursive=True)  # the fork server, the workers and their kernels
        assert sum(map(_is_kernel, tree)) >= 1 and len(tree) >= 4, _describe(tree)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

        _wait_for(lambda: all(_gone(p) for p in tree), lambda: _describe(tree), seconds=15)
        before = _files(folder)
        time.sleep(1)  # an observation window, not a limit: no process of the run is left to write
        assert _files(folder) == before
    finally:
        for p in tree:
            try:
                p.kill()
            except psutil.Error:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()

    assert folder.exists()
    summary = run_batch(settings, workers=2, resume=True, progress=False)
    assert summary.ok, format_summary(summary)
    assert not folder.exists()
    assert not list(work.iterdir())
