"""``klynge packages suggest`` on the demo cluster in a real SQLite file."""

from __future__ import annotations

import json

import pytest

from klynge.cli import main, run
from klynge.demo import load_demo
from klynge.settings import load_settings
from klynge.store import open_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded into a SQLite file of this module: its database URL."""
    settings = load_settings({}, home=str(tmp_path_factory.mktemp("demo") / "home"))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    store.close()
    return settings.db


def test_suggestions_come_with_their_parts_reasons_and_status(demo, capsys):
    assert run(["packages", "suggest", "--db", demo, "--json", "--count", "3", "--months", "10",
                "--time-limit", "8", "--lang", "en"]) == 0
    said = capsys.readouterr()
    data, found = json.loads(said.out), json.loads(said.out)["suggestions"]
    # The demo's package settings give a SEK rate, so its Swedish members' offers take part.
    assert not data["unpriced"].get("SEK") and "offers in SEK are left out" not in said.err
    assert 1 <= len(found) <= 3 and data["currency"] == "NOK"
    offers = [i for s in found for i in s["offer_ids"]]
    assert len(offers) == len(set(offers))
    for s in found:
        assert len({p["organisation"] for p in s["parts"]}) >= 2 and s["months"] == [10]
        assert all(leg["minutes"] <= data["max_leg_minutes"] for leg in s["legs"])
        assert s["reasons"] and (s["optimal"] or s["gap"] is not None) and s["status"]
    assert run(["packages", "suggest", "--db", demo, "--count", "1", "--months", "10", "--lang", "nb"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ") and "Samler" in out and ("Bevist" in out or "Tiden gikk ut" in out)


def test_no_possible_package_is_one_line_naming_the_limit(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run(["init", "Nysesong", "--db", db]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(["packages", "suggest", "--db", db, "--lang", "en"])
    assert stopped.value.code == 1
    assert capsys.readouterr().err.strip() == ("klynge: No package is possible: the offers come from fewer than "
                                               "two members")


@pytest.mark.parametrize("option", [["--theme", "beach"], ["--count", "0"], ["--months", "13"],
                                    ["--months", "oct"], ["--time-limit", "0"]])
def test_a_bad_option_is_a_usage_error(demo, capsys, option):
    with pytest.raises(SystemExit) as stopped:
        run(["packages", "suggest", "--db", demo, *option])
    assert stopped.value.code == 2
    assert option[0] in capsys.readouterr().err
