"""The package studio's checks: open months, capacity, price with VAT and margins, legs, arrival, local share."""

from __future__ import annotations

import shutil
from decimal import Decimal

import numpy as np
import pydantic
import pytest

from klynge import reference
from klynge.analysis import travel
from klynge.analysis.package_check import VAT_KIND_OF, check_package, vat_rate, vat_rates
from klynge.analysis.travel import Estimate
from klynge.errors import DataError
from klynge.i18n import LANGUAGES
from klynge.model import Offer, Organisation
from klynge.model.offer import OFFER_KINDS
from klynge.model.package import Package, PackageComponent, PackageSettings

from ..factories import fictional_orgnr

NOK = PackageSettings(currency="NOK")


def _org(i: int, name: str, country: str, municipality: str, **extra) -> Organisation:
    start = 93_100_000 if country == "NO" else 559_100_000
    return Organisation(id=i, name=name, country=country, municipality=municipality,
                        orgnr=fictional_orgnr(country, i, start=start, step=13), **extra)


ORGS = {
    1: _org(1, "Oppdal Fjellgard", "NO", "5021"),
    2: _org(2, "Oppdal Guide", "NO", "5021"),
    3: _org(3, "Åre Fjällguide", "SE", "2321"),
    4: _org(4, "Trondheim Buss", "NO", "5001"),
    5: _org(5, "Trollheimen Lodge", "NO", "5021", lat=62.70, lon=9.35),
}


def _offer(i: int, org: int, kind: str, municipality: str, amount: str, currency: str = "NOK", *,
           months=(1, 2, 3, 9, 10, 11, 12), capacity: int = 20, vat_included: bool = True, **extra) -> Offer:
    return Offer(id=i, organisation_id=org, title=f"Offer {i}", kind=kind, municipality=municipality,
                 months=list(months), capacity_per_day=capacity,
                 price={"amount": amount, "currency": currency, "vat_included": vat_included}, **extra)


def _package(offers: dict, *parts, **fields) -> Package:
    """A package of ``parts``: offer ids, or (offer id, component fields) pairs."""
    components = []
    for part in parts:
        offer_id, extra = part if isinstance(part, tuple) else (part, {})
        org = offers[offer_id].organisation_id if offers.get(offer_id) is not None else extra.pop("org")
        components.append(PackageComponent(offer_id=offer_id, organisation_id=org, **extra))
    return Package(title="Haustpakke", components=components, **{"months": [9, 10], **fields})


def _codes(check) -> list[str]:
    return [p.code for p in check.problems]


# -- open months ---------------------------------------------------------------------------------


def test_a_part_closed_in_a_chosen_month_is_named_with_the_month():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900", months=(9, 10, 11, 12, 1, 2, 3)),
              2: _offer(2, 3, "activity", "2321", "500", months=(1, 2, 3))}
    package = _package(offers, 1, 2, months=[9, 10, 1], days=2)
    check = check_package(package, offers, ORGS, NOK)
    closed = [p for p in check.problems if p.code == "closed"]
    assert [(p.part, p.params["month"]) for p in closed] == [(1, 9), (1, 10)]
    assert check.months_open == (1, 2, 3)
    assert not check.ok
    assert "Offer 2 (part 2) is closed in Sep" in check.messages("en")[0]
    assert "stengt i sep" in check.messages("nb")[0]
    assert "stängt i okt" in closed[1].message("sv")


def test_every_part_open_in_every_chosen_month_is_no_problem():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 2, "activity", "5021", "500")}
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, NOK)
    assert "closed" not in _codes(check)
    assert check.months_open == (1, 2, 3, 9, 10, 11, 12)


def test_no_months_chosen_is_an_error():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 2, "activity", "5021", "500")}
    check = check_package(_package(offers, 1, 2, months=[]), offers, ORGS, NOK)
    assert "no_months" in _codes(check) and not check.ok


# -- capacity ------------------------------------------------------------------------------------


def test_capacity_is_the_smallest_parts_and_names_it():
    offers = {1: _offer(1, 1, "meal", "5021", "300", capacity=30),
              2: _offer(2, 5, "accommodation", "5021", "900", capacity=8),
              3: _offer(3, 2, "activity", "5021", "500", capacity=12)}
    check = check_package(_package(offers, 1, 2, 3, days=2), offers, ORGS, NOK)
    assert (check.capacity_per_day, check.capacity_part) == (8, 1)
    assert "Capacity: 8 guests a day, limited by Offer 2." in check.messages("en")
    assert "capacity_below_party" not in _codes(check)


