"""Value chains: which members' customer segments, value propositions and key partners meet, and the missing links.

Read only from business-model notes shared with the cluster. A chain is a customer segment
that several members name (a word of at least three letters that ``min_chain_members``
members use under customer segments, stop words left out, as
:func:`klynge.analysis.cluster.common_terms` counts them) and where at least one of them
links to another: a key-partner note that names another chain member or a kind of
organisation or offer that member is or sells (:func:`klynge.analysis.partners.concepts_in`).
Its evidence is those notes, the same members' value propositions, and the linking notes.
A missing link is a kind of partner that members name and no member of the cluster is or sells.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import pandas as pd

from ..analysis.cluster import common_terms
from ..analysis.partners import concepts_in
from ..stopwords import stop_words
from .finding import Consequence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import PARTNERS_MAX, Nearby, Rule, member_row, note_row

__all__ = ["RULE", "RULE_MISSING", "missing_links", "provides", "value_chains"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def provides(member: MemberInput) -> set[str]:
    """The concepts a member is or sells: its kind of organisation and the kinds of its offers."""
    return {member.organisation.kind} | {o.kind for o in member.offers}


def _segment_notes(data: StrategyInput) -> pd.DataFrame:
    rows = [{"member": m.name, "member_id": m.id, "block": "customer_segments", "text": n.text}
            for m in data.members for n in m.notes_in("customer_segments")]
    return pd.DataFrame(rows, columns=["member", "member_id", "block", "text"])


@lru_cache(maxsize=65_536)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower())) - stop_words()


@lru_cache(maxsize=65_536)
def _concepts(text: str) -> frozenset[str]:
    return frozenset(concepts_in(text))


class _Index:
    """The cluster's members once: what each provides, who provides each concept, who each note names."""

    def __init__(self, data: StrategyInput):
        self.by_id = {m.id: m for m in data.members}
        self.provides = {m.id: provides(m) for m in data.members}
        self.providers: dict[str, set[int]] = defaultdict(set)
        for i, concepts in self.provides.items():
            for c in concepts:
                self.providers[c].add(i)
        # A name is looked for only in notes that hold its first word, so this stays near linear.
        by_word: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for m in data.members:
            words = _WORD.findall(m.name.lower())
            if words:
                by_word[words[0]].append((m.id, m.name.lower()))
        self.named: dict[tuple[int, str], set[int]] = {}
        for m in data.members:
            for note in m.notes_in("key_partners"):
                text = note.text.lower()
                candidates = {b for w in set(_WORD.findall(text)) for b in by_word.get(w, ())}
                self.named[(m.id, note.id)] = {i for i, name in candidates if i != m.id and name in text}

    def links(self, chain: set[int]) -> list[tuple[MemberInput, object, set[int]]]:
        """(member, key-partner note, the chain members it names or whose kind it names) for the chain's notes."""
        found = []
        for i in sorted(chain):
            member = self.by_id[i]
            for note in member.notes_in("key_partners"):
                named = set(self.named[(i, note.id)])
                for concept in _concepts(note.text):
                    named |= self.providers.get(concept, set())
                named = (named & chain) - {i}
                if named:
                    found.append((member, note, named))
        return found


