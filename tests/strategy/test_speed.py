"""The fast paths of the strategy pass give what the plain ones gave: the demo's findings byte for byte
as they were before the strategy pass was made fast, the reruns' finding ids, the value chains'
links against every pair listed, and the partners against a pool read in full.

When a rule or a text changes on purpose, write the demo's findings again with
``python -m tests.strategy.test_speed``.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from klynge.strategy import StrategySettings, findings, findings_json
from klynge.strategy.chains import _Chain, _chains, _index, missing_links, value_chain_ids, value_chains
from klynge.strategy.rules import PARTNERS_MAX, Nearby, Rule, run
from klynge.strategy.seasons import low_season_gap_ids, low_season_gaps

from .conftest import build, demo_input, member, notes, org
from .synthetic import synthetic_input

GOLDEN = Path(__file__).parent / "data" / "demo_findings.json.gz"


def _demo_json() -> str:
    return findings_json(findings(demo_input()), "fp")


def test_the_demo_gives_the_same_bytes_as_before_the_fast_paths():
    assert _demo_json() == gzip.decompress(GOLDEN.read_bytes()).decode("utf-8")


@pytest.fixture(scope="module")
def cluster():
    return synthetic_input(300, seed=3)


def test_the_synthetic_cluster_is_the_same_for_the_same_seed_and_keeps_private_notes_out():
    one, two = synthetic_input(40, seed=5), synthetic_input(40, seed=5)
    assert [(m.id, m.name, m.notes, m.sdg, m.offers) for m in one.members] == \
           [(m.id, m.name, m.notes, m.sdg, m.offers) for m in two.members]
    assert [m.notes for m in synthetic_input(40, seed=6).members] != [m.notes for m in one.members]
    assert all(n.visibility != "private" for m in one.members for _, n in m.notes)
    assert all(e.visibility != "private" and e.confirmed for m in one.members for e in m.sdg)
    assert {m.area for m in one.members} <= {m.area for m in demo_input().members}


@pytest.mark.parametrize("rule, ids, name, values", [
    (value_chains, value_chain_ids, "min_chain_members", [1, 2, 3, 4, 6, 12]),
    (low_season_gaps, low_season_gap_ids, "idle_share", [0.0, 0.3, 0.5, 0.7, 1.0]),
    (low_season_gaps, low_season_gap_ids, "min_area_members", [1, 3, 20, 80]),
])
def test_the_ids_of_a_rerun_are_those_of_the_findings(cluster, rule, ids, name, values):
    for data in (cluster, demo_input()):
        for value in values:
            settings = StrategySettings(**{name: value})
            assert ids(data, settings) == {f.id for f in rule(data, settings)}, (name, value)


def test_a_rule_with_ids_reruns_through_them_and_gets_the_same_assumptions(cluster):
    calls = []

    def counted(data, settings):
        calls.append(settings.min_chain_members)
        return value_chains(data, settings)

    fast = run(Rule("value_chain", counted, {"min_chain_members": 1}, ids=value_chain_ids), cluster,
               StrategySettings())
    assert calls == [3]
    plain = run(Rule("value_chain", value_chains, {"min_chain_members": 1}), cluster, StrategySettings())
    assert fast == plain and any(not a.holds_higher for f in fast for a in f.assumptions)


def _pairs(index, chain: frozenset[int]) -> tuple[dict, set]:
    """Every note's linked members and every ordered pair, listed in full (the plain way)."""
    per_note, pairs = {}, set()
    for i in sorted(chain):
        for note, named, concepts in index.partner_notes[i]:
            linked = (set(named) | set().union(*(index.providers.get(c, set()) for c in concepts))) & chain
            linked.discard(i)
            if linked:
                per_note[(i, note.id)] = len(linked)
                pairs |= {(i, b) for b in linked}
    return per_note, pairs


def test_a_chain_counts_its_links_as_every_pair_listed_would(cluster):
    index = _index(cluster)
    found = _chains(cluster, 2)
    assert len(found) > 20
    for term, chain in found:
        per_note, pairs = _pairs(index, chain.members)
        assert {(a.id, note.id): n for a, note, n in chain.notes} == per_note, term
        assert chain.links == len(pairs) > 0, term
        linked: dict[int, set[int]] = {}
        for a, b in pairs:
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
        heads = chain.linked_heads()
        assert set(heads) == set(linked), term
        for a, everyone in linked.items():
            assert heads[a] <= everyone and sorted(heads[a])[:PARTNERS_MAX] == sorted(everyone)[:PARTNERS_MAX]


def test_a_segment_whose_members_link_to_none_of_each_other_is_no_chain():
    data = build([member(org(i), canvases=notes(("s", "customer_segments", "Skiturister fra Oslo"),
                                                 ("p", "key_partners", "Ingen ennå")))
                  for i in range(1, 5)])
    assert _Chain(_index(data), (1, 2, 3, 4)).links == 0
    assert value_chains(data, StrategySettings()) == [] and value_chain_ids(data, StrategySettings()) == set()
    assert missing_links(data, StrategySettings()) == []


def _plain_partners(pool, me, first=()) -> tuple[int, ...]:
    """The partners as the pool read in full would give them."""
    ordered = sorted(pool, key=lambda m: m.id)
    chosen: list[int] = []
    for source in (sorted(first), [m.id for m in ordered if m.area == me.area], [m.id for m in ordered]):
        for i in source:
            if len(chosen) < PARTNERS_MAX and i != me.id and i not in chosen:
                chosen.append(i)
    return tuple(sorted(chosen))


def test_partners_from_the_first_ids_are_those_of_the_whole_pool():
    rng = random.Random(8)
    people = build([member(org(i), area=rng.choice(["oppdal", "trondheim", "roros"])) for i in range(1, 121)]).members
    for _ in range(60):
        pool = rng.sample(people, rng.randint(1, 60))
        nearby = Nearby(pool)
        for me in rng.sample(people, 15):
            first = set(rng.sample([m.id for m in pool], min(len(pool), rng.choice([0, 0, 3, 12]))))
            first.discard(me.id)
            assert nearby.partners(me, first) == _plain_partners(pool, me, first)
            assert nearby.partners(me) == _plain_partners(pool, me)  # asked twice: the area's answer is kept


if __name__ == "__main__":  # write the demo's findings again, after a change made on purpose
    GOLDEN.write_bytes(gzip.compress(_demo_json().encode("utf-8"), mtime=0))
