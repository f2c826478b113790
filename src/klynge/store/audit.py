"""The audit log: who signed in, exported, erased, changed a role, revoked or re-issued a key, invited.

An entry is written by :func:`record` in the transaction of the act it records, so an act that
rolls back leaves no entry and an entry never names an act that did not happen. Entries hold
ids, never a name, an e-mail address or a secret (a key's id, the part before the dot, is not
one): names are looked up from ``people`` when the log is read, so an erasure leaves nothing here
to forget. The cluster's facilitators read it (:data:`~klynge.store.access.ACTIONS`
``read_audit``); researchers and participants never do. Entries older than the store's
``audit_days`` (``KLYNGE_AUDIT_DAYS``) are pruned on every write, and by ``klynge audit prune``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, delete, insert, select

from . import schema as s
from .access import Identity, require, scope
from .engine import reading, writing
from .live import aware
from .records import now

__all__ = ["AUDIT_ACTIONS", "DEFAULT_AUDIT_DAYS", "AuditEntry", "AuditMixin", "record"]

#: What the log records.
AUDIT_ACTIONS = ("sign_in", "export_archive", "export_research", "export_person", "erase_person", "role_change",
                 "revoke_key", "reissue_key", "invite")

#: How long an entry is kept when the settings do not say (two years).
DEFAULT_AUDIT_DAYS = 730

# Detail keys refused outright: what would put a secret or a person's name or address in the log.
_FORBIDDEN = frozenset({"key", "secret", "digest", "session", "session_id", "password", "name", "email", "note"})


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log as a facilitator reads it. ``actor`` is the actor's name now ("" once erased,
    "system" for the command line and the batch)."""

    id: int
    at: datetime
    cluster_id: int | None
    actor_id: int | None
    actor_role: str
    actor: str
    action: str
    subject_kind: str
    subject_id: str
    details: dict
    #: The name of the person the entry concerns, now ("" once erased, or when it concerns no person).
    subject: str = ""

    def as_json(self) -> dict:
        """The entry as JSON-safe values."""
        return {"id": self.id, "at": self.at.isoformat(), "cluster_id": self.cluster_id, "actor_id": self.actor_id,
                "actor_role": self.actor_role, "actor": self.actor, "action": self.action,
                "subject_kind": self.subject_kind, "subject_id": self.subject_id, "subject": self.subject,
                "details": self.details}


def record(c: Connection, who: Identity, action: str, *, cluster_id: int | None, subject_kind: str = "",
           subject_id: object = "", details: Mapping | None = None, keep_days: int = DEFAULT_AUDIT_DAYS) -> None:
    """Write one entry in ``c``'s transaction, and prune what is older than ``keep_days``.

    Raises
    ------
    ValueError
        For an action not in :data:`AUDIT_ACTIONS`, or details that would hold a secret or a name.
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    details = dict(details or {})
    forbidden = sorted(_FORBIDDEN & details.keys())
    if forbidden:
        raise ValueError(f"audit details may not hold {', '.join(forbidden)}")
    moment = now()
    c.execute(insert(s.audit_log).values(
        cluster_id=cluster_id, at=moment, actor_id=who.person_id, actor_role=who.role, action=action,
        subject_kind=subject_kind, subject_id="" if subject_id is None else str(subject_id), details=details))
    if keep_days > 0:
        c.execute(delete(s.audit_log).where(s.audit_log.c.at < moment - timedelta(days=keep_days)))


def _start_of(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day
    return datetime.combine(day, time(0), tzinfo=UTC)


class AuditMixin:
    """Read, record and prune the audit log."""

    #: Days an entry is kept; :func:`klynge.operations.store_for` sets it from ``KLYNGE_AUDIT_DAYS``.
    audit_days: int = DEFAULT_AUDIT_DAYS

    def _audit(self, c: Connection, who: Identity, action: str, **entry) -> None:
        record(c, who, action, keep_days=self.audit_days, **entry)

    def record_audit(self, who: Identity, action: str, *, cluster_id: int | None, subject_kind: str = "",
                     subject_id: object = "", details: Mapping | None = None) -> None:
        """Record an act done outside the store's own calls (an archive or research export).

        For the system identity, or anyone in their own cluster recording their own act.
        """
        if not who.is_system:
            require(who, "status", cluster_id=cluster_id)
        with writing(self.engine, who) as c:
            self._audit(c, who, action, cluster_id=cluster_id, subject_kind=subject_kind, subject_id=subject_id,
                        details=details)

    def audit_log(self, who: Identity, *, since: date | datetime | None = None, action: str | None = None,
                  actor_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
        """Entries of the caller's cluster (every cluster, for the system), newest first.

        Raises
        ------
        AccessDenied
            For anyone but a facilitator of the cluster or the system: the log says who did what.
        """
        cluster_id = scope(who, "read_audit")
        a, p = s.audit_log, s.people
        q = (select(a, p.c.name).outerjoin(p, p.c.id == a.c.actor_id)
             .order_by(a.c.at.desc(), a.c.id.desc()).limit(max(1, min(limit, 10_000))))
        if cluster_id is not None:
            q = q.where(a.c.cluster_id == cluster_id)
        if since is not None:
            q = q.where(a.c.at >= _start_of(since))
        if action:
            q = q.where(a.c.action == action)
        if actor_id is not None:
            q = q.where(a.c.actor_id == actor_id)
        with reading(self.engine, who) as c:
            rows = c.execute(q).mappings().all()
            ids = {int(r["subject_id"]) for r in rows if r["subject_kind"] == "person" and r["subject_id"].isdigit()}
            names = dict(c.execute(select(p.c.id, p.c.name).where(p.c.id.in_(sorted(ids)))).all()) if ids else {}
        return [AuditEntry(id=r["id"], at=aware(r["at"]), cluster_id=r["cluster_id"], actor_id=r["actor_id"],
                           actor_role=r["actor_role"], actor="system" if r["actor_id"] is None else (r["name"] or ""),
                           action=r["action"], subject_kind=r["subject_kind"], subject_id=r["subject_id"],
                           details=dict(r["details"] or {}),
                           subject=(names.get(int(r["subject_id"])) or "") if r["subject_kind"] == "person"
                           and r["subject_id"].isdigit() else "") for r in rows]

    def prune_audit(self, who: Identity, days: int | None = None) -> int:
        """Delete entries older than ``days`` (default: the store's ``audit_days``); returns how many.

        For the system identity only (``klynge audit prune``).
        """
        require(who, "admin")
        days = self.audit_days if days is None else days
        if days <= 0:
            return 0
        with writing(self.engine, who) as c:
            return c.execute(delete(s.audit_log).where(s.audit_log.c.at < now() - timedelta(days=days))).rowcount