def test_a_party_larger_than_the_capacity_is_an_error():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900", capacity=8),
              2: _offer(2, 2, "activity", "5021", "500", capacity=12)}
    check = check_package(_package(offers, 1, 2, days=2, guests=10), offers, ORGS, NOK)
    problem = next(p for p in check.problems if p.code == "capacity_below_party")
    assert problem.part == 0 and problem.params == {"part": "Offer 1", "capacity": 8, "guests": 10}


# -- price ---------------------------------------------------------------------------------------


def test_price_in_nok_with_vat_and_margins_computed_by_hand():
    offers = {
        # 1500 NOK a night for a room of two, VAT included: 3 guests fill 2 rooms, 2 nights (3 days).
        1: _offer(1, 5, "accommodation", "5021", "1500", price_unit="night", price_guests=2),
        # 450 NOK a person, VAT to be added (25 % on activities in Norway).
        2: _offer(2, 2, "activity", "5021", "450", vat_included=False),
        # 3000 NOK for a group of up to 10, VAT included: the party of 3 pays the whole group.
        3: _offer(3, 1, "meal", "5021", "3000", price_unit="group", price_guests=10),
    }
    package = _package(offers, (1, {"margin_kind": "commission", "margin_percent": Decimal(10)}),
                       (2, {"margin_kind": "net", "margin_percent": Decimal(20), "day": 2}), (3, {"day": 2}),
                       days=3, guests=3)
    price = check_package(package, offers, ORGS, NOK).price
    bed, hike, meal = price.parts
    # 2 rooms x 2 nights x 1500 / 3 guests = 2000; VAT 12 % included: 2000 x 0.12 / 1.12 = 214.29
    assert (bed.units, bed.gross, bed.vat_amount) == (4, Decimal("2000.00"), Decimal("214.29"))
    assert bed.vat_included and bed.vat.rate == 12
    assert (bed.seller, bed.supplier, bed.guest) == (Decimal("200.00"), Decimal("1800.00"), Decimal("2000.00"))
    # 450 + 25 % VAT = 562.50; the seller adds 20 %: 112.50 on top.
    assert (hike.gross, hike.vat_amount) == (Decimal("562.50"), Decimal("112.50"))
    assert not hike.vat_included
    assert (hike.seller, hike.supplier, hike.guest) == (Decimal("112.50"), Decimal("562.50"), Decimal("675.00"))
    # 3000 / 3 = 1000; VAT 25 % included: 200.
    assert (meal.units, meal.guest, meal.vat_amount, meal.seller) == (1, Decimal("1000.00"), Decimal("200.00"),
                                                                        Decimal("0.00"))
    assert price.currency == "NOK"
    assert price.total == Decimal("3675.00")
    assert price.vat == Decimal("526.79")
    assert price.seller == Decimal("312.50")
    assert price.supplier == Decimal("3362.50")


def test_price_in_sek_with_a_rate_vat_and_margins_computed_by_hand():
    settings = PackageSettings(currency="SEK", rates={"NOK": Decimal("1.05")})
    offers = {
        # A cabin for 4 for a week, 2400 SEK with VAT: a party of 2 on a 3-night trip takes one week.
        1: _offer(1, 3, "accommodation", "2321", "2400", "SEK", price_unit="unit", price_guests=4,
                  price_nights=7),
        # 300 NOK a person with VAT (12 % on transport in Norway), at 1.05 SEK a NOK.
        2: _offer(2, 4, "transport", "5021", "300"),
        # 150 SEK a person, VAT to be added (6 % on admission in Sweden).
        3: _offer(3, 3, "culture", "2321", "150", "SEK", vat_included=False),
    }
    package = _package(offers, (1, {"margin_kind": "net", "margin_percent": Decimal(15)}),
                       (2, {"margin_percent": Decimal(5)}), 3, days=4, guests=2)
    price = check_package(package, offers, ORGS, settings).price
    cabin, bus, museum = price.parts
    assert (cabin.units, cabin.gross, cabin.vat_amount) == (1, Decimal("1200.00"), Decimal("128.57"))
    assert (cabin.seller, cabin.guest) == (Decimal("180.00"), Decimal("1380.00"))
    assert (bus.rate, bus.gross, bus.vat_amount) == (Decimal("1.05"), Decimal("315.00"), Decimal("33.75"))
    assert (bus.seller, bus.supplier) == (Decimal("15.75"), Decimal("299.25"))
    assert (museum.gross, museum.vat_amount, museum.vat.rate) == (Decimal("159.00"), Decimal("9.00"), 6)
    assert price.total == Decimal("1854.00")
    assert price.vat == Decimal("171.32")
    assert price.seller == Decimal("195.75")
    assert price.supplier == Decimal("1658.25")
    lines = [line.replace("\xa0", " ") for line in check_package(package, offers, ORGS, settings).messages("sv")]
    assert "Pris per gäst: 1 854 SEK med moms (171,32 SEK av det är moms); leverantörerna får 1 658,25 SEK " \
           "och säljaren behåller 195,75 SEK." in lines
    assert any(line.startswith("Offer 3: 159 SEK per gäst, moms 6 % tillkommer") for line in lines)


