"""The organisations' yearly fees and the in-kind hours people give.

A fee is made when a facilitator invoices it (or marks it paid or waived before an invoice), with
the amount the cluster's settings name for the organisation's kind
(:meth:`~klynge.model.contribution.MobilisationSettings.fee_for`) in the settings' currency. Each
mark keeps the fee's earlier version in ``row_history`` (entity ``fee``); a mark that names a
stale version is a :class:`~klynge.errors.Conflict`, and a fee marked paid twice is
:class:`~klynge.errors.Refused` with the day it was paid.

Hours are logged per person, day and activity. A removed entry stays, with ``removed_at``. No
more than 24 hours are logged for a person on one day: the check counts every live row of that
day, the hours of attended events (``source`` attendance, written by the events' import) too.
Who may do what is :mod:`klynge.store.access`'s (``fees``, ``log_hours``, ``read_hours``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select, update

from ..errors import NotFound, Refused
from ..model.contribution import FEE_STATUSES, HOURS_A_DAY, HoursEntry, today
from ..validation import validate
from . import schema as s
from .access import Identity, require, require_hours, scope
from .engine import reading, writing
from .records import now

__all__ = ["ContributionsMixin", "StoredFee", "StoredHours"]

ENTITY = "fee"
_DATE_FIELD = {"invoiced": "invoiced_on", "paid": "paid_on", "waived": "waived_on"}


@dataclass(frozen=True)
class StoredFee:
    """An organisation's fee for a year as stored, with the version a mark must name."""

    id: int
    organisation_id: int
    organisation: str
    orgnr: str
    kind: str
    year: int
    amount: Decimal
    currency: str
    status: str
    invoiced_on: date | None
    paid_on: date | None
    waived_on: date | None
    note: str
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class StoredHours:
    """One entry of in-kind hours as stored."""

    id: int
    person_id: int
    person: str
    organisation_id: int
    organisation: str
    activity: str
    day: date
    hours: Decimal
    note: str
    source: str
    event_id: int | None
    created_at: datetime
    removed_at: datetime | None


def _on(value) -> date | None:
    """A date column as read (SQLite may hand back a string)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _fee_body(row) -> dict:
    """What a fee's version holds, as JSON for ``row_history``."""
    return {"amount": str(row["amount"]), "currency": row["currency"], "status": row["status"],
            "invoiced_on": _iso(row["invoiced_on"]), "paid_on": _iso(row["paid_on"]),
            "waived_on": _iso(row["waived_on"]), "note": row["note"]}


def _iso(value) -> str | None:
    value = _on(value)
    return value.isoformat() if value is not None else None


