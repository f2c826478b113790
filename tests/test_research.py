"""The research tables as CSV files: every row of the research views, no names, and a dictionary of every column."""

import csv

from klynge.research import DICTIONARY, export_research

from .batch.conftest import add_member_data


def test_the_files_hold_the_research_views_and_nothing_that_names_anyone(store, system, cluster, tmp_path):
    for n, oid in enumerate(cluster["orgs"].values()):
        add_member_data(store, system, oid, "5021", n)
    written = export_research(store, tmp_path / "research")
    assert [p.name for p in written] == ["organisations.csv", "offers.csv", "sdg.csv", "DICTIONARY.md"]
    tables = store.research_tables(cluster["who"]["researcher"])
    for table, (_, columns) in DICTIONARY.items():
        with (tmp_path / "research" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(tables[table]) > 0
        assert list(rows[0]) == list(columns)
    text = "".join(p.read_text(encoding="utf-8") for p in written)
    for name in ("Fjellguidene", "Gardsbutikken", "Stugbyn", "974760673", "@example.no", "Guided tour"):
        assert name not in text
    offers = (tmp_path / "research" / "offers.csv").read_text(encoding="utf-8")
    assert "1;2;3;12" in offers  # months joined, one cell
    with (tmp_path / "research" / "offers.csv").open(encoding="utf-8", newline="") as f:
        units = {(r["kind"], r["capacity_unit"], r["price_unit"]) for r in csv.DictReader(f)}
    assert units and all(unit == {"accommodation": "beds", "meal": "seats", "transport": "seats"}.get(kind, "guests")
                         and price in ("person", "group", "night", "unit") for kind, unit, price in units)
    dictionary = (tmp_path / "research" / "DICTIONARY.md").read_text(encoding="utf-8")
    for table, (_, columns) in DICTIONARY.items():
        assert f"## {table}.csv" in dictionary and all(f"`{c}`" in dictionary for c in columns)
