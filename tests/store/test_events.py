"""Events, sign-ups and attendance imports in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from klynge.attendance import read_attendance
from klynge.errors import AccessDenied, Conflict, NotFound, ValidationError
from klynge.model import Event
from klynge.model.event import LOCAL
from klynge.store import schema as s
from klynge.store.events import quarter_hours
from klynge.validation import validate

SAMPLES = Path(__file__).parent.parent / "fixtures" / "attendance"


def _event(**change) -> Event:
    values = {"kind": "workshop", "title": "Workshop 2: Vinterpakker",
              "starts_at": datetime(2026, 12, 3, 9, 55), "ends_at": datetime(2026, 12, 3, 12, 5),
              "online_url": "https://zoom.example/j/81234567890", "agenda": "1. Pakker\n2. Priser",
              "materials": [{"title": "Slides", "url": "https://klynge.example/slides.pdf"}]}
    return Event.model_validate({**values, **change})


@pytest.fixture
def sample_people(store, cluster, system, add_colleague):
    """The people of the recorded samples who are members: Kari (fjell), Ola (gard), Åse (stuga), Ingrid (host)."""
    from klynge.model import Person
    ingrid = store.add_person(system, Person(name="Ingrid Solberg", email="ingrid@klynge.example",
                                             role="facilitator"), cluster["id"])
    return {"ingrid": ingrid,
            "kari": add_colleague("fjell", "Kari Nordmann", "kari@fjordhotellet.no").person_id,
            "ola": add_colleague("gard", "Ola Hansen", "ola.hansen@lofotenrib.no").person_id,
            "ase": add_colleague("stuga", "Åse Bjørkås", "ase@bjorkas-gard.no").person_id}


def _hours(store, event_id, *, removed=False):
    h = s.hours
    with store.engine.connect() as c:
        q = select(h.c.person_id, h.c.hours, h.c.activity, h.c.day, h.c.source).where(h.c.event_id == event_id)
        q = q.where(h.c.removed_at.is_not(None) if removed else h.c.removed_at.is_(None))
        return {r.person_id: (Decimal(r.hours), r.activity, r.day, r.source) for r in c.execute(q)}


def _import(store, fac, event_id, name="zoom_participants.csv"):
    report = read_attendance(SAMPLES / name, store.attendance_people(fac, event_id))
    return store.import_attendance(fac, event_id, report)


def test_an_event_is_checked_and_explained_in_each_language():
    with pytest.raises(ValidationError) as caught:
        validate(Event, {"kind": "workshop", "title": "Kick-off", "starts_at": "2026-09-10T12:00",
                         "ends_at": "2026-09-10T10:00", "online_url": "https://x.example"}, "nb")
    assert "slutter før det begynner" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        validate(Event, {"kind": "course", "title": "Kurs", "starts_at": "2026-09-10T10:00",
                         "ends_at": "2026-09-10T12:00"}, "sv")
    assert "plats eller en webblänk" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        validate(Event, {"kind": "meeting", "title": "Møte", "starts_at": "2026-09-10T10:00",
                         "ends_at": "2026-09-10T12:00", "online_url": "javascript:alert(1)",
                         "materials": [{"title": "Slides", "url": "ftp://x.example/a"}]}, "en")
    problems = dict(caught.value.problems)
    assert problems["Online link"] == "expected a web link starting with https:// or http://"
    assert "Materials › item 1 › Link" in problems
    with pytest.raises(ValidationError):
        validate(Event, {"kind": "party", "title": "x", "starts_at": "2026-09-10T10:00",
                         "ends_at": "2026-09-10T12:00", "venue_municipality": "5001"}, "en")
    physical = validate(Event, {"kind": "kickoff", "title": "Oppstart", "starts_at": "2026-09-10T10:00",
                                "ends_at": "2026-09-10T15:00", "venue_municipality": "5001"}, "nb")
    assert physical.physical and physical.activity == "meeting" and physical.starts_at.tzinfo == LOCAL


def test_events_round_trip_with_versions_and_removal_keeps_the_row(store, cluster):
    fac = cluster["who"]["facilitator"]
    first = store.add_event(fac, _event(venue_organisation_id=cluster["orgs"]["fjell"], venue_text="Låven"))
    assert first.version == 1 and first.author == "Facilitator"
    assert first.event.starts_at == datetime(2026, 12, 3, 9, 55, tzinfo=LOCAL) and first.day == date(2026, 12, 3)
    second = store.update_event(fac, first.id, _event(title="Workshop 2: Vinterpakker og priser"), 1)
    assert second.version == 2 and second.event.venue_organisation_id is None
    with pytest.raises(Conflict) as caught:
        store.update_event(fac, first.id, _event(title="From version 1"), 1)
    assert caught.value.saved_by == ["Facilitator"]
    history = store.event_history(fac, first.id)
    assert [(h.version, h.event.title, h.event.venue_text) for h in history] == [
        (1, "Workshop 2: Vinterpakker", "Låven"), (2, "Workshop 2: Vinterpakker og priser", "")]
    later = store.add_event(fac, _event(title="Kurs", kind="course", starts_at=datetime(2027, 1, 14, 9),
                                        ends_at=datetime(2027, 1, 14, 15)))
    assert [e.id for e in store.events(fac)] == [first.id, later.id]
    store.remove_event(fac, first.id)
    assert [e.id for e in store.events(cluster["who"]["fjell"])] == [later.id]
    assert store.event(fac, first.id).removed_at is not None  # kept
    with pytest.raises(NotFound):
        store.update_event(fac, first.id, _event(), 2)
    with pytest.raises(ValidationError, match="not a member of this cluster"):
        store.add_event(fac, _event(venue_organisation_id=9999))


def test_who_may_manage_read_and_sign_up(store, cluster, system):
    who = cluster["who"]
    e = store.add_event(who["facilitator"], _event())
    with pytest.raises(AccessDenied):
        store.add_event(who["fjell"], _event())
    with pytest.raises(AccessDenied):
        store.update_event(who["fjell"], e.id, _event(), 1)
    with pytest.raises(AccessDenied):
        store.event_people(who["fjell"], e.id)
    for action in (lambda: store.events(who["researcher"]), lambda: store.sign_up(who["researcher"], e.id)):
        with pytest.raises(AccessDenied):
            action()
    store.sign_up(who["fjell"], e.id)
    store.sign_up(who["fjell"], e.id)  # twice is once
    with pytest.raises(AccessDenied):
        store.sign_up(who["fjell"], e.id, who["gard"].person_id)  # not for someone else
    store.sign_up(who["facilitator"], e.id, who["gard"].person_id)
    people = store.event_people(who["facilitator"], e.id)
    assert [p.name for p in people] == ["Fjell Person", "Gard Person"]
    assert people[0].organisation == "Fjellguidene" and people[0].signed_up_at is not None
    assert store.event(who["fjell"], e.id).signed_up == 2
    assert [(ev.id, signed) for ev, signed, _ in store.my_events(who["fjell"])] == [(e.id, True)]
    store.cancel_sign_up(who["fjell"], e.id)
    assert [(ev.id, signed) for ev, signed, _ in store.my_events(who["fjell"])] == [(e.id, False)]
    assert [p.name for p in store.event_people(who["facilitator"], e.id)] == ["Gard Person"]
    other = store.create_cluster(system, type(store.cluster(system, cluster["id"]))(name="Annen"))
    alien = store.add_event(system, _event(), cluster_id=other)
    with pytest.raises(AccessDenied):
        store.sign_up(who["fjell"], alien.id)
    with pytest.raises(NotFound):
        store.sign_up(who["facilitator"], e.id, 99999)


def test_the_zoom_sample_writes_attendance_unmatched_rows_and_hours(store, cluster, sample_people):
    fac, p = cluster["who"]["facilitator"], sample_people
    e = store.add_event(fac, _event())
    store.sign_up(fac, e.id, p["kari"])
    result = _import(store, fac, e.id)
    assert (result.source, result.rows, result.duplicates) == ("zoom", 8, 1)
    assert [name for _, name, _ in result.matched] == ["Ingrid Solberg", "Kari Nordmann", "Ola Hansen", "Åse Bjørkås"]
    assert [(u.name, u.email) for u in result.unmatched] == [("iPhone (Per)", ""),
                                                           ("Sven Lindqvist", "sven@fjallbyn.se")]
    assert result.as_dict()["unmatched"] == 2 and result.as_dict()["matched"] == 4
    people = {x.person_id: x for x in store.event_people(fac, e.id)}
    assert people[p["kari"]].signed_up_at is not None  # the sign-up stays beside the attendance
    assert people[p["kari"]].attended_minutes == pytest.approx(43 + 18 / 60 + 78 + 35 / 60)
    assert people[p["ola"]].source == "zoom" and people[p["ola"]].signed_up_at is None
    hours = _hours(store, e.id)
    # Ingrid is the facilitator, of no organisation: no in-kind hours
    assert hours == {p["kari"]: (Decimal("2.00"), "workshop", date(2026, 12, 3), "attendance"),
                     p["ola"]: (Decimal("2.00"), "workshop", date(2026, 12, 3), "attendance"),
                     p["ase"]: (Decimal("1.50"), "workshop", date(2026, 12, 3), "attendance")}
    assert result.hours_rows == 3
    assert [ev.attended for ev in store.events(fac)] == [4]
    moved = store.update_event(fac, e.id, _event(kind="course", starts_at=datetime(2026, 12, 2, 9, 55),
                                                 ends_at=datetime(2026, 12, 2, 12, 5)), 1)
    assert moved.version == 2 and _hours(store, e.id)[p["ase"]] == (Decimal("1.50"), "course", date(2026, 12, 2),
                                                                      "attendance")
    mine = store.my_events(cluster["who"]["fjell"])
    assert mine[0][2] is None


def test_a_second_import_replaces_never_doubles_and_remembers_resolutions(store, cluster, sample_people):
    fac, p = cluster["who"]["facilitator"], sample_people
    e = store.add_event(fac, _event())
    first = _import(store, fac, e.id)
    per = next(u for u in first.unmatched if u.email == "")
    sven = next(u for u in first.unmatched if u.email)
    store.resolve_unmatched(fac, per.id, p["ola"])  # Per's phone was Ola's second device, say
    ola = {x.person_id: x for x in store.event_people(fac, e.id)}[p["ola"]]
    assert ola.attended_minutes == pytest.approx(130)  # capped at the event's length
    assert _hours(store, e.id)[p["ola"]][0] == Decimal("2.25")
    store.dismiss_unmatched(fac, sven.id)
    assert store.unmatched_attendance(fac, e.id) == []
    assert len(store.unmatched_attendance(fac, e.id, pending=False)) == 2
    with pytest.raises(ValidationError, match="resolved or dismissed already"):
        store.resolve_unmatched(fac, sven.id, p["kari"])
    again = _import(store, fac, e.id)
    assert again.unmatched == [] and again.dismissed == 1
    assert {pid: h[0] for pid, h in _hours(store, e.id).items()} == {
        p["kari"]: Decimal("2.00"), p["ola"]: Decimal("2.25"), p["ase"]: Decimal("1.50")}
    assert set(_hours(store, e.id, removed=True)) == {p["kari"], p["ola"], p["ase"]}  # kept, marked removed
    teams = _import(store, fac, e.id, "teams_attendance.csv")
    assert teams.source == "teams"
    assert {pid: h[0] for pid, h in _hours(store, e.id).items()} == {
        p["kari"]: Decimal("2.00"), p["ola"]: Decimal("2.00"), p["ase"]: Decimal("1.50")}
    assert [u.name for u in teams.unmatched] == ["Per Olsen (Guest)"]  # another name: to resolve again


def test_attendance_is_refused_before_the_event_and_for_strangers(store, cluster, sample_people):
    fac = cluster["who"]["facilitator"]
    soon = store.add_event(fac, _event(starts_at=datetime.now(LOCAL) + timedelta(days=2),
                                       ends_at=datetime.now(LOCAL) + timedelta(days=2, hours=2)))
    report = read_attendance(SAMPLES / "zoom_participants.csv", store.attendance_people(fac, soon.id))
    with pytest.raises(ValidationError, match="not started yet"):
        store.import_attendance(fac, soon.id, report)
    e = store.add_event(fac, _event())
    forged = read_attendance(SAMPLES / "zoom_participants.csv", {"kari@fjordhotellet.no": 99999})
    with pytest.raises(ValidationError, match="not of this cluster"):
        store.import_attendance(fac, e.id, forged)
    with pytest.raises(AccessDenied):
        store.import_attendance(cluster["who"]["fjell"], e.id, report)
    with pytest.raises(AccessDenied):
        store.attendance_people(cluster["who"]["fjell"], e.id)
    assert _hours(store, e.id) == {}


def test_hours_stay_within_a_day_and_round_to_quarters(store, cluster, sample_people):
    assert [quarter_hours(m) for m in (0, 7, 8, 52, 53, 2000)] == [
        Decimal(0), Decimal(0), Decimal("0.25"), Decimal("0.75"), Decimal("1"), Decimal(24)]
    fac, p = cluster["who"]["facilitator"], sample_people
    with store.engine.begin() as c:  # Kari logged 23 hours by hand that day already
        c.execute(s.hours.insert().values(person_id=p["kari"], organisation_id=cluster["orgs"]["fjell"],
                                          activity="other", day=date(2026, 12, 3), hours=Decimal(23), note="",
                                          source="manual", created_at=datetime.now(LOCAL)))
    e = store.add_event(fac, _event())
    _import(store, fac, e.id)
    assert _hours(store, e.id)[p["kari"]][0] == Decimal("1.00")


def test_other_samples_read_into_the_store(store, cluster, sample_people):
    """Excel's re-saved file: semicolons, Windows-1252, day-first dates, columns in another order."""
    fac, p = cluster["who"]["facilitator"], sample_people
    e = store.add_event(fac, _event())
    result = _import(store, fac, e.id, "excel_resaved.csv")
    assert result.source == "zoom"  # Zoom's columns, re-saved
    minutes = {x.person_id: x.attended_minutes for x in store.event_people(fac, e.id)}
    assert minutes[p["ase"]] == pytest.approx(90) and minutes[p["kari"]] == pytest.approx(43 + 18 / 60 + 78 + 35 / 60)
    assert [u.name for u in result.unmatched] == ["Sven Lindqvist"]
