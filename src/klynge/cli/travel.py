"""``klynge travel A B``: minutes and km between two places, and the source that gave them.

A and B are reference place names, organisation numbers of members in the database, a
municipality code, or ``lat,lon``. The work is done by :mod:`klynge.analysis.travel`; this
module only parses, resolves organisation numbers through the store, and prints.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import NotFound
from ..settings import Settings

__all__ = ["handler", "register", "resolve"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``travel`` to the ``klynge`` command."""
    p = sub.add_parser(
        "travel", parents=[common], help="driving minutes and km between two places",
        description="Driving minutes and km from A to B. A and B are place names (municipalities, their "
                    "centres, and the localities of data/reference/travel_places.csv), organisation numbers, "
                    "municipality codes or lat,lon.")
    p.add_argument("a", metavar="A", help="from: a place name, an organisation number or lat,lon")
    p.add_argument("b", metavar="B", help="to: a place name, an organisation number or lat,lon")
    p.add_argument("--source", choices=("estimate", "matrix", "osrm"), default="estimate",
                   help="estimate (offline, default), matrix (a CSV file; --matrix) or osrm (a server; --osrm-url)")
    p.add_argument("--matrix", metavar="FILE", help="with --source matrix: CSV of minutes between places")
    p.add_argument("--osrm-url", metavar="URL", help="with --source osrm: the OSRM server, e.g. http://host:5000")
    p.add_argument("--timeout", type=float, default=5.0, metavar="S", help="with --source osrm: seconds to wait")
    p.add_argument("--json", action="store_true", help="print one JSON object: minutes, km, source")
    p.set_defaults(run=handler)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Resolve A and B, ask the chosen source, print the answer; notes go to standard error."""
    from ..analysis import travel

    a, b = resolve(args.a, settings), resolve(args.b, settings)
    options = {"matrix": {"path": args.matrix}, "osrm": {"url": args.osrm_url, "timeout": args.timeout}}
    result = travel.get(args.source, **options.get(args.source, {})).between(a, b)
    if result.note:
        print(f"klynge: {result.note}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(f"{a.name} to {b.name}: {result.minutes:.0f} min, {result.km:.0f} km ({result.source})")
    return 0


def resolve(text: str, settings: Settings):
    """A place from a name, ``lat,lon``, a municipality code or an organisation number in the database."""
    from .. import reference
    from ..analysis.travel import Place, parse_place
    from ..model.organisation import normalise_orgnr

    digits = normalise_orgnr(text)
    if digits.isascii() and digits.isdigit() and len(digits) == 4:
        m = reference.municipality(digits)
        return Place(m.centre, m.centre_lat, m.centre_lon)
    if digits.isascii() and digits.isdigit() and len(digits) in (9, 10, 12):
        return _organisation(digits, settings)
    return parse_place(text)


def _organisation(digits: str, settings: Settings):
    """The organisation's coordinates, or its municipality's centre when it has none."""
    from .. import operations as ops
    from .. import reference
    from ..analysis.travel import Place
    from ..model.organisation import normalise_orgnr

    wanted = digits[2:] if len(digits) == 12 and digits.startswith("16") else digits
    with ops.store_for(settings, create=False) as store:  # a look-up never makes a database
        orgs = [o for o in store.organisations(ops.SYSTEM) if normalise_orgnr(o.orgnr) == wanted]
    if not orgs:
        raise NotFound(f"no organisation with organisation number {digits} in the database")
    org = orgs[0]
    if org.lat is not None and org.lon is not None:
        return Place(org.name, org.lat, org.lon)
    m = reference.municipality(org.municipality)
    print(f"klynge: {org.name} has no coordinates; the centre of {m.name} ({m.centre}) is used", file=sys.stderr)
    return Place(f"{org.name} ({m.centre})", m.centre_lat, m.centre_lon)
