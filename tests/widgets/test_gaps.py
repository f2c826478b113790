"""The facilitator's "Low season" page without a browser: a real SQLite store, real figures."""

from __future__ import annotations

import pytest

from klynge.errors import FormProblems
from klynge.model import Money, Offer, Package, PackageAnswer, PackageComponent
from klynge.widgets.gaps_page import GapsPage
from klynge.widgets.gaps_service import GapsService, form_values, parse_settings


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the page reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def offered(store, cluster):
    """Fjellguidene (Oppdal) guides in October and November; Gardsbutikken (Frøya) serves dinner; a package."""
    who, orgs = cluster["who"], cluster["orgs"]
    tour = store.add_offer(who["fjell"], Offer(title="Moskussafari", kind="activity", municipality="5021",
                                               months=[10, 11], capacity_per_day=12,
                                               price=Money(amount=900, currency="NOK")))
    bed = store.add_offer(who["fjell"], Offer(title="Fjellstue", kind="accommodation", municipality="5021",
                                              months=[11], capacity_per_day=20,
                                              price=Money(amount=900, currency="NOK")))
    meal = store.add_offer(who["gard"], Offer(title="Middag <b>", kind="meal", municipality="5021", months=[11],
                                              capacity_per_day=30, price=Money(amount=400, currency="NOK")))
    package = Package(title="Høst", months=[11], status="ready", components=[
        PackageComponent(offer_id=tour, organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=bed, organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=meal, organisation_id=orgs["gard"])])
    rev = store.save_package(who["fjell"], orgs["fjell"], package, None, name="host")
    # Agreed: the other supplier has accepted (a ready package no supplier accepted would not count).
    store.answer_package(who["gard"], orgs["gard"], PackageAnswer(owner_id=orgs["fjell"], package="host",
                                                                  state="accepted", revision=rev.number))
    return cluster


def test_the_page_shows_the_heat_map_the_gaps_and_the_shares_in_each_language(store, offered):
    page = GapsPage(GapsService(store, offered["who"]["facilitator"]))
    page.lang = "en"
    html = page._result.value
    assert "data:image/png;base64," in html and "Heat map" in html
    assert "Oppdal, Oct: no package can be built: only activity has enough capacity" in html
    assert "Oppdal, Nov" not in html  # activity, bed and meal: a package can be built
    assert "1 agreed package is counted." in html and "approximate" in html
    assert "Sold in packages" in html and "Oppdal · bed" in html
    page.lang = "nb"
    assert "Oppdal, okt: det kan ikke lages pakke" in page._result.value
    assert "Solgt i pakker" in page._result.value
    page.lang = "sv"
    assert "det går inte att bygga paket" in page._result.value and "Sålt i paket" in page._result.value
    assert page.picture["packages"] == 1


def test_the_threshold_changes_the_picture_and_a_bad_one_is_explained(store, offered):
    page = GapsPage(GapsService(store, offered["who"]["facilitator"]))
    page.lang = "en"
    page._thin.value = "500"
    page._show.click()
    assert "Oppdal, Nov: no package can be built" in page._result.value
    page._thin.value = "lots"
    page._show.click()
    assert "The threshold must be a number from 0 to 1 000." in page._result.value and page.picture is None
    assert not page._show.disabled


def test_a_cluster_without_offers_gets_a_sentence(store, cluster):
    page = GapsPage(GapsService(store, cluster["who"]["facilitator"]))
    page.lang = "en"
    assert "No offers yet" in page._result.value


