"""The facilitator's "Suggestions" page: package suggestions from the exact optimiser.

:class:`SuggestionsPage` is handed a :class:`~klynge.widgets.suggestions_service.SuggestionsService`:
the facilitator picks months (none: the areas' low season), a theme and how many packages, presses
Run, sees a progress bar while the optimiser works (it runs in a thread, the bar follows the time
limit), and gets one card per package: its parts in order with the trips between them, why it was
chosen, what bound it, and whether the optimum is proven or the gap it stopped at. HTML comes from
``templates/widgets/suggestions_page.html.j2``.
"""

from __future__ import annotations

import logging
import threading
import time

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KlyngeError
from ..i18n import t
from ..model.package import THEMES
from ..templating import part, snippet
from .facilitator_style import style
from .suggestions_service import Suggestions, SuggestionsService

__all__ = ["SuggestionsPage"]

log = logging.getLogger(__name__)

TEMPLATE = "widgets/suggestions_page.html.j2"
#: The months offered, September first (the cluster's year starts then).
MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)

STYLE = """
.klynge-suggest .klynge-suggest-months select{height:auto!important;min-height:9rem;width:100%;max-width:20rem}
.klynge-suggest-card{border:1px solid var(--klynge-line,#d9e2ec);border-radius:8px;padding:10px 14px;margin:12px 0;
  background:var(--klynge-card,#fff);max-width:46rem;overflow-wrap:anywhere}
.klynge-suggest-card h3{margin:4px 0 6px;font-size:1.05rem}.klynge-suggest-card h4{margin:10px 0 4px;font-size:.95rem}
.klynge-suggest-card ol,.klynge-suggest-card ul{margin:0;padding-left:1.3rem}
.klynge-suggest .widget-progress{width:100%;max-width:20rem}
"""


class SuggestionsPage(w.VBox):
    """Months, theme and count; Run with a progress bar; the suggestions as cards."""

    lang = Unicode("nb")

    def __init__(self, service: SuggestionsService, time_limit: float = 10.0):
        super().__init__()
        self.add_class("klynge-suggest")
        self.add_class("klynge-fac")
        self._service, self.time_limit = service, time_limit
        self.found: Suggestions | None = None
        self.error: str = ""
        self._thread: threading.Thread | None = None
        self._head = w.HTML()
        self._months = w.SelectMultiple(options=[], rows=6, layout=w.Layout(width="auto", max_width="100%"))
        self._months.add_class("klynge-suggest-months")
        self._theme = w.Dropdown(options=[], layout=w.Layout(width="auto", max_width="100%"))
        self._theme.add_class("klynge-suggest-theme")
        self._count = w.BoundedIntText(value=5, min=1, max=10, layout=w.Layout(width="auto"))
        self._count.add_class("klynge-suggest-count")
        self._run = w.Button(button_style="primary")
        self._run.add_class("klynge-suggest-run")
        self._run.on_click(lambda _b: self.run())
        self._progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(display="none"))
        controls = w.HBox([self._theme, self._count, self._run])
        controls.add_class("klynge-fac-row")
        form = w.VBox([self._months, controls, self._progress])
        form.add_class("klynge-fac-section")
        self._result = w.HTML()
        self._result.add_class("klynge-suggest-result")
        self.children = [style(), style(STYLE), self._head, form, self._result]
        self._relabel()

    # -- choices ---------------------------------------------------------------------------
    def choose(self, months=(), theme: str = "", count: int | None = None) -> None:
        """Pick the months (numbers), the theme ("" for any) and how many packages."""
        self._months.value = tuple(int(m) for m in months)
        self._theme.value = theme
        if count is not None:
            self._count.value = count

    # -- running ---------------------------------------------------------------------------
    def run(self, background: bool = True) -> None:
        """Ask for suggestions; in a thread with a moving progress bar unless ``background`` is False."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._run.disabled = True
        self._progress.value = 0.0
        self._progress.layout.display = None
        self._result.value = snippet(TEMPLATE, "working", t("suggest.page.working", self.lang,
                                                              seconds=round(self.time_limit)))
        question = (sorted(self._months.value), self._theme.value, self._count.value, self.lang)
        if background:
            self._thread = threading.Thread(target=self._work, args=question, daemon=True)
            self._thread.start()
        else:
            self._work(*question)

    def join(self, timeout: float | None = None) -> None:
        """Wait for a run in the background to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _work(self, months, theme, count, lang) -> None:
        done = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(done,), daemon=True)
        ticker.start()
        try:
            self.found, self.error = self._service.suggest(months or None, theme, count, self.time_limit,
                                                           lang=lang), ""
        except KlyngeError as exc:  # no package possible (the limit named), or a bad question
            log.info("no package suggestions: %s", exc)
            self.found, self.error = None, str(exc)
        except Exception:
            log.exception("the package suggestions could not be made")
            self.found, self.error = None, t("page.error.body", lang)
        finally:
            done.set()
            ticker.join()
            self._progress.value = 1.0
            self._progress.layout.display = "none"
            self._run.disabled = False
            self._draw()

    def _tick(self, done: threading.Event) -> None:
        started = time.monotonic()
        while not done.wait(0.25):
            self._progress.value = min(0.95, (time.monotonic() - started) / max(self.time_limit, 0.1))

    # -- drawing ---------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("suggest.page.title", lang), t("suggest.page.intro", lang))
        names = t("batch.months", lang).split(",")
        chosen = self._months.value
        self._months.options = [(names[m - 1], m) for m in MONTHS]
        self._months.value = chosen
        self._months.description = t("suggest.page.months", lang)
        theme = self._theme.value or ""
        self._theme.options = [(t("suggest.theme.any", lang), "")] + [(t(f"suggest.theme.{x}", lang), x)
                                                                       for x in THEMES]
        self._theme.value = theme
        self._theme.description = t("suggest.page.theme", lang)
        self._count.description = t("suggest.page.count", lang)
        self._run.description = t("suggest.page.run", lang)
        for box in (self._months, self._theme, self._count):
            box.style.description_width = "initial"
        if self.found is not None or self.error:
            self._draw()

    def _draw(self) -> None:
        lang = self.lang
        if self.error:
            self._result.value = snippet(TEMPLATE, "problem", self.error)
            return
        if self.found is None:
            return
        data = self.found.as_dict(lang)
        names = t("batch.months", lang).split(",")
        for s in data["suggestions"]:
            s["month_names"] = ", ".join(names[m - 1] for m in s["months"])
        self._result.value = snippet(TEMPLATE, "cards", data, lang)
