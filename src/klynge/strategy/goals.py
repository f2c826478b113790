"""The cluster's SDG profile: where it does good and harm, where one member's harm undoes others' good,
and the short-list targets no member addresses.

Only confirmed SDG entries shared with the cluster count. Per goal, good is the sum of impact
times relevance over the targets members do good to, harm the same over the targets they
harm. A goal is a strength when at least ``min_good_members`` members do good to it; a
conflict when some members harm it, others do good, and the harm is at least ``undo_ratio``
of the good; otherwise a goal with harm is harm. The short list
(:func:`klynge.reference.shortlist`) of every member's sector names the targets the cluster
is expected to look at; those that no member gives any relevance are unaddressed.
"""

from __future__ import annotations

from collections import defaultdict

from .. import reference
from ..errors import NotFound
from .finding import Consequence, Evidence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import Rule

__all__ = ["RULE", "RULE_SHORTLIST", "sdg_profile", "unaddressed_targets"]

SHORTLIST_SOURCE = "sdg_shortlist.csv (Klynge, editorial)"
SHORTLIST_YEAR = 2025


def _entry_row(member: MemberInput, entry) -> Evidence:
    return Evidence.of("member", {"member": member.id, "target": entry.target}, "impact_times_relevance",
                       entry.impact * entry.relevance)


def _goal(target: str) -> int:
    return int(target.split(".")[0])


def sdg_profile(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """Strengths, harms and conflicts per goal; [] when no member shares an assessed target."""
    good: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    harm: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    by_id = {m.id: m for m in data.members}
    for m in data.members:
        for e in m.sdg:
            if e.impact > 0 and e.relevance > 0:
                good[_goal(e.target)][m.id].append(e)
            elif e.impact < 0 and e.relevance > 0:
                harm[_goal(e.target)][m.id].append(e)
    found = []
    for goal in range(1, 18):
        doers, harmers = good.get(goal, {}), harm.get(goal, {})
        good_weight = sum(e.impact * e.relevance for es in doers.values() for e in es)
        harm_weight = sum(-e.impact * e.relevance for es in harmers.values() for e in es)
        rows = [_entry_row(by_id[i], e) for side in (doers, harmers) for i, es in side.items() for e in es]
        figures = {"goal": goal, "good": good_weight, "harm": harm_weight, "good_members": sorted(doers),
                   "harm_members": sorted(harmers)}
        if len(doers) >= settings.min_good_members:
            claim = Text.of("strategy.claim.sdg_good", goal=goal, members=len(doers),
                            names=[by_id[i].name for i in sorted(doers)])
            found.append(make("sdg_good", goal, claim, Text.of("strategy.method.sdg_good",
                                                               min_members=settings.min_good_members),
                              rows, [_together(goal, sorted(doers))], figures))
        others = set(doers) - set(harmers)
        if harmers and others and harm_weight >= settings.undo_ratio * good_weight:
            claim = Text.of("strategy.claim.sdg_conflict", goal=goal, harm=harm_weight, good=good_weight,
                            names=[by_id[i].name for i in sorted(harmers)])
            found.append(make("sdg_conflict", goal, claim, Text.of("strategy.method.sdg_conflict",
                                                                   ratio=settings.undo_ratio),
                              rows, [_reduce(goal, harmers, sorted(others))], figures))
        elif harmers:
            claim = Text.of("strategy.claim.sdg_harm", goal=goal, members=len(harmers),
                            names=[by_id[i].name for i in sorted(harmers)])
            found.append(make("sdg_harm", goal, claim, Text.of("strategy.method.sdg_harm"), rows,
                              [_reduce(goal, harmers, sorted(others))], figures))
    return found


def _together(goal: int, members: list[int]) -> Option:
    return Option("joint_action", Text.of("strategy.option.sdg_joint_action", goal=goal), tuple(
        Consequence(i, Text.of("strategy.consequence.sdg_joint_action", goal=goal),
                    partners=tuple(j for j in members if j != i)) for i in members))


def _reduce(goal: int, harmers: dict[int, list], helpers: list[int]) -> Option:
    """The harming members act on their targets; members doing good on the goal share how."""
    consequences = [Consequence(i, Text.of("strategy.consequence.sdg_reduce_harm",
                                           targets=[e.target for e in es]), partners=tuple(helpers))
                    for i, es in sorted(harmers.items())]
    consequences += [Consequence(i, Text.of("strategy.consequence.sdg_share_practice", goal=goal),
                                 partners=tuple(sorted(harmers))) for i in helpers]
    return Option("reduce_harm", Text.of("strategy.option.sdg_reduce_harm", goal=goal), tuple(consequences))


def _shortlist(sector: str) -> tuple:
    try:
        return reference.shortlist(sector)
    except NotFound:  # a sector the short list does not know: its general rows
        return reference.shortlist("general")


def unaddressed_targets(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """The short-list targets of the members' sectors that no member gives any relevance; [] when all are."""
    if not data.members:
        return []
    addressed = {e.target for m in data.members for e in m.sdg if e.relevance > 0}
    expected: dict[str, list[MemberInput]] = defaultdict(list)
    sectors: dict[str, set[str]] = defaultdict(set)
    for m in data.members:
        for item in _shortlist(m.organisation.sector):
            if item.target not in addressed:
                expected[item.target].append(m)
                sectors[item.target].add(item.sector)
    if not expected:
        return []
    order = {t.code: i for i, t in enumerate(reference.targets())}
    targets = sorted(expected, key=order.__getitem__)
    evidence = [Evidence.of("reference", {"table": "sdg_shortlist", "target": code}, "sectors",
                            sorted(sectors[code]), source_name=SHORTLIST_SOURCE, year=SHORTLIST_YEAR)
                for code in targets]
    members = {m.id: m for ms in expected.values() for m in ms}
    evidence += [Evidence.of("member", {"member": i}, "sector", members[i].organisation.sector) for i in members]
    consequences = tuple(Consequence(i, Text.of("strategy.consequence.take_up_targets",
                                                targets=[c for c in targets if members[i] in expected[c]]))
                         for i in sorted(members))
    claim = Text.of("strategy.claim.sdg_unaddressed", targets=targets, count=len(targets))
    option = Option("take_up", Text.of("strategy.option.sdg_take_up"), consequences)
    return [make("sdg_unaddressed", "shortlist", claim, Text.of("strategy.method.sdg_unaddressed"), evidence,
                 [option], {"targets": targets})]


RULE = Rule("sdg_profile", sdg_profile, {"min_good_members": 1, "undo_ratio": 0.25})
RULE_SHORTLIST = Rule("sdg_unaddressed", unaddressed_targets, {})
