"""Invitations, their delivery and acceptance, registering an organisation, and requests to join one.

An invitation makes the invitee's person row at once (their name and e-mail live there only, so
erasing the person leaves the invitation with an id and nothing else): an ``invitee`` without an
organisation, who may only register one or ask to join one, or, for a colleague or a board
member, a participant of the inviter's own organisation. The invitation records who invited
whom, why (the relation), in which language, and how its mail went (``delivery``: link, queued,
sent, failed or bounced, with the attempts, the last error and the reminders sent); the
invitee's first sign-in sets ``accepted_at`` (:func:`accept_invitation`, called by
:meth:`~klynge.store.keys.KeysMixin.open_session` in the same transaction).

An address already in the network, or an organisation number already registered (also when two
registrations race), is an :class:`~klynge.errors.AlreadyRegistered` naming whose it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..errors import AccessDenied, AlreadyRegistered, NotFound, ValidationError
from ..model import InvitationRequest, Organisation
from ..model.invitation import COLLEAGUES, POSITIONS
from ..validation import validate
from . import schema as s
from .access import Identity, require
from .directory import _org_row
from .engine import reading, writing
from .live import aware
from .records import now

__all__ = ["DELIVERIES", "InvitationsMixin", "StoredInvitation", "StoredJoinRequest", "accept_invitation"]

#: How an invitation's mail went: shown as a link to copy, waiting, sent, failed (kept, tried again),
#: or bounced (the mail server refused the address).
DELIVERIES = ("link", "queued", "sent", "failed", "bounced")

_inviter = aliased(s.people)
_invitee = s.people


@dataclass(frozen=True)
class StoredInvitation:
    """An invitation with its invitee, its inviter and how its mail went."""

    id: int
    person_id: int
    name: str
    email: str
    relation: str
    lang: str
    note: str
    inviter_id: int | None
    inviter_name: str
    inviter_organisation_id: int | None
    #: The invitee's organisation now (after registration or an approved request to join).
    organisation_id: int | None
    created_at: datetime
    delivery: str
    sent_at: datetime | None
    reminders: tuple[datetime, ...]
    next_reminder_at: datetime | None
    attempts: int
    last_error: str
    accepted_at: datetime | None
    #: The key of the latest link sent (its id only); an earlier one is revoked when a new one is sent.
    key_id: str | None = None
    cluster_id: int | None = None


@dataclass(frozen=True)
class StoredJoinRequest:
    """A request of an invitee to join an organisation already in the network, and its decision."""

    id: int
    person_id: int
    name: str
    email: str
    organisation_id: int
    organisation_name: str
    position: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: int | None
    approved: bool | None


def _when(moment):
    return aware(moment) if moment is not None else None


_QUERY = (
    select(s.invitations, _invitee.c.name.label("invitee_name"), _invitee.c.email.label("invitee_email"),
           _invitee.c.organisation_id.label("invitee_organisation_id"), _inviter.c.name.label("inviter_name"))
    .join(_invitee, _invitee.c.id == s.invitations.c.person_id)
    .outerjoin(_inviter, _inviter.c.id == s.invitations.c.inviter_id)
)


def _stored(row) -> StoredInvitation:
    inviter = "the system" if row["inviter_id"] is None else (row["inviter_name"] or f"person {row['inviter_id']}")
    return StoredInvitation(
        id=row["id"], person_id=row["person_id"], name=row["invitee_name"] or "", email=row["invitee_email"] or "",
        relation=row["relation"], lang=row["lang"], note=row["note"] or "", inviter_id=row["inviter_id"],
        inviter_name=inviter, inviter_organisation_id=row["inviter_organisation_id"],
        organisation_id=row["invitee_organisation_id"], created_at=_when(row["created_at"]),
        delivery=row["delivery"], sent_at=_when(row["sent_at"]),
        reminders=tuple(datetime.fromisoformat(r) for r in row["reminders"] or ()),
        next_reminder_at=_when(row["next_reminder_at"]), attempts=row["attempts"] or 0,
        last_error=row["last_error"] or "", accepted_at=_when(row["accepted_at"]), key_id=row["key_id"],
        cluster_id=row["cluster_id"])


def _due(moment: datetime):
    """The condition of an invitation to mail at ``moment``: not accepted, and its reminder due, or its mail
    failed or never tried; in either case not claimed by a sender until after ``moment``."""
    i = s.invitations
    free = or_(i.c.next_reminder_at.is_(None), i.c.next_reminder_at <= moment)
    return and_(i.c.accepted_at.is_(None), free, or_(
        and_(i.c.delivery == "sent", i.c.next_reminder_at.is_not(None)),
        i.c.delivery.in_(("failed", "queued")),
    ))


def accept_invitation(c: Connection, person_id: int | None) -> None:
    """Mark the invitation of ``person_id`` accepted, in ``c``'s transaction; no more reminders follow."""
    if person_id is None:
        return
    c.execute(update(s.invitations)
              .where(s.invitations.c.person_id == person_id, s.invitations.c.accepted_at.is_(None))
              .values(accepted_at=now(), next_reminder_at=None))


