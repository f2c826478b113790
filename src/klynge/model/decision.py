"""Decisions the members take on the options a finding opens: chosen, amended or rejected, with the reasoning.

A decision names a finding and one of its options by their stable string ids, so it does not
depend on the code that makes findings: when a rerun of the batch no longer makes a finding,
the decision stays, and :func:`orphaned` names it for the report and the facilitator. The
software never decides; a decision is what the members said, by whom and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Name, Text, _no_control

__all__ = ["OUTCOMES", "Decision", "orphaned"]

#: What the members did with an option.
Outcome = Literal["chosen", "amended", "rejected"]
OUTCOMES = Outcome.__args__

#: A finding's or an option's stable id, as the strategy pass writes it.
Ref = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_no_control)]
#: Who decided: a person's id (kept when the person is erased), or a name or organisation as typed.
Decider = Id | Name


class Decision(Model):
    """The members' decision on one option of one finding."""

    finding_id: Ref
    option_id: Ref
    outcome: Outcome
    #: What the members changed in the option; required when ``outcome`` is amended.
    amendment: Text = ""
    #: Why they decided so: the report shows it beside the finding.
    reasoning: Annotated[Text, Field(min_length=1)]
    decided_by: list[Decider] = Field(min_length=1, max_length=200)
    decided_on: date

    @model_validator(mode="after")
    def _amendment(self):
        if self.outcome == "amended" and not self.amendment:
            raise PydanticCustomError("klynge_amendment_missing", "say how the option was amended")
        return self


D = TypeVar("D")


def orphaned(decisions: Iterable[D], finding_ids: Iterable[str]) -> list[D]:
    """The decisions whose finding is not among ``finding_ids`` (it was not made again), in their order.

    Parameters
    ----------
    decisions
        :class:`Decision` objects, or anything holding one as ``.decision`` (a stored decision).
    finding_ids
        The ids of the findings the latest run made.

    Such decisions are kept, never dropped: the report lists them as decisions on a finding
    that no longer exists.
    """
    known = set(finding_ids)
    return [d for d in decisions if getattr(d, "decision", d).finding_id not in known]
