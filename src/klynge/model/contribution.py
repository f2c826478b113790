"""What members bring besides their offers: the yearly fee and the in-kind hours, and the settings of both.

The cluster's plan (:class:`~klynge.model.ClusterPlan`) already holds the fee and the value of an
in-kind hour the strategy's economics weigh; :class:`MobilisationSettings` holds what the plan
lacks: the currency, a fee per kind of organisation, a value per activity, and the days and weeks
the invitations' reminders and the follow-up list count. A kind without a fee of its own pays the
plan's fee; an activity without a rate of its own is worth the plan's rate (:meth:`fee_for`,
:meth:`rate_for`), so each figure has one place where it is set.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from .base import Currency, Id, Model, OrganisationKind, Text
from .cluster import ClusterPlan

__all__ = ["ACTIVITIES", "FEE_STATUSES", "HOURS_A_DAY", "Activity", "FeeStatus", "HoursEntry",
           "MobilisationSettings", "hours_value", "today"]

#: What an in-kind hour was spent on.
Activity = Literal["workshop", "course", "package", "meeting", "other"]
ACTIVITIES = Activity.__args__
#: Where an organisation's fee for a year stands.
FeeStatus = Literal["invoiced", "paid", "waived"]
FEE_STATUSES = FeeStatus.__args__
#: The most hours one person can give in one day.
HOURS_A_DAY = Decimal(24)

#: The clusters are in Norway and Sweden: "today" and "in the future" are their calendar's.
_ZONE = ZoneInfo("Europe/Oslo")

Amount = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=12, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=10, decimal_places=2)]


def today() -> date:
    """Today's date where the clusters are."""
    return datetime.now(_ZONE).date()


class MobilisationSettings(Model):
    """The cluster's fees, the value of in-kind hours, and the timing of reminders and follow-up."""

    currency: Currency = "NOK"
    #: The yearly fee of a kind of organisation that does not pay the plan's fee.
    fees_by_kind: dict[OrganisationKind, Amount] = Field(default_factory=dict)
    #: What an in-kind hour of an activity is worth, where it differs from the plan's rate.
    hour_rates: dict[Activity, Rate] = Field(default_factory=dict)
    #: Days after an invitation (and after its first reminder) before a reminder is sent.
    reminder_days: int = Field(default=7, ge=1, le=60)
    #: A member with no change in this many weeks counts as stopped.
    stopped_weeks: int = Field(default=6, ge=1, le=104)

    def fee_for(self, kind: str, plan: ClusterPlan) -> Decimal | None:
        """The yearly fee of an organisation of ``kind``: its kind's own, else the plan's (None: none set)."""
        return self.fees_by_kind.get(kind, plan.fee)

    def rate_for(self, activity: str, plan: ClusterPlan) -> Decimal | None:
        """What an hour of ``activity`` is worth: the activity's own rate, else the plan's (None: none set)."""
        return self.hour_rates.get(activity, plan.rate)


def hours_value(hours: Decimal, rate: Decimal | None) -> Decimal:
    """The value of ``hours`` at ``rate``, to the øre (0 without a rate)."""
    return (hours * rate).quantize(Decimal("0.01")) if rate is not None else Decimal("0.00")


class HoursEntry(Model):
    """In-kind hours one person gave on one day to one activity.

    ``person_id`` and ``organisation_id`` may be left out when a participant logs their own hours:
    the store fills in the caller and their organisation. That no more than 24 hours are logged for
    a person on one day, counting what is logged already, is the store's check.
    """

    person_id: Id | None = None
    organisation_id: Id | None = None
    activity: Activity
    day: date
    hours: Decimal = Field(max_digits=4, decimal_places=2)
    note: Text = ""

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise PydanticCustomError("klynge_hours_not_number", "must be a number of hours")
        if value < 0:
            raise PydanticCustomError("klynge_hours_negative", "hours cannot be negative")
        if value == 0:
            raise PydanticCustomError("klynge_hours_zero", "log at least a quarter of an hour")
        if value > HOURS_A_DAY:
            raise PydanticCustomError("klynge_hours_over_day", "a day has at most 24 hours")
        return value

    @field_validator("day")
    @classmethod
    def _day(cls, value: date) -> date:
        if value > today():
            raise PydanticCustomError("klynge_day_future", "the day is in the future; log hours once they are given")
        if value.year < 2000:
            raise PydanticCustomError("klynge_day_too_old", "the day is too long ago")
        return value
