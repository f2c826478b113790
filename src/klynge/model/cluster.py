"""The cluster, its sub-clusters (themes such as food, winter, pilgrim paths) and its plan."""

from __future__ import annotations

import math
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Name, Slug, Text
from .organisation import MunicipalityCode


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

#: The category each kind of organisation counts in; kinds not named count in none (civil
#: society, landowners, customers: members, but outside the target mix).
CATEGORY_OF = MappingProxyType({
    "company": "companies", "destination_company": "companies", "tour_operator": "companies",
    "supplier": "companies", "consultant": "companies",
    "public_support": "public_support",
    "academia": "research",
    "bank": "finance", "insurer": "finance", "investor_network": "finance",
})


def category_of(kind: str) -> str:
    """The category a kind of organisation counts in, or ``other``."""
    return CATEGORY_OF.get(kind, "other")


def needed(count: int, total: int, target: float) -> int:
    """How many members of a category bring its share from ``count`` of ``total`` up to ``target``."""
    if target >= 1:
        return 0 if count == total else 1
    return max(0, math.ceil(round((target * total - count) / (1 - target), 9)))


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
    #: The municipalities (codes) the cluster wants a member in; the funnel shows those still without one.
    target_municipalities: list[MunicipalityCode] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _mix(self):
        if any(not 0 <= v <= 1 for v in self.target_mix.values()):
            raise PydanticCustomError("klynge_mix_share", "a share is from 0 to 100 %")
        if sum(self.target_mix.values()) > 1:
            raise PydanticCustomError("klynge_mix_sum", "the target shares add up to more than 100 %")
        return self
