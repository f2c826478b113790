"""The invitations made, each with its delivery in plain words, a way to try a failed one again, and the link box.

Shared by the participant's "Invite" step and the facilitator's member page. :class:`InvitationsList`
is handed an :class:`~klynge.widgets.invite_service.InviteService`; failed or waiting invitations
each get a "try again" button under the list. :class:`LinkBox` shows a sign-in link to copy
when it could not be sent by e-mail: the store keeps only an HMAC of its key, so it is shown once.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, KlyngeError
from ..formatting import day
from ..i18n import t
from ..templating import part, snippet
from .invite_service import InviteService, Sent, can_retry, delivery_text, retry_label

__all__ = ["LIST_STYLE", "InvitationsList", "LinkBox", "relation_label", "sent_text"]

log = logging.getLogger(__name__)

_T = "widgets/invite.html.j2"

#: The lists' own styles (the invitations and the requests to join), for every page that shows them.
LIST_STYLE = """
.klynge-fac .klynge-invite-state.ok{color:#15803d}
.klynge-fac .klynge-invite-state.bad{color:#b91c1c}
.klynge-fac .klynge-invite-retries,.klynge-fac .klynge-invite-actions{display:flex;flex-direction:row;flex-wrap:wrap;
  align-items:flex-start;gap:6px 10px}
.klynge-fac .klynge-invite-retries{margin:4px 0 8px}
.klynge-fac .klynge-invite-table td.name{min-width:12rem}
.klynge-fac .klynge-invite-request-row{border-top:1px solid var(--klynge-line,#d9e2ec);padding:8px 0;gap:6px}
.klynge-fac .klynge-invite-request-row .klynge-invite-actions{margin-top:4px}
"""

#: The kinds of failure said in the reader's language (the others in the mail server's words).
WHY = ("failed", "recipient_refused", "login_rejected", "connection_refused", "timed_out", "tls_failed", "settings")

#: How many invitations the list shows; the rest are counted.
SHOWN = 200


def relation_label(relation: str, lang: str) -> str:
    return t(f"invite.relation.{relation}", lang)


def sent_text(sent: Sent, lang: str) -> tuple[str, bool]:
    """What became of an invitation just made or sent again, and whether that is good news."""
    if sent.delivery == "sent":
        return t("invite.outcome.sent", lang, name=sent.name, email=sent.email), True
    if sent.delivery == "link":
        return t("invite.outcome.link", lang, name=sent.name), True
    reason = t(f"invite.why.{sent.category}", lang) if sent.category in WHY else sent.error or "-"
    return t("invite.outcome.failed", lang, name=sent.name, reason=reason), False


class LinkBox(w.VBox):
    """A sign-in link to copy, with a line that says why and that it is shown once; hidden when empty."""

    def __init__(self, css: str):
        self._note = w.HTML()
        self.text = w.Text()
        self.text.add_class(css)
        super().__init__([self._note, self.text], layout=w.Layout(display="none"))
        self.add_class("klynge-fac-link")

    @property
    def link(self) -> str:
        return self.text.value

    def show(self, link: str | None, name: str, lang: str) -> None:
        if not link:
            self.hide()
            return
        self._note.value = part("strong_para", t("invite.link_once", lang, name=name))
        self.text.description = t("members.link", lang)
        self.text.style.description_width = "initial"
        self.text.value = link
        self.layout.display = None

    def hide(self) -> None:
        self.text.value = ""
        self._note.value = ""
        self.layout.display = "none"


class InvitationsList(w.VBox):
    """The invitations made, newest first, and a button to try each failed one again."""

    lang = Unicode("nb")

    def __init__(self, service: InviteService, *, show_by: bool = False, heading_level: int = 2):
        super().__init__()
        self.add_class("klynge-invite-list")
        self._service, self._show_by, self._level = service, show_by, heading_level
        self.invitations: list = []
        self._head = w.HTML()
        self._table = w.HTML()
        self._table.add_class("klynge-invite-table-box")
        self._retries = w.VBox()
        self._retries.add_class("klynge-invite-retries")
        self._status = w.HTML()
        self._status.add_class("klynge-invite-list-status")
        self.links = LinkBox("klynge-invite-retry-link")
        # What needs a hand comes first: the "try again" buttons and what became of one, then the list.
        self.children = [self._head, self._retries, self._status, self.links, self._table]
        self.refresh()

    def refresh(self) -> None:
        """Read the invitations again."""
        try:
            self.invitations = self._service.invitations()
        except AccessDenied:
            log.warning("invitations: refused to read the list")
            self.invitations = []
        except Exception:
            log.exception("the invitations could not be read")
            self.invitations = []
            self._status.value = part("para", t("page.error.body", self.lang), css="klynge-message", role="alert")
        self._draw()

    def retry(self, invitation_id: int) -> None:
        """Send one invitation again, and say what became of it."""
        lang = self.lang
        buttons = list(self._retries.children)
        for b in buttons:
            b.disabled = True
        self.links.hide()
        try:
            sent = self._service.resend(invitation_id)
            text, good = sent_text(sent, lang)
            self._status.value = snippet(_T, "outcome", text, good)
            self.links.show(sent.link, sent.name, lang)
        except KlyngeError as exc:
            log.warning("an invitation could not be sent again: %s", exc)
            self._status.value = snippet(_T, "outcome", str(exc), False)
        except Exception:
            log.exception("an invitation could not be sent again")
            self._status.value = snippet(_T, "outcome", t("page.error.body", lang), False)
        finally:
            for b in buttons:
                b.disabled = False
        self.refresh()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        found = self.invitations
        self._head.value = part("heading", self._level, t("invite.list.title", lang),
                                t("invite.list.count", lang, n=len(found)) if found else "",
                                intro_css="klynge-fac-muted")
        rows = [{"name": i.name, "email": i.email, "relation": relation_label(i.relation, lang),
                 "made": day(i.created_at, lang), "state": delivery_text(i, lang), "delivery": i.delivery,
                 "by": i.inviter_name or "",
                 "css": "ok" if i.accepted_at or i.delivery == "sent" else "bad" if i.delivery in ("failed", "bounced")
                 else ""} for i in found[:SHOWN]]
        self._table.value = snippet(_T, "invitations", rows, lang, self._show_by)
        buttons = []
        for inv in (i for i in found if can_retry(i)):
            button = w.Button(description=retry_label(inv, lang), tooltip=retry_label(inv, lang))
            button.add_class("klynge-invite-retry")
            button.on_click(lambda _b, iid=inv.id: self.retry(iid))
            buttons.append(button)
        self._retries.children = buttons
