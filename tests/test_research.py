"""The research export: Parquet and CSV that name no one, k-anonymous cells, keyed pseudonyms, consent for notes.

Runs on SQLite and PostgreSQL: the demo cluster for what a real export holds, the small test
cluster for what cannot be published.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from sqlalchemy import select

from klynge.demo import load_demo
from klynge.errors import NothingToPublish
from klynge.model import Note
from klynge.research import DICTIONARY, OWNED, export_research, load_research
from klynge.settings import load_settings
from klynge.store import schema as s

from .batch.conftest import add_member_data


def _rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _text_of(path) -> str:
    """What a file says: its bytes as text, and for Parquet the decoded table as well (it is compressed)."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".parquet":
        raw += pd.read_parquet(path).to_csv(index=False)
    return raw


@pytest.fixture
def demo(store, system, tmp_path):
    load_demo(store, load_settings(home=str(tmp_path / "home"), db=store.url), progress=False)
    with store.engine.connect() as c:
        people = c.execute(select(s.people.c.name, s.people.c.email)).all()
        orgs = c.execute(select(s.organisations.c.id, s.organisations.c.name, s.organisations.c.orgnr,
                                s.organisations.c.description, s.organisations.c.needs)).mappings().all()
        offers = c.execute(select(s.offers.c.title, s.offers.c.description)).all()
    return {"people": people, "orgs": orgs, "offers": offers}


def test_the_demo_export_names_no_one_and_every_cell_holds_k(store, system, demo, tmp_path):
    orgs = demo["orgs"]
    consenting = orgs[0]
    store.save_canvas(system, consenting["id"], "business_model", [
        Note(id="r1", block="key_partners", text=f"We work with {orgs[1]['name']} on autumn weekends"),
        Note(id="r2", block="cost_structure", text="Our private margins are thin this year", visibility="private"),
    ], None)
    store.set_research_consent(system, consenting["id"], True)
    done = export_research(store, tmp_path / "one", key="first key")
    assert not done.random_key and done.k == 3 and done.levels["municipality"] > 0
    names = {p.name for p in done.files}
    assert names == set(OWNED)
    files = sorted((tmp_path / "one").iterdir())
    assert {f.name for f in files} == names  # no staging folder left behind
    text = "\n".join(_text_of(f) for f in files)
    forbidden = [name for name, _ in demo["people"]] + [email for _, email in demo["people"]]
    forbidden += [o["name"] for o in orgs] + [o["orgnr"] for o in orgs] + [o["orgnr"].replace("-", "") for o in orgs]
    forbidden += [o["description"] for o in orgs if len(o["description"]) > 20]
    forbidden += [o["needs"] for o in orgs if len(o["needs"]) > 20]
    forbidden += [t for title, desc in demo["offers"] for t in (title, desc) if len(t) > 20]
    forbidden += ["Our private margins are thin this year"]
    assert not [word for word in forbidden if word and word.lower() in text.lower()]
    notes = _rows(tmp_path / "one" / "notes.csv")
    published = _rows(tmp_path / "one" / "organisations.csv")
    consented = {r["organisation"] for r in published if r["notes_consented"] == "True"}
    assert {n["organisation"] for n in notes} == consented
    assert ("business_model", "key_partners", "We work with […] on autumn weekends") in [
        (n["template"], n["block"], n["text"]) for n in notes]

    tables = load_research(tmp_path / "one")
    organisations = tables["organisations"]
    assert len(organisations) == len(orgs) - done.levels["withheld"]
    cells = organisations.groupby(["place_level", "municipality_code", "area", "country", "kind", "size"]).size()
    assert (cells >= 3).all() and set(organisations["place_level"]) <= {"municipality", "area", "country", "suppressed"}
    codes = organisations["municipality_code"][organisations["municipality_code"] != ""]
    assert codes.str.fullmatch(r"\d{4}").all() and (organisations.loc[codes.index, "municipality_name"] != "").all()
    counts = tables["seasonality"]["organisations"].dropna()
    assert ((counts == 0) | (counts >= 3)).all()
    assert set(tables["offers"]["organisation"]) <= set(organisations["organisation"])
    assert not tables["partners"].empty and not tables["sdg"].empty
    for table, (_, columns) in DICTIONARY.items():
        assert list(tables[table].columns) == list(columns)
        assert list(_rows(tmp_path / "one" / f"{table}.csv")[0] if table != "notes" or notes else columns) \
            == list(columns)
    dictionary = (tmp_path / "one" / "DICTIONARY.md").read_text(encoding="utf-8")
    assert "k = 3" in dictionary and "generalised to area" in dictionary and "the key given" in dictionary
    assert "Cells generalised to area (place, kind, size, organisations): " in dictionary
    listed = {(r["table"], r["column"]) for r in _rows(tmp_path / "one" / "dictionary.csv")}
    assert listed == {(t, c) for t, (_, cols) in DICTIONARY.items() for c in cols}

    again = export_research(store, tmp_path / "again", key="first key")
    other = export_research(store, tmp_path / "other", key="second key")
    unkeyed = export_research(store, tmp_path / "unkeyed")
    same = (tmp_path / "again" / "organisations.csv").read_bytes()
    assert same == (tmp_path / "one" / "organisations.csv").read_bytes() and not again.random_key
    first = set(organisations["organisation"])
    assert first.isdisjoint(load_research(tmp_path / "other")["organisations"]["organisation"])
    assert unkeyed.random_key and "random key" in (tmp_path / "unkeyed" / "DICTIONARY.md").read_text()
    assert first.isdisjoint(load_research(tmp_path / "unkeyed")["organisations"]["organisation"])
    assert other.levels == done.levels


