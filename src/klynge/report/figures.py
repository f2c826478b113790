"""Matplotlib figures of the batch reports, rendered to deterministic PNG bytes.

Figures are made with matplotlib's object API (``Figure`` and an Agg canvas), never with
pyplot, so they are not kept in pyplot's list of open figures and a batch kernel does not
collect them. :func:`png` writes no software name or date into the file and fixes the SVG
hash salt, so the same data gives the same bytes. Text a person typed is drawn literally:
a ``$`` does not start matplotlib's math mode.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from ..i18n import t

__all__ = ["UNIT_COLOURS", "canvas_poster", "counts_figure", "monthly_figure", "png", "position_figure", "sdg_heatmap",
           "sdg_profile_figure"]

#: Fixed rcParams of every figure: same bytes on every run.
RC = {"svg.hashsalt": "klynge", "font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 11,
      "figure.dpi": 100, "savefig.dpi": 100}
_LOW = "#e8eef7"
_BAR = "#3b6ea5"
_LINE = "#c2410c"
_HIGHLIGHT = "#c2410c"
_NOTE = "#fff3a6"


def plain(text: str) -> str:
    """``text`` for a matplotlib label, drawn as typed (``$`` does not switch to math)."""
    return str(text).replace("$", r"\$")


def months(lang: str) -> list[str]:
    """Short month names in ``lang``, January first."""
    return t("batch.months", lang).split(",")


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _axes(fig: Figure, left: float, bottom: float, right: float, top: float):
    """Axes with fixed margins in inches: measuring text for an automatic layout costs ~0.3 s a figure."""
    w, h = fig.get_size_inches()
    return fig.add_axes((left / w, bottom / h, 1 - (left + right) / w, 1 - (bottom + top) / h))


def _label_width(labels: Sequence[str]) -> float:
    """Inches that y tick labels of 9 pt need (DejaVu Sans averages about 0.07 in a character)."""
    return min(3.4, 0.35 + 0.068 * max((len(str(x)) for x in labels), default=4))


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes without metadata that changes between runs."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


#: A colour per capacity unit, the same in every figure.
UNIT_COLOURS = {"beds": _BAR, "seats": "#6b8e23", "guests": "#8e6bb0"}


def monthly_figure(open_offers: Sequence[int], capacity: Mapping[str, Sequence[int]], demand: Sequence[float] | None,
                   low: Sequence[bool], lang: str, title: str = "") -> Figure:
    """Capacity by month, one bar per unit side by side (never stacked: beds, seats and guests a day
    are not added up), open offers, low months shaded, the area's guest nights (line).

    ``capacity`` maps a unit (beds, seats, guests) to its twelve monthly capacities; units
    without any capacity are left out.
    """
    series = [(u, np.asarray(v, dtype=float)) for u, v in capacity.items() if np.asarray(v, dtype=float).sum() > 0]
    with matplotlib.rc_context(RC):
        fig = _figure(7.5, 3.6)
        ax = _axes(fig, 0.9, 0.95, 0.75 if demand is not None else 0.2, 0.35)
        x = np.arange(12)
        for i in x[np.asarray(low, dtype=bool)]:
            ax.axvspan(i - 0.5, i + 0.5, color=_LOW, zorder=0)
        width = 0.8 / max(1, len(series))
        for k, (unit, values) in enumerate(series):
            ax.bar(x - 0.4 + width * (k + 0.5), values, width=width, color=UNIT_COLOURS.get(unit, _BAR),
                   label=t(f"unit.capacity_month.{unit}", lang), zorder=2)
        ax.set_xticks(x, months(lang))
        ax.set_ylabel(t("unit.capacity_by_unit", lang))
        for i, n in zip(x, open_offers):
            ax.annotate(str(int(n)), (i, 1), xycoords=("data", "axes fraction"), xytext=(0, -2),
                        textcoords="offset points", ha="center", va="top", fontsize=7, color="#555", zorder=3)
        if series:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(series), frameon=False, fontsize=8)
        if demand is not None:
            share = ax.twinx()
            share.plot(x, np.asarray(demand) * 100, color=_LINE, marker="o", ms=3, label=t("batch.demand", lang))
            share.set_ylabel(t("batch.demand", lang))
            share.set_ylim(bottom=0)
        ax.set_xlim(-0.5, 11.5)
        ax.set_ylim(bottom=0, top=max([1.0] + [float(v.max()) for _, v in series]) * 1.12)
        ax.set_title(plain(title or t("batch.monthly", lang)), loc="left")
        fig.text(0.99, 0.02, t("batch.monthly_note_top", lang), ha="right", va="bottom", fontsize=7, color="#555")
    return fig


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _goal_labels(goals, lang: str) -> list[str]:
    return [_short(f"{g.number} {g.short.get(lang)}") for g in goals]


def sdg_profile_figure(score: Sequence[int], positive: Sequence[int], negative: Sequence[int], goals,
                       lang: str, title: str = "") -> Figure:
    """One bar per goal (its colour): the score; good and harmful targets written beside it."""
    with matplotlib.rc_context(RC):
        labels = _goal_labels(goals, lang)
        fig = _figure(7.5, 4.6)
        ax = _axes(fig, _label_width(labels), 0.5, 0.2, 0.35)
        y = np.arange(len(goals))[::-1]
        ax.barh(y, score, color=[g.colour for g in goals])
        ax.set_yticks(y, labels)
        ax.axvline(0, color="#333", lw=0.8)
        for yi, s, p, n in zip(y, score, positive, negative):
            if p or n:
                ax.annotate(f"+{p} / -{n}", (s, yi), xytext=(4 if s >= 0 else -4, 0), textcoords="offset points",
                            ha="left" if s >= 0 else "right", va="center", fontsize=7)
        ax.set_xlabel(t("batch.sdg_score", lang))
        ax.set_title(plain(title or t("batch.sdg_profile", lang)), loc="left")
        lim = max(1, int(np.max(np.abs(score))) if len(score) else 1)
        ax.set_xlim(-lim * 1.3, lim * 1.3)
    return fig


def counts_figure(values: Sequence[str], members: Sequence[int], lang: str, title: str) -> Figure:
    """Horizontal bars: members per value (kind, place, sub-cluster)."""
    with matplotlib.rc_context(RC):
        values = [_short(v, 40) for v in values]
        fig = _figure(5.5, max(1.6, 0.25 * len(values) + 0.9))
        ax = _axes(fig, _label_width(values), 0.5, 0.2, 0.35)
        y = np.arange(len(values))[::-1]
        ax.barh(y, members, color=_BAR)
        ax.set_yticks(y, [plain(v) for v in values])
        ax.set_xlabel(t("batch.members", lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(plain(title), loc="left")
    return fig


def sdg_heatmap(members: Sequence[str], scores: Sequence[Sequence[int]], goals, lang: str, title: str = "") -> Figure:
    """Member by goal: red where a member does harm, green where it does good."""
    data = np.asarray(scores, dtype=float).reshape(len(members), len(goals))
    with matplotlib.rc_context(RC):
        names = [_short(m, 32) for m in members]
        height = max(2.2, 0.22 * len(members) + 1.2)
        fig = _figure(8, height)
        ax = _axes(fig, _label_width(names), 0.55, 1.2, 0.35)
        lim = max(1.0, float(np.max(np.abs(data))) if data.size else 1.0)
        cmap = LinearSegmentedColormap.from_list("klynge_sdg", ["#b91c1c", "#f7f7f7", "#15803d"])
        image = ax.imshow(data, cmap=cmap, vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
        ax.set_xticks(np.arange(len(goals)), [str(g.number) for g in goals])
        ax.set_yticks(np.arange(len(members)), [plain(m) for m in names])
        for label, g in zip(ax.get_xticklabels(), goals):
            label.set_color(g.colour)
            label.set_fontweight("bold")
        ax.set_xlabel(t("batch.goal", lang))
        box = ax.get_position()
        cax = fig.add_axes((box.x1 + 0.25 / 8, box.y0, 0.15 / 8, box.height))
        fig.colorbar(image, cax=cax, label=t("batch.sdg_score", lang))
        ax.set_title(plain(title or t("batch.heatmap", lang)), loc="left")
    return fig


def position_figure(values: Sequence[float], mine: float, lang: str, title: str, label: str) -> Figure:
    """Where one member stands among all: a histogram of the cluster and a line for the member."""
    with matplotlib.rc_context(RC):
        fig = _figure(6, 2.6)
        ax = _axes(fig, 0.6, 0.5, 0.2, 0.35)
        ax.hist(np.asarray(values, dtype=float) * 100, bins=np.linspace(0, 100, 21), color=_BAR)
        ax.axvline(mine * 100, color=_HIGHLIGHT, lw=2, label=plain(label))
        ax.set_xlabel("%")
        ax.set_ylabel(t("batch.members", lang))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="upper right", frameon=False)
        ax.set_title(plain(title), loc="left")
    return fig


def canvas_poster(template, notes: Mapping[str, Sequence[str]], lang: str, title: str = "",
                  max_notes: int = 6) -> Figure:
    """A canvas drawn as a poster for a report page: its blocks on the template's grid, notes as stickies.

    The A3 poster of :func:`klynge.report.poster.canvas_figure`, at a report's size, without
    its footer and with notes of two lines at most.

    Parameters
    ----------
    template
        A :class:`klynge.canvases.CanvasTemplate` (blocks with grid positions).
    notes
        Note texts per block id, in order.
    max_notes
        Notes drawn per block; the rest are counted ("+3").
    """
    from .poster import canvas_figure  # the poster module builds on this one's settings

    return canvas_figure(template, notes, lang, title=title, size=(11.7, 7.2), footer=False, max_notes=max_notes,
                         note_lines=2, more=lambda n: f"+{n}")
