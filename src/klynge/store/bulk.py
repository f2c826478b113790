"""Bulk writes: the whole database dumped and loaded table by table, and many members added at once.

:func:`dump` and :func:`load` are for the system identity (``klynge export`` and ``klynge
import``). They keep ids, so every reference between rows survives. Secrets never leave: the
``keys`` and ``sessions`` tables (sign-in keys and who is signed in) and the ``meta`` table (the
pseudonym salt) are not dumped, and a load deletes any keys and sessions that were there, so after
an import every person needs a new key. The ``audit_log`` is the server's own record of who did
what there; it is not part of a cluster's data and stays where it was written.

:func:`add_members` is what a roster import needs: organisations and people added in one
transaction, after the caller has vetted them against what is already registered.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError

from ..errors import DataError, NotEmpty, ValidationError
from ..model import Organisation, Person
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .records import now

__all__ = ["TABLES", "Existing", "NewMember", "add_members", "dump", "load"]

#: The tables a dump holds, parents before children (the order a load inserts them in).
TABLES: tuple[Table, ...] = tuple(t for t in s.metadata.sorted_tables
                                  if t not in (s.keys, s.sessions, s.meta, s.audit_log))
_BY_NAME = {t.name: t for t in TABLES}
_CHUNK = 500


# -- values -------------------------------------------------------------------------------
def _to_json(value, column):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        # SQLite hands back naive datetimes for what the store wrote in UTC.
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return str(value)
    if isinstance(kind, LargeBinary):  # the library's files
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _from_json(value, column, where: str):
    if value is None:
        if not column.nullable:
            raise DataError(f"{where}: {column.name} is empty but must have a value")
        return None
    kind = column.type
    try:
        if isinstance(kind, DateTime):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return moment.astimezone(UTC)
        if isinstance(kind, Date):
            return date.fromisoformat(value)
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError("not a number")
            return float(value)
        if isinstance(kind, Numeric):
            return Decimal(str(value))
        if isinstance(kind, LargeBinary):
            return base64.b64decode(value, validate=True)
        if isinstance(kind, Boolean) and not isinstance(value, bool):
            raise ValueError("not true or false")
        if isinstance(kind, Integer) and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("not a whole number")
        if not isinstance(kind, (JSON, Boolean, Integer, LargeBinary)) and not isinstance(value, str):
            raise ValueError("not text")
    except (TypeError, ValueError, InvalidOperation, binascii.Error) as exc:
        raise DataError(f"{where}: {column.name} = {value!r} is not valid ({exc})") from None
    return value


# -- dump and load ------------------------------------------------------------------------
def dump(store, who: Identity) -> dict[str, list[dict]]:
    """Every table's rows as JSON-safe dicts, by primary key, from one consistent snapshot.

    Datetimes become ISO 8601 strings in UTC with their offset, Decimals strings. The ``keys``,
    ``sessions`` and ``meta`` tables are left out: they hold secrets.
    """
    require(who, "admin")
    out: dict[str, list[dict]] = {}
    with reading(store.engine, who) as c:
        for table in TABLES:
            rows = c.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out[table.name] = [{col.name: _to_json(row[col.name], col) for col in table.columns} for row in rows]
    return out


def _decode(tables: Mapping[str, Sequence[Mapping]]) -> dict[str, list[dict]]:
    unknown = sorted(set(tables) - _BY_NAME.keys())
    if unknown:
        raise DataError(f"unknown tables {', '.join(unknown)}; a dump holds {', '.join(_BY_NAME)}")
    decoded = {}
    for table in TABLES:
        names = {c.name for c in table.columns}
        rows = []
        for i, row in enumerate(tables.get(table.name, ())):
            where = f"table {table.name}, row {i + 1}"
            if not isinstance(row, Mapping):
                raise DataError(f"{where}: expected an object of column values")
            if row.keys() != names:
                odd = sorted(row.keys() - names) or sorted(names - row.keys())
                raise DataError(f"{where}: columns do not match the schema ({', '.join(odd)})")
            rows.append({c.name: _from_json(row[c.name], c, where) for c in table.columns})
        decoded[table.name] = _parents_first(table, rows)
    return decoded


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """Order rows of a table that refers to itself (revisions) so each parent comes first."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        return rows
    column = own[0]
    seen: set = set()
    for r in rows:  # a dump in id order already has parents first
        if r[column] is not None and r[column] not in seen:
            break
        seen.add(r["id"])
    else:
        return rows
    pending, placed, ordered = list(rows), set(), []
    while pending:
        ready = [r for r in pending if r[column] is None or r[column] in placed]
        if not ready:
            raise DataError(f"table {table.name}: {column} refers to rows that are missing or form a loop")
        ordered += ready
        placed.update(r["id"] for r in ready)
        ready_ids = {id(r) for r in ready}
        pending = [r for r in pending if id(r) not in ready_ids]
    return ordered


