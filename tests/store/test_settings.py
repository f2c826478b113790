"""The cluster's package settings in the store: defaults, who reads and saves, stale saves, backups."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest

from klynge.archive import export_archive, import_archive
from klynge.errors import AccessDenied, Conflict
from klynge.model import Cluster, Organisation, PackageSettings, Person
from klynge.store import Identity

from ..conftest import SECRET
from ..test_archive import fresh_store

SETTINGS = PackageSettings(currency="SEK", rates={"NOK": Decimal("1.03")}, max_leg_minutes=90,
                           price_min=Decimal("500"), price_max=Decimal("4000"))


def test_defaults_until_a_facilitator_saves(store, cluster):
    who = cluster["who"]
    for role in ("fjell", "facilitator"):
        assert store.package_settings(who[role]) == PackageSettings()
    assert store.package_settings_versioned(who["fjell"]).version == 0
    assert store.save_package_settings(who["facilitator"], SETTINGS, 0) == 1
    for role in ("fjell", "gard", "facilitator"):
        assert store.package_settings(who[role]) == SETTINGS
    read = store.package_settings_versioned(who["stuga"])
    assert read.version == 1 and read.value.rates == {"NOK": Decimal("1.03")} and read.value.price_max == 4000


@pytest.mark.parametrize("role", ["fjell", "researcher"])
def test_only_who_manages_the_cluster_saves(store, cluster, role):
    with pytest.raises(AccessDenied):
        store.save_package_settings(cluster["who"][role], SETTINGS)
    assert store.package_settings(cluster["who"]["facilitator"]) == PackageSettings()


def test_a_researcher_does_not_read_them(store, cluster):
    with pytest.raises(AccessDenied):
        store.package_settings(cluster["who"]["researcher"])


def test_another_cluster_neither_reads_nor_saves_them(store, cluster, system):
    other = store.create_cluster(system, Cluster(name="Annen"))
    org = store.add_organisation(system, Organisation(name="Annen AS", country="NO", orgnr="912345602",
                                                      municipality="5001"), other)
    pid = store.add_person(system, Person(name="Ola", email="ola@annen.no", role="facilitator"), other)
    theirs = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    assert org and theirs.cluster_id == other
    store.save_package_settings(cluster["who"]["facilitator"], SETTINGS)
    assert store.package_settings(theirs) == PackageSettings()
    with pytest.raises(AccessDenied):
        store.package_settings(theirs, cluster["id"])
    with pytest.raises(AccessDenied):
        store.save_package_settings(theirs, PackageSettings(currency="SEK"), cluster_id=cluster["id"])
    assert store.package_settings(cluster["who"]["fjell"]) == SETTINGS
    # The system names the cluster it means.
    assert store.package_settings(system, other) == PackageSettings()
    assert store.save_package_settings(system, PackageSettings(max_leg_minutes=30), cluster_id=other) == 1
    assert store.package_settings(theirs).max_leg_minutes == 30


def test_a_stale_save_is_a_conflict_that_names_who_saved(store, cluster):
    fac = cluster["who"]["facilitator"]
    base = store.package_settings_versioned(fac).version
    store.save_package_settings(fac, SETTINGS, base)
    with pytest.raises(Conflict, match="Facilitator") as info:
        store.save_package_settings(fac, PackageSettings(currency="NOK"), base)
    assert info.value.head == 1
    assert store.package_settings(fac) == SETTINGS
    assert store.save_package_settings(fac, PackageSettings(currency="NOK"), 1) == 2
    assert store.save_package_settings(fac, SETTINGS) == 3  # no base: saved without the check
    assert store.package_settings_versioned(fac).version == 3


def test_settings_built_without_validation_are_refused(store, cluster):
    bad = PackageSettings.model_construct(currency="NOK", rates={"SEK": Decimal("-1")}, max_leg_minutes=60,
                                          price_min=None, price_max=None)
    with pytest.raises(ValueError):
        store.save_package_settings(cluster["who"]["facilitator"], bad)
    assert store.package_settings_versioned(cluster["who"]["facilitator"]).version == 0


def test_backup_and_restore_round_trip_the_settings(store, cluster, db_url, tmp_path):
    store.save_package_settings(cluster["who"]["facilitator"], SETTINGS)
    first = export_archive(store, tmp_path / "first.zip")
    with zipfile.ZipFile(first) as z:
        (row,) = csv.DictReader(io.StringIO(z.read("package_settings.csv").decode("utf-8")))
    assert row["currency"] == "SEK" and row["rates"] == "NOK=1.03" and row["max_leg_minutes"] == "90"
    assert row["price_min"] == "500" and row["price_max"] == "4000" and row["version"] == "1"
    with fresh_store(db_url, tmp_path) as other:
        import_archive(other, first)
        system = Identity.system()
        assert other.package_settings(system, cluster["id"]) == SETTINGS
        assert other.package_settings_versioned(system, cluster["id"]).version == 1
        assert export_archive(other, tmp_path / "second.zip").read_bytes() == first.read_bytes()


def test_klynge_db_upgrade_brings_an_older_database_to_the_newest_schema(db_url):
    from klynge import operations as ops
    from klynge.settings import load_settings
    from klynge.store.engine import make_engine
    from klynge.store.migrate import current_version, upgrade

    engine = make_engine(db_url)
    upgrade(engine, "0004")
    engine.dispose()
    assert ops.upgrade(load_settings().with_db(db_url)) == "0015"
    engine = make_engine(db_url)
    assert current_version(engine) == "0015"
    engine.dispose()


def test_the_cluster_plan_reads_saves_conflicts_and_round_trips_like_the_package_settings(store, cluster, db_url,
                                                                                          tmp_path):
    from klynge.model import ClusterPlan

    who = cluster["who"]
    assert store.cluster_plan(who["fjell"]).value == ClusterPlan() and store.cluster_plan(who["fjell"]).version == 0
    plan = ClusterPlan(target_mix={"companies": Decimal("0.6"), "research": Decimal("0.1")}, fee=Decimal(12000),
                       hours=Decimal(20), rate=Decimal(600), manager_cost=Decimal(900000))
    with pytest.raises(AccessDenied):
        store.save_cluster_plan(who["fjell"], plan)
    assert store.save_cluster_plan(who["facilitator"], plan, 0) == 1
    with pytest.raises(Conflict, match="Facilitator"):
        store.save_cluster_plan(who["facilitator"], ClusterPlan(), 0)
    assert store.cluster_plan(who["gard"]).value == plan
    assert store.package_settings_versioned(who["fjell"]).version == 0  # the two kinds are kept apart
    first = export_archive(store, tmp_path / "first.zip")
    with fresh_store(db_url, tmp_path) as other:
        import_archive(other, first)
        assert other.cluster_plan(Identity.system(), cluster["id"]).value == plan
