"""``klynge lab``: JupyterLab on a folder of research tables, with the example notebooks beside them.

:func:`prepare_lab` makes the folder ready: the research tables (written from the database when
the folder holds none yet) and a copy of every notebook of ``notebooks/research/`` that is not
there already (a researcher's edits are never overwritten). :func:`lab_command` is the command
that starts JupyterLab on it, run with this Python so that its kernels import this Klynge.
JupyterLab is an optional dependency (``pip install 'klynge[lab]'``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from . import resources

__all__ = ["LabFolder", "jupyterlab_installed", "lab_command", "prepare_lab"]


@dataclass(frozen=True)
class LabFolder:
    """A folder made ready for JupyterLab: the notebooks copied now, and whether the tables were written now."""

    folder: Path
    copied: list[Path]
    exported: bool


def jupyterlab_installed() -> bool:
    """Whether JupyterLab can be started from this Python."""
    return importlib.util.find_spec("jupyterlab") is not None


def examples() -> list[Path]:
    """The example notebooks of ``notebooks/research/``, by name."""
    return sorted(resources.path("notebooks", "research").glob("*.ipynb"))


def prepare_lab(folder: Path | str, export=None) -> LabFolder:
    """Make ``folder`` ready: research tables in it, and the example notebooks it lacks.

    Parameters
    ----------
    folder
        The research export folder; made when missing.
    export
        Called with the folder to write the research tables when it holds none (e.g. a partial
        of :func:`klynge.operations.export_research`); None leaves a folder without tables as it is.
    """
    folder = Path(folder).resolve()
    exported = False
    if export is not None and not any((folder / f"organisations.{ext}").exists() for ext in ("parquet", "csv")):
        export(folder)
        exported = True
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for notebook in examples():
        target = folder / notebook.name
        if not target.exists():
            shutil.copyfile(notebook, target)
            copied.append(target)
    return LabFolder(folder=folder, copied=copied, exported=exported)


def lab_command(folder: Path | str, *, open_browser: bool = True, port: int | None = None) -> list[str]:
    """The command that starts JupyterLab on ``folder`` with this Python.

    As root (a container, a Binder-like sandbox) it adds ``--allow-root``: JupyterLab refuses root
    otherwise, and the command already runs with root's rights.
    """
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(folder).resolve()}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    if not open_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--port={port}")
    return command
