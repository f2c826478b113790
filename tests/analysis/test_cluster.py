"""The cluster's picture from members' figures: counts, months and gaps, SDGs, common words."""

from __future__ import annotations

import json

import pytest

from klynge.analysis import cluster as c


def _analysis(i, name, *, kind="company", area="oppdal", subclusters=(), offers=None, capacity=None, shares=None,
              positive=None, negative=None, score=None, notes=()):
    zeros = [0] * 17
    return {
        "member": {"id": i, "name": name, "kind": kind, "sector": "activity", "country": "NO",
                   "municipality": "5021", "area": area, "subclusters": list(subclusters)},
        "monthly": {"open_offers": offers or [0] * 12, "capacity": capacity or [0] * 12, "area_share": shares},
        "low_season": {"member_share": 0.5, "area_share": 0.4},
        "sdg_shared": {"positive": positive or zeros, "negative": negative or zeros, "score": score or zeros},
        "notes": [{"block": b, "text": t} for b, t in notes],
        "rows": {"offers": [{"offer_id": i, "title": f"o{i}"}], "sdg": [
            {"target": "8.9", "visibility": "cluster", "confirmed": True},
            {"target": "12.5", "visibility": "private", "confirmed": True}]},
    }


SHARES = [0.05] * 4 + [0.1] * 4 + [0.15, 0.05, 0.05, 0.05]
A = _analysis(1, "Alfa", subclusters=["food"], offers=[1] * 12, capacity=[10] * 12, shares=SHARES,
              positive=[0] * 7 + [1] + [0] * 9, score=[0] * 7 + [6] + [0] * 9,
              notes=[("customer_segments", "Families from Trondheim"), ("key_partners", "Bus company")])
B = _analysis(2, "Beta", kind="museum", area="jamtland", subclusters=["food", "winter"],
              offers=[0] * 6 + [2] * 6, capacity=[0] * 6 + [30] * 6,
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
    assert table["capacity"].tolist() == [10] * 6 + [40] * 6
    assert table["demand"].iloc[0] == pytest.approx((0.05 + 1 / 12) / 2)
    assert table["capacity_share"].sum() == pytest.approx(1.0)
    gaps = c.low_season_gaps(table, [A, B])
    assert set(gaps.index) == {m for m in range(1, 13) if table.loc[m, "demand"] < 1 / 12}
    assert gaps.loc[1, "idle_names"] == "Beta"


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
