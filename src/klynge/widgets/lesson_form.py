"""The form that adds a lesson to the learning log (or edits one), and the lessons of a closed workshop round.

:class:`LessonForm` asks what we assumed, what we saw and what we change, the themes (short
tags, separated by commas), the SDG goals and the months (toggle buttons: real buttons, reachable
by keyboard, that wrap on a phone), and where the lesson comes from: a closed workshop round, a
concept's test or neither. The concept is chosen from the cluster's concepts by name and stage
(:meth:`~klynge.widgets.lessons_service.LessonsService.concepts`: tested and launched first, dropped
last), after a first choice of none, so that no concept is named by accident. A form made for one
round (``source``) asks nothing about the source. Saving an edit names the version it started
from: a save someone else's overtook is said, never written over.

:class:`RoundLessons` sits under a closed round's board on the facilitator's Workshops page
(:func:`round_lessons` makes it): the lessons the round gave so far and the form to add one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w
from markupsafe import Markup
from traitlets import Unicode, dlink, observe

from .. import reference
from ..i18n import t
from ..model import GOALS, SOURCE_KINDS
from ..store import StoredLesson
from ..store.access import decide
from ..templating import part, snippet
from .facilitator_style import style
from .lessons_service import LessonsService, error_text
from .profile_form import tick, toggles

__all__ = ["STYLE", "LessonForm", "RoundLessons", "goal_names", "lesson_cards", "month_names", "round_lessons"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/lessons.html.j2"
_CALENDAR = tuple(range(1, 13))

STYLE = """
.klynge-lessons{max-width:60rem}
.klynge-lesson{border:1px solid #d9e2ec;border-radius:10px;padding:8px 12px;margin:8px 0;background:#fff;
 box-sizing:border-box;max-width:100%;overflow-wrap:anywhere}
