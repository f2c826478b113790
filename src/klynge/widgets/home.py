"""The home page: who I am, my organisation, and what is still missing in each step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import ipywidgets as w
from traitlets import Unicode, observe

from ..i18n import t
from ..progress import StepProgress

__all__ = ["HomePage", "HomeSummary", "StepCard"]


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
    """A greeting, the organisation, and one card per step with what is missing."""

    lang = Unicode("nb")

    def __init__(self, summarise: Callable[[], HomeSummary], open_page: Callable[[str], None]):
        super().__init__()
        self.add_class("klynge-home")
        self._summarise = summarise
        self._open = open_page
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
        head = w.HTML(
            f"<h1>{escape(t('home.greeting', lang, name=s.person.split(' ')[0] if s.person else ''))}</h1>"
            + (f"<p class='klynge-org'><b>{escape(s.organisation)}</b> · {escape(s.place)}"
               f" · {escape(t('kind.' + s.kind, lang))}</p>" if s.organisation else
               f"<p>{escape(t('home.role.' + s.role, lang))}</p>")
            + f"<p>{escape(t('home.intro', lang))}</p>"
        )
        cards = [self._card(step) for step in s.steps]
        grid = w.Box(cards)
        grid.add_class("klynge-steps")
        self.children = [head, grid]

    def _card(self, step: StepCard) -> w.Widget:
        lang, p = self.lang, step.progress
        status = (f"<span class='klynge-done'>✓ {escape(t('home.complete', lang))}</span>" if p.complete else
                  "".join(f"<div class='klynge-missing'>• {escape(t(key, lang, **values))}</div>"
                          for key, values in p.missing))
        body = w.HTML(f"<h2>{escape(t(step.label, lang))}</h2>"
                      f"<div class='klynge-count'>{escape(t('home.progress', lang, done=p.done, total=p.total))}</div>"
                      f"{status}")
        button = w.Button(description=t("home.open", lang), tooltip=t(step.label, lang))
        button.add_class("mod-primary")
        button.on_click(lambda _b, page=step.page: self._open(page))
        card = w.VBox([body, button])
        card.add_class("klynge-card")
        card.add_class("klynge-step")
        return card
