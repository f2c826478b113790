"""``klynge packages suggest``: the best low-season packages of the members' shared offers.

The command reads the database as the system identity scoped to the cluster, through the same
:class:`~klynge.widgets.suggestions_service.SuggestionsService` as the facilitator app, and asks
the exact optimiser (:func:`klynge.analysis.packages.suggest`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..settings import Settings
from .common import command_group, language_options

__all__ = ["register", "suggest"]

# The themes are checked when the command runs: naming them here would load the model (pydantic)
# for every `klynge --help`.
THEMES_HELP = "nature, culture, food, winter or pilgrim"


def _months(text: str) -> list[int]:
    try:
        months = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected month numbers separated by commas, like 10,11; got {text!r}"
                                         ) from None
    if not months or any(not 1 <= m <= 12 for m in months):
        raise argparse.ArgumentTypeError(f"months are numbers from 1 to 12, like 10,11; got {text!r}")
    return months


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``packages suggest`` to the ``klynge`` command."""
    action = command_group(sub, "packages", "low-season packages of several members' offers",
                           [common, language_options()])
    p = action("suggest", suggest, "the best packages of the members' offers, from an exact optimiser, with the "
                                   "reasons, the limits that bound them and whether the optimum is proven")
    p.add_argument("--months", type=_months, metavar="M,M", help="months every part is open in, e.g. 10,11 "
                   "(default: the low season of the areas, September to April)")
    p.add_argument("--theme", default="", metavar="THEME", help=f"only packages with this theme: {THEMES_HELP}")
    p.add_argument("--count", type=int, default=5, metavar="N", help="how many packages at most (default 5)")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="SEC", help="seconds for the optimiser "
                   "(default 10); when it runs out, the gap to the best is stated")
    p.add_argument("--json", action="store_true", help="print one JSON object: the suggestions with their parts")
    p.set_defaults(usage=p.error)


def suggest(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge packages suggest``: print each suggested package, its parts, reasons, limits and status."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..model.package import THEMES
    from ..widgets.suggestions_service import SuggestionsService

    if args.theme and args.theme not in THEMES:
        args.usage(f"--theme: {args.theme} is not one of {', '.join(THEMES)}")
    if args.count < 1:
        args.usage(f"--count must be at least 1, not {args.count}")
    if not args.time_limit > 0:
        args.usage(f"--time-limit must be above 0, not {args.time_limit:g}")
    lang = settings.lang
    with ops.store_for(settings, create=False) as store:  # a look-up never makes a database
        who = batch_identity(store)
        found = SuggestionsService(store, who).suggest(args.months, args.theme, args.count, args.time_limit,
                                                       lang=lang)
    data = found.as_dict(lang)
    for note in data["notes"]:
        print(f"klynge: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    for n, s in enumerate(data["suggestions"], start=1):
        print(f"{n}. {' + '.join(p['title'] for p in s['parts'])}")
        for part in s["parts"]:
            print(f"   - {part['title']} ({part['organisation']})")
        for line in s["reasons"] + s["binding_texts"]:
            print(f"   {line}")
        print(f"   {s['status']}")
    return 0
