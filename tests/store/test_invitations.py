"""Invitations, registration and requests to join in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from klynge import invitations as service
from klynge.errors import AccessDenied, AlreadyRegistered, KeyRejected, NotFound, ValidationError
from klynge.model import InvitationRequest, Organisation
from klynge.settings import load_settings
from klynge.store import Identity, open_store
from klynge.store import schema as s
from klynge.validation import validate

from ..conftest import SECRET
from ..smtp import Inbox

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _request(**change) -> InvitationRequest:
    values = {"name": "Ola Leverandør", "email": "ola@example.no", "relation": "supplier", "lang": "nb",
              "note": "Vi kjøper fisk av deg"}
    return InvitationRequest.model_validate({**values, **change})


def _org(orgnr="915000002", name="Fiskebrygga AS") -> Organisation:
    return Organisation(name=name, country="NO", orgnr=orgnr, municipality="5001", sector="food")


def _sign_in(store, system, person_id) -> Identity:
    return store.open_session(store.issue_key(system, person_id, SECRET), SECRET)


def test_the_request_explains_every_problem_in_the_invitees_three_languages():
    bad = {"name": "", "email": "not-an-address", "relation": "friend"}
    for lang, words in (("nb", ("e-postadresse", "velg hvorfor")), ("sv", ("e-postadress", "välj varför")),
                        ("en", ("e-mail address", "pick why"))):
        with pytest.raises(ValidationError) as caught:
            validate(InvitationRequest, bad, lang)
        text = str(caught.value)
        assert all(w in text for w in words), (lang, text)
    with pytest.raises(ValidationError, match="egen organisasjon"):
        validate(InvitationRequest, {"name": "Kari", "email": "kari@example.no", "relation": "board"}, "nb")
    with pytest.raises(ValidationError, match="of their own"):
        validate(InvitationRequest, {"name": "Kari", "email": "kari@example.no", "relation": "customer",
                                     "organisation_id": 3}, "en")
    ok = validate(InvitationRequest, {"name": " Kari ", "email": "Kari@Example.NO", "relation": "board",
                                      "organisation_id": 3}, "en")
    assert (ok.name, ok.email, ok.position) == ("Kari", "kari@example.no", "board")


def test_a_participant_invites_a_partner_who_becomes_an_invitee_and_is_recorded(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    made = store.create_invitation(fjell, _request())
    assert (made.name, made.email, made.relation, made.lang, made.note) == (
        "Ola Leverandør", "ola@example.no", "supplier", "nb", "Vi kjøper fisk av deg")
    assert (made.inviter_id, made.inviter_name, made.inviter_organisation_id) == (
        fjell.person_id, "Fjell Person", cluster["orgs"]["fjell"])
    assert (made.delivery, made.attempts, made.reminders, made.accepted_at, made.organisation_id) == (
        "queued", 0, (), None, None)
    person = store.person(system, made.person_id)
    assert (person.role, person.organisation_id) == ("invitee", None)
    # the invitation holds the person's id only: their name and e-mail live in the person row
    with store.engine.connect() as c:
        row = c.execute(select(s.invitations).where(s.invitations.c.id == made.id)).mappings().one()
    assert "ola" not in repr(dict(row)).lower()
    assert [i.id for i in store.invitations(fjell)] == [made.id]
    assert store.invitations(cluster["who"]["gard"]) == []
    assert [i.id for i in store.invitations(cluster["who"]["facilitator"])] == [made.id]
    with pytest.raises(AccessDenied):
        store.invitation(cluster["who"]["gard"], made.id)
    with pytest.raises(AccessDenied):
        store.invitations(cluster["who"]["researcher"])


def test_a_colleague_or_board_member_joins_the_inviters_organisation_at_once(store, cluster, system):
    fjell, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    made = store.create_invitation(fjell, _request(email="styret@example.no", relation="board", organisation_id=org))
    assert made.organisation_id == org
    with store.engine.connect() as c:
        row = c.execute(select(s.people).where(s.people.c.id == made.person_id)).mappings().one()
    assert (row["role"], row["organisation_id"], row["position"]) == ("participant", org, "board")
    with pytest.raises(AccessDenied):  # a participant brings colleagues into their own organisation only
        store.create_invitation(fjell, _request(email="x@example.no", relation="colleague",
                                                organisation_id=cluster["orgs"]["gard"]))
    fac = store.create_invitation(cluster["who"]["facilitator"], _request(
        email="ny@example.no", relation="colleague", organisation_id=cluster["orgs"]["gard"]))
    assert (fac.inviter_organisation_id, fac.organisation_id) == (None, cluster["orgs"]["gard"])


def test_an_address_already_in_the_network_names_the_person_and_organisation(store, cluster):
    fjell = cluster["who"]["fjell"]
    with pytest.raises(AlreadyRegistered) as caught:
        store.create_invitation(fjell, _request(email="GARD@example.no"))
    error = caught.value
    assert (error.field, error.existing, error.organisation) == ("email", "Gard Person", "Gardsbutikken")
    assert "Gard Person of Gardsbutikken" in str(error) and isinstance(error, ValidationError)
    store.create_invitation(fjell, _request())
    with pytest.raises(AlreadyRegistered, match="Ola Leverandør"):
        store.create_invitation(cluster["who"]["facilitator"], _request(name="Ola igjen"))
    assert len(store.invitations(cluster["who"]["facilitator"])) == 1


def test_deliveries_reminders_and_the_key_of_the_latest_link(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    made = store.create_invitation(fjell, _request())
    first = store.invitation_key(fjell, made.id, SECRET)
    failed = store.record_delivery(fjell, made.id, delivery="failed", error="the mail server did not answer",
                                   key_id=first.split(".")[0], at=T0)
    assert (failed.delivery, failed.attempts, failed.last_error, failed.sent_at) == (
        "failed", 1, "the mail server did not answer", None)
    assert [i.id for i in store.due_reminders(system, T0)] == [made.id]  # a failed mail is tried again
    second = store.invitation_key(fjell, made.id, SECRET)
    sent = store.record_delivery(fjell, made.id, delivery="sent", key_id=second.split(".")[0],
                                 next_reminder_at=T0 + timedelta(days=7), at=T0 + timedelta(hours=1))
    assert (sent.delivery, sent.attempts, sent.last_error, sent.sent_at) == ("sent", 2, "", T0 + timedelta(hours=1))
    with pytest.raises(KeyRejected, match="revoked"):  # only the latest link signs in
        store.check_key(first, SECRET)
    assert store.due_reminders(system, T0 + timedelta(days=6)) == []
    assert [i.id for i in store.due_reminders(fjell, T0 + timedelta(days=7, hours=1))] == [made.id]
    assert store.due_reminders(cluster["who"]["gard"], T0 + timedelta(days=8)) == []
    again = store.record_delivery(fjell, made.id, delivery="sent", reminder=True,
                                  next_reminder_at=T0 + timedelta(days=15), at=T0 + timedelta(days=8))
    assert again.reminders == (T0 + timedelta(days=8),) and again.sent_at == T0 + timedelta(hours=1)
    with pytest.raises(ValueError):
        store.record_delivery(fjell, made.id, delivery="lost")


def test_a_claimed_invitation_is_one_senders_until_its_claim_runs_out(store, cluster, system):
    fac = cluster["who"]["facilitator"]
    made = store.create_invitation(fac, _request())
    store.record_delivery(fac, made.id, delivery="sent", next_reminder_at=T0 + timedelta(days=7), at=T0)
    due, until = T0 + timedelta(days=8), T0 + timedelta(days=8, minutes=10)
    assert store.claim_reminder(system, made.id, T0 + timedelta(days=6), until) is None  # not due yet
    claimed = store.claim_reminder(system, made.id, due, until)
    assert claimed.id == made.id and claimed.next_reminder_at == T0 + timedelta(days=7)  # as it was
    assert store.claim_reminder(fac, made.id, due, until) is None  # the second sender gets nothing
    assert store.due_reminders(system, due) == []
    # a sender that stopped mid-send leaves it claimed: it is due again once the claim runs out
    assert [i.id for i in store.due_reminders(system, until)] == [made.id]
    assert store.claim_reminder(system, made.id, until, until + timedelta(minutes=10)).id == made.id
    with pytest.raises(AccessDenied):
        store.claim_reminder(cluster["who"]["gard"], made.id, until + timedelta(hours=1), until + timedelta(hours=2))


def test_a_new_invitation_held_for_its_maker_is_not_due_until_the_hold_ends(store, cluster, system):
    fac = cluster["who"]["facilitator"]
    held = store.create_invitation(fac, _request(), held_until=T0 + timedelta(minutes=10))
    free = store.create_invitation(fac, _request(name="Per", email="per@example.no"))
    assert (held.delivery, held.next_reminder_at) == ("queued", T0 + timedelta(minutes=10))
    assert [i.id for i in store.due_reminders(system, T0)] == [free.id]
    assert [i.id for i in store.due_reminders(system, T0 + timedelta(minutes=10))] == [held.id, free.id]
    accepted = store.create_invitation(fac, _request(name="Siv", email="siv@example.no"))
    _sign_in(store, system, accepted.person_id)
    assert store.claim_reminder(system, accepted.id, T0, T0 + timedelta(minutes=10)) is None


class _SlowInbox(Inbox):
    """An inbox that takes a while over each mail, so that racing passes overlap while they send."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_reminder_passes_racing_send_each_reminder_once(db_url, store, cluster, system, smtp_server, tmp_path):
    inbox, port = smtp_server(inbox=_SlowInbox())
    settings = load_settings({"KLYNGE_HOME": str(tmp_path / "home"), "KLYNGE_DB": db_url,
                              "KLYNGE_SMTP_URL": f"smtp://127.0.0.1:{port}?from=post@klynge.example"})
    fac = cluster["who"]["facilitator"]
    addresses = [f"gjest{n}@example.no" for n in range(6)]
    for n, address in enumerate(addresses):
        made = store.create_invitation(fac, _request(name=f"Gjest {n}", email=address))
        store.record_delivery(fac, made.id, delivery="sent", next_reminder_at=T0 + timedelta(days=7), at=T0)
    moment = T0 + timedelta(days=8)
    # Both passes read every reminder as due before either sends one: each has to win or lose every claim.
    barrier, results = threading.Barrier(2, timeout=60), [None, None]

    def run(n: int) -> None:
        with open_store(db_url) as own:
            read = own.due_reminders

            def due_then_wait(who, at):
                found = read(who, at)
                barrier.wait()
                return found

            own.due_reminders = due_then_wait
            results[n] = service.send_reminders(settings, own, system, moment)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(r is not None for r in results), "a pass did not finish"
    assert sorted(o.invitation.email for r in results for o in r) == sorted(addresses)
    assert all(o.sent for r in results for o in r)
    assert sorted(m["To"].addresses[0].addr_spec for m in inbox.messages) == sorted(addresses)
    stored = store.invitations(fac)
    assert [(len(i.reminders), i.attempts, i.delivery) for i in stored] == [(1, 2, "sent")] * 6
    assert all(i.next_reminder_at > moment for i in stored)


