"""Offers: what an organisation sells, where, when, for how many, at what price."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import Currency, Id, LanguageCode, Model, Months, Name, Text, Trend
from .organisation import MunicipalityCode

OfferKind = Literal["activity", "accommodation", "meal", "transport", "culture", "venue"]
OFFER_KINDS = OfferKind.__args__

#: What a price is for: one guest, a group of ``price_guests``, one night (of a room or bed for
#: ``price_guests``), or a unit such as a cabin week or a room hire (``price_guests`` guests for
#: ``price_nights`` nights).
PriceUnit = Literal["person", "group", "night", "unit"]
PRICE_UNITS = PriceUnit.__args__
#: What a capacity counts: guests a day (activities, culture, venues), beds (accommodation) or
#: seats (meals, transport). Only like is added to like.
CapacityUnit = Literal["beds", "seats", "guests"]
CAPACITY_UNITS = CapacityUnit.__args__
#: The capacity unit of each offer kind.
CAPACITY_UNIT_OF: dict[str, str] = {
    "activity": "guests", "culture": "guests", "venue": "guests",
    "accommodation": "beds", "meal": "seats", "transport": "seats",
}
#: The price unit an offer of each kind has when none is stated (existing offers, old files).
DEFAULT_PRICE_UNIT: dict[str, str] = {
    "activity": "person", "culture": "person", "venue": "unit",
    "accommodation": "night", "meal": "person", "transport": "person",
}


class Money(Model):
    """An amount with its currency and whether VAT is included."""

    amount: Decimal = Field(ge=0, le=10_000_000, max_digits=12, decimal_places=2)
    currency: Currency
    vat_included: bool = True


class Offer(Model):
    """Something an organisation sells."""

    id: Id | None = None
    organisation_id: Id | None = None
    title: Name
    description: Text = ""
    kind: OfferKind
    municipality: MunicipalityCode
    months: Months
    capacity_per_day: int = Field(ge=1, le=100_000)
    price: Money
    #: What the price is for (see :data:`PriceUnit`); filled from the kind when not given.
    price_unit: PriceUnit | None = None
    #: Guests the price covers: 1 per person, the group size, the guests of a room or a unit.
    price_guests: int = Field(default=1, ge=1, le=1000)
    #: Nights the price covers: 1, or e.g. 7 for a cabin week.
    price_nights: int = Field(default=1, ge=1, le=366)
    #: What ``capacity_per_day`` counts; must fit the kind (:data:`CAPACITY_UNIT_OF`).
    capacity_unit: CapacityUnit | None = None
    duration_hours: float = Field(default=2.0, gt=0, le=24 * 21)
    languages: list[LanguageCode] = Field(default_factory=lambda: ["nb"], min_length=1, max_length=13)
    trend: Trend = "stable"

    @field_validator("months")
    @classmethod
    def _some_month(cls, months: list[int]) -> list[int]:
        if not months:
            raise PydanticCustomError("klynge_no_months", "pick at least one month")
        return months

    @model_validator(mode="after")
    def _units(self):
        # Set through __dict__: assigning would validate the model again, from inside its validator.
        if self.price_unit is None:
            self.__dict__["price_unit"] = DEFAULT_PRICE_UNIT[self.kind]
        if self.capacity_unit is None:
            self.__dict__["capacity_unit"] = CAPACITY_UNIT_OF[self.kind]
        elif self.capacity_unit != CAPACITY_UNIT_OF[self.kind]:
            raise PydanticCustomError(
                "klynge_capacity_unit", "a {kind} counts its capacity in {unit}",
                {"kind": self.kind, "unit": CAPACITY_UNIT_OF[self.kind]},
            )
        if self.price_unit == "person" and self.price_guests != 1:
            raise PydanticCustomError("klynge_price_guests", "a price per person covers one guest")
        return self
