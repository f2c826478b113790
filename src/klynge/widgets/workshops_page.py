"""The participant's "Workshop" step and the facilitator's "Workshops" page.

:class:`WorkshopStep` lists the open rounds of the participant's cluster (kept current by polling
the cluster's change counter) and shows the board of the one chosen. :class:`WorkshopsPage` lets a
facilitator open a round on a finding, an option, a gap or a draft decision, with a question, a
time box and dots per person, and run any round's board (themes, merges, more time, close).
"""

from __future__ import annotations

import logging

import ipywidgets as w
from markupsafe import Markup
from traitlets import Unicode, observe

from ..i18n import t
from ..store.workshops import SUBJECT_KINDS
from ..templating import part
from ..workshop_import import FORMATS, TOOLS, summary
from .facilitator_style import style
from .lesson_form import round_lessons
from .workshop_board import STYLE, WorkshopBoardView
from .workshop_service import Poller, WorkshopService, error_text

__all__ = ["WorkshopStep", "WorkshopsPage"]

log = logging.getLogger(__name__)

#: The facilitator page's forms: each label above its field, every field as wide as the form (the whole
#: width on a phone), the two numbers side by side where they fit.
PAGE_STYLE = """
.klynge-ws-page .klynge-ws-fields{max-width:40rem}
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox{flex-direction:column;align-items:stretch;flex-wrap:nowrap;
 height:auto;width:100%;max-width:100%;gap:4px;margin:6px 0}
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox>.widget-label{width:auto!important;max-width:100%;height:auto;
 margin:0;text-align:left;font-weight:600;line-height:1.3;white-space:normal}
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox select,
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox input,
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox textarea{width:100%!important;max-width:100%;min-width:0;
 height:38px;box-sizing:border-box;flex:0 0 auto}
.klynge-ws-page .klynge-ws-fields .widget-inline-hbox textarea{height:auto;min-height:5rem;padding:6px 8px}
.klynge-ws-page .klynge-ws-numbers{display:flex;flex-wrap:wrap;gap:0 16px;width:100%}
.klynge-ws-page .klynge-ws-numbers>.widget-inline-hbox{flex:1 1 9rem;width:auto}
.klynge-ws-page .klynge-ws-fields .jupyter-button{align-self:flex-start;margin-top:8px}
.klynge-ws-page .klynge-ws-fields h3,.klynge-ws-page .klynge-ws-fields h4{margin:0 0 4px}
.klynge-ws-page .klynge-ws-imported p{margin:4px 0}
/* the upload button writes "label (0)": its own text is hidden and the label (its title) shown */
.klynge-ws-page .klynge-ws-upload{font-size:0!important;width:auto;max-width:100%}
.klynge-ws-page .klynge-ws-upload i{font-size:1rem}
.klynge-ws-page .klynge-ws-upload::after{content:attr(title);font-size:1rem;margin-left:.4em}
"""


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
    """The facilitator's page: open a round on something from the lists, import ideas into it, and run every round."""

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
        self._format = w.Dropdown()
        self._upload = w.FileUpload(accept=".csv,.txt,text/csv,text/plain", multiple=False)
        self._upload.observe(self._on_upload, "value")
        self._imported = w.HTML()
        for widget, css in ((self._kind, "kind"), (self._subject, "subject"), (self._question, "question-input"),
                            (self._minutes, "minutes"), (self._dots, "dots-each"), (self._open, "open"),
                            (self._said, "said"), (self._format, "format"), (self._upload, "upload"),
                            (self._imported, "imported")):
            widget.add_class(f"klynge-ws-{css}")
            if hasattr(widget, "description"):
                widget.style.description_width = "initial"
        self._form_title = w.HTML()
        numbers = w.HBox([self._minutes, self._dots])
        numbers.add_class("klynge-ws-numbers")
        form = w.VBox([self._form_title, self._kind, self._subject, self._question, numbers, self._open, self._said])
        form.add_class("klynge-fac-section")
        form.add_class("klynge-ws-form")
        form.add_class("klynge-ws-fields")
        self._import_title = w.HTML()
        self._importing = w.VBox([self._import_title, self._format, self._upload, self._imported])
        self._importing.add_class("klynge-fac-section")
        self._importing.add_class("klynge-ws-import")
        self._importing.add_class("klynge-ws-fields")
        self._list_title = w.HTML()
        self._subjects = []
        self._decision = w.Dropdown(style={"description_width": "initial"})
        self._decision.add_class("klynge-ws-decision")
        self._feed = w.Button()
        self._feed.add_class("klynge-ws-feed")
        self._feed.on_click(lambda _b: self._on_feed())
        self._fed = w.HTML()
        self._feeding = w.VBox([self._decision, self._feed, self._fed])
        self._feeding.add_class("klynge-fac-section")
        self._feeding.add_class("klynge-ws-feeding")
        self._feeding.add_class("klynge-ws-fields")
        self.children = [style(), style(STYLE), style(PAGE_STYLE), self._title, form, self._list_title, self._status,
                         self._choose, self._importing, self._feeding, self._holder]
        self._label()
        self.show_rounds()
        self._show_actions()

    def rounds(self):
        return self.service.rounds(None)

    def _label(self) -> None:
        lang = self.lang
        self._form_title.value = part("heading", 3, t("workshop.open_title", lang))
        self._list_title.value = part("heading", 3, t("workshop.rounds_title", lang))
        self._import_title.value = part("heading", 4, t("workshop.import.title", lang), t("workshop.import.help", lang),
                                        intro_css="klynge-fac-muted")
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
        chosen = self._format.value
        self._format.options = [(t("workshop.import.auto", lang), ""), *((TOOLS[f], f) for f in FORMATS)]
        self._format.value = chosen or ""
        self._format.description = t("workshop.import.format", lang)
        self._upload.description = self._upload.tooltip = t("workshop.import.button", lang)
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
        self._fed.value = self._imported.value = ""
        if self.board is not None:
            self.board.observe(lambda _c: self._show_actions(), "state")
        self._show_actions()

    def _show_actions(self) -> None:
        """Ideas are imported into an open round; a closed round's outcome may feed a decision."""
        state = self.board.state if self.board is not None else ""
        self._importing.layout.display = None if state == "open" else "none"
        self._feeding.layout.display = None if state == "closed" else "none"

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

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        try:
            self.import_file(bytes(files[0]["content"]), str(files[0]["name"]))
        finally:
            self._upload.value = ()

    def import_file(self, data: bytes, name: str) -> None:
        """Import a file's ideas into the round shown, and say in plain words what came in and what did not."""
        lang, round_id = self.lang, self._choose.value
        if round_id is None or self.board is None:
            self._imported.value = part("para", t("workshop.import.no_round", lang), css="klynge-message", role="alert")
            return
        self._upload.disabled = True
        try:
            result = self.service.import_file(round_id, data, name, self._format.value or None, lang)
            self._imported.value = Markup("").join(part("para", line, css="klynge-fac-ok" if k == 0 else "",
                                                         role="status" if k == 0 else "")
                                                    for k, line in enumerate(summary(result, name, lang)))
            self.board.refresh()
        except Exception as exc:
            log.info("a workshop import was refused: %s", exc)
            self._imported.value = part("para", error_text(exc, lang), css="klynge-message", role="alert")
        finally:
            self._upload.disabled = False

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
