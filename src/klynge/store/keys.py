"""Sign-in keys: a key id plus a secret, kept only as an HMAC with the server secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import Connection, select, update

from ..errors import KeyRejected, NotFound
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .invitations import accept_invitation
from .live import SESSIONS, key_refusal, session_refusal, session_row
from .records import now

__all__ = ["KeysMixin", "split_key"]


def _digest(server_secret: bytes, key_id: str, secret: str) -> str:
    return hmac.new(server_secret, f"{key_id}.{secret}".encode(), hashlib.sha256).hexdigest()


def split_key(key: str) -> tuple[str, str]:
    """``"id.secret"`` into its parts; anything else is an unknown key."""
    key_id, dot, secret = (key or "").strip().partition(".")
    if not dot or not key_id or not secret or len(key_id) > 32 or len(secret) > 128:
        raise KeyRejected("unknown")
    return key_id, secret


@dataclass(frozen=True)
class KeyInfo:
    """A key as the register shows it (never the secret)."""

    id: str
    person_id: int
    created_at: object
    expires_at: object
    revoked_at: object


class KeysMixin:
    """Issue, check, revoke and re-issue sign-in keys."""

    def issue_key(self, who: Identity, person_id: int, server_secret: bytes, days: int = 120) -> str:
        """Make a new key for a person and return it; it is shown once and stored only as an HMAC."""
        with writing(self.engine, who) as c:
            require(who, "manage", cluster_id=self._cluster_of_person(person_id, c))
            return self._insert_key(c, person_id, server_secret, days)

    def _insert_key(self, c: Connection, person_id: int, server_secret: bytes, days: int) -> str:
        """A new key for a person who is not erased, in ``c``'s transaction (access checked by the caller)."""
        erased = c.execute(select(s.people.c.erased_at).where(s.people.c.id == person_id)).scalar()
        if erased is not None:
            raise NotFound(f"person {person_id} has been erased")
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
        moment = now()
        c.execute(s.keys.insert().values(
            id=key_id, person_id=person_id, digest=_digest(server_secret, key_id, secret),
            created_at=moment, expires_at=moment + timedelta(days=days),
        ))
        return f"{key_id}.{secret}"

    def check_key(self, key: str, server_secret: bytes) -> Identity:
        """The identity a key signs in as, with one lookup by primary key.

        Raises
        ------
        KeyRejected
            With ``reason`` unknown, wrong, expired, revoked or erased.
        """
        split_key(key)  # a malformed key is refused before any transaction
        with writing(self.engine) as c:
            return self._check_key(c, key, server_secret)

    def open_session(self, key: str, server_secret: bytes) -> Identity:
        """Sign in with a key: check it as :meth:`check_key` does and open a server session.

        Returns
        -------
        Identity
            With ``session_id`` set; the session cookie names that id.

        Raises
        ------
        KeyRejected
            With ``reason`` unknown, wrong, expired, revoked or erased.
        """
        key_id = split_key(key)[0]
        with writing(self.engine) as c:
            who = self._check_key(c, key, server_secret)
            session_id = secrets.token_urlsafe(18)
            c.execute(s.sessions.insert().values(id=session_id, person_id=who.person_id,
                                                 key_id=key_id, created_at=now()))
            accept_invitation(c, who.person_id)  # the first sign-in accepts the person's invitation
            self._audit(c, who, "sign_in", cluster_id=who.cluster_id, subject_kind="key", subject_id=key_id)
        return replace(who, session_id=session_id)

    def session_identity(self, session_id: str) -> Identity:
        """The identity of a live server session, with one lookup by primary key.

        Raises
        ------
        KeyRejected
            With ``reason`` unknown, ended (logged out), revoked, expired or erased.
        """
        with reading(self.engine) as c:
            row = session_row(c, session_id)
        reason = session_refusal(row)
        if reason:
            raise KeyRejected(reason)
        return Identity(person_id=row["person_id"], role=row["role"], organisation_id=row["organisation_id"],
                        cluster_id=row["cluster_id"], name=row["name"] or "", session_id=session_id)

    def end_session(self, session_id: str) -> None:
        """Log a session out; an unknown or already ended session is left as it is."""
        with writing(self.engine) as c:
            c.execute(update(s.sessions).where(s.sessions.c.id == session_id, s.sessions.c.ended_at.is_(None))
                      .values(ended_at=now()))

    def dead_sessions(self, session_ids: Iterable[str]) -> set[str]:
        """Which of ``session_ids`` are no longer live (ended, key revoked or expired, person erased,
        or unknown), read in one query."""
        wanted = {i for i in session_ids if isinstance(i, str)}
        if not wanted:
            return set()
        with reading(self.engine) as c:
            rows = c.execute(SESSIONS.where(s.sessions.c.id.in_(sorted(wanted)))).mappings().all()
        return wanted - {r["id"] for r in rows if session_refusal(r) is None}

    def _check_key(self, c: Connection, key: str, server_secret: bytes) -> Identity:
        key_id, secret = split_key(key)
        row = c.execute(
            select(s.keys, s.people.c.role, s.people.c.organisation_id, s.people.c.cluster_id,
                   s.people.c.name, s.people.c.erased_at)
            .join(s.people, s.people.c.id == s.keys.c.person_id)
            .where(s.keys.c.id == key_id)
        ).mappings().first()
        if row is None:
            raise KeyRejected("unknown")
        if not hmac.compare_digest(row["digest"], _digest(server_secret, key_id, secret)):
            raise KeyRejected("wrong")
        reason = key_refusal(row)
        if reason:
            raise KeyRejected(reason)
        c.execute(update(s.keys).where(s.keys.c.id == key_id).values(last_used_at=now()))
        return Identity(person_id=row["person_id"], role=row["role"],
                        organisation_id=row["organisation_id"], cluster_id=row["cluster_id"],
                        name=row["name"] or "")

    def revoke_key(self, who: Identity, key_id: str) -> None:
        """Revoke one key by its id (the part before the dot)."""
        with writing(self.engine, who) as c:
            person_id = c.execute(select(s.keys.c.person_id).where(s.keys.c.id == key_id)).scalar()
            if person_id is None:
                raise NotFound(f"no key with id {key_id}")
            cluster_id = self._cluster_of_person(person_id, c)
            require(who, "manage", cluster_id=cluster_id)
            revoked = c.execute(update(s.keys).where(s.keys.c.id == key_id, s.keys.c.revoked_at.is_(None))
                                .values(revoked_at=now())).rowcount
            if revoked:
                self._audit(c, who, "revoke_key", cluster_id=cluster_id, subject_kind="key", subject_id=key_id,
                            details={"person_id": person_id})

    def reissue_key(self, who: Identity, person_id: int, server_secret: bytes, days: int = 120) -> str:
        """Revoke every live key of a person and issue a new one, in one transaction."""
        with writing(self.engine, who) as c:
            cluster_id = self._cluster_of_person(person_id, c)
            require(who, "manage", cluster_id=cluster_id)
            revoked = c.execute(update(s.keys).where(s.keys.c.person_id == person_id, s.keys.c.revoked_at.is_(None))
                                .values(revoked_at=now())).rowcount
            key = self._insert_key(c, person_id, server_secret, days)
            self._audit(c, who, "reissue_key", cluster_id=cluster_id, subject_kind="person", subject_id=person_id,
                        details={"keys_revoked": revoked, "new_key_id": split_key(key)[0]})
        return key

    def keys_of(self, who: Identity, person_id: int) -> list[KeyInfo]:
        """A person's keys, newest first."""
        with reading(self.engine, who) as c:
            require(who, "manage", cluster_id=self._cluster_of_person(person_id, c))
            rows = c.execute(select(s.keys).where(s.keys.c.person_id == person_id)
                             .order_by(s.keys.c.created_at.desc())).mappings()
            return [KeyInfo(r["id"], r["person_id"], r["created_at"], r["expires_at"], r["revoked_at"])
                    for r in rows]
