"""Low-season gaps by area and month, and the packages and partners that would close them."""

from __future__ import annotations

import json

import pytest

from klynge.strategy import StrategySettings, findings
from klynge.strategy.rules import offer_capacity, run
from klynge.strategy.seasons import RULE, area_month_gaps, low_season_gaps

from .conftest import build, member, offer, org, package

# Oppdal's low months are 1, 5, 6, 9, 10 and 11.


def _oppdal_summer_only():
    """Three Oppdal members open only in summer and winter, one in October: gaps in 5, 9, 10 (partly) and 11."""
    return [
        member(org(1, "Fjellguide"), [offer(11, 1, "activity", months=[7, 8, 12])]),
        member(org(2, "Fjellstue", sector="accommodation"), [offer(21, 2, "accommodation", months=[2, 3, 7, 8, 12])]),
        member(org(3, "Seterkjøkken", sector="food"), [offer(31, 3, "meal", months=[7, 8, 10])]),
        member(org(4, "Trondheim bed", place="trondheim", sector="accommodation"),
               [offer(41, 4, "accommodation", months=list(range(1, 13)))], area="trondheim"),
    ]


def test_an_area_whose_members_are_closed_in_its_low_months_has_a_gap():
    found = low_season_gaps(build(_oppdal_summer_only()), StrategySettings())
    assert [f.id for f in found] == ["low_season_gap:oppdal"]
    f = found[0]
    figures = json.loads(f.to_json())["figures"]
    assert figures["months"] == [1, 5, 6, 9, 10, 11]
    assert figures["missing"]["10"] == ["accommodation", "activity"]  # only a meal open in October
    idle = {e.member: e.figure for e in f.evidence if e.source == "member"}
    assert idle == {1: (1, 5, 6, 9, 10, 11), 2: (1, 5, 6, 9, 10, 11), 3: (1, 5, 6, 9, 11)}
    assert {e.source for e in f.evidence} == {"member", "offer", "reference"}
    reference_row = next(e for e in f.evidence if e.source == "reference")
    assert reference_row.year and "approximate" in reference_row.source_name


def test_opening_offers_adds_the_capacity_of_the_idle_months():
    f = low_season_gaps(build(_oppdal_summer_only()), StrategySettings())[0]
    extend = next(o for o in f.options if o.id == "extend_season")
    by_member = {c.member: c for c in extend.consequences}
    data = build(_oppdal_summer_only())
    expected = offer_capacity(data.member(3).offers[0], [1, 5, 6, 9, 11])
    assert by_member[3].capacity == expected and by_member[3].months == (1, 5, 6, 9, 11)
    assert extend.totals()["capacity"] == sum(c.capacity for c in extend.consequences) > 0


def test_the_joint_package_brings_in_a_member_elsewhere_for_the_missing_beds():
    f = low_season_gaps(build(_oppdal_summer_only()), StrategySettings())[0]
    joint = next(o for o in f.options if o.id == "joint_package")
    assert 4 in joint.members  # Trondheim's accommodation is open all year
    four = next(c for c in joint.consequences if c.member == 4)
    assert four.capacity == 0 and set(four.partners) == {1, 2, 3} and four.packages == ("new:low_season:oppdal",)


def test_a_package_of_the_area_is_extended_into_the_gap_months():
    pkg = package("Autumn in the mountains", [(11, 1), (31, 3)], months=[7, 8])
    data = build(_oppdal_summer_only(), [(1, "autumn", pkg)])
    f = low_season_gaps(data, StrategySettings())[0]
    option = next(o for o in f.options if o.id == "extend_package:1/autumn")
    assert option.members == (1, 3)
    assert all(c.packages == ("1/autumn",) and c.months == (1, 5, 6, 9, 10, 11) for c in option.consequences)
    assert any(e.source == "package" and e.ref == "package:1/autumn" for e in f.evidence)


def test_a_private_package_is_not_read():
    pkg = package("Secret deal", [(11, 1), (31, 3)], months=[7, 8], visibility="private")
    f = low_season_gaps(build(_oppdal_summer_only(), [(1, "secret", pkg)]), StrategySettings())[0]
    assert "Secret deal" not in f.to_json()


def test_no_gap_when_every_low_month_has_beds_meals_and_activities_open():
    year = list(range(1, 13))
    members = [member(org(1), [offer(11, 1, "activity", months=year)]),
               member(org(2), [offer(21, 2, "accommodation", months=year)]),
               member(org(3), [offer(31, 3, "meal", months=year)])]
    assert low_season_gaps(build(members), StrategySettings()) == []
    assert area_month_gaps(build(members), 0.5, 2) == []


def test_an_area_with_one_member_is_left_alone():
    members = [member(org(1), [offer(11, 1, months=[7])])]
    assert low_season_gaps(build(members), StrategySettings()) == []


def test_a_cluster_of_two_members():
    members = [member(org(1), [offer(11, 1, "activity", months=[7, 8])]),
               member(org(2), [offer(21, 2, "accommodation", months=[7, 8, 10])])]
    found = findings(build(members))
    gap = next(f for f in found if f.kind == "low_season_gap")
    assert gap.members == (1, 2) and gap.confidence in ("medium", "low")


def test_the_sensitivity_says_whether_the_gap_holds_when_the_idle_share_moves():
    # In Oppdal's low months half of the two members is idle and both kinds a package needs are open
    # elsewhere in the year: the gap rests on the idle share alone.
    members = [member(org(1), [offer(11, 1, "activity", months=[1, 5, 6, 9, 10, 11])]),
               member(org(2), [offer(21, 2, "activity", months=[7])])]
    members.append(member(org(3), [offer(31, 3, "accommodation", months=[1, 5, 6, 9, 10, 11]),
                                   offer(32, 3, "meal", months=[1, 5, 6, 9, 10, 11])]))
    found = run(RULE, build(members), StrategySettings(idle_share=0.3))
    idle = next(a for a in found[0].assumptions if a.name == "idle_share")
    assert (idle.value, idle.lower, idle.higher) == (0.3, pytest.approx(0.2), pytest.approx(0.4))
    assert idle.holds_lower and not idle.holds_higher  # one of three idle: 33 % is under 40 %
    assert found[0].confidence == "medium"
