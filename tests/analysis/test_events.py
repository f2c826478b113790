"""Who of those signed up for an event is beyond the hour, by the offline travel estimate."""

from __future__ import annotations

from klynge import reference
from klynge.analysis.events import Traveller, beyond_the_hour


def _centre(code: str) -> tuple[float, float]:
    m = reference.municipality(code)
    return m.centre_lat, m.centre_lon


def test_the_far_ones_are_named_farthest_first():
    venue = _centre("5001")  # Trondheim
    travellers = [Traveller(1, "Near", "Byhotellet", *_centre("5001")),
                  Traveller(2, "Malvik", "Malvik gård", *_centre("5031")),
                  Traveller(3, "Åre", "Stugbyn i Åre", *_centre("2321")),
                  Traveller(4, "Røros", "Rørosmat", *_centre("5025"))]
    far = beyond_the_hour(travellers, venue)
    assert [f.name for f in far] == ["Åre", "Røros"]
    assert far[0].minutes > far[1].minutes > 60 and far[0].source == "estimate"
    assert beyond_the_hour(travellers, venue, limit=1000) == []
    assert beyond_the_hour([], venue) == []
