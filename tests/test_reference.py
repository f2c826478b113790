"""Tests for klynge.reference: the shipped reference files and the functions that read them."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from klynge import reference, resources
from klynge.errors import DataError, NotFound

DATA = resources.path("data", "reference")
PER_GOAL = {1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8, 10: 10, 11: 10, 12: 11,
            13: 5, 14: 10, 15: 12, 16: 12, 17: 19}
TOURISM = ("8.9", "12.b", "14.7")
LANGS = ("en", "nb", "sv")
DU = re.compile(r"\b(du|deg|din)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def fresh_cache():
    reference._clear_cache()
    yield
    reference._clear_cache()


def raw(name):
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- SDG goals and targets ------------------------------------------------------------------


def test_goals_have_colours_and_titles():
    goals = reference.goals()
    assert [g.number for g in goals] == list(range(1, 18))
    for g in goals:
        assert re.fullmatch(r"#[0-9A-F]{6}", g.colour)
        for lang in LANGS:
            assert g.short.get(lang) and g.title.get(lang)
    assert reference.goal(8).short.en == "Decent work and economic growth"
    assert len({g.colour for g in goals}) == 17


def test_169_targets_with_the_right_count_per_goal():
    assert len(reference.targets()) == 169
    for number, count in PER_GOAL.items():
        assert len(reference.targets(number)) == count
        assert all(t.goal == number for t in reference.targets(number))


def test_target_codes_and_order():
    codes = [t.code for t in reference.targets(12)]
    assert codes[:3] == ["12.1", "12.2", "12.3"] and codes[-3:] == ["12.a", "12.b", "12.c"]
    assert [t.code for t in reference.targets(8)][8:10] == ["8.9", "8.10"]
    assert reference.target("12.B").code == "12.b"


def test_english_is_official_and_swedish_is_an_unofficial_translation():
    text, status = reference.target_text("8.9", "en")
    assert status == "official" and "sustainable tourism" in text
    swedish, status = reference.target_text("8.9", "sv")
    assert status == "unofficial" and "hållbar turism" in swedish
    assert reference.target("8.9").text_en == text


def test_a_swedish_row_without_translation_falls_back_to_english(tmp_path, monkeypatch):
    broken_copy(tmp_path, monkeypatch, "sdg_targets.csv", lambda s: s.replace(f",{SV_8_9},unofficial", ",,en"))
    assert reference.target_text("8.9", "sv") == (reference.target("8.9").text_en, "en")
    assert reference.target_text("8.10", "sv")[1] == "unofficial"


# Targets per goal as (numbered, lettered), after the UN's list: 1.1 to 1.5, then 1.a and 1.b.
UN_CODES = {1: (5, 2), 2: (5, 3), 3: (9, 4), 4: (7, 3), 5: (6, 3), 6: (6, 2), 7: (3, 2), 8: (10, 2),
            9: (5, 3), 10: (7, 3), 11: (7, 3), 12: (8, 3), 13: (3, 2), 14: (7, 3), 15: (9, 3),
            16: (10, 2), 17: (19, 0)}
# Figures the Swedish writes in words: "under fem års ålder", "tioåriga ramverket", "per miljon".
IN_WORDS = {"2.2": ["5"], "3.2": ["5", "5"], "8.4": ["10"], "9.5": ["1"], "12.1": ["10"]}
SV_DU = re.compile(r"\b(du|dig|din|ditt|dina)\b", re.IGNORECASE)


def test_every_target_has_a_swedish_translation_numbered_as_the_un():
    expected = [f"{goal}.{n}" for goal, (numbered, lettered) in UN_CODES.items()
                for n in [*range(1, numbered + 1), *"abcdefghij"[:lettered]]]
    rows = raw("sdg_targets.csv")
    assert [r["code"] for r in rows] == expected
    assert all(r["text_en"] and r["text_sv"] and r["sv_status"] == "unofficial" for r in rows)
    texts = [t.text("sv") for t in reference.targets()]
    assert {status for _text, status in texts} == {"unofficial"}
    english = {t.text_en for t in reference.targets()}
    assert not english & {text for text, _status in texts}  # none left in English
    assert len({text for text, _status in texts}) == 169  # none repeats another target


def figures(text, lang):
    """The numbers in ``text`` as Swedish writes them: "100,000" and "1.25" become "100000" and "1,25"."""
    if lang == "en":
        return [n.replace(",", "").replace(".", ",") for n in re.findall(r"\d[\d,.]*\d|\d", text)]
    return [n.replace(" ", "") for n in re.findall(r"\d[\d ,]*\d|\d", text)]


def test_swedish_targets_keep_years_and_figures_and_do_not_address_the_reader():
    for target in reference.targets():
        swedish = target.text("sv")[0]
        expected = sorted(figures(target.text_en, "en"))
        for word in IN_WORDS.get(target.code, []):
            expected.remove(word)
        assert sorted(figures(swedish, "sv")) == expected, target.code
        assert not SV_DU.search(swedish), target.code
        assert swedish[0].isupper() and not swedish.endswith("."), target.code
    assert "lokal kultur och lokala produkter" in reference.target_text("12.b", "sv")[0]
    assert "turism" in reference.target_text("14.7", "sv")[0]


def test_swedish_goal_names_are_those_of_the_global_goals():
    assert [g.short.sv for g in reference.goals()] == [
        "Ingen fattigdom", "Ingen hunger", "Hälsa och välbefinnande", "God utbildning för alla",
        "Jämställdhet", "Rent vatten och sanitet för alla", "Hållbar energi för alla",
        "Anständiga arbetsvillkor och ekonomisk tillväxt", "Hållbar industri, innovationer och infrastruktur",
        "Minskad ojämlikhet", "Hållbara städer och samhällen", "Hållbar konsumtion och produktion",
        "Bekämpa klimatförändringarna", "Hav och marina resurser", "Ekosystem och biologisk mångfald",
        "Fredliga och inkluderande samhällen", "Genomförande och globalt partnerskap"]
    for g in reference.goals():
        assert g.title.sv != g.title.en and g.short.sv != g.short.en


def test_duplicated_bokmal_texts_are_not_shown():
    for code, repeated in (("1.a", "1.5"), ("10.3", "10.2")):
        text, status = reference.target_text(code, "nb")
        assert status == "en_fallback"
        assert text == reference.target(code).text_en
        assert text != reference.target_text(repeated, "nb")[0]
    texts = [t.text("nb")[0] for t in reference.targets()]
    assert len(set(texts)) == 169


def test_bokmal_never_addresses_the_reader():
    texts = [t.text("nb")[0] for t in reference.targets()]
    texts += [g.title.nb for g in reference.goals()] + [g.short.nb for g in reference.goals()]
    texts += [item.reason("nb") for s in reference.SECTORS for item in reference.shortlist(s)]
    texts += [e.reason("nb") for c in reference.certifications() for e in c.evidence]
    texts += [c.certifies.nb for c in reference.certifications()]
    offenders = [t for t in texts if DU.search(t)]
    assert offenders == []


def test_bokmal_statuses():
    statuses = {t.nb_status for t in reference.targets()}
    assert statuses == {"unofficial", "unofficial_corrected", "en_fallback"}
    corrected = [t.code for t in reference.targets() if t.nb_status == "unofficial_corrected"]
    assert {"1.5", "8.5", "14.7"} <= set(corrected)


# -- the short list ------------------------------------------------------------------------


@pytest.mark.parametrize("sector", [s for s in reference.SECTORS if s != "general"])
def test_shortlist_per_sector(sector):
    items = reference.shortlist(sector)
    codes = [i.target for i in items]
    assert 15 <= len(codes) <= 20
    assert len(set(codes)) == len(codes)
    assert set(TOURISM) <= set(codes)
    assert {i.sector for i in items} == {"general", sector}
    for item in items:
        for lang in LANGS:
            assert item.reason(lang).strip()
        assert item.reason("en") != item.reason("nb") != item.reason("sv")


def test_shortlist_general_rows_and_order():
    general = reference.shortlist("general")
    assert all(i.general for i in general) and set(TOURISM) <= {i.target for i in general}
    order = [t.code for t in reference.targets()]
    codes = [i.target for i in reference.shortlist("food")]
    assert codes == sorted(codes, key=order.index)


def test_every_referenced_target_exists():
    codes = {t.code for t in reference.targets()}
    referenced = [r["target"] for r in raw("sdg_shortlist.csv")]
    referenced += [r["target"] for r in raw("certification_targets.csv")]
    assert set(referenced) <= codes
    assert {r["sector"] for r in raw("sdg_shortlist.csv")} == set(reference.SECTORS)


# -- places and seasons ----------------------------------------------------------------------


def test_municipalities_codes_and_bounding_box():
    norway, sweden = reference.municipalities("NO"), reference.municipalities("SE")
    assert len(norway) == 38 and len(sweden) == 8
    assert len(reference.municipalities()) == 46
    assert all(re.fullmatch(r"50\d\d", m.code) and m.county == "50" for m in norway)
    assert all(re.fullmatch(r"23\d\d", m.code) and m.county == "23" for m in sweden)
    assert {m.code for m in sweden} == {"2303", "2305", "2309", "2313", "2321", "2326", "2361",
                                        "2380"}
    for m in reference.municipalities():
        for lat, lon in ((m.lat, m.lon), (m.centre_lat, m.centre_lon)):
            assert 61.5 < lat < 65.6 and 8.0 < lon < 17.0, m.name
        assert m.name in m.official_names


def test_official_and_sami_names():
    assert reference.municipality("5001").official_names == ("Trondheim", "Tråante")
    assert reference.municipality(5041).sami_names == ("Snåase",)
    assert reference.municipality("5043").official_names == ("Raarvihke", "Røyrvik")
    assert all(m.sami_names == () for m in reference.municipalities("SE"))
    assert reference.municipality("2321").centre == "Järpen"


def test_every_municipality_has_a_seasonality_area():
    areas = {a.id for a in reference.areas()}
    for m in reference.municipalities():
        assert reference.area_of(m.code) in areas
        assert len(reference.seasonality(m.area)) == 12
    assert reference.area_of("2380") == "jamtland" and reference.area_of("5001") == "trondheim"


def test_shares_sum_to_one():
    for area in reference.areas():
        shares = reference.seasonality(area.id)
        assert len(shares) == 12 and abs(sum(shares) - 1) < 1e-6
        assert all(0 < s < 1 for s in shares)


def test_areas_carry_the_published_totals():
    by_id = {a.id: a for a in reference.areas()}
    assert by_id["trondheim"].guest_nights == 1443505 and by_id["trondheim"].year == 2022
    assert by_id["jamtland"].guest_nights == 2911706 and by_id["jamtland"].year == 2023
    assert all(a.approximate for a in by_id.values())
    assert {r["approximate"] for r in raw("seasonality.csv")} == {"true"}


def test_low_months():
    jamtland = reference.low_months("jamtland")
    assert {10, 11} <= set(jamtland) and 3 not in jamtland and 7 not in jamtland
    assert reference.seasonality("jamtland")[2] == pytest.approx(0.145)
    assert reference.low_months() == (1, 2, 3, 4, 9, 10, 11, 12)
    oppdal = reference.seasonality("oppdal")
    assert max(oppdal[:4]) > 1 / 12  # winter peak


# -- CO2 and certifications ----------------------------------------------------------------


def test_co2_factors():
    assert reference.co2_factor("walk_bike").grams_per_pkm == 0
    assert reference.co2_factor("electric_rail_nordic").grams_per_pkm == 7
    assert reference.co2_factor("car").year == 2009
    for mode in ("car", "bus", "coach", "rail", "ferry", "domestic_flight"):
        assert reference.co2_factor(mode).source


def test_certifications():
    ids = {c.id for c in reference.certifications()}
    assert ids == {"miljofyrtarn", "green_key", "svanen", "naturens_basta"}
    swan = reference.certification("svanen")
    assert swan.name.get("nb") == "Svanemerket" and "SE" in swan.countries
    for c in reference.certifications():
        assert 3 <= len(c.evidence) and all(e.certification == c.id for e in c.evidence)
        assert all(e.reason(lang) for e in c.evidence for lang in LANGS)


# -- files and errors ------------------------------------------------------------------------


def test_every_data_file_is_listed_in_sources():
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    files = [p.name for p in DATA.iterdir() if p.is_file() and p.name != "SOURCES.md"]
    assert files
    for name in files:
        assert f"`{name}`" in sources, name


@pytest.mark.parametrize("call", [
    lambda: reference.goal(0),
    lambda: reference.goal(18),
    lambda: reference.goal("8"),
    lambda: reference.targets(18),
    lambda: reference.target("8.99"),
    lambda: reference.target("nonsense"),
    lambda: reference.target_text("8.9", "de"),
    lambda: reference.shortlist("hotel"),
    lambda: reference.municipalities("DK"),
    lambda: reference.municipality("5099"),
    lambda: reference.area_of("0301"),
    lambda: reference.seasonality("lofoten"),
    lambda: reference.low_months("lofoten"),
    lambda: reference.co2_factor("horse"),
    lambda: reference.certification("iso14001"),
])
def test_unknown_codes_raise_not_found(call):
    with pytest.raises(NotFound):
        call()


def test_not_found_names_what_exists():
    with pytest.raises(NotFound, match=r"goal 8 has 8\.1, .*8\.10, 8\.a, 8\.b"):
        reference.target("8.11")
    with pytest.raises(NotFound, match="38 in NO .5001 to 5061.; 8 in SE .2303 to 2380."):
        reference.municipality("9999")
    with pytest.raises(NotFound, match="1 to 17"):
        reference.goal(42)


EN_8_9 = ("By 2030, devise and implement policies to promote sustainable tourism that creates jobs and promotes local "
          "culture and products")
SV_8_9 = ("Senast 2030 utarbeta och genomföra politik för att främja hållbar turism som skapar arbetstillfällen och "
          "främjar lokal kultur och lokala produkter")


def broken_copy(tmp_path, monkeypatch, name, edit):
    """Copy the reference files to tmp_path, apply ``edit`` to one, and read from there."""
    folder = tmp_path / "reference"
    shutil.copytree(DATA, folder)
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(reference, "_path", lambda n: folder / n)


@pytest.mark.parametrize("name, edit, call, expected", [
    ("sdg_goals.csv", lambda s: s.replace("#A21942", "crimson"), reference.goals,
     r"sdg_goals\.csv: row 9, column 'colour'"),
    ("sdg_targets.csv", lambda s: s.replace("8.9,8,", "8.9,9,"), reference.targets,
     r"sdg_targets\.csv: row \d+, column 'goal'"),
    ("sdg_targets.csv", lambda s: s.replace(",unofficial,", ",machine,", 1), reference.targets,
     r"sdg_targets\.csv: row 2, column 'nb_status'"),
    ("sdg_targets.csv", lambda s: s.replace(SV_8_9, '"' + EN_8_9 + '"'), reference.targets,
     r"sdg_targets\.csv: row 70, column 'text_sv': is the English text: leave it empty and set sv_status to en"),
    ("seasonality.csv", lambda s: s.replace("jamtland,3,0.145", "jamtland,3,0.2"),
     lambda: reference.seasonality("jamtland"), r"seasonality\.csv: area 'jamtland'"),
    ("seasonality.csv", lambda s: s.replace("oppdal,2,0.120", "oppdal,2,lots"),
     lambda: reference.seasonality("oppdal"), r"seasonality\.csv: row \d+, column 'share'"),
    ("municipalities.csv", lambda s: s.replace(",roros\n", ",rooros\n", 1), reference.municipalities,
     r"municipalities\.csv: row 9, column 'area'"),
    ("municipalities.csv", lambda s: s.replace("63.33812", "north"), reference.municipalities,
     r"municipalities\.csv: row 2, column 'lat'"),
    ("sdg_shortlist.csv", lambda s: s.replace("general,8.9,", "general,8.99,"),
     lambda: reference.shortlist("food"), r"sdg_shortlist\.csv: row 2, column 'target'"),
    ("sdg_shortlist.csv", lambda s: s.replace("reason_sv", "grund"),
     lambda: reference.shortlist("food"), r"sdg_shortlist\.csv: row 1, column 'reason_sv'"),
    ("co2_factors.csv", lambda s: s.replace("car,129,", "car,,"), lambda: reference.co2_factor("car"),
     r"co2_factors\.csv: row 2, column 'g_co2_per_pkm'"),
    ("certification_targets.csv", lambda s: s.replace("miljofyrtarn,12.6", "miljofyrtarn,12.66"),
     reference.certifications, r"certification_targets\.csv: row 2, column 'target'"),
    ("areas.csv", lambda s: s.replace("2022,true", "2022,maybe", 1), reference.areas,
     r"areas\.csv: row 2, column 'approximate'"),
])
def test_malformed_files_raise_data_error(tmp_path, monkeypatch, name, edit, call, expected):
    broken_copy(tmp_path, monkeypatch, name, edit)
    with pytest.raises(DataError, match=expected):
        call()


def test_missing_file_raises_data_error(tmp_path, monkeypatch):
    monkeypatch.setattr(reference, "_path", lambda n: tmp_path / n)
    with pytest.raises(DataError, match="co2_factors.csv"):
        reference.co2_factor("car")


def test_results_are_immutable():
    with pytest.raises(AttributeError):
        reference.goal(1).colour = "#000000"
    assert isinstance(reference.targets(), tuple)
