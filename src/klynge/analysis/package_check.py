"""The package studio's checks: open months, capacity, price per guest, legs and CO2, local share, the law.

:func:`check_package` reads a package, its offers (``None`` for one deleted since), the
organisations and the cluster's package settings, and answers a :class:`PackageCheck`: the
problems in plain words (:class:`Problem`, errors and warnings with an i18n key), and the
figures the studio shows. It reads reference data (VAT rates, CO2 factors, municipalities) and
asks a travel source for one matrix of every part's place to every other; nothing else.

How each figure is made:

- **open months**: the months of the year in which every part is open; a part closed in a
  chosen month is an error naming the part and the month.
- **capacity per day**: the smallest part's capacity. Beds, seats and guests a day all count
  guests a day for a package (a bed sleeps one guest a night, a seat serves one a sitting), and
  the part that limits it is named.
- **price per guest** (:class:`PartPrice`), for the party of ``package.guests``: a price per
  person is paid by each guest; a group price covers up to ``price_guests`` guests, and the
  party pays for as many whole groups as it fills (at least one, shared by the party, so a
  party smaller than the group pays the whole group); a price a night is for a room or bed of
  ``price_guests`` guests, times the trip's nights (days - 1, at least 1), for as many rooms as
  the party fills; a unit price (a cabin week, a room hire) is paid once per unit the party
  fills, and for accommodation once per ``price_nights`` (or part of them) of the trip. The sum
  is divided by the party. Then it is converted to ``settings.currency`` at ``settings.rates``
  (a currency without a rate is an error naming it), and the VAT of the part's country and
  kind of service (``data/reference/vat_rates.csv``) is shown as included in the price or added
  to it. Last the margin: with ``commission`` the seller keeps that share of the supplier's
  price (the guest pays the supplier's price); with ``net`` the seller adds that share on top
  of the supplier's net rate (the guest pays the rate plus the margin). Margins are worked on
  the price with VAT; the tour operators' margin scheme for VAT is not modelled.
- **legs**: between consecutive parts (in the parts' order, skipping parts that are gone) at
  different places, the travel source's road minutes and km, and the grams of CO2 per guest
  by the part's ``mode`` (km times the factor of ``co2_factors.csv``, with its year and source).
  A part's place is its organisation's coordinates when the offer is in the organisation's own
  municipality, else the centre of the offer's municipality.
- **arrival**: the guest's trip from ``package.arrival_from`` to the first part and from the
  last part home, by ``package.arrival_mode``, with its share of the whole trip's CO2. The km are
  road km whatever the mode (a train or a plane goes about as far).
- **local share**: a supplier is local when its organisation is based in a seasonality area
  where a part of the package takes place; the share is what the local suppliers get of what
  all suppliers get, per guest (None until every part has a price).
- **law**: :func:`klynge.analysis.package_law.assess` on the parts that exist, valued at the
  price per guest, for the sellers' countries (the seller's, or every supplier's).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from .. import reference
from ..errors import DataError, KlyngeError
from ..i18n import t
from ..model import Offer, Organisation
from ..model.package import Package, PackageSettings
from ..reference import Co2Factor
from . import package_law
from .package_law import LawAssessment, LawPart
from .travel import Place, TravelSource, parse_place
from .travel import get as travel_source

__all__ = ["VAT_KIND_OF", "Amount", "Arrival", "Leg", "LocalShare", "PackageCheck", "PartPrice", "Price",
           "Problem", "VatRate", "check_package", "vat_rate", "vat_rates"]

#: The kind of service in ``vat_rates.csv`` of each offer kind.
VAT_KIND_OF = {"accommodation": "accommodation", "transport": "passenger_transport", "meal": "restaurant_meals",
               "culture": "admission", "activity": "guided_activities", "venue": "room_hire"}
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class VatRate:
    """The VAT rate (per cent) of a kind of service in a country, with its source and year."""

    country: str
    kind: str
    rate: float
    source: str
    year: int | None
    approximate: bool
    note: str

    @property
    def share(self) -> Decimal:
        """The rate as a share (0.12 for 12 %)."""
        return Decimal(str(self.rate)) / 100


@cache
def vat_rates() -> dict[tuple[str, str], VatRate]:
    """Every VAT rate of ``data/reference/vat_rates.csv`` by (country, kind)."""
    out: dict[tuple[str, str], VatRate] = {}
    for row, v in reference._rows("vat_rates.csv", VatRate, optional=("note",)):
        reference._check(row, "country", v.country, ("NO", "SE"))
        reference._check(row, "kind", v.kind, tuple(VAT_KIND_OF.values()))
        if not 0 <= v.rate < 100:
            raise row.fail("rate", f"expected a rate in per cent from 0 to 100, got {v.rate}")
        reference._add(out, (v.country, v.kind), v, row, "kind")
    missing = [f"{c} {k}" for c in ("NO", "SE") for k in VAT_KIND_OF.values() if (c, k) not in out]
    if missing:
        raise DataError(f"{reference._path('vat_rates.csv')}: no rate for {', '.join(missing)}")
    return out


def vat_rate(country: str, offer_kind: str) -> VatRate:
    """The VAT rate of an offer of ``offer_kind`` sold in ``country`` (NO or SE)."""
    return vat_rates()[(country, VAT_KIND_OF[offer_kind])]


@dataclass(frozen=True)
class Amount:
    """An amount in a currency; a message shows it the language's way ("1 200,50 NOK")."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Problem:
    """Something to fix (``error``) or to know (``warning``), as an i18n key with its values.

    ``part`` is the index of the part it is about (None for the package as a whole). Values
    named ``month`` (a month number) are put in words when the message is made.
    """

    code: str
    key: str
    params: dict = field(default_factory=dict)
    part: int | None = None
    severity: str = "error"

    def message(self, lang: str = "nb") -> str:
        """The problem in ``lang``."""
        values = dict(self.params)
        if "month" in values:
            values["month"] = t(f"board.month.{values['month']}", lang)
        return t(self.key, lang, **values)


