"""Whether a caller is still signed in: their session, key and person, read by primary key.

The store asks this inside every read and write transaction of a person (see
:func:`klynge.store.engine.reading`), so a logout, a revoked or expired key, or an erasure
stops the very next call, even from an app that was opened long before.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import Connection, select

from ..errors import SessionEnded
from . import schema as s
from .records import now

__all__ = ["check_live", "key_refusal", "session_refusal", "session_row"]

SESSIONS = (
    select(s.sessions.c.id, s.sessions.c.person_id, s.sessions.c.ended_at, s.keys.c.revoked_at,
           s.keys.c.expires_at, s.people.c.role, s.people.c.organisation_id, s.people.c.cluster_id,
           s.people.c.name, s.people.c.erased_at)
    .join(s.keys, s.keys.c.id == s.sessions.c.key_id)
    .join(s.people, s.people.c.id == s.sessions.c.person_id)
)


def session_row(c: Connection, session_id: str):
    """A session with its key and person, by primary key; None when there is no such session."""
    return c.execute(SESSIONS.where(s.sessions.c.id == session_id)).mappings().first()


def session_refusal(row) -> str | None:
    """Why a session row (from :func:`session_row`) is not live, or None when it is."""
    if row is None:
        return "unknown"
    if row["ended_at"] is not None:
        return "ended"
    return key_refusal(row)


def key_refusal(row) -> str | None:
    """Why a row with a key's ``revoked_at`` and ``expires_at`` and a person's ``erased_at`` is not live."""
    if row["revoked_at"] is not None:
        return "revoked"
    if row["erased_at"] is not None:
        return "erased"
    if aware(row["expires_at"]) <= now():
        return "expired"
    return None


def check_live(c: Connection, who) -> None:
    """Raise :class:`SessionEnded` unless ``who`` is still signed in, in ``c``'s transaction.

    A caller with a session is checked through it (session, key and person); one with only a
    person id (a key checked without a session) is checked through the person. The system
    identity, and an identity that names no person, have nothing to end.
    """
    if who is None or who.is_system:
        return
    if who.session_id is not None:
        row = session_row(c, who.session_id)
        reason = session_refusal(row)
        if reason is None and row["person_id"] != who.person_id:
            reason = "unknown"
    elif who.person_id is not None:
        erased = c.execute(select(s.people.c.id, s.people.c.erased_at)
                           .where(s.people.c.id == who.person_id)).first()
        reason = "unknown" if erased is None else ("erased" if erased.erased_at is not None else None)
    else:
        return
    if reason is not None:
        raise SessionEnded(reason)


def aware(moment):
    """SQLite returns naive datetimes for what was stored in UTC (None stays None)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
