"""Mobilisation: the kinds of organisation the cluster lacks against the target mix its facilitator sets.

Members count in the categories of the triple helix and finance (:data:`CATEGORIES`:
companies, public support, research, finance) by their kind of organisation
(:data:`CATEGORY_OF`; landowners, trekking associations, museums and the like are members
outside the mix). A category is short when its share of the members is under its target
share less ``mix_tolerance``; the finding says how many members of it would bring the share
up to the target, and which members would gain most from them (those whose development phase
values such partners, :data:`klynge.analysis.partners.PHASE_FIT`).
"""

from __future__ import annotations

from ..analysis.partners import PHASE_FIT
from ..model.cluster import category_of, needed
from .finding import Consequence, Finding, Option, Text, make
from .inputs import CATEGORIES, CATEGORY_OF, StrategyInput, StrategySettings
from .rules import Rule, member_row

__all__ = ["GAIN", "RULE", "category_of", "mobilisation", "needed"]

#: A member gains from a new partner of a category when its phase values a kind of that category at least this.
GAIN = 0.8


def mobilisation(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per category under its target share; [] when the mix is met or there are no members."""
    total = len(data.members)
    if not total:
        return []
    found = []
    for category in CATEGORIES:
        target = settings.target_mix.get(category, 0.0)
        members = [m for m in data.members if category_of(m.organisation.kind) == category]
        share = len(members) / total
        if target <= 0 or share >= target - settings.mix_tolerance:
            continue
        kinds = sorted(k for k, c in CATEGORY_OF.items() if c == category)
        gainers = [m for m in data.members if category_of(m.organisation.kind) != category
                   and max(PHASE_FIT[m.organisation.phase].get(k, 0.0) for k in kinds) >= GAIN]
        option = Option("recruit", Text.of("strategy.option.recruit_category", category=category), tuple(
            Consequence(m.id, Text.of("strategy.consequence.recruit_category", category=category))
            for m in gainers))
        more = needed(len(members), total, target)
        claim = Text.of("strategy.claim.mobilisation", category=category, count=len(members), total=total,
                        share=share, target=target, more=more)
        method = Text.of("strategy.method.mobilisation", tolerance=settings.mix_tolerance)
        evidence = [member_row(m, "category", category_of(m.organisation.kind)) for m in data.members]
        found.append(make("mobilisation", category, claim, method, evidence, [option],
                          {"category": category, "count": len(members), "total": total, "share": share,
                           "target": target, "needed": more, "kinds": kinds}))
    return found


RULE = Rule("mobilisation", mobilisation, {"mix_tolerance": 0.05})
