"""The research tables as Parquet and CSV with a data dictionary: ``klynge export --research DIR``.

The rows come from :meth:`klynge.store.Store.research_tables` (pseudonyms, no names, no private
entries, notes only with consent). Here they are made safe to publish and written:

- Pseudonyms are an HMAC of the organisation's id with the export key: the same key gives the
  same pseudonyms (a researcher can join two exports), another key others. Without a key a
  random one is drawn for the export and forgotten; the dictionary says which.
- Places carry the official municipality codes (Kartverket's four digits in Norway, SCB's in
  Sweden) with their names; the combination of place, kind and size is made k-anonymous by
  :func:`klynge.analysis.anonymity.generalise`, and an organisation withheld there is left out
  of every table. Offers carry bands of capacity and price instead of the figures.
- Counts per sector and month with fewer than k organisations are blanked.
- Every file is written to a temporary folder first and moved into place only when all of them
  are complete; a cluster too small to publish anything raises :class:`NothingToPublish` and
  writes nothing.

Every text cell of the CSV files goes through :func:`klynge.cells.spreadsheet_text`, so nothing
opens as a formula; lists (months) are joined with ``;`` in both formats.
"""

from __future__ import annotations

import csv
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import reference
from .analysis.anonymity import band, generalise, suppress_small
from .cells import spreadsheet_text
from .errors import MissingDependency, NotFound, NothingToPublish
from .store import Identity, Store

__all__ = ["CAPACITY_BANDS", "DICTIONARY", "PRICE_BANDS", "ResearchExport", "export_research", "load_research",
           "research_frames"]

#: Lower bounds of the capacity bands (a day, in the offer's capacity unit).
CAPACITY_BANDS = (1, 10, 20, 50, 100)
#: Lower bounds of the price bands (per guest, in the offer's currency).
PRICE_BANDS = (0, 250, 500, 1000, 2000, 5000)

_PLACE = ("municipality_code", "municipality_name", "area", "area_name", "country")

#: Every table, what a row is, and every column with what it holds; the dictionary is written from this.
DICTIONARY: dict[str, tuple[str, dict[str, str]]] = {
    "organisations": ("One row per member organisation, under a pseudonym. The combination of place "
                      "(municipality, area or country, see place_level), kind and size is shared by at least k "
                      "organisations.", {
        "organisation": "pseudonym: org- and twelve hex digits (an HMAC of the organisation's id with the export key)",
        "place_level": "how finely the place is given: municipality, area, country, or suppressed (no place, "
                       "kind or size)",
        "municipality_code": "official municipality code: Kartverket's in Norway, SCB's in Sweden (four digits); "
                             "blank when generalised",
        "municipality_name": "the municipality's name; blank when generalised",
        "area": "the seasonality area (a group of municipalities) the organisation is in; blank when generalised "
                "to country",
        "area_name": "the area's name",
        "country": "NO or SE; blank when suppressed",
        "kind": "company, public_support, bank, museum and so on; blank when suppressed",
        "sector": "the organisation's sector (accommodation, food, activity ...)",
        "size": "micro, small, medium or large; blank when suppressed",
        "phase": "idea, concept, prototype, launch or scale",
        "notes_consented": "True when the organisation consented to research use of its shared notes (notes table)",
    }),
    "offers": ("One row per offer an organisation sells (removed offers are left out); no place, title, "
               "description or exact figures.", {
        "organisation": "pseudonym of the organisation, as in organisations",
        "kind": "activity, accommodation, meal, transport, culture or venue",
        "months": "months of the year it is offered (1 to 12), joined with ;",
        "capacity_band": "how many it takes a day, as a band (1-9, 10-19, 20-49, 50-99, 100+), in capacity_unit",
        "capacity_unit": "guests (activity, culture, venue), beds (accommodation) or seats (meal, transport)",
        "price_band": "the price per guest (price over the guests it covers), as a band (0-249, 250-499, "
                      "500-999, 1000-1999, 2000-4999, 5000+) in currency",
        "price_unit": "what the price is for: person, group, night or unit (such as a cabin week)",
        "currency": "NOK or SEK",
        "trend": "the organisation's view of demand: growing, stable or declining",
    }),
    "sdg": ("One row per confirmed SDG target an organisation assessed and shares with the cluster "
            "(entries marked private are never included).", {
        "organisation": "pseudonym of the organisation, as in organisations",
        "goal": "SDG goal number, 1 to 17",
        "target": "SDG target code, such as 8.9",
        "relevance": "relevance to the organisation as stored, 0 (none) to 3 (high)",
        "impact": "the organisation's impact on the target as stored, -2 (harms) to 2 (helps)",
    }),
    "seasonality": ("Per sector and month: how many organisations and offers of the sector are open. Sectors "
                    "with fewer than k organisations are left out; counts of 1 to k-1 organisations are blank.", {
        "sector": "the organisations' sector",
        "month": "month of the year, 1 (January) to 12",
        "organisations": "organisations of the sector with an offer open that month; blank when suppressed",
        "offers": "offers of the sector open that month; blank when suppressed",
        "suppressed": "True when the counts were blanked (fewer than k organisations)",
    }),
    "partners": ("One row per pair of organisations that take part in the same package (private packages "
                 "are left out), pseudonyms only.", {
        "organisation_a": "pseudonym of one organisation, as in organisations",
        "organisation_b": "pseudonym of the other",
        "packages": "how many packages the two share",
    }),
    "notes": ("Canvas notes an organisation shares with the cluster, only of organisations that consented to "
              "research use (never private notes). Names, e-mail addresses and organisation numbers of the "
              "cluster are replaced by […].", {
        "organisation": "pseudonym of the organisation, as in organisations",
        "template": "the canvas template, such as business_model",
        "block": "the block of the canvas the note is on, such as key_partners",
        "text": "the note's text",
    }),
}