def test_a_part_exempt_from_vat_says_so():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 2, "culture", "5021", "200")}
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, NOK)
    museum = check.price.parts[1]
    assert museum.vat.rate == 0 and museum.vat_amount == Decimal("0.00") and museum.guest == Decimal("200.00")
    assert any(line.startswith("Offer 2: 200\xa0NOK per guest, no VAT (exempt)") for line in check.messages("en"))


def test_a_night_price_for_a_one_day_trip_counts_one_night_and_a_small_party_pays_the_whole_group():
    offers = {1: _offer(1, 5, "accommodation", "5021", "1000", price_unit="night", price_guests=4),
              2: _offer(2, 2, "activity", "5021", "2000", price_unit="group", price_guests=8)}
    price = check_package(_package(offers, 1, 2, guests=1, days=1), offers, ORGS, NOK).price
    assert [p.guest for p in price.parts] == [Decimal("1000.00"), Decimal("2000.00")]


def test_a_currency_without_a_rate_is_an_error_naming_it():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"),
              2: _offer(2, 3, "activity", "2321", "500", "SEK")}
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, NOK)
    problem = next(p for p in check.problems if p.code == "no_rate")
    assert problem.part == 1 and problem.params["currency"] == "SEK"
    assert not check.ok
    assert check.price.total is None and not check.price.complete
    assert check.price.parts[0].guest == Decimal("900.00") and check.price.parts[1].guest is None
    english = check.messages("en")
    assert "Offer 2 is priced in SEK, and no rate from SEK to NOK is set" in english[0]
    assert any("cannot be added up until every part has a price in NOK" in line for line in english)
    assert check.local_share.share is None


def test_a_rate_must_be_above_zero():
    with pytest.raises(pydantic.ValidationError):
        PackageSettings(currency="NOK", rates={"SEK": Decimal(0)})


def test_a_negative_margin_is_refused_by_the_model():
    with pytest.raises(pydantic.ValidationError, match="greater than or equal to 0"):
        PackageComponent(offer_id=1, organisation_id=1, margin_percent=Decimal("-5"))


def test_every_offer_kind_has_a_vat_rate_in_both_countries():
    assert set(VAT_KIND_OF) == set(OFFER_KINDS)
    for country in ("NO", "SE"):
        for kind in OFFER_KINDS:
            rate = vat_rate(country, kind)
            assert 0 <= rate.rate < 100 and rate.source and rate.year and rate.approximate
    assert len(vat_rates()) == 12
    assert (vat_rate("NO", "accommodation").rate, vat_rate("SE", "transport").rate) == (12, 6)


@pytest.mark.parametrize("edit, expected", [
    (lambda s: s.replace("NO,accommodation,12,", "NO,accommodation,twelve,"),
     r"vat_rates\.csv: row 2, column 'rate': expected a number"),
    (lambda s: s.replace("SE,passenger_transport,6,", "SE,passenger_transport,106,"),
     r"vat_rates\.csv: row 9, column 'rate': expected a rate in per cent"),
    (lambda s: s.replace("SE,admission,", "DK,admission,"), r"vat_rates\.csv: row 11, column 'country'"),
    (lambda s: s.replace("NO,room_hire,", "NO,admission,"), r"vat_rates\.csv: row 7, column 'kind': .*twice"),
    (lambda s: "\n".join(line for line in s.splitlines() if not line.startswith("SE,restaurant_meals")),
     r"vat_rates\.csv: no rate for SE restaurant_meals"),
])
def test_a_broken_vat_table_is_a_data_error_naming_the_row(tmp_path, monkeypatch, edit, expected):
    folder = tmp_path / "reference"
    shutil.copytree(reference._path("vat_rates.csv").parent, folder)
    path = folder / "vat_rates.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(reference, "_path", lambda name: folder / name)
    vat_rates.cache_clear()
    try:
        with pytest.raises(DataError, match=expected):
            vat_rates()
    finally:
        vat_rates.cache_clear()