.klynge-lesson-meta,.klynge-lesson-source{color:#55615f;font-size:.9rem;margin:.2em 0}
.klynge-lesson-said{margin:.3em 0}
.klynge-lesson-said dt{font-weight:600;font-size:.85rem;color:#0f766e;margin-top:.3em}
.klynge-lesson-said dd{margin:0 0 .2em 0;white-space:pre-wrap}
.klynge-lesson-tags{list-style:none;padding:0;margin:.3em 0;display:flex;flex-wrap:wrap;gap:4px}
.klynge-lesson-tags li{border-radius:999px;padding:1px 10px;font-size:.85rem;background:#eef4f3}
.klynge-lesson-tags li.goal{background:#e8f0fe}
.klynge-lesson-tags li.month{background:#fdf3e7}
.klynge-lesson-links{font-size:.9rem;margin:.3em 0}
.klynge-lessons .klynge-lesson-form textarea{width:100%;min-height:3.5rem}
.klynge-lessons .klynge-lesson-form .widget-textarea,.klynge-lessons .klynge-lesson-form .widget-text{width:100%;
 max-width:40rem}
.klynge-lessons .klynge-lesson-form .widget-inline-hbox{flex-direction:column;align-items:stretch}
.klynge-lessons .klynge-lesson-form .widget-label{text-align:left!important;font-weight:600;width:auto!important}
.klynge-lessons .klynge-lesson-form textarea,.klynge-lessons .klynge-lesson-form input{box-sizing:border-box}
.klynge-lessons .klynge-lesson-form ::placeholder{color:#8b9593;opacity:1}
.klynge-lessons .klynge-lesson-form .widget-dropdown select{flex:0 0 auto;height:36px}
.klynge-lessons .klynge-lesson-form .widget-dropdown,.klynge-lessons .klynge-lesson-form .widget-text{max-width:40rem}
.klynge-lesson-toggles.widget-box{display:flex!important;flex-wrap:wrap;gap:6px;width:100%;max-width:40rem}
.klynge-lesson-toggles .jupyter-button{width:auto!important;min-width:2.6rem;min-height:36px;padding:0 8px}
.klynge-lesson-toggles .jupyter-button.mod-active{background:#0f766e;color:#fff}
.klynge-lessons .klynge-fac-row .jupyter-button{min-height:40px}
.klynge-lessons select[multiple]{width:100%;min-height:8rem}
.klynge-lessons .klynge-lessons-link{align-self:flex-start}
.klynge-lessons .widget-select-multiple{width:100%;max-width:40rem}
"""


def goal_names(lang: str) -> dict[int, str]:
    """Each SDG goal's short name in ``lang``."""
    return {g.number: g.short.get(lang) or g.short.get("en", "") for g in reference.goals()}


def month_names(lang: str) -> dict[int, str]:
    return {m: t(f"board.month.{m}", lang) for m in _CALENDAR}


def lesson_cards(lessons: list[StoredLesson], lang: str, links: dict[str, str] | None = None) -> Markup:
    """The lessons as cards (their text escaped), newest first as given."""
    goals, months = goal_names(lang), month_names(lang)
    return Markup("").join(snippet(_TEMPLATE, "lesson", x, goals, months, links or {}, lang) for x in lessons)


class LessonForm(w.VBox):
    """Add a lesson, or edit one (:meth:`edit`); ``source`` fixes where it comes from, e.g. ("round", 7)."""

    lang = Unicode("nb")

    def __init__(self, service: LessonsService, lang: str = "nb", source: tuple[str, int] | None = None,
                 on_saved: Callable[[StoredLesson], None] | None = None):
        super().__init__()
        self.add_class("klynge-lesson-form")
        self.service, self.source, self._on_saved = service, source, on_saved
        self.editing: tuple[int, int] | None = None  # (lesson id, the version the edit started from)
        self._title = w.HTML()
        self.assumed, self.saw, self.change = w.Textarea(), w.Textarea(), w.Textarea()
        self.themes = w.Text()
        self._themes_label, self._goals_label, self._months_label = w.HTML(), w.HTML(), w.HTML()
        self.goals, goals_box = toggles(GOALS, "klynge-lesson-goal")
        self.months, months_box = toggles(_CALENDAR, "klynge-lesson-month")
        for box in (goals_box, months_box):
            box.add_class("klynge-lesson-toggles")
        self.source_kind = w.Dropdown(options=[(k, k) for k in SOURCE_KINDS], value="none")
        self.source_kind.observe(lambda c: self._source_chosen(c["new"]), "value")
        self.round = w.Dropdown(options=[])
        self.concept = w.Dropdown(options=[])  # (name · stage, id), after ("none", 0): filled when asked for
        self.save_button = w.Button(button_style="primary")
        self.save_button.on_click(lambda _b: self.save())
        self.new_button = w.Button()
        self.new_button.on_click(lambda _b: self.new())
        self.status = w.HTML()
        for widget, css in ((self.assumed, "assumed"), (self.saw, "saw"), (self.change, "change"),
                            (self.themes, "themes"), (self.source_kind, "source-kind"), (self.round, "round"),
                            (self.concept, "concept"), (self.save_button, "save"), (self.new_button, "new"),
                            (self.status, "status")):
            widget.add_class(f"klynge-lesson-{css}")
            if hasattr(widget, "style") and hasattr(widget.style, "description_width"):
                widget.style.description_width = "initial"
        buttons = w.HBox([self.save_button, self.new_button])
        buttons.add_class("klynge-fac-row")
        sources = [] if source else [self.source_kind, self.round, self.concept]
        self.children = [self._title, self.assumed, self.saw, self.change, self._themes_label, self.themes,
                         self._goals_label, goals_box, self._months_label, months_box, *sources, buttons, self.status]
        self.lang = lang
        self._label()

    # -- the form -------------------------------------------------------------------------
    def values(self) -> dict:
        """The form as the service takes it."""
        kind, source_id = self.source or (self.source_kind.value, None)
        if source_id is None:
            source_id = self.round.value if kind == "round" else self.concept.value if kind == "concept" else None
        return {"assumed": self.assumed.value, "saw": self.saw.value, "change": self.change.value,
                "themes": self.themes.value, "goals": [g for g, b in self.goals.items() if b.value],
                "months": [m for m, b in self.months.items() if b.value], "source_kind": kind,
                "source_id": source_id}

    def save(self) -> StoredLesson | None:
        """Save the lesson in the form (the edit of the one chosen); say what happened beside the button."""
        lang = self.lang
        self.save_button.disabled = True
        try:
            editing = self.editing
            stored = self.service.save(self.values(), lang, lesson_id=editing and editing[0],
                                       base_version=editing and editing[1])
        except Exception as exc:  # said in the reader's language, never a traceback
            self._say(error_text(exc, lang), problem=True)
            return None
        finally:
            self.save_button.disabled = False
        if editing:
            self.editing = (stored.id, stored.version)
        else:
            self.clear()
        self._say(t("lesson.saved", lang, id=stored.id, version=stored.version))
        if self._on_saved is not None:
            self._on_saved(stored)
        return stored

    def edit(self, stored: StoredLesson) -> None:
        """Put a lesson in the form; saving then adds a version on top of the one shown."""
        lesson = stored.lesson
        self.editing = (stored.id, stored.version)
        self.assumed.value, self.saw.value, self.change.value = lesson.assumed, lesson.saw, lesson.change
        self.themes.value = ", ".join(lesson.themes)
        tick(self.goals, lesson.goals)
        tick(self.months, lesson.months)
        if not self.source:
            self._fill_rounds(lesson.source_id if lesson.source_kind == "round" else None)
            if lesson.source_kind == "concept":
                self._fill_concepts(lesson.source_id)
            self.source_kind.value = lesson.source_kind
        self.status.value = ""
        self._label()

    def new(self) -> None:
        """Leave an edit: the form adds a new lesson."""
        self.editing = None
        self.clear()
        self.status.value = ""
        self._label()

    def clear(self) -> None:
        for field in (self.assumed, self.saw, self.change, self.themes):
            field.value = ""
        tick(self.goals, ())
        tick(self.months, ())

    def _say(self, text: str, problem: bool = False) -> None:
        self.status.value = part("para", text, css="klynge-message" if problem else "klynge-fac-ok",
                                 role="alert" if problem else "status")

    def _fill_rounds(self, keep: int | None = None) -> None:
        """List the closed rounds; the one chosen (or ``keep``) stays chosen, also when it is no longer there
        (it is then said to be gone, never shown as a number)."""
        keep = self.round.value if keep is None else keep
        rounds = self.service.rounds()
        if keep is not None and keep not in {rid for _q, rid in rounds}:
            rounds.append((t("lesson.round_gone", self.lang), keep))
        self.round.options = rounds
        self.round.value = keep if keep is not None else (rounds[0][1] if rounds else None)

    def _fill_concepts(self, keep: int | None = None) -> None:
        """List the cluster's concepts afresh, in the form's language; the one chosen (or ``keep``) stays chosen,
        also when it is no longer there (it is then said to be gone, never shown as a number)."""
        lang = self.lang
        keep = (self.concept.value or 0) if keep is None else keep
        try:
            concepts = self.service.concepts(lang)
        except Exception:  # the form still works without the list; the reason is in the log
            log.exception("the concepts could not be read")
            concepts = []
        options = [(t("lesson.concept_none", lang), 0), *concepts]
        if keep and keep not in {cid for _label, cid in concepts}:
            options.append((t("lesson.concept_gone", lang), keep))
        self.concept.options = options
        self.concept.value = keep

    def _source_chosen(self, kind: str) -> None:
        if kind == "concept":  # read again: a concept may have been started or moved on since
            self._fill_concepts()
        self._show_source()

    def _show_source(self) -> None:
        kind = self.source_kind.value
        if kind == "round" and not self.round.options:
            self._fill_rounds()
        if kind == "concept" and not self.concept.options:
            self._fill_concepts()
        self.round.layout.display = None if kind == "round" else "none"
        self.concept.layout.display = None if kind == "concept" else "none"

    @observe("lang")
    def _relabel(self, _change) -> None:
        if hasattr(self, "source_kind"):
            if self.concept.options:  # the stages are named in the new language
                self._fill_concepts()
            if self.round.options:  # a round that is gone is said so in the new language
                self._fill_rounds()
            self._label()

    def _label(self) -> None:
        lang = self.lang
        title = t("lesson.edit_title", lang, id=self.editing[0]) if self.editing else t("lesson.add_title", lang)
        self._title.value = part("heading", 3, title)
        for field, name, help_key in ((self.assumed, "assumed", "lesson.assumed_help"),
                                      (self.saw, "saw", "lesson.saw_help"),
                                      (self.change, "change", "lesson.change_help")):
            field.description = t(f"field.{name}", lang)
            field.placeholder = t(help_key, lang)
        self._themes_label.value = part("field_label", t("field.themes", lang), t("lesson.themes_help", lang))
        self.themes.placeholder = t("lesson.themes_placeholder", lang)
        self._goals_label.value = part("field_label", t("field.goals", lang))
        names = goal_names(lang)
        for g, button in self.goals.items():
            button.description, button.tooltip = str(g), t("sdg.goal", lang, n=g, name=names.get(g, ""))
        self._months_label.value = part("field_label", t("field.months", lang))
        for m, button in self.months.items():
            button.description = button.tooltip = t(f"board.month.{m}", lang)
        kind = self.source_kind.value
        self.source_kind.options = [(t(f"lesson.source.{k}", lang), k) for k in SOURCE_KINDS]
        self.source_kind.value = kind
        self.source_kind.description = t("field.source_kind", lang)
        self.round.description = t("lesson.round", lang)
        self.concept.description = t("lesson.concept", lang)
        self.save_button.description = t("lesson.save_edit" if self.editing else "lesson.save", lang)
        self.new_button.description = t("lesson.new", lang)
        self.new_button.layout.display = None if self.editing else "none"
        self._show_source()


class RoundLessons(w.VBox):
    """Under a round's board: once the round is closed, the lessons it gave and a form to add one."""

    lang = Unicode("nb")

    def __init__(self, service: LessonsService, round_id: int, closed: Callable[[], bool], lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-lessons")
        self.add_class("klynge-fac")
        self.add_class("klynge-fac-section")
        self.add_class("klynge-round-lessons")
        self.service, self.round_id, self._closed = service, round_id, closed
        self._head, self._list = w.HTML(), w.HTML()
        self.form = LessonForm(service, lang, source=("round", round_id), on_saved=lambda _s: self.refresh())
        self.children = [style(), style(STYLE), self._head, self._list, self.form]
        self.lang = lang
        self.refresh()

    def refresh(self) -> None:
        """Show the round's lessons (and the form) when the round is closed; nothing while it runs."""
        try:
            closed = self._closed()
        except Exception:
            log.exception("the round's state could not be read")
            closed = False
        self.layout.display = None if closed else "none"
        if not closed:
            return
        lang = self.lang
        lessons = self.service.lessons(round_id=self.round_id)
        self._head.value = part("heading", 3, t("lesson.round_title", lang), t("lesson.round_intro", lang))
        self._list.value = (part("para", t("lesson.round_count", lang, n=len(lessons)), css="klynge-fac-muted")
                            + lesson_cards(lessons, lang))

    @observe("lang")
    def _on_lang(self, change) -> None:
        if hasattr(self, "form"):
            self.form.lang = change["new"]
            self.refresh()


def round_lessons(page: w.Widget, board) -> RoundLessons | None:
    """The lessons under a facilitator's round board (:class:`~klynge.widgets.workshop_board.WorkshopBoardView`):
    shown once the round is closed, also when it is closed on that board; None without a board or the right to
    write lessons. The widget follows ``page``'s language."""
    if board is None:
        return None
    store, who = board.service.store, board.service.who
    if not decide(who, "write_lessons", cluster_id=who.cluster_id):
        return None
    widget = RoundLessons(LessonsService(store, who), board.round_id,
                          lambda: board.service.state(board.round_id).state == "closed", page.lang)
    dlink((page, "lang"), (widget, "lang"))
    outcome = getattr(board, "_outcome", None)  # the board draws the outcome when the round is closed on it
    if outcome is not None:
        outcome.observe(lambda _c: widget.refresh(), "value")
    return widget
