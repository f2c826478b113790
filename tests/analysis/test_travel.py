"""Travel times: places, the offline estimate with its barriers and ferries, matrix files, the registry."""

import time

import numpy as np
import pandas as pd
import pytest

from klynge import resources
from klynge.analysis import travel
from klynge.analysis.travel import Estimate, MatrixFile, Place, parse_place, place
from klynge.analysis.travel import estimate as estimate_module
from klynge.analysis.travel.estimate import barriers, read_table, terrain_of
from klynge.analysis.travel.geometry import crosses, haversine_km, project
from klynge.errors import DataError, NotFound, ValidationError


def between(a, b, **options):
    return Estimate(**options).between(place(a), place(b))


# -- places ---------------------------------------------------------------------------------


def test_places_by_centre_municipality_locality_and_without_accents():
    assert place("Stjørdalshalsen") == place("stjordalshalsen")
    assert place("Frøya").lat == place("Sistranda").lat  # a municipality is met at its centre
    assert place("Snåase").lat == place("Snåsa").lat  # official Sami name
    assert place("Åre").lon == pytest.approx(13.08, abs=0.01)  # the resort, not Järpen
    assert place("Järpen").lon == pytest.approx(13.46, abs=0.01)


def test_unknown_place_names_the_nearest_spellings():
    with pytest.raises(NotFound) as err:
        place("Trondhiem")
    assert "Trondheim" in str(err.value) and "did you mean" in str(err.value)
    with pytest.raises(NotFound, match="not a place in the reference data"):
        place("Oslo")


def test_coordinates_are_read_and_checked_against_the_nordics():
    p = parse_place("63.4305, 10.3951")
    assert (p.lat, p.lon) == (63.4305, 10.3951)
    for text in ("48.85,2.35", "10.39,63.43", "63.4,45.0"):
        with pytest.raises(ValidationError, match="outside the Nordic countries"):
            parse_place(text)
    with pytest.raises(ValidationError, match="not a number"):
        Estimate().matrix([[63.4, np.nan]], [[63.4, 10.4]])


# -- the estimate ---------------------------------------------------------------------------


def test_a_place_to_itself_is_zero_and_legs_are_symmetric_without_ferries():
    e = Estimate()
    names = ["Trondheim", "Steinkjer", "Östersund", "Røros"]
    m = e.matrix([place(n) for n in names], [place(n) for n in names])
    assert np.allclose(np.diag(m.minutes), 0) and np.allclose(np.diag(m.km), 0)
    assert np.allclose(m.minutes, m.minutes.T, rtol=1e-3)
    assert (m.source == 0).all() and m.source_at(0, 1) == "estimate"


def test_road_km_lies_in_the_circuity_band_of_the_region():
    """FACTS.md: 1.2 to 1.45 times the straight line between Trøndelag towns on one side of the fjord."""
    for a, b in [("Trondheim", "Steinkjer"), ("Trondheim", "Oppdal"), ("Levanger", "Namsos"), ("Melhus", "Røros")]:
        straight = haversine_km([place(a).lat], [place(a).lon], [place(b).lat], [place(b).lon])[0, 0]
        assert 1.1 <= between(a, b).km / straight <= 1.45, (a, b)


def test_terrain_gives_slower_roads_on_the_coast_than_in_jamtland():
    pace, circuity, names = terrain_of([place("Fillan").lat, place("Bräcke").lat],
                                       [place("Fillan").lon, place("Bräcke").lon])
    assert names == ["coast", "jamtland"]
    assert pace[0] > pace[1] and circuity[0] > circuity[1]


def test_across_the_trondheimsfjord_the_road_takes_the_flakk_ferry():
    """Trondheim to Rissa: 25 km as the crow flies, but a ferry (25 min crossing, a typical wait) or 250 km round."""
    a, b = place("Trondheim"), place("Rissa")
    straight = haversine_km([a.lat], [a.lon], [b.lat], [b.lon])[0, 0]
    with_wait, without = between("Trondheim", "Rissa"), between("Trondheim", "Rissa", ferry_wait=False)
    assert straight < 30
    assert 50 <= without.minutes <= 75  # route planners: about an hour with the crossing
    assert with_wait.minutes == pytest.approx(without.minutes + 10, abs=0.1)  # Flakk–Rørvik's wait


def test_the_fjord_barrier_is_crossed_only_where_water_lies_between():
    fjord = next(b for b in barriers() if b.name == "trondheimsfjord")

    def crossed(a, b):
        pa, pb = place(a), place(b)
        return bool(crosses(*project([pa.lat], [pa.lon]), *project([pb.lat], [pb.lon]), list(fjord.parts))[0, 0])

    assert crossed("Trondheim", "Rissa") and crossed("Trondheim", "Brekstad") and crossed("Orkanger", "Brekstad")
    assert crossed("Levanger", "Leksvik")  # Fosen from Innherred
    assert not crossed("Trondheim", "Orkanger") and not crossed("Levanger", "Steinkjer")
    assert not crossed("Rissa", "Brekstad")  # both on Fosen


