"""``klynge travel A B``: places, organisation numbers and coordinates; each source; errors as one line."""

import json
import socket
import subprocess
import sys

import pytest

from klynge.analysis.travel import Estimate, place
from klynge.cli import run
from klynge.model import Cluster, Organisation
from klynge.store import Identity, open_store


def klynge(*args):
    return subprocess.run([sys.executable, "-m", "klynge", *args], capture_output=True, text=True)


def answer(capsys, *args):
    assert run(["travel", *args, "--json"]) == 0
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def test_two_place_names_as_json_with_minutes_km_and_source(capsys):
    data, err = answer(capsys, "Trondheim", "steinkjer")
    assert set(data) == {"minutes", "km", "source"} and data["source"] == "estimate" and err == ""
    expected = Estimate().between(place("Trondheim"), place("Steinkjer"))
    assert data["minutes"] == pytest.approx(expected.minutes, abs=0.06)
    assert data["km"] == pytest.approx(expected.km, abs=0.06)


def test_plain_output_names_both_places_and_the_source(capsys):
    assert run(["travel", "63.4305,10.3951", "Rissa"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("63.43050,10.39510 to Rissa: ") and line.endswith("km (estimate)")


def test_a_municipality_code_is_met_at_its_centre(capsys):
    by_code, _ = answer(capsys, "5001", "5006")
    by_name, _ = answer(capsys, "Trondheim", "Steinkjer")
    assert by_code == by_name


def test_an_unknown_place_fails_with_one_line_offering_the_nearest_names():
    out = klynge("travel", "Trondhiem", "Steinkjer")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "klynge: 'Trondhiem' is not a place in the reference data; did you mean Trondheim, Strömsund, "
        "Trångsviken, Tråante?"]


def test_coordinates_outside_the_nordics_fail_with_one_line():
    out = klynge("travel", "Trondheim", "48.8566,2.3522")
    assert out.returncode == 1 and "outside the Nordic countries" in out.stderr and "Traceback" not in out.stderr


def test_the_matrix_source_wins_and_falls_back_per_pair(capsys, tmp_path):
    path = tmp_path / "minutes.csv"
    path.write_text("from,to,minutes,km\nTrondheim,Steinkjer,111,125\n", encoding="utf-8")
    data, err = answer(capsys, "Trondheim", "Steinkjer", "--source", "matrix", "--matrix", str(path))
    assert data == {"minutes": 111, "km": 125, "source": "matrix"} and err == ""
    data, err = answer(capsys, "Trondheim", "Røros", "--source", "matrix", "--matrix", str(path))
    assert data["source"] == "estimate" and "not in minutes.csv" in err


def test_the_matrix_source_needs_a_file_and_a_good_one(tmp_path):
    out = klynge("travel", "Trondheim", "Steinkjer", "--source", "matrix")
    assert out.returncode == 1 and "--matrix FILE" in out.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to,minutes\nTrondheim,Steinkjer,-3\n", encoding="utf-8")
    out = klynge("travel", "Trondheim", "Steinkjer", "--source", "matrix", "--matrix", str(bad))
    assert out.returncode == 1 and "row 2, column 'minutes': -3 is negative" in out.stderr


def test_osrm_down_gives_the_estimate_marked_as_such(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data, err = answer(capsys, "Trondheim", "Steinkjer", "--source", "osrm", "--osrm-url",
                       f"http://127.0.0.1:{port}", "--timeout", "2")
    assert data["source"] == "estimate"
    assert err.startswith(f"klynge: cannot reach the OSRM server at http://127.0.0.1:{port}")


def test_organisation_numbers_are_found_in_the_database(capsys, tmp_path):
    db = tmp_path / "k.db"
    system = Identity.system()
    with open_store(f"sqlite:///{db}") as store:
        cid = store.create_cluster(system, Cluster(name="Nysesong"))
        store.add_organisation(system, Organisation(name="Fjellguidene", country="NO", orgnr="974760673",
                                                    municipality="5021", lat=62.60, lon=9.70), cid)
        store.add_organisation(system, Organisation(name="Stugbyn", country="SE", orgnr="5560160680",
                                                    municipality="2321"), cid)
    assert run(["--db", str(db), "travel", "974 760 673", "Trondheim"]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("Fjellguidene to Trondheim: ")
    # No coordinates: the municipality's centre, said on standard error.
    assert run(["--db", str(db), "travel", "556016-0680", "Åre", "--json"]) == 0
    out = capsys.readouterr()
    assert "Stugbyn has no coordinates; the centre of Åre (Järpen) is used" in out.err
    assert json.loads(out.out)["minutes"] == pytest.approx(
        Estimate().between(place("Järpen"), place("Åre")).minutes, abs=0.06)
    out = klynge("--db", str(db), "travel", "923609016", "Trondheim")
    assert out.returncode == 1 and "no organisation with organisation number 923609016" in out.stderr


def test_help_lists_the_sources():
    out = klynge("travel", "--help")
    assert out.returncode == 0 and "estimate|matrix|osrm" in out.stdout.replace("{", "").replace("}", "") \
        .replace(",", "|")
