"""Low-season gaps by area and month, and the packages and partners that would close them.

:func:`area_month_gaps` is the one place that says where the gaps are (per seasonality area
and low month: the members with offers, those with nothing open, the kinds a package needs
that nobody offers); a richer gap analysis can replace it without touching the finding.
:func:`low_season_gaps` turns each area's gaps into a finding with three kinds of option:
members open what they have in the months they are idle; the area's members make a joint
package, with members elsewhere supplying the kinds nobody in the area offers; and packages
that already include the area's members are extended into the gap months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from .. import reference
from .finding import Consequence, Evidence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import PARTNERS_MAX, Nearby, Rule, member_row, offer_capacity, offer_row

__all__ = ["PACKAGE_KINDS", "RULE", "area_month_gaps", "low_season_gap_ids", "low_season_gaps"]

#: The kinds of offer a low-season package needs: a bed, a meal and something to do.
PACKAGE_KINDS = ("accommodation", "meal", "activity")
#: The area of members whose municipality has no seasonality data (they get the default low season).
NO_AREA = "none"
#: Partners from other areas suggested per missing kind.
PARTNERS_PER_KIND = 2


@cache
def _areas() -> dict:
    return {a.id: a for a in reference.areas()}


def _open(member: MemberInput, month: int) -> list:
    return [o for o in member.offers if month in o.months]


def area_month_gaps(data: StrategyInput, idle_share: float, min_area_members: int) -> list[dict]:
    """Per seasonality area and low month with a gap: who is idle and which package kinds nobody offers.

    A month of an area's low season has a gap when at least ``idle_share`` of the area's
    members with offers have nothing open in it, or when some members are open but none
    offers one of :data:`PACKAGE_KINDS`. Areas with fewer than ``min_area_members`` members
    with offers are left out. Rows are sorted by area and month; each has ``area``,
    ``month``, ``members`` (ids with offers), ``idle`` and ``open`` (ids) and ``missing`` (kinds).
    """
    groups: dict[str, list[MemberInput]] = defaultdict(list)
    for m in data.members:
        if m.offers:
            groups[m.area or NO_AREA].append(m)
    rows = []
    for area in sorted(groups):
        members = groups[area]
        if len(members) < min_area_members:
            continue
        for month in members[0].low_months:
            open_ = [m for m in members if _open(m, month)]
            idle = [m.id for m in members if not _open(m, month)]
            kinds = {o.kind for m in open_ for o in _open(m, month)}
            missing = [k for k in PACKAGE_KINDS if k not in kinds] if open_ else []
            if len(idle) / len(members) >= idle_share or missing:
                rows.append({"area": area, "month": month, "members": [m.id for m in members], "idle": idle,
                             "open": [m.id for m in open_], "missing": missing})
    return rows


def _suppliers(data: StrategyInput, area: str, month: int, kind: str) -> list[MemberInput]:
    """Members outside ``area`` with an offer of ``kind`` open in ``month``, by id."""
    return [m for m in data.members if (m.area or NO_AREA) != area
            and any(o.kind == kind for o in _open(m, month))][:PARTNERS_PER_KIND]


def _area_name(area: str) -> str:
    found = _areas().get(area)
    return found.name if found else area


def _reference_row(area: str, months: Sequence[int]) -> list[Evidence]:
    found = _areas().get(area)
    if found is None:
        return [Evidence.of("reference", {"table": "low_months", "area": NO_AREA}, "low_months",
                            list(reference.DEFAULT_LOW_MONTHS), source_name="Klynge: default low season",
                            year=None)]
    share = sum(reference.seasonality(area)[m - 1] for m in months)
    return [Evidence.of("reference", {"table": "seasonality", "area": area}, "guest_night_share", share,
                        source_name="seasonality.csv (approximate)", year=found.year)]


def _finding(data: StrategyInput, area: str, rows: list[dict]) -> Finding:
    months = [r["month"] for r in rows]
    by_id = {m.id: m for m in data.members}
    members = [by_id[i] for i in rows[0]["members"]]
    idle_months: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        for i in r["idle"]:
            idle_months[i].append(r["month"])
    missing = sorted({k for r in rows for k in r["missing"]}, key=PACKAGE_KINDS.index)
    evidence = _reference_row(area, months)
    evidence += [member_row(by_id[i], "idle_months", ms) for i, ms in sorted(idle_months.items())]
    for m in members:
        for o in m.offers:
            overlap = sorted(set(o.months) & set(months))
            if overlap:
                evidence.append(offer_row(m, o, "open_months", overlap))
    options = [_extend(by_id, idle_months)] if idle_months else []
    options.append(_joint(data, area, rows, by_id))
    options += _packages(data, area, months, members)
    extended = {o.id.split(":", 1)[1] for o in options if o.id.startswith("extend_package:")}
    evidence += [Evidence.of("package", {"package": p.id, "member": p.owner}, "months", list(p.package.months),
                             text=p.package.title) for p in data.packages if p.id in extended]
    claim = Text.of("strategy.claim.low_season_gap", area=_area_name(area), months=months,
                    idle=len(idle_months), members=len(members))
    method = Text.of("strategy.method.low_season_gap", kinds=list(PACKAGE_KINDS))
    figures = {"area": area, "months": months, "idle": {str(r["month"]): len(r["idle"]) for r in rows},
               "missing": {str(r["month"]): r["missing"] for r in rows if r["missing"]},
               "missing_kinds": missing}
    return make("low_season_gap", area, claim, method, evidence, options, figures)


def _extend(by_id: dict, idle_months: dict[int, list[int]]) -> Option:
    consequences = []
    for i, months in sorted(idle_months.items()):
        capacity = sum(offer_capacity(o, months) for o in by_id[i].offers)
        consequences.append(Consequence(i, Text.of("strategy.consequence.open_months", months=months),
                                        months=tuple(months), capacity=capacity))
    return Option("extend_season", Text.of("strategy.option.extend_season"), tuple(consequences))


def _joint(data: StrategyInput, area: str, rows: list[dict], by_id: dict) -> Option:
    """A joint package of the area's members, with members elsewhere for the kinds nobody in the area offers."""
    package = f"new:low_season:{area}"
    months_of: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        for i in r["members"]:
            months_of[i].add(r["month"])
        for kind in r["missing"]:
            for m in _suppliers(data, area, r["month"], kind):
                months_of[m.id].add(r["month"])
    team = [by_id[i] for i in sorted(months_of)]
    kinds = {m.id: frozenset(o.kind for o in m.offers) & set(PACKAGE_KINDS) for m in team}
    by_kinds: dict[frozenset, list[int]] = defaultdict(list)
    for m in team:
        by_kinds[kinds[m.id]].append(m.id)
    nearby = Nearby(team)
    consequences = []
    for member in team:
        i = member.id
        added = sorted(m for m in months_of[i] if not _open(member, m))
        capacity = sum(offer_capacity(o, added) for o in member.offers if o.kind in PACKAGE_KINDS)
        # Partners that bring a kind of the package this member lacks come first.
        complement = sorted(j for ks, ids in by_kinds.items() if ks - kinds[i] for j in ids[:PARTNERS_MAX])
        consequences.append(Consequence(i, Text.of("strategy.consequence.joint_package", months=sorted(months_of[i])),
                                        packages=(package,), partners=nearby.partners(member, complement),
                                        months=tuple(sorted(months_of[i])), capacity=capacity))
    return Option("joint_package", Text.of("strategy.option.joint_package", area=_area_name(area)),
                  tuple(consequences))


