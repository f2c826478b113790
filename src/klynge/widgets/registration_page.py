"""The invitee's registration page: register my organisation, or ask to join the one that has its number.

An invitee sees only this page (the participant app shows it in place of home). :class:`RegistrationPage`
is handed a :class:`~klynge.widgets.registration_service.RegistrationService`. The form asks for the
organisation's name, number, kind, country and municipality, and whether I am staff or on the board;
each problem shows beside its field in the page's language. When the number is taken, the page names
the organisation that has it and offers to ask to join it; the request then waits for approval, and the
page says so. Once registered, "your workspace is ready" with a link that opens the full app: the
session's identity is fixed when its kernel starts, so the app must be opened again. HTML comes from
``widgets/invite.html.j2``.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import AccessDenied, FormProblems, KlyngeError, SessionEnded, ValidationError
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .invite_page import FORM_STYLE
from .profile_form import Field, capital, relabel_options
from .registration_service import COUNTRIES, FIELDS, POSITIONS, Registered, RegistrationService, Taken, Waiting

__all__ = ["RegistrationPage"]

log = logging.getLogger(__name__)

_T = "widgets/invite.html.j2"

STYLE = """
.klynge-register .klynge-register-form{max-width:40rem}
.klynge-register .klynge-register-taken{border-left:4px solid #b45309;background:#fff7ed;padding:8px 12px;margin:8px 0;
  border-radius:0 8px 8px 0;
  max-width:40rem;box-sizing:border-box}