# -- gone offers and suppliers -------------------------------------------------------------------


def test_a_deleted_offer_is_shown_as_gone_and_never_dropped():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: None,
              3: _offer(3, 3, "activity", "2321", "500", "SEK")}
    package = _package(offers, 1, (2, {"org": 2}), 3, (4, {"org": 3}), days=2)
    check = check_package(package, offers, ORGS, PackageSettings(currency="NOK", rates={"SEK": Decimal(1)}))
    gone = [p for p in check.problems if p.code == "gone"]
    assert [(p.part, p.params) for p in gone] == [(1, {"number": 2, "offer": 2}), (3, {"number": 4, "offer": 4})]
    assert [p.gone for p in check.price.parts] == [False, True, False, True]
    assert check.price.total == Decimal("1400.00")  # what exists is still priced; the gone parts are listed
    supplier_gone = [p for p in check.problems if p.code == "supplier_gone"]
    assert [p.params["supplier"] for p in supplier_gone] == ["Oppdal Guide"]  # Åre keeps offer 3
    assert "one_supplier" not in _codes(check)
    assert [(leg.origin, leg.destination) for leg in check.legs] == [(0, 2)]  # past the gone part
    assert "Part 2 is gone: its offer (no. 2) was deleted" in check.messages("en")[0]
    assert "Oppdal Guide har ingen tilbud igjen i pakken" in " ".join(check.messages("nb"))


def test_one_supplier_is_an_error_and_a_supplier_left_alone_too():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 1, "activity", "5021", "500")}
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, NOK)
    assert next(p for p in check.problems if p.code == "one_supplier").params == {"n": 1}
    assert not check.ok
    assert "this one has offers of 1 organisation." in check.messages("en")[0]
    offers[2] = None
    check = check_package(_package({**offers, 2: _offer(2, 2, "activity", "5021", "500")}, 1, 2), offers, ORGS, NOK)
    assert {"supplier_gone", "one_supplier", "gone"} <= set(_codes(check))


def test_an_empty_package_says_so():
    check = check_package(Package(title="Tom", months=[9]), {}, ORGS, NOK)
    assert _codes(check) == ["no_parts"]
    assert check.capacity_per_day is None and check.legs == () and check.price.total is None
    assert check.law.rule == "empty"
    for lang in LANGUAGES:
        assert check.messages(lang)


# -- legs and CO2 ------------------------------------------------------------------------------


def test_legs_between_parts_at_different_places_with_co2_from_the_factors():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"),   # Oppdal's centre
              2: _offer(2, 2, "meal", "5021", "300"),            # Oppdal's centre too: no leg
              3: _offer(3, 3, "activity", "2321", "500"),        # Åre municipality's centre, Järpen
              4: _offer(4, 5, "activity", "5021", "400")}        # the lodge's own coordinates
    package = _package(offers, 1, (2, {"mode": "walk_bike"}), (3, {"mode": "coach"}), (4, {"mode": "car"}),
                       days=2)
    check = check_package(package, offers, ORGS, NOK)
    oppdal, jarpen = reference.municipality("5021"), reference.municipality("2321")
    source = travel.get("estimate")
    first = source.between(travel.Place("Oppdal", oppdal.centre_lat, oppdal.centre_lon),
                           travel.Place("Järpen", jarpen.centre_lat, jarpen.centre_lon))
    second = source.between(travel.Place("Järpen", jarpen.centre_lat, jarpen.centre_lon),
                            travel.Place("Lodge", 62.70, 9.35))
    assert [(leg.origin, leg.destination, leg.mode) for leg in check.legs] == [(1, 2, "coach"), (2, 3, "car")]
    a, b = check.legs
    assert a.km == pytest.approx(first.km, rel=1e-6) and a.minutes == pytest.approx(first.minutes, rel=1e-6)
    assert a.co2 == pytest.approx(first.km * 31, rel=1e-6)   # coach: 31 g per passenger-km (DEFRA 2009)
    assert b.co2 == pytest.approx(second.km * 129, rel=1e-6)  # car: 129 g
    assert (a.factor_year, a.factor_source) == (2009, "UK DEFRA GHG conversion factors guidance")
    assert a.travel_source == "estimate"
    assert check.legs_co2 == pytest.approx(first.km * 31 + second.km * 129, rel=1e-6)
    line = next(m for m in check.messages("en") if m.startswith("Offer 2 to Offer 3"))
    assert f"{a.km:.0f} km by coach" in line and "UK DEFRA GHG conversion factors guidance, 2009" in line


