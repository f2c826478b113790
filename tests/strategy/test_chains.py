"""Value chains from shared business-model notes, and the missing links."""

from __future__ import annotations

import json

from klynge.strategy import StrategySettings, findings
from klynge.strategy.chains import missing_links, value_chains

from .conftest import build, member, notes, offer, org

SECRET = "Our secret margin partner Hemmelig"


def _chain(private_block: str = "key_partners"):
    """Three members serve hikers; the guide names a bed and a meal as key partners; one note is private."""
    guide = member(org(1, "Fjellguide"), [offer(11, 1, "activity")], notes(
        ("s1", "customer_segments", "Hikers from Oslo"), ("v1", "value_propositions", "Guided autumn hikes"),
        ("k1", "key_partners", "A hotel for the night and a restaurant"),
        ("p1", private_block, SECRET, "private")))
    lodge = member(org(2, "Fjellstue"), [offer(21, 2, "accommodation")], notes(
        ("s2", "customer_segments", "Hikers and skiers"), ("v2", "value_propositions", "Warm beds by the trail")))
    kitchen = member(org(3, "Seterkjøkken"), [offer(31, 3, "meal")], notes(
        ("s3", "customer_segments", "Hungry hikers"), ("k3", "key_partners", "Fjellguide brings the groups")))
    return [guide, lodge, kitchen]


def test_members_serving_the_same_segment_whose_key_partners_meet_make_a_chain():
    found = value_chains(build(_chain()), StrategySettings())
    assert [f.id for f in found] == ["value_chain:hikers"]
    data = json.loads(found[0].to_json())
    assert data["figures"]["members"] == [1, 2, 3]
    assert data["figures"]["links"] == [[1, 2], [1, 3], [3, 1]]
    notes_ = {(e["ids"]["member"], e["ids"]["note"]) for e in data["evidence"] if e["source"] == "note"}
    assert {(1, "s1"), (2, "s2"), (3, "s3"), (1, "v1"), (2, "v2"), (1, "k1"), (3, "k3")} == notes_
    option = data["options"][0]
    assert option["id"] == "chain_package"
    assert [c["partners"] for c in option["consequences"]] == [[2, 3], [1, 3], [1, 2]]


def test_no_chain_below_the_threshold_or_without_a_link():
    assert value_chains(build(_chain()), StrategySettings(min_chain_members=4)) == []
    unlinked = [member(org(i), [offer(i * 10, i)], notes((f"s{i}", "customer_segments", "Hikers"))) for i in (1, 2, 3)]
    assert value_chains(build(unlinked), StrategySettings()) == []


def test_a_private_note_never_reaches_a_finding():
    for block in ("key_partners", "customer_segments", "value_propositions"):
        for f in findings(build(_chain(block))):
            assert "Hemmelig" not in f.to_json() and "p1" not in {dict(e.ids).get("note") for e in f.evidence}


def test_a_member_without_shared_notes_is_left_out_of_chains_and_asked_about():
    quiet = member(org(4, "Stille"), [offer(41, 4)], notes(("x", "customer_segments", "Hikers", "private")))
    members = _chain() + [quiet]
    found = findings(build(members))
    chain = next(f for f in found if f.kind == "value_chain")
    assert 4 not in chain.members
    question = next(f for f in found if f.id == "open_question:no_shared_notes")
    assert question.members == (4,)


def test_a_kind_of_partner_nobody_in_the_cluster_is_is_a_missing_link():
    members = _chain()
    members[1] = member(org(2, "Fjellstue"), [offer(21, 2, "accommodation")], notes(
        ("k2", "key_partners", "We need a bank loan for the new cabins")))
    found = missing_links(build(members), StrategySettings())
    assert [f.id for f in found] == ["missing_link:bank"]
    assert found[0].members == (2,)
    assert json.loads(found[0].to_json())["options"][0]["consequences"][0]["member"] == 2


def test_no_missing_link_when_a_member_is_that_kind():
    members = _chain() + [member(org(5, "Sparebanken", kind="bank", sector="services"))]
    members[1] = member(org(2, "Fjellstue"), [offer(21, 2, "accommodation")], notes(
        ("k2", "key_partners", "We need a bank loan")))
    assert missing_links(build(members), StrategySettings()) == []


def test_the_chain_brings_in_a_member_who_sells_what_it_lacks():
    members = _chain()
    members[2] = member(org(3, "Seterkjøkken"), [offer(31, 3, "meal")], notes(
        ("s3", "customer_segments", "Hungry hikers"), ("k3", "key_partners", "Fjellguide and a taxi for the guests")))
    members.append(member(org(6, "Taxi"), [offer(61, 6, "transport")]))
    chain = value_chains(build(members), StrategySettings())[0]
    bring = next(o for o in chain.options if o.id == "bring_in")
    assert {c.member: c.partners for c in bring.consequences} == {3: (6,), 6: (3,)}
