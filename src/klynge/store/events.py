"""The cluster's events: kick-off, workshops, courses and meetings; who signs up; who attended, for how long.

A facilitator adds, edits and removes events (an edit names the version it started from and
keeps every earlier version in ``row_history``, entity ``event``; a stale one is a
:class:`~klynge.errors.Conflict`; a removed event keeps its row with ``removed_at``). A
participant reads the events of their cluster and signs up or cancels for themselves; a
facilitator signs up anyone of the cluster.

Attendance comes from a Zoom or Teams report, read by :func:`klynge.attendance.read_attendance`
with the people of :meth:`EventsMixin.attendance_people`. :meth:`EventsMixin.import_attendance`
writes each matched person's minutes into ``event_people``, keeps the unmatched rows in
``attendance_unmatched`` for the facilitator to resolve to a person or dismiss, and writes one
in-kind ``hours`` row per person who attended (``source="attendance"``, the event's activity and
day, the minutes in quarter hours). Importing the same event again replaces its attendance:
earlier hours rows of the import are marked removed (kept), never doubled; an unmatched row
resolved or dismissed before stays so, and a resolved one counts for its person again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ..attendance import Attendance, AttendanceReport
from ..errors import NotFound, ValidationError
from ..model.event import Event, local
from . import schema as s
from .access import Identity, require, scope
from .decisions import cluster_of
from .engine import reading, writing
from .live import aware
from .records import now

__all__ = ["AttendanceImport", "EventPerson", "EventsMixin", "StoredEvent", "Unmatched", "quarter_hours"]

ENTITY = "event"
#: Attendance sources an import writes (a facilitator's own mark is ``manual``).
_IMPORTED = ("zoom", "teams", "csv")
_EVENT_FIELDS = ("kind", "title", "starts_at", "ends_at", "online_url", "venue_organisation_id",
                 "venue_municipality", "venue_text", "agenda", "materials")


def quarter_hours(minutes: float) -> Decimal:
    """Minutes as hours rounded to the nearest quarter (at most 24)."""
    return min(Decimal(round(minutes / 15)) / 4, Decimal(24))


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored: its id, the version an edit must name, and who saved this version when."""

    id: int
    event: Event
    version: int
    created_at: datetime
    saved_at: datetime
    author: str
    removed_at: datetime | None = None
    signed_up: int = 0
    attended: int = 0

    @property
    def day(self) -> date:
        return local(self.event.starts_at).date()


@dataclass(frozen=True)
class EventPerson:
    """A person of an event: signed up (when), attended (for how long, from which report)."""

    person_id: int
    name: str
    email: str
    organisation_id: int | None
    organisation: str
    signed_up_at: datetime | None
    attended_minutes: float | None
    source: str | None


@dataclass(frozen=True)
class Unmatched:
    """A row of an attendance report that matched no person, until resolved or dismissed."""

    id: int
    event_id: int
    name: str
    email: str
    minutes: float
    first_join: datetime | None
    imported_at: datetime
    resolved_person_id: int | None = None
    dismissed: bool = False

    @property
    def pending(self) -> bool:
        return self.resolved_person_id is None and not self.dismissed


@dataclass(frozen=True)
class AttendanceImport:
    """What an import did: who was matched (and their minutes), the rows left to resolve, the hours written."""

    event_id: int
    source: str
    matched: list[tuple[int, str, float]]      # (person id, name, minutes)
    unmatched: list[Unmatched]                 # still to resolve
    hours_rows: int
    rows: int
    duplicates: int
    dismissed: int = 0                         # rows dismissed at an earlier import, left so

    def as_dict(self) -> dict:
        return {"event_id": self.event_id, "source": self.source, "rows": self.rows, "duplicates": self.duplicates,
                "matched": len(self.matched), "unmatched": len(self.unmatched), "hours_rows": self.hours_rows,
                "dismissed_before": self.dismissed,
                "matched_people": [{"person_id": p, "name": n, "minutes": round(m, 1)} for p, n, m in self.matched],
                "unmatched_rows": [{"id": u.id, "name": u.name, "email": u.email, "minutes": round(u.minutes, 1),
                                    "first_join": u.first_join.isoformat() if u.first_join else None}
                                   for u in self.unmatched]}


