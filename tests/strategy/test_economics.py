"""The cluster's economics: fees and in-kind hours against a cluster manager's cost."""

from __future__ import annotations

import json

import pytest

from klynge.strategy import StrategySettings, consequences_for, findings
from klynge.strategy.economics import RULE, economics
from klynge.strategy.rules import run

from .conftest import build, member, org


def _members():
    return [member(org(i)) for i in range(1, 10)] + [member(org(10, "Fylket", kind="public_support"))]


def test_without_a_managers_cost_it_is_an_open_question():
    data = build(_members())
    assert economics(data, StrategySettings()) == []
    ids = [f.id for f in findings(data)]
    assert "open_question:economics" in ids and not any(i.startswith("economics:") for i in ids)


def test_a_shortfall_with_its_options_and_what_each_member_pays():
    settings = StrategySettings(fee=9900, hours=10, rate=500, manager_cost=400_000)
    [f] = economics(build(_members()), settings)
    data = json.loads(f.to_json())
    assert f.id == "economics:shortfall"
    assert data["figures"]["fees"] == 99_000 and data["figures"]["in_kind"] == 50_000
    assert data["figures"]["shortfall"] == 251_000 and data["figures"]["coverage"] == 0.3725
    options = {o["id"]: o for o in data["options"]}
    assert set(options) == {"keep_fee", "raise_fee", "public_cofunding"}
    for option in options.values():  # each option's total is the sum of what its members pay
        assert option["totals"]["cost"] == pytest.approx(sum(c["cost"] for c in option["consequences"]))
    assert options["keep_fee"]["totals"]["cost"] == 99_000
    assert options["raise_fee"]["totals"]["cost"] == 350_000  # with the in-kind hours, the whole cost
    assert options["public_cofunding"]["totals"]["cost"] == pytest.approx(350_000)
    assert options["public_cofunding"]["consequences"][-1]["cost"] == 9900 + 251_000


def test_funded_when_fees_and_hours_cover_the_cost():
    [f] = economics(build(_members()), StrategySettings(fee=20_000, manager_cost=150_000))
    assert f.id == "economics:funded" and [o.id for o in f.options] == ["keep_fee"]


def test_the_verdict_at_the_edge_does_not_hold_when_the_figures_move():
    [f] = run(RULE, build(_members()), StrategySettings(fee=10_000, manager_cost=100_000))
    moved = {a.name: a for a in f.assumptions}
    assert f.id == "economics:funded"
    assert not moved["fee"].holds_lower and moved["fee"].holds_higher
    assert moved["manager_cost"].holds_lower and not moved["manager_cost"].holds_higher
    assert "hours" not in moved and "rate" not in moved  # not entered: no assumption


def test_what_the_options_mean_for_one_member():
    settings = StrategySettings(fee=9900, manager_cost=400_000)
    found = findings(build(_members()), settings)
    mine = [c for c in consequences_for(found, 10) if c.kind == "economics"]
    assert {c.option for c in mine} == {"keep_fee", "raise_fee", "public_cofunding"}
    assert next(c for c in mine if c.option == "keep_fee").consequence.cost == 9900
