"""The low-season gap finder drawn and written: a heat map, the gaps in plain words, the low-season shares.

Renders :func:`klynge.analysis.gaps.gap_picture`'s JSON and computes nothing of its own. The
facilitator's "Low season" page and the batch's cluster summary use the same pieces, so the two
say the same thing. HTML comes from ``report/gaps.html.j2`` and the report pieces of
:mod:`klynge.report.html`; every value is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from markupsafe import Markup
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..formatting import percent
from ..i18n import t
from ..templating import snippet
from . import figures as fg

__all__ = ["gap_sentences", "gaps_figure", "gaps_png", "gaps_section", "kind_word", "season_rows", "status_grid"]

#: Colours of missing, thin, enough and plenty (ten times the thin threshold and more).
COLOURS = ("#f3b7b0", "#f6d58e", "#a7d7b0", "#2f855a")
#: Marks drawn in the cells, so colour is not the only cue.
MARKS = ("×", "!", "", "")
_PLENTY = 10


def kind_word(group: str, lang: str) -> str:
    """A kind group (``activity``, ``bed``, ``meal``, ``transport``, ``culture``) in ``lang``."""
    return t(f"gaps.kind.{group}", lang)


def _kinds(groups: Sequence[str], lang: str) -> str:
    return ", ".join(kind_word(g, lang) for g in groups)


def status_grid(picture: Mapping) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """Rows ``(area id, group)``, and per row and month (September first) the level (0 missing,
    1 thin, 2 enough, 3 plenty) and whether the month is one of the area's low months."""
    months = picture["season_months"]
    col = {m: i for i, m in enumerate(months)}
    rows = [(a["id"], g) for a in picture["areas"] for g in picture["groups"]]
    index = {r: i for i, r in enumerate(rows)}
    level = np.zeros((len(rows), len(months)), dtype=int)
    low = np.zeros_like(level, dtype=bool)
    thin = float(picture["thin"])
    for c in picture["cells"]:
        i, j = index[(c["area"], c["group"])], col[c["month"]]
        if c["status"] == "missing":
            level[i, j] = 0
        elif c["status"] == "thin":
            level[i, j] = 1
        else:
            level[i, j] = 3 if c["per_1000"] >= _PLENTY * thin else 2
        low[i, j] = bool(c["low"])
    return rows, level, low