def _row_of(event: Event) -> dict:
    body = event.model_dump(mode="json")
    return {**{f: body[f] for f in _EVENT_FIELDS}, "starts_at": event.starts_at.astimezone(UTC),
            "ends_at": event.ends_at.astimezone(UTC)}  # SQLite keeps no zone: every time in UTC


class EventsMixin:
    """Add, edit and read events; sign-ups; attendance imports and their unmatched rows."""

    # -- events ---------------------------------------------------------------------------
    def add_event(self, who: Identity, event: Event, *, cluster_id: int | None = None) -> StoredEvent:
        """Add an event to the caller's cluster (a facilitator's, or the one the system names)."""
        cid = cluster_of(who, cluster_id)
        require(who, "manage_events", cluster_id=cid)
        moment = now()
        with writing(self.engine, who) as c:
            self._check_venue(c, cid, event)
            eid = c.execute(insert(s.events).values(
                cluster_id=cid, version=1, created_at=moment, updated_at=moment, updated_by=who.person_id,
                **_row_of(event))).inserted_primary_key[0]
            return self._stored_event(c, self._event_row(c, who, eid, "manage_events"))

    def update_event(self, who: Identity, event_id: int, event: Event, base_version: int) -> StoredEvent:
        """Save an edited event made from ``base_version``; the version it replaces stays in the history.

        Raises
        ------
        Conflict
            Someone saved the event since ``base_version``; nothing was saved.
        NotFound
            No such event, or it was removed.
        """
        with writing(self.engine, who) as c:
            row = self._event_row(c, who, event_id, "manage_events", lock=True)
            self._check_venue(c, row["cluster_id"], event)
            self._bump(c, s.events, ENTITY, row, base_version, who, self._body(row), _row_of(event))
            h = s.hours  # the in-kind hours of its attendance follow the event's day and kind
            c.execute(update(h).where(h.c.event_id == event_id, h.c.source == "attendance", h.c.removed_at.is_(None))
                      .values(day=local(event.starts_at).date(), activity=event.activity, note=event.title))
            return self._stored_event(c, self._event_row(c, who, event_id, "manage_events"))

    def remove_event(self, who: Identity, event_id: int) -> None:
        """Remove an event from the lists; its row, sign-ups and attendance stay (``removed_at``)."""
        with writing(self.engine, who) as c:
            self._event_row(c, who, event_id, "manage_events", lock=True)
            c.execute(update(s.events).where(s.events.c.id == event_id)
                      .values(removed_at=now(), updated_by=who.person_id))

    def event(self, who: Identity, event_id: int) -> StoredEvent:
        with reading(self.engine, who) as c:
            return self._stored_event(c, self._event_row(c, who, event_id, "read_events"))

    def events(self, who: Identity) -> list[StoredEvent]:
        """The events of the caller's cluster, the earliest first (removed ones left out)."""
        cid = scope(who, "read_events")
        with reading(self.engine, who) as c:
            q = select(s.events).where(s.events.c.removed_at.is_(None)).order_by(s.events.c.starts_at, s.events.c.id)
            if cid is not None:
                q = q.where(s.events.c.cluster_id == cid)
            return [self._stored_event(c, row) for row in c.execute(q).mappings()]

    def event_history(self, who: Identity, event_id: int) -> list[StoredEvent]:
        """Every version of an event, oldest first, the current one last."""
        with reading(self.engine, who) as c:
            row = self._event_row(c, who, event_id, "manage_events")
            h = s.row_history
            old = c.execute(select(h).where(h.c.entity == ENTITY, h.c.entity_id == event_id)
                            .order_by(h.c.version)).mappings()
            versions = [StoredEvent(id=event_id, event=Event.model_validate(r["body"]), version=r["version"],
                                    created_at=aware(row["created_at"]), saved_at=aware(r["saved_at"]),
                                    author=self._name(c, r["author_id"])) for r in old]
            return [*versions, self._stored_event(c, row)]

    # -- sign-ups -------------------------------------------------------------------------
    def sign_up(self, who: Identity, event_id: int, person_id: int | None = None) -> None:
        """Sign ``person_id`` (default: the caller) up for an event; signing up twice is once."""
        with writing(self.engine, who) as c:
            row, pid = self._person_for(c, who, event_id, person_id)
            if row["removed_at"] is not None:
                raise NotFound(f"event {event_id} was removed")
            found = self._event_person(c, event_id, pid)
            moment = now()
            if found is None:
                c.execute(insert(s.event_people).values(event_id=event_id, person_id=pid, signed_up_at=moment,
                                                         updated_at=moment))
            elif found["signed_up_at"] is None:
                c.execute(update(s.event_people).where(s.event_people.c.event_id == event_id,
                                                       s.event_people.c.person_id == pid)
                          .values(signed_up_at=moment, updated_at=moment))

    def cancel_sign_up(self, who: Identity, event_id: int, person_id: int | None = None) -> None:
        """Cancel a sign-up (the caller's by default); attendance already recorded stays."""
        with writing(self.engine, who) as c:
            _, pid = self._person_for(c, who, event_id, person_id)
            ep = s.event_people
            c.execute(update(ep).where(ep.c.event_id == event_id, ep.c.person_id == pid)
                      .values(signed_up_at=None, updated_at=now()))
            c.execute(delete(ep).where(ep.c.event_id == event_id, ep.c.person_id == pid,
                                       ep.c.attended_minutes.is_(None)))

    def event_people(self, who: Identity, event_id: int) -> list[EventPerson]:
        """Everyone signed up for or attending an event, by name (for the facilitator)."""
        with reading(self.engine, who) as c:
            self._event_row(c, who, event_id, "manage_events")
            ep, p, o = s.event_people, s.people, s.organisations
            q = (select(ep, p.c.name, p.c.email, p.c.organisation_id, o.c.name.label("organisation"))
                 .join(p, p.c.id == ep.c.person_id).outerjoin(o, o.c.id == p.c.organisation_id)
                 .where(ep.c.event_id == event_id))
            people = [EventPerson(r["person_id"], r["name"] or f"person {r['person_id']} (erased)", r["email"] or "",
                                  r["organisation_id"], r["organisation"] or "", aware(r["signed_up_at"]),
                                  r["attended_minutes"], r["attendance_source"]) for r in c.execute(q).mappings()]
            return sorted(people, key=lambda x: (x.name.casefold(), x.person_id))

    def my_events(self, who: Identity) -> list[tuple[StoredEvent, bool, float | None]]:
        """The events of the caller's cluster with whether the caller signed up and the minutes they attended."""
        events = self.events(who)
        with reading(self.engine, who) as c:
            ep = s.event_people
            mine = {r["event_id"]: r for r in c.execute(select(ep).where(ep.c.person_id == who.person_id)).mappings()}
        return [(e, e.id in mine and mine[e.id]["signed_up_at"] is not None,
                 mine[e.id]["attended_minutes"] if e.id in mine else None) for e in events]

    # -- attendance -----------------------------------------------------------------------
    def attendance_people(self, who: Identity, event_id: int) -> dict[str, int]:
        """E-mail address -> person id of everyone of the event's cluster, to match a report with."""
        with reading(self.engine, who) as c:
            row = self._event_row(c, who, event_id, "manage_events")
            p = s.people
            return {email.lower(): pid for pid, email in c.execute(
                select(p.c.id, p.c.email).where(p.c.cluster_id == row["cluster_id"], p.c.email.is_not(None),
                                                p.c.erased_at.is_(None)))}

    def import_attendance(self, who: Identity, event_id: int, report: AttendanceReport) -> AttendanceImport:
        """Record a report read with :meth:`attendance_people`: attendance, unmatched rows, in-kind hours.

        A second import of the same event replaces the first (see the module).

        Raises
        ------
        ValidationError
            The event has not started yet, or a matched person is not of the event's cluster.
        """
        moment = now()
        with writing(self.engine, who) as c:
            row = self._event_row(c, who, event_id, "manage_events", lock=True)
            if aware(row["starts_at"]) > moment:
                raise ValidationError([("event", "the event has not started yet; import its attendance afterwards")])
            cluster_people = self._cluster_people(c, row["cluster_id"])
            strangers = sorted({a.person_id for a in report.matched} - cluster_people.keys())
            if strangers:
                raise ValidationError([("people", f"person {', '.join(map(str, strangers))} is not of this cluster")])
            ep, um = s.event_people, s.attendance_unmatched
            earlier = {(r["name"], r["email"].lower()): r for r in c.execute(
                select(um).where(um.c.event_id == event_id,
                                 (um.c.resolved_person_id.is_not(None)) | (um.c.dismissed_at.is_not(None)))
                .order_by(um.c.id)).mappings()}
            c.execute(delete(um).where(um.c.event_id == event_id, um.c.resolved_person_id.is_(None),
                                       um.c.dismissed_at.is_(None)))
            c.execute(update(ep).where(ep.c.event_id == event_id, ep.c.attendance_source.in_(_IMPORTED))
                      .values(attended_minutes=None, attendance_source=None, updated_at=moment))
            c.execute(delete(ep).where(ep.c.event_id == event_id, ep.c.signed_up_at.is_(None),
                                       ep.c.attended_minutes.is_(None)))
            minutes: dict[int, float] = {}
            for a in report.matched:
                minutes[a.person_id] = minutes.get(a.person_id, 0.0) + a.minutes
            pending, dismissed = [], 0
            for a in report.unmatched:
                before = earlier.get((a.name, a.email.lower()))
                if before is not None and before["resolved_person_id"] is not None:
                    pid = before["resolved_person_id"]
                    minutes[pid] = minutes.get(pid, 0.0) + a.minutes
                elif before is not None:
                    dismissed += 1
                else:
                    pending.append(a)
            source = report.source if report.source in _IMPORTED else "csv"
            span = (aware(row["ends_at"]) - aware(row["starts_at"])).total_seconds() / 60
            minutes = {pid: min(mins, span) for pid, mins in minutes.items()}  # two rows of one person overlap
            present = set(c.execute(select(ep.c.person_id).where(ep.c.event_id == event_id)).scalars())
            new = [{"event_id": event_id, "person_id": pid, "attended_minutes": mins, "attendance_source": source,
                    "updated_at": moment} for pid, mins in minutes.items() if pid not in present]
            if new:
                c.execute(insert(ep), new)
            for pid in present & minutes.keys():
                self._set_attendance(c, event_id, pid, minutes[pid], source, moment)
            if pending:
                c.execute(insert(um), [self._unmatched_values(event_id, a, moment) for a in pending])
            hours_rows = self._write_hours(c, who, row, minutes, cluster_people, replace_all=True)
            rows = self._unmatched(c, event_id)
            matched = sorted(((pid, cluster_people[pid][1], m) for pid, m in minutes.items()),
                             key=lambda x: (x[1].casefold(), x[0]))
            return AttendanceImport(event_id, source, matched, rows, hours_rows, report.rows, report.duplicates,
                                    dismissed)

    def unmatched_attendance(self, who: Identity, event_id: int, *, pending: bool = True) -> list[Unmatched]:
        """The rows of the event's reports that matched nobody (only those still to resolve, by default)."""
        with reading(self.engine, who) as c:
            self._event_row(c, who, event_id, "manage_events")
            rows = self._unmatched(c, event_id, pending_only=pending)
            return rows

    def resolve_unmatched(self, who: Identity, unmatched_id: int, person_id: int) -> None:
        """Count an unmatched row as ``person_id``'s attendance (added to theirs), with its in-kind hours."""
        with writing(self.engine, who) as c:
            u, row = self._unmatched_row(c, who, unmatched_id)
            cluster_people = self._cluster_people(c, row["cluster_id"])
            if person_id not in cluster_people:
                raise ValidationError([("person", f"person {person_id} is not of this cluster")])
            moment = now()
            found = self._event_person(c, row["id"], person_id)
            total = ((found["attended_minutes"] or 0.0) if found is not None else 0.0) + u["minutes"]
            span = (aware(row["ends_at"]) - aware(row["starts_at"])).total_seconds() / 60
            source = (found["attendance_source"] if found is not None else None) or "manual"
            total = min(total, span)
            self._set_attendance(c, row["id"], person_id, total, source, moment)
            c.execute(update(s.attendance_unmatched).where(s.attendance_unmatched.c.id == unmatched_id)
                      .values(resolved_person_id=person_id, resolved_at=moment))
            self._write_hours(c, who, row, {person_id: total}, cluster_people, replace_all=False)

    def dismiss_unmatched(self, who: Identity, unmatched_id: int) -> None:
        """Leave an unmatched row out (a guest, someone from outside the cluster); it stays, marked."""
        with writing(self.engine, who) as c:
            self._unmatched_row(c, who, unmatched_id)
            c.execute(update(s.attendance_unmatched).where(s.attendance_unmatched.c.id == unmatched_id)
                      .values(dismissed_at=now()))

    # -- helpers --------------------------------------------------------------------------
    def _event_row(self, c: Connection, who: Identity, event_id: int, action: str, lock: bool = False):
        q = select(s.events).where(s.events.c.id == event_id)
        row = c.execute(q.with_for_update() if lock else q).mappings().first()
        if row is None:
            raise NotFound(f"no event with id {event_id}")
        require(who, action, cluster_id=row["cluster_id"])
        if lock and row["removed_at"] is not None:
            raise NotFound(f"event {event_id} was removed")
        return row

    def _body(self, row) -> dict:
        body = {f: row[f] for f in _EVENT_FIELDS}
        for f in ("starts_at", "ends_at"):
            body[f] = aware(row[f]).isoformat()
        return body

    def _stored_event(self, c: Connection, row) -> StoredEvent:
        body = {f: row[f] for f in _EVENT_FIELDS}
        body["starts_at"], body["ends_at"] = aware(row["starts_at"]), aware(row["ends_at"])
        ep = s.event_people
        signed, attended = c.execute(select(
            func.count(ep.c.signed_up_at), func.count(ep.c.attended_minutes)).where(ep.c.event_id == row["id"])).one()
        return StoredEvent(id=row["id"], event=Event.model_validate(body), version=row["version"],
                           created_at=aware(row["created_at"]), saved_at=aware(row["updated_at"]),
                           author=self._name(c, row["updated_by"]), removed_at=aware(row["removed_at"]),
                           signed_up=signed, attended=attended)

    def _check_venue(self, c: Connection, cluster_id: int, event: Event) -> None:
        oid = event.venue_organisation_id
        if oid is not None and c.execute(select(s.organisations.c.cluster_id)
                                         .where(s.organisations.c.id == oid)).scalar() != cluster_id:
            raise ValidationError([("venue_organisation_id", f"organisation {oid} is not a member of this cluster")])

    def _person_for(self, c: Connection, who: Identity, event_id: int, person_id: int | None):
        q = select(s.events).where(s.events.c.id == event_id)
        row = c.execute(q).mappings().first()
        if row is None:
            raise NotFound(f"no event with id {event_id}")
        pid = who.person_id if person_id is None else person_id
        require(who, "sign_up" if pid == who.person_id else "sign_up_others", cluster_id=row["cluster_id"])
        if pid is None or pid not in self._cluster_people(c, row["cluster_id"]):
            raise NotFound(f"no person with id {pid} in this cluster")
        return row, pid

    def _event_person(self, c: Connection, event_id: int, person_id: int):
        ep = s.event_people
        return c.execute(select(ep).where(ep.c.event_id == event_id, ep.c.person_id == person_id)).mappings().first()

    def _set_attendance(self, c: Connection, event_id: int, person_id: int, minutes: float, source: str,
                        moment: datetime) -> None:
        ep = s.event_people
        if self._event_person(c, event_id, person_id) is None:
            c.execute(insert(ep).values(event_id=event_id, person_id=person_id, attended_minutes=minutes,
                                        attendance_source=source, updated_at=moment))
        else:
            c.execute(update(ep).where(ep.c.event_id == event_id, ep.c.person_id == person_id)
                      .values(attended_minutes=minutes, attendance_source=source, updated_at=moment))

    def _cluster_people(self, c: Connection, cluster_id: int) -> dict[int, tuple[int | None, str]]:
        p = s.people
        return {pid: (oid, name or f"person {pid}") for pid, oid, name in c.execute(
            select(p.c.id, p.c.organisation_id, p.c.name).where(p.c.cluster_id == cluster_id))}

    def _write_hours(self, c: Connection, who: Identity, event, minutes: dict[int, float],
                     cluster_people: dict, *, replace_all: bool) -> int:
        """One attendance hours row per person with an organisation; the event's earlier ones marked removed."""
        h = s.hours
        moment = now()
        mine = and_(h.c.event_id == event["id"], h.c.source == "attendance", h.c.removed_at.is_(None))
        if not replace_all:
            mine = and_(mine, h.c.person_id.in_(list(minutes)))
        c.execute(update(h).where(mine).values(removed_at=moment))
        day = local(aware(event["starts_at"])).date()
        activity = Event.model_validate(self._body(event)).activity
        logged = dict(c.execute(select(h.c.person_id, func.sum(h.c.hours)).where(
            h.c.day == day, h.c.removed_at.is_(None), h.c.person_id.in_(list(minutes))).group_by(h.c.person_id)).all())
        rows = []
        for pid, mins in minutes.items():
            oid = cluster_people[pid][0]
            hours = quarter_hours(mins)
            if oid is None or hours <= 0:
                continue
            # never more than 24 a day with what the person logged already
            hours = min(hours, Decimal(24) - Decimal(str(logged.get(pid) or 0)))
            if hours <= 0:
                continue
            rows.append({"person_id": pid, "organisation_id": oid, "activity": activity, "day": day, "hours": hours,
                         "event_id": event["id"], "note": event["title"], "source": "attendance",
                         "created_at": moment, "created_by": who.person_id})
        if rows:
            c.execute(insert(h), rows)
        return len(rows)

    @staticmethod
    def _unmatched_values(event_id: int, a: Attendance, moment: datetime) -> dict:
        return {"event_id": event_id, "name": a.name[:200], "email": a.email[:254], "minutes": a.minutes,
                "first_join": local(a.first_join).astimezone(UTC), "imported_at": moment}

    def _unmatched(self, c: Connection, event_id: int, pending_only: bool = True) -> list[Unmatched]:
        um = s.attendance_unmatched
        q = select(um).where(um.c.event_id == event_id).order_by(um.c.id)
        if pending_only:
            q = q.where(um.c.resolved_person_id.is_(None), um.c.dismissed_at.is_(None))
        rows = [Unmatched(r["id"], r["event_id"], r["name"], r["email"], r["minutes"], aware(r["first_join"]),
                          aware(r["imported_at"]), r["resolved_person_id"], r["dismissed_at"] is not None)
                for r in c.execute(q).mappings()]
        return sorted(rows, key=lambda u: (u.name.casefold(), u.email, u.id))

    def _unmatched_row(self, c: Connection, who: Identity, unmatched_id: int):
        um = s.attendance_unmatched
        u = c.execute(select(um).where(um.c.id == unmatched_id).with_for_update()).mappings().first()
        if u is None:
            raise NotFound(f"no unmatched attendance row with id {unmatched_id}")
        row = self._event_row(c, who, u["event_id"], "manage_events", lock=True)
        if u["resolved_person_id"] is not None or u["dismissed_at"] is not None:
            raise ValidationError([("unmatched", f"{u['name'] or u['email']} was resolved or dismissed already")])
        return u, row
