"""A run's lock tells a dead run from a live one: the next batch removes only folders no process holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from klynge.batch import runlock

HOLDER = "import sys; from klynge.batch import runlock; assert runlock.hold(); print('held', flush=True); " \
         "sys.stdin.read()"


def _holder(lock: Path) -> subprocess.Popen:
    """Another process of the run (a worker or a kernel): holds ``lock`` from the environment until told to end."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], env={runlock.ENV: str(lock)}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    return proc


def test_only_the_folders_of_runs_with_no_process_left_are_removed(tmp_path):
    area = tmp_path / ".outputs.work"
    dead = area / "dead"
    (dead / "analysis-1").mkdir(parents=True)
    (dead / runlock.LOCK).touch()
    (area / "stray.tmp").write_text("x")
    with runlock.holding(area / "live") as lock:
        assert lock == area / "live" / runlock.LOCK
        kernel = _holder(lock)
        assert runlock.clean(area) == [area / "live"]
        assert sorted(p.name for p in area.iterdir()) == ["live"]
        kernel.communicate("")  # ends normally
        assert runlock.clean(area) == [area / "live"]  # the runner itself still holds it
    assert not (area / "live").exists()  # a run removes its own folder on the way out


def test_a_folder_whose_last_process_was_killed_is_removed(tmp_path):
    folder = tmp_path / ".outputs.work" / "run"
    folder.mkdir(parents=True)
    (folder / runlock.LOCK).touch()
    kernel = _holder(folder / runlock.LOCK)
    assert runlock.clean(folder.parent) == [folder] and folder.exists()
    kernel.kill()  # SIGKILL: no clean-up of its own; the system drops its lock
    kernel.communicate()
    assert runlock.clean(folder.parent) == [] and not folder.exists()
    assert not runlock.hold(folder / runlock.LOCK)  # a late process of a removed run finds no lock to hold
