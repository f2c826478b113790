"""What the invitation forms may do: invite a person, read the invitations and their delivery, decide who joins.

The participant's "Invite" step and the facilitator's member page are each handed an
:class:`InviteService` and never see the store. A form's texts are checked here with
:class:`~klynge.model.invitation.InvitationRequest`, each problem a message in the reader's
language beside its field (:class:`~klynge.errors.FormProblems`); an address already in the
network is said beside the e-mail field, naming whose it is. Sending goes through
:func:`klynge.invitations.invite`: with a mail server it sends the sign-in link by e-mail, without
one (or when sending failed) the link comes back to be shown to copy.

:func:`delivery_text` says where an invitation stands in plain words (sent, reminder sent on a
date, failed and why, bounced, accepted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pydantic

from ..errors import AlreadyRegistered, FormProblems, SettingsError
from ..formatting import day
from ..i18n import t
from ..mail import RELATIONS as PARTNERS
from ..settings import LANGUAGES, Settings
from ..store import Identity, Store
from .profile_service import _label, _problems

__all__ = ["COLLEAGUES", "FIELDS", "PARTNERS", "InviteService", "can_retry", "delivery_text",
           "language_options", "retry_label"]

#: The relations that bring the invitee into an organisation that is already a member.
COLLEAGUES = ("colleague", "board")

#: The invitation form's fields, in order.
FIELDS = ("name", "email", "relation", "lang", "note")

# A check of the whole request is about the relation: it says whether an organisation belongs to it.
_WHOLE = ("", "klynge_invitation_organisation", "klynge_invitation_partner")


def language_options() -> list[tuple[str, str]]:
    """The languages an invitation may be written in, each by its own name (as the invitee reads it)."""
    from .shell import _LANGUAGE_NAMES

    return [(_LANGUAGE_NAMES[code], code) for code in LANGUAGES]


def delivery_text(invitation, lang: str) -> str:
    """Where ``invitation`` stands, in plain words: accepted, bounced, failed and why, reminded, sent, or a link."""
    inv = invitation
    if inv.accepted_at is not None:
        return t("invite.state.accepted", lang, date=day(inv.accepted_at, lang))
    if inv.delivery == "bounced":
        return t("invite.state.bounced", lang, reason=inv.last_error or "-")
    if inv.delivery == "failed":
        return t("invite.state.failed", lang, reason=inv.last_error or "-")
    if inv.delivery == "queued":
        return t("invite.state.queued", lang)
    if inv.delivery == "link":
        return t("invite.state.link", lang)
    if inv.reminders:
        return t("invite.state.reminded", lang, date=day(inv.reminders[-1], lang), n=len(inv.reminders))
    return t("invite.state.sent", lang, date=day(inv.sent_at or inv.created_at, lang))


def can_retry(invitation) -> bool:
    """Whether sending ``invitation`` again makes sense: it failed or waits, and is not accepted."""
    return invitation.accepted_at is None and invitation.delivery in ("failed", "queued")


def retry_label(invitation, lang: str) -> str:
    """The label of the button that sends ``invitation`` again."""
    return t("invite.retry", lang, name=invitation.name or invitation.email)


@dataclass(frozen=True)
class Sent:
    """What became of an invitation made from the form: the invitation, the link to copy, what went wrong."""

    name: str
    email: str
    delivery: str
    link: str | None
    #: What went wrong, as the invitation records it (in plain English words); empty when nothing did.
    error: str
    #: The kind of failure (a :attr:`klynge.errors.MailError.category`, ``settings`` or ``no_server``), or None.
    category: str | None = None


class InviteService:
    """One person's hand on invitations: a participant for their own organisation, a facilitator for the cluster.

    Parameters
    ----------
    store
        The store; every call names ``who`` and the store checks the access rules.
    who
        The signed-in person, as the server established it.
    settings
        For the mail server (``KLYNGE_SMTP_URL``), the sign-in address and the server secret.
    organisation_id
        The participant's organisation (colleagues and board members join it, and the list shows
        its invitations); None for a facilitator, who names the organisation with each invitation.
    """

    def __init__(self, store: Store, who: Identity, settings: Settings, organisation_id: int | None = None):
        self._store, self._who, self._settings = store, who, settings
        self._organisation_id = organisation_id

    @property
    def mail_ready(self) -> bool:
        """Whether a mail server is set up; without one the sign-in link is shown to copy."""
        from ..mail import mail_server

        try:
            return mail_server(self._settings) is not None
        except SettingsError:  # set but wrong: sending says so, with the fix
            return True

    # -- inviting ---------------------------------------------------------------------------
    def check(self, form: Mapping[str, object], lang: str):
        """The invitation the form asks for, or :class:`FormProblems` in ``lang`` by field."""
        from ..model.invitation import InvitationRequest

        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in form.items() if k in FIELDS}
        # A colleague or board member joins the organisation named (a participant's own); a partner none.
        if data.get("relation") in COLLEAGUES:
            data["organisation_id"] = form.get("organisation_id") or self._organisation_id
        try:
            return InvitationRequest.model_validate(data)
        except pydantic.ValidationError as exc:
            whole = {e["type"] for e in exc.errors() if not e["loc"]}
            problems = [("relation", _label("relation", lang), message) if name == "" and whole & set(_WHOLE)
                        else (name, label, message) for name, label, message in _problems(exc, lang)]
            raise FormProblems(problems) from None

    def invite(self, form: Mapping[str, object], lang: str, *, send: bool = True) -> Sent:
        """Make the invitation the form asks for and send it (by e-mail when ``send`` and a mail server allow).

        Raises
        ------
        FormProblems
            A field is not acceptable, or the address is already in the network (said beside the
            e-mail field, naming whose it is); nothing is made.
        klynge.errors.AccessDenied
            The caller may not invite for this organisation.
        """
        from .. import invitations

        request = self.check(form, lang)
        try:
            outcome = invitations.invite(self._settings, self._store, self._who, request, send=send)
        except AlreadyRegistered as exc:  # already in the network: said beside the address, naming whose it is
            raise FormProblems([("email", _label("email", lang), invitations.taken_message(exc, lang))]) from None
        return _sent(outcome)

    def resend(self, invitation_id: int) -> Sent:
        """Send a failed or waiting invitation again; the link comes back when it cannot be sent."""
        from .. import invitations

        return _sent(invitations.resend(self._settings, self._store, self._who, invitation_id))

    def invitations(self) -> list:
        """The invitations the organisation made (participant), or all of the cluster's (facilitator).

        Those that need a hand come first (failed, bounced, not sent), then those waiting for an answer,
        then the accepted ones; newest first within each.
        """
        found = self._store.invitations(self._who, organisation_id=self._organisation_id)
        newest = sorted(found, key=lambda i: (i.created_at, i.id), reverse=True)
        return sorted(newest, key=_urgency)

    # -- who joins ------------------------------------------------------------------------
    def join_requests(self) -> list:
        """The requests to join the organisation that wait for an answer, oldest first."""
        found = self._store.join_requests(self._who, organisation_id=self._organisation_id)
        return sorted((r for r in found if r.decided_at is None), key=lambda r: (r.created_at, r.id))

    def decide(self, request_id: int, approve: bool) -> None:
        """Let the person of a request join the organisation, or decline."""
        self._store.decide_join(self._who, request_id, approve)


#: The order of the list: what needs a hand first, the accepted last.
_ORDER = {"failed": 0, "bounced": 1, "queued": 2, "link": 3, "sent": 4}


def _urgency(invitation) -> int:
    return 5 if invitation.accepted_at is not None else _ORDER.get(invitation.delivery, 4)


def _sent(outcome) -> Sent:
    inv = outcome.invitation
    return Sent(inv.name, inv.email, inv.delivery, outcome.link, inv.last_error or outcome.error or "",
                getattr(outcome, "category", None))
