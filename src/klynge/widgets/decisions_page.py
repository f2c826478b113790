"""The facilitator's "Decisions & maturity" page: the members' decisions on findings' options, and the
maturity self-assessment (:mod:`klynge.widgets.maturity_page`), as two tabs.

:class:`DecisionsPage` records what the members decided on an option of a finding (chosen,
amended or rejected, by whom, when and why), lists the decisions with every earlier version,
and flags a decision whose finding the latest batch run no longer makes. A decision is never
made by the software: the page only records it. HTML comes from ``widgets/decisions.html.j2``.
"""

from __future__ import annotations

import logging
from datetime import date

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KlyngeError
from ..formatting import day
from ..i18n import t
from ..model import OUTCOMES
from ..templating import part, snippet
from .decisions_service import DecisionsService, FindingChoice, MaturityService
from .facilitator_style import style
from .maturity_page import STYLE, MaturityPage, attempt
from .members_page import _choose as choose

__all__ = ["DecisionsMaturityPage", "DecisionsPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/decisions.html.j2"


def _wide() -> w.Layout:
    """A layout of its own for each field: a shared one would hide or show them all at once."""
    return w.Layout(width="100%", max_width="40rem")


class DecisionsPage(w.VBox):
    """Record a decision on a finding's option, edit one, and read them all with their history."""

    lang = Unicode("nb")

    def __init__(self, service: DecisionsService, today=date.today):
        super().__init__()
        self.add_class("klynge-decisions")
        self.add_class("klynge-fac")
        self._service, self._today = service, today
        self._findings: list[FindingChoice] | None = None
        self._rows = []
        self._editing: tuple[int, int] | None = None  # (decision id, the version the edit started from)
        self._shown: list[tuple[str, int]] = []  # (label, id) of the people the edited decision names by id
        self._head = w.HTML()
        self._form_head = w.HTML()
        self._finding = w.Dropdown(options=[], layout=_wide())
        self._finding.add_class("klynge-decisions-finding")
        self._finding.observe(lambda _c: self._fill_options(), "value")
        self._finding_id = w.Text(layout=_wide())
        self._finding_id.add_class("klynge-decisions-finding-id")
        self._option = w.Dropdown(options=[], layout=_wide())
        self._option.add_class("klynge-decisions-option")
        self._option_id = w.Text(layout=_wide())
        self._option_id.add_class("klynge-decisions-option-id")
        self._outcome = w.Dropdown(options=[(o, o) for o in OUTCOMES], value="chosen")
        self._outcome.add_class("klynge-decisions-outcome")
        self._outcome.observe(lambda _c: self._show_amendment(), "value")
        self._amendment = w.Textarea(layout=_wide())
        self._amendment.add_class("klynge-decisions-amendment")
        self._reasoning = w.Textarea(layout=_wide())
        self._reasoning.add_class("klynge-decisions-reasoning")
        self._decided_by = w.Text(layout=_wide())
        self._decided_by.add_class("klynge-decisions-by")
        self._by_help = w.HTML()  # said only while people named by id are in the form
        self._by_help.add_class("klynge-decisions-by-help")
        self._decided_on = w.DatePicker(value=today())
        self._decided_on.add_class("klynge-decisions-on")
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-decisions-save")
        self._save.on_click(lambda _b: self.save())
        self._new = w.Button()
        self._new.add_class("klynge-decisions-new")
        self._new.on_click(lambda _b: self.new())
        buttons = w.HBox([self._save, self._new])
        buttons.add_class("klynge-fac-row")
        self._status = w.HTML()
        self._status.add_class("klynge-decisions-status")
        form = w.VBox([self._form_head, self._finding, self._finding_id, self._option, self._option_id,
                       self._outcome, self._amendment, self._reasoning, self._decided_by, self._by_help,
                       self._decided_on, buttons, self._status])
        form.add_class("klynge-fac-section")
        self._list_head = w.HTML()
        self._pick = w.Dropdown(options=[], layout=_wide())
        self._pick.add_class("klynge-decisions-pick")
        self._edit = w.Button()
        self._edit.add_class("klynge-decisions-edit")
        self._edit.on_click(lambda _b: self._pick.value is not None and self.edit(self._pick.value))
        pick = w.HBox([self._pick, self._edit])
        pick.add_class("klynge-fac-row")
        self._list = w.HTML()
        self._list.add_class("klynge-decisions-list")
        listing = w.VBox([self._list_head, pick, self._list])
        listing.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), self._head, form, listing]
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the findings of the latest run and the decisions again."""
        try:
            self._findings = self._service.findings(self.lang)
            self._rows = self._service.decisions()
        except Exception:
            log.exception("the decisions could not be read")
            self._say(t("page.error.body", self.lang), problem=True)
        self._relabel()

    def _choices(self) -> dict[str, FindingChoice]:
        return {f.id: f for f in self._findings or []}

    # -- actions ---------------------------------------------------------------------------
    def values(self) -> dict:
        """The form as the service takes it."""
        listed = self._findings is not None
        return {"finding_id": (self._finding.value if listed else self._finding_id.value) or "",
                "option_id": (self._option.value if listed and self._option.options else self._option_id.value) or "",
                "outcome": self._outcome.value, "amendment": self._amendment.value,
                "reasoning": self._reasoning.value, "decided_by": self._decided_by.value,
                "decided_on": self._decided_on.value}

    def save(self) -> None:
        """Record the decision in the form (or the edit of the one chosen); say what happened beside it."""
        lang = self.lang

        def save() -> None:
            editing = self._editing
            stored = self._service.save(self.values(), lang, decision_id=editing and editing[0],
                                        base_version=editing and editing[1], shown=self._shown if editing else ())
            self._editing = (stored.id, stored.version) if editing else None
            self._shown = self._service.shown(stored.decision) if editing else []
            self._by_help.layout.display = None if self._shown else "none"
            self._rows = self._service.decisions()
            if not editing:
                self._clear()
            self._draw()
            self._say(t("decisions.saved_ok", lang, version=stored.version))

        attempt(self._save, self._say, save, lang, "decisions.conflict", "saving a decision")

    def edit(self, decision_id: int) -> None:
        """Put a decision in the form; saving then adds a version on top of the one shown."""
        stored = next((d for d in self._rows if d.id == decision_id), None)
        if stored is None:
            return
        d = stored.decision
        self._editing = (stored.id, stored.version)
        if self._findings is not None:
            # a finding (or option) the latest run no longer makes stays choosable while its decision is edited,
            # so that saving the edit never moves the decision to another option unasked
            found = self._choices().get(d.finding_id) or FindingChoice(d.finding_id, d.finding_id)
            if d.option_id not in [i for _l, i in found.options]:
                found = FindingChoice(found.id, found.label, (*found.options, (d.option_id, d.option_id)))
                self._findings = [f for f in self._findings if f.id != found.id] + [found]
                self._fill_findings()
        self._finding.value = d.finding_id if self._findings is not None else None
        self._finding_id.value = d.finding_id
        self._fill_options()
        if d.option_id in [v for _l, v in self._option.options]:
            self._option.value = d.option_id
        self._option_id.value = d.option_id
        self._outcome.value = d.outcome
        self._amendment.value = d.amendment
        self._reasoning.value = d.reasoning
        # people named by id show as their names; a name left unchanged keeps its id when saved
        self._shown = self._service.shown(d)
        self._decided_by.value = ", ".join(self._service.names(d, self.lang))
        self._decided_on.value = d.decided_on
        self._relabel()

    def choose(self, finding_id: str, option_id: str | None = None) -> None:
        """Start a new decision on ``finding_id`` with ``option_id`` (its first option when None) chosen.

        A finding the page does not list (the run changed since) is added to the list, so the
        choice is never silently moved to another finding.
        """
        if self._editing:
            self.new()
        if self._findings is None:
            self._finding_id.value, self._option_id.value = finding_id, option_id or ""
            return
        if finding_id not in self._choices():
            options = ((option_id, option_id),) if option_id else ()
            self._findings = [*self._findings, FindingChoice(finding_id, finding_id, options)]
            self._fill_findings()
        self._finding.value = finding_id
        self._fill_options()
        values = [v for _l, v in self._option.options]
        if option_id in values:
            self._option.value = option_id
        elif values and option_id is None:
            self._option.value = values[0]
        else:
            self._option_id.value = option_id or ""

    def new(self) -> None:
        """Leave an edit: the form records a new decision."""
        self._editing = None
        self._shown = []
        self._clear()
        self._relabel()

    def _clear(self) -> None:
        self._amendment.value = self._reasoning.value = self._decided_by.value = ""
        self._finding_id.value = self._option_id.value = ""
        self._outcome.value = "chosen"
        self._decided_on.value = self._today()

    def _say(self, text: str, problem: bool = False) -> None:
        self._status.value = part("para", text, css="klynge-message" if problem else "klynge-fac-ok",
                                  role="alert" if problem else "status")

    # -- drawing ---------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, _change) -> None:
        self.refresh()

    def _fill_findings(self) -> None:
        listed = self._findings is not None
        choose(self._finding, [(f"{f.label} ({f.id})" if f.label != f.id else f.id, f.id)
                               for f in self._findings or []])
        self._finding.layout.display = None if listed else "none"
        self._finding_id.layout.display = "none" if listed else None
        self._fill_options()

    def _fill_options(self) -> None:
        choice = self._choices().get(self._finding.value) if self._findings is not None else None
        options = list(choice.options) if choice else []
        choose(self._option, options)
        # a finding without listed options (or no findings at all) takes the option's id as text
        self._option.layout.display = None if options else "none"
        self._option_id.layout.display = "none" if options else None

    def _show_amendment(self) -> None:
        self._amendment.layout.display = None if self._outcome.value == "amended" else "none"

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("decisions.title", lang), t("decisions.intro", lang))
        title = "decisions.form.edit" if self._editing else "decisions.form.new"
        self._form_head.value = part("heading", 2, t(title, lang), "" if self._findings is not None else
                                     t("decisions.no_findings", lang), intro_css="klynge-fac-muted")
        self._finding.description = self._finding_id.description = t("decisions.finding", lang)
        self._option.description = self._option_id.description = t("decisions.option", lang)
        self._outcome.description = t("decisions.outcome", lang)
        chosen = self._outcome.value
        self._outcome.options = [(t(f"decisions.outcome.{o}", lang), o) for o in OUTCOMES]
        self._outcome.value = chosen
        self._amendment.description = t("decisions.amendment", lang)
        self._reasoning.description = t("decisions.reasoning", lang)
        self._reasoning.placeholder = t("decisions.reasoning_help", lang)
        self._decided_by.description = t("decisions.decided_by", lang)
        self._decided_by.placeholder = t("decisions.decided_by_help", lang)
        self._by_help.value = part("para", t("decisions.decided_by_kept", lang), css="klynge-fac-muted")
        self._by_help.layout.display = None if self._shown else "none"
        self._decided_on.description = t("decisions.decided_on", lang)
        self._save.description = t("decisions.save_edit" if self._editing else "decisions.save", lang)
        self._new.description = t("decisions.new", lang)
        self._new.layout.display = None if self._editing else "none"
        self._list_head.value = part("heading", 2, t("decisions.list", lang), t("decisions.list_help", lang),
                                     intro_css="klynge-fac-muted")
        self._pick.description = t("decisions.pick", lang)
        self._edit.description = t("decisions.edit", lang)
        for box in (self._finding, self._finding_id, self._option, self._option_id, self._outcome, self._amendment,
                    self._reasoning, self._decided_by, self._decided_on, self._pick):
            box.style.description_width = "initial"
        self._fill_findings()
        self._show_amendment()
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        choices = self._choices()
        try:
            flagged = self._service.orphaned(self._rows, lang)
        except Exception:
            log.exception("the decisions' findings could not be checked")
            flagged = set()
        rows = []
        for stored in reversed(self._rows):  # newest first
            d = stored.decision
            finding = choices.get(d.finding_id)
            option = dict((i, label) for label, i in finding.options).get(d.option_id) if finding else None
            history = []
            try:
                history = [self._entry(old, option, lang) for old in self._service.history(stored.id)[:-1]][::-1]
            except KlyngeError:
                log.exception("the history of decision %s could not be read", stored.id)
            rows.append({**self._entry(stored, option, lang), "id": stored.id, "finding_id": d.finding_id,
                         "finding": finding.label if finding else d.finding_id, "orphaned": stored.id in flagged,
                         "history": history})
        self._list.value = snippet(_TEMPLATE, "decisions", rows, lang)
        pick = [(f"{r['finding']} · {t('decisions.outcome.' + r['outcome'], lang)} · {r['date']}", r["id"])
                for r in rows]
        choose(self._pick, pick)
        self._edit.disabled = not pick

    def _entry(self, stored, option_label: str | None, lang: str) -> dict:
        d = stored.decision
        return {"outcome": d.outcome, "option": option_label or d.option_id, "amendment": d.amendment,
                "reasoning": d.reasoning, "names": ", ".join(self._service.names(d, lang)),
                "date": day(d.decided_on, lang),
                "version": stored.version, "author": stored.author}


class DecisionsMaturityPage(w.Tab):
    """The "Decisions & maturity" page: decisions in one tab, the self-assessment in the other."""

    lang = Unicode("nb")

    def __init__(self, decisions: DecisionsService, maturity: MaturityService):
        pages = DecisionsPage(decisions), MaturityPage(maturity)
        super().__init__(children=list(pages))
        self.decisions, self.maturity = pages
        self.add_class("klynge-dm-tabs")
        self._relabel()

    def refresh(self) -> None:
        self.decisions.refresh()
        self.maturity.refresh()

    @observe("lang")
    def _on_lang(self, change) -> None:
        self.decisions.lang = self.maturity.lang = change["new"]
        self._relabel()

    def _relabel(self) -> None:
        self.titles = (t("decisions.tab", self.lang), t("maturity.tab", self.lang))
