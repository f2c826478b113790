"""What every command group of ``klynge`` shares: the common options, database errors, invitations."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..errors import Unreachable
from ..settings import LANGUAGES

__all__ = ["command_group", "common_options", "database_problem", "language_options", "print_invitation",
           "print_outcome", "shown_url"]

DB_HELP = "database URL or SQLite file (overrides KLYNGE_DB)"
LANG_HELP = f"language of what the command writes: {', '.join(LANGUAGES)} (overrides KLYNGE_LANG)"


def common_options(default=argparse.SUPPRESS) -> argparse.ArgumentParser:
    """The parent parser of every subcommand: ``--db``.

    The main parser takes the same option with the default None; each subcommand's copy has
    the default :data:`argparse.SUPPRESS`, so a value given before the subcommand is not
    overwritten by the subcommand's default, and one given after it wins.
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", default=default, help=DB_HELP)
    return parser


def language_options(default=argparse.SUPPRESS) -> argparse.ArgumentParser:
    """The parent parser of a command whose output or messages depend on the language: ``--lang``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=LANG_HELP)
    return parser


def command_group(sub: argparse._SubParsersAction, name: str, help: str,
                  parents: list[argparse.ArgumentParser]) -> Callable[..., argparse.ArgumentParser]:
    """Add a command with actions (``klynge db upgrade``); returns the function that adds an action.

    ``action(name, handler, help)`` adds one action run by ``handler`` and returns its parser.
    The ``parents`` go on the group and on every action, so ``klynge db --db FILE upgrade`` and
    ``klynge db upgrade --db FILE`` both work.
    """
    group = sub.add_parser(name, parents=parents, help=help)
    actions = group.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)

    def action(action_name: str, handler: Callable, help: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(action_name, parents=parents, help=help)
        parser.set_defaults(run=handler)
        return parser

    return action


def print_invitation(inv) -> None:
    """One new sign-in link on standard output, and a reminder that it is shown only now."""
    print(f"{inv.role} {inv.name} (person {inv.person_id}): {inv.link}")
    print("The link is shown only now; send it to the person.", file=sys.stderr)


def print_outcome(outcome) -> int:
    """One invitation's delivery (a :class:`klynge.invitations.Outcome`) on standard output; the exit code.

    A link to copy goes to standard output (shown once); an error to standard error with the news
    that the invitation is kept. 1 when a mail could not be sent, else 0.
    """
    inv = outcome.invitation
    print(f"{inv.name} <{inv.email}> (invitation {inv.id}, person {inv.person_id}): {inv.delivery}")
    if outcome.link:
        print(f"sign-in link: {outcome.link}")
    if outcome.link and not outcome.error:
        print("The link is shown only now; send it to the person.", file=sys.stderr)
    if outcome.error and outcome.category == "no_server":
        print(f"{outcome.error}. The link is shown only now.", file=sys.stderr)
        return 0
    if outcome.error:
        kept = "" if "tried again" in outcome.error else "; the invitation is kept"
        print(f"klynge: {outcome.error}{kept}", file=sys.stderr)
        return 1
    return 0


def database_problem(exc: Exception, url: str) -> Unreachable | None:
    """A database that cannot be reached (wrong password, no server) as one sentence, or None.

    The sentence names the database without its password, and the driver's own first line.
    """
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, (errors.OperationalError, errors.InterfaceError)):
        return None
    shown, password = shown_url(url)
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split()).split(" [SQL:")[0]
    if password:
        reason = reason.replace(str(password), "***")
    return Unreachable(f"cannot open {shown}: {reason}")


def shown_url(url: str) -> tuple[str, str | None]:
    """A database URL as it may be printed (password as ``***``), and the password it hid."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # a URL SQLAlchemy cannot parse never got this far
        return "the database", None
    return parsed.render_as_string(hide_password=True), parsed.password
