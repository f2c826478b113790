"""What the mobilisation funnel reads: who was invited by whom, who signed in, registered and works.

Read-only, for a facilitator. Three queries for the whole cluster, whatever its size: the
people (each with their latest invitation, their inviter and their first sign-in), the
organisations, and the activity signals of the organisations. A profile counts only after its
first edit, as in :meth:`klynge.store.activity.ActivityMixin.last_activity`: registering an
organisation is the facilitator's act, not the member's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all

from . import schema as s
from .access import Identity, scope
from .activity import _aware
from .engine import reading

__all__ = ["SIGNALS", "FunnelData", "FunnelMixin", "FunnelOrganisation", "FunnelPerson"]

#: The activity signals of an organisation, in the order pages list them.
SIGNALS = ("profile", "canvas", "sdg", "package")


@dataclass(frozen=True)
class FunnelPerson:
    """A person of the cluster as the funnel sees them.

    ``invited_at`` is their latest invitation's time, or None when they were registered without
    one (by a facilitator or a loader); ``accepted_at`` their first sign-in.
    """

    person_id: int
    name: str
    role: str
    organisation_id: int | None
    created_at: datetime
    invitation_id: int | None = None
    invited_at: datetime | None = None
    inviter_id: int | None = None
    inviter_name: str = ""
    inviter_organisation_id: int | None = None
    relation: str = ""
    delivery: str = ""
    reminders: tuple[datetime, ...] = ()
    accepted_at: datetime | None = None

    @property
    def registered(self) -> bool:
        """Whether the person belongs to an organisation."""
        return self.organisation_id is not None


@dataclass(frozen=True)
class FunnelOrganisation:
    """An organisation of the cluster: its kind and place, its activity signals and its last change."""

    id: int
    name: str
    kind: str
    municipality: str
    country: str
    signals: frozenset[str] = frozenset()
    last_change: datetime | None = None


@dataclass(frozen=True)
class FunnelData:
    """Everything the funnel analysis needs, read at one moment."""

    people: tuple[FunnelPerson, ...]
    organisations: tuple[FunnelOrganisation, ...]


class FunnelMixin:
    """The funnel's data for a facilitator (:func:`~klynge.store.access.scope` ``"funnel"``)."""

    def funnel_data(self, who: Identity) -> FunnelData:
        """The people (not erased) and organisations of the caller's cluster, with invitations and activity.

        Raises
        ------
        AccessDenied
            The caller is not a facilitator of a cluster (or the system identity).
        """
        cluster_id = scope(who, "funnel")
        with reading(self.engine, who) as c:
            people = [self._funnel_person(row) for row in c.execute(_people_query(cluster_id))]
            signals: dict[int, dict[str, datetime]] = {}
            for oid, signal, at in c.execute(_signals_query(cluster_id)):
                if at is not None:
                    signals.setdefault(oid, {})[signal] = _aware(at)
            org = s.organisations
            q = select(org.c.id, org.c.name, org.c.kind, org.c.municipality, org.c.country).order_by(org.c.id)
            if cluster_id is not None:
                q = q.where(org.c.cluster_id == cluster_id)
            orgs = [FunnelOrganisation(oid, name, kind, municipality, country, frozenset(signals.get(oid, {})),
                                       max(signals[oid].values()) if signals.get(oid) else None)
                    for oid, name, kind, municipality, country in c.execute(q)]
        return FunnelData(tuple(people), tuple(orgs))

    @staticmethod
    def _funnel_person(row) -> FunnelPerson:
        reminders = tuple(sorted(_aware(datetime.fromisoformat(r)) if isinstance(r, str) else _aware(r)
                                 for r in (row.reminders or ())))
        first = [m for m in (_aware(row.accepted_at), _aware(row.first_session), _aware(row.first_key_use)) if m]
        return FunnelPerson(row.id, row.name or "", row.role, row.organisation_id, _aware(row.created_at),
                            row.invitation_id, _aware(row.invited_at), row.inviter_id, row.inviter_name or "",
                            row.inviter_organisation_id, row.relation or "", row.delivery or "", reminders,
                            _aware(row.accepted_at) or (min(first) if first else None))


def _people_query(cluster_id: int | None):
    """The people with their latest invitation, its inviter and their first sign-in: one round trip."""
    p, inv, sess, keys = s.people, s.invitations, s.sessions, s.keys
    inviter = p.alias("inviter")
    latest = select(inv.c.person_id, func.max(inv.c.id).label("iid")).group_by(inv.c.person_id).subquery()
    first_session = (select(sess.c.person_id, func.min(sess.c.created_at).label("at"))
                     .group_by(sess.c.person_id).subquery())
    first_key = (select(keys.c.person_id, func.min(keys.c.last_used_at).label("at"))
                 .group_by(keys.c.person_id).subquery())
    q = (select(p.c.id, p.c.name, p.c.role, p.c.organisation_id, p.c.created_at,
                inv.c.id.label("invitation_id"), inv.c.created_at.label("invited_at"), inv.c.inviter_id,
                inviter.c.name.label("inviter_name"), inv.c.inviter_organisation_id, inv.c.relation,
                inv.c.delivery, inv.c.reminders, inv.c.accepted_at,
                first_session.c.at.label("first_session"), first_key.c.at.label("first_key_use"))
         .outerjoin(latest, latest.c.person_id == p.c.id)
         .outerjoin(inv, inv.c.id == latest.c.iid)
         .outerjoin(inviter, inviter.c.id == inv.c.inviter_id)
         .outerjoin(first_session, first_session.c.person_id == p.c.id)
         .outerjoin(first_key, first_key.c.person_id == p.c.id)
         .where(p.c.erased_at.is_(None)).order_by(p.c.id))
    return q.where(p.c.cluster_id == cluster_id) if cluster_id is not None else q


def _signals_query(cluster_id: int | None):
    """Per organisation and signal, the latest time it was saved: one round trip."""
    org, offers, docs, revs = s.organisations, s.offers, s.documents, s.revisions
    edited = select(org.c.id.label("oid"), literal("profile").label("signal"),
                    org.c.updated_at.label("at")).where(org.c.version > 1)
    offered = (select(offers.c.organisation_id.label("oid"), literal("profile").label("signal"),
                      func.max(func.coalesce(offers.c.removed_at, offers.c.updated_at)).label("at"))
               .group_by(offers.c.organisation_id))
    saved = (select(docs.c.organisation_id.label("oid"), docs.c.kind.label("signal"),
                    func.max(revs.c.saved_at).label("at"))
             .join(revs, revs.c.document_id == docs.c.id).where(docs.c.kind.in_(SIGNALS[1:]))
             .group_by(docs.c.organisation_id, docs.c.kind))
    moments = union_all(edited, offered, saved).subquery()
    q = (select(moments.c.oid, moments.c.signal, func.max(moments.c.at))
         .join(org, org.c.id == moments.c.oid).group_by(moments.c.oid, moments.c.signal))
    return q.where(org.c.cluster_id == cluster_id) if cluster_id is not None else q
