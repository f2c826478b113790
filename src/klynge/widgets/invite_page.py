"""The participant's "Invite" step: invite the people who matter to my organisation, and see what became of it.

:class:`InvitePage` is handed an :class:`~klynge.widgets.invite_service.InviteService`. A form invites a
partner (a supplier, customer, the public support system, a bank or investor, a researcher, or
someone else) with a language and a personal note; Klynge sends the sign-in link by e-mail, or,
without a mail server, shows it to copy and says so. Below, my organisation's invitations with
their delivery in plain words and a "try again" for the failed ones; then "Colleagues and board":
the same form for people of my own organisation, and the requests to join it, each approved or
declined with a button. Problems show beside their fields in the page's language; nothing here
shows a traceback. HTML comes from ``widgets/invite.html.j2``.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, FormProblems, KlyngeError, SessionEnded
from ..formatting import day
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .invitations_list import LIST_STYLE, InvitationsList, LinkBox, relation_label, sent_text
from .invite_service import COLLEAGUES, FIELDS, PARTNERS, InviteService, language_options
from .profile_form import Field, relabel_options

__all__ = ["FORM_STYLE", "InviteForm", "InvitePage", "JoinRequests"]

log = logging.getLogger(__name__)

_T = "widgets/invite.html.j2"

#: The forms of the invitation and registration pages: labels over their fields, on the left; inputs as wide
#: as the form allows (the whole width on a phone); the button as wide as its label; a placeholder greyed.
FORM_STYLE = """
.klynge-form .klynge-profile-field{max-width:34rem;width:100%;box-sizing:border-box;margin:2px 0 10px}
.klynge-form .klynge-profile-field>.widget-inline-hbox{flex-direction:column;align-items:stretch;width:100%;margin:0}
.klynge-form .klynge-profile-field>.widget-inline-hbox>.widget-label{text-align:left;align-self:flex-start}
.klynge-form .klynge-profile-field input,.klynge-form .klynge-profile-field select,
.klynge-form .klynge-profile-field textarea{width:100%;min-width:0;max-width:100%;box-sizing:border-box}
.klynge-form .klynge-profile-field textarea{min-height:4.5rem}
.klynge-form .klynge-profile-field .widget-text,.klynge-form .klynge-profile-field .widget-dropdown,
.klynge-form .klynge-profile-field .widget-textarea{width:100%}
.klynge-form .jupyter-button.mod-primary{align-self:flex-start;margin-top:6px}
.klynge-form ::placeholder{color:#8b9593;opacity:1}
"""

STYLE = """
.klynge-invite .klynge-invite-nomail{border-left:4px solid #b45309;background:#fff7ed;padding:6px 12px;margin:8px 0}
"""


class InviteForm(w.VBox):
    """Name, e-mail, why (a relation), language and a personal note; a button that invites, the outcome and the link."""

    lang = Unicode("nb")

    def __init__(self, service: InviteService, relations: tuple[str, ...], css: str, *, title: str, intro: str,
                 relation_label_key: str = "invite.relation", level: int = 2):
        super().__init__()
        self.add_class(css)
        self.add_class("klynge-fac-section")
        self.add_class("klynge-form")
        self._service, self._relations, self._css = service, relations, css
        self._title_key, self._intro_key, self._relation_key = title, intro, relation_label_key
        self._level = level
        self._head = w.HTML()
        self._inputs = {"name": w.Text(), "email": w.Text(), "relation": w.Dropdown(options=list(relations)),
                        "lang": w.Dropdown(options=language_options(), value="nb"), "note": w.Textarea(rows=3)}
        self._lang_chosen = False  # the invitee's language follows the page's until the person picks one
        self._following = False  # the page's language is being put in: not the person's choice
        self._inputs["lang"].observe(self._on_language, "value")
        self._fields = {name: Field(widget, name=f"invite-{name}") for name, widget in self._inputs.items()}
        self._button = w.Button(button_style="primary")
        self._button.add_class(f"{css}-send")
        self._button.on_click(lambda _b: self.send())
        self._status = w.HTML()
        self._status.add_class(f"{css}-status")
        self.links = LinkBox(f"{css}-link")
        self.sent = None  # what became of the last invitation
        self.on_sent = lambda: None
        self.children = [self._head, *self._fields.values(), self._button, self._status, self.links]
        self._relabel()

    def values(self) -> dict[str, str]:
        return {name: self._inputs[name].value for name in FIELDS}

    def set_values(self, **values) -> None:
        """Type into the form (the tests' way in)."""
        for name, value in values.items():
            self._inputs[name].value = value

    def problem(self, name: str) -> str:
        """The message beside field ``name`` (HTML), empty when there is none."""
        return self._fields[name].error.value

    def send(self) -> None:
        """Check the form and invite; problems show beside their fields, the outcome under the button."""
        lang = self.lang
        self._button.disabled = True
        self.links.hide()
        for field in self._fields.values():
            field.say("")
        self._status.value = ""
        try:
            self.sent = sent = self._service.invite(self.values(), lang)
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                self._fields.get(name, self._fields["name"]).say(message)
            self._status.value = snippet(_T, "outcome", t("invite.not_sent", lang, n=len(exc.problems)), False)
            return
        except SessionEnded:
            self._status.value = snippet(_T, "outcome", t("shell.session_ended", lang), False)
            return
        except AccessDenied:
            log.warning("invite: refused an invitation the person may not make")
            self._status.value = snippet(_T, "outcome", t("invite.denied", lang), False)
            return
        except KlyngeError as exc:
            log.warning("invite: the invitation could not be made: %s", exc)
            self._status.value = snippet(_T, "outcome", str(exc), False)
            return
        except Exception:
            log.exception("invite: the invitation could not be made")
            self._status.value = snippet(_T, "outcome", t("page.error.body", lang), False)
            return
        finally:
            self._button.disabled = False
        text, good = sent_text(sent, lang)
        self._status.value = snippet(_T, "outcome", text, good)
        self.links.show(sent.link, sent.name, lang)
        for name in ("name", "email", "note"):
            self._inputs[name].value = ""
        self.on_sent()

    def _on_language(self, _change) -> None:
        if not self._following:
            self._lang_chosen = True

    @observe("lang")
    def _on_lang(self, change) -> None:
        if not self._lang_chosen:
            self._following = True
            try:
                self._inputs["lang"].value = change["new"]
            finally:
                self._following = False
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", self._level, t(self._title_key, lang), t(self._intro_key, lang),
                                intro_css="klynge-fac-muted")
        labels = {"name": t("members.name", lang), "email": t("members.email", lang),
                  "relation": t(self._relation_key, lang), "lang": t("invite.language", lang),
                  "note": t("invite.note", lang)}
        for name, label in labels.items():
            self._inputs[name].description = label
            self._inputs[name].style.description_width = "initial"
        self._inputs["note"].placeholder = t("invite.note_help", lang)
        relabel_options(self._inputs["relation"], [(relation_label(r, lang), r) for r in self._relations])
        self._button.description = t("invite.send" if self._service.mail_ready else "invite.make_link", lang)


class JoinRequests(w.VBox):
    """The requests to join my organisation, each with "let them join" and "decline"."""

    lang = Unicode("nb")

    def __init__(self, service: InviteService, *, show_organisation: bool = False):
        super().__init__()
        self.add_class("klynge-invite-requests")
        self._service, self._show_organisation = service, show_organisation
        self.requests: list = []
        self._head = w.HTML()
        self._rows = w.VBox()
        self._status = w.HTML()
        self._status.add_class("klynge-invite-requests-status")
        self.on_decided = lambda: None
        self.children = [self._head, self._rows, self._status]
        self.refresh()

    def refresh(self) -> None:
        try:
            self.requests = self._service.join_requests()
        except Exception:
            log.exception("the requests to join could not be read")
            self.requests = []
        self._draw()

    def decide(self, request_id: int, approve: bool) -> None:
        """Approve or decline a request, and say so."""
        lang = self.lang
        request = next((r for r in self.requests if r.id == request_id), None)
        name = getattr(request, "name", "") or ""
        try:
            self._service.decide(request_id, approve)
            key = "invite.join.approved" if approve else "invite.join.declined"
            self._status.value = snippet(_T, "outcome", t(key, lang, name=name), True)
        except KlyngeError as exc:
            log.warning("a request to join could not be decided: %s", exc)
            self._status.value = snippet(_T, "outcome", str(exc), False)
        except Exception:
            log.exception("a request to join could not be decided")
            self._status.value = snippet(_T, "outcome", t("page.error.body", lang), False)
        self.refresh()
        self.on_decided()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        if self._show_organisation:  # a facilitator's view: the requests to join any organisation
            help_key = "invite.join.help_all" if self.requests else "invite.join.none_all"
        else:
            help_key = "invite.join.help" if self.requests else "invite.join.none"
        self._head.value = part("heading", 3, t("invite.join.title", lang), t(help_key, lang),
                                intro_css="klynge-fac-muted")
        rows = []
        for r in self.requests:
            info = w.HTML(snippet(_T, "request", r.name, r.email, t(f"invite.position.{r.position}", lang),
                                  t("invite.join.since", lang, date=day(r.created_at, lang)),
                                  r.organisation_name if self._show_organisation else ""))
            approve = w.Button(description=t("invite.join.approve", lang), button_style="primary")
            approve.add_class("klynge-invite-approve")
            approve.on_click(lambda _b, rid=r.id: self.decide(rid, True))
            decline = w.Button(description=t("invite.join.decline", lang))
            decline.add_class("klynge-invite-decline")
            decline.on_click(lambda _b, rid=r.id: self.decide(rid, False))
            actions = w.HBox([approve, decline])
            actions.add_class("klynge-invite-actions")
            row = w.VBox([info, actions])
            row.add_class("klynge-invite-request-row")
            rows.append(row)
        self._rows.children = rows


class InvitePage(w.VBox):
    """Invite partners, see the invitations' delivery, invite colleagues and board members, and decide who joins."""

    lang = Unicode("nb")

    def __init__(self, service: InviteService):
        super().__init__()
        self.add_class("klynge-invite")
        self.add_class("klynge-fac")
        self._service = service
        self._head = w.HTML()
        self._mail = w.HTML()
        self.partner = InviteForm(service, PARTNERS, "klynge-invite-partner", title="invite.partner.title",
                                  intro="invite.partner.intro")
        self.list = InvitationsList(service)
        listing = w.VBox([self.list])
        listing.add_class("klynge-fac-section")
        self._own_head = w.HTML()
        self.colleague = InviteForm(service, COLLEAGUES, "klynge-invite-colleague", title="invite.colleague.title",
                                    intro="invite.colleague.intro", relation_label_key="invite.position", level=3)
        self.requests = JoinRequests(service)
        requests = w.VBox([self.requests])
        requests.add_class("klynge-fac-section")
        own = w.VBox([self._own_head, self.colleague, requests])
        own.add_class("klynge-invite-own")
        for form in (self.partner, self.colleague):
            form.on_sent = self.list.refresh
        self.children = [style(), style(FORM_STYLE + LIST_STYLE + STYLE), self._head, self._mail, self.partner,
                         listing, own]
        self._relabel()

    def refresh(self) -> None:
        """Read the invitations and the requests to join again."""
        self.list.refresh()
        self.requests.refresh()

    @observe("lang")
    def _on_lang(self, change) -> None:
        for part_ in (self.partner, self.list, self.colleague, self.requests):
            part_.lang = change["new"]
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("invite.title", lang), t("invite.intro", lang))
        self._mail.value = "" if self._service.mail_ready else snippet(_T, "no_mail", t("invite.no_mail", lang))
        self._own_head.value = part("heading", 2, t("invite.own.title", lang), t("invite.own.intro", lang),
                                    intro_css="klynge-fac-muted")
