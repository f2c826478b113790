"""What the participant's "Hours" step may do: log, list and remove their own in-kind hours.

The page is handed an :class:`HoursService` and never sees the store. The form's values are
checked here (:class:`~klynge.model.HoursEntry` through :func:`klynge.validation.explain`), and
the store's refusal of a day that would pass 24 hours is told beside the hours field, so each
problem is a message beside its field in the participant's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pydantic

from ..errors import FormProblems, Refused
from ..i18n import t
from ..model import HoursEntry
from ..model.contribution import hours_value
from ..store import Identity, Store, StoredHours
from ..validation import explain
from .contributions_service import refusal
from .profile_service import parse_amount

__all__ = ["FIELDS", "HoursService", "MyHours", "parse_entry"]

#: The form's fields, in order.
FIELDS = ("day", "activity", "hours", "note")


def parse_entry(values: Mapping, lang: str = "nb") -> HoursEntry:
    """An entry from the form (``day`` a date, the others texts), or FormProblems beside each field."""
    problems: list[tuple[str, str, str]] = []
    text = str(values.get("hours", "") or "").strip()
    hours = parse_amount(text) if text else None
    if hours is None:
        problems.append(("hours", t("field.hours", lang), t("hours.not_number" if text else "error.missing", lang)))
    if not isinstance(values.get("day"), date):
        problems.append(("day", t("field.day", lang), t("hours.pick_day", lang)))
    if problems:
        raise FormProblems(problems)
    try:
        return HoursEntry(day=values["day"], activity=values.get("activity") or "", hours=hours,
                          note=str(values.get("note", "") or ""))
    except pydantic.ValidationError as exc:
        for error, (label, message) in zip(exc.errors(), explain(exc, lang).problems):
            field = next((p for p in error["loc"] if p in FIELDS), "hours")
            problems.append((field, label, message))
        raise FormProblems(problems) from None


@dataclass(frozen=True)
class MyHours:
    """The participant's own entries, each with its value, and the totals."""

    entries: list[tuple[StoredHours, Decimal]]
    hours: Decimal
    value: Decimal
    currency: str


class HoursService:
    """The signed-in participant's own in-kind hours (the store decides who may)."""

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    def mine(self) -> MyHours:
        """My live entries, newest day first, valued at the cluster's rate of each activity."""
        store, who = self._store, self._who
        settings, plan = store.mobilisation_settings(who), store.cluster_plan(who).value
        entries = [(h, hours_value(h.hours, settings.rate_for(h.activity, plan))) for h in store.hours(who)]
        return MyHours(entries, sum((h.hours for h, _ in entries), Decimal(0)),
                       sum((v for _, v in entries), Decimal(0)), settings.currency)

    def log(self, values: Mapping, lang: str = "nb") -> int:
        """Check the form and log the hours; returns the entry's id.

        Raises
        ------
        FormProblems
            A field is not acceptable, or the day would pass 24 hours (beside the hours field).
        AccessDenied
            The caller may not log hours here.
        """
        entry = parse_entry(values, lang)
        try:
            return self._store.log_hours(self._who, entry)
        except Refused as exc:
            field = exc.field if exc.field in FIELDS else "hours"
            raise FormProblems([(field, t(f"field.{field}", lang), refusal(exc, lang))]) from None

    def remove(self, hours_id: int) -> None:
        """Remove one of my entries (kept in the store, marked removed)."""
        self._store.remove_hours(self._who, hours_id)
