"""What the facilitator's "Events" page and ``klynge events`` / ``klynge attendance`` may do.

The page and the command line are handed an :class:`EventsService` and never see the store. Every
call names the caller and the store checks the access rules. An event's form values are checked by
:func:`klynge.validation.validate` (messages in the reader's language); attendance reports are read
by :func:`klynge.attendance.read_attendance` with the cluster's people and written by the store;
who of those signed up is beyond the hour is :func:`klynge.analysis.events.beyond_the_hour` (pure).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from .. import reference
from ..analysis.events import LIMIT, Far, Traveller, beyond_the_hour
from ..attendance import read_attendance
from ..i18n import t
from ..model import Event, Organisation
from ..store import AttendanceImport, EventPerson, Identity, Store, StoredEvent, Unmatched
from ..validation import validate

__all__ = ["EventsService", "Venue", "place_of"]


@dataclass(frozen=True)
class Venue:
    """Where an event is, in words, and its point (None for an online-only event)."""

    name: str
    point: tuple[float, float] | None


def place_of(org: Organisation) -> tuple[float, float]:
    """An organisation's point: its own coordinates, else its municipality's centre."""
    if org.lat is not None and org.lon is not None:
        return org.lat, org.lon
    m = reference.municipality(org.municipality)
    return m.centre_lat, m.centre_lon


class EventsService:
    """The cluster's events for a facilitator (or the command line's system identity scoped to the cluster)."""

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    @cached_property
    def _organisations(self) -> dict[int, Organisation]:
        return {o.id: o for o in self._store.organisations(self._who)}

    def refresh(self) -> None:
        self.__dict__.pop("_organisations", None)

    # -- events -------------------------------------------------------------------------
    def events(self) -> list[StoredEvent]:
        return self._store.events(self._who)

    def event(self, event_id: int) -> StoredEvent:
        return self._store.event(self._who, event_id)

    def save(self, values: Mapping, lang: str, event_id: int | None = None,
             base_version: int | None = None) -> StoredEvent:
        """Add (no ``event_id``) or edit an event from the form's values.

        Raises
        ------
        ValidationError
            A value is not acceptable (messages in ``lang``).
        Conflict
            Someone saved the event since ``base_version``.
        """
        event = validate(Event, dict(values), lang)
        if event_id is None:
            return self._store.add_event(self._who, event)
        return self._store.update_event(self._who, event_id, event, base_version)

    def remove(self, event_id: int) -> None:
        self._store.remove_event(self._who, event_id)

    def members(self) -> list[tuple[str, int]]:
        """``(name, id)`` of every member organisation, by name: the venues a member hosts."""
        return sorted(((o.name, o.id) for o in self._organisations.values()), key=lambda p: (p[0].casefold(), p[1]))

    @staticmethod
    def municipalities() -> list[tuple[str, str]]:
        """``(name, code)`` of every municipality, by name: venues at a municipality's centre."""
        return sorted(((f"{m.centre} ({m.name})" if m.centre != m.name else m.name, m.code)
                       for m in reference.municipalities()), key=lambda p: p[0].casefold())

    def venue(self, event: Event, lang: str) -> Venue:
        """The event's place in words (member or centre, with the venue's words) and its point."""
        words = [event.venue_text] if event.venue_text else []
        if event.venue_organisation_id is not None:
            org = self._organisations.get(event.venue_organisation_id)
            if org is not None:
                return Venue(", ".join([org.name, *words]), place_of(org))
        if event.venue_municipality is not None:
            m = reference.municipality(event.venue_municipality)
            return Venue(", ".join([m.centre, *words]), (m.centre_lat, m.centre_lon))
        return Venue(t("events.online", lang), None)

    # -- people ---------------------------------------------------------------------------
    def people(self, event_id: int) -> list[EventPerson]:
        return self._store.event_people(self._who, event_id)

    def signed_up(self, event_id: int) -> list[EventPerson]:
        return [p for p in self.people(event_id) if p.signed_up_at is not None]

    def beyond_the_hour(self, event_id: int, limit: float = LIMIT) -> list[Far]:
        """Who of those signed up travels more than ``limit`` minutes to the event's venue (none when online)."""
        stored = self.event(event_id)
        point = self.venue(stored.event, "en").point
        if point is None:
            return []
        travellers = []
        for p in self.signed_up(event_id):
            org = self._organisations.get(p.organisation_id) if p.organisation_id is not None else None
            if org is not None:
                travellers.append(Traveller(p.person_id, p.name, org.name, *place_of(org)))
        return beyond_the_hour(travellers, point, limit=limit)

    def sign_up(self, event_id: int, person_id: int) -> None:
        self._store.sign_up(self._who, event_id, person_id)

    def cancel(self, event_id: int, person_id: int) -> None:
        self._store.cancel_sign_up(self._who, event_id, person_id)

    def choices(self) -> list[tuple[str, int]]:
        """``(name · organisation, id)`` of the cluster's people, to resolve an unmatched row to."""
        orgs = self._organisations
        rows = []
        for p in self._store.people(self._who):
            org = orgs.get(p.organisation_id) if p.organisation_id is not None else None
            rows.append((f"{p.name} · {org.name}" if org else p.name or f"#{p.id}", p.id))
        return sorted(rows, key=lambda r: (r[0].casefold(), r[1]))

    # -- attendance -----------------------------------------------------------------------
    def import_attendance(self, event_id: int, data: bytes, name: str = "the file",
                          day_first: bool | None = None) -> AttendanceImport:
        """Read a Zoom or Teams report (its bytes) and record it for the event.

        Raises
        ------
        DataError
            The file is not an attendance report (the message names it and says what is expected).
        ValidationError
            The event has not started yet.
        """
        people = self._store.attendance_people(self._who, event_id)
        report = read_attendance(data, people, name, day_first=day_first)
        return self._store.import_attendance(self._who, event_id, report)

    def unmatched(self, event_id: int) -> list[Unmatched]:
        return self._store.unmatched_attendance(self._who, event_id)

    def resolve(self, unmatched_id: int, person_id: int) -> None:
        self._store.resolve_unmatched(self._who, unmatched_id, person_id)

    def dismiss(self, unmatched_id: int) -> None:
        self._store.dismiss_unmatched(self._who, unmatched_id)
