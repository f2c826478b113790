"""Open questions: what the data cannot say, and what would answer it.

Each is a finding of kind ``open_question``: its claim says what cannot be known, its option
says what would answer it and who would act. Asked when a member shares no business-model
notes (the value chains cannot place it), has no offers (the low season cannot count it),
shares no SDG assessment (the SDG profile leaves it out), lies where there is no seasonality
data (the default low season stands in), or when the economics figures are missing.
"""

from __future__ import annotations

from collections.abc import Callable

from .finding import Consequence, Finding, Option, Text, make
from .inputs import MemberInput, StrategyInput, StrategySettings
from .rules import Rule, member_row

__all__ = ["RULE", "open_questions"]

#: Per question about members: who it concerns.
_MEMBER_QUESTIONS: dict[str, Callable[[MemberInput], bool]] = {
    "no_shared_notes": lambda m: not any(t == "business_model" for t, _ in m.notes),
    "no_offers": lambda m: not m.offers,
    "no_sdg": lambda m: not m.sdg,
    "no_seasonality": lambda m: m.area is None,
}
#: Per question: the keys of its claim, method, option (what would answer it) and consequence.
_KEYS = {
    "no_shared_notes": ("strategy.claim.question_no_shared_notes", "strategy.method.question_no_shared_notes",
                        "strategy.option.answer_no_shared_notes", "strategy.consequence.answer_no_shared_notes"),
    "no_offers": ("strategy.claim.question_no_offers", "strategy.method.question_no_offers",
                  "strategy.option.answer_no_offers", "strategy.consequence.answer_no_offers"),
    "no_sdg": ("strategy.claim.question_no_sdg", "strategy.method.question_no_sdg",
               "strategy.option.answer_no_sdg", "strategy.consequence.answer_no_sdg"),
    "no_seasonality": ("strategy.claim.question_no_seasonality", "strategy.method.question_no_seasonality",
                       "strategy.option.answer_no_seasonality", "strategy.consequence.answer_no_seasonality"),
}


def _member_question(data: StrategyInput, subject: str, members: list[MemberInput]) -> Finding:
    claim_key, method_key, option_key, consequence_key = _KEYS[subject]
    option = Option("answer", Text.of(option_key), tuple(Consequence(m.id, Text.of(consequence_key))
                                                         for m in members))
    claim = Text.of(claim_key, members=len(members), names=[m.name for m in members])
    return make("open_question", subject, claim, Text.of(method_key), [member_row(m, subject, 1) for m in members],
                [option], {"members": [m.id for m in members]})


def open_questions(data: StrategyInput, settings: StrategySettings) -> list[Finding]:
    """The questions the data leaves open; [] when it answers them all."""
    found = []
    for subject, concerns in _MEMBER_QUESTIONS.items():
        members = [m for m in data.members if concerns(m)]
        if members:
            found.append(_member_question(data, subject, members))
    missing = [name for name in ("fee", "manager_cost") if getattr(settings, name) in (None, 0)]
    if missing and data.members:
        option = Option("answer", Text.of("strategy.option.answer_economics"))
        claim = Text.of("strategy.claim.question_economics", figures=missing)
        found.append(make("open_question", "economics", claim, Text.of("strategy.method.question_economics"),
                          [], [option], {"missing": missing}))
    return found


RULE = Rule("open_question", open_questions, {})