def test_the_first_sign_in_accepts_the_invitation_and_stops_reminders(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    made = store.create_invitation(fjell, _request())
    key = store.invitation_key(fjell, made.id, SECRET)
    store.record_delivery(fjell, made.id, delivery="sent", key_id=key.split(".")[0],
                          next_reminder_at=T0 + timedelta(days=7), at=T0)
    who = store.open_session(key, SECRET)
    assert who.role == "invitee" and who.organisation_id is None
    accepted = store.invitation(fjell, made.id)
    assert accepted.accepted_at is not None and accepted.next_reminder_at is None
    assert store.due_reminders(system, T0 + timedelta(days=30)) == []
    store.open_session(key, SECRET)  # a second sign-in keeps the first acceptance
    assert store.invitation(fjell, made.id).accepted_at == accepted.accepted_at


def test_an_invitee_may_only_register_or_ask_to_join(store, cluster, system):
    made = store.create_invitation(cluster["who"]["fjell"], _request())
    invitee = _sign_in(store, system, made.person_id)
    for call in (lambda: store.organisations(invitee), lambda: store.invitations(invitee),
                 lambda: store.create_invitation(invitee, _request(email="z@example.no")),
                 lambda: store.status(invitee)):
        with pytest.raises(AccessDenied):
            call()
    with pytest.raises(AccessDenied):
        store.register_organisation(cluster["who"]["fjell"], _org())


def test_registering_makes_the_invitee_a_participant_of_their_new_organisation(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    made = store.create_invitation(fjell, _request())
    invitee = _sign_in(store, system, made.person_id)
    with pytest.raises(ValidationError, match="orgnr|Organisation number"):
        store.register_organisation(invitee, Organisation.model_construct(**{**_org().model_dump(),
                                                                             "orgnr": "915000003"}))
    oid = store.register_organisation(invitee, _org(orgnr="915 000 002"))
    assert store.organisation(system, oid).value.orgnr == "915000002"
    with store.engine.connect() as c:
        row = c.execute(select(s.people).where(s.people.c.id == made.person_id)).mappings().one()
    assert (row["role"], row["organisation_id"], row["position"]) == ("participant", oid, "staff")
    assert store.invitation(fjell, made.id).organisation_id == oid
    now_participant = store.session_identity(invitee.session_id)
    assert (now_participant.role, now_participant.organisation_id) == ("participant", oid)
    with pytest.raises(AccessDenied):  # the old identity's role is gone: it may register no more
        store.register_organisation(now_participant, _org(orgnr="915000010"))
    with pytest.raises(ValidationError, match="already"):
        store.register_organisation(invitee, _org(orgnr="915000010"))


def test_a_taken_organisation_number_names_the_existing_organisation(store, cluster, system):
    made = store.create_invitation(cluster["who"]["fjell"], _request())
    invitee = _sign_in(store, system, made.person_id)
    with pytest.raises(AlreadyRegistered) as caught:
        store.register_organisation(invitee, _org(orgnr="974760673", name="Fjell AS"))
    assert (caught.value.field, caught.value.existing, caught.value.existing_id) == (
        "orgnr", "Fjellguidene", cluster["orgs"]["fjell"])
    assert "Fjellguidene" in str(caught.value)
    from klynge.invitations import taken_message
    assert taken_message(caught.value, "en") == (
        "974760673 is already registered for Fjellguidene; ask to join it instead")
    assert store.person(system, made.person_id).role == "invitee"  # nothing was saved


def test_two_registrations_of_one_number_racing_end_in_one_organisation(db_url, store, cluster, system):
    invitees = []
    for n in range(2):
        made = store.create_invitation(cluster["who"]["facilitator"], _request(email=f"racer{n}@example.no"))
        invitees.append(_sign_in(store, system, made.person_id))
    barrier, results = threading.Barrier(2), [None, None]

    def register(n):
        with open_store(db_url) as own:  # each its own connection pool, as two app kernels have
            barrier.wait()
            try:
                results[n] = own.register_organisation(invitees[n], _org(name=f"Brygga {n}"))
            except AlreadyRegistered as error:
                results[n] = error

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, AlreadyRegistered)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].existing_id == won[0] and lost[0].existing.startswith("Brygga")
    roles = sorted(store.person(system, i.person_id).role for i in invitees)
    assert roles == ["invitee", "participant"]


