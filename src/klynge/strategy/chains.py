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

import heapq
import re
from collections import defaultdict
from functools import lru_cache

import pandas as pd

from ..analysis.cluster import common_terms
from ..analysis.partners import concepts_in
from ..model import Note
from ..stopwords import stop_words
from .finding import Consequence, Evidence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import PARTNERS_MAX, Nearby, Rule, member_row, note_row

__all__ = ["RULE", "RULE_MISSING", "missing_links", "provides", "value_chain_ids", "value_chains"]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def provides(member: MemberInput) -> set[str]:
    """The concepts a member is or sells: its kind of organisation and the kinds of its offers."""
    return {member.organisation.kind} | {o.kind for o in member.offers}


def _segment_notes(data: StrategyInput) -> pd.DataFrame:
    rows = [{"member": m.name, "member_id": m.id, "block": "customer_segments", "text": n.text}
            for m in data.members for n in m.notes_in("customer_segments")]
    return pd.DataFrame(rows, columns=["member", "member_id", "block", "text"])


def _segments(data: StrategyInput) -> list[tuple[str, int, tuple[int, ...]]]:
    """Every word of the customer segments as :func:`common_terms` ranks them: (term, members, ids)."""
    notes = _segment_notes(data)
    if notes.empty:
        return []
    terms = common_terms(notes, "customer_segments", min_members=1)
    return list(zip(terms["term"], terms["members"].astype(int), terms["ids"]))


@lru_cache(maxsize=65_536)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower())) - stop_words()


@lru_cache(maxsize=65_536)
def _concepts(text: str) -> frozenset[str]:
    return frozenset(concepts_in(text))


#: Ids kept per sorted list when only a member's first partners are wanted (see :class:`Nearby`).
_HEAD = PARTNERS_MAX + 1


class _Index:
    """The cluster's members once: what each provides, who provides each concept, what each
    key-partner note names (members by name, and concepts), and the value-proposition rows.

    Built once per input (:meth:`StrategyInput.derived`), so the reruns with a moved threshold
    and every segment's chain read the notes' words only once.
    """

    def __init__(self, data: StrategyInput):
        self.by_id = {m.id: m for m in data.members}
        self.provides = {m.id: frozenset(provides(m)) for m in data.members}
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
        #: Per member, its key-partner notes with the members each names and the concepts it names.
        self.partner_notes: dict[int, list[tuple[Note, frozenset[int], frozenset[str]]]] = {}
        #: Per member, the members and the concepts all its key-partner notes name.
        self.names: dict[int, frozenset[int]] = {}
        self.wants: dict[int, frozenset[str]] = {}
        for m in data.members:
            notes = []
            for note in m.notes_in("key_partners"):
                text = note.text.lower()
                candidates = {b for w in set(_WORD.findall(text)) for b in by_word.get(w, ())}
                named = frozenset(i for i, name in candidates if i != m.id and name in text)
                notes.append((note, named, _concepts(note.text)))
            self.partner_notes[m.id] = notes
            self.names[m.id] = frozenset().union(*(named for _, named, _ in notes))
            self.wants[m.id] = frozenset().union(*(concepts for _, _, concepts in notes))
        self._reach: dict[frozenset[str], frozenset[int]] = {}
        self._rows: dict[int, list[Evidence]] = {}

    def reach(self, concepts: frozenset[str]) -> frozenset[int]:
        """The members that are or sell any of ``concepts``."""
        if concepts not in self._reach:
            self._reach[concepts] = frozenset().union(*(self.providers.get(c, ()) for c in concepts))
        return self._reach[concepts]

    def proposition_rows(self, member: MemberInput) -> list[Evidence]:
        if member.id not in self._rows:
            self._rows[member.id] = [note_row(member, n, "value_propositions")
                                     for n in member.notes_in("value_propositions")]
        return self._rows[member.id]


def _index(data: StrategyInput) -> _Index:
    return data.derived("chains.index", _Index)


