"""The cluster, its sub-clusters (themes such as food, winter, pilgrim paths) and its plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Name, Slug, Text


class SubCluster(Model):
    """A theme inside the cluster; an organisation can belong to several."""

    slug: Slug
    name: Name
    description: Text = ""


class Cluster(Model):
    """The network of organisations that co-create."""

    id: Id | None = None
    name: Name
    description: Text = ""
    subclusters: list[SubCluster] = Field(default_factory=list, max_length=50)


#: The kinds of member of the triple helix and finance, in the order reports list them.
Category = Literal["companies", "public_support", "research", "finance"]
CATEGORIES = Category.__args__
#: The default target mix: the least share of the members each category should have.
DEFAULT_MIX = {"companies": Decimal("0.5"), "public_support": Decimal("0.1"), "research": Decimal("0.05"),
               "finance": Decimal("0.05")}

_Money = Field(default=None, ge=0, le=100_000_000, max_digits=12, decimal_places=2)


class ClusterPlan(Model):
    """What a facilitator sets for the strategy's findings: the target mix and the economics figures.

    The figures are the cluster's own (NOK a year); a missing one leaves the economics an open question.
    """

    #: The least share of the members each category should have.
    target_mix: dict[Category, Decimal] = Field(default_factory=lambda: dict(DEFAULT_MIX))
    #: The yearly fee per member organisation.
    fee: Decimal | None = Field(default=Decimal(9900), ge=0, le=10_000_000, max_digits=12, decimal_places=2)
    #: In-kind hours each member gives a year, and what an hour is worth.
    hours: Decimal | None = Field(default=None, ge=0, le=10_000, max_digits=8, decimal_places=1)
    rate: Decimal | None = Field(default=None, ge=0, le=100_000, max_digits=10, decimal_places=2)
    #: What a cluster manager costs a year (salary, overheads, travel).
    manager_cost: Decimal | None = _Money

    @model_validator(mode="after")
    def _mix(self):
        if any(not 0 <= v <= 1 for v in self.target_mix.values()):
            raise PydanticCustomError("klynge_mix_share", "a share is from 0 to 100 %")
        if sum(self.target_mix.values()) > 1:
            raise PydanticCustomError("klynge_mix_sum", "the target shares add up to more than 100 %")
        return self
