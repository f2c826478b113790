"""The facilitator's "Meetings" page: plan a meeting within the hour.

:class:`MeetingsPage` is handed a :class:`~klynge.widgets.meetings_service.MeetingsService`:
the facilitator picks the members invited (everyone at first) and the longest travel, and
gets the fewest venues that put every member within it (rotating meetings or hubs), each
member's venue and minutes, the members no venue serves in time, the venues ranked, and a
map-like picture. HTML is made with ``markupsafe`` (every value escaped) and kept small.
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
from .facilitator_style import style
from .meetings_service import MeetingPlan, MeetingsService

__all__ = ["MeetingsPage", "image", "message"]

log = logging.getLogger(__name__)

SHOWN_VENUES = 10  # the best venues listed; the rest are on the map

# The list of members shows eight at a time (the shared style gives selects one line's height).
STYLE = """
.klynge-meetings .klynge-meetings-members{flex-direction:column;align-items:stretch}
.klynge-meetings .klynge-meetings-members select{height:auto!important;min-height:12rem;width:100%;max-width:36rem}
.klynge-meetings figure,.klynge-network figure{margin:8px 0}
.klynge-meetings-who summary{cursor:pointer;margin:12px 0;font-size:1.05rem}
"""


def image(data: bytes, alt: str, css: str) -> Markup:
    if not data:
        return Markup("")
    return Markup("<figure class='{}'><img src='data:image/png;base64,{}' alt='{}' style='max-width:100%;height:auto'>"
                  "</figure>").format(css, base64.b64encode(data).decode(), alt)


def _minutes(value, lang: str) -> str:
    return t("meetings.page.min", lang, minutes=round(float(value))) if value is not None and np.isfinite(value) \
        else t("meetings.page.no_route", lang)


def message(text: str) -> Markup:
    return Markup("<p class='klynge-message' role='alert'>{}</p>").format(text)


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
        self._head.value = Markup("<h1>{}</h1><p>{}</p>").format(t("meetings.page.title", lang),
                                                                 t("meetings.page.intro", lang))
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
        head = Markup("<h2>{}</h2><p>{}</p>").format(
            t("meetings.page.chosen", lang, n=len(plan.chosen), limit=limit), ", ".join(plan.chosen))
        if plan.outside:
            outside = Markup("<div class='klynge-fac-confirm klynge-meetings-outside' role='alert'><b>{}</b><ul>{}</ul>"
                             "</div>").format(t("meetings.page.outside", lang, n=len(plan.outside), limit=limit),
                                              Markup("").join(Markup("<li>{}</li>").format(m) for m in plan.outside))
        else:
            outside = Markup("<p class='klynge-fac-ok klynge-meetings-outside' role='status'>{}</p>").format(
                t("meetings.page.all_within", lang, limit=limit))
        placed = (Markup("<p class='klynge-fac-muted'>{}</p>").format(
            t("meetings.page.placed", lang, names=", ".join(plan.placed))) if plan.placed else "")
        rows = Markup("").join(
            Markup("<tr class='{css}'><td class='name'>{member}</td><td data-label='{lv}'>{venue}</td>"
                   "<td class='num' data-label='{lm}'>{minutes}</td></tr>").format(
                css="" if r.within else "klynge-fac-stuck", member=r.member, venue=r.venue or "-",
                minutes=_minutes(r.minutes, lang), lv=t("meetings.venue", lang), lm=t("meetings.page.travel", lang))
            for r in plan.assignment.itertuples(index=False))
        # Closed at first: a whole cluster is a long list, on a phone most of all.
        members = Markup("<details class='klynge-meetings-who'><summary><b>{}</b></summary>"
                         "<div class='klynge-fac-scroll'><table class='klynge-fac-table'><thead><tr>"
                         "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div></details>"
                         ).format(
            t("meetings.page.who_where", lang), t("meetings.page.member", lang), t("meetings.venue", lang),
            t("meetings.page.travel", lang), rows)
        venues = Markup("").join(
            Markup("<tr><td class='name'>{rank}. {venue}</td><td class='num' data-label='{lr}'>{reached}</td>"
                   "<td class='num' data-label='{ll}'>{longest}</td><td class='num' data-label='{la}'>{mean}</td>"
                   "</tr>").format(rank=r.rank, venue=r.venue,
                                   reached=t("meetings.page.of", lang, n=r.reached, total=len(plan.members)),
                                   longest=_minutes(r.longest, lang), mean=_minutes(r.mean, lang),
                                   lr=t("meetings.page.reached", lang, limit=limit),
                                   ll=t("meetings.page.longest", lang), la=t("meetings.page.mean", lang))
            for r in plan.venues.head(SHOWN_VENUES).itertuples(index=False))
        ranked = Markup("<h3>{}</h3><div class='klynge-fac-scroll'><table class='klynge-fac-table'><thead><tr>"
                        "<th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table></div>"
                        ).format(t("meetings.page.ranked", lang, n=SHOWN_VENUES), t("meetings.venue", lang),
                                 t("meetings.page.reached", lang, limit=limit), t("meetings.page.longest", lang),
                                 t("meetings.page.mean", lang), venues)
        if lang not in self._pngs:
            try:
                self._pngs[lang] = plan.png(lang)
            except Exception:
                log.exception("the meeting map could not be drawn")
                self._pngs[lang] = b""
        figure = image(self._pngs[lang], t("meetings.page.map_alt", lang, limit=limit), "klynge-meetings-figure")
        self._result.value = Markup("").join([head, outside, placed, figure, ranked, members])
