"""The research tables as CSV files with a data dictionary: ``klynge export --research DIR``.

The tables are :meth:`klynge.store.Store.research_tables`: organisations under a pseudonym, their
offers and their shared SDG entries, without names, organisation numbers, e-mails or free text.
Every text cell goes through :func:`klynge.cells.spreadsheet_text`, so nothing in them opens as
a formula; lists (months, certifications) are joined with ``;``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .cells import spreadsheet_text
from .store import Identity, Store

__all__ = ["DICTIONARY", "export_research"]

#: Every column of every table, with what it holds; the data dictionary is written from this.
DICTIONARY: dict[str, tuple[str, dict[str, str]]] = {
    "organisations": ("One row per member organisation of the cluster.", {
        "organisation": "pseudonym (org- and ten hex digits), stable within one database, never the name",
        "kind": "company, public body, bank, museum and so on",
        "sector": "the organisation's sector",
        "country": "NO or SE",
        "municipality": "municipality code (Statistics Norway or Statistics Sweden)",
        "size": "micro, small, medium or large",
        "phase": "idea, concept, prototype, launch or scale",
        "certifications": "sustainability certifications, joined with ;",
    }),
    "offers": ("One row per offer an organisation sells (removed offers are left out).", {
        "organisation": "pseudonym of the organisation, as in organisations.csv",
        "kind": "activity, accommodation, meal, transport, culture or venue",
        "municipality": "municipality code where the offer takes place",
        "months": "months of the year it is offered (1 to 12), joined with ;",
        "capacity_per_day": "how many it takes a day, counted in capacity_unit",
        "capacity_unit": "guests (a day: activity, culture, venue), beds (accommodation) or seats (meal, "
                         "transport); add up only rows of the same unit",
        "price": "the price, for what price_unit says",
        "price_unit": "person (one guest), group (price_guests guests), night (one night for price_guests) "
                      "or unit (such as a cabin week: price_guests guests for price_nights nights)",
        "price_guests": "guests the price covers (1 for a price per person)",
        "price_nights": "nights the price covers",
        "currency": "NOK or SEK",
        "vat_included": "True when the price includes VAT",
        "trend": "the organisation's view of demand: growing, stable or declining",
    }),
    "sdg": ("One row per confirmed SDG target an organisation assessed and shares with the cluster "
            "(entries marked private are never included).", {
        "organisation": "pseudonym of the organisation, as in organisations.csv",
        "target": "SDG target code, such as 8.9",
        "relevance": "relevance to the organisation, 0 (none) to 3 (high)",
        "impact": "the organisation's impact on the target, -2 (harms) to 2 (helps)",
    }),
}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    return spreadsheet_text(value) if isinstance(value, str) else value


def _dictionary_text() -> str:
    lines = ["# Klynge research tables", "",
             "Tables without names, organisation numbers, e-mails or free text, written by "
             "`klynge export --research`. CSV, UTF-8, comma-separated, one header row.", ""]
    for table, (about, columns) in DICTIONARY.items():
        lines += [f"## {table}.csv", "", about, ""]
        lines += [f"- `{name}`: {meaning}" for name, meaning in columns.items()]
        lines.append("")
    return "\n".join(lines)


def export_research(store: Store, folder: Path | str, who: Identity | None = None) -> list[Path]:
    """Write ``organisations.csv``, ``offers.csv``, ``sdg.csv`` and ``DICTIONARY.md`` into ``folder``.

    Parameters
    ----------
    store
        The database to read.
    folder
        Where the files go; made when missing, files of the same names are replaced.
    who
        Whose view of the tables (default: the system identity, as the command line runs).

    Returns
    -------
    list of Path
        The files written, the dictionary last.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = store.research_tables(who or Identity.system())
    written = []
    for table, (_, columns) in DICTIONARY.items():
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="raise")
            writer.writeheader()
            for row in tables.get(table, []):
                writer.writerow({k: _cell(v) for k, v in row.items()})
        written.append(path)
    path = folder / "DICTIONARY.md"
    path.write_text(_dictionary_text(), encoding="utf-8")
    return [*written, path]
