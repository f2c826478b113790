import csv
import io
import json
import uuid
import zipfile
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from klynge.archive import DICTIONARY, check_archive, export_archive, import_archive
from klynge.errors import AccessDenied, DataError, KeyRejected, NotEmpty
from klynge.model import Money, Note, Offer, Organisation, Package, PackageComponent, SdgEntry
from klynge.store import bulk, open_store

from .conftest import SECRET

CSVS = ["canvas_notes.csv", "offers.csv", "organisations.csv", "packages.csv", "people.csv", "sdg_entries.csv"]


@contextmanager
def fresh_store(db_url, tmp_path, kind="same"):
    """Another empty database: of the same kind as ``db_url``, or a SQLite file."""
    if kind == "sqlite" or db_url.startswith("sqlite"):
        with open_store(f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:6]}.db'}") as store:
            yield store
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    try:
        with open_store(db_url.rsplit("/", 1)[0] + f"/{name}") as store:
            yield store
    finally:
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def offer(org, **kw):
    data = dict(organisation_id=org, title="Kajakktur, «Frøya»", kind="activity", municipality="5014",
                months=[9, 10], capacity_per_day=12, price=Money(amount="790.50", currency="NOK"))
    return Offer(**{**data, **kw})


@pytest.fixture
def populated(store, cluster, system):
    """The cluster with canvases in several revisions, an SDG assessment, a package and edits with history."""
    who, orgs = cluster["who"], cluster["orgs"]
    kari, fjell, gard = who["fjell"], orgs["fjell"], orgs["gard"]
    bmc = "business_model"
    r1 = store.save_canvas(kari, fjell, bmc, [Note(id="a", block="key_partners", text="Turistkontoret")], None)
    r2 = store.save_canvas(kari, fjell, bmc, [
        Note(id="a", block="key_partners", text="Turistkontoret i Oppdal"),
        Note(id="b", block="customer_segments", text='Skiløpere, "topptur"\nog familier', visibility="private",
             sdg_targets=["8.9", "12.b"], months=[1, 2, 3])], r1.number)
    store.save_canvas(kari, fjell, bmc, [
        Note(id="b", block="customer_segments", text="Skiløpere", order=1),
        Note(id="c", block="channels", text="Visit Trøndelag")], r2.number)
    store.save_canvas(who["gard"], gard, "value_proposition", [Note(id="x", block="gains", text="Lokal mat")], None)
    s1 = store.save_sdg(kari, fjell, [SdgEntry(target="12.b", relevance=2, impact=1)], None)
    store.save_sdg(kari, fjell, [SdgEntry(target="12.b", relevance=2, impact=1),
                                 SdgEntry(target="8.9", relevance=3, impact=2, evidence="Helårsarbeid")], s1.number)
    kayak = store.add_offer(kari, offer(fjell))
    (live,) = store.offers(kari, fjell)
    store.update_offer(kari, live.value.model_copy(update={"capacity_per_day": 20}), live.version)
    meal = store.add_offer(who["gard"], offer(gard, title="Gardsmiddag", kind="meal", municipality="5014"))
    gone = store.add_offer(who["gard"], offer(gard, title="Gammel tur"))
    store.remove_offer(who["gard"], gone, 1)
    current = store.organisation(who["gard"], gard)
    store.update_organisation(who["gard"], current.value.model_copy(update={"needs": "Overnatting"}),
                              current.version)
    store.save_package(kari, fjell, Package(title="Høst på Frøya", months=[9, 10], status="ready", components=[
        PackageComponent(offer_id=kayak, organisation_id=fjell),
        PackageComponent(offer_id=meal, organisation_id=gard, day=2)]), None, name="host")
    store.erase_person(system, who["researcher"].person_id)
    return cluster


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def rewrite(source, target, **changes):
    """Copy an archive, replacing some members' bytes (a tampered archive)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, changes.get(info.filename.replace(".", "_"), old.read(info)))
    return target


@pytest.mark.parametrize("target", ["same", "sqlite"])
def test_export_import_export_gives_identical_bytes(store, populated, system, db_url, tmp_path, target):
    first = export_archive(store, tmp_path / "first.zip")
    with fresh_store(db_url, tmp_path, target) as other:
        result = import_archive(other, first)
        assert result.backup is None and result.counts["revisions"] == 7 and result.counts["row_history"] == 3
        second = export_archive(other, tmp_path / "second.zip")
        assert second.read_bytes() == first.read_bytes()
        # Every revision came along, keys did not, and new rows get new ids.
        fjell = populated["orgs"]["fjell"]
        assert [h.number for h in other.history(system, "canvas", fjell, "business_model")] == [1, 2, 3]
        with pytest.raises(KeyRejected):
            other.check_key("whatever.secret", SECRET)
        new = other.add_organisation(system, Organisation(
            name="Ny", country="NO", orgnr="912345602", municipality="5001"), populated["id"])
        assert new == max(populated["orgs"].values()) + 1


def test_archive_is_deterministic_and_documented(store, populated, tmp_path):
    path = export_archive(store, tmp_path / "klynge.zip")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    files = members(path)
    manifest = json.loads(files["manifest.json"])
    assert manifest["format_version"] == 1 and manifest["schema_version"] == store.schema_version()
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert "keys" not in json.loads(files["cluster.json"]) and "meta" not in manifest["counts"]
    assert all(b"\r" not in data for data in files.values())
    assert check_archive(path) == manifest


def test_csv_files_have_the_documented_columns(store, populated, tmp_path):
    files = members(export_archive(store, tmp_path / "klynge.zip"))
    tables = {}
    for name in CSVS:
        rows = list(csv.reader(io.StringIO(files[name].decode("utf-8"))))
        assert rows[0] == [c[0] for c in DICTIONARY[name.removesuffix(".csv")][1]]
        tables[name] = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert len(tables["organisations.csv"]) == 3 and len(tables["people.csv"]) == 5
    assert "digest" not in tables["people.csv"][0] and "key" not in tables["people.csv"][0]
    notes = [(r["template"], r["note_id"], r["revision"]) for r in tables["canvas_notes.csv"]]
    assert sorted(notes) == [("business_model", "b", "3"), ("business_model", "c", "3"),
                             ("value_proposition", "x", "1")]
    assert [(r["target"], r["revision"]) for r in tables["sdg_entries.csv"]] == [("8.9", "2"), ("12.b", "2")]
    (package,) = tables["packages.csv"]
    assert package["title"] == "Høst på Frøya" and package["months"] == "9;10" and package["status"] == "ready"
    offers = {r["title"]: r for r in tables["offers.csv"]}
    assert offers["Kajakktur, «Frøya»"]["capacity_per_day"] == "20" and offers["Gammel tur"]["removed_at"]
    assert offers["Gardsmiddag"]["price_amount"] == "790.50" and offers["Gardsmiddag"]["vat_included"] == "true"
    gard = next(r for r in tables["organisations.csv"] if r["name"] == "Gardsbutikken")
    assert gard["subclusters"] == "food" and gard["version"] == "2"
    erased = next(r for r in tables["people.csv"] if r["role"] == "researcher")
    assert erased["name"] == "" and erased["email"] == "" and erased["erased_at"].endswith("+00:00")


def test_data_dictionary_lists_every_column_of_every_csv(store, populated, tmp_path):
    files = members(export_archive(store, tmp_path / "klynge.zip"))
    dictionary = list(csv.DictReader(io.StringIO(files["data_dictionary.csv"].decode("utf-8"))))
    assert list(dictionary[0]) == ["table", "column", "type", "meaning", "allowed_values"]
    documented = {(r["table"], r["column"]) for r in dictionary if r["meaning"]}
    markdown = files["DATA_DICTIONARY.md"].decode("utf-8")
    for name in CSVS:
        header = next(csv.reader(io.StringIO(files[name].decode("utf-8"))))
        table = name.removesuffix(".csv")
        assert {(table, c) for c in header} <= documented
        section = markdown.split(f"## {name}")[1].split("\n## ")[0]
        assert all(f"| {c} |" in section for c in header)


def test_a_tampered_or_truncated_archive_fails_naming_the_file(store, populated, system, db_url, tmp_path):
    good = export_archive(store, tmp_path / "klynge.zip")
    data = bytearray(members(good)["cluster.json"])
    data[100] = ord("X") if data[100] != ord("X") else ord("Y")
    tampered = rewrite(good, tmp_path / "tampered.zip", cluster_json=bytes(data))
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-200])
    with fresh_store(db_url, tmp_path) as other:
        with pytest.raises(DataError, match=r"tampered\.zip: cluster\.json does not match its checksum"):
            import_archive(other, tampered)
        with pytest.raises(DataError, match=r"truncated\.zip"):
            import_archive(other, truncated)
        assert other.is_empty(system)


def test_another_schema_version_says_to_upgrade(store, populated, tmp_path):
    good = export_archive(store, tmp_path / "klynge.zip")
    manifest = json.loads(members(good)["manifest.json"])
    manifest["schema_version"] = "9999"
    newer = rewrite(good, tmp_path / "newer.zip", manifest_json=json.dumps(manifest).encode())
    with pytest.raises(DataError, match="upgrade Klynge"):
        import_archive(store, newer, replace=True, backup_folder=tmp_path)


def test_a_full_database_is_refused_without_replace_and_backed_up_with_it(store, populated, system, tmp_path):
    path = export_archive(store, tmp_path / "klynge.zip")
    before = bulk.dump(store, system)
    with pytest.raises(NotEmpty, match="--replace"):
        import_archive(store, path)
    assert bulk.dump(store, system) == before
    result = import_archive(store, path, replace=True, backup_folder=tmp_path / "backups")
    assert result.backup is not None and result.backup.parent == tmp_path / "backups" and result.backup.exists()
    assert bulk.dump(store, system) == before
    assert export_archive(store, tmp_path / "again.zip").read_bytes() == path.read_bytes()


def test_a_load_that_breaks_a_rule_loads_nothing(store, populated, system, db_url, tmp_path):
    tables = bulk.dump(store, system)
    tables["revisions"][-1]["document_id"] = 999  # no such document
    with fresh_store(db_url, tmp_path) as other:
        with pytest.raises(DataError, match="nothing was loaded"):
            bulk.load(other, system, tables)
        assert other.is_empty(system) and bulk.dump(other, system)["clusters"] == []
    with pytest.raises(DataError, match="unknown tables keys"):
        bulk.load(store, system, {"keys": []})


def test_only_the_system_dumps(store, populated):
    with pytest.raises(AccessDenied):
        bulk.dump(store, populated["who"]["facilitator"])
