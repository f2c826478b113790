"""The facilitator's "Meetings" page: plan a meeting within the hour.

:class:`MeetingsPage` is handed a :class:`~klynge.widgets.meetings_service.MeetingsService`:
the facilitator picks the members invited (everyone at first) and the longest travel, and
gets the fewest venues that put every member within it (rotating meetings or hubs), each
member's venue and minutes, the members no venue serves in time, the venues ranked, and a
map-like picture. The HTML comes from the macros of ``widgets/meetings.html.j2``, where every
value is escaped.
"""

from __future__ import annotations

import base64
import logging

import ipywidgets as w
import numpy as np
from markupsafe import Markup
from traitlets import Unicode, observe

from ..errors import KlyngeError
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .meetings_service import MeetingPlan, MeetingsService

__all__ = ["MeetingsPage", "image", "message"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/meetings.html.j2"

SHOWN_VENUES = 10  # the best venues listed; the rest are on the map

# The list of members shows eight at a time (the shared style gives selects one line's height).
STYLE = """
.klynge-meetings .klynge-meetings-members{flex-direction:column;align-items:stretch}
.klynge-meetings .klynge-meetings-members select{height:auto!important;min-height:12rem;width:100%;max-width:36rem}
.klynge-meetings figure,.klynge-network figure{margin:8px 0}
.klynge-meetings-who summary{cursor:pointer;margin:12px 0;font-size:1.05rem}
"""


def image(data: bytes, alt: str, css: str) -> Markup:
    """A PNG as a figure of class ``css`` that fits the width; nothing when there is no picture."""
    if not data:
        return Markup("")
    return snippet(_TEMPLATE, "figure", base64.b64encode(data).decode(), alt, css)


def _minutes(value, lang: str) -> str:
    return t("meetings.page.min", lang, minutes=round(float(value))) if value is not None and np.isfinite(value) \
        else t("meetings.page.no_route", lang)


def message(text: str) -> Markup:
    """A message the facilitator must read (the plan could not be made, and why)."""
    return part("para", text, css="klynge-message", role="alert")


class MeetingsPage(w.VBox):
    """Who is invited, the longest travel, and the plan: venues, who goes where, who is outside the hour."""

    lang = Unicode("nb")

    def __init__(self, service: MeetingsService):
        super().__init__()
        self.add_class("klynge-meetings")
        self.add_class("klynge-fac")
        self._service = service
        self.plan_made: MeetingPlan | None = None
        self._pngs: dict[str, bytes] = {}
        self._head = w.HTML()
        self._members = w.SelectMultiple(options=[], rows=8, layout=w.Layout(width="auto", max_width="100%"))
        self._members.add_class("klynge-meetings-members")
        self._everyone = w.Button()
        self._everyone.add_class("klynge-meetings-everyone")
        self._everyone.on_click(lambda _b: self.invite_everyone())
        self._limit = w.BoundedIntText(value=60, min=10, max=240, step=5, layout=w.Layout(width="auto"))
        self._limit.add_class("klynge-meetings-limit")
        self._plan = w.Button(button_style="primary")
        self._plan.add_class("klynge-meetings-plan")
        self._plan.on_click(lambda _b: self.plan())
        controls = w.HBox([self._everyone, self._limit, self._plan])
        controls.add_class("klynge-fac-row")
        form = w.VBox([self._members, controls])
        form.add_class("klynge-fac-section")
        self._result = w.HTML()
        self._result.add_class("klynge-meetings-result")
        self.children = [style(), style(STYLE), self._head, form, self._result]
        self._read()
        self.invite_everyone()

    def refresh(self) -> None:
        """Read the members again; what is chosen stays chosen."""
        self._service.refresh()
        self._read()

    def _read(self) -> None:
        try:
            chosen = set(self._members.value)
            options = self._service.members()
            self._members.options = options
            self._members.value = tuple(i for _n, i in options if i in chosen)
        except Exception:
            log.exception("the members could not be read")
            self._result.value = message(t("page.error.body", self.lang))
        self._relabel()

    def invite_everyone(self) -> None:
        self._members.value = tuple(i for _n, i in self._members.options)

    def choose(self, member_ids) -> None:
        """Invite these members (ids)."""
        self._members.value = tuple(int(i) for i in member_ids)

    def plan(self) -> None:
        """Plan the meeting of the members chosen, and draw the plan."""
        self._plan.disabled = True
        try:
            self.plan_made = self._service.plan(list(self._members.value), self._limit.value, lang=self.lang)
            self._pngs = {}
            self._draw()
        except KlyngeError as exc:
            log.info("a meeting could not be planned: %s", exc)
            self.plan_made = None
            self._result.value = message(str(exc))
        except Exception:
            log.exception("a meeting could not be planned")
            self.plan_made = None
            self._result.value = message(t("page.error.body", self.lang))
        finally:
            self._plan.disabled = False

    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("meetings.page.title", lang), t("meetings.page.intro", lang))
        self._members.description = t("meetings.page.members", lang)
        self._everyone.description = t("meetings.page.everyone", lang)
        self._limit.description = t("meetings.page.limit", lang)
        self._plan.description = t("meetings.page.plan", lang)
        for box in (self._members, self._limit):
            box.style.description_width = "initial"
        if self.plan_made is not None:
            self._draw()

    def _draw(self) -> None:
        plan, lang = self.plan_made, self.lang
        limit = f"{plan.limit:g}"
        members = [("" if r.within else "klynge-fac-stuck", r.member, r.venue or "-", _minutes(r.minutes, lang))
                   for r in plan.assignment.itertuples(index=False)]
        venues = [(r.rank, r.venue, t("meetings.page.of", lang, n=r.reached, total=len(plan.members)),
                   _minutes(r.longest, lang), _minutes(r.mean, lang))
                  for r in plan.venues.head(SHOWN_VENUES).itertuples(index=False)]
        if lang not in self._pngs:
            try:
                self._pngs[lang] = plan.png(lang)
            except Exception:
                log.exception("the meeting map could not be drawn")
                self._pngs[lang] = b""
        figure = image(self._pngs[lang], t("meetings.page.map_alt", lang, limit=limit), "klynge-meetings-figure")
        self._result.value = snippet(_TEMPLATE, "plan", plan, limit, members, venues, SHOWN_VENUES, figure, lang)