@dataclass(frozen=True)
class PartPrice:
    """One part's price per guest: as offered, converted, with VAT and the margin.

    ``gone`` parts (deleted offers) and parts whose price cannot be worked out (no rate, no VAT
    rate) keep their place with None amounts. Amounts after conversion are in the check's
    currency, per guest, rounded to the cent.

    Attributes
    ----------
    units
        What the party pays for: persons, groups, rooms times nights, or units.
    offered
        The offer's price per guest in its own currency (before VAT is added).
    rate
        What one unit of the offer's currency is worth in the check's currency.
    vat_included
        Whether the offer's price includes VAT (else the VAT is added to it).
    vat, gross
        VAT per guest, and the supplier's price per guest with VAT.
    seller, supplier, guest
        What the seller keeps, what the supplier gets and what the guest pays, per guest.
    """

    index: int
    offer_id: int
    organisation_id: int
    title: str
    gone: bool = False
    kind: str = ""
    unit: str = ""
    units: int = 0
    currency: str = ""
    offered: Decimal | None = None
    rate: Decimal | None = None
    vat: VatRate | None = None
    vat_included: bool = True
    vat_amount: Decimal | None = None
    gross: Decimal | None = None
    margin_kind: str = "commission"
    margin_percent: Decimal = Decimal(0)
    seller: Decimal | None = None
    supplier: Decimal | None = None
    guest: Decimal | None = None


@dataclass(frozen=True)
class Price:
    """The price per guest in ``currency``: each part, and the totals (None when a part has no price)."""

    currency: str
    parts: tuple[PartPrice, ...]
    total: Decimal | None
    vat: Decimal | None
    seller: Decimal | None
    supplier: Decimal | None

    @property
    def complete(self) -> bool:
        """Whether every part that exists has a price in the currency."""
        return self.total is not None


class _Emission:
    """The CO2 factor's year and source, for a leg or the trip to the region (whose ``factor`` it reads)."""

    @property
    def factor_year(self) -> int | None:
        """The year of the CO2 factor (None where its source states none)."""
        return self.factor.year

    @property
    def factor_source(self) -> str:
        """Where the CO2 factor comes from."""
        return self.factor.source


@dataclass(frozen=True)
class Leg(_Emission):
    """The trip from part ``origin`` to part ``destination`` (indexes), by ``mode``.

    ``minutes`` and ``km`` are by road as the travel source (``travel_source``: estimate, matrix
    or osrm) gives them, whatever the mode; ``co2`` is grams of CO2 per guest: km times the
    mode's factor.
    """

    origin: int
    destination: int
    minutes: float
    km: float
    mode: str
    co2: float
    factor: Co2Factor
    travel_source: str


