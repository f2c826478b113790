"""``klynge partners ORGNR``: every other member ranked for one member, with the parts of the score.

The command reads the database as the system identity scoped to the cluster, through the
same :class:`~klynge.widgets.partners_service.PartnersService` as the participant app, so it
ranks from what members share with the cluster only: never a private note or SDG entry.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import NotFound
from ..settings import Settings
from .common import language_options

__all__ = ["find_organisation", "handler", "register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``partners`` to the ``klynge`` command."""
    p = sub.add_parser(
        "partners", parents=[common, language_options()], help="partners ranked for a member, with the reasons",
        description="Every other member ranked for the member with organisation number ORGNR, best first, with "
                    "the parts of the score: complementarity, nearness, shared low-season months, SDG alignment "
                    "and phase. Only what members share with the cluster is read.")
    p.add_argument("orgnr", metavar="ORGNR", help="the member's organisation number")
    # The kinds, phases and countries are checked when the command runs: naming them here would
    # load the model (pydantic) for every `klynge --help`.
    p.add_argument("--kind", nargs="+", metavar="KIND", help="only partners of these kinds (e.g. accommodation)")
    p.add_argument("--phase", nargs="+", metavar="PHASE", help="only partners in these phases (e.g. idea, launch)")
    p.add_argument("--country", nargs="+", metavar="COUNTRY", help="only partners in NO or SE")
    p.add_argument("--within-hour", action="store_true", help="only partners within an hour's drive")
    p.add_argument("--top", type=int, default=10, metavar="N", help="how many partners (default 10)")
    p.add_argument("--json", action="store_true", help="print one JSON object: member, missing, partners")
    p.set_defaults(run=handler, usage=p.error)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Rank the member's partners and print them; what the ranking lacks goes to standard error."""
    from .. import operations as ops
    from ..batch.data import batch_identity
    from ..model.base import COUNTRIES, ORGANISATION_KINDS, PHASES
    from ..widgets.partners_service import PartnersService

    if args.top < 1:
        args.usage(f"--top must be at least 1, not {args.top}")
    for option, given, known in (("--kind", args.kind, ORGANISATION_KINDS), ("--phase", args.phase, PHASES),
                                 ("--country", args.country, COUNTRIES)):
        unknown = [value for value in given or () if value not in known]
        if unknown:
            args.usage(f"{option}: {', '.join(unknown)} is not one of {', '.join(known)}")
    lang = settings.lang
    with ops.store_for(settings, create=False) as store:  # a look-up never makes a database
        who = batch_identity(store)
        org = find_organisation(store, who, args.orgnr)
        service = PartnersService(store, who, org.id)
        found = service.suggestions(kinds=args.kind, phases=args.phase, countries=args.country,
                                    within_hour=args.within_hour, top=args.top, lang=lang)
        missing = service.missing(lang)
        orgnr = {o.id: o.orgnr for o in store.organisations(who)}
    if args.json:
        print(json.dumps({
            "member": {"orgnr": org.orgnr, "name": org.name}, "missing": list(missing),
            "partners": [{"rank": s.rank, "orgnr": orgnr[s.id], "name": s.name, "kind": s.kind, "phase": s.phase,
                          "country": s.country, "place": s.place,
                          "minutes": None if s.minutes is None else round(s.minutes, 1),
                          "total": round(s.total, 4), "parts": {p: round(v, 4) for p, v in s.parts.items()},
                          "named": s.named} for s in found]}, ensure_ascii=False, indent=1))
        return 0
    for line in missing:
        print(f"klynge: {org.name}: {line}", file=sys.stderr)
    if not found:
        print(f"No partner for {org.name} matches these filters.")
        return 0
    print(f"Partners for {org.name} ({org.orgnr}), best first:")
    for s in found:
        minutes = "travel time unknown" if s.minutes is None else f"{s.minutes:.0f} min"
        print(f"{s.rank:3d}. {s.name} ({s.kind}, {s.place}, {minutes}): {100 * s.total:.0f} %")
        print("     " + ", ".join(f"{p.replace('_', ' ')} {100 * v:.0f} %" for p, v in s.parts.items()))
    return 0


def find_organisation(store, who, text: str):
    """The member with organisation number ``text`` (any spacing or dash; Swedish with or without 16)."""
    from ..model.organisation import normalise_orgnr

    digits = normalise_orgnr(text)
    wanted = digits[2:] if len(digits) == 12 and digits.startswith("16") else digits
    found = [o for o in store.organisations(who) if normalise_orgnr(o.orgnr) == wanted]
    if not found:
        raise NotFound(f"no member with organisation number {text} in the database")
    return found[0]