def test_ferry_across_the_fjord_mouth_and_the_bridge_at_skarnsund():
    # Orkanger to Brekstad: the Brekstad–Valset ferry, not the long way round by Trondheim.
    assert 50 <= between("Orkanger", "Brekstad", ferry_wait=False).minutes <= 75
    # Inderøy to Mosvik: over the Skarnsund bridge, a short drive.
    assert between("Straumen", "Mosvik").minutes < 30


def test_beitstadfjorden_sends_fosen_to_innherred_round_by_skarnsund_or_steinkjer():
    direct = haversine_km([place("Leksvik").lat], [place("Leksvik").lon], [place("Levanger").lat],
                          [place("Levanger").lon])[0, 0]
    leg = between("Leksvik", "Levanger")
    assert leg.km > 1.6 * direct  # the fjord is 10 km wide there: round by the Skarnsund bridge


def test_snasavatnet_and_storsjon_force_a_road_round_the_lake():
    north, south = Place("Kvam", 64.16, 11.82), Place("Sem", 64.12, 11.95)  # opposite shores mid-lake
    straight = haversine_km([north.lat], [north.lon], [south.lat], [south.lon])[0, 0]
    assert Estimate().between(north, south).km > 3 * straight
    west, east = Place("Orrviken", 63.106, 14.437), Place("Marieby", 63.117, 14.723)
    assert Estimate().between(west, east).km > haversine_km([west.lat], [west.lon], [east.lat], [east.lon])[0, 0] * 1.6


def test_the_border_is_crossed_on_its_roads():
    """Meråker to Storlien goes by the E14; Snåsa to Gäddede by a border road, not over the mountains."""
    leg = between("Trondheim", "Östersund")
    assert 180 <= leg.minutes <= 260 and 240 <= leg.km <= 320
    assert between("Røros", "Funäsdalen").km > 60


def test_estimate_against_the_sourced_table_median_within_15_percent():
    table = pd.read_csv(resources.path("data", "reference", "travel_driving_times.csv"))
    e = Estimate(ferry_wait=False)
    m = e.matrix([place(n) for n in table["from"]], [place(n) for n in table["to"]])
    estimate = np.diag(m.minutes)
    error = np.abs(estimate - table["minutes"]) / table["minutes"]
    assert np.median(error) <= 0.15
    clearly_in, clearly_out = table["minutes"] <= 50, table["minutes"] >= 70
    assert not ((estimate > 60) & clearly_in).any()
    assert not ((estimate < 60) & clearly_out).any()


def test_a_2000_by_2000_matrix_is_fast():
    rng = np.random.default_rng(7)
    pts = np.column_stack([rng.uniform(62.5, 64.8, 2000), rng.uniform(9.0, 15.5, 2000)])
    e = Estimate()
    e.matrix(pts[:5], pts[:5])
    start = time.process_time()
    m = e.matrix(pts, pts)
    spent = time.process_time() - start
    assert m.shape == (2000, 2000) and np.isfinite(m.minutes).all()
    assert spent < 5  # processor seconds; about 1 on this machine, bench/travel_bench.py measures it
    # The same cells as one pair at a time.
    for i, j in [(0, 1), (5, 1999), (1234, 17)]:
        one = e.between(Place("a", *pts[i]), Place("b", *pts[j]))
        assert one.minutes == pytest.approx(m.minutes[i, j], rel=1e-4)


# -- matrix files ----------------------------------------------------------------------------


