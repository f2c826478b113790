"""A person's record holds their part in mobilisation, and erasing them leaves no name or address there."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from klynge.store import schema as s

NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


def _mobilise(store, cluster) -> dict[str, int]:
    """An invitation from fjell's participant to a new person, an event they attended, an unmatched row
    resolved to the invitee, and hours the invitee logged."""
    inviter = cluster["who"]["fjell"].person_id
    with store.engine.begin() as c:
        invitee = c.execute(s.people.insert().values(
            cluster_id=cluster["id"], name="Ivar Invitert", email="ivar@example.no", role="participant",
            organisation_id=cluster["orgs"]["gard"], created_at=NOW, position="board")).inserted_primary_key[0]
        c.execute(s.invitations.insert().values(
            cluster_id=cluster["id"], person_id=invitee, inviter_id=inviter,
            inviter_organisation_id=cluster["orgs"]["fjell"], organisation_id=cluster["orgs"]["gard"],
            relation="supplier", note="Hei Ivar, du leverer jo lammet vårt", lang="nb", created_at=NOW,
            delivery="sent", sent_at=NOW, reminders=[], attempts=1, last_error="", accepted_at=NOW))
        event = c.execute(s.events.insert().values(
            cluster_id=cluster["id"], kind="workshop", title="Verksted", starts_at=NOW, ends_at=NOW,
            online_url="https://zoom.example/j/1", venue_text="", agenda="", materials=[], version=1,
            created_at=NOW, updated_at=NOW)).inserted_primary_key[0]
        c.execute(s.event_people.insert().values(event_id=event, person_id=invitee, signed_up_at=NOW,
                                                 attended_minutes=90, attendance_source="zoom", updated_at=NOW))
        c.execute(s.attendance_unmatched.insert().values(
            event_id=event, name="Ivar (mobil)", email="ivar.privat@example.com", minutes=30, imported_at=NOW,
            resolved_person_id=invitee, resolved_at=NOW))
        c.execute(s.hours.insert().values(
            person_id=invitee, organisation_id=cluster["orgs"]["gard"], activity="workshop", day=date(2026, 10, 1),
            hours=1.5, event_id=event, note="", source="attendance", created_at=NOW))
    return {"invitee": invitee, "inviter": inviter, "event": event}


def test_a_persons_record_holds_their_invitations_events_attendance_and_hours(store, system, cluster):
    ids = _mobilise(store, cluster)
    record = store.person_record(system, ids["invitee"])
    assert record["person"]["position"] == "board"
    assert [i["relation"] for i in record["invitations_received"]] == ["supplier"]
    assert "key_id" not in record["invitations_received"][0]
    assert record["events"][0]["attended_minutes"] == 90
    assert record["attendance_rows_resolved_to_them"][0]["email"] == "ivar.privat@example.com"
    assert float(record["hours"][0]["hours"]) == 1.5 and record["hours"][0]["source"] == "attendance"
    sent = store.person_record(system, ids["inviter"])["invitations_sent"]
    assert [i["note"] for i in sent] == ["Hei Ivar, du leverer jo lammet vårt"]


def test_erasing_leaves_no_name_or_address_in_the_attendance_rows_and_no_words_in_their_invitations(
        store, system, cluster):
    ids = _mobilise(store, cluster)
    store.erase_person(system, ids["invitee"])
    store.erase_person(system, ids["inviter"])
    with store.engine.connect() as c:
        row = c.execute(select(s.attendance_unmatched)).mappings().one()
        assert (row["name"], row["email"], row["minutes"]) == ("", "", 30)
        assert c.execute(select(s.invitations.c.note)).scalar() == ""
        assert c.execute(select(s.hours.c.hours)).scalar() == 1.5  # their work stays, by id
