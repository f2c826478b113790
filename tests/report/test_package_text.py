"""Package texts for booking channels: filled from data in nb, sv, en and de, short enough, literal."""

from __future__ import annotations

import io
import zipfile

import pytest

from klynge.errors import NotFound
from klynge.model import PackageComponent
from klynge.report import package_text as pt

from .packages import cluster, demo_packages, offer

NB = "\u00a0"
HOSTILE = "<script>alert('x')</script> <b>fett</b> & {{ 7*7 }} {% if x %}"
MONTHS = {"nb": "oktober og november", "sv": "oktober och november", "en": "October and November",
          "de": "Oktober und November"}
PRICE = {"nb": f"4{NB}690{NB}NOK", "sv": f"4{NB}690{NB}NOK", "en": f"4,690{NB}NOK", "de": f"4.690{NB}NOK"}
ON_REQUEST = {"nb": "Pris på forespørsel", "sv": "Pris på förfrågan", "en": "Price on request",
              "de": "Preis auf Anfrage"}


@pytest.fixture
def made():
    return cluster()


def test_texts_come_in_four_languages(made):
    texts = pt.package_texts(*made)
    assert list(texts) == ["nb", "sv", "en", "de"]
    assert all(isinstance(x, pt.PackageText) and x.lang == lang for lang, x in texts.items())


@pytest.mark.parametrize("lang", pt.TEXT_LANGUAGES)
def test_each_part_its_supplier_and_place_and_the_months_in_the_language(made, lang):
    package, offers, organisations = made
    text = pt.package_texts(package, offers, organisations)[lang]
    for component in package.components:
        assert offers[component.offer_id].title in text.long
        assert organisations[component.organisation_id].name in text.long
    assert "Oppdal" in text.long and "Trondheim" in text.long
    assert MONTHS[lang] in text.long and MONTHS[lang] in text.short
    for other in set(MONTHS.values()) - {MONTHS[lang]}:
        assert other not in text.long
    assert text.missing == ()
    assert len(text.short) <= pt.SHORT_LIMIT


@pytest.mark.parametrize("lang,day,kind,theme", [
    ("nb", "Dag 2", "(måltid)", "natur"), ("sv", "Dag 2", "(måltid)", "natur"),
    ("en", "Day 2", "(meal)", "nature"), ("de", "Tag 2", "(Mahlzeit)", "Natur"),
])
def test_the_days_come_in_order_with_the_languages_words(made, lang, day, kind, theme):
    long = pt.package_texts(*made)[lang].long
    first, second = long.index("Høstmoskus og fjellfoto"), long.index("Middag i stabburet")
    assert first < long.index("Dobbeltrom med halvpensjon") < long.index(day) < second
    assert f"Middag i stabburet {kind}" in long and theme in long


@pytest.mark.parametrize("lang", pt.TEXT_LANGUAGES)
def test_the_price_per_guest_adds_each_parts_share_and_a_net_margin(made, lang):
    # 1290 a person + a double room of 2400 for two (1200 each) + a group dinner of 4000 for
    # up to eight, shared by two (2000 each) with a 10 % margin on the net rate (2200).
    text = pt.package_texts(*made)[lang]
    assert PRICE[lang] in text.short and PRICE[lang] in text.long
    assert ON_REQUEST[lang] not in text.long
    assert pt.price_per_guest(made[0], made[1]) == (4690, "NOK")


def test_a_party_larger_than_a_room_takes_as_many_rooms_as_it_needs(made):
    package, offers, _organisations = made
    assert pt.guest_price(offers[12], 3) == 1600  # two rooms of 2400 for three guests
    assert float(pt.guest_price(offers[11], 9)) == pytest.approx(8000 / 9)  # two group prices for nine
    assert pt.guest_price(offers[10], 9) == 1290


@pytest.mark.parametrize("change", [
    {"currency": "SEK"}, {"vat_included": False},
])
def test_the_price_is_on_request_when_currencies_differ_or_vat_is_not_included(made, change):
    package, offers, organisations = made
    offers = {**offers, 11: offer(11, 2, "Middag i stabburet", "meal", 4000, **change)}
    texts = pt.package_texts(package, offers, organisations)
    assert pt.price_per_guest(package, offers) is None
    for lang, text in texts.items():
        assert ON_REQUEST[lang] in text.short and ON_REQUEST[lang] in text.long
        assert "SEK" not in text.long and PRICE[lang] not in text.long


def test_facts_are_the_datas_own(made):
    package, offers, organisations = made
    long = pt.package_texts(package, offers, organisations)["en"].long
    assert "Every part is offered in Norwegian Bokmål and English; some parts also in German." in long
    assert "Getting there and home: by train from Oslo." in long
    assert "Between the parts: by bus and on foot or by bike." in long
    assert "Kjerringa Gårdsmat is certified: Eco-Lighthouse (Miljøfyrtårn)." in long
    assert "Skarvhaugen Fjellstue is certified: Green Key and Nordic Swan Ecolabel." in long
    assert "Fjellgløtt Guiding is certified" not in long
    assert "Up to 12 guests a day." in long and "for a party of 2" in long
    de = pt.package_texts(package, offers, organisations)["de"].long
    assert "An- und Abreise: mit der Bahn ab Oslo." in de
    assert "Alle Programmpunkte auf Norwegisch (Bokmål) und Englisch; einige auch auf Deutsch." in de


