"""Sub-clusters: themes with enough members to stand alone, and members in none."""

from __future__ import annotations

from klynge.strategy import StrategySettings
from klynge.strategy.rules import run
from klynge.strategy.themes import RULE, members_in_none, standalone_themes

from .conftest import build, member, offer, org


def _members():
    food = [member(org(i, f"Mat {i}", sector="food", subclusters=["food"]), [offer(i * 10, i, "meal")])
            for i in range(1, 6)]
    winter = [member(org(i, f"Vinter {i}", subclusters=["winter"])) for i in (6, 7)]
    alone = [member(org(8, "Kafé", sector="food")), member(org(9, "Buss", sector="transport"))]
    return food + winter + alone


def test_a_theme_with_enough_members_stands_alone():
    found = standalone_themes(build(_members()), StrategySettings())
    assert [f.id for f in found] == ["subcluster:food"]
    assert found[0].members == (1, 2, 3, 4, 5)
    option = found[0].options[0]
    assert all(len(c.partners) == 4 and c.packages == ("new:theme:food",) for c in option.consequences)


def test_no_theme_stands_alone_under_the_threshold():
    assert standalone_themes(build(_members()), StrategySettings(min_theme_members=6)) == []
    found = {f.id for f in standalone_themes(build(_members()), StrategySettings(min_theme_members=2))}
    assert found == {"subcluster:food", "subcluster:winter"}


def test_the_threshold_moved_up_loses_a_theme_at_its_edge():
    found = run(RULE, build(_members()), StrategySettings())
    moved = found[0].assumptions[0]
    assert (moved.lower, moved.higher, moved.holds_lower, moved.holds_higher) == (3, 7, True, False)


def test_members_in_no_theme_are_shown_the_theme_of_their_sector():
    found = members_in_none(build(_members()), StrategySettings())
    assert [f.id for f in found] == ["subcluster_none:members"]
    joins = {c.member: c for c in found[0].options[0].consequences}
    assert joins[8].partners == (1, 2, 3, 4, 5)  # a food business: the food theme
    assert joins[9].partners == (1, 2, 3, 4, 5)  # no transport theme: the largest


def test_no_finding_when_everyone_has_a_theme_or_there_are_no_themes():
    assert members_in_none(build(_members()[:7]), StrategySettings()) == []
    assert members_in_none(build([member(org(1)), member(org(2))], subclusters=()), StrategySettings()) == []
