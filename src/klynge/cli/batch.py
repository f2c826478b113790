"""``klynge batch run``: every member's analysis, the cluster's picture, every member's report."""

from __future__ import annotations

import argparse
import sys

from ..batch.executors import names as executor_names
from ..batch.tasks import ENGINES
from ..settings import Settings
from .common import command_group, language_options

__all__ = ["register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``batch run`` to ``sub``."""
    action = command_group(sub, "batch", "the facilitator batch: analyses, cluster summary, reports",
                           [common, language_options()])
    p = action("run", run, "every member's analysis, the cluster's picture, every member's report")
    p.add_argument("--members", type=int, nargs="+", metavar="ID", help="organisation ids (default: all)")
    p.add_argument("--workers", type=int, help="parallel workers (default: one per core)")
    p.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                   help="klynge: warm kernels reused between members; papermill: a kernel per notebook")
    p.add_argument("--executor", choices=executor_names(), default="local",
                   help="where the notebooks run: %(choices)s (default: %(default)s)")
    p.add_argument("--scheduler", help="with --executor dask: the scheduler's address")
    p.add_argument("--resume", action="store_true", help="skip members whose inputs did not change")
    p.add_argument("--fresh-every", type=int, default=100, metavar="N", help="a fresh kernel every N notebooks")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge batch run``: the exit code says whether every notebook ran."""
    from ..batch import format_summary, run_batch
    from ..batch.lines import ProgressLines

    # A log or a pipe gets a plain line now and then instead of a progress bar.
    progress = None if sys.stdout.isatty() else ProgressLines()
    summary = run_batch(settings, members=args.members, workers=args.workers, engine=args.engine,
                        executor=args.executor, scheduler=args.scheduler, resume=args.resume,
                        fresh_every=args.fresh_every, progress=progress)
    print(format_summary(summary))
    return summary.exit_code
