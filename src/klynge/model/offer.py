"""Offers: what an organisation sells, where, when, for how many, at what price."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .base import Currency, Id, LanguageCode, Model, Months, Name, Text, Trend
from .organisation import MunicipalityCode

OfferKind = Literal["activity", "accommodation", "meal", "transport", "culture", "venue"]
OFFER_KINDS = OfferKind.__args__


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
    duration_hours: float = Field(default=2.0, gt=0, le=24 * 21)
    languages: list[LanguageCode] = Field(default_factory=lambda: ["nb"], min_length=1, max_length=13)
    trend: Trend = "stable"

    @field_validator("months")
    @classmethod
    def _some_month(cls, months: list[int]) -> list[int]:
        if not months:
            raise PydanticCustomError("klynge_no_months", "pick at least one month")
        return months
