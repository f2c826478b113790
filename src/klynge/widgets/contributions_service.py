"""What the facilitator's "Fees & hours" page may do: the mobilisation settings, the fees, the hours and the exports.

The page is handed a :class:`ContributionsService` and never sees the store. The settings form's
texts are checked here, each problem a message beside its field in the reader's language; a
fee's mark and the store's refusals (:class:`~klynge.errors.Refused`) are told in the same way
(:func:`refusal`). The exports are :mod:`klynge.report.contributions`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pydantic

from ..errors import FormProblems, Refused
from ..formatting import number
from ..i18n import t
from ..model import ACTIVITIES, ORGANISATION_KINDS, ClusterPlan, MobilisationSettings
from ..model.contribution import hours_value, today
from ..report import contributions as export
from ..store import Identity, Store, StoredFee, Versioned
from ..validation import explain
from .export_service import ExportFile
from .profile_service import parse_amount

__all__ = ["ContributionsService", "ExportFile", "FeeRow", "HoursTotal", "form_values", "parse_settings",
           "refusal", "settings_fields"]

#: The settings form's fields besides the fee of each kind (``fee_<kind>``) and the rate of each activity.
PLAIN = ("currency", "reminder_days", "stopped_weeks")
#: The exports a facilitator downloads.
EXPORTS = ("fees_csv", "cofunding_csv", "xlsx")


def settings_fields() -> tuple[str, ...]:
    """Every field of the settings form, in order."""
    return (*PLAIN, *(f"fee_{k}" for k in ORGANISATION_KINDS), *(f"rate_{a}" for a in ACTIVITIES))


def refusal(exc: Refused, lang: str) -> str:
    """A store's refusal in ``lang``: its catalogue message, numbers and kinds in the reader's words."""
    values = {}
    for name, value in exc.values.items():
        if isinstance(value, Decimal):
            value = number(value, lang, 2)
        elif name == "kind":
            value = t(f"kind.{value}", lang)
        values[name] = value
    return t(exc.key, lang, **values)


def _label(field: str, lang: str) -> str:
    if field.startswith("fee_"):
        return t(f"kind.{field.removeprefix('fee_')}", lang)
    if field.startswith("rate_"):
        return t(f"hours.activity.{field.removeprefix('rate_')}", lang)
    return t(f"field.{field}", lang)


def parse_settings(values: Mapping[str, str], lang: str = "nb") -> MobilisationSettings:
    """The settings from the form's texts (an empty fee or rate: the plan's), or
    :class:`~klynge.errors.FormProblems` with a message beside each field that is wrong."""
    problems: list[tuple[str, str, str]] = []
    numbers: dict[str, Decimal | None] = {}
    for field in settings_fields()[1:]:
        text = str(values.get(field, "") or "").strip()
        value = parse_amount(text) if text else None
        if text and value is None:
            problems.append((field, _label(field, lang), t("contrib.not_number", lang)))
        numbers[field] = value
    for field in PLAIN[1:]:
        if field not in [p[0] for p in problems] and numbers[field] is None:
            problems.append((field, _label(field, lang), t("error.missing", lang)))
    if problems:
        raise FormProblems(problems)
    data = {"currency": values.get("currency") or "NOK",
            "reminder_days": numbers["reminder_days"], "stopped_weeks": numbers["stopped_weeks"],
            "fees_by_kind": {k: numbers[f"fee_{k}"] for k in ORGANISATION_KINDS if numbers[f"fee_{k}"] is not None},
            "hour_rates": {a: numbers[f"rate_{a}"] for a in ACTIVITIES if numbers[f"rate_{a}"] is not None}}
    try:
        return MobilisationSettings.model_validate(data)
    except pydantic.ValidationError as exc:
        for error, (_given, message) in zip(exc.errors(), explain(exc, lang).problems):
            loc = [str(p) for p in error["loc"]]
            field = {"fees_by_kind": "fee_", "hour_rates": "rate_"}.get(loc[0], "") + loc[-1] if loc else "currency"
            problems.append((field, _label(field, lang), message))
        raise FormProblems(problems) from None


def form_values(settings: MobilisationSettings) -> dict[str, str]:
    """The form's texts for ``settings`` (the inverse of :func:`parse_settings`)."""
    def text(value: Decimal | None) -> str:
        return "" if value is None else format(value.normalize(), "f")

    values = {"currency": settings.currency, "reminder_days": str(settings.reminder_days),
              "stopped_weeks": str(settings.stopped_weeks)}
    values.update({f"fee_{k}": text(settings.fees_by_kind.get(k)) for k in ORGANISATION_KINDS})
    values.update({f"rate_{a}": text(settings.hour_rates.get(a)) for a in ACTIVITIES})
    return values


