"""The participant's "Events" step: upcoming events with date, place or link, agenda and materials; sign up
or cancel; and the events I attended.

:class:`MyEventsPage` is handed a :class:`~klynge.widgets.my_events_service.MyEventsService`. Each
event is a card from ``widgets/events.html.j2`` (every value escaped) with one button under it.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import KlyngeError
from ..i18n import t
from ..templating import part, snippet
from .events_page import duration, when
from .my_events_service import MyEvent, MyEventsService

__all__ = ["MyEventsPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/events.html.j2"

STYLE = """
.klynge-my-events .klynge-events-card{border:1px solid #ccd;border-radius:8px;padding:8px 12px;margin:8px 0 4px;
 max-width:40rem;overflow-wrap:anywhere}
.klynge-my-events .klynge-events-card h3{margin:4px 0}
.klynge-my-events .klynge-events-card a{text-decoration:underline;color:#1a5c56}
.klynge-my-events .klynge-events-agenda{white-space:pre-wrap}
.klynge-my-events .klynge-events-item{margin-bottom:12px}
.klynge-my-events .klynge-events-yes,.klynge-my-events .klynge-ok{color:#1b5e20;font-weight:600}
.klynge-my-events .klynge-message{color:#b00020;font-weight:600}
"""


class MyEventsPage(w.VBox):
    """Upcoming events, each with sign up or cancel, and the events attended."""

    lang = Unicode("nb")

    def __init__(self, service: MyEventsService):
        super().__init__()
        self.add_class("klynge-my-events")
        self._service = service
        self._head = w.HTML()
        self._status = w.HTML()
        self._cards = w.VBox()
        self._attended = w.HTML()
        self.children = [w.HTML(part("style", STYLE)), self._head, self._status, self._cards, self._attended]
        self._upcoming: list[MyEvent] = []
        self._past: list[MyEvent] = []
        self.refresh()

    def refresh(self) -> None:
        try:
            self._upcoming = self._service.upcoming(self.lang)
            self._past = self._service.attended(self.lang)
        except Exception:
            log.exception("the events could not be read")
            self._say(t("page.error.body", self.lang), True)
        self._draw()

    def toggle(self, event_id: int) -> None:
        """Sign up for the event, or cancel the sign-up."""
        mine = next((m for m in self._upcoming if m.stored.id == event_id), None)
        if mine is None:
            return
        try:
            if mine.signed_up:
                self._service.cancel(event_id)
                self._say(t("my_events.cancelled", self.lang, title=mine.stored.event.title))
            else:
                self._service.sign_up(event_id)
                self._say(t("my_events.signed_up", self.lang, title=mine.stored.event.title))
        except KlyngeError as exc:
            log.info("a sign-up was refused: %s", exc)
            self._say(str(exc), True)
        except Exception:
            log.exception("a sign-up failed")
            self._say(t("page.error.body", self.lang), True)
        self.refresh()

    def _say(self, text: str, problem: bool = False) -> None:
        self._status.value = part("para", text, css="klynge-message" if problem else "klynge-ok",
                                  role="alert" if problem else "status")

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._status.value = ""
        self.refresh()

    def _draw(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("my_events.title", lang), t("my_events.intro", lang))
        items = []
        for m in self._upcoming:
            e = m.stored.event
            card = {"title": e.title, "when": when(e, lang), "kind": t(f"events.kind.{e.kind}", lang),
                    "place": m.place, "link": e.online_url, "agenda": e.agenda, "materials": e.materials,
                    "status": t("my_events.you_signed_up", lang) if m.signed_up else ""}
            button = w.Button(description=t("my_events.cancel" if m.signed_up else "my_events.sign_up", lang),
                              button_style="" if m.signed_up else "primary",
                              layout=w.Layout(width="auto", max_width="100%"))
            button.add_class("klynge-my-events-cancel" if m.signed_up else "klynge-my-events-sign-up")
            button.on_click(lambda _b, eid=m.stored.id: self.toggle(eid))
            item = w.VBox([w.HTML(snippet(_TEMPLATE, "card", card, lang)), button])
            item.add_class("klynge-events-item")
            items.append(item)
        if not items:
            items = [w.HTML(part("para", t("my_events.none", lang), css="klynge-muted"))]
        self._cards.children = items
        rows = [{"title": m.stored.event.title, "when": when(m.stored.event, lang),
                 "minutes": duration(m.attended_minutes, lang)} for m in self._past]
        self._attended.value = snippet(_TEMPLATE, "attended", rows, lang)
