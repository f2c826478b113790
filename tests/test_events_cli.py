"""``klynge events`` and ``klynge attendance import`` on a small cluster in a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klynge.cli import main, run
from klynge.model import Cluster, Organisation, Person
from klynge.settings import load_settings
from klynge.store import Identity, open_store

SAMPLES = Path(__file__).parent / "fixtures" / "attendance"
SYSTEM = Identity.system()


@pytest.fixture
def db(tmp_path):
    """A cluster with the members of the recorded samples: Kari and Åse; the database URL."""
    settings = load_settings({}, home=str(tmp_path / "home"))
    with open_store(settings.db) as store:
        cid = store.create_cluster(SYSTEM, Cluster(name="Nysesong"))
        fjell = store.add_organisation(SYSTEM, Organisation(name="Fjellguidene", country="NO", orgnr="974760673",
                                                            municipality="5021", sector="activity"), cid)
        store.add_person(SYSTEM, Person(name="Kari Nordmann", email="kari@fjordhotellet.no", organisation_id=fjell),
                         cid)
        store.add_person(SYSTEM, Person(name="Åse Bjørkås", email="ase@bjorkas-gard.no", organisation_id=fjell), cid)
    return settings.db


def _json(capsys, *argv):
    assert run(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_an_event_is_added_listed_and_its_zoom_report_imported(db, capsys):
    added = _json(capsys, "events", "add", "workshop", "Workshop 2", "--starts", "2026-12-03T09:55",
                  "--ends", "2026-12-03T12:05", "--municipality", "5021", "--venue", "Låven", "--db", db, "--json")
    assert added["venue"] == "Oppdal, Låven" and added["starts_at"] == "2026-12-03T09:55:00+01:00"
    listed = _json(capsys, "events", "list", "--db", db, "--json")
    assert [e["id"] for e in listed] == [added["id"]]
    result = _json(capsys, "attendance", "import", str(SAMPLES / "zoom_participants.csv"), "--event",
                   str(added["id"]), "--db", db, "--json")
    assert (result["matched"], result["unmatched"], result["rows"], result["duplicates"]) == (2, 4, 8, 1)
    assert [r["name"] for r in result["unmatched_rows"]] == ["Ingrid Solberg", "iPhone (Per)", "Ola Hansen",
                                                             "Sven Lindqvist"]
    assert result["unmatched_rows"][0]["email"] == "ingrid@klynge.example"
    again = _json(capsys, "attendance", "import", str(SAMPLES / "teams_attendance.csv"), "--event",
                  str(added["id"]), "--db", db, "--json")
    assert again["matched"] == 2 and again["hours_rows"] == 2  # replaced, not added
    assert run(["events", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Workshop 2  (Oppdal, Låven); 0 signed up, 2 attended" in out


def test_the_readable_summary_names_who_is_left_to_resolve(db, capsys):
    eid = _json(capsys, "events", "add", "course", "Kurs", "--starts", "2026-12-03T09:00", "--ends",
                "2026-12-03T13:00", "--link", "https://teams.example/l/1", "--db", db, "--json")["id"]
    assert run(["attendance", "import", str(SAMPLES / "excel_resaved.csv"), "--event", str(eid), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "excel_resaved.csv (zoom, 6 rows, 1 repeated)" in out and "matched: 2 people" in out
    assert "    Kari Nordmann: 122 min" in out
    assert "unmatched: 2 (resolve them on the facilitator's Events page)" in out
    assert "    Sven Lindqvist <sven@fjallbyn.se>: 110 min" in out


def test_bad_files_and_events_are_clear_messages_with_a_non_zero_exit(db, capsys, tmp_path):
    eid = _json(capsys, "events", "add", "meeting", "Møte", "--starts", "2026-12-01T10:00", "--ends",
                "2026-12-01T11:00", "--link", "https://x.example/m", "--db", db, "--json")["id"]
    notes = tmp_path / "notes.csv"
    notes.write_text("Hello;World\n1;2\n", encoding="utf-8")
    cases = [([str(notes), "--event", str(eid)], "is not an attendance report"),
             ([str(tmp_path / "missing.csv"), "--event", str(eid)], "cannot read the attendance report"),
             ([str(SAMPLES / "zoom_participants.csv"), "--event", "999"], "no event with id 999")]
    for argv, message in cases:
        with pytest.raises(SystemExit) as caught:
            main(["attendance", "import", *argv, "--db", db])
        assert caught.value.code == 1
        err = capsys.readouterr().err
        assert err.startswith("klynge: ") and message in err and "Traceback" not in err
    with pytest.raises(SystemExit) as caught:
        main(["events", "add", "meeting", "Møte", "--starts", "2026-12-01T10:00", "--ends", "2026-12-01T09:00",
              "--link", "https://x.example/m", "--db", db, "--lang", "en"])
    assert caught.value.code == 1 and "the event ends before it starts" in capsys.readouterr().err


def test_the_demo_holds_three_events_with_attendance_sign_ups_and_people_beyond_the_hour(tmp_path, capsys):
    from klynge.batch.data import batch_identity
    from klynge.demo import load_demo
    from klynge.store.bulk import dump, load
    from klynge.widgets.events_service import EventsService

    settings = load_settings({}, home=str(tmp_path / "home"))
    with open_store(settings.db) as store:
        load_demo(store, settings, progress=False)
        service = EventsService(store, batch_identity(store))
        kickoff, workshop, course = service.events()
        assert (kickoff.event.kind, workshop.event.kind, course.event.kind) == ("kickoff", "workshop", "course")
        assert (kickoff.attended, workshop.attended, course.attended) == (6, 3, 0)
        assert course.signed_up == 6 and course.event.starts_at.year == 2027
        assert [u.name for u in service.unmatched(kickoff.id)] == ["iPad (Gjest)"]
        far = [f.organisation for f in service.beyond_the_hour(course.id)]
        assert "Fjällbrasa Stugby" in far and "Hotell Storsjöporten" in far and "Kaihotellet Brattøra" not in far
        tables = dump(store, SYSTEM)
        attended = [r for r in tables["hours"] if r["source"] == "attendance"]
        assert len(attended) == 9 and {r["event_id"] for r in attended} == {kickoff.id, workshop.id}
        assert min(r["day"] for r in attended) == "2026-09-10"
    with open_store(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        load(copy, SYSTEM, tables)
        assert len(dump(copy, SYSTEM)["hours"]) == len(tables["hours"])