def value_chains(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per customer segment that at least ``min_chain_members`` members name and whose
    key partners link at least two of them; [] otherwise."""
    notes = _segment_notes(data)
    if notes.empty:
        return []
    terms = common_terms(notes, "customer_segments", min_members=settings.min_chain_members)
    index = _Index(data)
    found = []
    for term, ids in zip(terms["term"], terms["ids"]):
        chain = [index.by_id[i] for i in ids]
        links = index.links(set(ids))
        if not links:  # members who name the same segment but none of whom works with another: no chain
            continue
        evidence = [note_row(m, n, "customer_segments", term) for m in chain for n in m.notes_in("customer_segments")
                    if term in _words(n.text)]
        evidence += [note_row(m, n, "value_propositions") for m in chain for n in m.notes_in("value_propositions")]
        evidence += [note_row(a, note, "key_partners", len(named)) for a, note, named in links]
        pairs = {(a.id, b) for a, _, named in links for b in named}
        wanted: dict[str, set[int]] = defaultdict(set)
        for m in chain:
            for note in m.notes_in("key_partners"):
                for concept in _concepts(note.text):
                    wanted[concept].add(m.id)
        in_chain = set().union(*(index.provides[m.id] for m in chain))
        gaps = sorted(c for c in wanted if c not in in_chain)
        linked: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            linked[a].add(b)
            linked[b].add(a)
        options = [_chain_package(term, chain, linked)]
        bring = _bring_in(index, term, set(ids), gaps, wanted)
        if bring.consequences:
            options.append(bring)
        claim = Text.of("strategy.claim.value_chain", segment=term, members=len(chain),
                        names=[m.name for m in chain], links=len(pairs))
        method = Text.of("strategy.method.value_chain", min_members=settings.min_chain_members)
        figures = {"segment": term, "members": [m.id for m in chain], "gaps": gaps, "links": len(pairs)}
        found.append(make("value_chain", term, claim, method, evidence, options, figures))
    return found


def _chain_package(term: str, chain: list[MemberInput], linked: dict[int, set[int]]) -> Option:
    """Each member's partners in the joint product: those its key partners link it to first."""
    nearby = Nearby(chain)
    consequences = tuple(Consequence(m.id, Text.of("strategy.consequence.chain_package", segment=term),
                                     packages=(f"new:chain:{term}",), partners=nearby.partners(m, linked.get(m.id, ())))
                         for m in chain)
    return Option("chain_package", Text.of("strategy.option.chain_package", segment=term), consequences)


def _bring_in(index: _Index, term: str, ids: set[int], gaps: list[str], wanted: dict[str, set[int]]) -> Option:
    """Members outside the chain who are or sell what chain members look for, joined to those members.

    Per kind the chain lacks, each member that looks for it gets the nearest members outside the
    chain that are or sell it, and each of those gets the nearest members that look for it.
    """
    found: dict[int, list[int]] = defaultdict(list)
    for concept in gaps:
        outside = [index.by_id[i] for i in index.providers.get(concept, ()) if i not in ids]
        if not outside:
            continue
        seekers = [index.by_id[i] for i in wanted[concept]]
        near_outside, near_seekers = Nearby(outside), Nearby(seekers)
        for m in seekers:
            found[m.id] += near_outside.partners(m)
        for m in outside:
            found[m.id] += near_seekers.partners(m)
    consequences = []
    for i, partners in sorted(found.items()):
        chosen = tuple(sorted(dict.fromkeys(partners)))[:PARTNERS_MAX]
        consequences.append(Consequence(i, Text.of("strategy.consequence.new_partners", n=len(chosen)),
                                        partners=chosen))
    return Option("bring_in", Text.of("strategy.option.bring_in", segment=term), tuple(consequences))


def missing_links(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per kind of partner that members name under key partners and no member is or sells."""
    supplied = set().union(*(provides(m) for m in data.members)) if data.members else set()
    wanted: dict[str, list[tuple[MemberInput, object]]] = defaultdict(list)
    for m in data.members:
        for note in m.notes_in("key_partners"):
            for concept in _concepts(note.text) - supplied:
                wanted[concept].append((m, note))
    found = []
    for concept in sorted(wanted):
        rows = wanted[concept]
        members = sorted({m.id: m for m, _ in rows}.values(), key=lambda m: m.id)
        evidence = [note_row(m, note, "key_partners", concept) for m, note in rows]
        evidence += [member_row(m) for m in members]
        recruit = Option("recruit", Text.of("strategy.option.recruit_kind", kind=concept), tuple(
            Consequence(m.id, Text.of("strategy.consequence.new_partner_kind", kind=concept)) for m in members))
        claim = Text.of("strategy.claim.missing_link", kind=concept, members=len(members),
                        names=[m.name for m in members])
        found.append(make("missing_link", concept, claim, Text.of("strategy.method.missing_link"), evidence,
                          [recruit], {"kind": concept, "members": [m.id for m in members]}))
    return found


RULE = Rule("value_chain", value_chains, {"min_chain_members": 1})
RULE_MISSING = Rule("missing_link", missing_links, {})