class ContributionsMixin:
    """Fees per organisation and year, and in-kind hours per person."""

    # -- fees ---------------------------------------------------------------------------
    def fees(self, who: Identity, *, year: int | None = None) -> list[StoredFee]:
        """The fees of the caller's cluster (of one year), by year and organisation name."""
        cid = scope(who, "fees")
        with reading(self.engine, who) as c:
            q = self._fee_query()
            if cid is not None:
                q = q.where(s.organisations.c.cluster_id == cid)
            if year is not None:
                q = q.where(s.fees.c.year == year)
            return [self._fee(c, r) for r in c.execute(q).mappings()]

    def fee(self, who: Identity, organisation_id: int, year: int) -> StoredFee | None:
        """One organisation's fee for ``year``; None while it is not invoiced."""
        with reading(self.engine, who) as c:
            self._fee_cluster(c, who, organisation_id)
            row = c.execute(self._fee_query().where(s.fees.c.organisation_id == organisation_id,
                                                    s.fees.c.year == year)).mappings().first()
            return self._fee(c, row) if row is not None else None

    def mark_fee(self, who: Identity, organisation_id: int, year: int, status: str, on: date, *,
                 base_version: int | None = None, note: str | None = None) -> StoredFee:
        """Mark an organisation's fee for ``year`` invoiced, paid or waived on the day ``on``.

        The first mark makes the fee, with the amount and currency of the cluster's settings for
        the organisation's kind; a later one keeps the earlier version in the history.

        Parameters
        ----------
        base_version
            The version the facilitator saw (0: no fee yet); None marks without the check.
        note
            A note for the accounts (None keeps the one stored).

        Raises
        ------
        Refused
            The fee is already paid (the message names the day), or already has ``status``; the
            day is in the future; no fee is set for the organisation's kind.
        Conflict
            Someone marked the fee since ``base_version``.
        """
        if status not in FEE_STATUSES:
            raise ValueError(f"unknown fee status {status!r}")
        if on > today():
            raise Refused("on", f"{on.isoformat()} is in the future; mark the fee on the day it happened",
                          "fees.error.future", day=on)
        if not 2000 <= year <= 2100:
            raise Refused("year", f"{year} is not a year for a fee", "fees.error.year", year=year)
        with writing(self.engine, who) as c:
            cid, kind = self._fee_cluster(c, who, organisation_id, lock=True)
            row = c.execute(select(s.fees).where(s.fees.c.organisation_id == organisation_id,
                                                 s.fees.c.year == year).with_for_update()).mappings().first()
            if row is None:
                if base_version not in (None, 0):
                    raise self._fee_gone(organisation_id, year)
                settings = self.mobilisation_settings(who, cid)
                amount = settings.fee_for(kind, self.cluster_plan(who, cid).value)
                if amount is None:
                    raise Refused("amount", "no fee is set for this kind of organisation; set one on the Fees page",
                                  "fees.error.no_amount", kind=kind)
                moment = now()
                c.execute(insert(s.fees).values(
                    organisation_id=organisation_id, year=year, amount=amount, currency=settings.currency,
                    status=status, note=note or "", version=1, updated_at=moment, updated_by=who.person_id,
                    **{_DATE_FIELD[status]: on}))
            else:
                self._refuse_mark(row, status)
                base = row["version"] if base_version is None else base_version
                values = {"status": status, _DATE_FIELD[status]: on}
                if note is not None:
                    values["note"] = note
                self._bump(c, s.fees, ENTITY, row, base, who, _fee_body(row), values)
            return self._fee(c, c.execute(self._fee_query().where(
                s.fees.c.organisation_id == organisation_id, s.fees.c.year == year)).mappings().one())

    def fee_history(self, who: Identity, organisation_id: int, year: int) -> list[dict]:
        """Every version of a fee, oldest first, the current one last (each with version and status)."""
        with reading(self.engine, who) as c:
            self._fee_cluster(c, who, organisation_id)
            row = c.execute(select(s.fees).where(s.fees.c.organisation_id == organisation_id,
                                                 s.fees.c.year == year)).mappings().first()
            if row is None:
                raise self._fee_gone(organisation_id, year)
            h = s.row_history
            old = c.execute(select(h.c.version, h.c.body).where(h.c.entity == ENTITY, h.c.entity_id == row["id"])
                            .order_by(h.c.version))
            return [*({"version": r.version, **r.body} for r in old), {"version": row["version"], **_fee_body(row)}]

    @staticmethod
    def _refuse_mark(row, status: str) -> None:
        """Refuse a mark the fee's state does not allow: paid is final, and no state is marked twice."""
        if row["status"] == "paid":
            paid = _on(row["paid_on"])
            raise Refused("status", f"the fee for {row['year']} is already paid on {_iso(paid)}",
                          "fees.error.already.paid", day=paid, year=row["year"])
        if row["status"] == status:
            day = _on(row[_DATE_FIELD[status]])
            raise Refused("status", f"the fee for {row['year']} is already {status} on {_iso(day)}",
                          f"fees.error.already.{status}", day=day, year=row["year"])

    @staticmethod
    def _fee_gone(organisation_id: int, year: int) -> NotFound:
        return NotFound(f"organisation {organisation_id} has no fee for {year} yet")

    def _fee_cluster(self, c: Connection, who: Identity, organisation_id: int, lock: bool = False) -> tuple[int, str]:
        """The cluster and kind of the organisation a fee is for, once ``who`` may act on fees there."""
        q = select(s.organisations.c.cluster_id, s.organisations.c.kind).where(s.organisations.c.id == organisation_id)
        row = c.execute(q.with_for_update() if lock else q).first()
        if row is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, "fees", cluster_id=row.cluster_id)
        return row.cluster_id, row.kind

    @staticmethod
    def _fee_query():
        o = s.organisations
        return (select(s.fees, o.c.name.label("organisation"), o.c.orgnr, o.c.kind)
                .join(o, o.c.id == s.fees.c.organisation_id).order_by(s.fees.c.year, o.c.name, o.c.id))

    def _fee(self, c: Connection, r) -> StoredFee:
        return StoredFee(id=r["id"], organisation_id=r["organisation_id"], organisation=r["organisation"],
                         orgnr=r["orgnr"], kind=r["kind"], year=r["year"], amount=Decimal(r["amount"]),
                         currency=r["currency"], status=r["status"], invoiced_on=_on(r["invoiced_on"]),
                         paid_on=_on(r["paid_on"]), waived_on=_on(r["waived_on"]), note=r["note"],
                         version=r["version"], updated_at=r["updated_at"], updated_by=self._name(c, r["updated_by"]))

    # -- hours --------------------------------------------------------------------------
    def log_hours(self, who: Identity, entry: HoursEntry) -> int:
        """Log in-kind hours; returns the entry's id.

        A participant logs their own hours (``person_id`` and ``organisation_id`` may be left
        out); a facilitator names the person, whose organisation is filled in.

        Raises
        ------
        Refused
            The person's hours of that day would add up to more than 24 (the message says how
            many are logged already).
        ValidationError
            The entry is not valid (checked again here: hours, a day in the future).
        AccessDenied
            Someone else's hours, for a participant; another cluster's, for anyone.
        """
        entry = validate(HoursEntry, entry.model_dump(), "en")
        person_id = entry.person_id or who.person_id
        if person_id is None:
            raise NotFound("name the person whose hours these are")
        with writing(self.engine, who) as c:
            person = c.execute(select(s.people.c.cluster_id, s.people.c.organisation_id, s.people.c.erased_at)
                               .where(s.people.c.id == person_id).with_for_update()).first()
            if person is None or person.erased_at is not None:
                raise NotFound(f"no person with id {person_id}")
            organisation_id = entry.organisation_id or person.organisation_id
            require_hours(who, "log_hours", person_id=person_id, organisation_id=organisation_id,
                          cluster_id=person.cluster_id)
            if organisation_id is None or organisation_id != person.organisation_id:
                raise Refused("organisation_id", "hours are logged in the person's own organisation",
                              "hours.error.organisation")
            logged = self._day_total(c, person_id, entry.day)
            if logged + entry.hours > HOURS_A_DAY:
                raise Refused("hours", f"{entry.day.isoformat()} already has {_plain(logged)} hours logged; "
                              f"at most {_plain(HOURS_A_DAY - logged)} more fit in the day",
                              "hours.error.day_full", day=entry.day, logged=logged, left=HOURS_A_DAY - logged)
            return c.execute(insert(s.hours).values(
                person_id=person_id, organisation_id=organisation_id, activity=entry.activity, day=entry.day,
                hours=entry.hours, note=entry.note, source="manual", created_at=now(),
                created_by=who.person_id)).inserted_primary_key[0]

    def hours(self, who: Identity, *, organisation_id: int | None = None, person_id: int | None = None,
              removed: bool = False) -> list[StoredHours]:
        """In-kind hours, newest day first: a participant's own, or for a facilitator the cluster's.

        ``organisation_id`` and ``person_id`` narrow the list; ``removed`` adds the removed entries.
        """
        if who.role == "participant":
            person_id = who.person_id if person_id is None else person_id
            organisation_id = who.organisation_id if organisation_id is None else organisation_id
        require_hours(who, "read_hours", person_id=person_id, organisation_id=organisation_id,
                      cluster_id=who.cluster_id)
        h, p, o = s.hours, s.people, s.organisations
        q = (select(h, p.c.name.label("person"), o.c.name.label("organisation"))
             .join(p, p.c.id == h.c.person_id).join(o, o.c.id == h.c.organisation_id)
             .order_by(h.c.day.desc(), h.c.id.desc()))
        if who.cluster_id is not None:
            q = q.where(o.c.cluster_id == who.cluster_id)
        if organisation_id is not None:
            q = q.where(h.c.organisation_id == organisation_id)
        if person_id is not None:
            q = q.where(h.c.person_id == person_id)
        if not removed:
            q = q.where(h.c.removed_at.is_(None))
        with reading(self.engine, who) as c:
            return [_hours(r) for r in c.execute(q).mappings()]

    def remove_hours(self, who: Identity, hours_id: int) -> None:
        """Remove an entry; the row stays, marked removed. Removing it again changes nothing."""
        with writing(self.engine, who) as c:
            row = c.execute(select(s.hours, s.people.c.cluster_id).join(s.people, s.people.c.id == s.hours.c.person_id)
                            .where(s.hours.c.id == hours_id)).mappings().first()
            if row is None:
                raise NotFound(f"no hours with id {hours_id}")
            require_hours(who, "log_hours", person_id=row["person_id"], organisation_id=row["organisation_id"],
                          cluster_id=row["cluster_id"], source=row["source"])
            c.execute(update(s.hours).where(s.hours.c.id == hours_id, s.hours.c.removed_at.is_(None))
                      .values(removed_at=now()))

    @staticmethod
    def _day_total(c: Connection, person_id: int, day: date) -> Decimal:
        """The hours logged for a person on one day, of every source, removed ones left out."""
        total = c.execute(select(func.coalesce(func.sum(s.hours.c.hours), 0)).where(
            s.hours.c.person_id == person_id, s.hours.c.day == day, s.hours.c.removed_at.is_(None))).scalar()
        return Decimal(str(total))


def _plain(value: Decimal) -> str:
    """A number of hours without trailing zeros (``18.5``, ``20``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hours(r) -> StoredHours:
    return StoredHours(id=r["id"], person_id=r["person_id"], person=r["person"] or f"person {r['person_id']} (erased)",
                       organisation_id=r["organisation_id"], organisation=r["organisation"], activity=r["activity"],
                       day=_on(r["day"]), hours=Decimal(str(r["hours"])), note=r["note"], source=r["source"],
                       event_id=r["event_id"], created_at=r["created_at"], removed_at=r["removed_at"])