def test_a_leg_longer_than_the_cluster_allows_is_a_warning():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 3, "activity", "2321", "500")}
    settings = PackageSettings(currency="NOK", max_leg_minutes=60)
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, settings)
    problem = next(p for p in check.problems if p.code == "long_leg")
    assert problem.severity == "warning" and problem.params["limit"] == 60 and problem.params["minutes"] > 60
    assert check.ok  # a warning alone does not stop the package


def test_an_electric_train_factor_without_a_year_is_shown_with_its_source():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 4, "activity", "5001", "500")}
    check = check_package(_package(offers, 1, (2, {"mode": "electric_rail_nordic"}), days=2), offers, ORGS, NOK)
    leg = check.legs[0]
    assert leg.factor_year is None and leg.co2 == pytest.approx(leg.km * 7, rel=1e-6)
    assert any("(factor: klimatresa.se (Chalmers method))" in m for m in check.messages("en"))


# -- the trip to the region and home -------------------------------------------------------------


def test_the_arrival_trip_is_shown_with_its_share_of_the_whole_trips_co2():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 3, "activity", "2321", "500")}
    package = _package(offers, 1, (2, {"mode": "car"}), days=2, arrival_from="Trondheim", arrival_mode="rail")
    check = check_package(package, offers, ORGS, NOK)
    source = travel.get("estimate")
    trondheim = travel.place("Trondheim")
    oppdal, jarpen = reference.municipality("5021"), reference.municipality("2321")
    out = source.between(trondheim, travel.Place("Oppdal", oppdal.centre_lat, oppdal.centre_lon))
    back = source.between(travel.Place("Järpen", jarpen.centre_lat, jarpen.centre_lon), trondheim)
    arrival = check.arrival
    assert arrival.km == pytest.approx(out.km + back.km, rel=1e-6)
    assert arrival.minutes == pytest.approx(out.minutes + back.minutes, rel=1e-5)
    assert arrival.co2 == pytest.approx((out.km + back.km) * 57, rel=1e-6)  # rail: 57 g per passenger-km
    inside = check.legs[0].co2
    assert arrival.share == pytest.approx(arrival.co2 / (arrival.co2 + inside))
    assert any(m.startswith("Reisen fra Trondheim og hjem med tog") for m in check.messages("nb"))


def test_an_unknown_arrival_place_is_a_warning_and_none_given_asks_for_it():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 2, "activity", "5021", "500")}
    check = check_package(_package(offers, 1, 2, days=2, arrival_from="Atlantis"), offers, ORGS, NOK)
    problem = next(p for p in check.problems if p.code == "arrival_unknown")
    assert problem.severity == "warning" and check.arrival is None
    check = check_package(_package(offers, 1, 2, days=2), offers, ORGS, NOK)
    assert check.arrival is None
    assert any(m.startswith("Say where guests come from") for m in check.messages("en"))


def test_an_arrival_from_coordinates_outweighs_the_legs_inside():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 2, "activity", "5021", "500")}
    # From Oslo by domestic flight (coordinates: Oslo is outside the reference places).
    check = check_package(_package(offers, 1, 2, days=2, arrival_from="59.91,10.75", arrival_mode="domestic_flight"),
                          offers, ORGS, NOK)
    assert check.legs == () and check.arrival.share == 1.0
    assert check.arrival.co2 == pytest.approx(check.arrival.km * 172, rel=1e-6)


# -- local share ---------------------------------------------------------------------------------


