"""How rules run: the sensitivity of their thresholds, and how a consequence picks a member's partners."""

from __future__ import annotations

from klynge.strategy import StrategySettings
from klynge.strategy.rules import PARTNERS_MAX, Nearby, Rule, run
from klynge.strategy.themes import standalone_themes

from .conftest import build, member, org


def test_partners_are_those_it_works_with_then_its_area_then_the_rest():
    pool = [member(org(i), area="oppdal" if i % 2 else "trondheim") for i in range(1, 21)]
    data = build(pool)
    nearby = Nearby(data.members)
    me = data.member(2)  # in Trondheim
    assert nearby.partners(me) == (4, 6, 8, 10, 12, 14, 16, 18)
    assert nearby.partners(me, first=[19, 3]) == (3, 4, 6, 8, 10, 12, 14, 19)
    assert len(Nearby(data.members[:3]).partners(me)) == 2


def test_a_large_theme_gives_each_member_a_working_group_not_the_whole_list():
    data = build([member(org(i, subclusters=["food"])) for i in range(1, 41)])
    [f] = standalone_themes(data, StrategySettings())
    consequences = f.options[0].consequences
    assert len(consequences) == 40 and all(len(c.partners) == PARTNERS_MAX for c in consequences)


def test_a_rule_without_findings_is_not_run_again():
    calls = []

    def never(data, settings):
        calls.append(settings)
        return []

    assert run(Rule("never", never, {"idle_share": 0.1}), build([]), StrategySettings()) == []
    assert len(calls) == 1


def test_an_integer_threshold_moves_by_whole_members_and_stays_above_zero():
    data = build([member(org(i, subclusters=["food"])) for i in range(1, 4)])
    rule = Rule("themes", standalone_themes, {"min_theme_members": 5})
    found = run(rule, data, StrategySettings(min_theme_members=2))
    [moved] = found[0].assumptions
    assert (moved.lower, moved.higher) == (1, 7) and moved.holds_lower and not moved.holds_higher
