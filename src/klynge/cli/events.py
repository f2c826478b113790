"""``klynge events list|add`` and ``klynge attendance import FILE --event ID``.

The commands read and write the database as the system identity scoped to the cluster, through
the same :class:`~klynge.widgets.events_service.EventsService` as the facilitator app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import DataError
from ..settings import Settings
from .common import command_group, language_options

__all__ = ["add", "import_attendance", "list_events", "register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``events list``, ``events add`` and ``attendance import`` to the ``klynge`` command."""
    action = command_group(sub, "events", "the cluster's events: kick-off, workshops, courses, meetings",
                           [common, language_options()])
    p = action("list", list_events, "every event, the earliest first, with its place and who signed up")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    p = action("add", add, "add an event (times in the cluster's local time)")
    p.add_argument("kind", help="kickoff, workshop, course or meeting")
    p.add_argument("title")
    p.add_argument("--starts", required=True, metavar="TIME", help="e.g. 2027-01-14T09:00")
    p.add_argument("--ends", required=True, metavar="TIME", help="e.g. 2027-01-14T15:00")
    p.add_argument("--link", default="", metavar="URL", help="the online link (https://...)")
    p.add_argument("--municipality", metavar="CODE", help="a venue at a municipality's centre, e.g. 5001")
    p.add_argument("--venue", default="", metavar="WORDS", help="words that find the room: address, building")
    p.add_argument("--agenda", default="")
    p.add_argument("--json", action="store_true", help="print the event as JSON")

    action = command_group(sub, "attendance", "attendance of events from Zoom and Teams reports",
                           [common, language_options()])
    p = action("import", import_attendance, "import a Zoom or Teams attendance report (CSV) for an event")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--event", type=int, required=True, metavar="ID", help="the event's id (klynge events list)")
    p.add_argument("--day-first", action="store_true", default=None,
                   help="read dates such as 03/12/2026 day first (default: guessed from the file)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: matched and unmatched counts and the unmatched rows")


def _service(store):
    from ..batch.data import batch_identity
    from ..widgets.events_service import EventsService

    return EventsService(store, batch_identity(store))


def _event_dict(service, stored, lang: str) -> dict:
    from ..model.event import local

    e = stored.event
    return {"id": stored.id, "kind": e.kind, "title": e.title, "starts_at": local(e.starts_at).isoformat(),
            "ends_at": local(e.ends_at).isoformat(), "online_url": e.online_url,
            "venue": service.venue(e, lang).name if e.physical else "", "agenda": e.agenda,
            "materials": [m.model_dump() for m in e.materials], "version": stored.version,
            "signed_up": stored.signed_up, "attended": stored.attended}


def list_events(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge events list``: one line per event (or JSON)."""
    from .. import operations as ops

    with ops.store_for(settings, create=False) as store:
        service = _service(store)
        rows = [_event_dict(service, e, settings.lang) for e in service.events()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("No events yet; add one with `klynge events add`.")
    for r in rows:
        where = " · ".join(x for x in (r["venue"], r["online_url"]) if x)
        print(f"{r['id']:>4}  {r['starts_at'][:16].replace('T', ' ')}  {r['kind']:<8} {r['title']}  ({where}); "
              f"{r['signed_up']} signed up, {r['attended']} attended")
    return 0


def add(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge events add``: add an event and print its id."""
    from .. import operations as ops

    values = {"kind": args.kind, "title": args.title, "starts_at": args.starts, "ends_at": args.ends,
              "online_url": args.link, "venue_municipality": args.municipality, "venue_text": args.venue,
              "agenda": args.agenda}
    with ops.store_for(settings, create=False) as store:
        service = _service(store)
        stored = service.save(values, settings.lang)
        row = _event_dict(service, stored, settings.lang)
    print(json.dumps(row, ensure_ascii=False, indent=1) if args.json else f"Event {stored.id} added: {args.title}")
    return 0


def import_attendance(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge attendance import FILE --event ID``: record the report; a summary or JSON."""
    from .. import operations as ops

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read the attendance report {path}: {exc.strerror or exc}") from None
    with ops.store_for(settings, create=False) as store:
        service = _service(store)
        title = service.event(args.event).event.title
        result = service.import_attendance(args.event, data, str(path), day_first=args.day_first)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    print(f"{path.name} ({result.source}, {result.rows} rows, {result.duplicates} repeated) for event "
          f"{args.event} ({title}):")
    print(f"  matched: {len(result.matched)} people; {result.hours_rows} in-kind hours rows written")
    for _, name, minutes in result.matched:
        print(f"    {name}: {minutes:.0f} min")
    print(f"  unmatched: {len(result.unmatched)}"
          + (" (resolve them on the facilitator's Events page)" if result.unmatched else ""))
    for u in result.unmatched:
        print(f"    {u.name or '(no name)'} <{u.email or 'no e-mail'}>: {u.minutes:.0f} min")
    if result.dismissed:
        print(f"  {result.dismissed} row(s) dismissed at an earlier import were left out", file=sys.stderr)
    return 0