@dataclass(frozen=True)
class Arrival(_Emission):
    """The guest's trip from ``place`` to the first part and from the last part home, by ``mode``.

    ``minutes`` and ``km`` are for both ways together; ``share`` is the trip's part of the CO2
    of the whole trip (the legs inside the package and this).
    """

    place: str
    mode: str
    minutes: float
    km: float
    co2: float
    factor: Co2Factor
    share: float


@dataclass(frozen=True)
class LocalShare:
    """Suppliers based in the package's areas, and their share of what suppliers get (None: no price yet)."""

    share: float | None
    areas: tuple[str, ...]
    local: tuple[int, ...]
    suppliers: tuple[int, ...]


@dataclass(frozen=True)
class PackageCheck:
    """What the studio shows about a package (see the module docstring)."""

    problems: list[Problem]
    months_open: tuple[int, ...]
    capacity_per_day: int | None
    capacity_part: int | None
    price: Price
    legs: tuple[Leg, ...]
    arrival: Arrival | None
    local_share: LocalShare
    law: LawAssessment
    #: The parts' titles, in the parts' order ("#id" for a part that is gone).
    titles: tuple[str, ...] = ()
    #: Where guests come from, as the package gives it ("" when not given).
    arrival_from: str = ""

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def legs_co2(self) -> float:
        """Grams of CO2 per guest of every leg inside the package."""
        return sum(leg.co2 for leg in self.legs)

    def messages(self, lang: str = "nb") -> list[str]:
        """Everything the check found, in plain words in ``lang``: problems first, then the figures."""
        out = [p.message(lang) for p in self.problems if p.severity == "error"]
        if self.law.package:  # the warning with its reason and what the law asks
            out.extend(self.law.messages(lang))
        out.extend(p.message(lang) for p in self.problems if p.severity != "error" and p.code != "package_travel")
        months = [t(f"board.month.{m}", lang) for m in _season_order(self.months_open)]
        out.append(t("package_check.months_open", lang, months=", ".join(months)) if months
                   else t("package_check.months_open_none", lang))
        if self.capacity_per_day is not None:
            out.append(t("package_check.capacity", lang, capacity=self.capacity_per_day,
                         part=self.titles[self.capacity_part]))
        out.extend(self._price_lines(lang))
        for leg in self.legs:
            out.append(t("package_check.leg", lang, origin=self.titles[leg.origin],
                         destination=self.titles[leg.destination], minutes=leg.minutes, km=leg.km,
                         mode=t(f"package_check.mode.{leg.mode}", lang), co2=leg.co2, factor=_factor(leg.factor)))
        if self.legs:
            out.append(t("package_check.legs_total", lang, km=sum(leg.km for leg in self.legs), co2=self.legs_co2))
        if self.arrival is None:
            if not self.arrival_from.strip():  # else a warning already says why there is none
                out.append(t("package_check.arrival_none", lang))
        else:
            a = self.arrival
            out.append(t("package_check.arrival", lang, place=a.place, mode=t(f"package_check.mode.{a.mode}", lang),
                         km=a.km, minutes=a.minutes, co2=a.co2, share=a.share, factor=_factor(a.factor)))
        out.append(self._local_line(lang))
        if not self.law.package:
            out.append(self.law.reason(lang))
        return out

    def _price_lines(self, lang: str) -> list[str]:
        price, out = self.price, []
        for part in price.parts:
            if part.guest is None:
                continue
            if not part.vat.rate:
                vat = t("package_check.vat_exempt", lang)
            else:
                vat = t("package_check.vat_included" if part.vat_included else "package_check.vat_added", lang,
                        rate=part.vat.share)
            margin = (t(f"package_check.margin.{part.margin_kind}", lang, percent=part.margin_percent,
                        amount=Amount(part.seller, price.currency)) if part.margin_percent
                      else t("package_check.margin.none", lang))
            out.append(t("package_check.part_price", lang, part=part.title, price=Amount(part.guest, price.currency),
                         vat=vat, margin=margin))
        if price.complete:
            out.append(t("package_check.price", lang, total=Amount(price.total, price.currency),
                         vat=Amount(price.vat, price.currency), suppliers=Amount(price.supplier, price.currency),
                         seller=Amount(price.seller, price.currency)))
        else:
            out.append(t("package_check.price_incomplete", lang, currency=price.currency))
        return out

    def _local_line(self, lang: str) -> str:
        local = self.local_share
        areas = ", ".join(local.areas)
        if local.share is None:
            return t("package_check.local_count", lang, local=len(local.local), total=len(local.suppliers),
                     areas=areas)
        return t("package_check.local", lang, share=local.share, areas=areas)


