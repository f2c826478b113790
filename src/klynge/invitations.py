"""Sending invitations: the sign-in link by e-mail, its reminders, retries and the funnel's follow-up.

Each mail carries a new sign-in key; recording its delivery revokes the invitation's earlier key,
so only the latest link signs in. What happened is recorded on the invitation (see
:mod:`klynge.store.invitations`):

- ``sent``: the mail server took it; the next reminder is due after the cluster's reminder days
  (:func:`klynge.mail.next_reminder`, at most :data:`klynge.mail.MAX_REMINDERS`, none after the
  invitee signed in);
- ``failed``: the server could not be reached, refused the login, timed out ...; the invitation is
  kept, and :func:`resend` or the next :func:`send_reminders` pass tries again;
- ``bounced``: the server refused the address;
- ``link``: no mail server is set (``KLYNGE_SMTP_URL``): the link is returned to be copied.

Reminder passes may run at once (two ``klynge serve`` on one database, or a server and the cron job's
``klynge invite remind``): each invitation is claimed before its mail goes out
(:meth:`~klynge.store.invitations.InvitationsMixin.claim_reminder`, for :data:`CLAIM`), so only one
pass sends it. A new invitation is held for its maker for as long, so no pass mails it while its maker
sends it or shows its link.

A failure is returned as an :class:`Outcome` with the error in plain words and the link to copy,
never raised: the invitation exists either way. No password reaches a log, an outcome or the
database: :func:`klynge.mail.send` scrubs it from every error, and links are never logged.

:func:`load_demo_invitations` writes the demo's referral tree and open invitations (no mail is sent).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import pydantic
import yaml
from pydantic import Field, model_validator

from . import mail, resources
from .errors import AlreadyRegistered, DataError, MailError, NotFound, RecipientRefused, SettingsError, ValidationError
from .i18n import t
from .model import InvitationRequest
from .model.base import Model, Name, Text
from .model.invitation import COLLEAGUES, PARTNERS, RELATIONS
from .model.organisation import Email
from .operations import signin_link
from .settings import Settings
from .store import Identity, Store, StoredInvitation
from .store.records import now

__all__ = ["CLAIM", "Outcome", "SERVER_DOWN", "follow_up", "invite", "invite_members", "load_demo_invitations",
           "reminder_days", "resend", "send_reminders", "taken_message"]

log = logging.getLogger(__name__)

#: How long a sender holds an invitation it claimed (or made) before another pass may take it: far longer
#: than one mail takes, so that it runs out only for a sender that stopped mid-send.
CLAIM = timedelta(minutes=10)

NO_SERVER = "no mail server is set (KLYNGE_SMTP_URL): copy the sign-in link and send it yourself"
KEPT = ("the invitation is kept as not sent and is tried again by the next reminder pass (`klynge serve` or "
        "`klynge invite remind`) or Resend")

# Failures of the mail server itself, not of one address (by :attr:`MailError.category`): a run of
# reminders stops at the first, since every other mail would fail the same way; the rest stay due.
SERVER_DOWN = {"settings", "login_rejected", "connection_refused", "timed_out", "tls_failed"}


@dataclass(frozen=True)
class Outcome:
    """What became of one mail: the invitation as now recorded, the link when it must be copied, the error."""

    #: The invitation as recorded after this mail; None for a follow-up of a person who was never invited.
    invitation: StoredInvitation | None
    #: The sign-in link, when it must be shown to copy (no mail server, or sending failed).
    link: str | None
    #: What went wrong (or why the link must be copied), in plain words; never the password.
    error: str | None
    #: The kind of failure: a :attr:`klynge.errors.MailError.category`, ``settings`` (a mail server setting
    #: that cannot be used) or ``no_server``; None when the mail was sent.
    category: str | None = None

    @property
    def sent(self) -> bool:
        """Whether the mail server took the mail."""
        return self.error is None


def taken_message(error: AlreadyRegistered, lang: str) -> str:
    """An :class:`~klynge.errors.AlreadyRegistered` in a person's language, naming whose the address or number is."""
    if error.field == "orgnr":
        return t("invitation.taken.orgnr", lang, orgnr=error.value, organisation=error.existing)
    if error.organisation:
        return t("invitation.taken.email_at", lang, email=error.value, person=error.existing,
                 organisation=error.organisation)
    return t("invitation.taken.email", lang, email=error.value, person=error.existing)


