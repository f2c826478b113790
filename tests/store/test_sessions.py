"""Server sessions: opened with a key, ended by a logout, a revoked key or an erasure."""

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


def refused(store, session_id):
    with pytest.raises(KeyRejected) as info:
        store.session_identity(session_id)
    return info.value.reason


def test_a_session_signs_in_as_the_keys_person(store, system, person, cluster):
    key = store.issue_key(system, person, SECRET)
    who = store.open_session(key, SECRET)
    assert who.session_id and who.person_id == person
    again = store.session_identity(who.session_id)
    assert again == who
    assert (again.role, again.organisation_id, again.cluster_id, again.name) == (
        "participant", cluster["orgs"]["fjell"], cluster["id"], "Ola")
    assert store.dead_sessions([who.session_id]) == set()


def test_opening_a_session_checks_the_key_as_signing_in_does(store, system, person):
    key = store.issue_key(system, person, SECRET)
    for bad, reason in ((key[:-1] + ("A" if key[-1] != "A" else "B"), "wrong"), ("nodot", "unknown"),
                        ("0000000000000000.nope", "unknown")):
        with pytest.raises(KeyRejected) as info:
            store.open_session(bad, SECRET)
        assert info.value.reason == reason
    store.revoke_key(system, key.split(".")[0])
    with pytest.raises(KeyRejected) as info:
        store.open_session(key, SECRET)
    assert info.value.reason == "revoked"
    with store.engine.connect() as c:
        assert c.execute(schema.sessions.select()).first() is None


def test_logout_revocation_expiry_and_erasure_end_sessions(store, system, person, add_colleague):
    keys = [store.issue_key(system, person, SECRET) for _ in range(3)]
    first, second, third = (store.open_session(key, SECRET) for key in keys)
    other = add_colleague("fjell", "Kari", "kari@example.no")
    other_session = store.open_session(store.issue_key(system, other.person_id, SECRET), SECRET)
    store.end_session(first.session_id)
    assert refused(store, first.session_id) == "ended"
    store.revoke_key(system, keys[1].split(".")[0])
    assert refused(store, second.session_id) == "revoked"
    with store.engine.begin() as c:
        c.execute(update(schema.keys).where(schema.keys.c.id == keys[2].split(".")[0])
                  .values(expires_at=now() - timedelta(seconds=1)))
    assert refused(store, third.session_id) == "expired"
    assert refused(store, "no-such-session") == "unknown"
    live = {first.session_id, second.session_id, third.session_id, "no-such-session", other_session.session_id}
    assert store.dead_sessions(live) == live - {other_session.session_id}
    store.erase_person(system, other.person_id)
    assert refused(store, other_session.session_id) in ("revoked", "erased")
    assert store.dead_sessions([other_session.session_id]) == {other_session.session_id}


def test_finding_dead_sessions_is_one_query(store, system, person):
    ids = [store.open_session(store.issue_key(system, person, SECRET), SECRET).session_id for _ in range(5)]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        assert store.dead_sessions(ids) == set()
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_a_key_still_signs_in_without_a_session(store, system, person):
    who = store.check_key(store.issue_key(system, person, SECRET), SECRET)
    assert who.person_id == person and who.session_id is None
