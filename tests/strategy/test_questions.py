"""Open questions: what the data cannot say, and what would answer it."""

from __future__ import annotations

from klynge.strategy import StrategySettings
from klynge.strategy.questions import open_questions

from .conftest import build, member, notes, offer, org, sdg


def test_each_gap_in_the_data_is_a_question_about_the_members_it_concerns():
    members = [member(org(1), [offer(11, 1)], notes(("a", "customer_segments", "Hikers")), sdg(("8.9", 1, 1))),
               member(org(2), [], notes(("b", "customer_segments", "Only me", "private")), None, area=None)]
    found = {f.subject: f for f in open_questions(build(members), StrategySettings(manager_cost=None))}
    assert set(found) == {"no_shared_notes", "no_offers", "no_sdg", "no_seasonality", "economics"}
    assert all(f.members == (2,) for s, f in found.items() if s != "economics")
    assert found["no_offers"].options[0].consequences[0].member == 2


def test_no_question_when_the_data_answers_everything():
    members = [member(org(i), [offer(i * 10, i)], notes((f"n{i}", "key_partners", "A bus")), sdg(("8.9", 1, 1)))
               for i in (1, 2)]
    assert open_questions(build(members), StrategySettings(manager_cost=500_000)) == []
