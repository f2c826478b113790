"""Made-up clusters of offers for the package suggestions' tests and benchmark (one generator, a fixed seed)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from klynge import reference
from klynge.model import Offer, Organisation
from klynge.model.offer import Money
from tests.factories import fictional_orgnr

KINDS = ("activity", "accommodation", "meal", "transport", "culture")
SUBCLUSTERS = ("food", "winter", "pilgrim", "coast", "culture", "outdoor")
TITLES = {"activity": ("Fjelltur", "Kajakkpadling", "Hundekjøring", "Elgsafari"),
          "accommodation": ("Dobbeltrom", "Hytte for to", "Stuga"),
          "meal": ("Middag", "Ostprovning", "Lunsj på gården"),
          "transport": ("Transfer", "Buss over fjellet"),
          "culture": ("Museumsbesøk", "Byvandring", "Pilegrimsmottak")}


def organisation(oid: int, municipality: str, *, lat=None, lon=None, subclusters=(), name=None) -> Organisation:
    m = reference.municipality(municipality)
    return Organisation(id=oid, name=name or f"Member {oid}", country=m.country, municipality=municipality,
                        orgnr=fictional_orgnr(m.country, oid, start=560_000_000 if m.country == "SE" else 93_000_000,
                                              step=7),
                        lat=lat, lon=lon, subclusters=list(subclusters))


def offer(oid: int, org: Organisation, kind: str, months, amount, *, currency="NOK", unit=None, guests=1,
          title=None) -> Offer:
    return Offer(id=oid, organisation_id=org.id, title=title or f"{kind.title()} {oid}", kind=kind,
                 municipality=org.municipality, months=list(months), capacity_per_day=10,
                 price=Money(amount=Decimal(str(amount)), currency=currency), price_unit=unit,
                 price_guests=guests)


def synthetic_offers(n: int, seed: int = 11) -> tuple[list[Offer], dict[int, Organisation]]:
    """``n`` offers of ``n // 3`` members across Trøndelag and Jämtland; the same for the same seed.

    Members sit near their municipality's centre (within about 10 km); each offers 1 to 5
    things of any kind, open for a stretch of months, priced in NOK or SEK per person, per
    group or per night.
    """
    rng = np.random.default_rng(seed)
    municipalities = reference.municipalities()
    orgs: dict[int, Organisation] = {}
    for k in range(max(2, n // 3)):
        m = municipalities[rng.integers(len(municipalities))]
        subs = tuple(rng.choice(SUBCLUSTERS, size=rng.integers(0, 3), replace=False))
        orgs[k + 1] = organisation(k + 1, m.code, lat=float(m.centre_lat + rng.normal(0, 0.05)),
                                   lon=float(m.centre_lon + rng.normal(0, 0.1)), subclusters=subs)
    ids = list(orgs)
    offers = []
    for i in range(n):
        org = orgs[ids[i % len(ids)] if i < len(ids) else ids[rng.integers(len(ids))]]
        kind = KINDS[rng.integers(len(KINDS))]
        start, length = int(rng.integers(1, 13)), int(rng.integers(3, 13))
        months = sorted({(start + d - 1) % 12 + 1 for d in range(length)})
        currency = "SEK" if org.country == "SE" else "NOK"
        unit, guests = ("night", 2) if kind == "accommodation" else (("group", 8) if rng.random() < 0.2
                                                                     else ("person", 1))
        amount = int(rng.integers(2, 30)) * 50 * (guests if unit != "person" else 1)
        title = str(rng.choice(TITLES[kind]))
        offers.append(offer(i + 1, org, kind, months, amount, currency=currency, unit=unit, guests=guests,
                            title=f"{title} {i + 1}"))
    return offers, orgs
