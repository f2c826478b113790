"""Events beyond the store: a Zoom participant report written from rows, and the demo's events loaded.

:func:`zoom_report` writes the CSV that Zoom's "Export with meeting data" gives (UTF-8 with a BOM,
CRLF, the meeting summary first; see ``tests/fixtures/attendance/README.md``), for the demo and the
benchmark. :func:`load_demo_events` reads ``events.yaml`` of a demo folder and adds its events,
sign-ups and attendance, through the same store calls and report reader as the apps.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pydantic
import yaml

from .attendance import read_attendance
from .errors import DataError
from .model import Event
from .store import Identity, Store

__all__ = ["load_demo_events", "zoom_report"]

_ZOOM_TIME = "%m/%d/%Y %I:%M:%S %p"


def zoom_report(rows: Iterable[tuple[str, str, datetime, datetime]], *, topic: str = "Meeting",
                meeting_id: str = "812 3456 7890") -> bytes:
    """A Zoom participant report ("with meeting data") of ``rows``: (name, e-mail, joined, left), one per join."""
    rows = list(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    start = min((r[2] for r in rows), default=datetime(2026, 1, 1))
    end = max((r[3] for r in rows), default=start)
    writer.writerow(["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)",
                     "Participants"])
    writer.writerow([meeting_id, topic, start.strftime(_ZOOM_TIME), end.strftime(_ZOOM_TIME), "",
                     math.ceil((end - start).total_seconds() / 60), len({(r[0], r[1]) for r in rows})])
    writer.writerow([])
    writer.writerow(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest",
                     "Recording Consent"])
    for name, email, joined, left in rows:
        writer.writerow([name, email, joined.strftime(_ZOOM_TIME), left.strftime(_ZOOM_TIME),
                         math.ceil((left - joined).total_seconds() / 60), "No" if email else "Yes", "Y"])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


class _DemoEvent(Event):
    venue: str | None = None                    # a member's file name in organisations/
    signups: list[str] = []                     # e-mail addresses
    attendance: list[tuple[str, str, str, str]] = []  # name, e-mail, joined, left ("HH:MM")


def load_demo_events(store: Store, cluster_id: int, organisations: Mapping[str, int], people: Mapping[str, int],
                     folder: Path) -> int:
    """Add the events of ``folder/events.yaml`` (if there is one) to the cluster; returns how many.

    ``organisations`` maps the demo's organisation file names to ids, ``people`` e-mail addresses to ids.

    Raises
    ------
    DataError
        The file is broken, or names a member or person the demo does not hold.
    """
    path = Path(folder) / "events.yaml"
    if not path.exists():
        return 0
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        events = [_DemoEvent.model_validate({**e, "venue_organisation_id": organisations.get(e.get("venue"))
                                             if e.get("venue") else None}) for e in raw.get("events", [])]
    except (yaml.YAMLError, pydantic.ValidationError, AttributeError, TypeError) as exc:
        raise DataError(f"{path}: {exc}") from None
    system = Identity.system()
    for e in events:
        unknown = [x for x in e.signups if x not in people]
        if e.venue and e.venue not in organisations:
            unknown.append(e.venue)
        if unknown:
            raise DataError(f"{path}: {e.title}: not in the demo: {', '.join(unknown)}")
        base = Event.model_validate(e.model_dump(exclude={"venue", "signups", "attendance"}))
        stored = store.add_event(system, base, cluster_id=cluster_id)
        for email in e.signups:
            store.sign_up(system, stored.id, people[email])
        if e.attendance and e.starts_at <= datetime.now(UTC):  # a report exists once the event has begun
            day = e.starts_at.date()

            def at(clock: str, day=day) -> datetime:
                return datetime.combine(day, datetime.strptime(clock, "%H:%M").time())

            report = zoom_report([(n, m, at(a), at(b)) for n, m, a, b in e.attendance], topic=e.title)
            store.import_attendance(system, stored.id, read_attendance(report, people, f"{path.name}: {e.title}"))
    return len(events)