def reminder_days(store: Store, who: Identity) -> int:
    """Days before an invitation's reminder, from the cluster's mobilisation settings."""
    return store.mobilisation_settings(who).reminder_days


def invite(settings: Settings, store: Store, who: Identity, request: InvitationRequest, *,
           send: bool = True) -> Outcome:
    """Invite a person and send them the sign-in link (or, with ``send`` false, return it to copy).

    Raises
    ------
    AlreadyRegistered
        The address is already in the network (nothing is made).
    AccessDenied
        The caller may not invite, or not for that organisation.
    """
    cluster_id = store.cluster(who).id if who.is_system and who.cluster_id is None else None
    made = store.create_invitation(who, request, cluster_id=cluster_id, held_until=now() + CLAIM)
    if not send:
        key = store.invitation_key(who, made.id, settings.server_secret(), settings.key_days)
        recorded = store.record_delivery(who, made.id, delivery="link", key_id=key.partition(".")[0])
        return Outcome(recorded, signin_link(settings, key), None)
    return _send(settings, store, who, made, number=0)


def invite_members(settings: Settings, store: Store, who: Identity, person_ids, *,
                   lang: str | None = None) -> list[Outcome]:
    """Mail their sign-in link to people already registered (the members of a facilitator's spreadsheet).

    Each gets an invitation from the cluster's team in ``lang`` (the settings' language by default), so
    their mail is recorded, reminded and followed up like any other. A run stops at the first failure
    of the mail server itself; the invitations made stay queued, and the reminder passes (``klynge serve``,
    ``klynge invite remind``) send them once their hold (:data:`CLAIM`) has run out.
    """
    held = now() + CLAIM
    made = [store.invite_member(who, pid, lang=lang or settings.lang, held_until=held) for pid in person_ids]
    outcomes = []
    for found in made:
        outcomes.append(_send(settings, store, who, found, number=0))
        if outcomes[-1].category in SERVER_DOWN:
            break
    return outcomes


def resend(settings: Settings, store: Store, who: Identity, invitation_id: int) -> Outcome:
    """Send an invitation again: the first mail when none went out, else its next reminder.

    Raises
    ------
    ValidationError
        The invitee has signed in already, or both reminders were sent.
    """
    found = store.invitation(who, invitation_id)
    return _send(settings, store, who, found, number=_next_number(found))


def send_reminders(settings: Settings, store: Store, who: Identity, moment: datetime | None = None) -> list[Outcome]:
    """Send the reminders due at ``moment`` (now by default) and try again the mails that failed.

    For ``klynge serve``'s reminder passes and the command line's cron job (as the system identity: every
    cluster) or a facilitator. Each invitation is claimed before its mail goes out, so passes that run at
    once never send one twice. A run stops at the first failure of the mail server itself (login,
    connection, TLS): the rest stay due.

    Raises
    ------
    MailError
        No mail server is set, so nothing can be sent.
    """
    if mail.mail_server(settings) is None:
        raise MailError(f"{NO_SERVER}; no reminders were sent")
    moment = moment or now()
    outcomes = []
    for found in store.due_reminders(who, moment):
        if found.sent_at is not None and len(found.reminders) >= mail.MAX_REMINDERS:
            continue  # both reminders went out; the last one's retry is not a third
        found = store.claim_reminder(who, found.id, moment, moment + CLAIM)
        if found is None:
            continue  # another pass sends it, or it was accepted or erased meanwhile
        outcome = _send(settings, store, who, found, number=_next_number(found), moment=moment)
        outcomes.append(outcome)
        if outcome.category in SERVER_DOWN:
            break
    return outcomes


