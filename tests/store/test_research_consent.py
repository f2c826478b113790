"""Consent to research use of shared notes, per organisation, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from klynge.errors import AccessDenied, NotFound
from klynge.model import Organisation
from klynge.store import Identity, Store
from klynge.store.engine import make_engine
from klynge.store.migrate import _config, current_version, head_version, upgrade


def test_a_participant_consents_and_withdraws_and_every_decision_is_kept(store, cluster):
    fjell, oid = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    assert store.research_consent(fjell, oid) is None
    given = store.set_research_consent(fjell, oid, True)
    assert given.consented and given.given_by == fjell.person_id and given.given_by_name == "Fjell Person"
    withdrawn = store.set_research_consent(fjell, oid, False)
    assert not withdrawn.consented and withdrawn.given_at >= given.given_at
    assert store.research_consent(cluster["who"]["facilitator"], oid).consented is False
    history = store.research_consent_history(cluster["who"]["facilitator"], oid)
    assert [h.consented for h in history] == [True, False]


def test_only_the_organisation_itself_decides_and_others_are_refused(store, cluster):
    fjell, gard = cluster["orgs"]["fjell"], cluster["orgs"]["gard"]
    who = cluster["who"]
    for caller in ("gard", "facilitator", "researcher"):
        with pytest.raises(AccessDenied):
            store.set_research_consent(who[caller], fjell, True)
    for caller in ("gard", "researcher"):
        with pytest.raises(AccessDenied):
            store.research_consent(who[caller], fjell)
    stranger = Identity(person_id=None, role="participant", organisation_id=gard, cluster_id=None)
    with pytest.raises(AccessDenied):
        store.research_consent(stranger, gard)
    with pytest.raises(NotFound):
        store.set_research_consent(who["fjell"], 99999, True)
    assert store.research_consent_history(who["facilitator"], fjell) == []


def test_the_migration_adds_the_consents_to_a_populated_database_and_takes_them_away_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    with engine.begin() as c:
        c.execute(text("INSERT INTO clusters (id, name, description, created_at) VALUES (1, 'K', '', '2026-01-01')"))
    upgrade(engine)
    assert current_version(engine) == head_version()
    store = Store(engine)
    org = Organisation(name="Fjellguidene", country="NO", orgnr="974760673", municipality="5021")
    oid = store.add_organisation(Identity.system(), org, 1)
    assert store.set_research_consent(Identity.system(), oid, True).consented
    config = _config()
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "0009")
    with engine.connect() as c:
        assert "research_consents" not in inspect(c).get_table_names()
    engine.dispose()
