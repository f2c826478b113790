"""The participant's "Workshop" step and the facilitator's "Workshops" page.

:class:`WorkshopStep` lists the open rounds of the participant's cluster (kept current by polling
the cluster's change counter) and shows the board of the one chosen. :class:`WorkshopsPage` lets a
facilitator open a round on a finding, an option, a gap or a draft decision, with a question, a
time box and dots per person, and run any round's board (themes, merges, more time, close).
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..store.workshops import SUBJECT_KINDS
from ..templating import part
from .facilitator_style import style
from .lesson_form import round_lessons
from .workshop_board import STYLE, WorkshopBoardView
from .workshop_service import Poller, WorkshopService, error_text

__all__ = ["WorkshopStep", "WorkshopsPage"]

log = logging.getLogger(__name__)


class _Rounds(w.VBox):
    """A heading, a list of rounds to choose from, and the board of the chosen one."""

    lang = Unicode("nb")

    def __init__(self, service: WorkshopService, lang: str, live: bool):
        super().__init__()
        self.add_class("klynge-fac")
        self.add_class("klynge-ws")
        self.service, self._live = service, live
        self._title, self._status = w.HTML(), w.HTML()
        self.add_class(self.css)
        self._choose = w.Dropdown(style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self._choose.add_class("klynge-ws-choose")
        self._choose.observe(self._on_choose, "value")
        self._holder = w.VBox()
        self.board: WorkshopBoardView | None = None
        self._quiet = False
        self.lang = lang
        self._retitle()

    def rounds(self):
        raise NotImplementedError

    def show_rounds(self) -> None:
        rounds = self.rounds()
        lang = self.lang
        options = [(f"{r.question} ({t('workshop.state.' + r.state, lang)})", r.id) for r in rounds]
        current = self._choose.value
        self._quiet = True
        try:
            self._choose.options = options
            self._choose.value = current if current in {r.id for r in rounds} else (options[0][1] if options else None)
        finally:
            self._quiet = False
        self._choose.description = t("workshop.round", lang)
        self._choose.layout.display = None if options else "none"
        self._status.value = "" if options else part("para", t("workshop.no_rounds", lang), css="klynge-fac-muted")
        if self._choose.value != (self.board.round_id if self.board else None):
            self.show_board(self._choose.value)

    def show_board(self, round_id: int | None) -> None:
        if self.board is not None:
            self.board.close()
            self.board = None
        if round_id is None:
            self._holder.children = []
            return
        try:
            self.board = WorkshopBoardView(self.service, round_id, self.lang, live=self._live)
            self._holder.children = [self.board]
        except Exception as exc:
            self._holder.children = [w.HTML(part("para", error_text(exc, self.lang), css="klynge-message",
                                                 role="alert"))]

    def _on_choose(self, change) -> None:
        if not self._quiet and change["new"] != (self.board.round_id if self.board else None):
            self.show_board(change["new"])

    def _retitle(self) -> None:
        self._title.value = part("heading", 1, t(self.title_key, self.lang), t(self.intro_key, self.lang))

    @observe("lang")
    def _on_lang(self, change) -> None:
        self._retitle()
        if self.board is not None:
            self.board.lang = change["new"]
        if self._choose.options:
            self.show_rounds()


class WorkshopStep(_Rounds):
    """The participant's step: the open rounds of my cluster, and the board of the one I chose."""

    title_key, intro_key, css = "workshop.step.title", "workshop.step.intro", "klynge-ws-step"

    def __init__(self, service: WorkshopService, lang: str = "nb", live: bool = True):
        super().__init__(service, lang, live)
        self.children = [style(STYLE), self._title, self._status, self._choose, self._holder]
        self.signal = Poller(service.signal, lambda _v: self.show_rounds())
        self.show_rounds()
        if live:
            self.signal.start(service.signal())

    def rounds(self):
        return self.service.rounds("open")

    def close(self) -> None:
        self.signal.stop()
        if self.board is not None:
            self.board.close()
        super().close()


