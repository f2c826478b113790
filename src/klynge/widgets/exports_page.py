"""The "Posters and files" page: a member's own files, and posters of another member's canvases.

One row per file, with a short description and a download button for each format. A file is
made when its button is pressed (the buttons rest while it is made, and a line says what is
happening), then reaches the browser as a download through the widget channel. A poster or
chart gets a small preview in its row once made. Failures are logged and shown as one
friendly line.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
from traitlets import Unicode, observe

from ..formatting import day
from ..i18n import t
from ..report.poster import thumbnail
from ..templating import part
from .download import Download
from .export_service import ExportFile, ExportService
from .rights_page import MyDataSection

__all__ = ["ExportsPage"]

log = logging.getLogger(__name__)


@dataclass
class _Row:
    """One file on the page: its title and help (functions of the language), formats and maker."""

    key: str
    title: Callable[[str], str]
    help: Callable[[str], str]
    formats: tuple[str, ...]
    make: Callable[[str, str], ExportFile]  # (format, lang) -> file
    preview: bool = False


class ExportsPage(w.VBox):
    """The member's files and another member's posters, each made on demand and downloaded."""

    lang = Unicode("nb")

    def __init__(self, service: ExportService):
        super().__init__()
        self.add_class("klynge-exports")
        self._service = service
        self._download = Download()
        self.last: ExportFile | None = None  # the file made last, as it was sent
        self._buttons: list[w.Button] = []
        self._labels: list[tuple[w.Button, _Row, str]] = []
        self._texts: list[tuple[w.HTML, _Row]] = []
        self._previews: dict[str, w.HTML] = {}
        self._thumbs: dict[str, bytes] = {}
        self._head = w.HTML()
        self._status: dict[str, w.HTML] = {}  # a line under each row: busy, done or failed
        self._own_head = w.HTML()
        rows = w.VBox([self._row(r, "own") for r in self._own_rows()])
        rows.add_class("klynge-exports-rows")
        own = w.VBox([self._own_head, rows])
        own.add_class("klynge-exports-section")
        self._others_head = w.HTML()
        self._member = w.Dropdown(options=[])
        self._member.add_class("klynge-exports-member")
        self._member.observe(lambda _c: self._relabel(), "value")
        self._empty = w.HTML()
        self._other_rows = w.VBox([self._row(r, "other") for r in self._others()])
        self._other_rows.add_class("klynge-exports-rows")
        others = w.VBox([self._others_head, self._member, self._empty, self._other_rows])
        others.add_class("klynge-exports-section")
        self.my_data = MyDataSection(service.rights())
        self.my_data.add_class("klynge-exports-section")
        self.children = [self._head, own, others, self.my_data, self._download]
        self.refresh()

    # -- rows -----------------------------------------------------------------------------
    def _own_rows(self) -> list[_Row]:
        s = self._service
        rows = [_Row("report", lambda lang: t("exports.report", lang), self._report_help, ("html",),
                     lambda _fmt, lang: s.report(lang))]
        rows += [_Row(f"poster-{tpl.id}", self._poster_title(tpl), lambda lang: t("exports.poster_help", lang),
                     ("png", "pdf"),
                     lambda fmt, lang, tpl=tpl: s.poster(tpl.id, fmt, lang), preview=True)
                for tpl in s.canvases()]
        rows += [
            _Row("sdg", lambda lang: t("exports.sdg", lang), lambda lang: t("exports.sdg_help", lang), ("png",),
                 lambda _fmt, lang: s.sdg_png(lang), preview=True),
            _Row("summary", lambda lang: t("exports.summary", lang), lambda lang: t("exports.summary_help", lang),
                 ("pdf",), lambda _fmt, lang: s.summary_pdf(lang)),
            _Row("json", lambda lang: t("exports.json", lang), lambda lang: t("exports.json_help", lang), ("json",),
                 lambda _fmt, _lang: s.json_export()),
        ]
        return rows

    def _others(self) -> list[_Row]:
        s = self._service
        return [_Row(f"other-{tpl.id}", self._poster_title(tpl),
                     lambda lang: t("exports.poster_help_other", lang, name=self._member.label or ""), ("png", "pdf"),
                     lambda fmt, lang, tpl=tpl: s.poster(tpl.id, fmt, lang, organisation_id=self._picked()))
                for tpl in s.canvases()]

    def _picked(self) -> int:
        if self._member.value is None:
            raise LookupError("no member is picked")
        return self._member.value

    def _poster_title(self, template) -> Callable[[str], str]:
        return lambda lang: t("exports.poster", lang, canvas=self._service.canvas_title(template, lang))

    def _row(self, row: _Row, section: str) -> w.Widget:
        text = w.HTML()
        text.add_class("klynge-exports-text")
        self._texts.append((text, row))
        buttons = []
        for fmt in row.formats:
            button = w.Button()
            button.add_class(f"klynge-exports-{section}-{row.key.removeprefix('other-').removeprefix('poster-')}-{fmt}")
            button.add_class("klynge-exports-button")
            button.on_click(lambda _b, r=row, f=fmt: self.make(r, f))
            self._buttons.append(button)
            self._labels.append((button, row, fmt))
            buttons.append(button)
        actions = w.HBox(buttons)
        actions.add_class("klynge-exports-actions")
        parts: list[w.Widget] = [text, actions]
        if row.preview:
            image = w.HTML()
            image.add_class("klynge-exports-preview")
            self._previews[row.key] = image
            parts.append(image)
        status = w.HTML(layout=w.Layout(display="none"))
        status.add_class("klynge-exports-status")
        self._status[row.key] = status
        box = w.HBox([*parts, status])
        box.add_class("klynge-exports-row")
        return box

    # -- actions --------------------------------------------------------------------------
    def make(self, row: _Row, fmt: str) -> ExportFile | None:
        """Make one file and send it to the browser; buttons rest meanwhile. None when it failed."""
        lang = self.lang
        name = row.title(lang)
        for button in self._buttons:
            button.disabled = True
        self._say(row.key, "exports.making", name, busy=True)
        try:
            made = row.make(fmt, lang)
            self._download.send_file(made.filename, made.data, made.mime)
            self.last = made
            if row.key in self._previews and made.mime == "image/png":
                self._thumbs[row.key] = thumbnail(made.data)
                self._show_preview(row.key)
            self._say(row.key, "exports.ready", made.filename)
            return made
        except Exception:
            log.exception("export %s (%s) could not be made", row.key, fmt)
            self._say(row.key, "exports.failed", name, problem=True)
            return None
        finally:
            for button in self._buttons:
                button.disabled = False
            self._report_button_state()

    def refresh(self) -> None:
        """List the other members again (someone may have joined) and keep the one picked."""
        try:
            members = self._service.members()
        except Exception:
            log.exception("the cluster's members could not be listed")
            members = []
        chosen = self._member.value
        self._member.options = [(m.name, m.id) for m in members]
        ids = [m.id for m in members]
        self._member.value = chosen if chosen in ids else (ids[0] if ids else None)
        self._other_rows.layout.display = None if members else "none"
        self._member.layout.display = None if members else "none"
        self._relabel()

    def choose_member(self, organisation_id: int) -> None:
        """Pick the member whose posters the lower rows make."""
        self._member.value = organisation_id

    def status(self, row_key: str) -> str:
        """The line under a row (``poster-business_model``, ``other-business_model``, ``json`` ...), as HTML."""
        return self._status[row_key].value

    def _say(self, row_key: str, key: str, name: str, *, busy: bool = False, problem: bool = False) -> None:
        for other in self._status.values():  # one line at a time: the row worked on last
            other.value, other.layout.display = "", "none"
        css = "klynge-exports-busy" if busy else "klynge-message" if problem else "klynge-exports-done"
        line = self._status[row_key]
        line.value = part("para", t(key, self.lang, file=name), css=css, role="status")
        line.layout.display = None

    @observe("lang")
    def _on_lang(self, change) -> None:
        self.my_data.lang = change["new"]
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("nav.exports", lang), t("exports.intro", lang))
        self._own_head.value = part("heading", 2, t("exports.own", lang))
        self._others_head.value = part("heading", 2, t("exports.others", lang), t("exports.others_help", lang))
        self._empty.value = "" if self._member.options else part("para", t("exports.no_members", lang),
                                                                  css="klynge-muted")
        self._member.description = t("exports.pick", lang)
        for text, row in self._texts:
            text.value = part("heading", 3, row.title(lang), row.help(lang))
        for button, row, fmt in self._labels:
            button.tooltip = t("exports.download_label", lang, file=row.title(lang), format=fmt.upper())
            button.description = t("exports.download", lang, format=fmt.upper())
        for key in self._thumbs:
            self._show_preview(key)
        self._report_button_state()

    def _report_help(self, lang: str) -> str:
        made = self._report_made()
        return t("exports.report_help", lang, date=day(made, lang)) if made else t("exports.report_none", lang)

    def _report_made(self):
        try:
            return self._service.report_made()
        except Exception:
            log.exception("the member's report could not be looked up")
            return None

    def _report_button_state(self) -> None:
        """The report's button rests until the facilitator's batch has made the report."""
        ready = self._report_made() is not None
        for button, row, _fmt in self._labels:
            if row.key == "report":
                button.disabled = not ready

    def _show_preview(self, key: str) -> None:
        """The small picture of a file made in this row, with its alt text in the page's language."""
        title = next(row.title(self.lang) for _text, row in self._texts if row.key == key)
        self._previews[key].value = part("png", base64.b64encode(self._thumbs[key]).decode(),
                                         t("exports.preview", self.lang, file=title))
