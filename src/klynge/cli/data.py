"""``klynge status``, ``init``, ``db``, ``export``, ``import`` and ``members``: the database and its data."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import ValidationError
from ..settings import Settings
from .common import command_group, language_options, print_invitation, print_outcome, shown_url

__all__ = ["register"]

NO_KEYS = "sign-in keys are not part of an archive: invite people again with `klynge key reissue`"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the database commands to ``sub``."""
    p = sub.add_parser("status", parents=[common], help="counts of what the database holds, and its schema version")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=status)

    action = command_group(sub, "db", "the database: schema, backup and restore", [common])
    action("upgrade", upgrade, "bring the schema up to date")
    action("backup", backup, "write the whole database as an archive (the kind `klynge export` writes)").add_argument(
        "path", nargs="?", help="the archive to write (default: a file named by the time in the home folder's backups)")
    action("restore", restore, "replace the database's content with an archive's (after a backup of it)").add_argument(
        "path", help="an archive made by `klynge db backup` or `klynge export`")

    p = sub.add_parser("init", parents=[common, language_options()],
                       help="create an empty cluster in a new database")
    p.add_argument("name", help="the cluster's name")
    p.add_argument("--description", default="")
    p.set_defaults(run=init)

    p = sub.add_parser("export", parents=[common],
                       help="write the whole cluster to one portable archive (zip), or the research tables")
    p.add_argument("path", nargs="?", help="the archive to write")
    p.add_argument("--research", metavar="DIR",
                   help="instead: the research tables (no names; Parquet and CSV) and a data dictionary in DIR")
    p.add_argument("--key", help="with --research: the pseudonym key (the same key, the same pseudonyms); "
                                 "default: a random key for this export, not kept")
    p.add_argument("--k", type=int, default=3, metavar="K",
                   help="with --research: the least number of organisations in a published cell (default 3)")
    p.set_defaults(run=export, usage=p.error)
    p = sub.add_parser("import", parents=[common], help="read an archive made by `klynge export`")
    p.add_argument("path")
    p.add_argument("--replace", action="store_true", help="replace a database that holds data (after a backup)")
    p.set_defaults(run=import_)
    p = sub.add_parser("members", parents=[common, language_options()],
                       help="add members from a spreadsheet (CSV or XLSX), all or nothing")
    p.add_argument("path")
    p.add_argument("--invite", action="store_true", help="print a sign-in link for every new person")
    p.add_argument("--send", action="store_true", help="with --invite: e-mail each new person their link instead "
                                                       "(KLYNGE_SMTP_URL), in --lang")
    p.set_defaults(run=members)


def status(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge status``: counts and schema version, as lines or one JSON object."""
    from .. import operations as ops

    result = ops.status(settings)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"database: {shown_url(settings.db)[0]}")
        for name, value in result.items():
            print(f"  {name.replace('_', ' ')}: {value}")
    return 0


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge db upgrade``."""
    from .. import operations as ops

    print(f"schema version {ops.upgrade(settings)}")
    return 0


def backup(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge db backup [PATH]``: prints where the archive went."""
    from .. import operations as ops

    print(f"backed up to {ops.backup(settings, args.path)}")
    return 0


def restore(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge db restore PATH``: prints the backup of what was replaced, and what came in."""
    from .. import operations as ops

    done = ops.restore(settings, args.path)
    _report_import(done, "restored")
    return 0


def init(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge init NAME``."""
    from .. import operations as ops

    print(f"cluster {ops.init_cluster(settings, args.name, args.description)} created")
    return 0


def export(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge export PATH`` or ``klynge export --research DIR``."""
    from .. import operations as ops

    if args.research:
        if args.k < 1:
            args.usage(f"--k must be 1 or more, got {args.k}")
        done = ops.export_research(settings, args.research, key=args.key, k=args.k)
        for path in done.files:
            print(f"wrote {path}")
        levels = done.levels
        print(f"k = {done.k}: {levels['municipality']} organisations by municipality, {levels['area']} by area, "
              f"{levels['country']} by country, {levels['suppressed']} suppressed, {levels['withheld']} withheld")
        if done.random_key:
            print("pseudonyms made with a random key, not kept: give --key to make them again in a later export")
    elif args.path:
        print(f"exported to {ops.export_cluster(settings, args.path)}")
    else:
        args.usage("give a file name for the archive, or --research DIR for the research tables")
    return 0


def import_(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge import PATH [--replace]``."""
    from .. import operations as ops

    _report_import(ops.import_cluster(settings, args.path, replace=args.replace), "imported")
    return 0


def _report_import(done, verb: str) -> None:
    if done.backup:
        print(f"the previous content was backed up to {done.backup}")
    print(f"{verb} {sum(done.counts.values())} rows; {NO_KEYS}")


def members(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge members PATH [--invite [--send]]``."""
    from .. import operations as ops

    if args.send and not args.invite:
        raise ValidationError([("", "--send e-mails the invitations: give --invite too")])
    result, invitations = ops.import_members(settings, args.path, invite=args.invite, send=args.send)
    print(f"{len(result.organisations_added)} organisations added, {len(result.organisations_reused)} "
          f"already known, {len(result.people_added)} people added")
    if args.send:
        codes = [print_outcome(outcome) for outcome in invitations]
        if len(invitations) < len(result.people_added):
            from ..invitations import CLAIM

            print(f"klynge: {len(result.people_added) - len(invitations)} invitations are queued, not sent; "
                  f"from {int(CLAIM.total_seconds() // 60)} minutes on, the reminder passes of `klynge serve` or "
                  f"`klynge invite remind` send them once the mail server answers", file=sys.stderr)
            codes.append(1)
        return max(codes, default=0)
    for inv in invitations:
        print_invitation(inv)
    return 0
