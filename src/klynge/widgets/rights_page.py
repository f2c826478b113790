"""Personal data sections: "My data" for everyone, and for facilitators erasing a person and the audit log.

:class:`MyDataSection` shows the signed-in person what is stored about them, in brief, and sends
all of it as a JSON download. :class:`ErasureSection` erases a person after a question that names
them and says what goes and what stays; it warns when the person is their organisation's only
one and refuses the cluster's last facilitator (the command line can, and the message says how).
:class:`AuditSection` lists the audit log with filters. Each is handed a
:class:`~klynge.widgets.rights_service.RightsService`; failures are logged and shown as one line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KlyngeError, Refused
from ..i18n import t
from ..store.audit import AUDIT_ACTIONS
from ..templating import part, snippet
from .download import Download
from .rights_service import RightsService

__all__ = ["AuditSection", "ErasureSection", "MyDataSection"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/rights.html.j2"

STYLE = """
.klynge-rights-summary{display:grid;grid-template-columns:fit-content(28em) 1fr;gap:2px 14px;margin:6px 0 10px}
.klynge-rights-summary dt{font-weight:600}.klynge-rights-summary dd{margin:0;overflow-wrap:anywhere}
.klynge-rights-of{color:#52606d}
.klynge-rights-empty{margin:0 0 10px}.klynge-rights-empty summary{cursor:pointer;color:#52606d}
.klynge-rights-empty ul{margin:4px 0 0;padding-left:1.2em;columns:2 22em}
.klynge-rights .jupyter-button{width:auto;max-width:100%;white-space:normal;height:auto;min-height:32px}
.klynge-rights .widget-hbox{flex-wrap:wrap;gap:6px 10px;align-items:center}
.klynge-rights .widget-dropdown select{max-width:100%}
.klynge-audit-table code{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}
@media (max-width:700px){.klynge-rights-summary{grid-template-columns:1fr}
  .klynge-rights .widget-dropdown,.klynge-rights .widget-datepicker{width:100%}
  .klynge-rights .widget-dropdown select{min-width:0!important;width:100%}}
"""


def _line(text: str, *, problem: bool = False) -> str:
    return part("para", text, css="klynge-message" if problem else "klynge-fac-ok", role="status")


class MyDataSection(w.VBox):
    """What is stored about the signed-in person, and a button that downloads all of it as JSON."""

    lang = Unicode("nb")

    def __init__(self, service: RightsService, *, heading_level: int = 2):
        super().__init__()
        self.add_class("klynge-rights")
        self.add_class("klynge-rights-mine")
        self._service, self._level = service, heading_level
        self._download = Download()
        self.last = None  # the file sent last
        self._head, self._summary, self._status = w.HTML(), w.HTML(), w.HTML()
        self._button = w.Button(button_style="primary", icon="download", layout=w.Layout(width="auto"))
        self._button.add_class("klynge-rights-download")
        self._button.on_click(lambda _b: self.download())
        self.children = [w.HTML(part("style", STYLE)), self._head, self._summary,
                         w.HBox([self._button]), self._status, self._download]  # a box: no stretching
        self.refresh()

    def refresh(self) -> None:
        try:
            self._summary.value = snippet(_TEMPLATE, "summary", self._service.my_summary(), self.lang)
        except Exception:
            log.exception("a person's own record could not be read")
            self._summary.value = _line(t("page.error.body", self.lang), problem=True)
        self._relabel()

    def download(self):
        """Send the person's whole record as a JSON file; returns it, or None when it failed."""
        self._button.disabled = True
        try:
            made = self._service.my_file()
            self._download.send_file(made.filename, made.data, made.mime)
            self.last = made
            self._status.value = _line(t("exports.ready", self.lang, file=made.filename))
            return made
        except Exception:
            log.exception("a person's own record could not be downloaded")
            self._status.value = _line(t("rights.mine.failed", self.lang), problem=True)
            return None
        finally:
            self._button.disabled = False

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self.refresh()

    def _relabel(self) -> None:
        self._head.value = part("heading", self._level, t("rights.mine.title", self.lang),
                                t("rights.mine.intro", self.lang))
        self._button.description = t("rights.mine.download", self.lang)


class ErasureSection(w.VBox):
    """Erase a person: pick them, say whether what they wrote goes too, answer a question that names them."""

    lang = Unicode("nb")

    def __init__(self, service: RightsService, on_erased: Callable[[], None] | None = None):
        super().__init__()
        self.add_class("klynge-rights")
        self.add_class("klynge-fac-section")
        self.add_class("klynge-rights-erase")
        self._service, self.on_erased = service, on_erased
        self._pending: tuple[int, str, bool] | None = None
        self._head = w.HTML()
        self._person = w.Dropdown(options=[])
        self._person.add_class("klynge-rights-person")
        self._remove = w.Checkbox(value=False, indent=False)
        self._remove.add_class("klynge-rights-remove-text")
        self._ask = w.Button(layout=w.Layout(width="auto"), button_style="danger")
        self._ask.add_class("klynge-rights-ask")
        self._ask.on_click(lambda _b: self.ask())
        self._question = w.HTML()
        self._yes = w.Button(layout=w.Layout(width="auto"), button_style="danger")
        self._yes.add_class("klynge-rights-yes")
        self._yes.on_click(lambda _b: self.confirm())
        self._no = w.Button(layout=w.Layout(width="auto"))
        self._no.add_class("klynge-rights-no")
        self._no.on_click(lambda _b: self.cancel())
        self._confirm = w.VBox([self._question, w.HBox([self._yes, self._no])], layout=w.Layout(display="none"))
        self._confirm.add_class("klynge-fac-confirm")
        self._status = w.HTML()
        self._status.add_class("klynge-rights-status")
        self.children = [self._head, w.HBox([self._person, self._remove, self._ask]), self._confirm, self._status]
        self.refresh()

    def refresh(self) -> None:
        try:
            people = self._service.people()
        except Exception:
            log.exception("the people to erase could not be listed")
            people = []
        chosen = self._person.value
        self._person.options = [(f"{p.name} · {p.email}", p.id) for p in people]
        ids = [p.id for p in people]
        self._person.value = chosen if chosen in ids else (ids[0] if ids else None)
        self._relabel()

    def choose(self, person_id: int) -> None:
        self._person.value = person_id

    @property
    def question(self) -> str:
        return self._question.value if self._confirm.layout.display != "none" else ""

    @property
    def status(self) -> str:
        return self._status.value

    def ask(self) -> None:
        """Ask before erasing, naming the person; the last facilitator is refused at once."""
        self._status.value = ""
        if self._person.value is None:
            return
        try:
            plan = self._service.plan(self._person.value)
        except KlyngeError as exc:
            self._status.value = _line(str(exc), problem=True)
            return
        if plan.last_facilitator:
            self._status.value = _line(t("rights.erase.last_facilitator", self.lang, name=plan.name,
                                         id=plan.person_id), problem=True)
            return
        self._pending = (plan.person_id, plan.name, self._remove.value)
        self._question.value = snippet(_TEMPLATE, "question", plan, self._remove.value, self.lang)
        self._confirm.layout.display = None

    def confirm(self) -> None:
        pending, self._pending = self._pending, None
        self._confirm.layout.display = "none"
        if pending is None:
            return
        person_id, name, remove_text = pending
        for b in (self._ask, self._yes):
            b.disabled = True
        try:
            result = self._service.erase(person_id, remove_text=remove_text)
            key = "rights.erase.done_alone" if result.alone else "rights.erase.done"
            self._status.value = _line(t(key, self.lang, name=name))
            self.refresh()
            if self.on_erased:
                self.on_erased()
        except Refused as exc:
            self._status.value = _line(t(exc.key, self.lang, name=name, **exc.values), problem=True)
        except KlyngeError as exc:
            log.warning("an erasure was refused: %s", exc)
            self._status.value = _line(str(exc), problem=True)
        except Exception:
            log.exception("an erasure failed")
            self._status.value = _line(t("page.error.body", self.lang), problem=True)
        finally:
            for b in (self._ask, self._yes):
                b.disabled = False

    def cancel(self) -> None:
        self._pending = None
        self._confirm.layout.display = "none"
        self._status.value = _line(t("rights.erase.cancelled", self.lang))

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 2, t("rights.erase.title", lang), t("rights.erase.intro", lang),
                                intro_css="klynge-fac-muted")
        self._person.description = t("members.person", lang)
        self._person.style.description_width = "initial"
        self._remove.description = t("rights.erase.remove_text", lang)
        self._ask.description = t("rights.erase.button", lang)
        self._yes.description = t("rights.erase.yes", lang)
        self._no.description = t("members.no", lang)


class AuditSection(w.VBox):
    """The audit log, newest first, filtered by what was done and from which day."""

    lang = Unicode("nb")

    def __init__(self, service: RightsService):
        super().__init__()
        self.add_class("klynge-rights")
        self.add_class("klynge-fac-section")
        self.add_class("klynge-rights-audit")
        self._service = service
        self._head = w.HTML()
        self._action = w.Dropdown(options=[("", "")])
        self._action.add_class("klynge-audit-action")
        self._since = w.DatePicker(value=None)
        self._since.add_class("klynge-audit-since")
        for box in (self._action, self._since):
            box.observe(lambda _c: self.refresh(), "value")
        self._table = w.HTML()
        self._table.add_class("klynge-audit")
        self.children = [self._head, w.HBox([self._action, self._since]), self._table]
        self._relabel()

    def refresh(self) -> None:
        try:
            entries = self._service.audit(since=self._since.value, action=self._action.value or None)
            self._table.value = snippet(_TEMPLATE, "audit", entries, self.lang)
        except Exception:
            log.exception("the audit log could not be read")
            self._table.value = _line(t("page.error.body", self.lang), problem=True)

    @property
    def table(self) -> str:
        return self._table.value

    def filter(self, *, action: str | None = None, since=None) -> None:
        self._action.value = action or ""
        self._since.value = since

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 2, t("audit.title", lang), t("audit.intro", lang),
                                intro_css="klynge-fac-muted")
        chosen = self._action.value
        self._action.options = [(t("audit.all", lang), ""), *((t(f"audit.action.{a}", lang), a)
                                                             for a in AUDIT_ACTIONS)]
        self._action.value = chosen
        self._action.description = t("audit.filter_action", lang)
        self._since.description = t("audit.since", lang)
        for box in (self._action, self._since):
            box.style.description_width = "initial"
        self.refresh()
