"""The participant's "Partners" step: every other member ranked for me, with the reasons, and their shared profile.

The page is handed a :class:`~klynge.widgets.partners_service.PartnersService`. Filters (kind,
phase, country, within the hour) rank again at once. Each suggestion is a card with a button
that opens its reasons (the five parts of the score, in words and as bars) and the other
member's shared profile: only what they share with the cluster. What the ranking had to do
without (no coordinates, no offers, ...) is said above the list. The HTML comes from the macros of
``widgets/partners.html.j2``, where every value is escaped.
"""

from __future__ import annotations

import logging

import ipywidgets as w
from markupsafe import Markup
from traitlets import Unicode, observe

from .. import reference
from ..errors import KlyngeError
from ..i18n import t
from ..templating import part, snippet
from .facilitator_style import style
from .members_page import _choose
from .partners_service import COUNTRY_KEYS, PARTS, PartnersService, SharedProfile, Suggestion, part_label

__all__ = ["PartnersPage"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/partners.html.j2"

STEP = 10  # suggestions shown at first, and added by "show more"

STYLE = """
.klynge-partners .klynge-partner{border:1px solid var(--klynge-line,#d9e2ec);border-radius:10px;padding:10px 14px;
  margin:8px 0;background:var(--klynge-card,#fff);max-width:100%;box-sizing:border-box}
.klynge-partners .klynge-partner h3{margin:0 0 2px;font-size:1.05rem}
.klynge-partners .klynge-partner-meta{color:var(--klynge-muted,#55615f);font-size:.92rem}
.klynge-partners .klynge-score{display:flex;align-items:center;gap:8px;margin-top:4px}
.klynge-partners .klynge-score .bar{flex:1 1 auto;max-width:14rem;height:8px;background:#e4e7eb;border-radius:4px}
.klynge-partners .klynge-score .bar>i{display:block;height:8px;background:#2f855a;border-radius:4px}
.klynge-partners .klynge-reasons{list-style:none;padding:0;margin:6px 0}
.klynge-partners .klynge-reasons li{margin:6px 0}
.klynge-partners .klynge-reasons .why{display:block;color:var(--klynge-muted,#55615f);font-size:.9rem}
.klynge-partners .klynge-missing{border-left:4px solid #b45309;background:#fff7ed;padding:6px 12px;margin:8px 0}
.klynge-partners .klynge-partner-detail h4{margin:10px 0 4px}
.klynge-partners .klynge-partner-detail ul{padding-left:1.2em;margin:4px 0}
"""


class PartnersPage(w.VBox):
    """The ranked partners of one member, filters, and each suggestion's reasons and shared profile."""

    lang = Unicode("nb")

    def __init__(self, service: PartnersService):
        super().__init__()
        self.add_class("klynge-partners")
        self.add_class("klynge-fac")
        self._service = service
        self._shown = STEP
        self._suggestions: list[Suggestion] = []
        self._opened: set[int] = set()
        self._head = w.HTML()
        self._gaps = w.HTML()
        self._gaps.add_class("klynge-partners-gaps")
        self._kind = w.Dropdown(options=[("", "")])
        self._kind.add_class("klynge-partners-kind")
        self._phase = w.Dropdown(options=[("", "")])
        self._phase.add_class("klynge-partners-phase")
        self._country = w.Dropdown(options=[("", "")])
        self._country.add_class("klynge-partners-country")
        self._within = w.Checkbox(value=False, indent=False)
        self._within.add_class("klynge-partners-within")
        self._choices = {"kinds": (), "phases": (), "countries": ()}
        self._filling = False  # the dropdowns get new labels: rank once, afterwards
        for control in (self._kind, self._phase, self._country, self._within):
            control.observe(self._on_filter, "value")
        filters = w.HBox([self._kind, self._phase, self._country, self._within])
        filters.add_class("klynge-fac-row")
        self._status = w.HTML()
        self._status.add_class("klynge-partners-status")
        self._list = w.VBox()
        self._list.add_class("klynge-partners-list")
        self._more = w.Button()
        self._more.add_class("klynge-partners-more")
        self._more.on_click(lambda _b: self.show_more())
        self.children = [style(), style(STYLE),
                         self._head, self._gaps, filters, self._status, self._list, self._more]
        self._read()

    # -- reading and ranking -------------------------------------------------------------
    def refresh(self) -> None:
        """Read the members again (they may have changed their profiles) and rank again."""
        self._service.refresh()
        self._read()

    def _read(self) -> None:
        try:
            self._choices = self._service.choices()
        except Exception:
            log.exception("the partner filters could not be read")
        self._relabel()

    def _on_filter(self, _change) -> None:
        if not self._filling:
            self._shown = STEP
            self.rank()

    def rank(self) -> None:
        """Rank with the filters now chosen, and draw the list."""
        lang = self.lang
        self._status.value = ""
        try:
            self._suggestions = self._service.suggestions(
                kinds=[self._kind.value], phases=[self._phase.value], countries=[self._country.value],
                within_hour=self._within.value, top=self._shown + 1, lang=lang)
        except KlyngeError as exc:
            log.warning("partners could not be ranked: %s", exc)
            self._suggestions = []
            self._say(str(exc))
        except Exception:
            log.exception("partners could not be ranked")
            self._suggestions = []
            self._say(t("page.error.body", lang))
        self._draw()

    def show_more(self) -> None:
        self._shown += STEP
        self.rank()

    def toggle(self, partner_id: int) -> None:
        """Open (or close) one suggestion's reasons and shared profile."""
        self._opened ^= {partner_id}
        self._draw()

    # -- drawing -------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, _change) -> None:
        self._relabel()

    def _relabel(self) -> None:
        lang = self.lang
        self._head.value = part("heading", 1, t("partners.page.title", lang), t("partners.page.intro", lang))
        try:
            missing = self._service.missing(lang)
        except Exception:
            log.exception("what the ranking lacks could not be read")
            missing = ()
        self._gaps.value = snippet(_TEMPLATE, "missing", t("partners.page.you_lack", lang), missing) if missing else ""
        self._filling = True
        try:
            any_ = t("partners.page.any", lang)
            _choose(self._kind, [(any_, "")] + [(t(f"kind.{k}", lang), k) for k in self._choices["kinds"]])
            _choose(self._phase, [(any_, "")] + [(t(f"batch.phase.{p}", lang), p) for p in self._choices["phases"]])
            _choose(self._country, [(any_, "")] + [(t(COUNTRY_KEYS[c], lang), c) for c in self._choices["countries"]])
        finally:
            self._filling = False
        self._kind.description = t("partners.page.kind", lang)
        self._phase.description = t("partners.page.phase", lang)
        self._country.description = t("partners.page.country", lang)
        self._within.description = t("partners.page.within_hour", lang)
        self._more.description = t("partners.page.more", lang)
        for box in (self._kind, self._phase, self._country):
            box.style.description_width = "initial"
        self.rank()

    def _say(self, text: str) -> None:
        self._status.value = part("para", text, css="klynge-message", role="alert")

    def _draw(self) -> None:
        lang = self.lang
        shown = self._suggestions[:self._shown]
        self._more.layout.display = None if len(self._suggestions) > self._shown else "none"
        if not shown and not self._status.value:
            key = "partners.page.none_within" if self._within.value else "partners.page.none"
            self._status.value = part("para", t(key, lang), css="klynge-fac-muted", role="status")
        self._list.children = [self._card(s, lang) for s in shown]

    def _card(self, s: Suggestion, lang: str) -> w.Widget:
        head = w.HTML(snippet(_TEMPLATE, "card", s.rank, s.name, " · ".join(_meta(s, lang)),
                              t("partners.page.score", lang, score=round(100 * s.total)), round(100 * min(s.total, 1))))
        opened = s.id in self._opened
        button = w.Button(description=t("partners.page.close" if opened else "partners.page.open", lang),
                          tooltip=t("partners.page.open_tip", lang, name=s.name),
                          layout=w.Layout(width="auto", align_self="flex-start"))
        button.add_class("klynge-partner-open")
        button.on_click(lambda _b, pid=s.id: self.toggle(pid))
        children = [head, button]
        if opened:
            detail = w.HTML(self._detail(s, lang))
            detail.add_class("klynge-partner-detail")
            children.append(detail)
        card = w.VBox(children)
        card.add_class("klynge-partner")
        card.add_class(f"klynge-partner-{s.id}")
        return card

    def _detail(self, s: Suggestion, lang: str) -> Markup:
        reasons = [(part_label(p, lang), f"{round(100 * s.parts[p])} %", _why(p, s, lang)) for p in PARTS]
        lacks = "; ".join(t(f"partners.missing.{c}", lang) for c in s.missing)
        try:
            profile = _profile(self._service.profile(s.id), lang)
        except Exception:
            log.exception("the shared profile of %s could not be read", s.id)
            profile = part("para", t("page.error.body", lang), css="klynge-message")
        return snippet(_TEMPLATE, "detail", reasons, s.named, lacks, profile, lang)


def _meta(s: Suggestion, lang: str) -> list[str]:
    minutes = (t("partners.page.minutes", lang, minutes=round(s.minutes)) if s.minutes is not None
               else t("partners.page.no_minutes", lang))
    return [t(f"kind.{s.kind}", lang), s.place, t(COUNTRY_KEYS[s.country], lang), minutes]


def _why(part: str, s: Suggestion, lang: str) -> str:
    if part == "nearness":
        if s.minutes is None:
            return t("partners.page.why.nearness_unknown", lang)
        key = "partners.page.why.nearness_within" if s.minutes <= 60 else "partners.page.why.nearness_beyond"
        return t(key, lang, minutes=round(s.minutes))
    if part == "phase":
        return t("partners.page.why.phase", lang, kind=t(f"kind.{s.kind}", lang))
    return t(f"partners.page.why.{part}", lang)


def _profile(p: SharedProfile, lang: str) -> Markup:
    """The other member's profile as the cluster may see it."""
    months = t("batch.months", lang).split(",")
    facts = " · ".join([t(f"kind.{p.kind}", lang), t(f"batch.phase.{p.phase}", lang), p.place])
    offers = [(title, t(f"batch.offer.{kind}", lang), ", ".join(months[m - 1] for m in ms))
              for title, kind, ms in p.offers]
    goals = "; ".join(f"{g} {reference.goal(g).short.get(lang)}" for g in p.goals)
    return snippet(_TEMPLATE, "profile", p, facts, offers, goals, lang)