#: The files an export owns in its folder (a new export replaces them and removes those it no longer writes).
OWNED = tuple(f"{table}.{ext}" for table in DICTIONARY for ext in ("parquet", "csv")) + ("DICTIONARY.md",
                                                                                           "dictionary.csv")


@dataclass(frozen=True)
class ResearchExport:
    """What an export wrote: the files, whether its key was drawn at random, and how many were published."""

    files: list[Path]
    random_key: bool
    k: int
    levels: dict[str, int]


def _place(code: str) -> dict[str, str]:
    try:
        m = reference.municipality(code)
    except NotFound:  # a code the reference does not know: published only by country
        return {"municipality_code": "", "municipality_name": "", "area": "", "area_name": ""}
    names = {a.id: a.name for a in reference.areas()}
    return {"municipality_code": m.code, "municipality_name": m.name, "area": m.area,
            "area_name": names.get(m.area, m.area)}


def research_frames(tables: dict[str, list[dict]], k: int = 3) -> tuple[dict, dict]:
    """The publishable tables (pandas DataFrames) from the store's rows, and what was generalised or suppressed.

    Raises
    ------
    NothingToPublish
        When no organisation can be published with any place at ``k``.
    """
    import pandas as pd

    orgs = pd.DataFrame(tables["organisations"], columns=["organisation", "kind", "sector", "country", "municipality",
                                                          "size", "phase", "notes_consented"])
    places = pd.DataFrame([_place(code) for code in orgs["municipality"]], columns=list(_PLACE[:4]))
    orgs = pd.concat([orgs.drop(columns="municipality").reset_index(drop=True), places], axis=1)
    frame = orgs.rename(columns={"municipality_code": "municipality"})
    frame = generalise(frame, k).rename(columns={"municipality": "municipality_code"})
    frame.loc[frame["municipality_code"] == "", "municipality_name"] = ""
    frame.loc[frame["area"] == "", "area_name"] = ""
    levels = frame["place_level"].value_counts().to_dict()
    if not frame["place_level"].isin(["municipality", "area", "country"]).any():
        raise NothingToPublish(
            f"nothing can be published: no combination of place, kind and size is shared by {k} of the cluster's "
            f"{len(frame)} organisations (k = {k}), even by country. Nothing was written; with more members, "
            "or a smaller --k, there is something to publish")
    kept = frame[frame["place_level"] != "withheld"]
    keep = set(kept["organisation"])
    organisations = kept[list(DICTIONARY["organisations"][1])].sort_values("organisation").reset_index(drop=True)

    offers = pd.DataFrame([o for o in tables["offers"] if o["organisation"] in keep])
    if offers.empty:
        offers = pd.DataFrame(columns=["organisation", "kind", "months", "capacity_per_day", "capacity_unit", "price",
                                       "price_guests", "price_unit", "currency", "trend"])
    months = offers["months"]
    offers["months"] = [";".join(str(m) for m in ms) for ms in months]
    offers["capacity_band"] = [band(v, CAPACITY_BANDS) for v in offers["capacity_per_day"]]
    per_guest = offers["price"].astype(float) / offers["price_guests"].astype(float).where(offers["price_guests"] > 0)
    offers["price_band"] = [band(v, PRICE_BANDS) for v in per_guest]

    sdg = pd.DataFrame([e for e in tables["sdg"] if e["organisation"] in keep],
                       columns=["organisation", "target", "relevance", "impact"])
    sdg.insert(1, "goal", [int(str(t).split(".")[0]) for t in sdg["target"]])

    sector = dict(zip(kept["organisation"], kept["sector"]))
    open_rows = [{"sector": sector[o], "organisation": o, "month": m}
                 for o, ms in zip(offers["organisation"], months) for m in ms]
    opened = pd.DataFrame(open_rows, columns=["sector", "organisation", "month"])
    members = kept.groupby("sector")["organisation"].nunique()
    big = sorted(members[members >= k].index)
    grid = pd.MultiIndex.from_product([big, range(1, 13)], names=["sector", "month"])
    counts = (opened.groupby(["sector", "month"])
              .agg(organisations=("organisation", "nunique"), offers=("organisation", "size"))
              .reindex(grid, fill_value=0).reset_index())
    seasonality = suppress_small(counts, "organisations", k)

    partners = pd.DataFrame([p for p in tables["partners"] if {p["organisation_a"], p["organisation_b"]} <= keep],
                            columns=list(DICTIONARY["partners"][1]))
    notes = pd.DataFrame([n for n in tables["notes"] if n["organisation"] in keep],
                         columns=list(DICTIONARY["notes"][1]))
    frames = {"organisations": organisations, "offers": offers, "sdg": sdg, "seasonality": seasonality,
              "partners": partners, "notes": notes}
    frames = {name: f[list(DICTIONARY[name][1])].reset_index(drop=True) for name, f in frames.items()}
    small = seasonality[seasonality["suppressed"]]
    coarse = kept[kept["place_level"].isin(["area", "country"])]
    cells = (coarse.assign(place=coarse["area"].where(coarse["place_level"] == "area", coarse["country"]))
             .groupby(["place_level", "place", "kind", "size"]).size().reset_index(name="n"))
    left_out = {"cells": [tuple(r) for r in cells.itertuples(index=False)],
                "levels": {lvl: int(levels.get(lvl, 0))
                           for lvl in ("municipality", "area", "country", "suppressed", "withheld")},
                "small_sectors": sorted(set(members.index) - set(big)),
                "suppressed_cells": [(r.sector, int(r.month)) for r in small.itertuples()]}
    return frames, left_out