def write(tmp_path, text, name="matrix.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_matrix_wins_over_the_estimate_where_it_has_the_pair(tmp_path):
    path = write(tmp_path, "from,to,minutes,km\nTrondheim,Steinkjer,111,125\nSteinkjer,Namsos,58,\n")
    source = MatrixFile(path)
    leg = source.between(place("Trondheim"), place("Steinkjer"))
    assert (leg.minutes, leg.km, leg.source, leg.note) == (111, 125, "matrix", "")
    back = source.between(place("Steinkjer"), place("Trondheim"))  # the other direction, taken as the same
    assert (back.minutes, back.source) == (111, "matrix")
    no_km = source.between(place("Steinkjer"), place("Namsos"))
    assert no_km.minutes == 58 and no_km.km == pytest.approx(between("Steinkjer", "Namsos").km)
    missing = source.between(place("Trondheim"), place("Røros"))
    assert missing.source == "estimate" and "not in matrix.csv" in missing.note
    assert missing.minutes == pytest.approx(between("Trondheim", "Røros").minutes)


def test_matrix_cells_are_marked_per_source_and_found_by_coordinates(tmp_path):
    path = write(tmp_path, "from,to,minutes,from_lat,from_lon,to_lat,to_lon\n"
                           "Hotel Fjord,Trondheim,47,63.50,10.90,63.4305,10.3951\n")
    source = MatrixFile(path)
    near_hotel = [63.5005, 10.9005]  # within the tolerance of a kilometre
    m = source.matrix([near_hotel, [63.0, 10.0]], [place("Trondheim")])
    assert m.minutes[0, 0] == 47 and m.source_at(0, 0) == "matrix" and m.source_at(1, 0) == "estimate"
    assert "1 of 2 pairs" in m.notes[0]
    frame = m.to_frame(["hotel", "elsewhere"], ["Trondheim"])
    assert list(frame["source"]) == ["matrix", "estimate"]


def test_a_square_matrix_file_is_read_too(tmp_path):
    path = write(tmp_path, ",Trondheim,Steinkjer\nTrondheim,0,110\nSteinkjer,109,\n")
    source = MatrixFile(path)
    assert source.between(place("Steinkjer"), place("Trondheim")).minutes == 109
    assert source.between(place("Trondheim"), place("Steinkjer")).minutes == 110


@pytest.mark.parametrize("text, message", [
    ("from,to,minutes\nTrondheim,Steinkjer,-5\n", "row 2, column 'minutes': -5 is negative"),
    ("from,to,minutes\nTrondheim,Steinkjer,7\nTrondheim,Røros,soon\n", "row 3, column 'minutes': expected a number"),
    ("from,to,minutes\nTrondheim,Steinkjer,\n", "row 2, column 'minutes': expected a number"),
    ("from,to,minutes,km\nTrondheim,Steinkjer,100,x\n", "column 'km': expected a number"),
    ("from,to,minutes\nTrondheim,Steinkjer,100\nTrondheim,Steinkjer,120\n", "appears twice"),
    ("origin;destination\n", "expected columns from, to, minutes"),
])
def test_broken_matrix_files_name_the_row_and_column(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        MatrixFile(write(tmp_path, text))


def test_a_matrix_file_with_an_unknown_place_offers_the_nearest_names(tmp_path):
    with pytest.raises(NotFound, match=r"row 2: 'Steinkjær' is not a reference place \(did you mean Steinkjer"):
        MatrixFile(write(tmp_path, "from,to,minutes\nTrondheim,Steinkjær,100\n"))
    with pytest.raises(ValidationError, match="outside the Nordic countries"):
        MatrixFile(write(tmp_path, "from,to,minutes,from_lat,from_lon,to_lat,to_lon\nA,B,5,48.8,2.3,63.4,10.4\n"))
    with pytest.raises(DataError, match="does not exist"):
        MatrixFile(tmp_path / "nowhere.csv")
    with pytest.raises(DataError, match="needs a file"):
        MatrixFile()


# -- the registry ----------------------------------------------------------------------------


def test_sources_are_found_by_name_and_an_unknown_one_lists_the_known(tmp_path):
    assert travel.names() == ("estimate", "matrix", "osrm")
    assert isinstance(travel.get("estimate"), Estimate)
    with pytest.raises(NotFound, match="sources are estimate, matrix, osrm"):
        travel.get("google")
    leg = travel.travel("Trondheim", "63.4697,10.9245")
    assert leg.source == "estimate" and 25 <= leg.minutes <= 40
    assert leg.as_dict().keys() == {"minutes", "km", "source"}


def test_road_km_is_never_shorter_than_the_straight_line_and_empty_sides_give_empty_matrices():
    rng = np.random.default_rng(3)
    pts = np.column_stack([rng.uniform(62.0, 65.0, 300), rng.uniform(8.8, 16.5, 300)])
    m = Estimate().matrix(pts, pts[::-1])
    straight = haversine_km(pts[:, 0], pts[:, 1], pts[::-1, 0], pts[::-1, 1])
    assert (m.km >= straight * 1.1 - 1e-3).all() and (m.minutes >= 0).all()
    assert Estimate().matrix(np.empty((0, 2)), pts).shape == (0, 300)
    assert Estimate().matrix(pts, []).shape == (300, 0)


@pytest.mark.parametrize("text, message", [
    ("barrier,name,kind\nfjord,ferry,ferry\n", "row 1, column 'crossing_min': missing from the header"),
    ("barrier,name,kind,crossing_min\nfjord,ferry,ferry,\n", "row 2, column 'crossing_min': is empty"),
    ("barrier,name,kind,crossing_min\nfjord,ferry,ferry,25\nfjord,ferry 2,ferry,half\n",
     "row 3, column 'crossing_min': expected a number, got 'half'"),
])
def test_a_broken_travel_reference_file_names_file_row_and_column(tmp_path, monkeypatch, text, message):
    (tmp_path / "travel_passages.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(estimate_module.resources, "path", lambda *parts: tmp_path / parts[-1])
    with pytest.raises(DataError, match=message) as err:
        read_table("travel_passages.csv", ("crossing_min",), ("barrier", "name", "kind"))
    assert "travel_passages.csv" in str(err.value)