def _season_order(months: Sequence[int]) -> list[int]:
    """Months from September to August, the order the studio's calendar shows."""
    return sorted(months, key=lambda m: (m - 9) % 12)


def _factor(factor: Co2Factor) -> str:
    return f"{factor.source}, {factor.year}" if factor.year else factor.source


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


# -- the checks --------------------------------------------------------------------------------


def check_package(package: Package, offers: Mapping[int, Offer | None], organisations: Mapping[int, Organisation],
                  settings: PackageSettings, *, travel: TravelSource | None = None,
                  seller: int | None = None) -> PackageCheck:
    """Check a package and work out what the studio shows (see the module docstring).

    Parameters
    ----------
    package
        The package; its parts' order is the trip's order.
    offers
        Every part's offer by id; ``None`` for an offer deleted since (the part shows as gone).
        An id missing from the mapping counts as deleted too.
    organisations
        The suppliers by id (a missing one is named by its id, with no place or country of its own).
    settings
        The cluster's currency, exchange rates and longest leg.
    travel
        The travel-time source for legs (default: the offline estimate); it is asked once, for a
        matrix of every place to every other.
    seller
        The organisation that sells the package, whose country's law applies (default: every
        supplier's country).
    """
    travel = travel_source("estimate") if travel is None else travel
    parts = package.components
    live = {i: offers.get(c.offer_id) for i, c in enumerate(parts)}
    live = {i: o for i, o in live.items() if o is not None}
    titles = tuple(live[i].title if i in live else f"#{c.offer_id}" for i, c in enumerate(parts))
    problems: list[Problem] = []
    problems += _presence(package, live, organisations, titles)
    months_open = tuple(m for m in range(1, 13) if live and all(m in o.months for o in live.values()))
    problems += _availability(package, live, titles)
    capacity, capacity_part = None, None
    if live:
        capacity_part = min(live, key=lambda i: (live[i].capacity_per_day, i))
        capacity = live[capacity_part].capacity_per_day
        if capacity < package.guests:
            problems.append(Problem("capacity_below_party", "package_check.capacity_below_party",
                                    {"part": titles[capacity_part], "capacity": capacity, "guests": package.guests},
                                    capacity_part))
    price, price_problems = _price(package, live, organisations, settings, titles)
    problems += price_problems
    legs, arrival, travel_problems = _travel(package, live, organisations, settings, travel, titles)
    problems += travel_problems
    local = _local_share(package, live, organisations, price)
    values = {p.index: p.guest for p in price.parts}
    countries = ([organisations[seller].country] if seller in organisations else
                 [organisations[o].country for o in package.suppliers() if o in organisations])
    law = package_law.assess([LawPart(live[i].kind, values.get(i)) for i in sorted(live)],
                             days=package.days or 1, theme=package.theme, countries=countries)
    if law.package:
        problems.append(Problem("package_travel", "package_check.law.warning", {}, None, "warning"))
    return PackageCheck(problems, months_open, capacity, capacity_part, price, tuple(legs), arrival, local, law,
                        titles, package.arrival_from)


def _org_name(organisations: Mapping[int, Organisation], org_id: int) -> str:
    org = organisations.get(org_id)
    return org.name if org is not None else f"#{org_id}"


def _presence(package: Package, live: Mapping[int, Offer], organisations: Mapping[int, Organisation],
              titles: Sequence[str]) -> list[Problem]:
    """Parts that are gone, suppliers with nothing left, fewer than two suppliers, no parts, no months."""
    out = []
    if not package.components:
        out.append(Problem("no_parts", "package_check.no_parts"))
    for i, c in enumerate(package.components):
        if i not in live:
            out.append(Problem("gone", "package_check.gone", {"number": i + 1, "offer": c.offer_id}, i))
    left = {package.components[i].organisation_id for i in live}
    for org_id in package.suppliers():
        if org_id not in left:
            out.append(Problem("supplier_gone", "package_check.supplier_gone",
                               {"supplier": _org_name(organisations, org_id)}))
    if package.components and len(left) < 2:
        out.append(Problem("one_supplier", "package_check.one_supplier", {"n": len(left)}))
    if not package.months:
        out.append(Problem("no_months", "package_check.no_months"))
    return out


