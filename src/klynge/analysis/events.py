"""Who of those signed up for an event at a physical venue is beyond the hour (pure: no store, no I/O).

Travel minutes come from a :mod:`klynge.analysis.travel` source (the offline estimate by default),
from each person's organisation (its coordinates, else its municipality's centre) to the venue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .meetings import LIMIT  # the one-hour rule of meetings holds for events too
from .travel import TravelSource, get

__all__ = ["LIMIT", "Far", "Traveller", "beyond_the_hour"]


@dataclass(frozen=True)
class Traveller:
    """A person signed up, with where they travel from (their organisation's place)."""

    person_id: int
    name: str
    organisation: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Far:
    """A person beyond the limit, and the minutes the travel source gives for the trip."""

    person_id: int
    name: str
    organisation: str
    minutes: float
    source: str


def beyond_the_hour(travellers: Sequence[Traveller], venue: tuple[float, float], *, limit: float = LIMIT,
                    source: TravelSource | None = None) -> list[Far]:
    """The travellers more than ``limit`` minutes from ``venue`` (lat, lon), the farthest first.

    A person whose trip has no figure (no road round a fjord, say) counts as beyond the limit,
    with infinite minutes.
    """
    if not travellers:
        return []
    source = source or get("estimate")
    matrix = source.matrix([(t.lat, t.lon) for t in travellers], [venue])
    far = []
    for i, t in enumerate(travellers):
        minutes = float(matrix.minutes[i, 0])
        if not minutes <= limit:  # NaN (no figure) is beyond too
            minutes = float("inf") if math.isnan(minutes) else minutes
            far.append(Far(t.person_id, t.name, t.organisation, minutes, matrix.source_at(i, 0)))
    return sorted(far, key=lambda f: (-f.minutes, f.name.casefold()))
