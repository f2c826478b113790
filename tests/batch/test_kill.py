"""A batch killed with SIGKILL at any moment leaves only complete outputs, and a resumed batch finishes."""

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
            "cluster": {"cluster.json", "cluster_summary.html", "cluster_summary.ipynb", "meta.json"}}


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
