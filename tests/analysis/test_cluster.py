"""The cluster's picture from members' figures: counts, months and gaps, SDGs, common words."""

from __future__ import annotations

import json

import pytest

from klynge.analysis import cluster as c
from klynge.analysis import member as m
from klynge.model import Money, Offer, Organisation


def _analysis(i, name, *, kind="company", area="oppdal", subclusters=(), offers=None, capacity=None, shares=None,
              positive=None, negative=None, score=None, notes=()):
    zeros = [0] * 17
    return {
        "member": {"id": i, "name": name, "kind": kind, "sector": "activity", "country": "NO",
                   "municipality": "5021", "area": area, "subclusters": list(subclusters)},
        "monthly": {"open_offers": offers or [0] * 12, "area_share": shares,
                    **{f"capacity_{u}": (capacity or {}).get(u, [0] * 12) for u in ("beds", "seats", "guests")}},
        "low_season": {"member_share": 0.5, "area_share": 0.4},
        "sdg_shared": {"positive": positive or zeros, "negative": negative or zeros, "score": score or zeros},
        "notes": [{"block": b, "text": t} for b, t in notes],
        "rows": {"offers": [{"offer_id": i, "title": f"o{i}"}], "sdg": [
            {"target": "8.9", "visibility": "cluster", "confirmed": True},
            {"target": "12.5", "visibility": "private", "confirmed": True}]},
    }


SHARES = [0.05] * 4 + [0.1] * 4 + [0.15, 0.05, 0.05, 0.05]
A = _analysis(1, "Alfa", subclusters=["food"], offers=[1] * 12, capacity={"guests": [10] * 12}, shares=SHARES,
              positive=[0] * 7 + [1] + [0] * 9, score=[0] * 7 + [6] + [0] * 9,
              notes=[("customer_segments", "Families from Trondheim"), ("key_partners", "Bus company")])
B = _analysis(2, "Beta", kind="museum", area="jamtland", subclusters=["food", "winter"],
              offers=[0] * 6 + [2] * 6, capacity={"guests": [0] * 6 + [30] * 6},
              negative=[0] * 11 + [1] + [0] * 5, score=[0] * 11 + [-2] + [0] * 5,
              notes=[("customer_segments", "families who ski"), ("value_propositions", "Northern lights")])


def test_counts_by_kind_and_subcluster():
    members = c.members_table([B, A])
    assert members["id"].tolist() == [1, 2]
    assert c.counts(members, "kind").to_dict("records") == [{"value": "company", "members": 1},
                                                             {"value": "museum", "members": 1}]
    subs = c.counts(members, "subclusters", {"food": "Mat"})
    assert subs.to_dict("records") == [{"value": "Mat", "members": 2}, {"value": "winter", "members": 1}]


def test_monthly_mixes_area_seasonality_and_finds_gaps():
    table = c.monthly([A, B])
    assert table["capacity_guests"].tolist() == [10] * 6 + [40] * 6
    assert table["capacity_beds"].sum() == table["capacity_seats"].sum() == 0
    assert table["demand"].iloc[0] == pytest.approx((0.05 + 1 / 12) / 2)
    assert table["share_guests"].sum() == pytest.approx(1.0)
    gaps = c.low_season_gaps(table, [A, B])
    assert set(gaps.index) == {m for m in range(1, 13) if table.loc[m, "demand"] < 1 / 12}
    assert gaps.loc[1, "idle_names"] == "Beta"
    assert "capacity_guests" in gaps and "capacity_beds" not in gaps  # only units the cluster has


def _member(i, name, *offers):
    org = Organisation(id=i, name=name, country="NO", orgnr="974760673", municipality="5021")
    return m.member_figures(org, offers, {}, None, area="oppdal", seasonality=SHARES, low_months=[1, 2, 3, 11, 12],
                            template_blocks={})


def _offer(i, kind, capacity, months):
    return Offer(id=i, organisation_id=i, title=kind, kind=kind, municipality="5021", months=months,
                 capacity_per_day=capacity, price=Money(amount=900, currency="NOK"))


def test_a_hotels_beds_and_a_restaurants_seats_are_never_added_up():
    hotel = _member(1, "Hotellet", _offer(1, "accommodation", 40, list(range(1, 13))))
    restaurant = _member(2, "Restauranten", _offer(2, "meal", 60, [6, 7, 8]))
    picture = json.loads(json.dumps(c.cluster_picture("K", {}, [hotel, restaurant])))
    data = picture["monthly"]["data"]
    assert data["capacity_beds"][6] == 40 * 31 and data["capacity_seats"][6] == 60 * 31
    assert data["capacity_guests"] == [0] * 12
    # their sum is reported nowhere: not per month, not per day, not for the year
    sums = {(40 + 60) * 31, 40 + 60, 40 * 365 + 60 * 92}
    numbers = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers.add(value)

    walk(picture)
    assert not numbers & sums
    # each unit is a share of its own year: the restaurant's seats are all summer, the beds all year
    assert sum(data["share_seats"][5:8]) == pytest.approx(1.0)
    assert data["share_beds"][6] == pytest.approx(31 / 365, abs=1e-6)
    gaps = picture["low_season_gaps"]["data"][0]
    assert {"capacity_beds", "capacity_seats", "gap_beds", "gap_seats"} <= set(gaps)
    assert "capacity_guests" not in gaps and "capacity" not in gaps
    positions = {p["name"]: p for p in picture["positions"]}
    assert positions["Hotellet"]["capacity_beds"] == 40 * 365 and positions["Hotellet"]["capacity_seats"] == 0
    assert positions["Restauranten"]["low_share"] == 0.0


def test_sdg_matrix_and_good_and_harm():
    matrix = c.sdg_matrix([A, B])
    assert matrix.loc["Alfa", 8] == 6 and matrix.loc["Beta", 12] == -2
    harm = c.good_and_harm([A, B]).set_index("goal")
    assert harm.loc[8, "good_names"] == "Alfa" and harm.loc[12, "harm_names"] == "Beta"


def test_duplicate_names_get_their_id():
    twin = _analysis(3, "Alfa")
    assert c.labels([A, twin]) == ["Alfa (1)", "Alfa (3)"]


def test_common_terms_need_two_members():
    notes = c.notes_table([A, B])
    terms = c.common_terms(notes, "customer_segments")
    assert terms["term"].tolist() == ["families"]
    assert terms.loc[0, "ids"] == (1, 2)
    assert c.common_terms(notes, "key_partners").empty


def test_picture_is_json_with_rows_and_no_private_sdg_rows():
    picture = c.cluster_picture("Nysesong", {"food": "Mat"}, [B, A])
    text = json.dumps(picture, sort_keys=True)
    assert json.loads(text) == picture
    assert picture["cluster"]["members"] == 2
    assert all(r["visibility"] != "private" for r in picture["sdg_heatmap"]["rows"])
    assert len(picture["members"]["rows"]) == 2
    for part in ("by_kind", "by_area", "by_municipality", "by_subcluster"):
        assert picture["members"][part]["data"]
    assert picture["monthly"]["rows"] and picture["common"]["customer_segments"]["rows"]
    assert c.cluster_picture("Nysesong", {"food": "Mat"}, [A, B]) == picture  # the order given does not matter


def test_empty_cluster():
    picture = c.cluster_picture("Tom", {}, [])
    assert picture["cluster"]["members"] == 0
    assert picture["sdg_heatmap"]["members"] == []
