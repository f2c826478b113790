"""The rules that make findings, and how a rule's assumptions get their sensitivity.

A rule is a pure function ``(StrategyInput, StrategySettings) -> list[Finding]`` that returns
``[]`` when the data does not support its claim. :class:`Rule` names the settings it reads
as thresholds, each with the step it is moved by; :func:`run` runs the rule, then runs it
again with each threshold one step lower and one step higher, and records on every finding
whether a finding with the same id still comes out (the claim holds) or not.

The evidence helpers here make the rows every rule uses, so a member, offer or note is traced
the same way in every finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from ..analysis.member import DAYS
from ..model import Note, Offer
from .finding import Assumption, Evidence, Finding
from .inputs import MemberInput, StrategyInput, StrategySettings

__all__ = ["PARTNERS_MAX", "Nearby", "Rule", "member_row", "note_row", "offer_capacity", "offer_row", "run"]

#: Partners a consequence names at most, so a member of a large chain or theme gets a working
#: group rather than the whole list (and the JSON grows with the members, not their square).
PARTNERS_MAX = 8


@dataclass(frozen=True)
class Rule:
    """A rule: its name, its function, and the step each threshold it reads moves by.

    ``ids``, when given, returns the ids of the findings ``function`` would make, without
    making them: the reruns with moved thresholds only ask which claims still hold, so a rule
    whose findings are costly to build (evidence, options for every member) names them alone.
    It must give exactly ``{f.id for f in function(data, settings)}``.
    """

    name: str
    function: Callable[[StrategyInput, StrategySettings], list[Finding]]
    steps: Mapping[str, float]
    ids: Callable[[StrategyInput, StrategySettings], set[str]] | None = None

    def finding_ids(self, data: StrategyInput, settings: StrategySettings) -> set[str]:
        """The ids of the findings the rule makes with ``settings``."""
        if self.ids is not None:
            return self.ids(data, settings)
        return {f.id for f in self.function(data, settings)}


def _moved(settings: StrategySettings, name: str, delta: float) -> tuple[StrategySettings, float]:
    value = getattr(settings, name)
    moved = value + delta
    if isinstance(value, int) and not isinstance(value, bool):
        moved = max(1, int(moved))
    elif name.endswith(("share", "tolerance", "ratio")):
        moved = min(max(moved, 0.0), 1.0) if name != "undo_ratio" else max(moved, 0.0)
    else:
        moved = max(moved, 0.0)
    return replace(settings, **{name: moved}), moved


def run(rule: Rule, data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """The rule's findings, each with its assumptions and whether the claim holds when they move."""
    found = rule.function(data, settings)
    if not found:
        return []
    moved = []
    for name, step in sorted(rule.steps.items()):
        value = getattr(settings, name)
        if value is None:
            continue
        low_settings, low = _moved(settings, name, -step)
        high_settings, high = _moved(settings, name, step)
        lower = rule.finding_ids(data, low_settings)
        higher = rule.finding_ids(data, high_settings)
        moved.append((name, value, low, high, lower, higher))
    return [replace(f, assumptions=tuple(Assumption(name, value, low, high, f.id in lower, f.id in higher)
                                         for name, value, low, high, lower, higher in moved)) for f in found]


def member_row(member: MemberInput, measure: str = "member", figure=None) -> Evidence:
    return Evidence.of("member", {"member": member.id}, measure, figure if figure is not None else member.name)


def offer_row(member: MemberInput, offer: Offer, measure: str, figure) -> Evidence:
    return Evidence.of("offer", {"member": member.id, "offer": offer.id}, measure, figure, text=offer.title)


def note_row(member: MemberInput, note: Note, measure: str, figure=None, template: str = "business_model") -> Evidence:
    return Evidence.of("note", {"member": member.id, "template": template, "note": note.id}, measure,
                       figure if figure is not None else note.block, text=note.text)


def offer_capacity(offer: Offer, months) -> int:
    """Guest-days (or beds, seats) an offer gives in ``months``: capacity per day times their days."""
    return int(sum(offer.capacity_per_day * DAYS[m - 1] for m in months))


class Nearby:
    """Picks a member's partners from a pool: the ones it already works with, then those of its own
    area, then the rest, each by id; at most :data:`PARTNERS_MAX`.

    Only the first ``PARTNERS_MAX + 1`` ids of the pool and of each area are kept: picking from
    a list skips at most the member itself and the partners already chosen, so a choice never
    reads further, and a large pool costs one sort, not one per member. A member outside those
    lists with no partners of its own gets what every such member of its area gets, worked out once.
    """

    def __init__(self, pool: Iterable[MemberInput]):
        members = sorted((m.organisation.id, m.area) for m in pool)
        self.ids = [i for i, _ in members[:PARTNERS_MAX + 1]]
        self.by_area: dict[str | None, list[int]] = defaultdict(list)
        for i, area in members:
            if len(self.by_area[area]) <= PARTNERS_MAX:
                self.by_area[area].append(i)
        self._kept = set(self.ids).union(*self.by_area.values())
        self._by_area: dict[str | None, tuple[int, ...]] = {}

    def partners(self, member: MemberInput, first: Collection[int] = ()) -> tuple[int, ...]:
        if not first and member.id not in self._kept:  # then only its area tells members apart
            if member.area not in self._by_area:
                self._by_area[member.area] = self._pick(member, ())
            return self._by_area[member.area]
        return self._pick(member, first)

    def _pick(self, member: MemberInput, first: Collection[int]) -> tuple[int, ...]:
        chosen: list[int] = []
        for source in (sorted(first), self.by_area.get(member.area, ()), self.ids):
            for i in source:
                if len(chosen) == PARTNERS_MAX:
                    return tuple(sorted(chosen))
                if i != member.id and i not in chosen:
                    chosen.append(i)
        return tuple(sorted(chosen))
