"""Sign-in keys: a key id plus a secret, kept only as an HMAC with the server secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta

from sqlalchemy import select, update

from ..errors import KeyRejected, NotFound
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
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
        require(who, "manage", cluster_id=self._cluster_of_person(person_id))
        key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(24)
        moment = now()
        with writing(self.engine) as c:
            erased = c.execute(select(s.people.c.erased_at).where(s.people.c.id == person_id)).scalar()
            if erased is not None:
                raise NotFound(f"person {person_id} has been erased")
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
        key_id, secret = split_key(key)
        return self._live_key(key_id, lambda digest: hmac.compare_digest(
            digest, _digest(server_secret, key_id, secret)), touch=True)

    def session_identity(self, key_id: str) -> Identity:
        """The identity of a signed-in session, whose cookie names the key it was opened with.

        The key must still be live: revoking it (or erasing the person) ends their sessions.
        """
        return self._live_key(key_id, lambda digest: True)

    def _live_key(self, key_id: str, matches, touch: bool = False) -> Identity:
        with reading(self.engine) as c:
            row = c.execute(
                select(s.keys, s.people.c.role, s.people.c.organisation_id, s.people.c.cluster_id,
                       s.people.c.name, s.people.c.erased_at)
                .join(s.people, s.people.c.id == s.keys.c.person_id)
                .where(s.keys.c.id == key_id)
            ).mappings().first()
        if row is None:
            raise KeyRejected("unknown")
        if not matches(row["digest"]):
            raise KeyRejected("wrong")
        if row["revoked_at"] is not None:
            raise KeyRejected("revoked")
        if row["erased_at"] is not None:
            raise KeyRejected("erased")
        if _aware(row["expires_at"]) <= now():
            raise KeyRejected("expired")
        if touch:
            with writing(self.engine) as c:
                c.execute(update(s.keys).where(s.keys.c.id == key_id).values(last_used_at=now()))
        return Identity(person_id=row["person_id"], role=row["role"],
                        organisation_id=row["organisation_id"], cluster_id=row["cluster_id"],
                        name=row["name"] or "")

    def revoke_key(self, who: Identity, key_id: str) -> None:
        """Revoke one key by its id (the part before the dot)."""
        with writing(self.engine) as c:
            person_id = c.execute(select(s.keys.c.person_id).where(s.keys.c.id == key_id)).scalar()
            if person_id is None:
                raise NotFound(f"no key with id {key_id}")
            require(who, "manage", cluster_id=self._cluster_of_person(person_id, c))
            c.execute(update(s.keys).where(s.keys.c.id == key_id, s.keys.c.revoked_at.is_(None))
                      .values(revoked_at=now()))

    def reissue_key(self, who: Identity, person_id: int, server_secret: bytes, days: int = 120) -> str:
        """Revoke every live key of a person and issue a new one."""
        require(who, "manage", cluster_id=self._cluster_of_person(person_id))
        with writing(self.engine) as c:
            c.execute(update(s.keys).where(s.keys.c.person_id == person_id, s.keys.c.revoked_at.is_(None))
                      .values(revoked_at=now()))
        return self.issue_key(who, person_id, server_secret, days)

    def keys_of(self, who: Identity, person_id: int) -> list[KeyInfo]:
        """A person's keys, newest first."""
        require(who, "manage", cluster_id=self._cluster_of_person(person_id))
        with reading(self.engine) as c:
            rows = c.execute(select(s.keys).where(s.keys.c.person_id == person_id)
                             .order_by(s.keys.c.created_at.desc())).mappings()
            return [KeyInfo(r["id"], r["person_id"], r["created_at"], r["expires_at"], r["revoked_at"])
                    for r in rows]


def _aware(moment):
    """SQLite returns naive datetimes for what was stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
