"""Meetings within the hour: venue ranking, the exact set cover, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from klynge import reference
from klynge.analysis.meetings import LIMIT, cover, rank_venues, venue_candidates
from klynge.errors import KlyngeError, MeetingError
from klynge.model import Offer, Organisation


def _brute_force(within: np.ndarray) -> int:
    """Size of the smallest set of columns covering every row that can be covered, by trying all sets."""
    rows = within[within.any(axis=1)]
    for size in range(0, within.shape[1] + 1):
        for combo in itertools.combinations(range(within.shape[1]), size):
            if rows[:, list(combo)].any(axis=1).all():
                return size
    raise AssertionError("unreachable")


def test_rank_orders_by_reached_then_longest_then_mean():
    minutes = pd.DataFrame([[10, 50, 55, 10], [20, 50, 55, 90], [70, 50, 20, 30]],
                           index=["Ana", "Bo", "Cy"], columns=["A", "B", "C", "D"])
    table = rank_venues(minutes)
    assert list(table["venue"]) == ["B", "C", "A", "D"]
    assert list(table["reached"]) == [3, 3, 2, 2]
    assert list(table["longest"]) == [50, 55, 70, 90]
    assert table.loc[table["venue"] == "A", "outside"].item() == ("Cy",)
    assert table.loc[table["venue"] == "A", "mean"].item() == pytest.approx(100 / 3)
    assert list(table["rank"]) == [1, 2, 3, 4]


def test_rank_ties_keep_column_order_and_share_a_rank():
    minutes = np.array([[30, 10, 30], [10, 30, 10]])
    table = rank_venues(minutes, venues=["x", "y", "z"])
    # x and z are the same in every measure: same rank, in column order; y has the same reach,
    # longest and mean as well, so all three tie.
    assert list(table["venue"]) == ["x", "y", "z"]
    assert list(table["rank"]) == [1, 1, 1]
    table = rank_venues(np.array([[30, 10, 30], [10, 40, 10]]), venues=["x", "y", "z"])
    assert list(table["venue"]) == ["x", "z", "y"]
    assert list(table["rank"]) == [1, 1, 3]


def test_rank_puts_a_venue_someone_cannot_reach_after_those_all_reach():
    minutes = np.array([[5, 59], [np.nan, 60], [5, 61]])
    table = rank_venues(minutes, venues=["island", "town"])
    # Both reached by two within the hour; the island has no route for one member.
    assert list(table["venue"]) == ["town", "island"]
    island = table.set_index("venue").loc["island"]
    assert island["no_route"] == 1 and island["longest"] == 5 and island["mean"] == 5


def test_limit_is_inclusive():
    table = rank_venues(np.array([[60.0], [60.0001]]))
    assert table["reached"].item() == 1


@pytest.mark.parametrize("seed", range(40))
def test_cover_is_as_small_as_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_members, n_venues = rng.integers(2, 9), rng.integers(1, 9)
    minutes = rng.uniform(5, 150, size=(n_members, n_venues))
    minutes[rng.random(minutes.shape) < 0.1] = np.nan
    within = minutes <= LIMIT
    if not within.any():
        with pytest.raises(MeetingError):
            cover(minutes)
        return
    result = cover(minutes)
    assert result.status == "Optimal"
    assert len(result.indices) == _brute_force(within)
    served = within.any(axis=1)
    # Every member that can be served is within the hour of a chosen venue.
    assert within[np.ix_(served, list(result.indices))].any(axis=1).all()
    assert set(result.unreachable) == set(np.flatnonzero(~served))
    assert result.assignment["within"].tolist() == served.tolist()
    assert (result.assignment.loc[served, "minutes"] <= LIMIT).all()


def test_cover_names_members_no_venue_serves():
    minutes = pd.DataFrame([[20, 80], [90, 30], [61, 200]], index=["Ana", "Bo", "Røros-Per"],
                           columns=["Stjørdal", "Levanger"])
    result = cover(minutes)
    assert result.venues == ("Stjørdal", "Levanger")
    assert result.unreachable == ("Røros-Per",)
    rows = result.assignment.set_index("member")
    assert rows.loc["Ana", "venue"] == "Stjørdal" and rows.loc["Bo", "venue"] == "Levanger"
    assert rows.loc["Røros-Per", "venue"] is None and np.isnan(rows.loc["Røros-Per", "minutes"])


def test_cover_prefers_the_nearer_of_equally_small_sets():
    minutes = np.array([[50, 10, 30], [50, 10, 30]])
    assert cover(minutes).indices == (1,)
    with pytest.raises(MeetingError, match="within 5 minutes"):
        cover(minutes, limit=5)


@pytest.mark.parametrize("minutes, words", [
    (np.array([[10, 20]]), "at least two members"),
    (np.zeros((3, 0)), "no candidate venue"),
    (np.array([[np.nan, np.inf], [np.nan, np.nan]]), "no member has a route"),
    (np.array([[-1, 2], [3, 4]]), "negative"),
])
def test_bad_meetings_are_refused_with_a_reason(minutes, words):
    with pytest.raises(MeetingError, match=words) as caught:
        rank_venues(minutes)
    assert isinstance(caught.value, KlyngeError)
    if "route" not in words:
        with pytest.raises(MeetingError, match=words):
            cover(minutes)


def test_errors_speak_the_members_language():
    with pytest.raises(MeetingError, match="minst to medlemmer"):
        cover(np.array([[10]]), lang="nb")
    with pytest.raises(MeetingError, match="minst två medlemmar"):
        rank_venues(np.array([[10]]), lang="sv")


def test_labels_must_match_the_matrix():
    with pytest.raises(MeetingError, match="2 member names"):
        cover(np.ones((3, 2)), members=["a", "b"])


def _orgs():
    return [
        Organisation(id=1, name="Hall AS", country="NO", orgnr="974760673", municipality="5001", lat=63.43, lon=10.4),
        Organisation(id=2, name="Bakeri", country="NO", orgnr="974760673", municipality="5001"),
        Organisation(id=3, name="Gård", country="NO", orgnr="974760673", municipality="5001", lat=63.4, lon=10.5),
    ]


def _offer(org: int, kind: str) -> Offer:
    return Offer(organisation_id=org, title="x", kind=kind, municipality="5001", months=[1], capacity_per_day=10,
                 price={"amount": 100, "currency": "NOK"})


def test_venue_candidates_are_member_venues_with_coordinates_and_centres():
    offers = [_offer(1, "venue"), _offer(2, "venue"), _offer(3, "meal")]
    places = reference.municipalities()[:3]
    table = venue_candidates(_orgs(), offers, places)
    assert list(table["kind"]) == ["member"] + ["centre"] * 3
    assert table["organisation_id"].iloc[0] == 1  # the bakery has no coordinates, the farm no venue
    assert table["lat"].iloc[1] == places[0].centre_lat
