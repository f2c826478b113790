"""The cluster's strategy as data: findings with evidence, assumptions, options and a consequence for each member.

Pure functions over what members share with the cluster (no I/O, no rendering). The members
decide; a report renders the findings, it never computes them.

- :mod:`klynge.strategy.finding`: a finding (claim, method, evidence, assumptions,
  confidence, options) and its deterministic JSON; :func:`check_evidence` for rows gone stale.
- :mod:`klynge.strategy.inputs`: :class:`StrategyInput` (built by :func:`strategy_input`
  from the batch's data) and :class:`StrategySettings` (thresholds, target mix, economics).
- :mod:`klynge.strategy.rules`: how a rule runs and how its assumptions get their sensitivity.
- The rules: :mod:`~klynge.strategy.seasons` (low-season gaps),
  :mod:`~klynge.strategy.chains` (value chains, missing links), :mod:`~klynge.strategy.goals`
  (SDG profile, unaddressed short-list targets), :mod:`~klynge.strategy.themes`
  (sub-clusters, members in none), :mod:`~klynge.strategy.mobilisation`,
  :mod:`~klynge.strategy.economics` and :mod:`~klynge.strategy.questions` (open questions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import chains, economics, goals, mobilisation, questions, seasons, themes
from .finding import Consequence, Evidence, Finding, Option, Text, check_evidence, dumps
from .inputs import (
    MemberInput,
    PackageInput,
    StrategyInput,
    StrategySettings,
    existing_ids,
    member_input,
    strategy_input,
)
from .rules import Rule, run

__all__ = [
    "KINDS",
    "RULES",
    "Consequence",
    "Evidence",
    "Finding",
    "MemberConsequence",
    "MemberInput",
    "Option",
    "PackageInput",
    "Rule",
    "StrategyInput",
    "StrategySettings",
    "Text",
    "check_evidence",
    "consequences_for",
    "existing_ids",
    "findings",
    "findings_json",
    "member_input",
    "strategy_input",
]

#: Every rule, in the order reports list their findings.
RULES: tuple[Rule, ...] = (
    seasons.RULE, chains.RULE, chains.RULE_MISSING, goals.RULE, goals.RULE_SHORTLIST, themes.RULE,
    themes.RULE_NONE, mobilisation.RULE, economics.RULE, questions.RULE,
)
#: The kinds of finding, in the order reports list them.
KINDS = ("low_season_gap", "value_chain", "missing_link", "sdg_good", "sdg_conflict", "sdg_harm", "sdg_unaddressed",
         "subcluster", "subcluster_none", "mobilisation", "economics", "open_question")


def _order(f: Finding) -> tuple:
    subject = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in f.subject.split(":"))
    return KINDS.index(f.kind), subject


def findings(data: StrategyInput, settings: StrategySettings | None = None,
             rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every finding the data supports, in a stable order (kind, then subject).

    Parameters
    ----------
    data
        The cluster as :func:`strategy_input` builds it.
    settings
        Thresholds, target mix and economics figures (the defaults when None).
    rules
        The rules to run (all by default).
    """
    settings = settings or StrategySettings()
    found = [f for rule in rules for f in run(rule, data, settings)]
    return sorted(found, key=_order)


def findings_json(found: Iterable[Finding], fingerprint: str | None = None) -> str:
    """The findings as one JSON document: the same findings give the same bytes."""
    return dumps({"schema": 1, "fingerprint": fingerprint, "findings": [f.as_dict() for f in found]}) + "\n"


@dataclass(frozen=True)
class MemberConsequence:
    """What one option of one finding means for one member."""

    finding: str
    kind: str
    claim: Text
    option: str
    option_text: Text
    consequence: Consequence

    def as_dict(self) -> dict:
        return {"finding": self.finding, "kind": self.kind, "claim": self.claim.as_dict(), "option": self.option,
                "option_text": self.option_text.as_dict(), "consequence": self.consequence.as_dict()}


def consequences_for(found: Iterable[Finding], organisation_id: int) -> list[MemberConsequence]:
    """What the options mean for one member: each consequence for it, in the findings' order."""
    out = []
    for f in found:
        for option in f.options:
            for c in option.consequences:
                if c.member == organisation_id:
                    out.append(MemberConsequence(f.id, f.kind, f.claim, option.id, option.text, c))
    return out