def test_a_cluster_too_small_writes_nothing_and_a_withdrawal_empties_the_notes(store, system, cluster, tmp_path):
    for n, oid in enumerate(cluster["orgs"].values()):
        add_member_data(store, system, oid, "5021", n)
    with pytest.raises(NothingToPublish, match="nothing can be published"):
        export_research(store, tmp_path / "small", key="x")
    assert not any((tmp_path / "small").iterdir()) if (tmp_path / "small").exists() else True

    fjell = cluster["orgs"]["fjell"]
    store.set_research_consent(cluster["who"]["fjell"], fjell, True)
    folder = tmp_path / "k1"
    export_research(store, folder, key="x", k=1)
    (folder / "my_analysis.ipynb").write_text("{}", encoding="utf-8")
    notes = _rows(folder / "notes.csv")
    texts = {n["text"] for n in notes}
    assert "Families from Trondheim who want quiet autumn weekends" in texts
    assert "Guide wages and net rates (private)" not in texts and len({n["organisation"] for n in notes}) == 1
    offers = _rows(folder / "offers.csv")
    assert {o["months"] for o in offers} >= {"1;2;3;12"} and {o["capacity_band"] for o in offers} <= {"1-9", "10-19",
                                                                                                       "20-49"}
    sdg = _rows(folder / "sdg.csv")
    assert {r["target"] for r in sdg} == {"8.9", "12.5"}  # 13.1 is private in every assessment
    assert {r["goal"] for r in sdg} == {"8", "12"}

    store.set_research_consent(cluster["who"]["fjell"], fjell, False)
    export_research(store, folder, key="x", k=1)
    assert _rows(folder / "notes.csv") == [] and (folder / "my_analysis.ipynb").exists()
    assert pd.read_parquet(folder / "notes.parquet").empty
    text = "".join(_text_of(p) for p in folder.iterdir() if p.suffix in (".csv", ".parquet", ".md"))
    for word in ("Fjellguidene", "Gardsbutikken", "Stugbyn", "974760673", "@example.no", "Guided tour", "Families"):
        assert word not in text