def _availability(package: Package, live: Mapping[int, Offer], titles: Sequence[str]) -> list[Problem]:
    """A part closed in a chosen month: one error per part and month, in the calendar's order."""
    return [Problem("closed", "package_check.closed", {"part": titles[i], "number": i + 1, "month": m}, i)
            for i, offer in sorted(live.items()) for m in _season_order(package.months) if m not in offer.months]


# -- price -------------------------------------------------------------------------------------


def _units(offer: Offer, guests: int, nights: int) -> int:
    """What the party pays for: persons, groups, rooms times nights, or units (see the module docstring)."""
    if offer.price_unit == "person":
        return guests
    filled = math.ceil(guests / offer.price_guests)
    if offer.price_unit == "group":
        return filled
    if offer.price_unit == "night":
        return filled * nights
    periods = math.ceil(nights / offer.price_nights) if offer.kind == "accommodation" else 1
    return filled * periods


def _country(offer: Offer, organisations: Mapping[int, Organisation], org_id: int) -> str | None:
    """The country the part is sold in: its municipality's, else its organisation's."""
    try:
        return reference.municipality(offer.municipality).country
    except KlyngeError:
        org = organisations.get(org_id)
        return org.country if org is not None else None


def _price(package: Package, live: Mapping[int, Offer], organisations: Mapping[int, Organisation],
           settings: PackageSettings, titles: Sequence[str]) -> tuple[Price, list[Problem]]:
    guests, nights = package.guests, max((package.days or 1) - 1, 1)
    rows, problems = [], []
    for i, c in enumerate(package.components):
        base = {"index": i, "offer_id": c.offer_id, "organisation_id": c.organisation_id, "title": titles[i],
                "margin_kind": c.margin_kind, "margin_percent": c.margin_percent}
        offer = live.get(i)
        if offer is None:
            rows.append(PartPrice(gone=True, **base))
            continue
        units = _units(offer, guests, nights)
        offered = offer.price.amount * units / guests
        base.update(kind=offer.kind, unit=offer.price_unit, units=units, currency=offer.price.currency,
                    offered=_cents(offered), vat_included=offer.price.vat_included)
        rate = Decimal(1) if offer.price.currency == settings.currency else settings.rates.get(offer.price.currency)
        if rate is None:
            problems.append(Problem("no_rate", "package_check.no_rate", {"part": titles[i],
                                    "currency": offer.price.currency, "target": settings.currency}, i))
            rows.append(PartPrice(**base))
            continue
        country = _country(offer, organisations, c.organisation_id)
        if country not in ("NO", "SE"):
            problems.append(Problem("no_vat", "package_check.no_vat", {"part": titles[i]}, i))
            rows.append(PartPrice(rate=rate, **base))
            continue
        vat = vat_rate(country, offer.kind)
        amount = offered * rate
        if offer.price.vat_included:
            gross, vat_amount = amount, amount * vat.share / (1 + vat.share)
        else:
            gross, vat_amount = amount * (1 + vat.share), amount * vat.share
        gross, vat_amount = _cents(gross), _cents(vat_amount)
        margin = c.margin_percent / 100
        seller = _cents(gross * margin)
        supplier, guest = (gross - seller, gross) if c.margin_kind == "commission" else (gross, gross + seller)
        rows.append(PartPrice(rate=rate, vat=vat, vat_amount=vat_amount, gross=gross, seller=seller,
                              supplier=supplier, guest=guest, **base))
    priced = [r for r in rows if not r.gone]
    if priced and all(r.guest is not None for r in priced):
        totals = [sum((getattr(r, name) for r in priced), Decimal(0))
                  for name in ("guest", "vat_amount", "seller", "supplier")]
    else:
        totals = [None] * 4
    return Price(settings.currency, tuple(rows), *totals), problems


# -- travel ------------------------------------------------------------------------------------


