"""``klynge lab [DIR]``: JupyterLab on a research export, with the example notebooks."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from functools import partial

from ..settings import Settings
from .common import language_options

__all__ = ["register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``lab`` to ``sub``."""
    p = sub.add_parser("lab", parents=[common, language_options()],
                       help="open JupyterLab on the research tables, with worked example notebooks")
    p.add_argument("folder", nargs="?", default="research-tables",
                   help="the research export folder (default: research-tables); when it holds no tables, "
                        "they are written from the database first")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--port", type=int, help="the port JupyterLab listens on (default: JupyterLab's)")
    p.add_argument("--key", help="when the tables are written: the pseudonym key (default: a random one)")
    p.add_argument("--k", type=int, default=3, help="when the tables are written: the least organisations a cell")
    p.add_argument("--print-command", action="store_true",
                   help="make the folder ready and print the command that starts JupyterLab, without starting it")
    p.set_defaults(run=lab)


def lab(args: argparse.Namespace, settings: Settings) -> int:
    """Prepare the folder; then start JupyterLab (or say how to install it, or print the command)."""
    from .. import operations as ops
    from ..errors import MissingDependency
    from ..i18n import t
    from ..lab import jupyterlab_installed, lab_command, prepare_lab

    ready = prepare_lab(args.folder, export=partial(ops.export_research, settings, key=args.key, k=args.k))
    print(t("lab.ready", settings.lang, folder=ready.folder))
    command = lab_command(ready.folder, open_browser=not args.no_browser, port=args.port)
    if args.print_command:
        print(shlex.join(command))
        return 0
    if not jupyterlab_installed():
        raise MissingDependency(t("lab.missing", settings.lang))
    if os.name == "posix":  # JupyterLab takes this process's place: a signal to it stops the lab, nothing orphaned
        sys.stdout.flush()
        os.chdir(ready.folder)
        os.execv(command[0], command)
    return subprocess.call(command, cwd=ready.folder)
