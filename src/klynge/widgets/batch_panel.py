"""The facilitator's batch panel: start a batch, watch it, and download what it made."""

from __future__ import annotations

import logging
import time
from html import escape

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..settings import LANGUAGES
from .download import Download

__all__ = ["BatchPanel"]

log = logging.getLogger(__name__)

_NAMES = {"nb": "Norsk (bokmål)", "sv": "Svenska", "en": "English"}


class BatchPanel(w.VBox):
    """Options, a start button, a progress bar with time left, the outcome, and the outputs."""

    lang = Unicode("nb")

    def __init__(self, service):
        super().__init__()
        self.add_class("klynge-batch")
        self._service = service
        self._started = 0.0
        self._summary = None
        self._failure: Exception | None = None
        self._title = w.HTML()
        self._language = w.Dropdown(options=[(_NAMES[c], c) for c in LANGUAGES], value=service.settings.lang)
        self._resume = w.Checkbox(value=True, indent=False)
        self._start = w.Button()
        self._start.add_class("mod-primary")
        self._start.on_click(lambda _b: self.start())
        self._bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="100%"))
        self._bar.add_class("klynge-progress")
        self._status = w.HTML()
        self._status.add_class("klynge-batch-status")
        self._outputs = w.Dropdown(options=[])
        self._get = w.Button()
        self._get.on_click(lambda _b: self.download())
        self._download = Download()
        self._outcome = w.HTML()
        controls = w.HBox([self._language, self._resume, self._start])
        controls.add_class("klynge-controls")
        files = w.HBox([self._outputs, self._get])
        files.add_class("klynge-controls")
        self.children = [self._title, controls, self._bar, self._status, self._outcome, files, self._download]
        self._relabel()
        self.refresh()
        self._start.disabled = service.running  # a batch started from another tab

    # -- actions ------------------------------------------------------------------------
    def start(self) -> None:
        """Start a batch with the chosen language; the button stays off until it is done."""
        self._start.disabled = True
        self._summary, self._failure = None, None
        self._started = time.monotonic()
        self._bar.value, self._bar.max = 0, 1
        started = self._service.start(lang=self._language.value, resume=self._resume.value,
                                      on_progress=self._progress, on_done=self._done)
        if not started:
            self._start.disabled = False
        self._status.value = escape(t("batch.panel.starting" if started else "batch.panel.busy", self.lang))

    def download(self) -> None:
        """Send the chosen output to the browser as a file."""
        output = self._outputs.value
        if output is None:
            return
        self._get.disabled = True
        try:
            name = output.label if output.label.endswith(".html") else f"{output.label}.html"
            self._download.send_file(name, self._service.read(output), "text/html")
        except Exception:
            log.exception("output %s could not be sent", output.path)
            self._status.value = escape(t("page.error.body", self.lang))
        finally:
            self._get.disabled = False

    def refresh(self) -> None:
        outputs = self._service.outputs()
        self._outputs.options = [(self._label(o), o) for o in outputs]
        self._get.disabled = not outputs

    # -- callbacks from the batch thread ------------------------------------------------
    def _progress(self, done: int, total: int, _result=None) -> None:
        self._bar.max = max(total, 1)
        self._bar.value = done
        elapsed = time.monotonic() - self._started
        left = elapsed / done * (total - done) if done else 0
        self._status.value = escape(t("batch.panel.progress", self.lang, done=done, total=total,
                                      minutes=max(1, round(left / 60)) if done < total else 0))

    def _done(self, summary, failure: Exception | None) -> None:
        self._summary, self._failure = summary, failure
        self._start.disabled = False
        self._show_outcome()
        self.refresh()

    def _show_outcome(self) -> None:
        lang = self.lang
        if self._failure is not None:
            self._outcome.value = f"<p class='klynge-message'>{escape(t('batch.panel.failed', lang))}</p>"
            return
        summary = self._summary
        if summary is None:
            self._outcome.value = ""
            return
        failed = summary.failed
        rows = "".join(f"<li>{escape(r.name or str(r.member))}: {escape((r.error or '').splitlines()[0])}</li>"
                       for r in failed)
        text = t("batch.panel.done", lang, seconds=round(summary.seconds), n=len(summary.results),
                 failed=len(failed))
        self._outcome.value = (f"<div class='klynge-card'><p>{escape(text)}</p>"
                               + (f"<ul class='klynge-message'>{rows}</ul>" if rows else "") + "</div>")

    def _label(self, output) -> str:
        if output.kind == "index":
            return t("batch.panel.index", self.lang)
        if output.kind == "cluster":
            return t("batch.panel.cluster", self.lang)
        return t("batch.panel.member", self.lang, name=output.label)

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()
        self.refresh()
        self._show_outcome()

    def _relabel(self) -> None:
        lang = self.lang
        self._title.value = (f"<h1>{escape(t('batch.panel.title', lang))}</h1>"
                             f"<p>{escape(t('batch.panel.intro', lang))}</p>")
        self._language.tooltip = t("batch.panel.language", lang)
        self._resume.description = t("batch.panel.resume", lang)
        self._start.description = t("batch.panel.start", lang)
        self._get.description = t("batch.panel.download", lang)
        self._outputs.tooltip = t("batch.panel.outputs", lang)
