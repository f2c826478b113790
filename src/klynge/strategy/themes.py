"""Sub-clusters: the themes with enough members to stand alone, and the members in no theme.

A theme is a sub-cluster of the cluster (food, winter, pilgrim paths ...) or one a member
names in its profile. It can stand alone when at least ``min_theme_members`` members belong
to it. A member in no theme gets the theme most members of its own sector belong to (the
largest theme when its sector has none) as the one to join.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .finding import Consequence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import Rule, member_row

__all__ = ["RULE", "RULE_NONE", "members_in_none", "standalone_themes"]


def _themes(data: StrategyInput) -> dict[str, list[MemberInput]]:
    themes: dict[str, list[MemberInput]] = {s.slug: [] for s in data.cluster.subclusters}
    for m in data.members:
        for slug in sorted(set(m.organisation.subclusters)):
            themes.setdefault(slug, []).append(m)
    return themes


def _name(data: StrategyInput, slug: str) -> str:
    return next((s.name for s in data.cluster.subclusters if s.slug == slug), slug)


def standalone_themes(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per theme with at least ``min_theme_members`` members; [] when none has."""
    found = []
    for slug, members in sorted(_themes(data).items()):
        if len(members) < settings.min_theme_members:
            continue
        ids = [m.id for m in members]
        kinds = sorted({o.kind for m in members for o in m.offers})
        months = sorted({mo for m in members for o in m.offers for mo in o.months})
        option = Option("stand_alone", Text.of("strategy.option.theme_stand_alone", theme=_name(data, slug)), tuple(
            Consequence(i, Text.of("strategy.consequence.theme_group", theme=_name(data, slug)),
                        packages=(f"new:theme:{slug}",), partners=tuple(j for j in ids if j != i)) for i in ids))
        claim = Text.of("strategy.claim.theme_stands_alone", theme=_name(data, slug), members=len(members),
                        kinds=kinds)
        method = Text.of("strategy.method.theme_stands_alone", min_members=settings.min_theme_members)
        found.append(make("subcluster", slug, claim, method, [member_row(m, "subcluster", slug) for m in members],
                          [option], {"theme": slug, "members": ids, "kinds": kinds, "months": months}))
    return found


def _suggest(data: StrategyInput, themes: dict[str, list[MemberInput]], member: MemberInput) -> str | None:
    """The theme most members of the member's sector belong to; the largest theme when none does."""
    sector = member.organisation.sector
    same = Counter(slug for slug, ms in themes.items() for m in ms if m.organisation.sector == sector)
    if same:
        return min(same, key=lambda s: (-same[s], s))
    sized = [(-len(ms), slug) for slug, ms in themes.items() if ms]
    return min(sized)[1] if sized else None


def members_in_none(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding listing the members in no theme, when the cluster has themes; [] otherwise."""
    themes = _themes(data)
    alone = [m for m in data.members if not m.organisation.subclusters]
    if not alone or not any(themes.values()):
        return []
    joins: dict[str, list[MemberInput]] = defaultdict(list)
    for m in alone:
        slug = _suggest(data, themes, m)
        if slug:
            joins[slug].append(m)
    consequences = tuple(Consequence(m.id, Text.of("strategy.consequence.join_theme", theme=_name(data, slug)),
                                     partners=tuple(x.id for x in themes[slug]))
                         for slug, ms in sorted(joins.items()) for m in ms)
    claim = Text.of("strategy.claim.members_in_no_theme", members=len(alone), names=[m.name for m in alone])
    option = Option("join_theme", Text.of("strategy.option.join_theme"), consequences)
    return [make("subcluster_none", "members", claim, Text.of("strategy.method.members_in_no_theme"),
                 [member_row(m, "subclusters", 0) for m in alone], [option],
                 {"members": [m.id for m in alone], "suggested": {s: [m.id for m in ms] for s, ms in joins.items()}})]


RULE = Rule("subcluster", standalone_themes, {"min_theme_members": 2})
RULE_NONE = Rule("subcluster_none", members_in_none, {})
