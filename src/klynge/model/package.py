"""Packages: offers of several organisations combined into one low-season product."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Id, Model, Months, Name, Text, Visibility


class PackageComponent(Model):
    """One offer inside a package, on a given day of the trip."""

    offer_id: Id
    organisation_id: Id
    day: int = Field(default=1, ge=1, le=30)
    note: Text = ""


class Package(Model):
    """A product made of offers of several organisations; ``ready`` ones must span two or more."""

    title: Name
    description: Text = ""
    components: list[PackageComponent] = Field(default_factory=list, max_length=40)
    months: Months = Field(default_factory=list)
    target_segment: Text = ""
    status: Literal["draft", "ready"] = "draft"
    visibility: Visibility = "cluster"

    @model_validator(mode="after")
    def _ready_is_joint(self):
        if self.status == "ready":
            if len({c.organisation_id for c in self.components}) < 2:
                raise PydanticCustomError(
                    "klynge_package_joint", "a finished package combines offers of at least two organisations"
                )
            if not self.months:
                raise PydanticCustomError("klynge_no_months", "pick at least one month")
        return self

    def items(self) -> dict[str, object]:
        """Fields keyed by name: a package merges field by field."""
        return self.model_dump(mode="json")

    @classmethod
    def from_items(cls, items: dict) -> Package:
        return cls.model_validate(items)
