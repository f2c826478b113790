"""The outputs folder: where each output lives, and how it gets there whole.

Nothing is written into the outputs folder bit by bit. A notebook runs in a folder of the
work area (``.<outputs>.work/`` beside the outputs, on the same file system) and its finished
``out/`` folder is renamed into place (:func:`install`); single files are written beside
their target and renamed over it (:func:`klynge.batch.steps.write_bytes`). A batch killed
at any moment leaves complete outputs and, at worst, an output missing, which the next run
(with ``resume``) makes again. One batch at a time writes to an outputs folder
(:func:`batch_lock`); each run works in a folder of its own in the work area, which the next
batch removes once no process of that run is left (:mod:`klynge.batch.runlock`).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import BatchError
from . import runlock
from .steps import write_bytes
from .tasks import META

__all__ = ["analysis_dir", "batch_lock", "cluster_dir", "failed_path", "forget_failure", "install", "json_bytes",
           "keep_failure", "report_dir", "run_key_of", "work_area", "write_index"]

INDEX = "index.html"


def analysis_dir(outputs: Path, member: int) -> Path:
    return Path(outputs) / "members" / str(member) / "analysis"


def report_dir(outputs: Path, member: int) -> Path:
    return Path(outputs) / "members" / str(member) / "report"


def cluster_dir(outputs: Path) -> Path:
    return Path(outputs) / "cluster"


def failed_path(outputs: Path, key: str) -> Path:
    return Path(outputs) / "failed" / f"{key}.ipynb"


def work_area(outputs: Path) -> Path:
    """The batch's scratch folder beside ``outputs`` (so renames stay on one file system)."""
    outputs = Path(outputs).resolve()
    return outputs.parent / f".{outputs.name}.work"


def json_bytes(data) -> bytes:
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def run_key_of(folder: Path) -> str | None:
    """The run key an installed output was made with, or None when there is none."""
    try:
        return json.loads((Path(folder) / META).read_text(encoding="utf-8")).get("run_key")
    except (OSError, ValueError):
        return None


def install(source: Path, target: Path, scratch: Path) -> None:
    """Put the finished folder ``source`` at ``target``, replacing what was there.

    Each step is a rename: ``target`` is either the old output, briefly absent, or the new
    one; never a mixture.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        old = Path(scratch) / f"old-{uuid.uuid4().hex[:12]}"
        os.rename(target, old)
        os.rename(source, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(source, target)


def keep_failure(notebook: Path, outputs: Path, key: str) -> Path:
    """Move a failed notebook (its failing cell marked) to ``outputs/failed/<key>.ipynb``."""
    target = failed_path(outputs, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(notebook, target)
    return target


def forget_failure(outputs: Path, key: str) -> None:
    """Remove an earlier failure's notebook once the step succeeded."""
    target = failed_path(outputs, key)
    if target.exists():
        target.unlink()


@contextmanager
def batch_lock(outputs: Path) -> Iterator[None]:
    """Hold the outputs folder for one batch; the lock goes when the process does, even when killed.

    Raises
    ------
    BatchError
        When another batch holds it.
    """
    outputs = Path(outputs).resolve()
    outputs.mkdir(parents=True, exist_ok=True)
    path = outputs.parent / f".{outputs.name}.lock"
    handle = open(path, "a+")
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise BatchError(f"another batch is writing to {outputs}; wait for it to finish") from None
        # Folders left by batches that were killed: nothing in them is complete. A folder that
        # a process of its run still holds is left alone (the next batch removes it).
        runlock.clean(work_area(outputs))
        yield
    finally:
        handle.close()


def write_index(outputs: Path, cluster_name: str, lang: str, members: Sequence[Mapping],
                cluster: Mapping | None, failures: Sequence[Mapping], fingerprint: str | None,
                scratch: Path) -> Path:
    """Write ``outputs/index.html``: whole, in ``scratch``, then renamed into place."""
    from ..report.html import index_page

    page = index_page(cluster_name, lang, members, cluster, failures, fingerprint)
    return write_bytes(Path(outputs) / INDEX, page.encode("utf-8"), scratch)
