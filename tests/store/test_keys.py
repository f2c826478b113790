from datetime import timedelta

import pytest
from sqlalchemy import event, update

from klynge.errors import KeyRejected
from klynge.model import Person
from klynge.store import schema
from klynge.store.records import now

from ..conftest import SECRET


@pytest.fixture
def person(store, cluster, system):
    return store.add_person(system, Person(name="Ola", email="ola@example.no",
                                           organisation_id=cluster["orgs"]["fjell"]), cluster["id"])


def rejected(store, key, secret=SECRET):
    with pytest.raises(KeyRejected) as info:
        store.check_key(key, secret)
    return info.value.reason


def test_a_key_signs_in_as_its_person(store, system, person, cluster):
    key = store.issue_key(system, person, SECRET)
    who = store.check_key(key, SECRET)
    assert (who.person_id, who.role, who.organisation_id, who.name) == (person, "participant",
                                                                         cluster["orgs"]["fjell"], "Ola")


def test_only_an_hmac_is_stored(store, system, person):
    key = store.issue_key(system, person, SECRET)
    key_id, secret = key.split(".")
    with store.engine.connect() as c:
        row = c.execute(schema.keys.select().where(schema.keys.c.id == key_id)).mappings().one()
    assert secret not in repr(dict(row))


def test_wrong_unknown_and_malformed_keys(store, system, person):
    key = store.issue_key(system, person, SECRET)
    assert rejected(store, key[:-1] + ("A" if key[-1] != "A" else "B")) == "wrong"
    assert rejected(store, key, b"another-server-secret") == "wrong"
    assert rejected(store, "0000000000000000.nope") == "unknown"
    for junk in ("", "nodot", ".x", "x.", "a" * 40 + ".b", "' OR 1=1 --.x"):
        assert rejected(store, junk) == "unknown"


def test_keys_expire(store, system, person):
    key = store.issue_key(system, person, SECRET, days=1)
    with store.engine.begin() as c:
        c.execute(update(schema.keys).values(expires_at=now() - timedelta(seconds=1)))
    assert rejected(store, key) == "expired"


def test_revoke_and_reissue(store, system, person):
    first = store.issue_key(system, person, SECRET)
    store.revoke_key(system, first.split(".")[0])
    assert rejected(store, first) == "revoked"
    second = store.issue_key(system, person, SECRET)
    third = store.reissue_key(system, person, SECRET)
    assert rejected(store, second) == "revoked"
    assert store.check_key(third, SECRET).person_id == person
    assert [k.revoked_at is None for k in store.keys_of(system, person)].count(True) == 1


def test_an_erased_person_cannot_sign_in_and_history_keeps_only_an_id(store, system, person, cluster):
    key = store.issue_key(system, person, SECRET)
    who = store.check_key(key, SECRET)
    store.save_canvas(who, cluster["orgs"]["fjell"], "business_model", [], None)
    store.erase_person(system, person)
    assert rejected(store, key) in ("revoked", "erased")
    info = store.history(system, "canvas", cluster["orgs"]["fjell"], "business_model")[0]
    assert info.author_id == person and "Ola" not in info.author


def test_checking_a_key_is_one_indexed_lookup(store, system, person):
    key = store.issue_key(system, person, SECRET)
    for _ in range(50):
        store.issue_key(system, person, SECRET)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        store.check_key(key, SECRET)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert "keys.id = " in selects[0]
