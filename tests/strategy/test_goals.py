"""The SDG profile: strengths, harm, goals where one member's harm undoes others' good, unaddressed targets."""

from __future__ import annotations

import json

from klynge import reference
from klynge.strategy import StrategySettings
from klynge.strategy.goals import RULE, sdg_profile, unaddressed_targets
from klynge.strategy.rules import run

from .conftest import build, member, org, sdg


def _cluster(harm_relevance: int = 3):
    return [member(org(1, "Grønn"), assessment=sdg(("13.1", 3, 2), ("8.9", 2, 1))),
            member(org(2, "Grønnere"), assessment=sdg(("13.3", 2, 1), ("8.9", 3, 2))),
            member(org(3, "Flyselskap"), assessment=sdg(("13.2", harm_relevance, -2), ("8.5", 1, 1))),
            member(org(4, "Hemmelig"), assessment=sdg(("13.1", 3, -2, "private"), ("15.1", 3, -2, "private")))]


def test_strengths_conflicts_and_harm_by_goal():
    found = {f.id: f for f in sdg_profile(build(_cluster()), StrategySettings())}
    assert set(found) == {"sdg_good:8", "sdg_good:13", "sdg_conflict:13"}
    conflict = json.loads(found["sdg_conflict:13"].to_json())
    assert conflict["figures"] == {"goal": 13, "good": 8, "harm": 6, "good_members": [1, 2], "harm_members": [3]}
    reduce = conflict["options"][0]
    assert {c["member"]: c["partners"] for c in reduce["consequences"]} == {3: [1, 2], 1: [3], 2: [3]}
    assert reduce["consequences"][2]["change"]["params"]["targets"] == ["13.2"]


def test_small_harm_is_harm_not_a_conflict():
    found = {f.id for f in sdg_profile(build(_cluster(harm_relevance=1)), StrategySettings())}
    assert "sdg_harm:13" in found and "sdg_conflict:13" not in found  # 2 against 8: under half


def test_the_undo_ratio_is_an_assumption_whose_move_can_turn_the_claim():
    found = {f.id: f for f in run(RULE, build(_cluster()), StrategySettings(undo_ratio=0.75))}
    ratio = next(a for a in found["sdg_conflict:13"].assumptions if a.name == "undo_ratio")
    assert ratio.holds_lower and not ratio.holds_higher  # 6 is 75 % of 8, not 100 %
    assert found["sdg_conflict:13"].confidence == "medium"  # three members' entries, one fragile threshold


def test_private_entries_count_for_nothing():
    found = sdg_profile(build(_cluster()), StrategySettings())
    assert all(4 not in f.members for f in found)
    assert not any("15" in f.subject for f in found)


def test_no_profile_without_shared_assessments():
    members = [member(org(1)), member(org(2), assessment=sdg(("13.1", 3, 2, "private")))]
    assert sdg_profile(build(members), StrategySettings()) == []


def test_short_list_targets_no_member_addresses():
    members = [member(org(1, sector="food"), assessment=sdg(("8.9", 3, 2))), member(org(2, sector="activity"))]
    found = unaddressed_targets(build(members), StrategySettings())
    assert [f.id for f in found] == ["sdg_unaddressed:shortlist"]
    targets = json.loads(found[0].to_json())["figures"]["targets"]
    food = {i.target for i in reference.shortlist("food")} | {i.target for i in reference.shortlist("activity")}
    assert "8.9" not in targets and set(targets) == food - {"8.9"}
    rows = [e for e in found[0].evidence if e.source == "reference"]
    assert {dict(e.ids)["target"] for e in rows} == set(targets)
    assert all(e.year == 2025 and e.source_name for e in rows)
    take_up = {c.member: c for c in found[0].options[0].consequences}
    assert set(take_up) == {1, 2}


def test_no_unaddressed_targets_when_the_short_lists_are_covered():
    shortlist = [(i.target, 1, 1) for i in reference.shortlist("food")]
    assert unaddressed_targets(build([member(org(1, sector="food"), assessment=sdg(*shortlist))]),
                               StrategySettings()) == []