def test_the_settings_form_saves_and_explains_every_problem_beside_its_field(store, offered):
    page = GapsPage(GapsService(store, offered["who"]["facilitator"]))
    page.lang = "en"
    assert page.values() == {"currency": "NOK", "rate": "", "max_leg_minutes": "60", "price_min": "", "price_max": ""}
    assert page._fields["rate"].description == "Value of 1 SEK in NOK"
    page.set_values(rate="-1", max_leg_minutes="2", price_min="900", price_max="500")
    page._save.click()
    assert "above zero" in page._problems["rate"].value and "5 to 600" in page._problems["max_leg_minutes"].value
    assert "lowest price is above the highest" in page._problems["price_max"].value
    assert store.package_settings(offered["who"]["fjell"]).max_leg_minutes == 60
    page.set_values(currency="SEK", rate="1,03", max_leg_minutes="90", price_min="", price_max="4 000")
    assert page._fields["rate"].description == "Value of 1 NOK in SEK"
    page._save.click()
    assert "Saved." in page._status.value and all(p.value == "" for p in page._problems.values())
    saved = store.package_settings(offered["who"]["gard"])
    assert saved.currency == "SEK" and str(saved.rates["NOK"]) == "1.03" and saved.price_max == 4000
    assert not page._save.disabled
    page.lang = "nb"
    page.set_values(rate="mye")
    page._save.click()
    assert "Skriv et tall" in page._problems["rate"].value


def test_a_stale_save_keeps_what_was_typed_and_says_who_saved(store, offered):
    fac = offered["who"]["facilitator"]
    page = GapsPage(GapsService(store, fac))
    page.lang = "en"
    other = GapsPage(GapsService(store, fac))
    other.set_values(max_leg_minutes="45")
    other._save.click()
    page.set_values(max_leg_minutes="120")
    page._save.click()
    assert "Facilitator saved the settings while you were working on them" in page._status.value
    assert page.values()["max_leg_minutes"] == "120" and store.package_settings(fac).max_leg_minutes == 45
    page._save.click()
    assert "Saved." in page._status.value and store.package_settings(fac).max_leg_minutes == 120


def test_a_participant_cannot_save_the_settings(store, offered):
    page = GapsPage(GapsService(store, offered["who"]["fjell"]))
    page.lang = "en"
    page._save.click()
    assert "facilitators can change the package settings" in page._status.value


def test_the_form_texts_round_trip():
    settings = parse_settings({"currency": "NOK", "rate": "0.97", "max_leg_minutes": "75", "price_min": "0",
                               "price_max": ""}, "en")
    assert form_values(settings) == {"currency": "NOK", "rate": "0.97", "max_leg_minutes": "75", "price_min": "0",
                                     "price_max": ""}
    with pytest.raises(FormProblems) as info:
        parse_settings({"currency": "NOK", "rate": "NaN", "max_leg_minutes": "7.5", "price_min": "-1",
                        "price_max": ""}, "sv")
    assert set(info.value.by_field) == {"rate", "max_leg_minutes", "price_min"}


def test_a_package_counts_only_once_every_supplier_has_accepted(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    tour = store.add_offer(who["fjell"], Offer(title="Tur", kind="activity", municipality="5021", months=[11],
                                               capacity_per_day=12, price=Money(amount=900, currency="NOK")))
    meal = store.add_offer(who["gard"], Offer(title="Middag", kind="meal", municipality="5021", months=[11],
                                              capacity_per_day=30, price=Money(amount=400, currency="NOK")))
    package = Package(title="Høst", months=[11], status="ready", components=[
        PackageComponent(offer_id=tour, organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=meal, organisation_id=orgs["gard"])])
    rev = store.save_package(who["fjell"], orgs["fjell"], package, None, name="host")
    service = GapsService(store, who["facilitator"])
    assert service.picture()["packages"] == 0  # ready, but the other supplier has not answered
    store.answer_package(who["gard"], orgs["gard"], PackageAnswer(owner_id=orgs["fjell"], package="host",
                                                                  state="withdrawn", reason="fully booked",
                                                                  revision=rev.number))
    assert service.picture()["packages"] == 0
    store.answer_package(who["gard"], orgs["gard"], PackageAnswer(owner_id=orgs["fjell"], package="host",
                                                                  state="accepted", revision=rev.number))
    assert service.picture()["packages"] == 1
