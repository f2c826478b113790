"""Meetings within the hour: rank venues for a meeting's members, and the smallest set that serves them all.

The one-hour rule: a member loses interest in a meeting more than an hour's travel away.
Every function takes a matrix of travel minutes, members (rows) by candidate venues
(columns), as a numpy array or a DataFrame (whose index and columns then name them); NaN or
infinity means no route. :mod:`klynge.analysis.travel` makes one:
``travel.get("estimate").matrix(members, venues).minutes``. Candidate venues are the members'
own venues and the municipality centres (:func:`venue_candidates`). :func:`rank_venues` orders
the venues by how many members reach them within the limit, then by the longest and the mean
travel; :func:`cover` finds
the fewest venues (rotating meetings, or hubs) that put every member within the limit of at
least one, solved exactly as a set-cover integer programme with CBC (through PuLP), and names
the members that no venue serves within the limit. :func:`klynge.report.meetings.meeting_figure`
draws it on the region's outline.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MeetingError
from ..i18n import t

__all__ = ["LIMIT", "Cover", "cover", "rank_venues", "venue_candidates"]

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
