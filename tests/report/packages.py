"""A small cluster with a package, and the demo's packages with ids, for the package text and poster tests."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from klynge.demo import read_demo
from klynge.model import Offer, Organisation, Package, PackageComponent

from ..factories import fictional_orgnr


def organisation(oid: int, name: str, country: str = "NO", municipality: str = "5021", **kw) -> Organisation:
    return Organisation(id=oid, name=name, country=country, municipality=municipality,
                        orgnr=fictional_orgnr(country, oid, start=31_000_000, step=97), **kw)


def offer(oid: int, org: int, title: str, kind: str, amount: int | str, currency: str = "NOK", **kw) -> Offer:
    kw.setdefault("municipality", "5021")
    kw.setdefault("months", [9, 10, 11])
    kw.setdefault("capacity_per_day", 20)
    return Offer(id=oid, organisation_id=org, title=title, kind=kind,
                 price={"amount": Decimal(str(amount)), "currency": currency,
                        "vat_included": kw.pop("vat_included", True)}, **kw)


def cluster():
    """Three suppliers in Oppdal and Trondheim: a guide, a farm kitchen (certified) and a mountain lodge."""
    organisations = {
        1: organisation(1, "Fjellgløtt Guiding"),
        2: organisation(2, "Kjerringa Gårdsmat", certifications=["miljofyrtarn"]),
        3: organisation(3, "Skarvhaugen Fjellstue", municipality="5001", certifications=["svanen", "green_key"]),
    }
    offers = {
        10: offer(10, 1, "Høstmoskus og fjellfoto", "activity", 1290, capacity_per_day=12,
                  languages=["nb", "en", "de"]),
        11: offer(11, 2, "Middag i stabburet", "meal", 4000, price_unit="group", price_guests=8,
                  languages=["nb", "en"]),
        12: offer(12, 3, "Dobbeltrom med halvpensjon", "accommodation", 2400, municipality="5001",
                  price_unit="night", price_guests=2, languages=["nb", "en", "de"]),
    }
    package = Package(
        title="Høstmoskus og fjellmat", months=[10, 11], theme="nature", guests=2, arrival_from="Oslo",
        arrival_mode="rail", components=[
            PackageComponent(offer_id=10, organisation_id=1, day=1),
            PackageComponent(offer_id=12, organisation_id=3, day=1, mode="bus"),
            PackageComponent(offer_id=11, organisation_id=2, day=2, mode="walk_bike", margin_kind="net",
                             margin_percent=Decimal(10)),
        ])
    return package, offers, organisations


@cache
def demo_packages():
    """The demo's packages with their offers and organisations given ids, as the store would (read once)."""
    demo = read_demo()
    org_ids = {slug: i for i, slug in enumerate(sorted(demo.organisations), 1)}
    organisations = {org_ids[slug]: f.organisation.model_copy(update={"id": org_ids[slug]})
                     for slug, f in demo.organisations.items()}
    offer_ids, offers = {}, {}
    for i, (ref, o) in enumerate(demo.offers(), 1):
        offer_ids[ref] = i
        offers[i] = Offer.model_validate({**o.model_dump(exclude={"slug"}), "id": i,
                                          "organisation_id": org_ids[ref.split("/")[0]]})
    return [p.package(offer_ids, org_ids) for p in demo.packages], offers, organisations
