"""``klynge partners`` and ``klynge meetings plan`` on the demo cluster in a real SQLite file."""

from __future__ import annotations

import json

import pytest

from klynge.cli import main, run
from klynge.demo import load_demo
from klynge.model import SdgEntry
from klynge.settings import load_settings
from klynge.store import Identity, open_store

FJELL = "977347211"  # Fjellgløtt Guiding, Oppdal
GARD = "987132183"   # Kjerringa Gårdsmat, Oppdal
SYSTEM = Identity.system()


@pytest.fixture
def demo(tmp_path):
    """The demo loaded into a SQLite file of this test: (database URL, store)."""
    settings = load_settings({}, home=str(tmp_path / "home"))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    yield settings.db, store
    store.close()


def _json(capsys, *argv) -> dict:
    assert run(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_partners_are_ranked_with_their_reasons_and_filtered(demo, capsys):
    db, _store = demo
    data = _json(capsys, "partners", FJELL, "--db", db, "--json")
    assert data["member"] == {"orgnr": FJELL, "name": "Fjellgløtt Guiding"}
    partners = data["partners"]
    assert len(partners) == 10 and [p["rank"] for p in partners] == list(range(1, 11))
    assert [p["total"] for p in partners] == sorted((p["total"] for p in partners), reverse=True)
    assert set(partners[0]["parts"]) == {"complementarity", "nearness", "low_season", "sdg", "phase"}
    assert FJELL not in {p["orgnr"] for p in partners}
    near = _json(capsys, "partners", "977 347 211", "--db", db, "--json", "--within-hour", "--kind", "company",
                 "--top", "3")["partners"]
    assert len(near) == 3 and all(p["minutes"] <= 60 and p["kind"] == "company" for p in near)
    swedish = _json(capsys, "partners", FJELL, "--db", db, "--json", "--country", "SE")["partners"]
    assert swedish and all(p["country"] == "SE" for p in swedish)


def test_partners_prints_a_readable_list(demo, capsys):
    db, _store = demo
    assert run(["partners", FJELL, "--db", db, "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Partners for Fjellgløtt Guiding (977347211), best first:")
    assert " 1. " in out and " 2. " in out and " 3. " not in out and "complementarity" in out


def test_a_partners_private_sdg_entries_do_not_shape_the_command_lines_ranking(demo, capsys):
    """The command reads as the system, which sees private entries: the service must leave them out."""
    db, store = demo
    first = _json(capsys, "partners", FJELL, "--db", db, "--json")["partners"][0]
    assert first["parts"]["sdg"] > 0
    org = next(o for o in store.organisations(SYSTEM) if o.orgnr.replace(" ", "") == first["orgnr"])
    sdg, rev = store.sdg(SYSTEM, org.id)
    store.save_sdg(SYSTEM, org.id, [SdgEntry(**{**e.model_dump(), "visibility": "private"}) for e in sdg.entries],
                   rev.number)
    again = {p["orgnr"]: p for p in _json(capsys, "partners", FJELL, "--db", db, "--json", "--top", "80")["partners"]}
    assert again[first["orgnr"]]["parts"]["sdg"] == 0.0


def test_an_unknown_organisation_number_is_one_line(demo, capsys):
    db, _store = demo
    with pytest.raises(SystemExit) as exit:
        main(["partners", "999999999", "--db", db])
    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("klynge: no member with organisation number 999999999") and "Traceback" not in err


def test_meetings_plan_names_the_venues_and_who_is_outside_the_hour(demo, capsys, tmp_path):
    db, _store = demo
    data = _json(capsys, "meetings", "plan", "--db", db, "--json", "--figure", str(tmp_path / "map.png"))
    assert data["limit"] == 60 and 1 <= len(data["chosen"]) <= 15
    assert "Tännäsbäckens Fjällgård" in data["outside"]
    within = [m for m in data["members"] if m["within"]]
    assert within and all(m["minutes"] <= 60 and m["venue"] in data["chosen"] for m in within)
    assert (tmp_path / "map.png").read_bytes().startswith(b"\x89PNG")
    two = _json(capsys, "meetings", "plan", "--db", db, "--json", "--members", FJELL, GARD)
    assert two["chosen"] == ["Oppdal"] and two["outside"] == []
    assert run(["meetings", "plan", "--db", db, "--members", FJELL, GARD, "--limit", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 venue puts the members within 30 minutes: Oppdal") and "Fjellgløtt Guiding: Oppdal" in out


def test_a_meeting_of_one_member_is_refused_in_one_line(demo, capsys):
    db, _store = demo
    with pytest.raises(SystemExit) as exit:
        main(["meetings", "plan", "--db", db, "--members", FJELL, "--lang", "en"])
    assert exit.value.code == 1
    assert capsys.readouterr().err.strip() == "klynge: a meeting needs at least two members; 1 given"


@pytest.mark.parametrize("option", [["--kind", "castle"], ["--phase", "dreaming"], ["--country", "DK"], ["--top", "0"]])
def test_an_unknown_filter_is_a_usage_error_that_names_what_is_known(demo, capsys, option):
    db, _store = demo
    with pytest.raises(SystemExit) as stopped:
        run(["partners", FJELL, "--db", db, *option])
    assert stopped.value.code == 2
    said = capsys.readouterr().err
    assert option[0] in said and (option[1] in said)
