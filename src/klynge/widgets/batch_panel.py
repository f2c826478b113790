"""The facilitator's batch panel: make the reports, follow them in plain words, and download them.

While the batch runs, a line says which pass it is in (the members' analyses, the cluster
summary, the members' reports), how far it is and about how long it still takes, measured
from the members done so far (:mod:`klynge.widgets.batch_estimate`) and counted down every
few seconds. Members whose step fails are named at once. When it is done, every report is
listed with its own download button, and all of them come as one zip whose index links work.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import ipywidgets as w
from markupsafe import escape
from traitlets import Unicode, observe

from ..i18n import t
from ..settings import LANGUAGES
from ..templating import part, snippet
from .batch_estimate import Estimate, say_duration
from .download import Download
from .facilitator_style import style

__all__ = ["BatchPanel"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/batch_panel.html.j2"

_NAMES = {"nb": "Norsk (bokmål)", "sv": "Svenska", "en": "English"}
_MIME = {"archive": "application/zip", "pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
#: The formats a report is offered in besides its HTML page, with the buttons' labels.
_FORMATS = {"pdf": "PDF", "docx": "Word"}
#: Seconds between two redraws of the time left while a notebook runs.
TICK = 3.0


class BatchPanel(w.VBox):
    """Options, a start button, progress in words with the time left, failures, and the reports."""

    lang = Unicode("nb")

    def __init__(self, service, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.add_class("klynge-batch")
        self.add_class("klynge-fac")
        self._service = service
        self._clock = clock
        self._estimate = Estimate(clock)
        self._members = 0
        self._summary = None
        self._failure: Exception | None = None
        self._failed: list[tuple[str, str, str]] = []  # (name, step, first line of the error), as they come
        self._stop = threading.Event()
        self._title = w.HTML()
        self._language = w.Dropdown(options=[(_NAMES[c], c) for c in LANGUAGES], value=service.settings.lang)
        self._language.add_class("klynge-batch-language")
        self._language.style.description_width = "initial"
        self._resume = w.Checkbox(value=True, indent=False)
        self._resume.add_class("klynge-batch-resume")
        self._start = w.Button(button_style="primary")
        self._start.add_class("klynge-batch-start")
        self._start.on_click(lambda _b: self.start())
        self._bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="100%", display="none"))
        self._bar.add_class("klynge-progress")
        self._status = w.HTML()
        self._status.add_class("klynge-batch-status")
        self._failures = w.HTML()
        self._failures.add_class("klynge-batch-failures")
        self._outcome = w.HTML()
        self._outcome.add_class("klynge-batch-outcome")
        self._files_head = w.HTML()
        self._files = w.VBox()
        self._files.add_class("klynge-batch-files")
        self._file_rows: list[tuple[w.HTML, w.Button, object]] = []
        self._format_buttons: list[w.Button] = []  # a report's PDF and Word buttons
        self._download = Download()
        self.last_sent: tuple[str, bytes] | None = None  # the file sent last: its name and bytes
        controls = w.HBox([self._language, self._resume, self._start])
        controls.add_class("klynge-fac-row")
        run = w.VBox([controls, self._bar, self._status, self._failures, self._outcome])
        run.add_class("klynge-fac-section")
        files = w.VBox([self._files_head, self._files])
        files.add_class("klynge-fac-section")
        self.children = [style(), self._title, run, files, self._download]
        self._relabel()
        self.refresh()
        self._start.disabled = service.running  # a batch started from another tab

    # -- actions ------------------------------------------------------------------------
    def start(self) -> None:
        """Start a batch with the chosen language; the button stays off until it is done."""
        self._start.disabled = True
        self._summary, self._failure, self._failed = None, None, []
        self._outcome.value = self._failures.value = ""
        self._estimate = Estimate(self._clock)
        try:
            self._members = self._service.members()
        except Exception:
            log.exception("the members could not be counted")
            self._members = 0
        self._bar.value, self._bar.max = 0, max(2 * self._members + 1, 1)
        self._bar.layout.display = None
        started = self._service.start(lang=self._language.value, resume=self._resume.value,
                                      on_progress=self._progress, on_done=self._done)
        if not started:
            self._start.disabled = False
            self._bar.layout.display = "none"
            self._status.value = escape(t("batch.panel.busy", self.lang))
            return
        self._status.value = escape(t("batch.panel.starting", self.lang, n=self._members))
        self._stop.clear()
        threading.Thread(target=self._tick, name="klynge-batch-clock", daemon=True).start()

    def download(self, output, fmt: str = "html") -> None:
        """Send one output to the browser as a file: a report as HTML, PDF or Word, all of them as a zip."""
        buttons = [b for _h, b, _o in self._file_rows] + self._format_buttons
        for b in buttons:
            b.disabled = True
        if fmt != "html":  # a PDF or Word file is made the first time: say so while it is made
            self._status.value = part("para", t("batch.panel.making", self.lang, format=_FORMATS[fmt]),
                                      role="status")
        try:
            name = self._filename(output, fmt)
            data = self._service.read(output, fmt) if fmt != "html" else self._service.read(output)
            self._download.send_file(name, data, _MIME.get(fmt, _MIME.get(output.kind, "text/html")))
            self.last_sent = (name, data)
            self._status.value = ""
        except Exception:
            log.exception("output %s could not be sent as %s", output.path, fmt)
            self._status.value = part("span", t("page.error.body", self.lang), css="klynge-message")
        finally:
            for b in buttons:
                b.disabled = False

    def refresh(self) -> None:
        """List the finished reports again, one row and one button each."""
        try:
            outputs = self._service.outputs()
        except Exception:
            log.exception("the reports could not be listed")
            outputs = []
        rows, boxes, formats = [], [], []
        for output in outputs:
            label = w.HTML()
            button = w.Button()
            button.add_class(f"klynge-batch-get-{output.kind}")
            button.on_click(lambda _b, o=output: self.download(o))
            extra = []
            if output.kind != "archive":
                for fmt, name in _FORMATS.items():
                    other = w.Button(description=name, tooltip=f"{name}: {self._label(output)}")
                    other.add_class(f"klynge-batch-get-{fmt}")
                    other.on_click(lambda _b, o=output, f=fmt: self.download(o, f))
                    extra.append(other)
            formats += extra
            box = w.HBox([label, button, *extra])
            box.add_class("klynge-fac-row")
            box.add_class("klynge-batch-file")
            rows.append((label, button, output))
            boxes.append(box)
        self._file_rows, self._format_buttons = rows, formats
        self._files.children = boxes
        self._relabel_files()

    def outputs(self) -> list[str]:
        """The reports listed, as their labels read (what a person sees)."""
        return [self._label(o) for _l, _b, o in self._file_rows]

    # -- callbacks from the batch thread ------------------------------------------------
    def _progress(self, done: int, total: int, result=None) -> None:
        self._estimate.update(done, total)
        self._bar.max = max(total, 1)
        self._bar.value = done
        if result is not None and getattr(result, "status", "") == "failed":
            self._add_failure(result)
            self._show_failures()
        self._show_progress()

    def _done(self, summary, failure: Exception | None) -> None:
        self._stop.set()
        self._summary, self._failure = summary, failure
        if summary is not None:
            self._failed = []
            for result in summary.failed:
                self._add_failure(result)
        self._start.disabled = False
        self._bar.layout.display = "none"
        self._status.value = ""
        self._show_failures()
        self._show_outcome()
        self.refresh()

    def _add_failure(self, result) -> None:
        """Name a member once, with the step that failed first (later steps fail because of it)."""
        name = result.name or str(result.member)
        if any(known == name for known, _s, _e in self._failed):
            return
        error = (result.error or "").strip().splitlines()
        self._failed.append((name, result.step, error[0] if error else ""))

    def _tick(self) -> None:
        """Redraw the time left every few seconds while the batch runs, so it counts down."""
        while not self._stop.wait(TICK):
            if not self._service.running:
                return
            try:
                self._show_progress()
            except Exception:  # a redraw must never stop the clock's thread with a trace in the page
                log.exception("the batch progress could not be redrawn")

    # -- drawing --------------------------------------------------------------------------
    def _show_progress(self) -> None:
        lang, e = self.lang, self._estimate
        n = max((e.total - 1) // 2, 0)
        if e.done < n:
            phase = t("batch.panel.phase.analysis", lang, done=e.done, n=n)
        elif e.done == n:
            phase = t("batch.panel.phase.cluster", lang)
        else:
            phase = t("batch.panel.phase.report", lang, done=min(e.done - n - 1, n), n=n)
        left = say_duration(e.seconds_left(), lang)
        self._status.value = part("para", f"{phase} · {left}", role="status")

    def _show_failures(self) -> None:
        if not self._failed:
            self._failures.value = ""
            return
        self._failures.value = snippet(_TEMPLATE, "failures", self._failed, self.lang)

    def _show_outcome(self) -> None:
        lang = self.lang
        if self._failure is not None:
            self._outcome.value = part("para", t("batch.panel.failed", lang), css="klynge-message")
            return
        summary = self._summary
        if summary is None:
            self._outcome.value = ""
            return
        reports = [r for r in summary.results if r.step == "report"]
        made = sum(r.status == "ok" for r in reports)
        kept = sum(r.status == "skipped" for r in reports)
        cluster = summary.result("cluster")
        failed = len({(r.member, r.name) for r in summary.failed if r.member is not None})
        minutes, seconds = divmod(round(summary.seconds), 60)
        took = (t("batch.panel.took_minutes", lang, minutes=minutes, seconds=seconds) if minutes else
                t("batch.panel.took_seconds", lang, seconds=seconds))
        lines = [t("batch.panel.done", lang, made=made, kept=kept, time=took)]
        if cluster is not None and cluster.status != "failed":
            lines.append(t("batch.panel.cluster_done", lang))
        lines.append(t("batch.panel.none_failed", lang) if not failed else
                     t("batch.panel.some_failed", lang, n=failed))
        css = "klynge-fac-ok" if not summary.failed else "klynge-message"
        self._outcome.value = snippet(_TEMPLATE, "outcome", lines, css)

    def _label(self, output) -> str:
        if output.kind == "archive":
            return t("batch.panel.archive", self.lang)
        if output.kind == "cluster":
            return t("batch.panel.cluster", self.lang)
        return t("batch.panel.member", self.lang, name=output.label)

    def _filename(self, output, fmt: str = "html") -> str:
        if output.kind == "archive":
            return f"{t('batch.panel.archive_file', self.lang)}.zip"
        if output.kind == "cluster":
            return f"{t('batch.panel.cluster', self.lang)}.{fmt}"
        return f"{t('batch.panel.member', self.lang, name=output.label)}.{fmt}"

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self._show_failures()
        self._show_outcome()

    def _relabel(self) -> None:
        lang = self.lang
        self._title.value = part("heading", 1, t("batch.panel.title", lang), t("batch.panel.intro", lang))
        self._language.description = t("batch.panel.language", lang)
        self._resume.description = t("batch.panel.resume", lang)
        self._start.description = t("batch.panel.start", lang)
        self._relabel_files()

    def _relabel_files(self) -> None:
        lang = self.lang
        help_ = "batch.panel.files_help" if self._file_rows else "batch.panel.no_files"
        self._files_head.value = part("heading", 2, t("batch.panel.outputs", lang), t(help_, lang),
                                      intro_css="klynge-fac-muted")
        for label, button, output in self._file_rows:
            label.value = part("span", self._label(output))
            button.description = t("batch.panel.download", lang)
            button.tooltip = self._label(output)