def _count(reached: frozenset[int], named: frozenset[int], member: int) -> int:
    """How many members ``reached | named`` holds besides ``member`` (``named`` never holds it)."""
    return len(reached) + len(named - reached) - (member in reached)


class _Chain:
    """The members who name one customer segment, and how their key partners link them.

    A key-partner note links its member to each chain member it names, or that is or sells a
    kind the note names. The links are counted per note and per member, never listed pair by
    pair: a chain of hundreds of members has tens of thousands of pairs.
    """

    def __init__(self, index: _Index, ids: tuple[int, ...]):
        self.index = index
        self.ids = tuple(sorted(ids))
        self.members = frozenset(ids)
        self._inside: dict[frozenset[str], frozenset[int]] = {}
        #: (member, key-partner note, how many chain members it links to) for the notes with a link.
        self.notes: list[tuple[MemberInput, Note, int]] = []
        #: The ordered pairs (member, chain member its notes link it to).
        self.links = 0
        for i in self.ids:
            for note, named, concepts in index.partner_notes[i]:
                n = _count(self.inside(concepts), named & self.members, i)
                if n:
                    self.notes.append((index.by_id[i], note, n))
            self.links += _count(self.inside(index.wants[i]), index.names[i] & self.members, i)

    def inside(self, concepts: frozenset[str]) -> frozenset[int]:
        """The chain members that are or sell any of ``concepts``."""
        if concepts not in self._inside:
            self._inside[concepts] = self.index.reach(concepts) & self.members
        return self._inside[concepts]

    def linked_heads(self) -> dict[int, set[int]]:
        """Per chain member, the first of the chain members it is linked with either way.

        The full set of a member's links is those its notes reach, plus those whose notes reach
        it (whose wanted kinds it is or sells, or who name it); the partners of
        :class:`Nearby` are its first few by id, so each part keeps its first ``_HEAD`` ids.
        """
        index = self.index
        seekers: dict[frozenset[str], list[int]] = defaultdict(list)  # by the kinds they look for, by id
        for b in self.ids:
            if index.wants[b]:
                seekers[index.wants[b]].append(b)
        seeking: dict[str, list[frozenset[str]]] = defaultdict(list)
        for wants in seekers:
            for c in wants:
                seeking[c].append(wants)
        named_by: dict[int, set[int]] = defaultdict(set)
        for b in self.ids:
            for a in index.names[b] & self.members:
                named_by[a].add(b)
        reached_by: dict[frozenset[str], list[int]] = {}
        reaches: dict[frozenset[str], list[int]] = {}
        heads = {}
        for a in self.ids:
            offered, wanted = index.provides[a], index.wants[a]
            if offered not in reached_by:
                groups = {w for c in offered for w in seeking.get(c, ())}
                reached_by[offered] = heapq.nsmallest(_HEAD, (b for w in groups for b in seekers[w][:_HEAD]))
            if wanted not in reaches:
                reaches[wanted] = heapq.nsmallest(_HEAD, self.inside(wanted))
            first = set(reached_by[offered]).union(reaches[wanted], index.names[a] & self.members,
                                                   named_by.get(a, ()))
            first.discard(a)
            if first:
                heads[a] = first
        return heads


def _chains(data: StrategyInput, min_members: int) -> list[tuple[str, _Chain]]:
    """The segments at least ``min_members`` members name whose key partners link some of them, most named first."""
    index = _index(data)
    known: dict[str, _Chain] = data.derived("chains.chains", lambda _: {})
    found = []
    for term, count, ids in data.derived("chains.segments", _segments):
        if count < min_members:
            continue
        if term not in known:
            known[term] = _Chain(index, ids)
        if known[term].links:  # members who name the same segment but none of whom works with another: no chain
            found.append((term, known[term]))
    return found


def value_chain_ids(data: StrategyInput, settings: StrategySettings) -> set[str]:
    """The ids of the findings :func:`value_chains` makes, without making them."""
    return {f"value_chain:{term}" for term, _ in _chains(data, settings.min_chain_members)}


