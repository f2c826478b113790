"""The facilitator's "Findings" page: the latest run's findings, filtered, each opened with its evidence.

:class:`FindingsPage` is handed a :class:`~klynge.widgets.findings_service.FindingsService`. It
lists the findings of the batch's ``findings.json`` with filters (kind, confidence, a member
named in them, words); a finding opens with its claim, method, confidence, options with their
consequence for each member, the decisions recorded on it and its evidence rows, each checked
against the store now: a row whose source is gone says so and stays. A shared note's row opens
the note as the store holds it now. "Record a decision" hands the finding and its first option
to the Decisions page (``on_decide``). HTML comes from ``widgets/findings_page.html.j2``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import ipywidgets as w
from traitlets import Unicode, observe

from ..formatting import day, number
from ..i18n import t
from ..report.strategy import option_totals, text_of
from ..strategy import KINDS
from ..strategy.finding import CONFIDENCE
from ..templating import part, snippet
from .facilitator_style import style
from .findings_service import Findings, FindingsService, matches, members_of
from .maturity_page import STYLE as DECISIONS_STYLE
from .members_page import _choose as choose

__all__ = ["FindingsPage"]

log = logging.getLogger(__name__)

_T = "widgets/findings_page.html.j2"
#: Findings shown at first and added by "show more": a long list stays quick to draw.
PAGE = 15

STYLE = """
.klynge-findings-card{border:1px solid var(--klynge-line,#d9e2ec);border-radius:8px;padding:8px 12px;margin:0 0 10px;
  background:var(--klynge-card,#fff);max-width:100%;box-sizing:border-box}
.klynge-findings-card h3{font-size:1.02rem;margin:4px 0}
.klynge-findings-card p{margin:4px 0}
.klynge-findings-meta span{display:inline-block;border-radius:10px;padding:0 8px;font-size:.8rem;margin:0 4px 2px 0;
  background:#e4e7eb}
.klynge-findings-conf-high{background:#dcfce7!important;color:#14532d}
.klynge-findings-conf-medium{background:#fef3c7!important;color:#78350f}
.klynge-findings-conf-low{background:#fee2e2!important;color:#7f1d1d}
.klynge-findings-stale-count{background:#ffedd5!important;color:#9a3412}
.klynge-findings-decided{background:#dbeafe!important;color:#1e3a8a}
.klynge-findings-option{border-left:3px solid var(--klynge-line,#d9e2ec);padding-left:10px;margin:8px 0}
.klynge-findings-row{border-top:1px solid var(--klynge-line,#e4e7eb);padding:4px 0}
.klynge-findings-row p{margin:2px 0}
.klynge-findings-stale{opacity:.8;border-left:4px solid #b45309;padding-left:8px}
.klynge-findings-source{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--klynge-muted,#55615f)}
.klynge-findings-note{margin:4px 0 8px;padding:6px 12px;border-left:4px solid #2f855a;background:#f0fdf4}
.klynge-findings-note-text{white-space:pre-wrap}
.klynge-findings-row-text{font-style:italic}
.klynge-findings .klynge-findings-read-note{align-self:flex-start}
.klynge-findings .klynge-findings-filters .widget-dropdown select{min-width:9rem}
@media (max-width:700px){
  .klynge-findings,.klynge-findings .widget-vbox,.klynge-findings .widget-hbox,.klynge-findings .widget-html,
  .klynge-findings .widget-html-content{min-width:0;max-width:100%}
  .klynge-findings .klynge-findings-filters>*{width:100%}
}
"""


def _label(value) -> str:
    return "" if value is None or value == "" else str(value)


class FindingsPage(w.VBox):
    """The findings of the latest run, with filters; each finding opens with its evidence.

    Parameters
    ----------
    service
        Reads the findings, the decisions and shared notes.
    on_decide
        Called with a finding's id and its first option's id (or None) when "Record a decision" is clicked.
    on_reports
        Called when the facilitator asks for the Reports page (no findings yet).
    """

    lang = Unicode("nb")

    def __init__(self, service: FindingsService, on_decide: Callable[[str, str | None], None] | None = None,
                 on_reports: Callable[[], None] | None = None, targets: w.Widget | None = None):
        super().__init__()
        self.add_class("klynge-findings")
        self.add_class("klynge-fac")
        self._service, self._on_decide, self._on_reports = service, on_decide, on_reports
        self.findings: Findings | None = None
        self._decided: dict[str, int] = {}
        self._problem = ""  # the catalogue key of what went wrong, shown until the page is read again
        self._open: set[str] = set()
        self._cards: dict[str, w.VBox] = {}
        self._shown = PAGE
        self._head = w.HTML()
        self._kind = w.Dropdown(options=[("", "")], value="")
        self._kind.add_class("klynge-findings-kind-filter")
        self._confidence = w.Dropdown(options=[("", "")], value="")
        self._confidence.add_class("klynge-findings-confidence-filter")
        # "every member" is "" and not None: a dropdown whose value is None shows nothing at all
        self._member = w.Dropdown(options=[("", "")], value="")
        self._member.add_class("klynge-findings-member-filter")
        self._search = w.Text(continuous_update=False)
        self._search.add_class("klynge-findings-search")
        for box in (self._kind, self._confidence, self._member, self._search):
            box.style.description_width = "initial"
            box.observe(lambda _c: self._filtered(), "value")
        self._filters = w.HBox([self._kind, self._confidence, self._member, self._search])
        self._filters.add_class("klynge-fac-row")
        self._filters.add_class("klynge-findings-filters")
        self._count = w.HTML()
        self._count.add_class("klynge-findings-count")
        self._list = w.VBox()
        self._list.add_class("klynge-findings-list")
        self._more = w.Button()
        self._more.add_class("klynge-findings-more")
        self._more.on_click(lambda _b: self.more())
        self._reports = w.Button(button_style="primary")
        self._reports.add_class("klynge-findings-reports")
        self._reports.on_click(lambda _b: self._on_reports and self._on_reports())
        self._status = w.HTML()
        self._status.add_class("klynge-findings-status")
        # The targets the findings weigh the cluster against (the cluster's plan), below the findings.
        self._targets = targets
        self.children = [style(), style(DECISIONS_STYLE), style(STYLE), self._head, self._reports, self._filters,
                         self._count, self._list, self._more, self._status, *([targets] if targets else [])]
        self.refresh()

    # -- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the latest run's findings, the store's ids and the decisions again, and draw them."""
        self._problem = ""
        self._cards = {}
        try:
            self.findings = self._service.load()
            self._decided = {}
            for stored in self._service.decisions() if self.findings is not None else []:
                self._decided[stored.decision.finding_id] = self._decided.get(stored.decision.finding_id, 0) + 1
        except Exception:
            log.exception("the findings could not be read")
            self.findings = None
            self._problem = "findings.error"
        self._relabel()

    def shown(self) -> list[dict]:
        """The findings that pass the filters, in the run's order."""
        if self.findings is None:
            return []
        names = self.findings.names
        return [f for f in self.findings.items
                if matches(f, self.lang, names, kind=self._kind.value or "", confidence=self._confidence.value or "",
                           member=self._member.value if self._member.value != "" else None,
                           search=self._search.value)]

    # -- actions -----------------------------------------------------------------------------
    def filter(self, *, kind: str = "", confidence: str = "", member: int | None = None, search: str = "") -> None:
        """Set every filter at once (what a person does one field at a time)."""
        with self.hold_trait_notifications():
            self._kind.value, self._confidence.value = kind, confidence
            self._member.value, self._search.value = "" if member is None else member, search
        self._filtered()

    def more(self) -> None:
        self._shown += PAGE
        self._draw()

    def open_finding(self, finding_id: str) -> w.VBox | None:
        """Open (or close) a finding: its options, decisions and evidence rows. Returns its card."""
        if finding_id in self._open:
            self._open.discard(finding_id)
        else:
            self._open.add(finding_id)
        card = self._cards.get(finding_id)
        if card is not None:
            self._fill(card, finding_id)
        return card

    def card(self, finding_id: str) -> w.VBox | None:
        """The card of a finding on the list, if shown."""
        return self._cards.get(finding_id)

    def decide(self, finding_id: str) -> None:
        """Hand the finding and its first option to the Decisions page."""
        f = self._finding(finding_id)
        options = (f or {}).get("options") or []
        if self._on_decide is None:
            return
        try:
            self._on_decide(finding_id, options[0]["id"] if options else None)
        except Exception:
            log.exception("the decisions page could not be opened for %s", finding_id)
            self._say("page.error.body")

    def _finding(self, finding_id: str) -> dict | None:
        return next((f for f in (self.findings.items if self.findings else []) if f["id"] == finding_id), None)

    def _say(self, key: str) -> None:
        """Say what went wrong (a catalogue key), in the page's language, until the page is read again."""
        self._problem = key
        self._status.value = snippet(_T, "message", t(key, self.lang))

    # -- drawing -----------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, change) -> None:
        self._cards = {}
        if self._targets is not None:
            self._targets.lang = change["new"]
        self._relabel()

    def _filtered(self) -> None:
        self._shown = PAGE
        self._draw()

    def _relabel(self) -> None:
        lang = self.lang
        self._kind.description = t("findings.filter.kind", lang)
        self._confidence.description = t("findings.filter.confidence", lang)
        self._member.description = t("findings.filter.member", lang)
        self._search.description = t("findings.filter.search", lang)
        self._search.placeholder = t("findings.filter.search_help", lang)
        self._reports.description = t("findings.to_reports", lang)
        self._status.value = snippet(_T, "message", t(self._problem, lang)) if self._problem else ""
        found = self.findings
        if found is None:
            self._head.value = snippet(_T, "empty", t("findings.title", lang), t("findings.none", lang))
            self._reports.layout.display = None if self._on_reports else "none"
            self._filters.layout.display = self._more.layout.display = "none"
            self._list.children, self._count.value = [], ""
            return
        made = t("findings.made", lang, date=day(found.made.date(), lang), n=len(found.items)) if found.made else ""
        self._head.value = snippet(_T, "head", t("findings.title", lang), t("findings.intro", lang), made)
        self._reports.layout.display = "none"
        self._filters.layout.display = None
        kinds = [k for k in KINDS if any(f.get("kind") == k for f in found.items)]
        choose(self._kind, [(t("findings.all", lang), "")] + [(t(f"report.strategy.kind.{k}", lang), k) for k in kinds])
        choose(self._confidence, [(t("findings.all", lang), "")] +
               [(t(f"strategy.confidence.{c}", lang), c) for c in reversed(CONFIDENCE)])
        members = set().union(*(members_of(f) for f in found.items)) if found.items else set()
        choose(self._member, [(t("findings.all", lang), "")] +
               sorted(((found.name(m), m) for m in members), key=lambda x: (x[0].casefold(), x[1])))
        self._draw()

    def _draw(self) -> None:
        lang = self.lang
        shown = self.shown()
        total = len(self.findings.items) if self.findings else 0
        if not total:
            self._count.value = part("para", t("report.strategy.none", lang), css="klynge-fac-muted")
        else:
            self._count.value = part("para", t("findings.count", lang, shown=len(shown), total=total),
                                     css="klynge-fac-muted", role="status")
        cards = []
        for f in shown[:self._shown]:
            card = self._cards.get(f["id"])
            if card is None:
                card = self._cards[f["id"]] = self._make_card(f)
            cards.append(card)
        self._list.children = cards
        left = len(shown) - len(cards)
        self._more.description = t("findings.more", lang, n=min(left, PAGE))
        self._more.layout.display = None if left > 0 else "none"

    def _make_card(self, f: Mapping) -> w.VBox:
        lang = self.lang
        head = w.HTML(snippet(_T, "summary", self._summary(f), lang))
        opener = w.Button(tooltip=text_of(f["claim"], lang))
        opener.add_class("klynge-findings-open")
        opener.on_click(lambda _b, fid=f["id"]: self.open_finding(fid))
        decide = w.Button(description=t("findings.decide", lang), tooltip=text_of(f["claim"], lang))
        decide.add_class("klynge-findings-decide")
        decide.on_click(lambda _b, fid=f["id"]: self.decide(fid))
        decide.layout.display = None if self._on_decide else "none"
        buttons = w.HBox([opener, decide])
        buttons.add_class("klynge-fac-row")
        card = w.VBox([head, buttons, w.VBox()])
        card.add_class("klynge-findings-card")
        card.add_class("klynge-findings-" + "".join(c if c.isalnum() else "-" for c in f["id"]))
        self._fill(card, f["id"])
        return card

    def _fill(self, card: w.VBox, finding_id: str) -> None:
        """Draw a card's body: empty when closed; open, the finding with its evidence rows."""
        lang = self.lang
        opener, body = card.children[1].children[0], card.children[2]
        opened = finding_id in self._open
        opener.description = t("findings.close" if opened else "findings.open", lang)
        if not opened:
            body.children = []
            return
        f = self._finding(finding_id)
        try:
            view = self._detail(f)
            rows = [self._row(e) for e in f.get("evidence") or []]
        except Exception:
            log.exception("finding %s could not be drawn", finding_id)
            body.children = [w.HTML(snippet(_T, "message", t("findings.error", lang)))]
            return
        body.children = [w.HTML(snippet(_T, "detail", view, lang)), *rows]

    def _summary(self, f: Mapping) -> dict:
        lang = self.lang
        level = f.get("confidence")
        return {"id": f["id"], "kind": t(f"report.strategy.kind.{f.get('kind')}", lang), "confidence": level or "",
                "confidence_text": t(f"strategy.confidence.{level}", lang) if level in CONFIDENCE else "",
                "claim": text_of(f["claim"], lang),
                "members": len(members_of(f)), "rows": len(f.get("evidence") or []),
                "stale": sum(bool(e.get("stale")) for e in f.get("evidence") or []),
                "decided": self._decided.get(f["id"], 0)}

    def _detail(self, f: Mapping) -> dict:
        lang = self.lang
        months = t("batch.months", lang).split(",")
        options = {}
        shown = []
        for o in f.get("options") or []:
            options[o["id"]] = text_of(o["text"], lang)
            rows = [{"member": self.findings.name(c["member"]), "change": text_of(c["change"], lang),
                     "months": ", ".join(months[m - 1] for m in c.get("months") or []),
                     "capacity": _label(number(c["capacity"], lang) if c.get("capacity") else ""),
                     "cost": _label(number(c["cost"], lang) if c.get("cost") else ""),
                     "hours": _label(number(c["hours"], lang) if c.get("hours") else "")}
                    for c in o.get("consequences") or []]
            shown.append({"id": o["id"], "text": options[o["id"]], "rows": rows, "totals": option_totals(o, lang)})
        decisions = []
        for stored in self._service.decisions(f["id"]):
            d = stored.decision
            decisions.append({"outcome": d.outcome, "option": options.get(d.option_id, d.option_id),
                              "amendment": d.amendment, "reasoning": d.reasoning,
                              "names": ", ".join(self._service.names(d, lang)), "date": day(d.decided_on, lang)})
        assumptions = [{"text": t(a["text"], lang), "value": a.get("value"),
                        "holds": t("report.strategy.holds" if a.get("robust") else "report.strategy.fragile", lang)}
                       for a in f.get("assumptions") or [] if isinstance(a, Mapping) and a.get("text")]
        return {"method": text_of(f["method"], lang), "confidence_text": self._summary(f)["confidence_text"],
                "options": shown, "decisions": decisions, "rows": len(f.get("evidence") or []),
                "assumptions": assumptions}

    def _row(self, e: Mapping) -> w.Widget:
        """One evidence row; a shared note's row has a button that opens the note as it is now."""
        lang = self.lang
        ids = dict(e.get("ids") or {})
        member = ids.pop("member", None)
        what = ", ".join(f"{k} {v}" for k, v in sorted(ids.items()) if k not in ("template", "note"))
        figure, measure = e.get("figure"), e.get("measure", "")
        if isinstance(figure, list):
            figure = ", ".join(str(v) for v in figure)
        if e.get("source") == "note" and ids.get("template"):  # the measure of a note is its block
            figure = "" if figure == measure else figure
            measure = self._service.titles(ids["template"], measure or "", lang)[1]
        source = t(f"report.strategy.source.{e.get('source')}", lang)
        if e.get("source") == "reference":
            source += f" ({e.get('source_name', '')}, {e.get('year') or '–'})"
        html = w.HTML(snippet(_T, "row", {"source": e.get("source"), "source_text": source, "stale": e.get("stale"),
                                          "member": self.findings.name(member) if member is not None else "",
                                          "what": what, "text": e.get("text", ""), "measure": measure,
                                          "figure": _label(figure)}, lang))
        if e.get("source") != "note" or member is None:
            return html
        note = w.HTML()
        button = w.Button(description=t("findings.read_note", lang), tooltip=e.get("text", "")[:80])
        button.add_class("klynge-findings-read-note")
        button.on_click(lambda _b: self._show_note(note, member, ids.get("template", ""), ids.get("note", "")))
        box = w.VBox([html, button, note])
        box.add_class("klynge-findings-note-row")
        return box

    def _show_note(self, target: w.HTML, member: int, template: str, note_id: str) -> None:
        """Show (or hide again) the note the row names, read now with the facilitator's identity."""
        if target.value:
            target.value = ""
            return
        lang = self.lang
        try:
            target.value = snippet(_T, "note", self._service.note(member, template, note_id, lang), lang)
        except Exception:
            log.exception("note %s/%s/%s could not be read", member, template, note_id)
            target.value = snippet(_T, "message", t("findings.error", lang))