class InvitationsMixin:
    """Invite people, record how their mail went, and let invitees register or join an organisation."""

    # -- invitations ----------------------------------------------------------------------------------------
    def create_invitation(self, who: Identity, request: InvitationRequest, *, cluster_id: int | None = None,
                          held_until: datetime | None = None) -> StoredInvitation:
        """Invite a person into the caller's cluster (the system identity names one with ``cluster_id``).

        Makes the invitee's person row: an ``invitee`` without an organisation, or for a colleague
        or board member a participant of ``request.organisation_id`` (the inviter's own organisation,
        for a participant) with that position. The delivery starts as ``queued``; with ``held_until`` the
        invitation is its maker's to send until then (no reminder pass mails it meanwhile).

        Raises
        ------
        AlreadyRegistered
            The address is already someone's in the network; the error names them and their organisation.
        AccessDenied
            The caller may not invite, or not for that organisation.
        """
        cid = cluster_id if cluster_id is not None else who.cluster_id
        if cid is None:
            raise AccessDenied("that is not scoped to a cluster: name the cluster")
        inviter_org = who.organisation_id if who.role == "participant" else None
        require(who, "invite", organisation_id=request.organisation_id or inviter_org, cluster_id=cid)
        moment = now()
        try:
            with writing(self.engine, who) as c:
                self._check_new_address(c, request.email)
                if request.organisation_id is not None:
                    self._organisation_in(c, request.organisation_id, cid)
                role = "participant" if request.relation in COLLEAGUES else "invitee"
                pid = c.execute(insert(s.people).values(
                    cluster_id=cid, organisation_id=request.organisation_id, name=request.name,
                    email=request.email, role=role, created_at=moment, position=request.position,
                )).inserted_primary_key[0]
                made = self._new_invitation(
                    c, cluster_id=cid, person_id=pid, inviter_id=who.person_id, inviter_organisation_id=inviter_org,
                    organisation_id=request.organisation_id, relation=request.relation, note=request.note,
                    lang=request.lang, next_reminder_at=held_until)
                self._audit(c, who, "invite", cluster_id=cid, subject_kind="person", subject_id=pid,
                            details={"relation": request.relation, "role": role,
                                     "organisation_id": request.organisation_id})
                return made
        except IntegrityError:
            # the same address invited by someone else at the same moment: the unique e-mail caught it
            with reading(self.engine) as c:
                self._check_new_address(c, request.email)
            raise

    def invite_member(self, who: Identity, person_id: int, *, relation: str = "other", lang: str = "nb",
                      held_until: datetime | None = None) -> StoredInvitation:
        """An invitation for a person already registered (a member from the facilitator's spreadsheet), so
        their sign-in link can be mailed and followed like any other; the cluster's team invites them.
        ``held_until`` as for :meth:`create_invitation`.

        Raises
        ------
        ValidationError
            The person was invited already (send that invitation again instead).
        """
        with writing(self.engine, who) as c:
            person = c.execute(select(s.people).where(s.people.c.id == person_id,
                                                      s.people.c.erased_at.is_(None))).mappings().first()
            if person is None:
                raise NotFound(f"no person with id {person_id}")
            require(who, "manage", cluster_id=person["cluster_id"])
            if c.execute(select(s.invitations.c.id).where(s.invitations.c.person_id == person_id)).first():
                raise ValidationError([("email", f"{person['email']} was invited already; send it again")])
            return self._new_invitation(
                c, cluster_id=person["cluster_id"], person_id=person_id, inviter_id=who.person_id,
                inviter_organisation_id=None, organisation_id=person["organisation_id"], relation=relation, note="",
                lang=lang, next_reminder_at=held_until)

    def load_invitations(self, who: Identity, cluster_id: int, rows: Sequence[Mapping]) -> list[int]:
        """Write invitations as they happened (the demo's history), in one transaction; for the system.

        Each row holds the columns of an invitation (times included) and either ``person_id``, a person
        already registered, or ``person`` (name and e-mail), a new invitee made with it. The inviter's
        organisation is the inviter's own. Returns the invitations' ids, in the order of ``rows``.
        """
        require(who, "admin")
        ids = []
        with writing(self.engine, who) as c:
            for row in rows:
                values = dict(row)
                new = values.pop("person", None)
                if new is not None:
                    self._check_new_address(c, new["email"])
                    values["person_id"] = c.execute(insert(s.people).values(
                        cluster_id=cluster_id, name=new["name"], email=new["email"], role="invitee",
                        created_at=values["created_at"])).inserted_primary_key[0]
                inviter = values.get("inviter_id")
                values["inviter_organisation_id"] = inviter and c.execute(
                    select(s.people.c.organisation_id).where(s.people.c.id == inviter)).scalar()
                values["reminders"] = [r.isoformat() for r in values.get("reminders", ())]
                ids.append(c.execute(insert(s.invitations).values(cluster_id=cluster_id, **values))
                           .inserted_primary_key[0])
        return ids

    def invitations(self, who: Identity, *, organisation_id: int | None = None) -> list[StoredInvitation]:
        """Invitations of the caller's cluster, oldest first: all for a facilitator (or those ``organisation_id``
        made), those their own organisation made for a participant."""
        if who.role == "participant":
            if organisation_id not in (None, who.organisation_id):
                raise AccessDenied("you can read only the invitations your own organisation made")
            organisation_id = who.organisation_id
        require(who, "invite", organisation_id=organisation_id, cluster_id=who.cluster_id)
        with reading(self.engine, who) as c:
            q = _QUERY.order_by(s.invitations.c.created_at, s.invitations.c.id)
            if who.cluster_id is not None:
                q = q.where(s.invitations.c.cluster_id == who.cluster_id)
            if organisation_id is not None:
                q = q.where(s.invitations.c.inviter_organisation_id == organisation_id)
            return [_stored(r) for r in c.execute(q).mappings()]

    def invitation(self, who: Identity, invitation_id: int) -> StoredInvitation:
        """One invitation, for a facilitator of its cluster or a participant of the organisation that made it."""
        with reading(self.engine, who) as c:
            found = self._invitation_row(c, invitation_id)
        self._require_invitation(who, found)
        return found

    def invitation_of(self, who: Identity, person_id: int) -> StoredInvitation:
        """The (latest) invitation of a person, for who may read it.

        Raises
        ------
        NotFound
            The person was not invited (a member registered from the command line, say).
        """
        with reading(self.engine, who) as c:
            iid = c.execute(select(s.invitations.c.id).where(s.invitations.c.person_id == person_id)
                            .order_by(s.invitations.c.id.desc())).scalar()
            if iid is None:
                raise NotFound(f"person {person_id} was not invited")
            found = self._invitation_row(c, iid)
        self._require_invitation(who, found)
        return found

    def invitation_key(self, who: Identity, invitation_id: int, server_secret: bytes, days: int = 120) -> str:
        """A new sign-in key for an invitation's invitee, for who may send the invitation.

        The key is recorded (its id) with the delivery by :meth:`record_delivery`, which revokes the
        invitation's earlier key.
        """
        with writing(self.engine, who) as c:
            found = self._invitation_row(c, invitation_id)
            self._require_invitation(who, found)
            return self._insert_key(c, found.person_id, server_secret, days)

    def record_delivery(self, who: Identity, invitation_id: int, *, delivery: str, error: str = "",
                        key_id: str | None = None, reminder: bool = False, next_reminder_at: datetime | None = None,
                        at: datetime | None = None) -> StoredInvitation:
        """Record how an invitation's mail (or its reminder) went, at ``at`` (now by default).

        ``sent`` sets ``sent_at`` on the first send, or adds a reminder with ``reminder``; ``failed`` and
        ``bounced`` keep ``error`` (in plain words, never a password) for the facilitator. A mail tried
        counts as an attempt; a ``link`` (no mail server) does not. A new ``key_id`` revokes the
        invitation's earlier key, so only the latest link signs in.
        """
        if delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {', '.join(DELIVERIES)}, got {delivery!r}")
        moment = at or now()
        with writing(self.engine, who) as c:
            row = c.execute(select(s.invitations).where(s.invitations.c.id == invitation_id)
                            .with_for_update()).mappings().first()
            if row is None:
                raise NotFound(f"no invitation with id {invitation_id}")
            self._require_invitation(who, self._invitation_row(c, invitation_id))
            values = {"delivery": delivery, "last_error": error if delivery in ("failed", "bounced") else "",
                      "next_reminder_at": next_reminder_at}
            if delivery != "link":
                values.update(attempts=(row["attempts"] or 0) + 1, last_attempt_at=moment)
            if delivery == "sent" and reminder:
                values["reminders"] = [*(row["reminders"] or []), moment.isoformat()]
            elif delivery == "sent" and row["sent_at"] is None:
                values["sent_at"] = moment
            if key_id is not None and key_id != row["key_id"]:
                values["key_id"] = key_id
                if row["key_id"] is not None:
                    c.execute(update(s.keys).where(s.keys.c.id == row["key_id"], s.keys.c.revoked_at.is_(None))
                              .values(revoked_at=now()))
            c.execute(update(s.invitations).where(s.invitations.c.id == invitation_id).values(**values))
            return self._invitation_row(c, invitation_id)

    def due_reminders(self, who: Identity, moment: datetime) -> list[StoredInvitation]:
        """Invitations not accepted whose reminder is due at ``moment``, and those whose mail failed or was
        never tried (to try again), oldest first; of the caller's cluster, or of every cluster for the system
        identity. One claimed by a sender (:meth:`claim_reminder`) is not due until its claim runs out."""
        cid = who.cluster_id
        require(who, "invite", organisation_id=who.organisation_id, cluster_id=cid)
        i = s.invitations
        with reading(self.engine, who) as c:
            q = _QUERY.where(_invitee.c.erased_at.is_(None), _due(moment)).order_by(i.c.created_at, i.c.id)
            if cid is not None:
                q = q.where(i.c.cluster_id == cid)
            if who.role == "participant":
                q = q.where(i.c.inviter_organisation_id == who.organisation_id)
            return [_stored(r) for r in c.execute(q).mappings()]

    def claim_reminder(self, who: Identity, invitation_id: int, moment: datetime,
                       until: datetime) -> StoredInvitation | None:
        """Claim an invitation due at ``moment`` for one sender, until ``until``; None when it is no longer due.

        The claim is one transaction that locks the invitation's row and moves its ``next_reminder_at`` to
        ``until`` only if it is still due (a conditional update): of two senders that race (two servers, or a
        server and ``klynge invite remind``), one gets the invitation and the other None, so no mail goes out
        twice. The sender then records the delivery (:meth:`record_delivery`), which sets the real next
        reminder; if it never does (it stopped mid-send), the invitation is due again at ``until``.

        Returns the invitation as it was before the claim (its ``next_reminder_at`` the due one).
        """
        i = s.invitations
        with writing(self.engine, who) as c:
            c.execute(select(i.c.id).where(i.c.id == invitation_id).with_for_update())
            found = self._invitation_row(c, invitation_id)
            self._require_invitation(who, found)
            if not found.email:  # erased since it was found due
                return None
            claimed = c.execute(update(i).where(i.c.id == invitation_id, _due(moment))
                                .values(next_reminder_at=until))
            return found if claimed.rowcount == 1 else None

    # -- registration -----------------------------------------------------------------------------------------
    def register_organisation(self, who: Identity, org: Organisation, position: str = "staff") -> int:
        """An invitee registers their organisation in their cluster and becomes its participant (staff or board).

        Raises
        ------
        AlreadyRegistered
            The organisation number is registered already (also when another registration of it
            won a race); the error names that organisation.
        ValidationError
            The caller is no longer an invitee (they registered or joined already).
        """
        if position not in POSITIONS:
            raise ValidationError([("position", f"must be one of {', '.join(POSITIONS)}, got {position!r}")])
        require(who, "register", cluster_id=who.cluster_id)
        org = validate(Organisation, org.model_dump(exclude={"id"}), "en")  # the organisation number checked
        try:
            with writing(self.engine, who) as c:
                self._require_invitee(c, who)
                self._check_new_orgnr(c, org)
                oid = c.execute(insert(s.organisations).values(
                    cluster_id=who.cluster_id, version=1, updated_at=now(), updated_by=who.person_id,
                    **_org_row(org))).inserted_primary_key[0]
                self._set_memberships(c, oid, who.cluster_id, org.subclusters)
                c.execute(update(s.people).where(s.people.c.id == who.person_id)
                          .values(role="participant", organisation_id=oid, position=position))
                self._audit(c, who, "role_change", cluster_id=who.cluster_id, subject_kind="person",
                            subject_id=who.person_id, details={"from": "invitee", "to": "participant",
                                                               "organisation_id": oid, "why": "registered"})
                return oid
        except IntegrityError:
            # another registration of the same number committed between our check and our insert
            with reading(self.engine) as c:
                self._check_new_orgnr(c, org)
            raise

    def request_join(self, who: Identity, organisation_id: int, position: str = "staff") -> int:
        """An invitee asks to join an organisation of their cluster; returns the request's id.

        Asking again while a request waits returns that request.
        """
        if position not in POSITIONS:
            raise ValidationError([("position", f"must be one of {', '.join(POSITIONS)}, got {position!r}")])
        require(who, "register", cluster_id=who.cluster_id)
        with writing(self.engine, who) as c:
            self._require_invitee(c, who)
            self._organisation_in(c, organisation_id, who.cluster_id)
            j = s.join_requests
            waiting = c.execute(select(j.c.id).where(j.c.person_id == who.person_id, j.c.organisation_id ==
                                                     organisation_id, j.c.decided_at.is_(None))).scalar()
            if waiting is not None:
                return waiting
            return c.execute(insert(j).values(person_id=who.person_id, organisation_id=organisation_id,
                                              position=position, created_at=now())).inserted_primary_key[0]

    def join_requests(self, who: Identity, *, organisation_id: int | None = None) -> list[StoredJoinRequest]:
        """Requests to join, oldest first: an invitee's own; those to a participant's organisation; all of
        the cluster (or of ``organisation_id``) for a facilitator."""
        j, o = s.join_requests, s.organisations
        q = (select(j, s.people.c.name, s.people.c.email, o.c.name.label("organisation_name"))
             .join(s.people, s.people.c.id == j.c.person_id).join(o, o.c.id == j.c.organisation_id)
             .order_by(j.c.created_at, j.c.id))
        if who.role == "invitee":
            require(who, "register", cluster_id=who.cluster_id)
            q = q.where(j.c.person_id == who.person_id)
        else:
            if who.role == "participant":
                if organisation_id not in (None, who.organisation_id):
                    raise AccessDenied("you can read only the requests to join your own organisation")
                organisation_id = who.organisation_id
            require(who, "invite", organisation_id=organisation_id, cluster_id=who.cluster_id)
        if organisation_id is not None:
            q = q.where(j.c.organisation_id == organisation_id)
        if who.cluster_id is not None:
            q = q.where(o.c.cluster_id == who.cluster_id)
        with reading(self.engine, who) as c:
            return [StoredJoinRequest(
                id=r["id"], person_id=r["person_id"], name=r["name"] or "", email=r["email"] or "",
                organisation_id=r["organisation_id"], organisation_name=r["organisation_name"],
                position=r["position"], created_at=_when(r["created_at"]), decided_at=_when(r["decided_at"]),
                decided_by=r["decided_by"], approved=r["approved"]) for r in c.execute(q).mappings()]

    def decide_join(self, who: Identity, request_id: int, approve: bool) -> None:
        """Approve or decline a request to join: for a participant of that organisation or a facilitator.

        Approving makes the invitee a participant of the organisation, with the position asked for.

        Raises
        ------
        ValidationError
            The request was decided already, or the invitee has since registered or joined elsewhere.
        """
        j = s.join_requests
        with writing(self.engine, who) as c:
            row = c.execute(select(j, s.organisations.c.cluster_id)
                            .join(s.organisations, s.organisations.c.id == j.c.organisation_id)
                            .where(j.c.id == request_id).with_for_update()).mappings().first()
            if row is None:
                raise NotFound(f"no request to join with id {request_id}")
            require(who, "invite", organisation_id=row["organisation_id"], cluster_id=row["cluster_id"])
            if row["decided_at"] is not None:
                verb = "approved" if row["approved"] else "declined"
                raise ValidationError([("", f"that request was {verb} already")])
            person = c.execute(select(s.people.c.role, s.people.c.erased_at)
                               .where(s.people.c.id == row["person_id"])).mappings().one()
            if approve and (person["role"] != "invitee" or person["erased_at"] is not None):
                raise ValidationError([("", "that person has registered or joined an organisation since")])
            c.execute(update(j).where(j.c.id == request_id)
                      .values(decided_at=now(), decided_by=who.person_id, approved=approve))
            if approve:
                c.execute(update(s.people).where(s.people.c.id == row["person_id"]).values(
                    role="participant", organisation_id=row["organisation_id"], position=row["position"]))
                self._audit(c, who, "role_change", cluster_id=row["cluster_id"], subject_kind="person",
                            subject_id=row["person_id"], details={"from": "invitee", "to": "participant",
                                                                  "organisation_id": row["organisation_id"],
                                                                  "why": "join approved"})

    # -- helpers --------------------------------------------------------------------------------------------
    def _new_invitation(self, c: Connection, **values) -> StoredInvitation:
        """A new invitation (queued, nothing sent yet) of the values given, in ``c``'s transaction."""
        iid = c.execute(insert(s.invitations).values(created_at=now(), delivery="queued", reminders=[], attempts=0,
                                                     last_error="", **values)).inserted_primary_key[0]
        return self._invitation_row(c, iid)

    def _invitation_row(self, c: Connection, invitation_id: int) -> StoredInvitation:
        row = c.execute(_QUERY.where(s.invitations.c.id == invitation_id)).mappings().first()
        if row is None:
            raise NotFound(f"no invitation with id {invitation_id}")
        return _stored(row)

    @staticmethod
    def _require_invitation(who: Identity, found: StoredInvitation) -> None:
        """A facilitator of the invitation's cluster, or a participant of the organisation that made it."""
        org = found.inviter_organisation_id if who.role == "participant" else None
        if who.role == "participant" and org is None:
            raise AccessDenied("that invitation was made by the cluster's facilitators")
        require(who, "invite", organisation_id=org, cluster_id=found.cluster_id)

    @staticmethod
    def _require_invitee(c: Connection, who: Identity) -> None:
        role = c.execute(select(s.people.c.role).where(s.people.c.id == who.person_id)).scalar()
        if role != "invitee":
            raise ValidationError([("", "you belong to an organisation already; sign in again to open it")])

    @staticmethod
    def _organisation_in(c: Connection, organisation_id: int, cluster_id: int) -> None:
        cid = c.execute(select(s.organisations.c.cluster_id).where(s.organisations.c.id == organisation_id)).scalar()
        if cid is None or cid != cluster_id:
            raise NotFound(f"no organisation with id {organisation_id} in this cluster")

    @staticmethod
    def _check_new_address(c: Connection, email: str) -> None:
        p, o = s.people, s.organisations
        row = c.execute(select(p.c.id, p.c.name, o.c.name.label("organisation"))
                        .outerjoin(o, o.c.id == p.c.organisation_id).where(p.c.email == email)).mappings().first()
        if row is not None:
            at = f" of {row['organisation']}" if row["organisation"] else ""
            raise AlreadyRegistered("email", f"{email} is already in the network: {row['name']}{at}", value=email,
                                    existing_id=row["id"], existing=row["name"] or "",
                                    organisation=row["organisation"] or "")

    @staticmethod
    def _check_new_orgnr(c: Connection, org: Organisation) -> None:
        o = s.organisations
        row = c.execute(select(o.c.id, o.c.name).where(o.c.country == org.country, o.c.orgnr == org.orgnr)).first()
        if row is not None:
            raise AlreadyRegistered("orgnr", f"{org.orgnr} is already registered for {row.name}; ask to join it",
                                    value=org.orgnr, existing_id=row.id, existing=row.name, organisation=row.name)

