"""Migrations run on a populated database, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from klynge.errors import SchemaMismatch
from klynge.model import Note
from klynge.store import Identity, Store, open_store
from klynge.store.engine import make_engine
from klynge.store.migrate import current_version, head_version, upgrade
from klynge.store.schema import metadata
from klynge.store.search import SEARCH_TABLES

from ..conftest import SECRET


def test_upgrade_from_first_version_keeps_every_row(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_version(engine) == "0001"
    with engine.begin() as c:
        c.execute(text("INSERT INTO clusters (id, name, description, created_at) VALUES (1, 'K', '', '2026-01-01')"))
        c.execute(text(
            "INSERT INTO organisations (id, cluster_id, name, kind, sector, country, orgnr, municipality, size,"
            " phase, certifications, needs, description, website, version, updated_at)"
            " VALUES (1, 1, 'Fjell', 'company', 'activity', 'NO', '974760673', '5021', 'micro', 'idea', '[]',"
            " '', '', '', 1, '2026-01-01')"))
        c.execute(text("INSERT INTO people (id, cluster_id, organisation_id, name, email, role, created_at)"
                       " VALUES (1, 1, 1, 'Kari', 'kari@example.no', 'participant', '2026-01-01')"))
        c.execute(text("INSERT INTO keys (id, person_id, digest, created_at, expires_at)"
                       " VALUES ('k1', 1, 'x', '2026-01-01', '2099-01-01')"))
    upgrade(engine)
    assert current_version(engine) == head_version() == "0015"
    store = Store(engine)
    system = Identity.system()
    assert store.organisation(system, 1).value.name == "Fjell"
    assert store.keys_of(system, 1)[0].id == "k1"
    key = store.issue_key(system, 1, SECRET)
    who = store.check_key(key, SECRET)
    store.save_canvas(who, 1, "business_model", [Note(id="a", block="channels", text="web")], None)
    engine.dispose()


def test_existing_offers_get_the_units_of_their_kind(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as c:
        c.execute(text("INSERT INTO clusters (id, name, description, created_at) VALUES (1, 'K', '', '2026-01-01')"))
        c.execute(text(
            "INSERT INTO organisations (id, cluster_id, name, kind, sector, country, orgnr, municipality, size,"
            " phase, certifications, needs, description, website, version, updated_at)"
            " VALUES (1, 1, 'Fjell', 'company', 'activity', 'NO', '974760673', '5021', 'micro', 'idea', '[]',"
            " '', '', '', 1, '2026-01-01')"))
        for i, kind in enumerate(("accommodation", "meal", "transport", "activity", "culture", "venue"), 1):
            c.execute(text(
                "INSERT INTO offers (id, organisation_id, title, description, kind, municipality, months,"
                " capacity_per_day, price_amount, currency, vat_included, duration_hours, languages, trend,"
                " version, updated_at) VALUES (:i, 1, 'O', '', :kind, '5021', '[1]', 4, 100, 'NOK', true, 2,"
                " '[\"nb\"]', 'stable', 1, '2026-01-01')"), {"i": i, "kind": kind})
    upgrade(engine)
    store = Store(engine)
    units = {o.value.kind: (o.value.price_unit, o.value.capacity_unit, o.value.price_guests)
             for o in store.offers(Identity.system(), 1)}
    assert units == {"accommodation": ("night", "beds", 1), "meal": ("person", "seats", 1),
                     "transport": ("person", "seats", 1), "activity": ("person", "guests", 1),
                     "culture": ("person", "guests", 1), "venue": ("unit", "guests", 1)}
    engine.dispose()


def test_migrated_schema_matches_the_models(db_url):
    store = open_store(db_url)
    with store.engine.connect() as c:
        modelled = lambda name, kind, _parent: not (kind == "table" and name in SEARCH_TABLES)  # noqa: E731
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": False, "include_name": modelled}),
                                metadata)
    store.close()
    assert diff == []


def test_the_schema_version_constant_is_the_newest_migration():
    from klynge.store.migrate import SCHEMA_VERSION, scripts_head

    assert SCHEMA_VERSION == scripts_head()


def test_an_old_or_empty_schema_is_refused_with_the_command_that_fixes_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with pytest.raises(SchemaMismatch, match="no Klynge schema yet; run `klynge db upgrade`"):
        open_store(url, create=False)
    upgrade(make_engine(url), "0001")
    with pytest.raises(SchemaMismatch, match=f"has schema 0001, this Klynge needs {head_version()}"):
        open_store(url, create=False)