def _dictionary_text(frames: dict, left_out: dict, k: int, random_key: bool) -> str:
    levels = left_out["levels"]
    key = ("The pseudonyms were made with a random key drawn for this export and not kept: they cannot be "
           "linked to another export." if random_key else
           "The pseudonyms were made with the key given to the export: another export with the same key gives "
           "the same pseudonyms, one with another key different ones.")
    lines = ["# Klynge research tables", "",
             "Tables without names, organisation numbers, e-mail addresses or persons, written by "
             "`klynge export --research`. Each table is in Parquet and in CSV (UTF-8, comma-separated, one "
             "header row); `dictionary.csv` lists every column as this file does.", "",
             key, "",
             f"k-anonymity with k = {k}: every published combination of place, kind and size in `organisations` "
             "is shared by at least k organisations. Places are generalised from municipality to area to country "
             "where a cell is smaller.", ""]
    for table, (about, columns) in DICTIONARY.items():
        lines += [f"## {table}", "", about, "", f"Rows: {len(frames[table])}.", ""]
        lines += [f"- `{name}`: {meaning}" for name, meaning in columns.items()]
        lines.append("")
        if table == "organisations":
            lines += [f"Generalised or suppressed: {levels['municipality']} organisations by municipality, "
                      f"{levels['area']} generalised to area, {levels['country']} to country, "
                      f"{levels['suppressed']} suppressed (place, kind and size blank), {levels['withheld']} "
                      "withheld from every table (too few even when suppressed).", ""]
            for level in ("area", "country"):
                found = [f"{place} {kind} {size} ({n})" for lvl, place, kind, size, n in left_out["cells"]
                         if lvl == level]
                lines += [f"Cells generalised to {level} (place, kind, size, organisations): "
                          f"{'; '.join(found) or 'none'}.", ""]
        if table == "seasonality":
            small = ", ".join(left_out["small_sectors"]) or "none"
            cells = ", ".join(f"{s} {m}" for s, m in left_out["suppressed_cells"]) or "none"
            lines += [f"Sectors left out (fewer than k organisations): {small}. Suppressed cells (sector month): "
                      f"{cells}.", ""]
        if table == "offers":
            lines += ["Generalised: capacity and price are bands; the offer's place, title and description are "
                      "left out.", ""]
    return "\n".join(lines)


