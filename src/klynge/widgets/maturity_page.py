"""The maturity tab of the "Decisions & maturity" page: answer the self-assessment, see its scores, the next
steps, take a round's snapshot and compare it with the one before.

:class:`MaturityPage` is handed a :class:`~klynge.widgets.decisions_service.MaturityService`.
The facilitator picks a programme round and a respondent (the cluster's management or a member),
answers each question on the framework's scale or leaves it unanswered, and saves; a save made
from an older version is refused with who saved in between. The round's scores (every
respondent's answers combined) show per area as bars, with the unanswered questions counted,
then the next steps of the lowest areas and the trend between the last two snapshots. HTML
comes from ``widgets/decisions.html.j2``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as w
from traitlets import Unicode, observe

from ..errors import Conflict, KlyngeError, ValidationError
from ..formatting import number, percent
from ..i18n import t
from ..model import FACILITATOR, MaturityScore
from ..templating import part, snippet
from .decisions_service import MaturityService
from .facilitator_style import style
from .members_page import _choose as choose

__all__ = ["STYLE", "MaturityPage", "attempt", "problems_text"]

log = logging.getLogger(__name__)

_TEMPLATE = "widgets/decisions.html.j2"
# The choice "not answered": a value of its own, since a dropdown whose value is None shows nothing at all.
_UNANSWERED = ""

#: The page's own style (with the decisions tab's): bars, outcomes, questions that wrap on a phone.
STYLE = """
.klynge-dm-list{list-style:none;padding:0;margin:0}
.klynge-dm-decision{border:1px solid var(--klynge-line,#d9e2ec);border-radius:8px;padding:8px 12px;margin:0 0 10px}
.klynge-dm-decision p{margin:4px 0}
.klynge-dm-orphaned{border-left:4px solid #b45309}
.klynge-dm-outcome{display:inline-block;border-radius:10px;padding:0 8px;font-size:.85rem;font-weight:600;
  background:#e4e7eb;margin-right:6px}
.klynge-dm-chosen{background:#dcfce7;color:#14532d}.klynge-dm-amended{background:#fef3c7;color:#78350f}
.klynge-dm-rejected{background:#fee2e2;color:#7f1d1d}
.klynge-dm-old{border-top:1px dashed var(--klynge-line,#d9e2ec);margin-top:6px;padding-top:4px;opacity:.85}
.klynge-dm-history summary{cursor:pointer}
.klynge-dm-bar{display:block;height:10px;background:#e4e7eb;border-radius:5px;margin-top:4px;max-width:20rem}
.klynge-dm-bar>i{display:block;height:10px;background:#2f855a;border-radius:5px}
.klynge-dm-question{margin:8px 0 2px;max-width:40rem}
.klynge-dm-area{margin:14px 0 4px;font-size:1.05rem}
.klynge-maturity .widget-dropdown select{min-width:10rem}
@media (max-width:700px){.klynge-dm-bar{display:block;max-width:none}}
"""


def problems_text(exc: ValidationError) -> str:
    """A validation error's problems as one line, each with its field."""
    return "; ".join(f"{f}: {m}" if f else m for f, m in exc.problems) or str(exc)


def attempt(button: w.Button, say: Callable[[str, bool], None], action: Callable[[], None], lang: str,
            conflict: str, what: str) -> bool:
    """Run ``action`` with ``button`` disabled; say what went wrong beside it, in ``lang``, and never a traceback.

    ``conflict`` is the catalogue key of the message for a save someone else's save overtook
    (filled with their ``names``); ``what`` names the action in the log. True when it succeeded.
    """
    button.disabled = True
    try:
        action()
        return True
    except ValidationError as exc:
        say(problems_text(exc), True)
    except Conflict as exc:
        log.info("%s: saved in between: %s", what, exc)
        say(t(conflict, lang, names=", ".join(exc.saved_by) or "?"), True)
    except KlyngeError as exc:
        log.warning("%s was refused: %s", what, exc)
        say(str(exc), True)
    except Exception:
        log.exception("%s failed", what)
        say(t("page.error.body", lang), True)
    finally:
        button.disabled = False
    return False


class MaturityPage(w.VBox):
    """The self-assessment table, its scores, next steps, snapshots and trend."""

    lang = Unicode("nb")

    def __init__(self, service: MaturityService):
        super().__init__()
        self.add_class("klynge-maturity")
        self.add_class("klynge-fac")
        self._service = service
        # The round, respondent and version of the answers shown: a save names that version, and only for them.
        self._shown: tuple[str, str, int | None] | None = None
        self._head = w.HTML()
        self._round = w.Combobox(options=[], ensure_option=False, layout=w.Layout(width="auto"))
        self._round.add_class("klynge-maturity-round")
        self._respondent = w.Dropdown(options=[])
        self._respondent.add_class("klynge-maturity-respondent")
        self._load = w.Button()
        self._load.add_class("klynge-maturity-load")
        self._load.on_click(lambda _b: self.load())
        self._respondent.observe(lambda _c: self.load(), "value")
        who = w.HBox([self._round, self._respondent, self._load])
        who.add_class("klynge-fac-row")
        framework = service.framework
        self._labels: dict[str, w.HTML] = {}
        self._answers: dict[str, w.Dropdown] = {}
        boxes = []
        for area in framework.areas:
            for q in framework.questions_in_area(area.id):
                label = self._labels[q.id] = w.HTML()
                box = self._answers[q.id] = w.Dropdown(options=[], layout=w.Layout(width="auto"))
                box.add_class(f"klynge-maturity-q-{q.id}")
                boxes += [label, box]
        self._save = w.Button(button_style="primary")
        self._save.add_class("klynge-maturity-save")
        self._save.on_click(lambda _b: self.save())
        self._status = w.HTML()
        self._status.add_class("klynge-maturity-status")
        table = w.VBox([who, *boxes, self._save, self._status])
        table.add_class("klynge-fac-section")
        self._scores = w.HTML()
        self._scores.add_class("klynge-maturity-scores")
        self._steps = w.HTML()
        self._steps.add_class("klynge-maturity-steps")
        self._snapshot = w.Button()
        self._snapshot.add_class("klynge-maturity-snapshot")
        self._snapshot.on_click(lambda _b: self.take_snapshot())
        self._snap_status = w.HTML()
        self._snap_status.add_class("klynge-maturity-snap-status")
        self._trend = w.HTML()
        self._trend.add_class("klynge-maturity-trend")
        results = w.VBox([self._scores, self._steps, self._snapshot, self._snap_status, self._trend])
        results.add_class("klynge-fac-section")
        self.children = [style(), style(STYLE), self._head, table, results]
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the rounds and respondents again, then the answers shown and the results."""
        try:
            rounds = self._service.rounds()
            self._round.options = rounds
            if not self._round.value:
                self._round.value = rounds[-1] if rounds else t("maturity.first_round", self.lang)
            choose(self._respondent, self._service.respondents(self.lang))
        except Exception:
            log.exception("the self-assessment could not be read")
            self._say(self._status, t("page.error.body", self.lang), problem=True)
        self._relabel()
        self.load()

    def load(self) -> None:
        """Show the chosen respondent's answers in the chosen round (none yet: every question unanswered)."""
        round, key = self._round.value.strip(), self._respondent.value
        if not round or key is None:
            return
        try:
            found = self._service.answers(round, key)
        except KlyngeError as exc:
            self._say(self._status, str(exc), problem=True)
            return
        self._shown = (round, key, found.version if found else None)
        given = found.value.answers if found else {}
        for qid, box in self._answers.items():
            box.value = _UNANSWERED if given.get(qid) is None else given[qid]
        self._draw_results()

    def values(self) -> dict[str, int | None]:
        return {qid: None if box.value in (_UNANSWERED, None) else box.value
                for qid, box in self._answers.items()}

    def answer(self, values: dict[str, int | None]) -> None:
        """Set answers by question id (None: unanswered), as a person would pick them."""
        for qid, value in values.items():
            self._answers[qid].value = _UNANSWERED if value is None else value

    # -- actions ---------------------------------------------------------------------------
    def save(self) -> None:
        """Save the answers shown, made from the version shown (a save someone overtook is refused)."""
        lang = self.lang

        def save() -> None:
            round, key = self._round.value.strip(), self._respondent.value
            # Typed into another round than the one shown: a first save there, or a conflict with what is there.
            base = self._shown[2] if self._shown and self._shown[:2] == (round, key) else None
            saved = self._service.save(round, key, self.values(), base, lang)
            self._shown = (round, key, saved.version)
            self._round.options = self._service.rounds()
            self._say(self._status, t("maturity.saved", lang, version=saved.version))
            self._draw_results()

        attempt(self._save, lambda text, problem: self._say(self._status, text, problem), save, lang,
                "maturity.conflict", "saving maturity answers")

    def take_snapshot(self) -> None:
        """Keep the round's score and the members' figures, and show the trend since the snapshot before."""
        lang = self.lang

        def take() -> None:
            taken = self._service.take_snapshot(self._round.value, lang)
            self._say(self._snap_status, t("maturity.snapshot_taken", lang, round=taken.round))
            self._draw_trend()

        attempt(self._snapshot, lambda text, problem: self._say(self._snap_status, text, problem), take, lang,
                "maturity.conflict", "taking a snapshot")

    @staticmethod
    def _say(target: w.HTML, text: str, problem: bool = False) -> None:
        target.value = part("para", text, css="klynge-message" if problem else "klynge-fac-ok",
                            role="alert" if problem else "status")

    # -- drawing ---------------------------------------------------------------------------
    @observe("lang")
    def _on_lang(self, change) -> None:
        if self._round.value == t("maturity.first_round", change["old"]):  # the untouched default, not a round
            self._round.value = t("maturity.first_round", change["new"])
        self._relabel()

    def _relabel(self) -> None:
        lang, framework = self.lang, self._service.framework
        self._head.value = part("heading", 1, framework.title_in(lang), framework.description_in(lang))
        self._round.description = t("maturity.round", lang)
        self._round.placeholder = t("maturity.round_help", lang)
        self._respondent.description = t("maturity.respondent", lang)
        choose(self._respondent, [(t("maturity.respondent.facilitator", lang) if key == FACILITATOR else label, key)
                                  for label, key in self._respondent.options])
        self._load.description = t("maturity.load", lang)
        scale = [(t("maturity.unanswered", lang), _UNANSWERED)] + [
            (f"{p.value} · {p.label.get(lang)}", p.value) for p in framework.scale]
        titles = {a.id: a.title_in(lang) for a in framework.areas}
        for area in framework.areas:
            for i, q in enumerate(framework.questions_in_area(area.id)):
                self._labels[q.id].value = snippet(_TEMPLATE, "question", q.text_in(lang),
                                                   titles[area.id] if i == 0 else "")
                box = self._answers[q.id]
                chosen = _UNANSWERED if box.value is None else box.value
                box.options = scale
                box.value = chosen
        for box in (self._round, self._respondent):
            box.style.description_width = "initial"
        self._save.description = t("maturity.save", lang)
        self._snapshot.description = t("maturity.snapshot", lang)
        self._draw_results()

    def _draw_results(self) -> None:
        round = self._round.value.strip()
        if not round:
            return
        try:
            scored = self._service.score(round)
        except KlyngeError as exc:
            self._say(self._scores, str(exc), problem=True)
            return
        lang = self.lang
        self._scores.value = part("heading", 2, t("maturity.scores", lang, round=round)) + self._score_html(scored)
        self._steps.value = snippet(_TEMPLATE, "steps", [
            {"title": s.title, "average": number(s.average, lang, digits=1), "steps": s.steps}
            for s in self._service.next_steps(scored, lang)], lang)
        self._draw_trend()

    def _score_html(self, scored: MaturityScore):
        lang, framework = self.lang, self._service.framework
        titles = {a.id: a.title_in(lang) for a in framework.areas}
        areas = []
        for a in scored.areas:
            average = "–" if a.average is None else number(a.average, lang, digits=1)
            areas.append({"title": titles.get(a.area, a.area), "average": average,
                          "width": round(100 * (a.share or 0)), "answered": a.answered, "unanswered": a.unanswered,
                          "bar_label": t("maturity.bar", lang, area=titles.get(a.area, a.area), average=average)})
        if scored.total is None:
            total = {"text": t("maturity.no_answers", lang), "level": "", "unanswered": "", "note": ""}
        else:
            level = next((lv for lv in framework.levels if lv.id == scored.level), None)
            total = {"text": t("maturity.total", lang, average=number(scored.total, lang, digits=1),
                               share=percent(scored.share or 0, lang), n=scored.respondents),
                     "level": level.title_in(lang) if level else "",
                     "unanswered": (t("maturity.unanswered_count", lang, n=scored.unanswered)
                                    if scored.unanswered else ""),
                     "note": framework.levels_note.get(lang) if framework.levels_note else ""}
        return snippet(_TEMPLATE, "scores", areas, total, lang)

    def _draw_trend(self) -> None:
        lang = self.lang
        try:
            change = self._service.trend()
        except KlyngeError as exc:
            self._say(self._trend, str(exc), problem=True)
            return
        if change is None:
            self._trend.value = part("para", t("maturity.trend.too_few", lang), css="klynge-fac-muted")
            return
        titles = {a.id: a.title_in(lang) for a in self._service.framework.areas}

        def area(c) -> str:
            return t("maturity.trend.area", lang, area=titles.get(c.area, c.area),
                     before=number(c.before, lang, digits=1), after=number(c.after, lang, digits=1))

        def figure(f) -> str:
            value = (lambda v: "–" if v is None else percent(v, lang)) if f.figure == "low_season_share" else (
                lambda v: "–" if v is None else number(v, lang))
            return t("maturity.trend.figure", lang, figure=t(f"maturity.figure.{f.figure}", lang),
                     before=value(f.before), after=value(f.after))

        delta = change.total_change
        total = "" if delta is None else t("maturity.trend.total", lang,
                                           change=("+" if delta > 0 else "") + number(delta, lang, digits=2))
        self._trend.value = snippet(_TEMPLATE, "trend", {
            "title": t("maturity.trend.title", lang, before=change.before, after=change.after), "total": total,
            "matured": [area(c) for c in change.matured], "declined": [area(c) for c in change.declined],
            "moved": [f"{m.member}: " + "; ".join(figure(f) for f in m.changes) for m in change.moved],
            "joined": change.joined, "left": change.left}, lang)