def gaps_figure(picture: Mapping, lang: str) -> Figure:
    """Areas by kind (rows) and months from September (columns): missing, thin, enough or plenty
    capacity against the area's guest nights; the areas' low months outlined."""
    rows, level, low = status_grid(picture)
    names = {a["id"]: a["name"] for a in picture["areas"]}
    labels = [f"{fg._short(names[a], 22)} · {kind_word(g, lang)}" for a, g in rows]
    month_names = fg.months(lang)
    with matplotlib.rc_context(fg.RC):
        height = max(2.4, 0.2 * len(rows) + 1.5)
        fig = fg._figure(7.5, height)
        ax = fg._axes(fig, fg._label_width(labels), 0.95, 0.2, 0.45)
        data = level if len(rows) else np.zeros((1, 12), dtype=int)
        ax.imshow(data, cmap=ListedColormap(COLOURS), vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
        for i, j in zip(*np.nonzero(low)):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#1f2933", lw=1.1))
        for i, j in np.ndindex(*level.shape):
            if MARKS[level[i, j]]:
                ax.text(j, i, MARKS[level[i, j]], ha="center", va="center", fontsize=7, color="#1f2933")
        groups = len(picture["groups"])
        for k in range(1, len(picture["areas"])):
            ax.axhline(k * groups - 0.5, color="#1f2933", lw=1.4)
        ax.set_xticks(np.arange(12), [month_names[m - 1] for m in picture["season_months"]])
        ax.set_yticks(np.arange(len(rows)), [fg.plain(x) for x in labels], fontsize=7.5)
        ax.tick_params(length=0)
        ax.set_title(fg.plain(t("gaps.heatmap", lang)), loc="left")
        handles = [Patch(facecolor=c, edgecolor="#52606d", label=t(f"gaps.legend.{k}", lang))
                   for c, k in zip(COLOURS, ("missing", "thin", "enough", "plenty"))]
        handles.append(Patch(facecolor="white", edgecolor="#1f2933", label=t("gaps.legend.low", lang)))
        fig.legend(handles=handles, loc="lower left", ncol=3, fontsize=7.5, frameon=False,
                   bbox_to_anchor=(0.01, 0.0))
    return fig


def gaps_png(picture: Mapping, lang: str) -> bytes:
    """:func:`gaps_figure` as PNG bytes."""
    return fg.png(gaps_figure(picture, lang))


def gap_sentences(picture: Mapping, lang: str) -> list[str]:
    """Each gap in plain words: the area and month, why no package can be built, what is missing or thin."""
    names = fg.months(lang)
    out = []
    for g in picture["gaps"]:
        enough = [x for x in picture["groups"] if x not in g["missing"] and x not in g["thin"]]
        text = t(f"gaps.gap.{g['reason']}", lang, area=g["area_name"], month=names[g["month"] - 1],
                 kinds=_kinds(enough, lang))
        if g["missing"]:
            text += " " + t("gaps.missing", lang, kinds=_kinds(g["missing"], lang))
        if g["thin"]:
            text += " " + t("gaps.thin_kinds", lang, kinds=_kinds(g["thin"], lang))
        out.append(text)
    return out


def season_rows(picture: Mapping, lang: str) -> list[dict]:
    """Per area and kind with capacity: the low-season share now, with the agreed packages, and the share packaged."""
    names = {a["id"]: a["name"] for a in picture["areas"]}
    return [{"area": names.get(r["area"], r["area"]), "kind": kind_word(r["group"], lang),
             "now": percent(r["low_share"], lang), "with": percent(r["low_share_with"], lang),
             "packaged": percent(r["packaged_share"], lang)}
            for r in picture["season"] if r["capacity"] or r["added"]]


def season_labels(lang: str) -> dict[str, str]:
    """The column headings of :func:`season_rows`."""
    return {k: t(f"gaps.col.{k}", lang) for k in ("area", "kind", "now", "with", "packaged")}


def notes(picture: Mapping, lang: str) -> list[str]:
    """What the figures rest on: the threshold, the approximate guest nights, offers not counted."""
    years = sorted({a["year"] for a in picture["areas"]})
    out = [t("gaps.caption", lang, thin=picture["thin"])]
    if any(a["approximate"] for a in picture["areas"]):
        out.append(t("gaps.approximate", lang, years=", ".join(str(y) for y in years)))
    if picture["unplaced"]:
        out.append(t("gaps.unplaced", lang, n=len(picture["unplaced"])))
    out.append(t("gaps.packages", lang, n=picture["packages"]))
    return out


def gaps_section(picture: Mapping, lang: str) -> Markup:
    """The cluster summary's section: the heat map, the gaps in words, the low-season shares."""
    from .html import figure, paragraph, section, table

    if not picture["areas"]:
        return section(t("gaps.title", lang), paragraph(t("gaps.no_offers", lang)))
    heat = figure(gaps_png(picture, lang), t("gaps.heatmap_alt", lang), " ".join(notes(picture, lang)))
    season = table(season_rows(picture, lang), ["area", "kind", "now", "with", "packaged"],
                   labels=season_labels(lang), lang=lang)
    return snippet("report/gaps.html.j2", "section", t("gaps.title", lang), t("gaps.intro", lang), heat,
                   t("gaps.gaps_heading", lang), gap_sentences(picture, lang), t("gaps.none", lang),
                   t("gaps.season_heading", lang), t("gaps.season_note", lang), season)
