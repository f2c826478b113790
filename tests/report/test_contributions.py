"""The accounting export and the co-funding report, as CSV and as an XLSX workbook opened with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl

from klynge.model import ClusterPlan, MobilisationSettings
from klynge.report.contributions import (
    accounting_csv,
    cofunding_csv,
    cofunding_tables,
    fee_table,
    hours_table,
    workbook,
)
from klynge.store import StoredFee, StoredHours

MOMENT = datetime(2026, 11, 30, tzinfo=UTC)
ORGNRS = {1: "974760673", 2: "923609016"}


def _fee(oid: int, name: str, status: str, **dates) -> StoredFee:
    values = {"invoiced_on": None, "paid_on": None, "waived_on": None, **dates}
    return StoredFee(id=oid, organisation_id=oid, organisation=name, orgnr=ORGNRS.get(oid, "5560160680"),
                     kind="company", year=2026, amount=Decimal(9900), currency="NOK", status=status, note="",
                     version=1, updated_at=MOMENT, updated_by="Facilitator", **values)


def _hours(i: int, oid: int, activity: str, day: date, hours: str, source: str = "manual") -> StoredHours:
    return StoredHours(id=i, person_id=oid, person=f"Person {oid}", organisation_id=oid,
                       organisation={1: "Fjellguidene", 2: "=Gardsbutikken"}[oid], activity=activity, day=day,
                       hours=Decimal(hours), note="", source=source, event_id=None, created_at=MOMENT,
                       removed_at=None)


FEES = [_fee(2, "Gardsbutikken", "invoiced", invoiced_on=date(2026, 2, 1)),
        _fee(1, "Fjellguidene", "paid", invoiced_on=date(2026, 2, 1), paid_on=date(2026, 3, 2)),
        _fee(3, "Stugbyn i Åre", "waived", waived_on=date(2026, 2, 5))]
HOURS = [_hours(1, 1, "workshop", date(2026, 9, 14), "3.5"), _hours(2, 1, "course", date(2026, 10, 3), "6"),
         _hours(3, 2, "workshop", date(2026, 10, 14), "2", "attendance"),
         _hours(4, 2, "package", date(2026, 10, 20), "1.25"), _hours(5, 1, "workshop", date(2026, 9, 20), "1.5")]
SETTINGS = MobilisationSettings(hour_rates={"workshop": Decimal(800)})
PLAN = ClusterPlan(rate=Decimal(600))


def test_the_accounting_export_lists_each_fee_with_its_dates():
    table = fee_table(FEES, "en")
    assert table.columns[:3] == ("Organisation", "Organisation number", "Year")
    assert [r[0] for r in table.rows] == ["Fjellguidene", "Gardsbutikken", "Stugbyn i Åre"]
    rows = list(csv.reader(io.StringIO(accounting_csv(FEES, "nb").decode("utf-8-sig"))))
    assert rows[0][:6] == ["Organisasjon", "Organisasjonsnummer", "År", "Beløp", "Valuta", "Status"]
    assert rows[1] == ["Fjellguidene", "974760673", "2026", "9900", "NOK", "betalt", "2026-02-01", "2026-03-02", "", ""]
    assert rows[3][5:9] == ["frafalt", "", "", "2026-02-05"]


def test_the_cofunding_report_sums_hours_and_value_per_organisation_month_and_activity():
    detail, by_org, by_month, by_activity = cofunding_tables(HOURS, SETTINGS, PLAN, ORGNRS, "en")
    # workshop 800 an hour (its own rate), the others the plan's 600
    assert detail.rows[2] == ("Fjellguidene", "974760673", "2026-09", "workshop", Decimal(5), Decimal(4000), "NOK")
    assert by_org.rows == (("=Gardsbutikken", "923609016", Decimal("3.25"), Decimal("2350.00"), "NOK"),
                           ("Fjellguidene", "974760673", Decimal("11"), Decimal("7600.00"), "NOK"))
    assert by_month.rows == (("2026-09", Decimal(5), Decimal(4000), "NOK"),
                             ("2026-10", Decimal("9.25"), Decimal("5950.00"), "NOK"))
    assert [r[0] for r in by_activity.rows] == ["workshop", "course", "package work"]
    rows = list(csv.reader(io.StringIO(cofunding_csv(HOURS, SETTINGS, PLAN, ORGNRS, "sv").decode("utf-8-sig"))))
    assert rows[0] == ["Organisation", "Organisationsnummer", "Månad", "Aktivitet", "Timmar", "Värde", "Valuta"]
    assert rows[1][0] == "'=Gardsbutikken"  # a name never opens as a formula
    assert sum(Decimal(r[5]) for r in rows[1:]) == Decimal("9950.00")


def test_the_workbook_opens_with_every_table_and_the_sums_add_up():
    tables = [fee_table(FEES, "nb"), hours_table(HOURS, SETTINGS, PLAN, ORGNRS, "nb"),
              *cofunding_tables(HOURS, SETTINGS, PLAN, ORGNRS, "nb")]
    book = openpyxl.load_workbook(io.BytesIO(workbook(tables)))
    assert book.sheetnames == ["Kontingent", "Timer", "Egeninnsats", "Per organisasjon", "Per måned", "Per aktivitet"]
    fees = list(book["Kontingent"].iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in fees) == 3 * 9900
    assert fees[0][7] == datetime(2026, 3, 2)  # a date cell, not text
    entries = list(book["Timer"].iter_rows(min_row=2, values_only=True))
    assert sum(r[5] for r in entries) == 14.25 and sum(r[7] for r in entries) == 9950
    assert {r[9] for r in entries} == {"ført", "deltatt på arrangement"}
    detail = list(book["Egeninnsats"].iter_rows(min_row=2, values_only=True))
    per_org = list(book["Per organisasjon"].iter_rows(min_row=2, values_only=True))
    per_month = list(book["Per måned"].iter_rows(min_row=2, values_only=True))
    assert sum(r[4] for r in detail) == sum(r[2] for r in per_org) == sum(r[1] for r in per_month) == 14.25
    assert sum(r[5] for r in detail) == sum(r[3] for r in per_org) == 9950
    assert per_org[0][0] == "'=Gardsbutikken"


def test_an_empty_export_still_has_its_headings():
    book = openpyxl.load_workbook(io.BytesIO(workbook([fee_table([], "en"), *cofunding_tables([], SETTINGS, PLAN,
                                                                                               {}, "en")])))
    assert [book[n].max_row for n in book.sheetnames] == [1, 1, 1, 1, 1]
