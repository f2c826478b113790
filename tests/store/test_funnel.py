"""The funnel's read of the store: invitations, sign-ins and activity signals, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from klynge.errors import AccessDenied
from klynge.model import Note, Organisation, Person, SdgEntry
from klynge.store import schema as s

SECRET = "k" * 32
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _invite(store, cluster_id: int, person_id: int, *, inviter_id=None, inviter_org=None, relation="supplier",
            at=T0, delivery="sent", reminders=(), accepted_at=None) -> int:
    """An invitation row as the invitations store writes it (its code lives elsewhere)."""
    with store.engine.begin() as c:
        return c.execute(insert(s.invitations).values(
            cluster_id=cluster_id, person_id=person_id, inviter_id=inviter_id, inviter_organisation_id=inviter_org,
            relation=relation, note="", lang="nb", created_at=at, delivery=delivery,
            reminders=[r.isoformat() for r in reminders], attempts=1, last_error="",
            accepted_at=accepted_at)).inserted_primary_key[0]


def _invitee(store, cluster_id: int, name: str, email: str, organisation_id=None) -> int:
    """A person row for an invitee (role ``invitee`` until they register an organisation)."""
    with store.engine.begin() as c:
        return c.execute(insert(s.people).values(
            cluster_id=cluster_id, organisation_id=organisation_id, name=name, email=email,
            role="invitee" if organisation_id is None else "participant", created_at=T0)).inserted_primary_key[0]


@pytest.fixture
def invited(store, cluster, system):
    """Fjell invites a supplier who registers Lia Gard and signs in; the facilitator invites a silent bank."""
    cid, who = cluster["id"], cluster["who"]
    lia = store.add_organisation(system, Organisation(name="Lia Gard", country="NO", orgnr="984851006",
                                                      municipality="5021", kind="supplier"), cid)
    lia_person = _invitee(store, cid, "Liv Lia", "liv@lia.no", lia)
    _invite(store, cid, lia_person, inviter_id=who["fjell"].person_id, inviter_org=cluster["orgs"]["fjell"],
            accepted_at=T0 + timedelta(days=2))
    bank_person = _invitee(store, cid, "Bo Bank", "bo@bank.no")
    _invite(store, cid, bank_person, inviter_id=who["facilitator"].person_id, relation="finance",
            at=T0 + timedelta(days=1), reminders=(T0 + timedelta(days=8),), delivery="sent")
    return {"lia": lia, "lia_person": lia_person, "bank_person": bank_person}


def test_people_carry_their_invitation_inviter_and_first_sign_in(store, cluster, invited):
    data = store.funnel_data(cluster["who"]["facilitator"])
    people = {p.person_id: p for p in data.people}
    liv = people[invited["lia_person"]]
    assert (liv.inviter_name, liv.inviter_organisation_id, liv.relation) == (
        "Fjell Person", cluster["orgs"]["fjell"], "supplier")
    assert liv.registered and liv.invited_at == T0 and liv.accepted_at == T0 + timedelta(days=2)
    bo = people[invited["bank_person"]]
    assert (bo.role, bo.registered, bo.accepted_at, bo.relation) == ("invitee", False, None, "finance")
    assert bo.reminders == (T0 + timedelta(days=8),) and bo.delivery == "sent"
    fjell = people[cluster["who"]["fjell"].person_id]  # registered by the facilitator: no invitation
    assert fjell.invited_at is None and fjell.inviter_id is None and fjell.organisation_id == cluster["orgs"]["fjell"]
    # the fixture's people checked a key: that is their first sign-in
    assert fjell.accepted_at is not None
    orgs = {o.id: o for o in data.organisations}
    assert (orgs[invited["lia"]].kind, orgs[invited["lia"]].municipality, orgs[invited["lia"]].country) == (
        "supplier", "5021", "NO")


def test_the_latest_invitation_counts_and_the_erased_are_left_out(store, cluster, invited, system):
    cid = cluster["id"]
    later = T0 + timedelta(days=20)
    _invite(store, cid, invited["bank_person"], relation="support", at=later, delivery="link")
    store.erase_person(system, invited["lia_person"])
    people = {p.person_id: p for p in store.funnel_data(cluster["who"]["facilitator"]).people}
    assert invited["lia_person"] not in people
    assert (people[invited["bank_person"]].relation, people[invited["bank_person"]].invited_at) == ("support", later)


def test_activity_signals_and_the_last_change(store, cluster, system):
    who, orgs = cluster["who"], cluster["orgs"]
    store.save_canvas(who["fjell"], orgs["fjell"], "business_model", [Note(id="a", block="channels", text="Nett")],
                      None)
    store.save_sdg(who["gard"], orgs["gard"], [SdgEntry(target="8.9", relevance=3)], None)
    current = store.organisation(who["stuga"], orgs["stuga"])
    store.update_organisation(who["stuga"], current.value.model_copy(update={"description": "Hytter"}),
                              current.version)
    data = {o.id: o for o in store.funnel_data(who["facilitator"]).organisations}
    assert data[orgs["fjell"]].signals == {"canvas"}
    assert data[orgs["gard"]].signals == {"sdg"}
    assert data[orgs["stuga"]].signals == {"profile"}
    assert all(o.last_change is not None and o.last_change.tzinfo for o in data.values())


def test_a_registered_organisation_without_work_has_no_signal(store, cluster):
    data = store.funnel_data(cluster["who"]["facilitator"])
    assert {o.name: (o.signals, o.last_change) for o in data.organisations} == {
        "Fjellguidene": (frozenset(), None), "Gardsbutikken": (frozenset(), None),
        "Stugbyn i Åre": (frozenset(), None)}


def test_only_facilitators_read_the_funnel(store, cluster):
    for role in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.funnel_data(cluster["who"][role])


def test_another_cluster_is_not_seen(store, cluster, system):
    from klynge.model import Cluster
    other = store.create_cluster(system, Cluster(name="Annen"))
    store.add_person(system, Person(name="Else", email="else@annen.no", role="facilitator"), other)
    people = store.funnel_data(cluster["who"]["facilitator"]).people
    assert "Else" not in {p.name for p in people}


def test_two_thousand_organisations_take_four_queries(store, cluster, system):
    cid = cluster["id"]
    with store.engine.begin() as c:
        ids = [c.execute(insert(s.organisations).values(
            cluster_id=cid, name=f"Org {i}", kind="company", sector="food", country="NO", orgnr=f"X{i}",
            municipality="5001", size="micro", phase="start", certifications=[], version=1,
            updated_at=T0)).inserted_primary_key[0] for i in range(2000)]
        c.execute(insert(s.people), [dict(cluster_id=cid, organisation_id=oid, name=f"P {oid}",
                                          email=f"p{oid}@x.no", role="participant", created_at=T0) for oid in ids])
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        data = store.funnel_data(cluster["who"]["facilitator"])
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)
    assert len(data.organisations) == 2003 and len(data.people) >= 2005
    selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4  # the caller still signed in, people, activity signals, organisations: never one per row