def load(store, who: Identity, tables: Mapping[str, Sequence[Mapping]], *, replace: bool = False) -> dict[str, int]:
    """Insert a :func:`dump` into the database, keeping ids; returns the rows loaded per table.

    Everything happens in one write transaction: either the whole dump lands or nothing
    changes. With ``replace`` the rows already there (sign-in keys included, ``meta`` and the audit log kept) are
    deleted in the same transaction; the caller makes a backup first. On PostgreSQL the id
    sequences are moved past the loaded ids.

    Raises
    ------
    NotEmpty
        When the database holds rows and ``replace`` is false.
    DataError
        When a table, column or value does not fit the schema, or rows break its rules.
    """
    require(who, "admin")
    decoded = _decode(tables)
    try:
        with writing(store.engine, who) as c:
            if replace:
                for table in reversed(s.metadata.sorted_tables):
                    if table not in (s.meta, s.audit_log):  # the audit log outlives a restore
                        c.execute(table.delete())
            elif any(c.execute(select(func.count()).select_from(t)).scalar_one() for t in (*TABLES, s.keys)):
                raise NotEmpty("the database already holds data; load into an empty database or replace it")
            for table in TABLES:
                rows = decoded[table.name]
                for start in range(0, len(rows), _CHUNK):
                    c.execute(insert(table), rows[start:start + _CHUNK])
            if c.dialect.name == "postgresql":
                _reset_sequences(c)
            from .library import reindex
            reindex(c)  # the full-text index is not dumped: it is made again from the items
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise DataError(f"the data breaks the database's rules, nothing was loaded: {reason}") from None
    return {name: len(rows) for name, rows in decoded.items()}


def _reset_sequences(c: Connection) -> None:
    for table in TABLES:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer):
            c.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"coalesce(max({pk[0].name}), 1), max({pk[0].name}) IS NOT NULL) FROM {table.name}"))


# -- adding members -----------------------------------------------------------------------
@dataclass(frozen=True)
class NewMember:
    """An organisation and/or a person to add; the person joins the organisation."""

    organisation: Organisation | None
    person: Person | None


@dataclass(frozen=True)
class Existing:
    """What the database already holds of the members to add, read in the adding transaction.

    ``organisations`` maps ``(country, orgnr)`` to ``(id, name, cluster_id)``; ``emails`` maps
    an e-mail address to the id of the person who has it.
    """

    organisations: dict[tuple[str, str], tuple[int, str, int]]
    emails: dict[str, int]


def add_members(store, who: Identity, cluster_id: int, members: Sequence[NewMember],
                vet: Callable[[Existing], None] | None = None) -> list[tuple[int | None, int | None, bool]]:
    """Add organisations and people to a cluster in one write transaction.

    An organisation whose country and number are registered already is reused, not added. Before
    anything is written ``vet`` is called with what exists; it raises (say a
    :class:`~klynge.errors.ValidationError`) to add nothing.

    Returns
    -------
    list of (organisation_id, person_id, organisation_reused), one per member.
    """
    require(who, "manage", cluster_id=cluster_id)
    keys = {(m.organisation.country, m.organisation.orgnr) for m in members if m.organisation}
    emails = {m.person.email for m in members if m.person}
    try:
        with writing(store.engine, who) as c:
            existing = _existing(c, keys, emails)
            if vet is not None:
                vet(existing)
            org_ids = {k: v[0] for k, v in existing.organisations.items()}
            added: set[tuple[str, str]] = set()
            result = []
            for m in members:
                oid = None
                if m.organisation is not None:
                    key = (m.organisation.country, m.organisation.orgnr)
                    if key not in org_ids:
                        values = m.organisation.model_dump(exclude={"id", "subclusters"})
                        org_ids[key] = c.execute(insert(s.organisations).values(
                            cluster_id=cluster_id, version=1, updated_at=now(), updated_by=who.person_id,
                            **values)).inserted_primary_key[0]
                        added.add(key)
                    oid = org_ids[key]
                pid = None
                if m.person is not None:
                    p = m.person
                    pid = c.execute(insert(s.people).values(
                        cluster_id=cluster_id, organisation_id=oid, name=p.name, email=p.email, role=p.role,
                        created_at=now())).inserted_primary_key[0]
                reused = m.organisation is not None and (m.organisation.country, m.organisation.orgnr) not in added
                result.append((oid, pid, reused))
            return result
    except IntegrityError:
        # Someone registered the same e-mail or number between our check and our insert.
        raise ValidationError([("", "someone registered some of these members meanwhile; try again")]) from None


def _existing(c: Connection, keys: set[tuple[str, str]], emails: set[str]) -> Existing:
    orgs: dict[tuple[str, str], tuple[int, str, int]] = {}
    numbers = sorted({orgnr for _, orgnr in keys})
    for start in range(0, len(numbers), _CHUNK):
        t = s.organisations
        for r in c.execute(select(t.c.id, t.c.name, t.c.cluster_id, t.c.country, t.c.orgnr)
                           .where(t.c.orgnr.in_(numbers[start:start + _CHUNK]))):
            if (r.country, r.orgnr) in keys:
                orgs[(r.country, r.orgnr)] = (r.id, r.name, r.cluster_id)
    found: dict[str, int] = {}
    addresses = sorted(emails)
    for start in range(0, len(addresses), _CHUNK):
        found.update(c.execute(select(s.people.c.email, s.people.c.id)
                               .where(s.people.c.email.in_(addresses[start:start + _CHUNK]))).all())
    return Existing(orgs, found)
