"""The learning log as a page: the participant's "Lessons" step and the facilitator's "Lessons" page.

The log lists the cluster's lessons newest first, filtered by theme, SDG goal and month, each
with what we assumed, saw and change, its source and tags. Below it a person edits a lesson they
may edit (their organisation's; a facilitator any) and adds one (:class:`~klynge.widgets.lesson_form.LessonForm`).
A facilitator also links a lesson to the findings and options it changed, chosen from the latest
run's findings; the next cluster report cites it beside them. Every text is escaped by
``widgets/lessons.html.j2``.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..store import StoredLesson
from ..templating import part
from .facilitator_style import style
from .lesson_form import STYLE, LessonForm, goal_names, lesson_cards, month_names
from .lessons_service import LessonsService, error_text

__all__ = ["LessonsPage"]

log = logging.getLogger(__name__)

_ALL = ""


class LessonsPage(w.VBox):
    """The log with its filters, the tools to edit and link a lesson, and the form to add one."""

    lang = Unicode("nb")

    def __init__(self, service: LessonsService, lang: str = "nb"):
        super().__init__()
        self.add_class("klynge-lessons")
        self.add_class("klynge-fac")
        self.add_class("klynge-lessons-page" if service.can_link else "klynge-lessons-step")
        self.service = service
        self._rows: list[StoredLesson] = []
        self._links: dict[str, str] = {}
        self._quiet = False
        self._head = w.HTML()
        self.theme = w.Dropdown(options=[("", _ALL)], value=_ALL)
        self.goal = w.Dropdown(options=[("", 0)], value=0)
        self.month = w.Dropdown(options=[("", 0)], value=0)
        for widget, css in ((self.theme, "theme"), (self.goal, "goal"), (self.month, "month")):
            widget.add_class(f"klynge-lessons-filter-{css}")
            widget.style.description_width = "initial"
            widget.observe(lambda _c: self._quiet or self.draw(), "value")
        filters = w.HBox([self.theme, self.goal, self.month])
        filters.add_class("klynge-fac-row")
        filters.add_class("klynge-lessons-filters")
        self._count = w.HTML()
        self._list = w.HTML()
        self._list.add_class("klynge-lessons-list")
        listing = w.VBox([self._head, filters, self._count, self._list])
        self._tools_head = w.HTML()
        self.pick = w.Dropdown(options=[], style={"description_width": "initial"})
        self.pick.add_class("klynge-lessons-pick")
        self.pick.observe(lambda _c: self._quiet or self._show_links(), "value")
        self.edit_button = w.Button()
        self.edit_button.add_class("klynge-lessons-edit")
        self.edit_button.on_click(lambda _b: self.edit(self.pick.value))
        pick = w.HBox([self.pick, self.edit_button])
        pick.add_class("klynge-fac-row")
        self.links = w.SelectMultiple(options=[], rows=8)
        self.links.add_class("klynge-lessons-links")
        self._links_label = w.HTML()
        self.link_button = w.Button()
        self.link_button.add_class("klynge-lessons-link")
        self.link_button.on_click(lambda _b: self.link())
        self._linked = w.HTML()
        self._linking = w.VBox([self._links_label, self.links, self.link_button, self._linked])
        self._linking.layout.display = None if service.can_link else "none"
        self._tools = w.VBox([self._tools_head, pick, self._linking])
        self._tools.add_class("klynge-fac-section")
        self.form = LessonForm(service, lang, on_saved=lambda _s: self.refresh())
        self.form.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), listing, self._tools, self.form]
        self.lang = lang
        self.refresh()

    # -- reading and drawing --------------------------------------------------------------
    def refresh(self) -> None:
        """Read the log (and the findings a lesson can be linked to) again and draw it."""
        try:
            self._rows = self.service.lessons()
        except Exception:
            log.exception("the lessons could not be read")
            self._list.value = part("para", t("page.error.body", self.lang), css="klynge-message", role="alert")
            return
        self._label()

    def shown(self) -> list[StoredLesson]:
        """The lessons the filters let through, newest first."""
        theme, goal, month = self.theme.value, self.goal.value, self.month.value
        return [x for x in self._rows if (not theme or theme in x.lesson.themes)
                and (not goal or goal in x.lesson.goals) and (not month or month in x.lesson.months)]

    def draw(self) -> None:
        lang, shown = self.lang, self.shown()
        self._count.value = part("para", t("lesson.count", lang, n=len(shown), of=len(self._rows)),
                                 css="klynge-fac-muted", role="status")
        if not self._rows:
            self._list.value = part("para", t("lesson.none", lang), css="klynge-fac-muted")
        elif not shown:
            self._list.value = part("para", t("lesson.none_match", lang), css="klynge-fac-muted")
        else:
            self._list.value = lesson_cards(shown, lang, self._links)

    def _label(self) -> None:
        lang = self.lang
        key = "lesson.page" if self.service.can_link else "lesson.step"
        self._head.value = part("heading", 1, t(f"{key}.title", lang), t(f"{key}.intro", lang))
        everything = t("lesson.filter.all", lang)
        self._quiet = True
        try:
            self._options(self.theme, [(everything, _ALL), *[(x, x) for x in self._themes()]])
            names = goal_names(lang)
            self._options(self.goal, [(everything, 0), *[(f"{g} · {names.get(g, '')}", g) for g in range(1, 18)]])
            self._options(self.month, [(everything, 0), *[(name, m) for m, name in month_names(lang).items()]])
            editable = [x for x in self._rows if x.can_edit or self.service.can_link]
            self._options(self.pick, [(f"#{x.id} · {x.lesson.change[:60]}", x.id) for x in editable])
        finally:
            self._quiet = False
        self.theme.description = t("lesson.filter.theme", lang)
        self.goal.description = t("lesson.filter.goal", lang)
        self.month.description = t("lesson.filter.month", lang)
        self._tools_head.value = part("heading", 3, t("lesson.tools_title", lang))
        self._tools.layout.display = None if self.pick.options else "none"
        self.pick.description = t("lesson.pick", lang)
        self.edit_button.description = t("lesson.edit", lang)
        self._links_label.value = part("field_label", t("lesson.links", lang), t("lesson.links_help", lang))
        self.link_button.description = t("lesson.link", lang)
        self._show_links()
        self.draw()

    def _themes(self) -> list[str]:
        return sorted({x for stored in self._rows for x in stored.lesson.themes})

    @staticmethod
    def _options(dropdown: w.Dropdown, options: list) -> None:
        value = dropdown.value
        dropdown.options = options
        values = [v for _label, v in options]
        dropdown.value = value if value in values else (values[0] if values else None)

    def _show_links(self) -> None:
        if not self.service.can_link:
            return
        stored = self._lesson(self.pick.value)
        linked = stored.links if stored else ()
        choices = self.service.choices(self.lang, linked)
        self._links = {ref: label for label, ref in choices}
        self.links.options = choices
        self.links.value = tuple(ref for ref in linked if ref in self._links)
        for widget in (self.links, self.link_button):
            widget.layout.display = None if choices else "none"
        self._linked.value = "" if choices else part("para", t("lesson.no_findings", self.lang),
                                                     css="klynge-fac-muted")

    def _lesson(self, lesson_id) -> StoredLesson | None:
        return next((x for x in self._rows if x.id == lesson_id), None)

    # -- acting ---------------------------------------------------------------------------
    def edit(self, lesson_id: int | None) -> None:
        """Put the lesson in the form to edit it."""
        stored = self._lesson(lesson_id)
        if stored is not None:
            self.form.edit(stored)

    def link(self) -> None:
        """Save the findings and options chosen as those the picked lesson changed."""
        lesson_id = self.pick.value
        if lesson_id is None:
            return
        self.link_button.disabled = True
        try:
            self.service.link(lesson_id, list(self.links.value))
            self._rows = self.service.lessons()
            self._linked.value = part("para", t("lesson.linked", self.lang), css="klynge-fac-ok", role="status")
            self.draw()
        except Exception as exc:
            self._linked.value = part("para", error_text(exc, self.lang), css="klynge-message", role="alert")
        finally:
            self.link_button.disabled = False

    @observe("lang")
    def _on_lang(self, change) -> None:
        if hasattr(self, "form"):
            self.form.lang = change["new"]
            self._label()
