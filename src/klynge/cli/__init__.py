"""The ``klynge`` command: a thin parser over :mod:`klynge.operations` and friends.

One module per group of commands, each with the same shape::

    def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
        p = sub.add_parser("status", parents=[common], help="...")
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=status)

    def status(args: argparse.Namespace, settings: Settings) -> int:
        ...  # call the library, print, return the exit code

``common`` is the parent parser of every subcommand (``--db``); a command whose output depends
on the language adds :func:`~klynge.cli.common.language_options` (``--lang``). Both options are
accepted before the command too (``klynge --db FILE status`` and ``klynge status --db FILE``).
A group with actions (``klynge db upgrade``) is made with
:func:`~klynge.cli.common.command_group`, which gives the parents to the group and to every
action. The handler gets the parsed arguments and the settings with ``--db`` and ``--lang``
applied; it raises :class:`~klynge.errors.KlyngeError` for anything a person can fix, which
:func:`main` prints as one line. Add a module to :data:`GROUPS` to add its commands.

Heavy imports happen inside the handlers, so ``klynge --help`` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..errors import KlyngeError
from ..settings import load_settings, settings_help
from .common import common_options, database_problem, language_options, shown_url

__all__ = ["GROUPS", "build_parser", "database_problem", "main", "run", "shown_url"]

#: The modules of :mod:`klynge.cli` that add commands, in the order ``klynge --help`` lists them.
GROUPS = ("data", "people", "apps", "batch", "canvases", "travel", "partners", "meetings", "packages", "funnel",
          "events", "library", "workshop", "lab")


def build_parser() -> argparse.ArgumentParser:
    """The ``klynge`` parser with every group's commands."""
    parser = argparse.ArgumentParser(
        prog="klynge",
        description="Klynge: the workbench of a tourism cluster that co-creates its low season.",
        epilog="settings (environment variables):\n" + settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(None), language_options(None)],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_options()
    for name in GROUPS:
        importlib.import_module(f"{__name__}.{name}").register(sub, common)
    return parser


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 0
    settings = load_settings(**({"lang": args.lang} if args.lang else {})).with_db(args.db)
    try:
        return args.run(args, settings)
    except KlyngeError:
        raise
    except Exception as exc:
        problem = database_problem(exc, settings.db)
        if problem is None:
            raise
        raise problem from None


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors are reported once, as one line, with a non-zero exit."""
    try:
        code = run(argv)
    except KlyngeError as exc:
        print(f"klynge: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # the reader went away (`klynge status | head -1`): no traceback
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 -- Python flushes stdout at exit
        code = 1
    sys.exit(code)
