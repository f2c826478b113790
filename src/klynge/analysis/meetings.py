"""Meetings within the hour: rank venues for a meeting's members, and the smallest set that serves them all.

The one-hour rule: a member loses interest in a meeting more than an hour's travel away.
Every function takes a matrix of travel minutes, members (rows) by candidate venues
(columns), as a numpy array or a DataFrame (whose index and columns then name them); NaN or
infinity means no route. Candidate venues are the members' own venues and the municipality
centres (:func:`venue_candidates`). :func:`rank_venues` orders the venues by how many members
reach them within the limit, then by the longest and the mean travel; :func:`cover` finds
the fewest venues (rotating meetings, or hubs) that put every member within the limit of at
least one, solved exactly as a set-cover integer programme with CBC (through PuLP), and names
the members that no venue serves within the limit. :func:`meeting_figure` draws it on the
region's outline.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MeetingError
from ..i18n import t

__all__ = ["LIMIT", "Cover", "cover", "meeting_figure", "rank_venues", "venue_candidates"]

#: The one-hour rule, in minutes.
LIMIT = 60.0


@dataclass(frozen=True)
class Cover:
    """The smallest set of venues that puts every reachable member within the limit of one.

    Attributes
    ----------
    venues
        The chosen venues' labels, in column order.
    indices
        Their column positions in the minutes matrix.
    unreachable
        Labels of the members that no venue serves within the limit.
    assignment
        One row per member: ``member``, ``venue`` (the nearest chosen venue, None for an
        unreachable member), ``minutes`` to it, and ``within`` (inside the limit).
    limit
        The limit in minutes.
    status
        The solver's status (``Optimal``).
    """

    venues: tuple
    indices: tuple[int, ...]
    unreachable: tuple
    assignment: pd.DataFrame
    limit: float
    status: str


def _matrix(minutes, members: Sequence | None, venues: Sequence | None, lang: str):
    """``minutes`` as a float array with NaN as infinity, and the labels of its rows and columns."""
    if isinstance(minutes, pd.DataFrame):
        members = list(minutes.index) if members is None else list(members)
        venues = list(minutes.columns) if venues is None else list(venues)
        minutes = minutes.to_numpy(dtype=float)
    data = np.array(minutes, dtype=float, ndmin=2)
    if data.ndim != 2:
        raise MeetingError(t("meetings.shape", lang, shape=str(data.shape)))
    members = list(range(data.shape[0])) if members is None else list(members)
    venues = list(range(data.shape[1])) if venues is None else list(venues)
    if len(members) != data.shape[0] or len(venues) != data.shape[1]:
        raise MeetingError(t("meetings.labels", lang, rows=data.shape[0], cols=data.shape[1],
                             members=len(members), venues=len(venues)))
    if data.shape[0] < 2:
        raise MeetingError(t("meetings.one_member", lang, n=data.shape[0]))
    if data.shape[1] == 0:
        raise MeetingError(t("meetings.no_venues", lang))
    if (data < 0).any():
        raise MeetingError(t("meetings.negative", lang))
    data[np.isnan(data)] = np.inf
    return data, members, venues


def rank_venues(minutes, *, members: Sequence | None = None, venues: Sequence | None = None,
                limit: float = LIMIT, lang: str = "en") -> pd.DataFrame:
    """The candidate venues, best first, for the members invited to a meeting.

    Parameters
    ----------
    minutes
        Travel minutes, members by venues (array or DataFrame); NaN or inf for no route.
    members, venues
        Labels of the rows and columns (default: the DataFrame's, or positions).
    limit
        Minutes a member travels at most (the one-hour rule).

    Returns
    -------
    DataFrame
        One row per venue: ``rank`` (equal for exact ties), ``venue``, ``column`` (its
        position), ``reached`` (members within the limit), ``share`` of the members,
        ``longest`` and ``mean`` minutes (over members with a route; ``no_route`` counts the
        others) and ``outside`` (labels of members beyond the limit). Sorted by most reached,
        then shortest longest travel, then shortest mean, then column order.

    Raises
    ------
    MeetingError
        Fewer than two members, no venue, negative minutes, or no member has a route to any venue.
    """
    data, members, venues = _matrix(minutes, members, venues, lang)
    routed = np.isfinite(data)
    if not routed.any():
        raise MeetingError(t("meetings.no_route", lang))
    within = data <= limit
    with np.errstate(invalid="ignore"):
        longest = np.where(routed, data, -np.inf).max(axis=0)
        count = routed.sum(axis=0)
        mean = np.where(count > 0, np.where(routed, data, 0).sum(axis=0) / np.maximum(count, 1), np.inf)
    longest = np.where(count > 0, longest, np.inf)
    # A venue some member cannot reach at all ranks after those everyone reaches: its longest is infinite.
    worst = np.where(count < data.shape[0], np.inf, longest)
    table = pd.DataFrame({"venue": venues, "column": np.arange(len(venues)), "reached": within.sum(axis=0),
                          "share": within.sum(axis=0) / data.shape[0], "longest": longest, "mean": mean,
                          "no_route": data.shape[0] - count, "_worst": worst,
                          "outside": [tuple(m for m, w in zip(members, col) if not w) for col in within.T]})
    table = table.sort_values(["reached", "_worst", "longest", "mean", "column"],
                              ascending=[False, True, True, True, True], kind="stable")
    key = list(zip(table["reached"], table["_worst"], table["longest"], table["mean"]))
    ranks, previous = [], None
    for position, k in enumerate(key, start=1):
        ranks.append(ranks[-1] if k == previous else position)
        previous = k
    table.insert(0, "rank", ranks)
    return table.drop(columns=["_worst"]).reset_index(drop=True)


def _solve(within: np.ndarray, weights: np.ndarray) -> tuple[list[int], str]:
    """Columns of the minimum-weight cover of the rows of ``within`` (each row has a True), by CBC."""
    try:
        import pulp
    except ImportError as error:  # pragma: no cover - pulp is a dependency
        from ..errors import MissingDependency
        raise MissingDependency("the meeting planner needs PuLP: pip install pulp") from error
    problem = pulp.LpProblem("venues", pulp.LpMinimize)
    useful = np.flatnonzero(within.any(axis=0))
    # PuLP 3 warns that these calls change in PuLP 4 (which needs Python 3.12); the range in
    # pyproject.toml keeps PuLP 3, whose wheel ships the CBC binary.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        x = {int(j): pulp.LpVariable(f"v{j}", cat="Binary") for j in useful}
        problem += pulp.lpSum(float(weights[j]) * x[j] for j in x)
        for i, row in enumerate(within):
            problem += pulp.lpSum(x[int(j)] for j in np.flatnonzero(row)) >= 1, f"m{i}"
        problem.solve(pulp.PULP_CBC_CMD(msg=False))
    status = pulp.LpStatus[problem.status]
    if status != "Optimal":  # pragma: no cover - a feasible cover always exists
        raise MeetingError(f"the solver did not find the best set of venues ({status})")
    return sorted(j for j, var in x.items() if var.value() is not None and var.value() > 0.5), status


def cover(minutes, limit: float = LIMIT, *, members: Sequence | None = None, venues: Sequence | None = None,
          lang: str = "en") -> Cover:
    """The fewest venues that put every member who can be served within ``limit`` of one of them.

    Solved exactly as a set cover (binary variable per venue, one constraint per member)
    with CBC through PuLP. Among the smallest sets, the one with the least mean travel to its
    venues is chosen (a tie-break weight below one venue's, so the set's size stays minimal).

    Raises
    ------
    MeetingError
        Fewer than two members, no venue, or no member within ``limit`` of any venue.
    """
    data, members, venues = _matrix(minutes, members, venues, lang)
    within = data <= limit
    served = within.any(axis=1)
    if not served.any():
        raise MeetingError(t("meetings.none_within", lang, limit=f"{limit:g}"))
    count = within.sum(axis=0)
    mean = np.where(count > 0, np.where(within, data, 0).sum(axis=0) / np.maximum(count, 1), limit)
    # Each venue costs 1 plus less than 1 / (venues + 1) in all: a smaller set always wins.
    weights = 1.0 + mean / (max(limit, 1.0) * (len(venues) + 1))
    chosen, status = _solve(within[served], weights)
    nearest = data[:, chosen]
    best = nearest.argmin(axis=1)
    best_minutes = nearest[np.arange(len(members)), best]
    assignment = pd.DataFrame({"member": members,
                               "venue": [venues[chosen[b]] if ok else None for b, ok in zip(best, served)],
                               "minutes": np.where(served, best_minutes, np.nan),
                               "within": served})
    return Cover(venues=tuple(venues[j] for j in chosen), indices=tuple(chosen),
                 unreachable=tuple(m for m, ok in zip(members, served) if not ok), assignment=assignment,
                 limit=float(limit), status=status)


def venue_candidates(organisations: Iterable, offers: Iterable, municipalities: Iterable) -> pd.DataFrame:
    """Candidate venues: members with a venue offer (at their coordinates) and the municipality centres.

    Parameters
    ----------
    organisations
        :class:`~klynge.model.Organisation` objects with ids; those without coordinates are left out.
    offers
        Their :class:`~klynge.model.Offer` objects; an organisation with an offer of kind ``venue`` is a candidate.
    municipalities
        :class:`~klynge.reference.Municipality` rows whose centres are candidates.

    Returns
    -------
    DataFrame
        ``venue`` (a label), ``kind`` (``member`` or ``centre``), ``organisation_id``,
        ``municipality``, ``lat``, ``lon``.
    """
    hosts = {o.organisation_id for o in offers if o.kind == "venue"}
    rows = [{"venue": org.name, "kind": "member", "organisation_id": org.id, "municipality": org.municipality,
             "lat": org.lat, "lon": org.lon} for org in organisations
            if org.id in hosts and org.lat is not None and org.lon is not None]
    rows += [{"venue": f"{m.centre} ({m.name})" if m.centre != m.name else m.name, "kind": "centre",
              "organisation_id": None, "municipality": m.code, "lat": m.centre_lat, "lon": m.centre_lon}
             for m in municipalities]
    return pd.DataFrame(rows, columns=["venue", "kind", "organisation_id", "municipality", "lat", "lon"])


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


def meeting_figure(member_lonlat, venue_lonlat, minutes, result: Cover, outline_lonlat, *,
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
        :func:`cover`'s result: its venues are drawn large, each member is joined by a line to its
        nearest chosen venue when that is within the limit, and drawn red when it is not.
    outline_lonlat
        Points of the region (the municipality points of the reference data): their convex hull
        is the outline, the points a faint backdrop.
    """
    import matplotlib

    from ..report.figures import RC, _axes, _figure, plain

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
