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

import pandas as pd

from ..analysis.cluster import common_terms
from ..analysis.partners import concepts_in
from ..stopwords import stop_words
from .finding import Consequence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import Rule, member_row, note_row

__all__ = ["RULE", "RULE_MISSING", "missing_links", "provides", "value_chains"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def provides(member: MemberInput) -> set[str]:
    """The concepts a member is or sells: its kind of organisation and the kinds of its offers."""
    return {member.organisation.kind} | {o.kind for o in member.offers}


def _segment_notes(data: StrategyInput) -> pd.DataFrame:
    rows = [{"member": m.name, "member_id": m.id, "block": "customer_segments", "text": n.text}
            for m in data.members for n in m.notes_in("customer_segments")]
    return pd.DataFrame(rows, columns=["member", "member_id", "block", "text"])


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - stop_words()


def _links(chain: list[MemberInput]) -> list[tuple[MemberInput, object, MemberInput]]:
    """(member, key-partner note, partner in the chain) where the note names the partner or what it is or sells."""
    links = []
    for a in chain:
        for note in a.notes_in("key_partners"):
            named = concepts_in(note.text)
            text = note.text.lower()
            for b in chain:
                if b.id != a.id and (b.name.lower() in text or named & provides(b)):
                    links.append((a, note, b))
    return links


def value_chains(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per customer segment that at least ``min_chain_members`` members name and whose
    key partners link at least two of them; [] otherwise."""
    notes = _segment_notes(data)
    if notes.empty:
        return []
    terms = common_terms(notes, "customer_segments", min_members=settings.min_chain_members)
    by_id = {m.id: m for m in data.members}
    found = []
    for term, ids in zip(terms["term"], terms["ids"]):
        chain = [by_id[i] for i in ids]
        evidence = [note_row(m, n, "customer_segments", term) for m in chain for n in m.notes_in("customer_segments")
                    if term in _words(n.text)]
        evidence += [note_row(m, n, "value_propositions") for m in chain for n in m.notes_in("value_propositions")]
        links = _links(chain)
        if not links:  # members who name the same segment but none of whom works with another: no chain
            continue
        evidence += [note_row(a, note, "key_partners", b.id) for a, note, b in links]
        wanted: dict[str, set[int]] = defaultdict(set)
        for m in chain:
            for note in m.notes_in("key_partners"):
                for concept in concepts_in(note.text):
                    wanted[concept].add(m.id)
        in_chain = set().union(*(provides(m) for m in chain))
        gaps = sorted(c for c in wanted if c not in in_chain)
        options = [_chain_package(term, chain)]
        bring = _bring_in(data, term, chain, gaps, wanted)
        if bring.consequences:
            options.append(bring)
        claim = Text.of("strategy.claim.value_chain", segment=term, members=len(chain),
                        names=[m.name for m in chain], links=len({(a.id, b.id) for a, _, b in links}))
        method = Text.of("strategy.method.value_chain", min_members=settings.min_chain_members)
        figures = {"segment": term, "members": [m.id for m in chain], "gaps": gaps,
                   "links": sorted({(a.id, b.id) for a, _, b in links})}
        found.append(make("value_chain", term, claim, method, evidence, options, figures))
    return found


def _chain_package(term: str, chain: list[MemberInput]) -> Option:
    ids = [m.id for m in chain]
    consequences = tuple(Consequence(i, Text.of("strategy.consequence.chain_package", segment=term),
                                     packages=(f"new:chain:{term}",), partners=tuple(j for j in ids if j != i))
                         for i in ids)
    return Option("chain_package", Text.of("strategy.option.chain_package", segment=term), consequences)


def _bring_in(data: StrategyInput, term: str, chain: list[MemberInput], gaps: list[str],
              wanted: dict[str, set[int]]) -> Option:
    """Members outside the chain who are or sell what chain members look for, joined to those members."""
    ids = {m.id for m in chain}
    pairs: dict[int, set[int]] = defaultdict(set)
    for concept in gaps:
        for m in data.members:
            if m.id not in ids and concept in provides(m):
                pairs[m.id] |= wanted[concept]
                for i in wanted[concept]:
                    pairs[i].add(m.id)
    consequences = tuple(Consequence(i, Text.of("strategy.consequence.new_partners", n=len(p)),
                                     partners=tuple(sorted(p))) for i, p in sorted(pairs.items()))
    return Option("bring_in", Text.of("strategy.option.bring_in", segment=term), consequences)


def missing_links(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per kind of partner that members name under key partners and no member is or sells."""
    supplied = set().union(*(provides(m) for m in data.members)) if data.members else set()
    wanted: dict[str, list[tuple[MemberInput, object]]] = defaultdict(list)
    for m in data.members:
        for note in m.notes_in("key_partners"):
            for concept in concepts_in(note.text) - supplied:
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
