"""One member's figures: months, low season, SDG profile, canvases, and stable JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from klynge.analysis import member as m
from klynge.model import CanvasDocument, Money, Note, Offer, Organisation, SdgAssessment, SdgEntry


def _offer(i, months, capacity, kind="activity"):
    return Offer(id=i, organisation_id=1, title=f"offer {i}", kind=kind, municipality="5021", months=months,
                 capacity_per_day=capacity, price=Money(amount=Decimal("100"), currency="NOK"))


OFFERS = [_offer(1, [1, 2, 12], 10), _offer(2, [2, 7], 5)]
SDG = SdgAssessment(entries=[SdgEntry(target="8.9", relevance=3, impact=2),
                             SdgEntry(target="8.3", relevance=1, impact=-1),
                             SdgEntry(target="12.5", relevance=2, impact=-2, visibility="private"),
                             SdgEntry(target="13.1", relevance=3, impact=2, confirmed=False)])
CANVAS = CanvasDocument(template="business_model", notes=[
    Note(id="a", block="customer_segments", text="Families"),
    Note(id="b", block="customer_segments", text="Secret segment", visibility="private"),
    Note(id="c", block="key_partners", text="  "),
    Note(id="d", block="channels", text="Website")])
BLOCKS = {"business_model": ["customer_segments", "key_partners", "channels", "cost_structure"],
          "social_layer": ["a", "b"]}


def test_by_month_counts_offers_and_capacity():
    table = m.by_month(m.offers_frame(OFFERS))
    assert list(table.index) == list(range(1, 13))
    assert list(table.columns) == ["open_offers", "per_day_beds", "per_day_seats", "per_day_guests",
                                   "capacity_beds", "capacity_seats", "capacity_guests"]
    assert table.loc[2, ["open_offers", "per_day_guests", "capacity_guests"]].tolist() == [2, 15, 15 * 28]
    assert table.loc[7, ["open_offers", "per_day_guests", "capacity_guests"]].tolist() == [1, 5, 5 * 31]
    assert table.loc[3].tolist() == [0] * 7


def test_by_month_never_adds_beds_to_seats_or_guests():
    hotel, restaurant, hike = _offer(1, [1, 2], 40, "accommodation"), _offer(2, [2], 60, "meal"), _offer(3, [2], 8)
    table = m.by_month(m.offers_frame([hotel, restaurant, hike]))
    assert table.loc[2].tolist() == [3, 40, 60, 8, 40 * 28, 60 * 28, 8 * 28]
    assert table.loc[1].tolist() == [1, 40, 0, 0, 40 * 31, 0, 0]
    assert 108 not in table.to_numpy()  # the sum of a day's beds, seats and guests is nowhere
    rows = m.offer_months(m.offers_frame([hotel, restaurant]))
    assert rows["capacity_unit"].tolist() == ["beds", "beds", "seats"]


def test_by_month_without_offers_is_all_zero():
    table = m.by_month(m.offers_frame([]))
    assert table.to_numpy().sum() == 0 and table.shape == (12, 7)


def test_low_season_compares_capacity_with_guest_nights():
    table = m.by_month(m.offers_frame(OFFERS))
    shares = [0.1] * 6 + [0.2] * 2 + [0.0] * 2 + [0.0] * 2
    season = m.low_season(table, shares, [1, 2, 3, 12])
    capacity = table["capacity_guests"]
    assert season["member_share"] == pytest.approx(capacity[[1, 2, 3, 12]].sum() / capacity.sum())
    assert season["by_unit"] == {"guests": pytest.approx(season["member_share"])}
    assert season["area_share"] == pytest.approx(0.3)
    assert season["gap"] == pytest.approx(season["member_share"] - 0.3)
    assert season["idle_months"] == [3]
    assert m.low_season(m.by_month(m.offers_frame([])), None, [1])["member_share"] == 0.0


def test_low_season_share_is_taken_unit_by_unit():
    # 10 beds open all year, 100 seats only in the low months: beds 4 of 12 months, seats all low
    hotel = _offer(1, list(range(1, 13)), 10, "accommodation")
    restaurant = _offer(2, [1, 2, 3, 12], 100, "meal")
    season = m.low_season(m.by_month(m.offers_frame([hotel, restaurant])), None, [1, 2, 3, 12])
    beds = (31 + 28 + 31 + 31) / 365
    assert season["by_unit"] == {"beds": pytest.approx(beds), "seats": pytest.approx(1.0)}
    assert season["member_share"] == pytest.approx((beds + 1.0) / 2)


def test_sdg_profile_counts_confirmed_and_can_leave_private_out():
    entries = m.sdg_entries(SDG)
    full = m.sdg_profile(entries)
    assert full.loc[8].tolist() == [2, 3, 1, 1, 6 - 1]
    assert full.loc[12, "score"] == -4
    assert full.loc[13].sum() == 0  # not confirmed
    shared = m.sdg_profile(entries, shared_only=True)
    assert shared.loc[12].sum() == 0
    assert entries["visibility"].tolist().count("private") == 1  # the input is not changed


def test_canvas_completeness_counts_filled_blocks_of_every_template():
    table = m.canvas_completeness({"business_model": CANVAS}, BLOCKS).set_index("template")
    assert table.loc["business_model"].tolist() == [4, 2, 3, 0.5]
    assert table.loc["social_layer"].tolist() == [2, 0, 0, 0.0]


def test_shared_notes_leave_private_and_empty_notes_out():
    notes = m.shared_notes({"business_model": CANVAS})
    assert notes["text"].tolist() == ["Families"]


def test_member_figures_are_plain_and_stable_json():
    org = Organisation(id=1, name="Fjellguidene", country="NO", orgnr="974760673", municipality="5021")
    args = dict(area="oppdal", seasonality=[1 / 12] * 12, low_months=[1, 2, 3], template_blocks=BLOCKS)
    first = m.member_figures(org, OFFERS, {"business_model": CANVAS}, SDG, **args)
    again = m.member_figures(org, OFFERS, {"business_model": CANVAS}, SDG, **args)
    text = json.dumps(first, sort_keys=True)
    assert text == json.dumps(again, sort_keys=True)
    assert "Secret segment" not in json.dumps(first["notes"])
    assert first["monthly"]["low"][:4] == [True, True, True, False]
    assert isinstance(first["low_season"]["member_share"], float)