def test_local_share_is_what_suppliers_based_in_the_packages_areas_get():
    offers = {1: _offer(1, 1, "accommodation", "5021", "1000"),       # Oppdal, based in Oppdal
              2: _offer(2, 4, "transport", "5021", "250"),            # Oppdal, run from Trondheim
              3: _offer(3, 3, "activity", "2321", "750", "SEK")}      # Åre, based in Åre
    settings = PackageSettings(currency="NOK", rates={"SEK": Decimal(1)})
    check = check_package(_package(offers, 1, 2, 3, days=2), offers, ORGS, settings)
    local = check.local_share
    assert local.suppliers == (1, 4, 3) and local.local == (1, 3)
    assert local.areas == ("Oppdal", "Jämtland Härjedalen")
    assert local.share == pytest.approx(1750 / 2000)
    assert "88% of what the suppliers get goes to suppliers based in the package's areas (Oppdal, " \
           "Jämtland Härjedalen)." in check.messages("en")


def test_local_share_counts_what_the_supplier_gets_after_commission():
    offers = {1: _offer(1, 1, "accommodation", "5021", "1000"), 2: _offer(2, 4, "transport", "5021", "1000")}
    package = _package(offers, (1, {"margin_percent": Decimal(50)}), 2, days=2)
    assert check_package(package, offers, ORGS, NOK).local_share.share == pytest.approx(500 / 1500)


# -- size and words ------------------------------------------------------------------------------


class _Counting(Estimate):
    """The offline estimate, counting its matrix calls."""

    calls = 0

    def matrix(self, origins, destinations):
        type(self).calls += 1
        return super().matrix(origins, destinations)


def test_a_package_of_40_parts_is_checked_with_one_matrix_call():
    codes = [m.code for m in reference.municipalities()]
    offers = {i: _offer(i, 1 + i % 5, ("activity", "meal", "accommodation", "culture", "transport")[i % 5],
                        codes[i % len(codes)], "100") for i in range(1, 41)}
    package = _package(offers, *((i, {"mode": "coach"}) for i in offers), days=1, arrival_from="Östersund")
    source = _Counting()
    check_package(package, offers, ORGS, NOK, travel=source)  # warm the reference caches
    _Counting.calls = 0
    check = check_package(package, offers, ORGS, NOK, travel=source)
    assert _Counting.calls == 1
    assert len(check.legs) == 39 and check.arrival is not None


def test_every_message_fills_in_every_language():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900", capacity=2), 2: None,
              3: _offer(3, 3, "activity", "2321", "500", "SEK", months=(1,)),
              4: _offer(4, 4, "transport", "9999", "100")}
    package = _package(offers, 1, (2, {"org": 2}), 3, 4, days=2, guests=4, arrival_from="Atlantis")
    check = check_package(package, offers, ORGS, PackageSettings(currency="NOK", max_leg_minutes=5))
    assert {"gone", "supplier_gone", "closed", "capacity_below_party", "no_rate", "no_place", "long_leg",
            "arrival_unknown"} <= set(_codes(check))
    for lang in LANGUAGES:
        lines = check.messages(lang)
        assert all(line and "{" not in line for line in lines)


class _Island(Estimate):
    """The offline estimate, with no route between different places (as a routing server may answer)."""

    def matrix(self, origins, destinations):
        found = super().matrix(origins, destinations)
        off = ~np.eye(*found.shape, dtype=bool)
        found.minutes[off] = np.inf
        found.km[off] = np.nan
        return found


def test_a_trip_without_a_route_is_a_warning_and_left_out():
    offers = {1: _offer(1, 1, "accommodation", "5021", "900"), 2: _offer(2, 3, "activity", "2321", "500")}
    package = _package(offers, 1, 2, days=2, arrival_from="Trondheim")
    check = check_package(package, offers, ORGS, NOK, travel=_Island())
    assert check.legs == () and check.arrival is None
    routes = [p for p in check.problems if p.code == "no_route"]
    assert [(p.params["origin"], p.params["destination"]) for p in routes] == [
        ("Offer 1", "Offer 2"), ("Trondheim", "Offer 1"), ("Offer 2", "Trondheim")]
    assert all(p.severity == "warning" for p in routes) and check.ok
    lines = check.messages("en")
    assert all("{" not in line and "nan" not in line.lower() for line in lines)
    assert not any(line.startswith("Say where guests come from") for line in lines)