class WorkshopsPage(_Rounds):
    """The facilitator's page: open a round on something from the lists, and run every round."""

    title_key, intro_key, css = "workshop.page.title", "workshop.page.intro", "klynge-ws-page"

    def __init__(self, service: WorkshopService, lang: str = "nb", live: bool = True):
        super().__init__(service, lang, live)
        self._kind = w.Dropdown()
        self._kind.observe(lambda _c: self._fill_subjects(), "value")
        self._subject = w.Dropdown()
        self._question = w.Textarea()
        self._minutes = w.BoundedIntText(value=20, min=1, max=480)
        self._dots = w.BoundedIntText(value=5, min=1, max=20)
        self._open = w.Button()
        self._open.button_style = "primary"
        self._open.on_click(lambda _b: self._on_open())
        self._said = w.HTML()
        for widget, css in ((self._kind, "kind"), (self._subject, "subject"), (self._question, "question-input"),
                            (self._minutes, "minutes"), (self._dots, "dots-each"), (self._open, "open"),
                            (self._said, "said")):
            widget.add_class(f"klynge-ws-{css}")
            if hasattr(widget, "description"):
                widget.style.description_width = "initial"
        self._form_title = w.HTML()
        form = w.VBox([self._form_title, self._kind, self._subject, self._question, self._minutes, self._dots,
                       self._open, self._said])
        form.add_class("klynge-fac-section")
        form.add_class("klynge-ws-form")
        self._list_title = w.HTML()
        self._subjects = []
        self._decision = w.Dropdown(style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self._decision.add_class("klynge-ws-decision")
        self._feed = w.Button()
        self._feed.add_class("klynge-ws-feed")
        self._feed.on_click(lambda _b: self._on_feed())
        self._fed = w.HTML()
        self._feeding = w.HBox([self._decision, self._feed, self._fed])
        self._feeding.add_class("klynge-ws-row")
        self.children = [style(STYLE), self._title, form, self._list_title, self._status, self._choose, self._feeding,
                         self._holder]
        self._label()
        self.show_rounds()

    def rounds(self):
        return self.service.rounds(None)

    def _label(self) -> None:
        lang = self.lang
        self._form_title.value = part("heading", 3, t("workshop.open_title", lang))
        self._list_title.value = part("heading", 3, t("workshop.rounds_title", lang))
        kind = self._kind.value
        self._kind.options = [(t(f"workshop.subject.{k}", lang), k) for k in SUBJECT_KINDS]
        self._kind.value = kind or SUBJECT_KINDS[0]
        self._kind.description = t("workshop.subject_kind", lang)
        self._subject.description = t("workshop.subject", lang)
        self._question.description = t("workshop.question", lang)
        self._question.placeholder = t("workshop.question_placeholder", lang)
        self._minutes.description = t("workshop.minutes", lang)
        self._dots.description = t("workshop.dots", lang)
        self._open.description = t("workshop.open", lang)
        self._decision.description = t("workshop.fed", lang)
        self._feed.description = t("workshop.feed", lang)
        self._subjects = self.service.subjects(lang)
        self._fill_subjects()

    def _fill_subjects(self) -> None:
        options = [(s.title, k) for k, s in enumerate(self._subjects) if s.kind == self._kind.value]
        options = options or [(t("workshop.no_subjects", self.lang), -1)]
        self._subject.options = options
        self._subject.value = options[0][1]

    @observe("lang")
    def _relabel(self, _change) -> None:
        if hasattr(self, "_kind"):
            self._label()

    def show_board(self, round_id: int | None) -> None:
        super().show_board(round_id)
        lessons = round_lessons(self, self.board)  # the round's lessons, offered under its board once it is closed
        if lessons is not None:
            self._holder.children = (*self._holder.children, lessons)
        if not hasattr(self, "_decision"):
            return
        rounds = {r.id: r for r in self.rounds()} if round_id is not None else {}
        options = [(t("workshop.no_decision", self.lang), 0), *self.service.decisions()]
        self._decision.options = options
        self._decision.value = (rounds[round_id].decision_id or 0) if round_id in rounds else 0
        self._feeding.layout.display = None if round_id is not None else "none"
        self._fed.value = ""

    def _on_feed(self) -> None:
        round_id = self._choose.value
        if round_id is None:
            return
        self._feed.disabled = True
        try:
            self.service.feed(round_id, self._decision.value or None)
            self._fed.value = part("span", t("workshop.fed_ok", self.lang), css="klynge-fac-ok", role="status")
            if self.board is not None:
                self.board.refresh()
        except Exception as exc:
            self._fed.value = part("span", error_text(exc, self.lang), css="klynge-message", role="alert")
        finally:
            self._feed.disabled = False

    def _on_open(self) -> None:
        lang = self.lang
        index = self._subject.value
        if index is None or index < 0:
            self._said.value = part("para", t("workshop.error.no_subject", lang), css="klynge-message", role="alert")
            return
        self._open.disabled = True
        try:
            rnd = self.service.open_round(self._subjects[index], self._question.value, self._minutes.value,
                                          self._dots.value)
            self._said.value = part("para", t("workshop.opened", lang), css="klynge-fac-ok", role="status")
            self._question.value = ""
            self._quiet = True
            self.show_rounds()
            self._choose.value = rnd.id
            self.show_board(rnd.id)
        except Exception as exc:
            self._said.value = part("para", error_text(exc, lang), css="klynge-message", role="alert")
        finally:
            self._quiet = False
            self._open.disabled = False