def value_chains(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per customer segment that at least ``min_chain_members`` members name and whose
    key partners link at least two of them; [] otherwise."""
    index = _index(data)
    found = []
    for term, links in _chains(data, settings.min_chain_members):
        chain = [index.by_id[i] for i in links.ids]
        evidence = [note_row(m, n, "customer_segments", term) for m in chain for n in m.notes_in("customer_segments")
                    if term in _words(n.text)]
        evidence += [row for m in chain for row in index.proposition_rows(m)]
        evidence += [note_row(a, note, "key_partners", n) for a, note, n in links.notes]
        wanted: dict[str, set[int]] = defaultdict(set)
        for m in chain:
            for concept in index.wants[m.id]:
                wanted[concept].add(m.id)
        in_chain = frozenset().union(*(index.provides[m.id] for m in chain))
        gaps = sorted(c for c in wanted if c not in in_chain)
        options = [_chain_package(term, chain, links.linked_heads())]
        bring = _bring_in(index, term, links.members, gaps, wanted)
        if bring.consequences:
            options.append(bring)
        claim = Text.of("strategy.claim.value_chain", segment=term, members=len(chain),
                        names=[m.name for m in chain], links=links.links)
        method = Text.of("strategy.method.value_chain", min_members=settings.min_chain_members)
        figures = {"segment": term, "members": [m.id for m in chain], "gaps": gaps, "links": links.links}
        found.append(make("value_chain", term, claim, method, evidence, options, figures))
    return found


def _chain_package(term: str, chain: list[MemberInput], linked: dict[int, set[int]]) -> Option:
    """Each member's partners in the joint product: those its key partners link it to first."""
    nearby = Nearby(chain)
    change = Text.of("strategy.consequence.chain_package", segment=term)
    consequences = tuple(Consequence(m.id, change, packages=(f"new:chain:{term}",),
                                     partners=nearby.partners(m, linked.get(m.id, ()))) for m in chain)
    return Option("chain_package", Text.of("strategy.option.chain_package", segment=term), consequences)


@lru_cache(maxsize=PARTNERS_MAX + 1)
def _new_partners(n: int) -> Text:
    return Text.of("strategy.consequence.new_partners", n=n)


def _bring_in(index: _Index, term: str, ids: frozenset[int], gaps: list[str], wanted: dict[str, set[int]]) -> Option:
    """Members outside the chain who are or sell what chain members look for, joined to those members.

    Per kind the chain lacks, each member that looks for it gets the nearest members outside the
    chain that are or sell it, and each of those gets the nearest members that look for it.
    """
    found: dict[int, set[int]] = defaultdict(set)
    for concept in gaps:
        outside = [index.by_id[i] for i in index.providers.get(concept, ()) if i not in ids]
        if not outside:
            continue
        seekers = [index.by_id[i] for i in wanted[concept]]
        near_outside, near_seekers = Nearby(outside), Nearby(seekers)
        for m in seekers:
            found[m.id].update(near_outside.partners(m))
        for m in outside:
            found[m.id].update(near_seekers.partners(m))
    consequences = []
    for i, partners in sorted(found.items()):
        chosen = tuple(sorted(partners)[:PARTNERS_MAX])
        consequences.append(Consequence(i, _new_partners(len(chosen)), partners=chosen))
    return Option("bring_in", Text.of("strategy.option.bring_in", segment=term), tuple(consequences))


def missing_links(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per kind of partner that members name under key partners and no member is or sells."""
    index = _index(data)
    supplied = frozenset().union(*index.provides.values())
    wanted: dict[str, list[tuple[MemberInput, Note]]] = defaultdict(list)
    for m in data.members:
        for note, _, concepts in index.partner_notes[m.id]:
            for concept in concepts - supplied:
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


RULE = Rule("value_chain", value_chains, {"min_chain_members": 1}, ids=value_chain_ids)
RULE_MISSING = Rule("missing_link", missing_links, {})
