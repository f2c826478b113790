"""The facilitator's member page: who is how far in each step, who may be stuck, and people's sign-in keys.

The member list is an HTML table (cards on a phone) drawn from :class:`MembersService`'s
progress. Below it, a person can be picked to renew or revoke their sign-in key, and a new
person invited; each of these asks for a confirmation first. A participant is invited through
:func:`klynge.invitations.invite` with why (a relation), a language and a note: a partner to register a
new organisation, or a colleague or board member into one that is a member; "send by e-mail" sends
the sign-in link through the mail server. A sign-in link not sent is shown once, in a box to copy
from, and is gone at the next action or when the page is drawn again: the store keeps only an HMAC
of its key. Under the form, every invitation of the cluster with its delivery in plain words, and
"send again" for the failed ones (:class:`~klynge.widgets.invitations_list.InvitationsList`), and the
requests to join a member organisation, each let in or declined.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import ipywidgets as w
from traitlets import Unicode, observe

from ..analysis.programme import STUCK_DAYS, MemberProgress, stuck_reasons
from ..errors import KlyngeError, ValidationError
from ..formatting import day
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .invitations_list import LIST_STYLE, InvitationsList, relation_label, sent_text
from .invite_page import JoinRequests
from .invite_service import COLLEAGUES, PARTNERS, InviteService, language_options
from .members_service import ROLES, MembersService
from .rights_page import AuditSection, ErasureSection, MyDataSection

__all__ = ["MembersPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/members_page.html.j2"

#: The organisation choice of a partner, who registers a new one (no organisation has id 0).
NEW = 0

_STYLE = """
.klynge-members .klynge-members-note textarea{min-width:16rem;max-width:100%;min-height:3rem}
@media (max-width:700px){.klynge-members .klynge-members-note textarea{min-width:0;width:100%}
  .klynge-members .klynge-members-note{width:100%}}
