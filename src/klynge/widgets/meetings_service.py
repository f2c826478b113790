"""What the facilitator's meeting planner and ``klynge meetings plan`` may do: plan a meeting within the hour.

The page and the command line are handed a :class:`MeetingsService` and never see the store.
The members are read through the store with the caller's identity (shared data only); the
candidate venues are the members' venues and the municipality centres; travel minutes from
every invited member to every venue come from one matrix of the offline estimate; the
ranking and the set cover are :mod:`klynge.analysis.meetings` (pure), the picture
:mod:`klynge.report.meetings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .. import reference
from ..analysis import meetings as planner
from ..batch.data import MemberData, load_members
from ..errors import KlyngeError, MeetingError
from ..i18n import t
from ..store import Identity, Store

__all__ = ["MeetingPlan", "MeetingsService"]


@dataclass(frozen=True)
class MeetingPlan:
    """A planned meeting: the venues ranked, the smallest set that serves everyone, who is outside.

    ``venues`` is :func:`~klynge.analysis.meetings.rank_venues`' table (``venue`` is a name);
    ``chosen`` the names of the fewest venues that put every member who can be served within
    ``limit`` minutes of one; ``assignment`` one row per member (``member``, ``venue``,
    ``minutes``, ``within``); ``outside`` the members no venue serves within the limit;
    ``placed`` the members without coordinates, placed at their municipality's centre.
    """

    limit: float
    members: tuple[str, ...]
    venues: pd.DataFrame
    chosen: tuple[str, ...]
    assignment: pd.DataFrame
    outside: tuple[str, ...]
    placed: tuple[str, ...]
    figure_args: tuple = ()

    def png(self, lang: str) -> bytes:
        """The map-like picture: the region's outline, the venues, the members and who is within the limit."""
        from ..report.figures import png
        from ..report.meetings import meeting_figure

        members, venues, minutes, result, outline, names, venue_names = self.figure_args
        # Every member's name on the map only for a small meeting; a whole cluster's would be a blur.
        fig = meeting_figure(members, venues, minutes, result, outline,
                                     member_names=names if len(names) <= 15 else (),
                                     venue_names=venue_names, lang=lang)
        return png(fig)

    def as_dict(self) -> dict:
        """Plain JSON values: the chosen venues, each member's venue and minutes, the venues ranked."""
        def num(x):
            return None if x is None or not np.isfinite(x) else round(float(x), 1)

        return {"limit": self.limit, "chosen": list(self.chosen), "outside": list(self.outside),
                "placed_at_centre": list(self.placed),
                "members": [{"member": r.member, "venue": r.venue, "minutes": num(r.minutes), "within": bool(r.within)}
                            for r in self.assignment.itertuples(index=False)],
                "venues": [{"rank": int(r.rank), "venue": r.venue, "reached": int(r.reached), "longest": num(r.longest),
                            "mean": num(r.mean), "outside": list(r.outside)}
                           for r in self.venues.itertuples(index=False)]}


class MeetingsService:
    """The cluster's members and a meeting planned for those invited.

    Parameters
    ----------
    store
        The store; every read names ``who`` and the store checks the access rules.
    who
        The signed-in facilitator (or the command line's system identity scoped to the cluster).
    """

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    @cached_property
    def _members(self) -> dict[int, MemberData]:
        return load_members(self._store, self._who)

    def refresh(self) -> None:
        """Read the members again at the next question."""
        self.__dict__.pop("_members", None)

    def members(self) -> list[tuple[str, int]]:
        """``(name, id)`` of every member, by name."""
        return sorted(((m.organisation.name, m.id) for m in self._members.values()),
                      key=lambda p: (p[0].casefold(), p[1]))

    def plan(self, member_ids: Sequence[int] | None = None, limit: float = planner.LIMIT,
             lang: str = "en") -> MeetingPlan:
        """Plan a meeting of ``member_ids`` (default: every member) within ``limit`` minutes.

        Raises
        ------
        MeetingError
            Fewer than two members, or no member reaches any venue within the limit (in ``lang``).
        KlyngeError
            An id is not a member of the cluster, or the limit is not above 0.
        """
        from ..analysis import travel

        if not limit > 0:
            raise KlyngeError(t("meetings.page.bad_limit", lang))
        ids = [m for m in self._members] if member_ids is None else list(dict.fromkeys(int(i) for i in member_ids))
        unknown = [i for i in ids if i not in self._members]
        if unknown:
            raise KlyngeError(f"no member organisation with id {', '.join(map(str, unknown))} in this cluster")
        if len(ids) < 2:
            raise MeetingError(t("meetings.one_member", lang, n=len(ids)))
        invited = [self._members[i].organisation for i in ids]
        points, placed = [], []
        for org in invited:
            if org.lat is not None and org.lon is not None:
                points.append((org.lat, org.lon))
            else:  # no coordinates of its own: the centre of its municipality stands in
                m = reference.municipality(org.municipality)
                points.append((m.centre_lat, m.centre_lon))
                placed.append(org.name)
        every = self._members.values()
        candidates = planner.venue_candidates([m.organisation for m in every], [o for m in every for o in m.offers],
                                              reference.municipalities())
        venue_points = list(zip(candidates["lat"], candidates["lon"]))
        minutes = travel.get("estimate").matrix(points, venue_points).minutes
        names = [o.name for o in invited]
        venue_names = list(candidates["venue"])
        ranked = planner.rank_venues(minutes, members=names, venues=venue_names, limit=limit, lang=lang)
        result = planner.cover(minutes, limit, members=names, venues=venue_names, lang=lang)
        outline = [(m.lon, m.lat) for m in reference.municipalities()]
        args = ([(lon, lat) for lat, lon in points], [(lon, lat) for lat, lon in venue_points], minutes, result,
                outline, names, venue_names)
        return MeetingPlan(limit=float(limit), members=tuple(names), venues=ranked, chosen=result.venues,
                           assignment=result.assignment, outside=result.unreachable, placed=tuple(placed),
                           figure_args=args)
