"""The gap finder on a small cluster computed by hand: two areas (Oppdal, Røros), five offers.

Guest nights (reference): Oppdal 186 578 a year, October and November 4.5 % each (8 396.01 guest
nights), December 10 % (18 657.8); Røros 116 511 a year, October 6 % (6 990.66). Low months:
Oppdal 1, 5, 6, 9, 10, 11; Røros 1, 4, 5, 6, 9, 10, 11.

    A  Oppdal activity       12 guests a day  Oct, Nov   372 + 360 guest-days   44.3 and 42.9 per 1 000
    B  Oppdal accommodation  20 beds          Nov, Dec   600 + 620 bed-nights   71.5 and 33.2 per 1 000
    C  Oppdal meal           30 seats         Nov        900 seat-days          107.2 per 1 000
    D  Røros venue (culture) 100 guests       Oct        3 100 guest-days       443.5 per 1 000
    E  Røros accommodation   2 beds           Oct        62 bed-nights          8.87 per 1 000: thin below 10
"""

from __future__ import annotations

import pytest

from klynge.analysis import gaps
from klynge.model import Money, Offer, Package, PackageAnswer, PackageComponent

OPPDAL, ROROS = "5021", "5025"


def offer(id, kind, municipality, capacity, months, org):
    return Offer(id=id, organisation_id=org, title=f"Offer {id}", kind=kind, municipality=municipality,
                 months=months, capacity_per_day=capacity, price=Money(amount=100, currency="NOK"))


A = offer(1, "activity", OPPDAL, 12, [10, 11], org=10)
B = offer(2, "accommodation", OPPDAL, 20, [11, 12], org=11)
C = offer(3, "meal", OPPDAL, 30, [11], org=12)
D = offer(4, "venue", ROROS, 100, [10], org=13)
E = offer(5, "accommodation", ROROS, 2, [10], org=14)
OFFERS = [A, B, C, D, E]


def package(months, *offers, status="ready", gone=()):
    parts = [PackageComponent(offer_id=o.id, organisation_id=o.organisation_id) for o in offers]
    parts += [PackageComponent(offer_id=i, organisation_id=99) for i in gone]
    return Package(title="P", months=months, status=status, components=parts)


def cell(cells, area, month, group):
    (row,) = cells[(cells["area"] == area) & (cells["month"] == month) & (cells["group"] == group)].to_dict("records")
    return row


def test_capacity_is_summed_per_kind_in_its_own_unit_against_guest_nights():
    cells = gaps.capacity_cells(gaps.offers_table(OFFERS))
    assert set(cells["area"]) == {"oppdal", "roros"} and len(cells) == 2 * 12 * 5
    a = cell(cells, "oppdal", 10, "activity")
    assert (a["unit"], a["offers"], a["capacity_per_day"], a["capacity"]) == ("guests", 1, 12, 372)
    assert a["guest_nights"] == pytest.approx(8396.01) and a["per_1000"] == pytest.approx(44.306, abs=1e-3)
    assert a["status"] == "enough" and a["low"] and a["approximate"]
    bed = cell(cells, "oppdal", 12, "bed")
    assert (bed["unit"], bed["capacity"], bed["low"]) == ("beds", 620, False)
    assert bed["per_1000"] == pytest.approx(33.230, abs=1e-3)
    assert cell(cells, "oppdal", 11, "meal")["unit"] == "seats" and cell(cells, "oppdal", 11, "meal")["capacity"] == 900
    culture = cell(cells, "roros", 10, "culture")  # a venue counts as culture, in guests
    assert (culture["unit"], culture["capacity"]) == ("guests", 3100)
    thin = cell(cells, "roros", 10, "bed")
    assert thin["per_1000"] == pytest.approx(8.869, abs=1e-3) and thin["status"] == "thin"
    assert cell(cells, "roros", 10, "meal")["status"] == "missing"
    assert cell(gaps.capacity_cells(gaps.offers_table(OFFERS), thin=8), "roros", 10, "bed")["status"] == "enough"


def test_a_package_needs_a_bed_or_a_day_activity_and_one_more_kind():
    table = gaps.buildable(gaps.capacity_cells(gaps.offers_table(OFFERS))).set_index(["area", "month"])
    assert table.loc[("oppdal", 11), "buildable"]
    assert table.loc[("oppdal", 11), "enough"] == ("activity", "bed", "meal")
    assert table.loc[("oppdal", 10), "reason"] == "one_kind"   # an activity with nothing to combine it with
    assert table.loc[("oppdal", 12), "reason"] == "one_kind"   # beds alone
    roros = table.loc[("roros", 10)]
    assert roros["reason"] == "no_anchor" and roros["thin"] == ("bed",)
    assert roros["missing"] == ("activity", "meal", "transport") and roros["enough"] == ("culture",)
    assert table.loc[("roros", 10), "reason"] == "no_anchor"


def test_the_gaps_are_the_low_months_without_a_package_from_september():
    found = gaps.find_gaps(gaps.capacity_cells(gaps.offers_table(OFFERS)))
    assert [(g.area, g.month) for g in found] == [
        ("oppdal", 9), ("oppdal", 10), ("oppdal", 1), ("oppdal", 5), ("oppdal", 6),
        ("roros", 9), ("roros", 10), ("roros", 11), ("roros", 1), ("roros", 4), ("roros", 5), ("roros", 6)]
    october = found[1]
    assert (october.area_name, october.reason, october.missing, october.thin) == (
        "Oppdal", "one_kind", ("bed", "meal", "transport", "culture"), ())
    assert all(g.approximate and g.low for g in found)
    every = gaps.find_gaps(gaps.capacity_cells(gaps.offers_table(OFFERS)), low_only=False)
    assert ("oppdal", 12) in [(g.area, g.month) for g in every] and len(every) == 11 + 12  # all but Oppdal in Nov


