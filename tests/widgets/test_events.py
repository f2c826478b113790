"""The facilitator's "Events" page and the participant's "Events" step without a browser, on a real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from klynge.widgets.events_page import EventsPage, parse_materials
from klynge.widgets.events_service import EventsService
from klynge.widgets.my_events_page import MyEventsPage
from klynge.widgets.my_events_service import MyEventsService

SAMPLES = Path(__file__).parent.parent / "fixtures" / "attendance"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the pages read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def people(cluster, add_colleague):
    return {"kari": add_colleague("fjell", "Kari Nordmann", "kari@fjordhotellet.no"),
            "ase": add_colleague("stuga", "Åse Bjørkås", "ase@bjorkas-gard.no")}


def _page(store, cluster) -> EventsPage:
    return EventsPage(EventsService(store, cluster["who"]["facilitator"]))


def _fill(page, **values) -> None:
    for name, value in values.items():
        getattr(page, f"_{name}").value = value


def test_materials_are_typed_one_per_line():
    assert parse_materials("Slides | https://x.example/s.pdf\n\nhttps://x.example/a\nA | b | https://x.example/c") == [
        {"title": "Slides", "url": "https://x.example/s.pdf"}, {"title": "https://x.example/a",
                                                                "url": "https://x.example/a"},
        {"title": "A | b", "url": "https://x.example/c"}]


def test_a_facilitator_adds_an_event_sees_who_is_far_and_imports_attendance(store, cluster, people):
    page = _page(store, cluster)
    page.lang = "en"
    _fill(page, title=HOSTILE, starts=datetime(2026, 12, 3, 9, 55), ends=datetime(2026, 12, 3, 12, 5),
          venue_kind="member", member=cluster["orgs"]["fjell"], venue_text="Låven",
          materials="Slides | https://klynge.example/s.pdf")
    page.save()
    assert "is saved" in page._status.value and HOSTILE not in page._list.value and "&lt;img" in page._list.value
    eid = page._pick.value
    for who in people.values():
        store.sign_up(who, eid)
    page._draw_event()
    assert "1 person signed up is beyond the hour" in page._people.value and "Åse Bjørkås · Stugbyn i Åre" in \
        page._people.value
    page.import_file((SAMPLES / "zoom_participants.csv").read_bytes(), "zoom.csv")
    assert "2 people matched" in page._result.value and "4 rows unmatched" in page._result.value
    assert len(page._unmatched.children) == 4
    sven = next(b for b in page._unmatched.children if "Sven" in b.children[0].value)
    sven.children[3].click()  # dismiss
    per = next(b for b in page._unmatched.children if "iPhone" in b.children[0].value)
    per.children[2].click()  # resolve without a person: asked to choose one
    assert "Choose a person first" in page._result.value
    per.children[1].value = people["kari"].person_id
    per.children[2].click()
    assert len(page._unmatched.children) == 2
    page.import_file(b"Hello;World\n1;2\n", "notes.csv")
    assert "could not be read as a participant report" in page._result.value and "notes.csv" in page._result.value


def test_an_edit_from_an_old_version_is_refused_and_bad_values_are_explained(store, cluster):
    page = _page(store, cluster)
    page.lang = "nb"
    _fill(page, title="Kurs", starts=datetime(2027, 1, 14, 9), ends=datetime(2027, 1, 14, 8),
          link="https://teams.example/l/1")
    page.save()
    assert "slutter før det begynner" in page._status.value and page._pick.value is None
    _fill(page, ends=datetime(2027, 1, 14, 15), link="ftp://x")
    page.save()
    assert "https://" in page._status.value
    _fill(page, link="https://teams.example/l/1")
    page.save()
    eid = page._pick.value
    other = _page(store, cluster)
    other.edit(eid)
    _fill(page, title="Kurs i prising")
    page.save()
    _fill(other, title="Kurs i salg")
    other.save()
    assert "Noen andre lagret" in other._status.value
    page.remove(eid)
    assert page._pick.value is None and "Ingen arrangementer ennå" in page._list.value


def test_a_participant_signs_up_cancels_and_sees_what_they_attended(store, cluster, people):
    fac = cluster["who"]["facilitator"]
    service = EventsService(store, fac)
    past = service.save({"kind": "workshop", "title": "Workshop 2", "starts_at": datetime(2026, 12, 3, 9, 55),
                         "ends_at": datetime(2026, 12, 3, 12, 5), "online_url": "https://zoom.example/j/1"}, "en")
    service.import_attendance(past.id, (SAMPLES / "zoom_participants.csv").read_bytes())
    service.save({"kind": "course", "title": "Kurs", "starts_at": datetime(2027, 1, 14, 9),
                  "ends_at": datetime(2027, 1, 14, 15), "venue_municipality": "5001", "agenda": HOSTILE,
                  "materials": [{"title": "Plan", "url": "https://klynge.example/plan.pdf"}]}, "en")
    page = MyEventsPage(MyEventsService(store, people["kari"], now=lambda: datetime(2026, 12, 10, tzinfo=UTC)))
    page.lang = "en"
    [item] = page._cards.children
    card, button = item.children
    assert "Kurs" in card.value and "Trondheim" in card.value and "&lt;img" in card.value
    assert 'href="https://klynge.example/plan.pdf"' in card.value and button.description == "Sign me up"
    button.click()
    assert "You are signed up for" in page._status.value
    assert page._cards.children[0].children[1].description == "Cancel my sign-up"
    page._cards.children[0].children[1].click()
    assert "is cancelled" in page._status.value
    assert "Workshop 2" in page._attended.value and "2 h 2 min" in page._attended.value


def test_time_at_an_event_reads_in_hours_and_minutes():
    from klynge.widgets.events_page import duration

    assert [duration(m, "nb") for m in (44.6, 60, 122, 325)] == ["45 min", "1 t", "2 t 2 min", "5 t 25 min"]
    assert duration(120, "sv") == "2 tim" and duration(90, "en") == "1 h 30 min"
