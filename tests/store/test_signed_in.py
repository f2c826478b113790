"""The store re-checks the caller's sign-in inside every read and write: what ended stops at once."""

import pytest
from sqlalchemy import event

from klynge.errors import AccessDenied, SessionEnded
from klynge.model import Money, Note, Offer, Person, SdgEntry

from ..conftest import SECRET

BMC = "business_model"


def _revisions(store, system, org):
    return [h.number for h in store.history(system, "canvas", org, BMC)]


def _refused_everywhere(store, who, org):
    """The next read and the next writes are refused with SessionEnded."""
    calls = [lambda: store.canvas(who, org, BMC),
             lambda: store.organisation(who, org),
             lambda: store.save_canvas(who, org, BMC, [Note(id="b", block="channels", text="after")], 1),
             lambda: store.save_sdg(who, org, [SdgEntry(target="8.9", relevance=3)], None),
             lambda: store.add_offer(who, Offer(organisation_id=org, title="Tur", kind="activity",
                                                municipality="5021", months=[9], capacity_per_day=1,
                                                price=Money(amount="10", currency="NOK"))),
             lambda: store.restore(who, "canvas", org, BMC, 1)]
    for call in calls:
        with pytest.raises(SessionEnded) as info:
            call()
        assert "open your sign-in link again" in str(info.value)
        assert isinstance(info.value, AccessDenied)


def _nothing_written(store, system, org):
    assert _revisions(store, system, org) == [1]
    assert store.sdg(system, org)[1].number == 0
    assert store.offers(system, org) == []


@pytest.mark.parametrize("how", ["revoke", "reissue", "erase", "logout"])
def test_what_ends_a_sign_in_stops_the_next_read_and_write(store, system, cluster, signed_in, how):
    who, key = signed_in
    org = cluster["orgs"]["fjell"]
    if how == "revoke":
        store.revoke_key(system, key.split(".")[0])
    elif how == "reissue":
        store.reissue_key(system, who.person_id, SECRET)
    elif how == "erase":
        store.erase_person(system, who.person_id)
    else:
        store.end_session(who.session_id)
    _refused_everywhere(store, who, org)
    _nothing_written(store, system, org)


def test_an_identity_without_a_session_is_checked_through_its_person(store, system, cluster, signed_in):
    who, key = signed_in
    who = store.check_key(key, SECRET)  # the same person, signed in without a server session
    org = cluster["orgs"]["fjell"]
    store.erase_person(system, who.person_id)
    _refused_everywhere(store, who, org)
    _nothing_written(store, system, org)


def test_another_session_of_the_same_person_lives_on(store, system, cluster, signed_in):
    who, key = signed_in
    other = store.open_session(key, SECRET)
    store.end_session(who.session_id)
    doc, _ = store.canvas(other, cluster["orgs"]["fjell"], BMC)
    assert [n.text for n in doc.notes] == ["Nett"]


def test_the_check_is_one_lookup_by_primary_key_in_the_calls_transaction(store, cluster, signed_in):
    who, _ = signed_in
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        store.canvas(who, cluster["orgs"]["fjell"], BMC)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    queries = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert "sessions.id = " in queries[0] and "JOIN keys" in queries[0] and "JOIN people" in queries[0]
    assert sum("FROM sessions" in q for q in queries) == 1


def test_a_facilitators_ended_session_stops_the_mobilisation_reads(store, system, cluster):
    """The funnel, the members' last activity and their keys are read only while the facilitator is signed in."""
    pid = store.add_person(system, Person(name="Frida Fasilitator", email="frida@example.no", role="facilitator"),
                           cluster["id"])
    who = store.open_session(store.issue_key(system, pid, SECRET), SECRET)
    reads = (store.funnel_data, store.last_activity, store.key_states)
    for read in reads:
        read(who)
    store.end_session(who.session_id)
    for read in reads:
        with pytest.raises(SessionEnded):
            read(who)