def test_no_trip_is_claimed_when_the_package_does_not_say_how_guests_travel(made):
    package, offers, organisations = made
    package = package.model_copy(update={
        "arrival_from": "", "components": [c.model_copy(update={"mode": "car"}) for c in package.components]})
    for lang, text in pt.package_texts(package, offers, organisations).items():
        assert "Oslo" not in text.long
        for mode in ("rail", "car", "bus"):
            assert pt.words(lang)["modes"][mode] not in text.long


@pytest.mark.parametrize("lang", pt.TEXT_LANGUAGES)
def test_a_deleted_offer_is_left_out_and_named_as_missing(made, lang):
    package, offers, organisations = made
    offers = {**offers, 11: None}
    text = pt.package_texts(package, offers, organisations)[lang]
    assert "Middag i stabburet" not in text.long + text.short
    assert "Kjerringa Gårdsmat" not in text.long + text.short  # its only part is gone
    assert len(text.missing) == 1 and "Kjerringa Gårdsmat" in text.missing[0] and "11" in text.missing[0]
    assert ON_REQUEST[lang] in text.long  # a price without one of its parts would be wrong
    assert "Høstmoskus og fjellfoto" in text.long


def test_a_package_whose_offers_are_all_deleted_still_reads(made):
    package, _offers, organisations = made
    text = pt.package_texts(package, {}, organisations)["en"]
    assert len(text.missing) == 3 and text.short.startswith("Høstmoskus og fjellmat: 2 days")
    assert "Day 1" not in text.long


def test_an_organisation_not_in_the_cluster_is_an_error_that_says_so(made):
    package, offers, organisations = made
    with pytest.raises(NotFound, match="organisation 3"):
        pt.package_texts(package, offers, {k: v for k, v in organisations.items() if k != 3})
    with pytest.raises(NotFound, match="nb, sv, en, de"):
        pt.package_text(package, offers, organisations, "fr")


def test_the_short_text_stays_in_a_listing_and_says_how_many_parts_it_left_out(made):
    package, offers, organisations = made
    many = {i: offer(i, 1 + i % 3, f"Langt navn på opplevelse nummer {i} i fjellet", "activity", 500)
            for i in range(20, 40)}
    long_package = package.model_copy(update={
        "title": "Høst " * 23 + "Oppdal",
        "components": [PackageComponent(offer_id=i, organisation_id=1 + i % 3, day=1) for i in many]})
    for lang, text in pt.package_texts(long_package, many, organisations).items():
        assert len(text.short) <= pt.SHORT_LIMIT, (lang, text.short)
        assert all(o.title in text.long for o in many.values())
    assert " more." in pt.package_texts(package.model_copy(update={"components": long_package.components}),
                                        many, organisations)["en"].short
    longest = package.model_copy(update={"title": "Fjelltur" + "x" * 112})
    short = pt.package_texts(longest, offers, organisations)["nb"].short
    assert len(short) <= pt.SHORT_LIMIT and short.startswith("Fjelltur")


def test_markup_a_member_typed_stays_literal_text(made):
    package, offers, organisations = made
    package = package.model_copy(update={"title": HOSTILE, "description": HOSTILE})
    offers = {**offers, 10: offers[10].model_copy(update={"title": "<img src=x onerror=alert(1)>"})}
    for text in pt.package_texts(package, offers, organisations).values():
        assert HOSTILE in text.long and HOSTILE in text.short and text.title == HOSTILE
        assert "<img src=x onerror=alert(1)>" in text.long
        assert "&lt;" not in text.long + text.short and "&amp;" not in text.long and "49" not in text.long


def test_months_read_in_the_calendars_order_and_spans():
    assert pt.season_months([1, 12, 9]) == [9, 12, 1]
    assert pt.months_text([1, 2, 10, 11, 12], "en") == "October–February"
    assert pt.months_text([5, 9], "nb") == "september og mai"
    assert pt.months_text([3, 4, 6, 9], "de") == "September, März, April und Juni"
    assert pt.months_text([], "sv") == ""


def test_downloads_are_utf8_text_files_and_one_zip_of_all_four(made):
    texts = pt.package_texts(*made)
    de = texts["de"]
    assert de.file_name() == "hostmoskus-og-fjellmat-de.txt"
    body = de.file_bytes().decode("utf-8")
    assert body.startswith("Høstmoskus og fjellmat\n\nKurzbeschreibung\n\n" + de.short)
    assert "Beschreibung\n\n" + de.long in body
    data = pt.texts_archive(texts)
    assert data == pt.texts_archive(pt.package_texts(*made))  # the same texts, the same bytes
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"hostmoskus-og-fjellmat-{lang}.txt" for lang in pt.TEXT_LANGUAGES]
        for lang, text in texts.items():
            assert archive.read(f"hostmoskus-og-fjellmat-{lang}.txt").decode("utf-8") == text.file_text()


def test_a_file_name_is_ascii_whatever_the_title():
    assert pt.file_stem("Grensefjell i oktober – Meråker og Storlien") == "grensefjell-i-oktober-meraker-og-storlien"
    assert pt.file_stem("Ærlig øl på Åsen") == "aerlig-ol-pa-asen"
    assert pt.file_stem("<>/..\\") == "package"


@pytest.mark.parametrize("lang", pt.TEXT_LANGUAGES)
def test_every_demo_package_reads_in_every_language(lang):
    packages, offers, organisations = demo_packages()
    assert len(packages) >= 10
    for package in packages:
        text = pt.package_text(package, offers, organisations, lang)
        assert len(text.short) <= pt.SHORT_LIMIT and text.missing == ()
        for component in package.components:
            assert offers[component.offer_id].title in text.long
            assert organisations[component.organisation_id].name in text.long
        assert pt.months_text(package.months, lang) in text.long