def follow_up(settings: Settings, store: Store, who: Identity, person_id: int) -> Outcome:
    """The funnel's one-click reminder for a person.

    Not signed in yet: the invitation's next reminder (or the invitation, when it never went out).
    Signed in: a short "your work in the cluster is waiting" mail with a fresh sign-in link, in the
    invitation's language (the settings' language for someone who was never invited).
    """
    try:
        found = store.invitation_of(who, person_id)
    except NotFound:
        found = None
    if found is not None and found.accepted_at is None:
        return resend(settings, store, who, found.id)
    secret = settings.server_secret()
    if found is not None:
        key = store.invitation_key(who, found.id, secret, settings.key_days)
        name, email, lang, cluster_id = found.name, found.email, found.lang, found.cluster_id
    else:
        person = store.person(who, person_id)
        key = store.issue_key(who, person_id, secret, settings.key_days)
        name, email, lang, cluster_id = person.name, person.email, settings.lang, who.cluster_id
    link = signin_link(settings, key)
    server = _server(settings)
    if isinstance(server, str):
        return Outcome(found, link, server, _category(server))
    cluster = store.cluster(who, cluster_id).name
    message = mail.follow_up_message(mail.Invite(
        email=email, name=name, link=link, inviter=t("mail.the_facilitators", lang),
        relation="other", cluster=cluster, lang=lang), server.sender)
    try:
        mail.send(message, server, timeout=mail.TIMEOUT)
    except MailError as error:
        return Outcome(found, link, str(error), error.category)
    log.info("follow-up of person %s sent", person_id)
    return Outcome(found, None, None)


# -- sending one mail -------------------------------------------------------------------------------------------


def _next_number(found: StoredInvitation) -> int:
    """0 for the invitation itself (no mail went out yet), else the number of the next reminder."""
    if found.accepted_at is not None:
        raise ValidationError([("", f"{found.name or 'the person'} has signed in already; no reminder is sent")])
    if found.sent_at is None:
        return 0
    if len(found.reminders) >= mail.MAX_REMINDERS:
        raise ValidationError([("", f"{found.name} has had {mail.MAX_REMINDERS} reminders already; "
                                    f"ask them in person")])
    return len(found.reminders) + 1


def _server(settings: Settings) -> mail.MailServer | str:
    """The mail server, or why there is none usable (no setting, or one that cannot be used)."""
    try:
        server = mail.mail_server(settings)
    except SettingsError as error:
        return str(error)
    return NO_SERVER if server is None else server


def _category(problem: str) -> str:
    return "no_server" if problem == NO_SERVER else "settings"


def _send(settings: Settings, store: Store, who: Identity, found: StoredInvitation, *, number: int,
          moment: datetime | None = None) -> Outcome:
    """Send invitation ``found`` (``number`` 0) or its reminder ``number`` with a new key; record how it went."""
    if not found.email:
        raise NotFound(f"invitation {found.id}: the person has been erased")
    key = store.invitation_key(who, found.id, settings.server_secret(), settings.key_days)
    key_id, link = key.partition(".")[0], signin_link(settings, key)
    server = _server(settings)
    if isinstance(server, str):
        delivery = "link" if server == NO_SERVER else "failed"
        recorded = store.record_delivery(who, found.id, delivery=delivery, error=server, key_id=key_id, at=moment)
        return Outcome(recorded, link, server if delivery == "link" else f"{server}; {KEPT}", _category(server))
    moment = moment or now()
    try:
        mail.send(_message(store, who, found, link, number, server.sender), server, timeout=mail.TIMEOUT)
    except RecipientRefused as error:
        recorded = store.record_delivery(who, found.id, delivery="bounced", error=str(error), key_id=key_id,
                                         at=moment)
        return Outcome(recorded, link, str(error), error.category)
    except MailError as error:
        # due again at once: the next pass (or Resend) tries it again
        recorded = store.record_delivery(who, found.id, delivery="failed", error=str(error), key_id=key_id,
                                         at=moment)
        return Outcome(recorded, link, f"{error}; {KEPT}", error.category)
    reminders = (*found.reminders, moment) if number else ()
    due = mail.next_reminder(found.sent_at or moment, reminder_days(store, who), reminders)
    recorded = store.record_delivery(who, found.id, delivery="sent", key_id=key_id, reminder=bool(number),
                                     next_reminder_at=due, at=moment)
    log.info("invitation %s %s", found.id, f"reminder {number} sent" if number else "sent")
    return Outcome(recorded, None, None)


def _message(store: Store, who: Identity, found: StoredInvitation, link: str, number: int, sender: str):
    cluster = store.cluster(who, found.cluster_id).name
    if found.inviter_id is None:
        inviter = t("mail.the_facilitators", found.lang)
    elif found.inviter_organisation_id is not None:
        organisation = store.organisation(who, found.inviter_organisation_id).value.name
        inviter = f"{found.inviter_name} ({organisation})"
    else:
        inviter = found.inviter_name
    return mail.invitation_message(mail.Invite(
        email=found.email, name=found.name, link=link, inviter=inviter, relation=found.relation, cluster=cluster,
        lang=found.lang, note=found.note, reminder=number, invited_on=found.sent_at), sender)



