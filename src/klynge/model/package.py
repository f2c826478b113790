"""Packages: offers of several organisations combined into one low-season product.

A package is a revisioned document owned by the organisation that composes it. Each other
supplier in it answers (:class:`PackageAnswer`, a document of the supplier's own) before the
package counts as agreed. :class:`PackageSettings` are the cluster's rules a facilitator sets:
the currency prices are shown in, the exchange rates, and the limits suggestions obey.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .base import Currency, Id, Model, Months, Name, Slug, Text, Visibility

#: The sub-cluster themes a package can have ("" for none yet).
Theme = Literal["", "nature", "culture", "food", "winter", "pilgrim"]
THEMES = Theme.__args__[1:]
#: How guests travel to a part from the part before it (the modes of ``co2_factors.csv``).
TravelMode = Literal["car", "bus", "coach", "rail", "electric_rail_nordic", "ferry", "domestic_flight",
                     "walk_bike"]
TRAVEL_MODES = TravelMode.__args__
#: How a supplier is paid: the seller keeps a commission of the supplier's price, or adds a
#: margin on the supplier's net rate.
MarginKind = Literal["commission", "net"]


class PackageComponent(Model):
    """One offer inside a package, on a given day of the trip; the list's order is the parts' order."""

    offer_id: Id
    organisation_id: Id
    day: int = Field(default=1, ge=1, le=30)
    note: Text = ""
    #: How guests reach this part from the one before (ignored for the first part).
    mode: TravelMode = "car"
    #: The seller's commission on, or margin over, this supplier's price, in per cent.
    margin_kind: MarginKind = "commission"
    margin_percent: Decimal = Field(default=Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)


class Package(Model):
    """A product made of offers of several organisations; ``ready`` ones must span two or more."""

    title: Name
    description: Text = ""
    components: list[PackageComponent] = Field(default_factory=list, max_length=40)
    months: Months = Field(default_factory=list)
    target_segment: Text = ""
    theme: Theme = ""
    #: The trip's length in days; when not given, the last part's day.
    days: int | None = Field(default=None, ge=1, le=30)
    #: The party the price per guest is worked out for (group and room prices are shared).
    guests: int = Field(default=2, ge=1, le=500)
    #: Where guests come from and how, for the trip to the region and home ("" when unknown).
    arrival_from: Text = ""
    arrival_mode: TravelMode = "rail"
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
        if self.days is None:  # set through __dict__: assigning would run this validator again
            self.__dict__["days"] = max((c.day for c in self.components), default=1)
        elif any(c.day > self.days for c in self.components):
            raise PydanticCustomError("klynge_package_day", "a part is on a day after the package ends")
        return self

    def suppliers(self) -> list[int]:
        """The organisations with a part in the package, in the parts' order."""
        return list(dict.fromkeys(c.organisation_id for c in self.components))

    def items(self) -> dict[str, object]:
        """Fields keyed by name: a package merges field by field."""
        return self.model_dump(mode="json")

    @classmethod
    def from_items(cls, items: dict) -> Package:
        return cls.model_validate(items)


class PackageAnswer(Model):
    """A supplier's answer to taking part in a package: accepted, or withdrawn with a reason.

    It names the package's owner and document name and the package revision it answers; an
    answer to an older revision still counts, and the studio shows what changed since.
    """

    owner_id: Id
    package: Slug
    state: Literal["accepted", "withdrawn"]
    reason: Text = ""
    revision: int = Field(ge=1)

    @model_validator(mode="after")
    def _withdrawal_has_reason(self):
        if self.state == "withdrawn" and not self.reason.strip():
            raise PydanticCustomError("klynge_withdraw_reason", "say why you withdraw")
        return self


class PackageSettings(Model):
    """The cluster's package rules, set by a facilitator."""

    #: The currency package prices are shown in.
    currency: Currency = "NOK"
    #: Value of one unit of another currency in ``currency`` (e.g. ``{"SEK": "0.97"}``).
    rates: dict[Currency, Decimal] = Field(default_factory=dict)
    #: The longest leg between two parts suggestions allow, in minutes.
    max_leg_minutes: int = Field(default=60, ge=5, le=600)
    #: The price range per guest suggestions keep to, in ``currency`` (None: no bound).
    price_min: Decimal | None = Field(default=None, ge=0)
    price_max: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _range(self):
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise PydanticCustomError("klynge_price_range", "the lowest price is above the highest")
        if any(rate <= 0 for rate in self.rates.values()):
            raise PydanticCustomError("klynge_rate", "an exchange rate must be above zero")
        return self
