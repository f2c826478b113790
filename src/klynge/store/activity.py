"""When members last worked, and the state of people's sign-in keys: what the facilitator follows.

Two read-only queries for the facilitator's member list, one round trip each, so the list of
a large cluster costs two queries and not one per member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, union_all

from . import schema as s
from .access import Identity, require
from .engine import reading

__all__ = ["ActivityMixin", "KeyState"]


@dataclass(frozen=True)
class KeyState:
    """A person's keys in short: live keys, the newest key's dates, and their last sign-in."""

    person_id: int
    live: int
    issued_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None


def _aware(moment):
    """SQLite returns naive datetimes for what was stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class ActivityMixin:
    """Last activity per organisation and key states per person, for a facilitator."""

    def last_activity(self, who: Identity) -> dict[int, datetime]:
        """The latest save per organisation of its profile, offers or documents (organisation id to time).

        The profile's time counts only after its first edit: registering an organisation is
        the facilitator's act, not the member's.
        """
        require(who, "manage", cluster_id=who.cluster_id)
        org, offers, docs, revs = s.organisations, s.offers, s.documents, s.revisions
        edited = select(org.c.id.label("oid"), org.c.updated_at.label("at")).where(org.c.version > 1)
        offered = select(offers.c.organisation_id.label("oid"), func.max(
            func.coalesce(offers.c.removed_at, offers.c.updated_at)).label("at")).group_by(offers.c.organisation_id)
        saved = (select(docs.c.organisation_id.label("oid"), func.max(revs.c.saved_at).label("at"))
                 .join(revs, revs.c.document_id == docs.c.id).group_by(docs.c.organisation_id))
        moments = union_all(edited, offered, saved).subquery()
        q = (select(moments.c.oid, func.max(moments.c.at)).join(org, org.c.id == moments.c.oid)
             .group_by(moments.c.oid))
        if who.cluster_id:
            q = q.where(org.c.cluster_id == who.cluster_id)
        with reading(self.engine, who) as c:
            return {oid: _aware(at) for oid, at in c.execute(q) if at is not None}

    def key_states(self, who: Identity) -> dict[int, KeyState]:
        """Per person of the caller's cluster (not erased): live keys, newest key, last sign-in."""
        require(who, "manage", cluster_id=who.cluster_id)
        k, p = s.keys, s.people
        q = (select(p.c.id, k.c.created_at, k.c.expires_at, k.c.revoked_at, k.c.last_used_at)
             .join(k, k.c.person_id == p.c.id).where(p.c.erased_at.is_(None)).order_by(p.c.id, k.c.created_at))
        if who.cluster_id:
            q = q.where(p.c.cluster_id == who.cluster_id)
        states: dict[int, KeyState] = {}
        moment = datetime.now(UTC)
        with reading(self.engine, who) as c:
            for pid, created, expires, revoked, used in c.execute(q):
                old = states.get(pid)
                live = (old.live if old else 0) + (revoked is None and _aware(expires) > moment)
                last = max((m for m in (old and old.last_used_at, _aware(used)) if m), default=None)
                states[pid] = KeyState(pid, live, _aware(created), _aware(expires), last)
        return states