def _packages(data: StrategyInput, area: str, months: list[int], members: list[MemberInput]) -> list[Option]:
    """Existing packages with a supplier in the area that leave some gap months out: extend them."""
    ids = {m.id for m in members}
    options = []
    for p in data.packages:
        suppliers = p.package.suppliers()
        extra = sorted(set(months) - set(p.package.months))
        if not extra or not ids & set(suppliers):
            continue
        consequences = tuple(Consequence(i, Text.of("strategy.consequence.extend_package", months=extra),
                                         packages=(p.id,), partners=tuple(s for s in suppliers if s != i),
                                         months=tuple(extra)) for i in sorted(suppliers))
        options.append(Option(f"extend_package:{p.id}", Text.of("strategy.option.extend_package",
                                                                   package=p.package.title), consequences))
    return options


def low_season_gaps(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """One finding per seasonality area whose low months have gaps; [] when none has."""
    rows = area_month_gaps(data, settings.idle_share, settings.min_area_members)
    by_area: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_area[r["area"]].append(r)
    return [_finding(data, area, by_area[area]) for area in sorted(by_area)]


def low_season_gap_ids(data: StrategyInput, settings: StrategySettings) -> set[str]:
    """The ids of the findings :func:`low_season_gaps` makes, without making them."""
    rows = area_month_gaps(data, settings.idle_share, settings.min_area_members)
    return {f"low_season_gap:{r['area']}" for r in rows}


RULE = Rule("low_season_gap", low_season_gaps, {"idle_share": 0.1, "min_area_members": 1}, ids=low_season_gap_ids)