def test_a_duplicate_the_check_missed_is_caught_by_the_unique_constraint(store, cluster, system, monkeypatch):
    """What a lost race looks like: the check before the insert saw nothing, the constraint refused."""
    made = store.create_invitation(cluster["who"]["facilitator"], _request())
    invitee = _sign_in(store, system, made.person_id)
    real = {name: getattr(store, name) for name in ("_check_new_orgnr", "_check_new_address")}
    calls = []

    def blind_first(name):
        def check(c, value):
            calls.append(name)
            if calls.count(name) > 1:  # the check after the constraint's refusal is the real one
                real[name](c, value)
        return check

    for name in real:
        monkeypatch.setattr(store, name, blind_first(name))
    with pytest.raises(AlreadyRegistered, match="Fjellguidene"):
        store.register_organisation(invitee, _org(orgnr="974760673"))
    with pytest.raises(AlreadyRegistered, match="Gard Person"):
        store.create_invitation(cluster["who"]["fjell"], _request(email="gard@example.no"))
    assert calls == ["_check_new_orgnr", "_check_new_orgnr", "_check_new_address", "_check_new_address"]
    assert store.person(system, made.person_id).role == "invitee"


def test_an_invitee_asks_to_join_and_a_participant_of_that_organisation_decides(store, cluster, system):
    gard_org = cluster["orgs"]["gard"]
    made = store.create_invitation(cluster["who"]["facilitator"], _request())
    invitee = _sign_in(store, system, made.person_id)
    rid = store.request_join(invitee, gard_org, "board")
    assert store.request_join(invitee, gard_org, "board") == rid  # asking twice is one request
    with pytest.raises(ValidationError, match="staff, board"):
        store.request_join(invitee, gard_org, "owner")
    with pytest.raises(NotFound):
        store.request_join(invitee, 9999)
    [mine] = store.join_requests(invitee)
    assert (mine.name, mine.organisation_name, mine.position, mine.approved) == (
        "Ola Leverandør", "Gardsbutikken", "board", None)
    assert store.join_requests(cluster["who"]["fjell"]) == []
    with pytest.raises(AccessDenied):  # a participant of another organisation does not decide
        store.decide_join(cluster["who"]["fjell"], rid, True)
    assert [r.id for r in store.join_requests(cluster["who"]["gard"])] == [rid]
    store.decide_join(cluster["who"]["gard"], rid, True)
    with pytest.raises(ValidationError, match="approved already"):
        store.decide_join(cluster["who"]["facilitator"], rid, False)
    with store.engine.connect() as c:
        row = c.execute(select(s.people).where(s.people.c.id == made.person_id)).mappings().one()
    assert (row["role"], row["organisation_id"], row["position"]) == ("participant", gard_org, "board")
    [decided] = store.join_requests(cluster["who"]["facilitator"], organisation_id=gard_org)
    assert decided.approved is True and decided.decided_by == cluster["who"]["gard"].person_id


