"""The canvases step: pick a canvas (or the coherence view of the three layers) and work on it."""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from .shell import problem

__all__ = ["CanvasesPage"]

log = logging.getLogger(__name__)


class CanvasesPage(w.VBox):
    """Tabs for the canvases and the coherence view; each board is built when first opened."""

    lang = Unicode("nb")
    current = Unicode("", help="the canvas shown (its part of the page's address)")

    def __init__(self, choices: list[tuple[str, str]], build: Callable[[str], w.Widget]):
        """``choices`` are ``(id, label key)``; ``build(id)`` makes the widget for one of them."""
        super().__init__()
        self.add_class("klynge-canvases")
        self._choices = choices
        self._build = build
        self._built: dict[str, w.Widget] = {}
        self._tabs = {}
        for cid, _label in choices:
            button = w.Button()
            button.add_class(f"klynge-tab-{cid}")
            button.on_click(lambda _b, c=cid: self.choose(c))
            self._tabs[cid] = button
        bar = w.HBox(list(self._tabs.values()))
        bar.add_class("klynge-nav")
        bar.add_class("klynge-tabs")
        self._area = w.Box()
        self._area.add_class("klynge-area")
        self.children = [bar, self._area]
        self._relabel()
        self.choose(choices[0][0])

    def choose(self, choice: str) -> None:
        """Show the canvas (or view) ``choice``; one that is not offered here is ignored."""
        if choice not in self._tabs:
            return
        widget = self._built.get(choice)
        if widget is None:
            try:
                widget = self._built[choice] = self._build(choice)
            except Exception:
                log.exception("canvas %s could not be opened", choice)
                widget = problem(self.lang)
        if hasattr(widget, "lang"):
            widget.lang = self.lang
        if hasattr(widget, "refresh") and choice in self._built and self.current != choice:
            widget.refresh()
        for cid, button in self._tabs.items():
            (button.add_class if cid == choice else button.remove_class)("klynge-current")
        self._area.children = [widget]
        self.current = choice

    def refresh(self) -> None:
        widget = self._built.get(self.current)
        if widget is not None and hasattr(widget, "refresh"):
            widget.refresh()

    @observe("lang")
    def _on_lang(self, change) -> None:
        self._relabel()
        for widget in self._built.values():
            if hasattr(widget, "lang"):
                widget.lang = change["new"]

    def _relabel(self) -> None:
        for cid, label in self._choices:
            self._tabs[cid].description = t(label, self.lang)
            self._tabs[cid].tooltip = self._tabs[cid].description
