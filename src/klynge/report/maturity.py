"""The cluster report's "Maturity" section: the latest scores, the next steps, the trend since the round before.

Renders the self-assessment's snapshots (:class:`klynge.model.MaturitySnapshot`, oldest first,
as the facilitator took them) and computes nothing of its own: the scores were made when the
snapshot was taken, the next steps and the trend come from :mod:`klynge.model.maturity`. A
round snapshotted more than once counts with its latest snapshot (:func:`latest_per_round`),
so the trend compares two rounds, never a round with itself. HTML comes from
``report/maturity.html.j2`` and the pieces of :mod:`klynge.report.html`; every value, a round's
label and a member's name too, is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from markupsafe import Markup
from matplotlib.figure import Figure

from ..formatting import number, percent
from ..i18n import t
from ..model import MaturitySnapshot, MaturityTrend, next_steps, trend
from ..templating import snippet
from . import figures as fg
from .html import details, figure, paragraph, section, table

__all__ = ["latest_per_round", "maturity_figure", "maturity_section", "score_rows"]

_TEMPLATE = "report/maturity.html.j2"
_BAR = "#2f855a"


def latest_per_round(snapshots: Sequence[MaturitySnapshot]) -> list[MaturitySnapshot]:
    """The latest snapshot of each round, in the order they were taken (``snapshots`` oldest first).

    A round snapshotted again (say, after a late answer) replaces its earlier snapshot and
    moves to where the new one was taken.
    """
    last = {s.round: i for i, s in enumerate(snapshots)}
    return [snapshots[i] for i in sorted(last.values())]


def _titles(framework, lang: str) -> dict[str, str]:
    return {a.id: a.title_in(lang) for a in framework.areas} if framework is not None else {}


def _average(value: float | None, lang: str) -> str:
    return "–" if value is None else number(value, lang, digits=1)


def score_rows(snapshot: MaturitySnapshot, framework, lang: str) -> list[dict]:
    """One row per area of the snapshot: its title, average, place on the scale, answered and unanswered questions."""
    titles = _titles(framework, lang)
    return [{"area": titles.get(a.area, a.area), "average": _average(a.average, lang),
             "share": "–" if a.share is None else percent(a.share, lang), "answered": a.answered,
             "unanswered": a.unanswered} for a in snapshot.score.areas]


def _labels(lang: str) -> dict[str, str]:
    return {k: t(f"report.maturity.col.{k}", lang) for k in ("area", "average", "share", "answered", "unanswered")}


def maturity_figure(snapshot: MaturitySnapshot, framework, lang: str) -> Figure:
    """One bar per area: its average on the framework's scale; an area without answers is marked, not drawn."""
    titles = _titles(framework, lang)
    labels = [fg._short(titles.get(a.area, a.area), 40) for a in snapshot.score.areas]
    low, high = ((framework.scale[0].value, framework.scale[-1].value) if framework is not None
                 else (0, max([1.0] + [a.average or 0 for a in snapshot.score.areas])))
    with matplotlib.rc_context(fg.RC):
        fig = fg._figure(6.5, max(1.8, 0.32 * len(labels) + 1.0))
        ax = fg._axes(fig, fg._label_width(labels), 0.5, 0.5, 0.35)
        y = np.arange(len(labels))[::-1]
        values = [a.average for a in snapshot.score.areas]
        ax.barh(y, [0 if v is None else v - low for v in values], left=low, color=_BAR)
        for yi, v in zip(y, values):
            ax.annotate(_average(v, lang), (low if v is None else v, yi), xytext=(4, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=8)
        ax.set_yticks(y, [fg.plain(x) for x in labels])
        ax.set_xlim(low, high)
        ax.set_xticks(np.arange(low, high + 1))
        ax.set_xlabel(t("report.maturity.axis", lang, low=low, high=high))
        ax.set_title(fg.plain(t("report.maturity.figure_title", lang, round=snapshot.round)), loc="left")
    return fig


def _summary(snapshot: MaturitySnapshot, framework, lang: str) -> list[Markup]:
    score = snapshot.score
    lines = [paragraph(t("report.maturity.taken", lang, round=snapshot.round, date=snapshot.taken_on))]
    if score.total is None:
        lines.append(paragraph(t("report.maturity.no_answers", lang)))
    else:
        level = next((lv for lv in framework.levels if lv.id == score.level), None) if framework is not None else None
        lines.append(paragraph(t("report.maturity.total", lang, n=score.respondents,
                                 average=number(score.total, lang, digits=1), share=percent(score.share or 0, lang),
                                 level=level.title_in(lang) if level else (score.level or "–"))))
    questions = score.answered + score.unanswered
    lines.append(paragraph(t("report.maturity.unanswered", lang, n=score.unanswered, total=questions)
                           if score.unanswered else t("report.maturity.all_answered", lang, total=questions)))
    return lines


def _steps(snapshot: MaturitySnapshot, framework, lang: str) -> Markup:
    title = t("maturity.next_steps", lang)
    if framework is None:
        return section(title, paragraph(t("report.maturity.no_framework", lang, framework=snapshot.score.framework)),
                       level=3)
    steps = [{"title": s.title, "average": _average(s.average, lang), "steps": s.steps}
             for s in next_steps(framework, snapshot.score, lang)]
    return snippet(_TEMPLATE, "steps", title, steps, t("report.maturity.no_steps", lang))


def _figure_value(figure: str, value, lang: str) -> str:
    if value is None:
        return "–"
    return percent(value, lang) if figure == "low_season_share" else number(value, lang)


def _trend(change: MaturityTrend, framework, lang: str) -> Markup:
    titles = _titles(framework, lang)

    def area(c) -> str:
        return t("maturity.trend.area", lang, area=titles.get(c.area, c.area), before=_average(c.before, lang),
                 after=_average(c.after, lang))

    def moved(m) -> str:
        return f"{m.member}: " + "; ".join(
            t("maturity.trend.figure", lang, figure=t(f"maturity.figure.{f.figure}", lang),
              before=_figure_value(f.figure, f.before, lang), after=_figure_value(f.figure, f.after, lang))
            for f in m.changes)

    delta = change.total_change
    total = "" if delta is None else t("maturity.trend.total", lang,
                                       change=("+" if delta > 0 else "") + number(delta, lang, digits=2))
    lists = [(t("maturity.trend.matured", lang), [area(c) for c in change.matured]),
             (t("maturity.trend.declined", lang), [area(c) for c in change.declined]),
             (t("maturity.trend.moved", lang), [moved(m) for m in change.moved]),
             (t("report.maturity.one_side", lang),  # unanswered in both rounds: nothing to say
              [area(c) for c in change.not_comparable if (c.before is None) != (c.after is None)]),
             (t("maturity.trend.joined", lang), change.joined),
             (t("maturity.trend.left", lang), change.left)]
    nothing = "" if any(items for _title, items in lists) else t("report.maturity.nothing", lang)
    return snippet(_TEMPLATE, "trend", t("maturity.trend.title", lang, before=change.before, after=change.after),
                   total, lists, nothing)


def _member_rows(snapshot: MaturitySnapshot, lang: str) -> list[dict]:
    return [{"member": name, **{f: _figure_value(f, getattr(figures, f), lang) for f in type(figures).model_fields}}
            for name, figures in snapshot.members.items()]


def maturity_section(snapshots: Sequence[MaturitySnapshot], framework, lang: str) -> Markup:
    """The report's "Maturity" section from the snapshots taken so far (oldest first).

    Parameters
    ----------
    snapshots
        Every snapshot of the cluster's self-assessment, oldest first; none gives a sentence
        on how to take one.
    framework
        The assessment template the latest snapshot was scored on
        (:class:`klynge.canvases.AssessmentTemplate`), or None when it is no longer found: the
        areas are then named by their ids and the next steps are not known.
    """
    title = t("report.maturity.title", lang)
    rounds = latest_per_round(snapshots)
    if not rounds:
        return section(title, paragraph(t("report.maturity.none", lang, page=t("decisions.nav", lang),
                                          tab=t("maturity.tab", lang), button=t("maturity.snapshot", lang))))
    latest = rounds[-1]
    rows = score_rows(latest, framework, lang)
    columns = ["area", "average", "share", "answered", "unanswered"]
    scores = figure(fg.png(maturity_figure(latest, framework, lang)), t("report.maturity.figure_alt", lang),
                    t("report.maturity.caption", lang))
    parts = [*_summary(latest, framework, lang), scores, table(rows, columns, labels=_labels(lang), lang=lang),
             _steps(latest, framework, lang)]
    if len(rounds) > 1:
        parts.append(_trend(trend(rounds[-2], latest), framework, lang))
    else:
        parts.append(paragraph(t("report.maturity.one_round", lang)))
    if latest.members:
        labels = {"member": t("batch.member", lang),
                  **{f: t(f"report.maturity.col.{f}", lang) for f in ("offers", "low_season_share", "sdg_actions")}}
        parts.append(details(t("report.maturity.figures", lang, round=latest.round, n=len(latest.members)),
                             [paragraph(t("report.maturity.figures_note", lang)),
                              table(_member_rows(latest, lang), list(labels), labels=labels, lang=lang)]))
    return section(title, *parts)
