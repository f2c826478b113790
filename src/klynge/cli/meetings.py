"""``klynge meetings plan``: the fewest venues that put the members invited within the hour.

The command reads the database as the system identity scoped to the cluster, through the
same :class:`~klynge.widgets.meetings_service.MeetingsService` as the facilitator app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..settings import Settings
from .common import command_group, language_options

__all__ = ["plan", "register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``meetings plan`` to the ``klynge`` command."""
    action = command_group(sub, "meetings", "meetings within the hour", [common, language_options()])
    p = action("plan", plan, "the fewest venues that put every member invited within the limit, and who is outside")
    p.add_argument("--members", nargs="+", metavar="ORGNR", help="organisation numbers of the members invited "
                   "(default: every member)")
    p.add_argument("--limit", type=float, default=60.0, metavar="MIN", help="longest drive in minutes (default 60)")
    p.add_argument("--json", action="store_true", help="print one JSON object: chosen, outside, members, venues")
    p.add_argument("--figure", metavar="FILE", help="write the map-like picture as a PNG file")


def plan(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge meetings plan``: print the venues chosen, who goes where, and who no venue serves in time."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..widgets.meetings_service import MeetingsService
    from .partners import find_organisation

    lang = settings.lang
    with ops.store_for(settings, create=False) as store:
        who = batch_identity(store)
        ids = None if not args.members else [find_organisation(store, who, n).id for n in args.members]
        result = MeetingsService(store, who).plan(ids, args.limit, lang=lang)
    if args.figure:
        Path(args.figure).write_bytes(result.png(lang))
    for name in result.placed:
        print(f"klynge: {name} has no coordinates; the centre of its municipality is used", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    n = len(result.chosen)
    print(f"{n} venue{'' if n == 1 else 's'} put{'s' if n == 1 else ''} the members within {result.limit:g} minutes: "
          f"{', '.join(result.chosen)}")
    for r in result.assignment.itertuples(index=False):
        where = f"{r.venue}, {r.minutes:.0f} min" if r.within else f"no venue within {result.limit:g} min"
        print(f"  {r.member}: {where}")
    if result.outside:
        print(f"Outside the hour: {', '.join(result.outside)}")
    return 0