@dataclass(frozen=True)
class FeeRow:
    """One organisation's fee for a year: the stored fee, or what it will be when invoiced."""

    organisation_id: int
    organisation: str
    orgnr: str
    kind: str
    amount: Decimal | None
    currency: str
    fee: StoredFee | None

    @property
    def status(self) -> str:
        return self.fee.status if self.fee is not None else "none"

    @property
    def version(self) -> int:
        return self.fee.version if self.fee is not None else 0


@dataclass(frozen=True)
class HoursTotal:
    """The in-kind hours of one organisation in one month, and their value."""

    organisation: str
    month: str
    hours: Decimal
    value: Decimal


class ContributionsService:
    """The cluster's fees and in-kind hours, for a facilitator (the store decides who may)."""

    def __init__(self, store: Store, who: Identity):
        self._store, self._who = store, who

    # -- settings ---------------------------------------------------------------------------
    def settings(self) -> Versioned[MobilisationSettings]:
        return self._store.mobilisation_settings_versioned(self._who)

    def plan(self) -> ClusterPlan:
        """The cluster's plan: its fee and rate stand in for a kind or activity without its own."""
        return self._store.cluster_plan(self._who).value

    def save_settings(self, values: Mapping[str, str], base_version: int | None, lang: str = "nb") -> int:
        """Check the form's texts and save them; returns the new version (FormProblems, Conflict, AccessDenied)."""
        return self._store.save_mobilisation_settings(self._who, parse_settings(values, lang), base_version)

    # -- fees -------------------------------------------------------------------------------
    def fee_rows(self, year: int) -> list[FeeRow]:
        """Every organisation of the cluster with its fee for ``year``, by name."""
        settings, plan = self._store.mobilisation_settings(self._who), self.plan()
        stored = {f.organisation_id: f for f in self._store.fees(self._who, year=year)}
        rows = []
        for org in self._store.organisations(self._who):
            fee = stored.get(org.id)
            amount = fee.amount if fee is not None else settings.fee_for(org.kind, plan)
            rows.append(FeeRow(org.id, org.name, org.orgnr, org.kind, amount,
                               fee.currency if fee is not None else settings.currency, fee))
        return rows

    def mark(self, organisation_id: int, year: int, status: str, on: date, base_version: int | None = None,
             note: str | None = None) -> StoredFee:
        """Mark a fee invoiced, paid or waived (Refused, Conflict, AccessDenied as the store raises)."""
        return self._store.mark_fee(self._who, organisation_id, year, status, on, base_version=base_version,
                                    note=note)

    # -- hours ------------------------------------------------------------------------------
    def hours_totals(self) -> list[HoursTotal]:
        """The cluster's live hours and their value per organisation and month, by organisation then month."""
        settings, plan = self._store.mobilisation_settings(self._who), self.plan()
        sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for h in self._store.hours(self._who):
            cell = sums[(h.organisation, h.day.strftime("%Y-%m"))]
            cell[0] += h.hours
            cell[1] += hours_value(h.hours, settings.rate_for(h.activity, plan))
        return [HoursTotal(o, m, hs, v) for (o, m), (hs, v) in sorted(sums.items(), key=lambda kv: (
            kv[0][0].casefold(), kv[0][1]))]

    def currency(self) -> str:
        return self._store.mobilisation_settings(self._who).currency

    # -- exports ----------------------------------------------------------------------------
    def export(self, kind: str, lang: str) -> ExportFile:
        """One of :data:`EXPORTS` in ``lang``: the fees as CSV, the co-funding report as CSV, or both as XLSX."""
        store, who = self._store, self._who
        stamp = today().isoformat()
        fees = store.fees(who)
        if kind == "fees_csv":
            return ExportFile(f"klynge-fees-{stamp}.csv", export.accounting_csv(fees, lang), "text/csv")
        settings, plan = store.mobilisation_settings(who), self.plan()
        hours = store.hours(who)
        orgnrs = {o.id: o.orgnr for o in store.organisations(who)}
        if kind == "cofunding_csv":
            return ExportFile(f"klynge-cofunding-{stamp}.csv",
                              export.cofunding_csv(hours, settings, plan, orgnrs, lang), "text/csv")
        if kind == "xlsx":
            tables = [export.fee_table(fees, lang), export.hours_table(hours, settings, plan, orgnrs, lang),
                      *export.cofunding_tables(hours, settings, plan, orgnrs, lang)]
            return ExportFile(f"klynge-fees-hours-{stamp}.xlsx", export.workbook(tables), export.XLSX_MIME)
        raise ValueError(f"unknown export {kind!r}")
