"""Mobilisation: kinds of organisation missing against the facilitator's target mix."""

from __future__ import annotations

import json

import pytest

from klynge.strategy import StrategySettings
from klynge.strategy.mobilisation import mobilisation, needed

from .conftest import build, member, org


def _members():
    companies = [member(org(i, phase="launch" if i % 2 else "idea")) for i in range(1, 9)]
    return companies + [member(org(9, "Kommunen", kind="public_support", sector="services")),
                        member(org(10, "Banken", kind="bank", sector="services"))]


def test_needed_brings_the_share_up_to_the_target():
    assert needed(1, 10, 0.1) == 0
    assert needed(0, 10, 0.1) == 2  # 2 of 12 is 17 %; 1 of 11 is 9 %
    assert needed(1, 77, 0.05) == 3
    assert needed(3, 3, 1.0) == 0


def test_the_default_mix_finds_research_missing():
    found = mobilisation(build(_members()), StrategySettings())
    assert [f.id for f in found] == ["mobilisation:research"]
    data = json.loads(found[0].to_json())
    assert data["figures"]["count"] == 0 and data["figures"]["needed"] == 1 and data["figures"]["kinds"] == ["academia"]
    assert len([e for e in data["evidence"] if e["source"] == "member"]) == 10
    # Members at the idea stage (the even companies, the municipality, the bank) gain from research partners;
    # those at launch do not.
    assert [c["member"] for c in data["options"][0]["consequences"]] == [2, 4, 6, 8, 9, 10]


def test_the_facilitator_sets_the_mix():
    mix = {"companies": 0.5, "public_support": 0.3, "research": 0.0, "finance": 0.1}
    found = {f.id for f in mobilisation(build(_members()), StrategySettings(target_mix=mix))}
    assert found == {"mobilisation:public_support"}
    assert mobilisation(build(_members()), StrategySettings(target_mix={"companies": 0.5})) == []


def test_a_mix_that_cannot_be_is_refused():
    with pytest.raises(ValueError, match="categories are"):
        StrategySettings(target_mix={"tourists": 0.5})
    with pytest.raises(ValueError, match="sum to at most 1"):
        StrategySettings(target_mix={"companies": 0.8, "finance": 0.5})


def test_no_members_no_finding():
    assert mobilisation(build([]), StrategySettings()) == []
