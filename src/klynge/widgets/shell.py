"""The app shell: brand, who is signed in, a language switch, the navigation and the current page.

Pages are widgets with a ``lang`` trait; the shell keeps every page's language in step with
the switch, so one change relabels everything at once. Moving between pages costs no page load.
Each page has its own address in the browser's fragment (``#profile``); a page with parts
of its own (a ``current`` trait and a ``choose(part)`` method, like the canvases step) adds
the part (``#canvases/social_layer``). The :class:`~klynge.widgets.address.Address` widget
keeps the fragment and the kernel in step, and keeps the chosen language for the next visit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..settings import LANGUAGES
from ..templating import part, snippet
from .address import Address

__all__ = ["Page", "Shell", "problem"]

log = logging.getLogger(__name__)

_LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "sv": "Svenska", "en": "English"}


@dataclass
class Page:
    """One step of an app: an id, the catalogue key of its label, and how to build its widget."""

    id: str
    label: str
    build: Callable[[], w.Widget]


class Shell(w.VBox):
    """The frame every app lives in."""

    lang = Unicode("nb")
    current = Unicode("")

    def __init__(self, pages: list[Page], *, who: str, lang: str = "nb", banner: str = ""):
        super().__init__()
        self.add_class("klynge-app")
        self._pages = {p.id: p for p in pages}
        self._built: dict[str, w.Widget] = {}
        self._going = False  # a page and its part are being opened: name them once, at the end
        self._who_name = who
        self._who = w.HTML()
        self._who.add_class("klynge-who")
        brand = w.HTML("Klynge")
        brand.add_class("klynge-brand")
        self._language = w.Dropdown(options=[(_LANGUAGE_NAMES[code], code) for code in LANGUAGES], value=lang)
        self._language.add_class("klynge-lang")
        self._language.observe(lambda change: setattr(self, "lang", change["new"]), "value")
        top = w.HBox([brand, self._who, self._language])
        top.add_class("klynge-topbar")
        self._buttons: dict[str, w.Button] = {}
        for page in pages:
            button = w.Button()
            button.add_class(f"klynge-nav-{page.id}")
            button.on_click(lambda _b, pid=page.id: self.show(pid))
            self._buttons[page.id] = button
        nav = w.HBox(list(self._buttons.values()))
        nav.add_class("klynge-nav")
        self._area = w.Box()
        self._area.add_class("klynge-page")
        self._banner_key = banner
        self._banner = w.HTML() if banner else None
        if self._banner is not None:
            self._banner.add_class("klynge-banner")
        self.address = Address(address=pages[0].id, lang=lang, languages=list(LANGUAGES))
        self.address.observe(lambda change: self.go(change["new"]), "address")
        self.address.observe(self._on_chosen_language, "lang")
        parts = [top, self._banner, nav, self._area] if banner else [top, nav, self._area]
        self.children = [*parts, self.address]
        self.lang = lang
        self._relabel()
        self.show(pages[0].id)

    def go(self, address: str) -> None:
        """Open the page at ``address`` (``"profile"``, ``"canvases/social_layer"``); an unknown one is ignored."""
        page_id, _, part = address.partition("/")
        self._going = True  # one entry in the browser's history for the step and its part
        try:
            if page_id in self._pages:
                if page_id != self.current:
                    self.show(page_id)
                page = self._built.get(page_id)
                if part and hasattr(page, "choose") and part != getattr(page, "current", None):
                    page.choose(part)
        finally:
            self._going = False
        self._point()

    def _point(self, _change=None) -> None:
        """Name the page shown (and its part) in the address."""
        if self._going:
            return
        page = self._built.get(self.current)
        part = getattr(page, "current", "") if page is not None else ""
        self.address.address = f"{self.current}/{part}" if part else self.current

    def _on_chosen_language(self, change) -> None:
        if change["new"] in LANGUAGES:
            self.lang = change["new"]

    def show(self, page_id: str) -> None:
        """Open a page, building it the first time it is shown and refreshing it when it is shown again."""
        if page_id not in self._pages:
            return
        page = self._built.get(page_id)
        again = page is not None
        if page is None:
            try:
                page = self._built[page_id] = self._pages[page_id].build()
            except Exception:
                log.exception("page %s could not be built", page_id)
                page = problem(self.lang)
            if hasattr(page, "lang"):
                page.lang = self.lang
            if isinstance(page, w.Widget) and page.has_trait("current"):
                page.observe(self._point, "current")
        for pid, button in self._buttons.items():
            (button.add_class if pid == page_id else button.remove_class)("klynge-current")
        self._area.children = [page]
        self.current = page_id
        self._point()
        if again and hasattr(page, "refresh"):
            try:
                page.refresh()
            except Exception:
                log.exception("page %s could not be refreshed", page_id)

    def page(self, page_id: str) -> w.Widget | None:
        """A page's widget once it has been shown."""
        return self._built.get(page_id)

    @observe("lang")
    def _on_lang(self, change) -> None:
        if self._language.value != change["new"]:
            self._language.value = change["new"]
        self.address.lang = change["new"]
        self._relabel()
        for page in self._built.values():
            if hasattr(page, "lang"):
                page.lang = change["new"]

    def _relabel(self) -> None:
        for pid, button in self._buttons.items():
            button.description = t(self._pages[pid].label, self.lang)
            button.tooltip = button.description
        self._language.tooltip = t("shell.language", self.lang)
        if self._banner is not None:
            self._banner.value = part("div", t(self._banner_key, self.lang), role="note")
        self._who.value = snippet("widgets/shell.html.j2", "who", self._who_name or "", self.lang)


def problem(lang: str) -> w.Widget:
    """A friendly notice in place of something that failed; the details are in the server log."""
    notice = w.HTML(part("notice", 2, t("page.error.title", lang), t("page.error.body", lang)))
    notice.add_class("klynge-notice")
    return notice
