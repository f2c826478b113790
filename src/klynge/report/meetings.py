"""The map of a meeting: the region's outline, the members, the venues, and who is within the hour.

Drawn from :func:`klynge.analysis.meetings.cover`'s result with matplotlib's object API (no
tile server): the outline is the convex hull of the reference municipality points.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np

from ..i18n import t
from .figures import RC, _axes, _figure, plain

__all__ = ["hull", "meeting_figure"]


def _turn(o, a, b) -> float:
    """Above 0 when o, a, b turn counter-clockwise."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull(points: np.ndarray) -> np.ndarray:
    """The convex hull of 2-D ``points`` (x, y), counter-clockwise, by Andrew's monotone chain."""
    pts = np.unique(np.asarray(points, dtype=float), axis=0)
    if len(pts) < 3:
        return pts

    def half(seq):
        out: list = []
        for p in seq:
            while len(out) >= 2 and _turn(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return np.array(half(pts) + half(pts[::-1]))


def meeting_figure(member_lonlat, venue_lonlat, minutes, result, outline_lonlat, *,
                   member_names: Sequence[str] = (), venue_names: Sequence[str] = (), lang: str = "en",
                   title: str = ""):
    """A map-like picture: the region's outline, the members, the venues and who is within the limit.

    Parameters
    ----------
    member_lonlat, venue_lonlat
        (longitude, latitude) per member and per venue, in the order of ``minutes``' rows and columns.
    minutes
        The members-by-venues minutes the cover was found from.
    result
        :func:`klynge.analysis.meetings.cover`'s result (its ``indices`` and ``limit``): its
        venues are drawn large, each member is joined by a line to its nearest chosen venue when
        that is within the limit, and drawn red when it is not.
    outline_lonlat
        Points of the region (the municipality points of the reference data): their convex hull
        is the outline, the points a faint backdrop.
    """
    members = np.asarray(member_lonlat, dtype=float).reshape(-1, 2)
    places = np.asarray(venue_lonlat, dtype=float).reshape(-1, 2)
    region = np.asarray(outline_lonlat, dtype=float).reshape(-1, 2)
    data = np.asarray(minutes, dtype=float)
    data = np.where(np.isnan(data), np.inf, data)
    chosen = list(result.indices)
    with matplotlib.rc_context(RC):
        fig = _figure(7.5, 6.0)
        ax = _axes(fig, 0.55, 0.45, 0.2, 0.35)
        if len(region) >= 3:
            outline = hull(region)
            ax.fill(outline[:, 0], outline[:, 1], color="#eef2f6", ec="#9aa9b8", lw=0.8, zorder=0,
                    label="_region")
        ax.scatter(region[:, 0], region[:, 1], s=4, color="#b8c4d0", zorder=1, label="_places")
        if chosen:
            near = data[:, chosen]
            best = near.argmin(axis=1)
            best_minutes = near[np.arange(len(members)), best]
        else:
            best = np.zeros(len(members), dtype=int)
            best_minutes = np.full(len(members), np.inf)
        inside = best_minutes <= result.limit
        for i in np.flatnonzero(inside):
            v = places[chosen[best[i]]]
            ax.plot([members[i, 0], v[0]], [members[i, 1], v[1]], color="#15803d", lw=0.8, alpha=0.7, zorder=2,
                    label="_link")
        others = np.setdiff1d(np.arange(len(places)), chosen)
        ax.scatter(places[others, 0], places[others, 1], marker="s", s=18, color="#9ca3af", zorder=3,
                   label=t("meetings.venue", lang))
        ax.scatter(members[inside, 0], members[inside, 1], s=22, color="#15803d", zorder=4,
                   label=t("meetings.within", lang, limit=f"{result.limit:g}"))
        ax.scatter(members[~inside, 0], members[~inside, 1], s=28, color="#b91c1c", marker="x", zorder=4,
                   label=t("meetings.outside", lang, limit=f"{result.limit:g}"))
        ax.scatter(places[chosen, 0], places[chosen, 1], marker="*", s=180, color="#c2410c", ec="#7c2d12",
                   zorder=5, label=t("meetings.chosen", lang))
        for j in chosen:
            if j < len(venue_names):
                ax.annotate(plain(venue_names[j]), places[j], xytext=(5, 5), textcoords="offset points",
                            fontsize=8, fontweight="bold", zorder=6)
        for i, name in enumerate(member_names):
            ax.annotate(plain(name), members[i], xytext=(3, -8), textcoords="offset points", fontsize=6,
                        color="#444", zorder=6)
        every = np.vstack([p for p in (region, members, places) if len(p)])
        pad = 0.15
        ax.set_xlim(every[:, 0].min() - pad, every[:, 0].max() + pad)
        ax.set_ylim(every[:, 1].min() - pad, every[:, 1].max() + pad)
        # A degree of longitude is cos(latitude) of a degree of latitude: keep distances true to the eye.
        ax.set_aspect(1 / np.cos(np.radians(every[:, 1].mean())))
        ax.set_xlabel(t("meetings.longitude", lang))
        ax.set_ylabel(t("meetings.latitude", lang))
        ax.legend(loc="lower right", fontsize=7, frameon=True)
        ax.set_title(plain(title or t("meetings.title", lang, n=len(chosen), limit=f"{result.limit:g}")),
                     loc="left")
    return fig
