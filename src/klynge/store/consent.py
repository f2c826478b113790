"""Consent to research use of an organisation's shared notes, recorded per organisation.

A participant consents, or withdraws consent, for their own organisation; a facilitator reads it.
Every decision is a new row of ``research_consents`` (who, when, yes or no) and the newest one is
in force, so a withdrawal loses nothing of what was decided before. Without any row an
organisation has not consented: the research views then hold none of its free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from ..errors import NotFound
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .records import now

__all__ = ["ConsentMixin", "StoredConsent"]


@dataclass(frozen=True)
class StoredConsent:
    """One decision on research use: whether the organisation consented, who said so and when."""

    organisation_id: int
    consented: bool
    given_at: datetime
    given_by: int | None
    given_by_name: str


class ConsentMixin:
    """Record and read the organisations' consent to research use of their shared notes."""

    def set_research_consent(self, who: Identity, organisation_id: int, consented: bool) -> StoredConsent:
        """Record that ``organisation_id`` consents (or no longer consents); the earlier decisions stay."""
        with writing(self.engine, who) as c:
            self._consent_cluster(c, who, organisation_id, "research_consent")
            c.execute(insert(s.research_consents).values(organisation_id=organisation_id, consented=bool(consented),
                                                         given_by=who.person_id, given_at=now()))
            return self._consent_history(c, organisation_id)[-1]

    def research_consent(self, who: Identity, organisation_id: int) -> StoredConsent | None:
        """The decision in force for ``organisation_id``, or None when it never decided (no consent)."""
        with reading(self.engine, who) as c:
            self._consent_cluster(c, who, organisation_id, "read_research_consent")
            history = self._consent_history(c, organisation_id)
        return history[-1] if history else None

    def research_consent_history(self, who: Identity, organisation_id: int) -> list[StoredConsent]:
        """Every decision of ``organisation_id`` on research use, oldest first."""
        with reading(self.engine, who) as c:
            self._consent_cluster(c, who, organisation_id, "read_research_consent")
            return self._consent_history(c, organisation_id)

    def _consent_cluster(self, c: Connection, who: Identity, organisation_id: int, action: str) -> None:
        cluster_id = c.execute(select(s.organisations.c.cluster_id)
                               .where(s.organisations.c.id == organisation_id)).scalar()
        if cluster_id is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, action, organisation_id=organisation_id, cluster_id=cluster_id)

    def _consent_history(self, c: Connection, organisation_id: int) -> list[StoredConsent]:
        rc = s.research_consents
        rows = c.execute(select(rc).where(rc.c.organisation_id == organisation_id).order_by(rc.c.id)).mappings()
        return [StoredConsent(organisation_id=r["organisation_id"], consented=r["consented"], given_at=r["given_at"],
                              given_by=r["given_by"], given_by_name=self._name(c, r["given_by"])) for r in rows]


def consenting(c: Connection, organisation_ids: list[int]) -> set[int]:
    """Of ``organisation_ids``, those whose decision in force is consent (no access check: the caller did it)."""
    rc = s.research_consents
    latest = (select(rc.c.organisation_id, func.max(rc.c.id).label("id"))
              .where(rc.c.organisation_id.in_(organisation_ids)).group_by(rc.c.organisation_id).subquery())
    return set(c.execute(select(rc.c.organisation_id).join(latest, latest.c.id == rc.c.id)
                         .where(rc.c.consented.is_(True))).scalars())
