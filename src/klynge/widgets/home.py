"""The home page: who I am, my organisation, and what is still missing in each step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..progress import StepProgress
from ..templating import snippet

__all__ = ["HomePage", "HomeSummary", "StepCard"]

_TEMPLATE = "widgets/home.html.j2"


@dataclass(frozen=True)
class StepCard:
    """One step on the home page: its label, how far it is, and the page that opens it."""

    label: str
    progress: StepProgress
    page: str


@dataclass(frozen=True)
class HomeSummary:
    """Everything the home page shows, gathered by the app from the store."""

    person: str
    role: str
    organisation: str = ""
    place: str = ""
    kind: str = ""
    steps: list[StepCard] = field(default_factory=list)


class HomePage(w.VBox):
    """A greeting, the organisation, and one card per step with what is missing.

    The widgets are made once and then only relabelled: a refresh or a change of language
    sends new texts to the browser, not new widgets.
    """

    lang = Unicode("nb")

    def __init__(self, summarise: Callable[[], HomeSummary], open_page: Callable[[str], None]):
        super().__init__()
        self.add_class("klynge-home")
        self._summarise = summarise
        self._open = open_page
        self._head = w.HTML()
        self._grid = w.Box()
        self._grid.add_class("klynge-steps")
        self._cards: list[_Card] = []
        self.children = [self._head, self._grid]
        self._summary = summarise()
        self._render()

    def refresh(self) -> None:
        """Gather the summary again (after the person has worked in a step)."""
        self._summary = self._summarise()
        self._render()

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._render()

    def _render(self) -> None:
        s, lang = self._summary, self.lang
        self._head.value = snippet(_TEMPLATE, "head", s.person.split(" ")[0] if s.person else "", s.organisation,
                                   s.place, s.kind, s.role, lang)
        if len(self._cards) != len(s.steps):
            self._cards = [_Card(self._open) for _ in s.steps]
            self._grid.children = [card.box for card in self._cards]
        for card, step in zip(self._cards, s.steps):
            card.show(step, lang)


class _Card:
    """One step's card: its label, how far it is, what is missing, and a button that opens it."""

    def __init__(self, open_page: Callable[[str], None]):
        self.page = ""
        self.body = w.HTML()
        self.button = w.Button()
        self.button.add_class("mod-primary")
        self.button.on_click(lambda _b: open_page(self.page))
        self.box = w.VBox([self.body, self.button])
        self.box.add_class("klynge-card")
        self.box.add_class("klynge-step")

    def show(self, step: StepCard, lang: str) -> None:
        p = step.progress
        missing = [t(key, lang, **values) for key, values in p.missing]
        self.body.value = snippet(_TEMPLATE, "card", t(step.label, lang), p, missing, lang)
        self.button.description = t("home.open", lang)
        self.button.tooltip = t(step.label, lang)
        self.page = step.page