.klynge-register .klynge-register-ready,.klynge-register .klynge-register-waiting{max-width:40rem;margin:12px 0}
.klynge-register .klynge-register-taken .jupyter-button{align-self:flex-start;padding:6px 14px;line-height:1.3}
.klynge-register a.klynge-register-open{display:inline-block;background:var(--klynge-accent,#1f5f5b);color:#fff;
  padding:8px 16px;border-radius:6px;text-decoration:none;font-weight:600}
.klynge-register a.klynge-register-open:focus{outline:3px solid #f59e0b;outline-offset:2px}
"""


class RegistrationPage(w.VBox):
    """Register my organisation, or ask to join the one that has its number; then open the full app."""

    lang = Unicode("nb")

    def __init__(self, service: RegistrationService):
        super().__init__()
        self.add_class("klynge-register")
        self.add_class("klynge-fac")
        self._service = service
        self.outcome: Registered | Taken | Waiting | None = None
        self._head = w.HTML()
        self._inputs = {"name": w.Text(), "orgnr": w.Text(), "kind": w.Dropdown(options=list(service.kinds())),
                        "country": w.Dropdown(options=list(COUNTRIES), value="NO"),
                        "municipality": w.Dropdown(options=[]),
                        "position": w.Dropdown(options=list(POSITIONS), value="staff")}
        self._inputs["country"].observe(lambda _c: self._places(), "value")
        self._fields = {name: Field(widget, name=f"register-{name}") for name, widget in self._inputs.items()}
        self._register = w.Button(button_style="primary")
        self._register.add_class("klynge-register-save")
        self._register.on_click(lambda _b: self.register())
        self._status = w.HTML()
        self._status.add_class("klynge-register-status")
        self._form = w.VBox([*self._fields.values(), self._register, self._status])
        self._form.add_class("klynge-fac-section")
        self._form.add_class("klynge-register-form")
        self._form.add_class("klynge-form")
        self._taken_text = w.HTML()
        self._join = w.Button(button_style="primary")
        self._join.add_class("klynge-register-join")
        self._join.on_click(lambda _b: self.ask_to_join())
        self._taken = w.VBox([self._taken_text, self._join], layout=w.Layout(display="none"))
        self._taken.add_class("klynge-register-taken")
        self._done = w.HTML()
        self._done.add_class("klynge-register-done")
        self.children = [style(), style(FORM_STYLE + STYLE), self._head, self._done, self._form, self._taken]
        self._places()
        self._declined: str | None = None
        try:
            waiting = service.waiting()
            self._declined = None if waiting is not None else service.declined()
        except Exception:
            log.exception("registration: the requests to join could not be read")
            waiting = None
        if waiting is not None:
            self._finish(waiting)
        self._relabel()

    def values(self) -> dict[str, str]:
        return {name: self._inputs[name].value for name in FIELDS}

    def set_values(self, **values) -> None:
        """Type into the form (the tests' way in); the country first, since it chooses the municipalities."""
        if "country" in values:
            self._inputs["country"].value = values["country"]
        for name, value in values.items():
            self._inputs[name].value = value

    def problem(self, name: str) -> str:
        """The message beside field ``name`` (HTML), empty when there is none."""
        return self._fields[name].error.value

    # -- actions ---------------------------------------------------------------------------
    def register(self) -> None:
        """Check the form and register the organisation; a taken number offers to ask to join."""
        lang = self.lang
        self._register.disabled = True
        for field in self._fields.values():
            field.say("")
        self._status.value = ""
        self._taken.layout.display = "none"
        try:
            outcome = self._service.register(self.values(), lang)
        except FormProblems as exc:
            for name, message in exc.by_field.items():
                self._fields.get(name, self._fields["name"]).say(message)
            self._status.value = snippet(_T, "outcome", t("register.not_saved", lang, n=len(exc.problems)), False)
            return
        except Exception as exc:
            self._failed(exc)
            return
        finally:
            self._register.disabled = False
        if isinstance(outcome, Taken):
            self.outcome = outcome
            self._fields["orgnr"].say(t("register.taken_short", lang, name=outcome.name))
            self._taken.layout.display = None
            self._relabel()
            return
        self._finish(outcome)

    def ask_to_join(self) -> None:
        """Ask to join the organisation that has the number typed; the request waits for approval."""
        taken = self.outcome
        if not isinstance(taken, Taken):
            return
        self._join.disabled = True
        try:
            request_id = self._service.request_join(taken.organisation_id, self._inputs["position"].value)
        except Exception as exc:
            self._failed(exc)
            return
        finally:
            self._join.disabled = False
        self._finish(Waiting(request_id, taken.organisation_id, taken.name))

    def _failed(self, exc: Exception) -> None:
        lang = self.lang
        if isinstance(exc, SessionEnded):
            text = t("shell.session_ended", lang)
        elif isinstance(exc, (AccessDenied, ValidationError)):  # no longer an invitee, or not in this cluster
            log.warning("registration refused: %s", exc)
            text = t("register.denied", lang)
        elif isinstance(exc, KlyngeError):
            log.warning("registration failed: %s", exc)
            text = str(exc)
        else:
            log.error("registration failed", exc_info=exc)
            text = t("page.error.body", lang)
        self._status.value = snippet(_T, "outcome", text, False)

    def _finish(self, outcome: Registered | Waiting) -> None:
        """Registered or waiting: the form is done with."""
        self.outcome = outcome
        self._form.layout.display = "none"
        self._taken.layout.display = "none"
        self._relabel()

    # -- drawing ---------------------------------------------------------------------------
    def _places(self) -> None:
        """The municipalities of the country chosen; the first of them until one is chosen."""
        places = self._service.municipalities(self._inputs["country"].value)
        relabel_options(self._inputs["municipality"], places)
        if places and self._inputs["municipality"].value not in {code for _name, code in places}:
            self._inputs["municipality"].value = places[0][1]

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang, outcome = self.lang, self.outcome
        self._head.value = part("heading", 1, t("register.title", lang),
                                t("register.intro", lang, name=self._service.person))
        labels = {name: t(f"register.field.{name}", lang) for name in FIELDS}
        for name, label in labels.items():
            self._inputs[name].description = label
            self._inputs[name].style.description_width = "initial"
        self._inputs["orgnr"].placeholder = t("profile.orgnr_hint", lang)
        relabel_options(self._inputs["kind"], sorted(((capital(t(f"kind.{k}", lang)), k)
                                                      for k in self._service.kinds()), key=lambda p: p[0]))
        relabel_options(self._inputs["country"], [(t(key, lang), c) for c, key in COUNTRIES.items()])
        relabel_options(self._inputs["position"], [(t(f"invite.position.{p}", lang), p) for p in POSITIONS])
        self._register.description = t("register.save", lang)
        if isinstance(outcome, Taken):
            self._taken_text.value = snippet(_T, "taken", t("register.taken", lang, name=outcome.name))
            self._join.description = t("register.join", lang, name=outcome.name)
        if isinstance(outcome, Registered):
            self._done.value = snippet(_T, "ready", t("register.ready.title", lang), t("register.ready.body", lang),
                                       self._service.app_url(), t("register.ready.open", lang))
        elif isinstance(outcome, Waiting):
            self._done.value = snippet(_T, "waiting", t("register.waiting.title", lang),
                                       t("register.waiting.body", lang, name=outcome.organisation))
        elif self._declined:
            self._done.value = snippet(_T, "outcome", t("register.declined", lang, name=self._declined), False)
        else:
            self._done.value = ""
