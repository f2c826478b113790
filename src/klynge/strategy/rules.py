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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ..analysis.member import DAYS
from ..model import Note, Offer
from .finding import Assumption, Evidence, Finding
from .inputs import MemberInput, StrategyInput, StrategySettings

__all__ = ["Rule", "member_row", "note_row", "offer_capacity", "offer_row", "run"]


@dataclass(frozen=True)
class Rule:
    """A rule: its name, its function, and the step each threshold it reads moves by."""

    name: str
    function: Callable[[StrategyInput, StrategySettings], list[Finding]]
    steps: Mapping[str, float]


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
        lower = {f.id for f in rule.function(data, low_settings)}
        higher = {f.id for f in rule.function(data, high_settings)}
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