def _csv_cell(value):
    if value is None or (not isinstance(value, (list, tuple, str)) and _isna(value)):
        return ""
    return spreadsheet_text(value) if isinstance(value, str) else value


def _isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def _write(frames: dict, left_out: dict, k: int, random_key: bool, folder: Path) -> list[Path]:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise MissingDependency("the research tables in Parquet need pyarrow: pip install pyarrow") from None
    written = []
    for table, frame in frames.items():
        frame.to_parquet(folder / f"{table}.parquet", engine="pyarrow", index=False)
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(frame.columns)
            writer.writerows([_csv_cell(v) for v in row] for row in frame.itertuples(index=False))
        written += [folder / f"{table}.parquet", folder / f"{table}.csv"]
    with (folder / "dictionary.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["table", "column", "type", "meaning"])
        for table, (_, columns) in DICTIONARY.items():
            for name, meaning in columns.items():
                writer.writerow([table, name, str(frames[table][name].dtype), meaning])
    (folder / "DICTIONARY.md").write_text(_dictionary_text(frames, left_out, k, random_key), encoding="utf-8")
    return [*written, folder / "DICTIONARY.md", folder / "dictionary.csv"]


def export_research(store: Store, folder: Path | str, who: Identity | None = None, *, key: str | bytes | None = None,
                    k: int = 3) -> ResearchExport:
    """Write the research tables (Parquet and CSV), ``DICTIONARY.md`` and ``dictionary.csv`` into ``folder``.

    Parameters
    ----------
    store
        The database to read.
    folder
        Where the files go; made when missing. The files of an earlier export there are replaced
        (and those this export does not write removed); other files, such as notebooks, stay.
    who
        Whose view of the tables (default: the system identity, as the command line runs).
    key
        The pseudonym key; None draws a random one for this export.
    k
        The least number of organisations in a published cell.

    Raises
    ------
    NothingToPublish
        When the cluster is too small for anything to pass; nothing is written then.
    """
    if k < 1:
        raise ValueError(f"k must be 1 or more, got {k}")
    random_key = key is None
    secret = secrets.token_bytes(32) if key is None else key.encode() if isinstance(key, str) else bytes(key)
    tables = store.research_tables(who or Identity.system(), key=secret)
    frames, left_out = research_frames(tables, k)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".research-", dir=folder))
    try:
        written = _write(frames, left_out, k, random_key, staging)
        names = {p.name for p in written}
        for name in OWNED:
            if name not in names and (folder / name).exists():
                (folder / name).unlink()
        for path in written:
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ResearchExport(files=[folder / p.name for p in written], random_key=random_key, k=k,
                          levels=left_out["levels"])


def load_research(folder: Path | str) -> dict:
    """The research tables in ``folder`` as pandas DataFrames, by table name (Parquet where there, else CSV)."""
    import pandas as pd

    folder = Path(folder)
    frames = {}
    for table in DICTIONARY:
        parquet, text = folder / f"{table}.parquet", folder / f"{table}.csv"
        if parquet.exists():
            frames[table] = pd.read_parquet(parquet)
        elif text.exists():
            frames[table] = pd.read_csv(text, dtype={"municipality_code": str, "months": str})
        else:
            raise NotFound(f"no {table}.parquet or {table}.csv in {folder}; write them with "
                           "`klynge export --research` first")
    return frames