def _place(offer: Offer, organisations: Mapping[int, Organisation], org_id: int) -> Place | None:
    """The organisation's coordinates when the offer is in its municipality, else the municipality's centre."""
    org = organisations.get(org_id)
    if org is not None and org.lat is not None and org.lon is not None and org.municipality == offer.municipality:
        return Place(org.name, org.lat, org.lon)
    try:
        m = reference.municipality(offer.municipality)
    except KlyngeError:
        if org is not None and org.lat is not None and org.lon is not None:
            return Place(org.name, org.lat, org.lon)
        return None
    return Place(m.centre, m.centre_lat, m.centre_lon)


def _travel(package: Package, live: Mapping[int, Offer], organisations: Mapping[int, Organisation],
            settings: PackageSettings, travel: TravelSource, titles: Sequence[str]
            ) -> tuple[list[Leg], Arrival | None, list[Problem]]:
    """Legs between consecutive parts and the trip to the region and home, from one matrix."""
    problems: list[Problem] = []
    where: dict[int, Place] = {}
    for i, offer in sorted(live.items()):
        found = _place(offer, organisations, package.components[i].organisation_id)
        if found is None:
            problems.append(Problem("no_place", "package_check.no_place",
                                    {"part": titles[i], "municipality": offer.municipality}, i, "warning"))
        else:
            where[i] = found
    home = None
    if package.arrival_from.strip():
        try:
            home = parse_place(package.arrival_from)
        except KlyngeError:
            problems.append(Problem("arrival_unknown", "package_check.arrival_unknown",
                                    {"place": package.arrival_from}, None, "warning"))
    points = list(dict.fromkeys((p.lat, p.lon) for p in [*where.values(), *([home] if home else [])]))
    if not points:
        return [], None, problems
    position = {point: k for k, point in enumerate(points)}
    matrix = travel.matrix(points, points)  # one call for every leg and the arrival

    def at(place: Place) -> int:
        return position[(place.lat, place.lon)]

    def route(a: Place, b: Place, origin: str, destination: str):
        """The matrix cell from a to b, or None with a warning when the source knows no route."""
        cell = matrix.cell(at(a), at(b))
        if math.isfinite(cell.minutes) and math.isfinite(cell.km):
            return cell
        problems.append(Problem("no_route", "package_check.no_route", {"origin": origin, "destination": destination},
                                None, "warning"))
        return None

    order = sorted(where)
    legs = []
    for a, b in zip(order, order[1:]):
        if at(where[a]) == at(where[b]):
            continue
        mode = package.components[b].mode
        cell = route(where[a], where[b], titles[a], titles[b])
        if cell is None:
            continue
        factor = reference.co2_factor(mode)
        legs.append(Leg(a, b, cell.minutes, cell.km, mode, cell.km * factor.grams_per_pkm, factor, cell.source))
        if cell.minutes > settings.max_leg_minutes:
            problems.append(Problem("long_leg", "package_check.long_leg",
                                    {"origin": titles[a], "destination": titles[b], "minutes": cell.minutes,
                                     "limit": settings.max_leg_minutes}, b, "warning"))
    arrival = None
    if home is not None and order:
        out = route(home, where[order[0]], home.name, titles[order[0]])
        back = route(where[order[-1]], home, titles[order[-1]], home.name)
        if out is not None and back is not None:
            factor = reference.co2_factor(package.arrival_mode)
            km = out.km + back.km
            co2 = km * factor.grams_per_pkm
            total = co2 + sum(leg.co2 for leg in legs)
            arrival = Arrival(home.name, package.arrival_mode, out.minutes + back.minutes, km, co2, factor,
                              co2 / total if total else 0.0)
    return legs, arrival, problems


# -- local share -------------------------------------------------------------------------------


def _area(code: str) -> str | None:
    try:
        return reference.area_of(code)
    except KlyngeError:
        return None


def _local_share(package: Package, live: Mapping[int, Offer], organisations: Mapping[int, Organisation],
                 price: Price) -> LocalShare:
    areas = tuple(dict.fromkeys(a for i in sorted(live) if (a := _area(live[i].municipality))))
    suppliers = tuple(dict.fromkeys(package.components[i].organisation_id for i in sorted(live)))
    local = tuple(o for o in suppliers if o in organisations and _area(organisations[o].municipality) in areas)
    share = None
    if price.complete and price.supplier:
        mine = sum((p.supplier for p in price.parts if not p.gone and p.organisation_id in local), Decimal(0))
        share = float(mine / price.supplier)
    names = {a.id: a.name for a in reference.areas()}
    return LocalShare(share, tuple(names.get(a, a) for a in areas), local, suppliers)
