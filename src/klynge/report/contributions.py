"""The fees and in-kind hours as files: the accounting export and the co-funding report, as CSV and XLSX.

- The **accounting export** lists each organisation's fee for a year: organisation, organisation
  number, year, amount, currency, status and the days it was invoiced, paid or waived.
- The **co-funding report** sums the in-kind hours and their value (hours × the rate of the
  activity, :meth:`~klynge.model.contribution.MobilisationSettings.rate_for`) per organisation,
  month and activity, with totals per organisation, per month and per activity.

The CSV files are UTF-8 with a byte order mark (Excel reads the letters right) and a comma
between cells; numbers use a full stop and dates are ISO, for accounting systems to read. The
XLSX workbook holds every table on a sheet of its own, numbers as numbers. Headings are in the
reader's language. Every text cell goes through :func:`klynge.cells.spreadsheet_text`, so a name
never opens as a formula. Pure: the rows come in, bytes go out.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..cells import spreadsheet_text
from ..i18n import t
from ..model import ClusterPlan
from ..model.contribution import ACTIVITIES, MobilisationSettings, hours_value

__all__ = ["Table", "accounting_csv", "cofunding_csv", "cofunding_tables", "fee_table", "hours_table",
           "workbook"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """One table of an export: a sheet name, the column headings and the rows (values as they are)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def fee_table(fees: Iterable, lang: str) -> Table:
    """The accounting export: one row per fee (:class:`~klynge.store.StoredFee`), by year and organisation."""
    columns = tuple(t(f"export.fees.{c}", lang) for c in (
        "organisation", "orgnr", "year", "amount", "currency", "status", "invoiced_on", "paid_on", "waived_on", "note"))
    rows = tuple((f.organisation, f.orgnr, f.year, f.amount, f.currency, t(f"fees.status.{f.status}", lang),
                  f.invoiced_on, f.paid_on, f.waived_on, f.note)
                 for f in sorted(fees, key=lambda f: (f.year, f.organisation.casefold(), f.organisation_id)))
    return Table(t("export.fees.sheet", lang), columns, rows)


def hours_table(hours: Iterable, settings: MobilisationSettings, plan: ClusterPlan, orgnrs: Mapping[int, str],
                lang: str) -> Table:
    """Every live entry of in-kind hours (:class:`~klynge.store.StoredHours`) with its rate and value, by day."""
    columns = tuple(t(f"export.hours.{c}", lang) for c in (
        "day", "person", "organisation", "orgnr", "activity", "hours", "rate", "value", "currency", "source", "note"))
    rows = []
    for h in sorted(hours, key=lambda h: (h.day, h.organisation.casefold(), h.person.casefold(), h.id)):
        rate = settings.rate_for(h.activity, plan)
        rows.append((h.day, h.person, h.organisation, orgnrs.get(h.organisation_id, ""),
                     t(f"hours.activity.{h.activity}", lang), h.hours, rate, hours_value(h.hours, rate),
                     settings.currency, t(f"hours.source.{h.source}", lang), h.note))
    return Table(t("export.hours.sheet", lang), columns, tuple(rows))


def cofunding_tables(hours: Iterable, settings: MobilisationSettings, plan: ClusterPlan,
                     orgnrs: Mapping[int, str], lang: str) -> list[Table]:
    """The co-funding report: hours and value per organisation, month and activity, then the three totals.

    Months read ``2026-10``; activities follow :data:`~klynge.model.contribution.ACTIVITIES`.
    """
    cells: dict[tuple[int, str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    names: dict[int, str] = {}
    for h in hours:
        total = cells[(h.organisation_id, h.day.strftime("%Y-%m"), h.activity)]
        total[0] += h.hours
        total[1] += hours_value(h.hours, settings.rate_for(h.activity, plan))
        names[h.organisation_id] = h.organisation
    order = {a: i for i, a in enumerate(ACTIVITIES)}

    def key(k):
        return names[k[0]].casefold(), k[0], k[1], order.get(k[2], len(order))

    cur = settings.currency
    head = {c: t(f"export.hours.{c}", lang) for c in ("organisation", "orgnr", "month", "activity", "hours", "value",
                                                        "currency")}
    detail = Table(t("export.cofunding.sheet", lang),
                   tuple(head[c] for c in ("organisation", "orgnr", "month", "activity", "hours", "value", "currency")),
                   tuple((names[o], orgnrs.get(o, ""), m, t(f"hours.activity.{a}", lang), hs, v, cur)
                         for (o, m, a), (hs, v) in sorted(cells.items(), key=lambda kv: key(kv[0]))))

    def totals(pick) -> dict:
        sums: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for k, (hs, v) in cells.items():
            sums[pick(k)][0] += hs
            sums[pick(k)][1] += v
        return sums

    by_org = totals(lambda k: k[0])
    by_month = totals(lambda k: k[1])
    by_activity = totals(lambda k: k[2])
    return [
        detail,
        Table(t("export.cofunding.by_organisation", lang),
              tuple(head[c] for c in ("organisation", "orgnr", "hours", "value", "currency")),
              tuple((names[o], orgnrs.get(o, ""), hs, v, cur)
                    for o, (hs, v) in sorted(by_org.items(), key=lambda kv: (names[kv[0]].casefold(), kv[0])))),
        Table(t("export.cofunding.by_month", lang), tuple(head[c] for c in ("month", "hours", "value", "currency")),
              tuple((m, hs, v, cur) for m, (hs, v) in sorted(by_month.items()))),
        Table(t("export.cofunding.by_activity", lang),
              tuple(head[c] for c in ("activity", "hours", "value", "currency")),
              tuple((t(f"hours.activity.{a}", lang), hs, v, cur)
                    for a, (hs, v) in sorted(by_activity.items(), key=lambda kv: order.get(kv[0], len(order))))),
    ]


def _text(value) -> object:
    """A value as a CSV cell: numbers with a full stop, dates ISO, nothing for None, text made safe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([_text(v) for v in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def accounting_csv(fees: Iterable, lang: str) -> bytes:
    """The accounting export (:func:`fee_table`) as CSV."""
    return _csv(fee_table(fees, lang))


def cofunding_csv(hours: Iterable, settings: MobilisationSettings, plan: ClusterPlan, orgnrs: Mapping[int, str],
                  lang: str) -> bytes:
    """The co-funding report's detail (per organisation, month and activity) as CSV."""
    return _csv(cofunding_tables(hours, settings, plan, orgnrs, lang)[0])


def workbook(tables: Sequence[Table]) -> bytes:
    """``tables`` as an XLSX workbook, a sheet each, headings bold and frozen, numbers and dates as such."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.name, used))
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append([_xlsx(v) for v in row])
        for i, column in enumerate(table.columns, start=1):
            width = max([len(str(column)), *(len(str(r[i - 1] or "")) for r in table.rows)])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(max(width + 2, 8), 50)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "isoformat"):
                    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the book."""
    base = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in used:
        candidate = f"{base[:28]} {n}"
        n += 1
    used.add(candidate.casefold())
    return candidate