def test_the_low_season_share_now_and_with_the_agreed_packages():
    agreed = [package([11, 12], A, B, C),          # 12 a day (A is the smallest)
              package([11], A, C),                 # 12 a day more; A is full already
              package([10, 11], D, E, gone=[99])]  # 2 a day; the deleted part counts for nothing
    draft = package([10], D, E, status="draft")
    shares = gaps.season_shares(gaps.offers_table(OFFERS), [*agreed]).set_index(["area", "group"])
    assert shares.equals(gaps.season_shares(gaps.offers_table(OFFERS), [*agreed]).set_index(["area", "group"]))
    act = shares.loc[("oppdal", "activity")]
    assert (act["capacity"], act["low_capacity"], act["low_share"]) == (732, 732, 1.0)
    # November: A commits 12 of its 12 places (the second package finds it full): 360. December is
    # not low, and A is closed then: the package adds 12 x 31 = 372 outside the low season.
    assert (act["committed"], act["added"]) == (360, 0)
    assert act["low_share_with"] == pytest.approx(732 / (732 + 372))
    assert act["packaged_share"] == pytest.approx(360 / 732)
    bed = shares.loc[("oppdal", "bed")]
    assert (bed["capacity"], bed["low_capacity"], bed["committed"]) == (1220, 600, 360)
    assert bed["low_share"] == pytest.approx(600 / 1220) == bed["low_share_with"]
    assert bed["packaged_share"] == pytest.approx(0.6)
    meal = shares.loc[("oppdal", "meal")]
    assert meal["committed"] == 720 and meal["packaged_share"] == pytest.approx(0.8)  # 12 + 12 of 30 seats
    assert meal["low_share_with"] == pytest.approx(900 / (900 + 372))
    culture = shares.loc[("roros", "culture")]
    # October: 2 a day x 31 = 62 committed; November (low, D closed): 2 x 30 = 60 added and committed.
    assert (culture["capacity"], culture["committed"], culture["added"]) == (3100, 122, 60)
    assert culture["low_share_with"] == 1.0 and culture["packaged_share"] == pytest.approx(122 / 3160)
    roros_bed = shares.loc[("roros", "bed")]
    assert (roros_bed["committed"], roros_bed["packaged_share"]) == (122, 1.0)
    transport = shares.loc[("oppdal", "transport")]
    assert (transport["capacity"], transport["low_share"], transport["packaged_share"]) == (0, 0.0, 0.0)
    none = gaps.season_shares(gaps.offers_table(OFFERS), [draft] if gaps.is_agreed(draft, 13) else [])
    assert none["committed"].sum() == 0 and none["low_share"].equals(none["low_share_with"])


def test_agreed_means_ready_and_every_other_supplier_accepted():
    ready = package([11], A, C)
    assert gaps.is_agreed(ready, 10) and not gaps.is_agreed(package([11], A, C, status="draft"), 10)
    yes = PackageAnswer(owner_id=10, package="p", state="accepted", revision=1)
    no = PackageAnswer(owner_id=10, package="p", state="withdrawn", reason="Fullt", revision=1)
    assert gaps.is_agreed(ready, 10, {12: yes})
    assert not gaps.is_agreed(ready, 10, {})
    assert not gaps.is_agreed(ready, 10, {12: no})
    pairs = [(ready, 10), (package([11], B, C), 11)]
    assert gaps.agreed_packages(pairs) == [ready, pairs[1][0]]
    assert gaps.agreed_packages(pairs, {(10, "a"): {12: yes}}, ["a", "b"]) == [ready]


def test_rows_of_an_analysis_are_read_alike_and_unlike_units_are_not_added():
    rows = [{"offer_id": o.id, "kind": o.kind, "municipality": o.municipality, "months": list(o.months),
             "capacity_per_day": o.capacity_per_day} for o in OFFERS]
    odd = {"offer_id": 8, "kind": "meal", "municipality": OPPDAL, "months": [11], "capacity_per_day": 500,
           "capacity_unit": "beds"}
    abroad = {"offer_id": 9, "kind": "meal", "municipality": "0301", "months": [11], "capacity_per_day": 5}
    picture = gaps.gap_picture([*rows, odd, abroad])
    assert picture == {**gaps.gap_picture(OFFERS), "unplaced": [9]}
    assert gaps.gap_picture(OFFERS)["unplaced"] == []
    meal = next(c for c in picture["cells"] if (c["area"], c["month"], c["group"]) == ("oppdal", 11, "meal"))
    assert meal["capacity"] == 900  # the meal counted in beds is left out
    assert [a["id"] for a in picture["areas"]] == ["oppdal", "roros"] and picture["thin"] == gaps.THIN
    assert len(picture["gaps"]) == 12 and picture["packages"] == 0


def test_an_empty_cluster_and_a_bad_threshold():
    picture = gaps.gap_picture([])
    assert picture["areas"] == [] and picture["cells"] == [] and picture["gaps"] == [] and picture["season"] == []
    with pytest.raises(ValueError, match="0 or more"):
        gaps.capacity_cells(gaps.offers_table(OFFERS), thin=-1)


def test_a_thousand_offers_and_a_hundred_packages_make_one_picture():
    many = [offer(i, ("activity", "accommodation", "meal", "transport", "culture", "venue")[i % 6],
                  ("5021", "5025", "5001", "5014", "2321")[i % 5], 5 + i % 40, [1 + i % 12, 1 + (i * 7) % 12], i)
            for i in range(1, 1001)]
    agreed = [package([9, 10], many[i], many[i + 1]) for i in range(0, 200, 2)]
    picture = gaps.gap_picture(many, agreed)
    assert len(picture["areas"]) == 5 and picture["packages"] == 100
