"""The cluster's economics: what members' fees and in-kind hours could fund against a cluster manager's cost.

The figures are the facilitator's (:class:`StrategySettings`: ``fee`` per member organisation
a year, in-kind ``hours`` per member a year and the ``rate`` an hour is worth, the
``manager_cost`` a year, all in NOK). Every member pays the fee. Without a fee or a manager's
cost there is no finding here; :mod:`klynge.strategy.questions` asks for them instead.

The finding's subject is its verdict, ``funded`` or ``shortfall``, so moving a figure that
turns the verdict shows as a claim that does not hold. Its options: keep the fee; raise it
to what covers the cost; or have the public-support members co-fund the shortfall (the
Norwegian Innovation Clusters' Arena programme funded 1.5 to 3 MNOK a cluster a year in the
2014 call, a reference row).
"""

from __future__ import annotations

from .finding import Consequence, Evidence, Finding, Option, Text, make
from .inputs import StrategyInput, StrategySettings
from .rules import Rule, member_row

__all__ = ["ARENA", "RULE", "economics"]

#: The Arena programme's funding per cluster and year (NOK), with its source and year.
ARENA = {"figure": [1_500_000, 3_000_000], "source_name": "Innovation Norway, Norwegian Innovation Clusters call",
         "year": 2014}


def economics(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """What fees and in-kind hours fund against the manager's cost; [] when the figures are missing."""
    n = len(data.members)
    if not n or settings.fee is None or not settings.manager_cost:
        return []
    fee, cost = settings.fee, settings.manager_cost
    hours = settings.hours or 0.0
    worth = hours * settings.rate if settings.hours is not None and settings.rate is not None else 0.0
    fees, in_kind = fee * n, worth * n
    coverage = (fees + in_kind) / cost
    verdict = "funded" if coverage >= 1 else "shortfall"
    shortfall = max(0.0, cost - fees - in_kind)
    ids = [m.id for m in data.members]
    options = [Option("keep_fee", Text.of("strategy.option.keep_fee", fee=fee), tuple(
        Consequence(i, Text.of("strategy.consequence.pay_fee", fee=fee), cost=fee, hours=hours) for i in ids))]
    if shortfall:
        covering = (cost - in_kind) / n
        options.append(Option("raise_fee", Text.of("strategy.option.raise_fee", fee=round(covering)), tuple(
            Consequence(i, Text.of("strategy.consequence.pay_fee", fee=round(covering)), cost=round(covering),
                        hours=hours) for i in ids)))
        public = [m.id for m in data.members if m.organisation.kind == "public_support"]
        if public:
            share = shortfall / len(public)
            consequences = [Consequence(i, Text.of("strategy.consequence.pay_fee", fee=fee), cost=fee, hours=hours)
                            for i in ids if i not in public]
            consequences += [Consequence(i, Text.of("strategy.consequence.cofund", amount=round(fee + share)),
                                         cost=fee + share, hours=hours) for i in public]
            options.append(Option("public_cofunding", Text.of("strategy.option.public_cofunding"),
                                  tuple(consequences)))
    evidence = [member_row(m, "fee", fee) for m in data.members]
    evidence.append(Evidence.of("reference", {"table": "clusters", "programme": "arena"}, "funding_per_year",
                                ARENA["figure"], source_name=ARENA["source_name"], year=ARENA["year"]))
    key = "strategy.claim.economics_funded" if verdict == "funded" else "strategy.claim.economics_shortfall"
    claim = Text.of(key, fee=fee, members=n, fees=fees, in_kind=in_kind,
                    cost=cost, coverage=coverage, shortfall=shortfall)
    method = Text.of("strategy.method.economics", hours=hours, rate=settings.rate or 0)
    figures = {"fee": fee, "members": n, "fees": fees, "hours": hours, "rate": settings.rate, "in_kind": in_kind,
               "manager_cost": cost, "coverage": coverage, "shortfall": shortfall}
    return [make("economics", verdict, claim, method, evidence, options, figures)]


RULE = Rule("economics", economics, {"fee": 1000.0, "hours": 5.0, "rate": 100.0, "manager_cost": 100_000.0})