def test_a_declined_request_leaves_the_invitee_free_to_register(store, cluster, system):
    made = store.create_invitation(cluster["who"]["facilitator"], _request())
    invitee = _sign_in(store, system, made.person_id)
    rid = store.request_join(invitee, cluster["orgs"]["stuga"])
    store.decide_join(cluster["who"]["facilitator"], rid, False)
    assert store.person(system, made.person_id).role == "invitee"
    assert store.register_organisation(invitee, _org()) > 0


def test_erasing_an_invitee_forgets_their_name_and_address_but_keeps_who_invited_them(store, cluster, system):
    fac = cluster["who"]["facilitator"]
    made = store.create_invitation(cluster["who"]["fjell"], _request())
    store.record_delivery(fac, made.id, delivery="sent", next_reminder_at=T0 + timedelta(days=7), at=T0)
    store.erase_person(fac, made.person_id)
    gone = store.invitation(fac, made.id)
    assert (gone.name, gone.email, gone.inviter_name, gone.relation) == ("", "", "Fjell Person", "supplier")
    assert store.due_reminders(system, T0 + timedelta(days=8)) == []  # no mail to an erased person
    store.create_invitation(fac, _request())  # the address is free again


def test_a_registered_member_gets_an_invitation_of_their_own_once(store, cluster, system):
    fac, stuga = cluster["who"]["facilitator"], cluster["who"]["stuga"]
    made = store.invite_member(fac, stuga.person_id, lang="sv")
    assert (made.person_id, made.relation, made.lang, made.organisation_id, made.inviter_name) == (
        stuga.person_id, "other", "sv", cluster["orgs"]["stuga"], "Facilitator")
    assert store.invitation_of(fac, stuga.person_id).id == made.id
    with pytest.raises(ValidationError, match="invited already"):
        store.invite_member(fac, stuga.person_id)
    with pytest.raises(AccessDenied):
        store.invite_member(cluster["who"]["fjell"], cluster["who"]["gard"].person_id)
    with pytest.raises(NotFound):
        store.invitation_of(fac, cluster["who"]["gard"].person_id)