# -- the demo's invitations -------------------------------------------------------------------------------------


class _Invited(Model):
    """What the demo's rows share: who invited, why, in which language, and the days ago it happened."""

    by: Email
    relation: Literal[RELATIONS]
    lang: Literal["nb", "sv", "en"] = "nb"
    note: Text = ""
    days: int = Field(ge=0, le=3650)
    reminders: list[int] = Field(default_factory=list, max_length=mail.MAX_REMINDERS)

    @model_validator(mode="after")
    def _reminders_after_the_invitation(self):
        if any(r > self.days for r in self.reminders) or self.reminders != sorted(self.reminders, reverse=True):
            raise ValueError("reminders are days ago after the invitation, oldest first")
        return self


class _Referral(_Invited):
    invited: Email
    accepted: int = Field(ge=0)

    @model_validator(mode="after")
    def _accepted_after_the_reminders(self):
        if self.accepted > self.days or any(r < self.accepted for r in self.reminders):
            raise ValueError("accepted is days ago after the invitation and its reminders")
        return self


class _Open(_Invited):
    name: Name
    email: Email
    relation: Literal[PARTNERS]  # a colleague or board member joins at once: never open
    delivery: Literal["sent", "failed", "bounced"] = "sent"
    error: Text = ""


class _InvitationsFile(Model):
    referrals: list[_Referral] = Field(default_factory=list)
    open: list[_Open] = Field(default_factory=list)


def load_demo_invitations(store: Store, cluster_id: int, *, folder: Path | str | None = None,
                          moment: datetime | None = None) -> list[int]:
    """Write the demo's invitations (``invitations.yaml`` of the demo folder): who invited whom among the
    demo's people, and the invitations of new people still open. No mail is sent.

    Times in the file are days before ``moment`` (the load, by default). Returns the invitations' ids;
    none when the folder has no such file.

    Raises
    ------
    DataError
        The file is broken, or names someone who is not in the demo.
    """
    path = (Path(folder) if folder is not None else resources.path("data", "demo")) / "invitations.yaml"
    if not path.exists():
        return []
    try:
        data = _InvitationsFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from None
    except pydantic.ValidationError as exc:
        raise DataError(f"{path}: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                                 for e in exc.errors())) from None
    system, moment = Identity.system(), moment or now()
    people = {p.email: p for p in store.people(Identity(None, "system", cluster_id=cluster_id))}

    def ago(days: int) -> datetime:
        return moment - timedelta(days=days)

    def person(email: str, where: str):
        if email not in people:
            raise DataError(f"{path}: {where}: {email} is nobody in the demo")
        return people[email]

    rows = []
    for i, r in enumerate(data.referrals):
        invitee = person(r.invited, f"referrals[{i}].invited")
        rows.append(_row(r, person(r.by, f"referrals[{i}].by").id, ago, person_id=invitee.id, delivery="sent",
                         accepted_at=ago(r.accepted),
                         organisation_id=invitee.organisation_id if r.relation in COLLEAGUES else None))
    days = reminder_days(store, system)
    for i, o in enumerate(data.open):
        sent = o.delivery == "sent"
        reminders = [ago(d) for d in o.reminders] if sent else []
        rows.append(_row(o, person(o.by, f"open[{i}].by").id, ago, person={"name": o.name, "email": o.email},
                         delivery=o.delivery, last_error=o.error, sent_at=ago(o.days) if sent else None,
                         reminders=reminders,
                         next_reminder_at=mail.next_reminder(ago(o.days), days, reminders) if sent else None))
    return store.load_invitations(system, cluster_id, rows)


def _row(row: _Invited, inviter_id: int, ago, **values) -> dict:
    """The invitation's columns from a row of the demo's file (times ``ago`` days before the load)."""
    sent = values.get("delivery") == "sent"
    return {"inviter_id": inviter_id, "relation": row.relation, "lang": row.lang, "note": row.note,
            "created_at": ago(row.days), "sent_at": ago(row.days) if sent else None,
            "reminders": [ago(d) for d in row.reminders], "attempts": 1 + len(row.reminders),
            "last_attempt_at": ago(min([row.days, *row.reminders])), **values}