"""


class MembersPage(w.VBox):
    """The member list with progress and last activity, and invitations and keys."""

    lang = Unicode("nb")

    def __init__(self, service: MembersService, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 invites: InviteService | None = None):
        super().__init__()
        self.add_class("klynge-members")
        self.add_class("klynge-fac")
        self._service, self._clock = service, clock
        self._invites = invites or service.invites()
        self._rows: list[MemberProgress] = []
        self._people = []
        self._pending: Callable[[], None] | None = None
        self.link = ""  # the sign-in link shown last (once), for the person who was invited or renewed

        self._head = w.HTML()
        self._only_stuck = w.Checkbox(value=False, indent=False)
        self._only_stuck.add_class("klynge-members-only-stuck")
        self._days = w.BoundedIntText(value=STUCK_DAYS, min=1, max=365, layout=w.Layout(width="auto"))
        self._days.add_class("klynge-members-days")
        for box in (self._only_stuck, self._days):
            box.observe(lambda _c: self._draw_table(), "value")
        self._reload = w.Button(icon="refresh")
        self._reload.add_class("klynge-members-reload")
        self._reload.on_click(lambda _b: self.refresh())
        filters = w.HBox([self._only_stuck, self._days, self._reload])
        filters.add_class("klynge-fac-row")
        self._table = w.HTML()
        self._table.add_class("klynge-members-table")

        # people and keys
        self._keys_head = w.HTML()
        self._person = w.Dropdown(options=[])
        self._person.add_class("klynge-members-person")
        self._person.observe(lambda _c: self._show_person(), "value")
        self._person_state = w.HTML()
        self._renew = w.Button()
        self._renew.add_class("klynge-members-renew")
        self._renew.on_click(lambda _b: self.ask_renew())
        self._revoke = w.Button(button_style="danger")
        self._revoke.add_class("klynge-members-revoke")
        self._revoke.on_click(lambda _b: self.ask_revoke())
        person_row = w.HBox([self._person, self._renew, self._revoke])
        person_row.add_class("klynge-fac-row")
        keys = self._keys = w.VBox([self._keys_head, person_row, self._person_state])
        keys.add_class("klynge-fac-section")

        # invitation
        self._invite_head = w.HTML()
        self._name = w.Text()
        self._name.add_class("klynge-members-name")
        self._email = w.Text()
        self._email.add_class("klynge-members-email")
        self._role = w.Dropdown(options=[(r, r) for r in ROLES], value="participant")
        self._role.add_class("klynge-members-role")
        self._role.observe(lambda _c: self._relabel(), "value")
        self._org = w.Dropdown(options=[])
        self._org.add_class("klynge-members-org")
        self._org.observe(lambda _c: self._relabel_relation(), "value")
        self._relation = w.Dropdown(options=list(PARTNERS))
        self._relation.add_class("klynge-members-relation")
        self._language = w.Dropdown(options=language_options(), value="nb")
        self._language.add_class("klynge-members-language")
        self._note = w.Textarea(rows=2)
        self._note.add_class("klynge-members-note")
        self._send_mail = w.Checkbox(value=False, indent=False)
        self._send_mail.add_class("klynge-members-send")
        self._mail_note = w.HTML()
        self._invite = w.Button(button_style="primary")
        self._invite.add_class("klynge-members-invite")
        self._invite.on_click(lambda _b: self.ask_invite())
        form = w.HBox([self._name, self._email, self._role, self._org, self._relation, self._language])
        form.add_class("klynge-fac-row")
        sending = w.HBox([self._note, self._send_mail, self._invite])
        sending.add_class("klynge-fac-row")
        self.invitations = InvitationsList(self._invites, show_by=True, heading_level=3)
        self.requests = JoinRequests(self._invites, show_organisation=True)
        self.requests.on_decided = self._read
        invite = self._invite_box = w.VBox([self._invite_head, form, sending, self._mail_note])
        invite.add_class("klynge-fac-section")
        invite.add_class("klynge-members-invite-box")

        # confirmation, the link shown once, and a line of outcome
        self._question = w.HTML()
        self._yes = w.Button(button_style="primary")
        self._yes.add_class("klynge-members-yes")
        self._yes.on_click(lambda _b: self.confirm())
        self._no = w.Button()
        self._no.add_class("klynge-members-no")
        self._no.on_click(lambda _b: self.cancel())
        self._confirm = w.VBox([self._question, w.HBox([self._yes, self._no])], layout=w.Layout(display="none"))
        self._confirm.add_class("klynge-fac-confirm")
        self._link_note = w.HTML()
        self._link_box = w.Text()
        self._link_box.add_class("klynge-members-link")
        self._link = w.VBox([self._link_note, self._link_box], layout=w.Layout(display="none"))
        self._link.add_class("klynge-fac-link")
        self._status = w.HTML()
        self._status.add_class("klynge-members-status")
        # The question, the link and the outcome show in the section whose button asked, next to it.
        self._actions = w.VBox([self._confirm, self._link, self._status])
        invite.children = [*invite.children, self._actions]

        invitations = w.VBox([self.invitations, self.requests])
        invitations.add_class("klynge-fac-section")
        invitations.add_class("klynge-members-invitations")
        rights = service.rights()
        self.erasure = ErasureSection(rights, on_erased=self._after_erasure)
        self.audit = AuditSection(rights)
        self.my_data = MyDataSection(rights)
        self.my_data.add_class("klynge-fac-section")
        self.children = [style(), style(_STYLE + LIST_STYLE), self._head, filters, self._table, keys, invite,
                         invitations, self.erasure, self.audit, self.my_data]
        self._read()

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the progress and the people again; a link shown before is gone (it is shown once)."""
        self._hide_link()
        self._read()
        self.invitations.refresh()
        self.requests.refresh()
        self.erasure.refresh()
        self.audit.refresh()

    def _read(self) -> None:
        self._reload.disabled = True
        try:
            self._rows = self._service.progress()
            self._people = self._service.people()
            _choose(self._person, [(f"{p.name} · {p.organisation or t('members.role.' + p.role, self.lang)}", p.id)
                                   for p in self._people])
            _choose(self._org, [(t("members.new_organisation", self.lang), NEW), *self._service.organisations()])
        except Exception:
            log.exception("the member list could not be read")
            self._say("page.error.body", problem=True)
        finally:
            self._reload.disabled = False
        self._relabel()

    def _after_erasure(self) -> None:
        self._read()
        self.audit.refresh()

    def stuck(self) -> list[MemberProgress]:
        """The members who may need a call, with the number of days now chosen."""
        now = self._clock()
        return [r for r in self._rows if stuck_reasons(r, now, self._days.value)]

    # -- actions -------------------------------------------------------------------------
    def ask_invite(self) -> None:
        name = self._name.value.strip()
        mail = self._role.value == "participant" and self._send_mail.value
        self._ask(self._invite_box, "members.confirm.send" if mail else "members.confirm.invite",
                  lambda: self._do_invite(), name=name or "?", email=self._email.value.strip() or "?")

    def ask_renew(self) -> None:
        person = self._chosen()
        if person is not None:
            self._ask(self._keys, "members.confirm.renew", lambda: self._do_renew(person.id, person.name),
                      name=person.name)

    def ask_revoke(self) -> None:
        person = self._chosen()
        if person is not None:
            self._ask(self._keys, "members.confirm.revoke", lambda: self._do_revoke(person.id, person.name),
                      name=person.name)

    def confirm(self) -> None:
        """Do what the confirmation asked about."""
        action, self._pending = self._pending, None
        self._confirm.layout.display = "none"
        if action is None:
            return
        buttons = (self._yes, self._renew, self._revoke, self._invite)
        for b in buttons:
            b.disabled = True
        try:
            action()
        except ValidationError as exc:
            # Each problem comes in the page's language, with its field's label.
            problems = "; ".join(f"{f}: {msg}" if f else msg for f, msg in exc.problems)
            self._status.value = part("para", problems or str(exc), css="klynge-message", role="alert")
        except KlyngeError as exc:
            log.warning("a key action was refused: %s", exc)
            self._status.value = part("para", str(exc), css="klynge-message", role="alert")
        except Exception:
            log.exception("a key action failed")
            self._say("page.error.body", problem=True)
        finally:
            for b in buttons:
                b.disabled = False
            self._show_person()  # revoking stays off for a person with no live key

    def cancel(self) -> None:
        self._pending = None
        self._confirm.layout.display = "none"
        self._say("members.cancelled")

    def _ask(self, section: w.VBox, key: str, action: Callable[[], None], **values) -> None:
        for box in (self._keys, self._invite_box):
            rest = [c for c in box.children if c is not self._actions]
            box.children = [*rest, self._actions] if box is section else rest
        self._hide_link()
        self._status.value = ""
        self._pending = action
        self._question.value = part("strong_para", t(key, self.lang, **values), role="alert")
        self._confirm.layout.display = None

    def _do_invite(self) -> None:
        if self._role.value == "participant":
            self._do_invitation()
            return
        name = self._name.value.strip()
        org = None
        link = self._service.invite(name=name, email=self._email.value.strip(), role=self._role.value,
                                    organisation_id=org, lang=self.lang)
        self._name.value = self._email.value = ""
        self._read()
        self._show_link(link, name)
        self._say("members.invited", name=name)

    def _do_invitation(self) -> None:
        """A participant's invitation: a partner registers a new organisation, a colleague joins one."""
        form = {"name": self._name.value, "email": self._email.value, "relation": self._relation.value,
                "lang": self._language.value, "note": self._note.value, "organisation_id": self._org.value or None}
        sent = self._invites.invite(form, self.lang, send=self._send_mail.value)
        self._name.value = self._email.value = self._note.value = ""
        self._read()
        self.invitations.refresh()
        if sent.link:
            self._show_link(sent.link, sent.name)
        text, good = sent_text(sent, self.lang)
        self._status.value = part("para", text, css="klynge-fac-ok" if good else "klynge-message", role="status")

    def _do_renew(self, person_id: int, name: str) -> None:
        link = self._service.renew(person_id)
        self._read()
        self._show_link(link, name)
        self._say("members.renewed", name=name)

    def _do_revoke(self, person_id: int, name: str) -> None:
        n = self._service.revoke(person_id)
        self._read()
        self._say("members.revoked" if n else "members.nothing_to_revoke", name=name)

    def _chosen(self):
        return next((p for p in self._people if p.id == self._person.value), None)

    def _show_link(self, link: str, name: str) -> None:
        self.link = link
        self._link_note.value = part("strong_para", t("members.link_once", self.lang, name=name))
        self._link_box.value = link
        self._link.layout.display = None

    def _hide_link(self) -> None:
        self.link = ""
        self._link_box.value = ""
        self._link.layout.display = "none"

    def _say(self, key: str, problem: bool = False, **values) -> None:
        css = "klynge-message" if problem else "klynge-fac-ok"
        self._status.value = part("para", t(key, self.lang, **values), css=css, role="status")

    # -- drawing -------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, change) -> None:
        self.invitations.lang = self.requests.lang = change["new"]
        self.erasure.lang = self.audit.lang = self.my_data.lang = change["new"]
        self._relabel()

    def _relabel_relation(self) -> None:
        """A new organisation's person is a partner; a member organisation's is a colleague or on the board."""
        relations = PARTNERS if self._org.value in (NEW, None) else COLLEAGUES
        _choose(self._relation, [(relation_label(r, self.lang), r) for r in relations])
        self._relation.layout.display = None if self._role.value == "participant" else "none"

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("members.title", lang), t("members.intro", lang))
        self._only_stuck.description = t("members.only_stuck", lang)
        self._days.description = t("members.days", lang)
        self._reload.description = t("members.reload", lang)
        self._keys_head.value = part("heading", 2, t("members.keys", lang), t("members.keys_help", lang),
                                     intro_css="klynge-fac-muted")
        self._person.description = t("members.person", lang)
        self._renew.description = t("members.renew", lang)
        self._revoke.description = t("members.revoke", lang)
        help_key = "members.invite_help_mail" if self._invites.mail_ready else "members.invite_help"
        self._invite_head.value = part("heading", 2, t("members.invite_title", lang), t(help_key, lang),
                                       intro_css="klynge-fac-muted")
        self._name.description = t("members.name", lang)
        self._email.description = t("members.email", lang)
        self._role.description = t("members.role", lang)
        _choose(self._role, [(t(f"members.role.{r}", lang), r) for r in ROLES])
        self._org.description = t("members.organisation", lang)
        participant = self._role.value == "participant"
        self._org.layout.display = None if participant else "none"
        if self._org.options and self._org.options[0][1] == NEW:
            _choose(self._org, [(t("members.new_organisation", lang), NEW), *self._org.options[1:]])
        self._relation.description = t("members.relation", lang)
        self._relabel_relation()
        self._language.description = t("invite.language", lang)
        self._note.description = t("invite.note", lang)
        self._note.placeholder = t("invite.note_help", lang)
        mail = self._invites.mail_ready
        self._send_mail.description = t("members.send_mail", lang)
        self._send_mail.disabled = not mail
        if not mail:
            self._send_mail.value = False
        for box in (self._language, self._note, self._send_mail):
            box.layout.display = None if participant else "none"
        self._mail_note.value = "" if mail else part("para", t("members.no_mail", lang), css="klynge-fac-muted")
        self._invite.description = t("members.invite", lang)
        self._yes.description = t("members.yes", lang)
        self._no.description = t("members.no", lang)
        self._link_box.description = t("members.link", lang)
        for box in (self._person, self._name, self._email, self._role, self._org, self._days, self._link_box,
                    self._relation, self._language, self._note):
            box.style.description_width = "initial"
        self._draw_table()
        self._show_person()

    def _show_person(self) -> None:
        person, lang = self._chosen(), self.lang
        if person is None:
            self._person_state.value = ""
            return
        if person.live_keys:
            state = t("members.key_live", lang, date=day(person.expires_at, lang))
        else:
            state = t("members.key_none", lang)
        used = (t("members.last_signin", lang, date=day(person.last_used_at, lang)) if person.last_used_at
                else t("members.never_signed_in", lang))
        self._person_state.value = snippet(_TEMPLATE, "person", person.email, state, used)
        self._revoke.disabled = not person.live_keys

    def _draw_table(self) -> None:
        lang, now, days = self.lang, self._clock(), self._days.value
        steps = self._service.steps()
        titles = [self._service.step_title(s, lang) for s in steps]
        rows = self._rows
        stuck = {r.organisation_id: stuck_reasons(r, now, days) for r in rows}
        shown = [r for r in rows if stuck[r.organisation_id]] if self._only_stuck.value else rows
        count = t("members.count", lang, n=len(rows), stuck=sum(1 for v in stuck.values() if v))
        self._table.value = snippet(_TEMPLATE, "table", count, titles,
                                    [self._row(r, titles, stuck[r.organisation_id], now, lang) for r in shown], lang)

    def _row(self, r: MemberProgress, titles: list[str], reasons, now: datetime, lang: str) -> dict:
        """One member's row as the template draws it."""
        steps = [{"title": title, "done": step.done, "total": step.total,
                  "css": "done" if step.complete else "empty" if step.done == 0 else "",
                  "width": round(100 * step.done / step.total) if step.total else 0}
                 for step, title in zip(r.steps, titles)]
        ago = "" if r.last_activity is None else _ago(max(0, (now - r.last_activity).days), lang)
        return {"organisation_id": r.organisation_id, "name": r.name, "people": r.people, "steps": steps,
                "last": r.last_activity, "ago": ago,
                "why": "; ".join(self._reason(key, values, lang) for key, values in reasons)}

    def _reason(self, key: str, values: dict, lang: str) -> str:
        if "steps" in values:
            values = {**values, "steps": ", ".join(self._service.step_title(s, lang) for s in values["steps"])}
        return t(key, lang, **values)


def _choose(dropdown: w.Dropdown, options: list[tuple[str, object]]) -> None:
    """New options (new labels, or a new list) that keep what was chosen, when it is still there.

    A dropdown given new options falls back to the first one; a facilitator's choice must not.
    """
    chosen = dropdown.value
    if list(dropdown.options) == options:
        return
    values = [value for _label, value in options]
    dropdown.options = options
    dropdown.value = chosen if chosen in values else (values[0] if values else None)


def _ago(days: int, lang: str) -> str:
    """"today", "yesterday" or "N days ago" in ``lang``."""
    if days < 2:
        return t("members.today" if days == 0 else "members.yesterday", lang)
    return t("members.days_ago", lang, n=days)