def test_history_is_loaded_as_it_happened_for_the_system_only(store, cluster, system):
    fjell = cluster["who"]["fjell"]
    rows = [{"person_id": cluster["who"]["gard"].person_id, "inviter_id": fjell.person_id, "relation": "supplier",
             "lang": "nb", "note": "", "created_at": T0, "delivery": "sent", "sent_at": T0,
             "reminders": [T0 + timedelta(days=7)], "attempts": 2, "accepted_at": T0 + timedelta(days=8)},
            {"person": {"name": "Ny Person", "email": "ny@example.se"}, "inviter_id": fjell.person_id,
             "relation": "customer", "lang": "sv", "note": "Hej", "created_at": T0, "delivery": "bounced",
             "attempts": 1, "last_error": "refused"}]
    with pytest.raises(AccessDenied):
        store.load_invitations(cluster["who"]["facilitator"], cluster["id"], rows)
    old, new = (store.invitation(fjell, i) for i in store.load_invitations(system, cluster["id"], rows))
    assert (old.inviter_organisation_id, old.reminders, old.accepted_at) == (
        cluster["orgs"]["fjell"], (T0 + timedelta(days=7),), T0 + timedelta(days=8))
    assert (new.name, new.delivery, new.last_error, new.accepted_at) == ("Ny Person", "bounced", "refused", None)
    assert store.person(system, new.person_id).role == "invitee"
