"""The package-travel warning: the directive's rules as Norway's and Sweden's laws apply them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from klynge.analysis.package_check import check_package
from klynge.analysis.package_law import OTHER_SHARE, SERVICE_OF, LawPart, assess
from klynge.i18n import LANGUAGES
from klynge.model import Offer, Organisation
from klynge.model.offer import OFFER_KINDS
from klynge.model.package import Package, PackageComponent, PackageSettings

from ..factories import fictional_orgnr


def _parts(*pairs) -> list[LawPart]:
    return [LawPart(kind, None if value is None else Decimal(value)) for kind, value in pairs]


def test_every_offer_kind_maps_to_a_type_of_travel_service():
    assert set(SERVICE_OF) == set(OFFER_KINDS)
    assert SERVICE_OF["transport"] == "carriage" and SERVICE_OF["accommodation"] == "accommodation"
    assert {SERVICE_OF[k] for k in ("activity", "culture", "meal", "venue")} == {"other"}


def test_norway_transport_and_accommodation_make_a_package_with_the_sellers_duties():
    law = assess(_parts(("transport", "400"), ("accommodation", "1200")), days=3, countries=["NO"])
    assert law.package and law.rule == "two_types"
    assert law.duties == ("package_check.law.duty.security_no", "package_check.law.duty.information",
                          "package_check.law.duty.liability")
    lines = law.messages("nb")
    assert lines[0] == ("En pakkereise etter pakkereiseloven (2018): den setter sammen persontransport og "
                        "overnatting for samme reise, så selgeren er arrangør av en pakkereise.")
    assert "Reisegarantifondet" in lines[1]
    assert "standardskjemaet" in lines[2]


def test_sweden_accommodation_with_a_significant_activity_is_a_package():
    law = assess(_parts(("accommodation", "1400"), ("activity", "600")), days=2, countries=["SE"])
    assert law.package and law.rule == "significant" and law.other_share == Decimal("0.3")
    assert law.duties[0] == "package_check.law.duty.security_se"
    lines = law.messages("sv")
    assert lines[0].startswith("En paketresa enligt paketreselagen (2018:1217): andra turisttjänster är 30")
    assert "Kammarkollegiet" in lines[1]


@pytest.mark.parametrize("country", ["NO", "SE"])
def test_other_services_under_a_quarter_of_the_value_do_not_make_a_package(country):
    law = assess(_parts(("accommodation", "2000"), ("activity", "300"), ("meal", "200")), days=2,
                 countries=[country])
    assert not law.package and law.rule == "minor" and law.duties == ()
    assert law.other_share == Decimal(500) / Decimal(2500)
    assert "under 25 %" in law.reason("en")


def test_other_services_at_exactly_a_quarter_make_a_package():
    law = assess(_parts(("transport", "750"), ("culture", "250")), days=2, countries=["NO"])
    assert law.other_share == OTHER_SHARE and law.package and law.rule == "significant"


def test_other_services_the_theme_advertises_are_an_essential_feature():
    parts = _parts(("accommodation", "2000"), ("meal", "100"))
    law = assess(parts, days=2, theme="food", countries=["SE"])
    assert law.package and law.rule == "essential"
    assert "temat mat marknadsför" in law.reason("sv")
    assert not assess(parts, days=2, theme="nature", countries=["SE"]).package  # meals are not what nature sells


@pytest.mark.parametrize("country", ["NO", "SE"])
def test_a_day_trip_without_a_night_is_outside_the_law(country):
    law = assess(_parts(("transport", "300"), ("activity", "700"), ("meal", "300")), days=1, countries=[country])
    assert not law.package and law.rule == "day_trip"
    assert "24" in law.reason("nb") and "24" in law.reason("sv")
    # One day with a bed is an overnight stay: the usual rules apply.
    assert assess(_parts(("transport", "300"), ("accommodation", "700")), days=1, countries=[country]).package


def test_a_single_type_of_service_is_not_a_package():
    law = assess(_parts(("accommodation", "800"), ("accommodation", "900")), days=3, countries=["NO"])
    assert not law.package and law.rule == "single_type"
    law = assess(_parts(("activity", "800"), ("meal", "300"), ("culture", "200")), days=2, countries=["SE"])
    assert not law.package and law.rule == "other_only"
    assert "andra turisttjänster" in law.reason("sv")


def test_an_unknown_value_is_treated_as_a_package():
    law = assess(_parts(("accommodation", "800"), ("activity", None)), days=2, countries=["NO"])
    assert law.package and law.rule == "value_unknown" and law.other_share is None


def test_no_parts_and_no_country_name_the_directive():
    law = assess([], days=1, countries=[])
    assert not law.package and law.rule == "empty"
    assert "2015/2302" in law.reason("en")


def test_every_rule_reads_in_every_language():
    cases = [assess(_parts(*p), days=d, theme=th, countries=["NO", "SE"]) for p, d, th in [
        ((), 1, ""), ((("activity", "1"),), 1, ""), ((("activity", "1"), ("meal", "1")), 2, ""),
        ((("transport", "1"), ("accommodation", "1")), 2, ""), ((("transport", "3"), ("meal", "1")), 2, ""),
        ((("transport", "9"), ("meal", "1")), 2, ""), ((("transport", "9"), ("meal", "1")), 2, "food"),
        ((("transport", "9"), ("meal", None)), 2, ""), ((("accommodation", "9"),), 2, ""),
    ]]
    assert {law.rule for law in cases} == {"empty", "day_trip", "other_only", "two_types", "significant", "minor",
                                           "essential", "value_unknown", "single_type"}
    for law in cases:
        for lang in LANGUAGES:
            assert all(line and "{" not in line for line in law.messages(lang))


# -- through the package check -------------------------------------------------------------------


def _org(i: int, country: str, municipality: str) -> Organisation:
    start = 93_500_000 if country == "NO" else 559_500_000
    return Organisation(id=i, name=f"Member {i}", country=country, municipality=municipality,
                        orgnr=fictional_orgnr(country, i, start=start, step=17))


def _offer(i: int, org: int, kind: str, municipality: str, amount: str, currency: str) -> Offer:
    return Offer(id=i, organisation_id=org, title=f"Offer {i}", kind=kind, municipality=municipality,
                 months=[9, 10], capacity_per_day=10, price={"amount": amount, "currency": currency})


def test_the_check_values_parts_at_their_price_per_guest_and_names_the_sellers_law():
    orgs = {1: _org(1, "SE", "2321"), 2: _org(2, "SE", "2380"), 3: _org(3, "NO", "5021")}
    # A Swedish cabin night for 2 at 1800 SEK (900 a guest) and a guided tour at 250 SEK a person.
    offers = {1: Offer(id=1, organisation_id=1, title="Stuga", kind="accommodation", municipality="2321",
                       months=[9, 10], capacity_per_day=10, price={"amount": "1800", "currency": "SEK"},
                       price_unit="night", price_guests=2),
              2: _offer(2, 2, "activity", "2380", "250", "SEK")}
    package = Package(title="Höst", months=[9], days=2, components=[
        PackageComponent(offer_id=1, organisation_id=1), PackageComponent(offer_id=2, organisation_id=2, day=2)])
    settings = PackageSettings(currency="SEK")
    check = check_package(package, offers, orgs, settings)
    # 250 / (900 + 250) = 21.7 %: under a quarter, not a package.
    assert not check.law.package and check.law.rule == "minor" and check.law.countries == ("SE",)
    assert "package_travel" not in [p.code for p in check.problems]
    assert check.messages("sv")[-1].startswith("Inte en paketresa enligt paketreselagen (2018:1217)")
    # A Norwegian bus to the cabin: carriage and accommodation, a package; the Norwegian seller's law applies.
    orgs[3] = _org(3, "NO", "5021")
    offers[3] = _offer(3, 3, "transport", "5021", "300", "NOK")
    package = package.model_copy(update={"components": [PackageComponent(offer_id=3, organisation_id=3),
                                                        *package.components]})
    check = check_package(package, offers, orgs, PackageSettings(currency="SEK", rates={"NOK": Decimal(1)}),
                          seller=3)
    assert check.law.package and check.law.rule == "two_types" and check.law.countries == ("NO",)
    warning = next(p for p in check.problems if p.code == "package_travel")
    assert warning.severity == "warning" and check.ok
    lines = check.messages("en")
    assert lines[0].startswith("A package under Norway's pakkereiseloven (2018): it combines carriage of passengers "
                               "and accommodation")
    assert "Reisegarantifondet" in lines[1]
