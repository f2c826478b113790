"""Package suggestions: every rule checked independently of the solver, optimality against brute force."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import numpy as np
import pytest

from klynge import reference
from klynge.analysis import packages as P
from klynge.analysis.travel.base import TravelMatrix
from klynge.model.package import Package, PackageComponent, PackageSettings
from tests.analysis.package_cases import offer, organisation, synthetic_offers

SEASON = (9, 10, 11, 12, 1, 2, 3, 4)
CAR_KG_PER_KM = reference.co2_factor("car").grams_per_pkm / 1000


class StraightLine:
    """A travel source of its own: straight-line km at 60 km/h (minutes equal km)."""

    name = "line"

    def matrix(self, origins, destinations) -> TravelMatrix:
        a, b = np.radians(np.asarray(origins, float)), np.radians(np.asarray(destinations, float))
        dlat = b[None, :, 0] - a[:, None, 0]
        dlon = (b[None, :, 1] - a[:, None, 1]) * np.cos((a[:, None, 0] + b[None, :, 0]) / 2)
        km = 6371.0 * np.hypot(dlat, dlon)
        return TravelMatrix(km.copy(), km, np.zeros(km.shape, dtype=np.int8))


# ---------------------------------------------------------------- the independent checker

def place(o, orgs):
    org = orgs[o.organisation_id]
    if org.lat is not None and org.municipality == o.municipality:
        return org.lat, org.lon
    m = reference.municipality(o.municipality)
    return m.centre_lat, m.centre_lon


def guest_price(o, settings):
    amount = float(o.price.amount) / (1 if o.price_unit == "person" else o.price_guests)
    return amount if o.price.currency == settings.currency else amount * float(settings.rates[o.price.currency])


def fits(o, org, theme):
    words = o.title.casefold().replace("-", " ").split()
    return (bool(set(org.subclusters) & set(P.THEME_SUBCLUSTERS[theme])) or o.kind in P.THEME_KINDS[theme]
            or any(w.startswith(s) for w in words for s in P.THEME_WORDS[theme]))


def package_months(parts, months):
    """The months the rules give a sequence of offers (empty tuple: none)."""
    if months:
        return tuple(months) if all(set(months) <= set(o.months) for o in parts) else ()
    lows = [set(reference.low_months(reference.area_of(o.municipality))) for o in parts]
    return tuple(m for m in SEASON if all(m in o.months for o in parts) and all(m in low for low in lows))


def violations(parts, orgs, settings, travel, months=None, theme=""):
    """Every rule a sequence of offers breaks, worked out without the solver's code."""
    out = []
    if not 2 <= len(parts) <= 6 or len({o.id for o in parts}) != len(parts):
        out.append("parts")
    if len({o.organisation_id for o in parts}) < 2:
        out.append("organisations")
    if not package_months(parts, months):
        out.append("months")
    points = [place(o, orgs) for o in parts]
    minutes = travel.matrix(points, points).minutes
    if any(minutes[i, i + 1] > settings.max_leg_minutes for i in range(len(parts) - 1)):
        out.append("legs")
    price = sum(guest_price(o, settings) for o in parts)
    if settings.price_max is not None and price > float(settings.price_max) + 1e-6:
        out.append("price")
    if settings.price_min is not None and price < float(settings.price_min) - 1e-6:
        out.append("price")
    if theme:
        fit = [fits(o, orgs[o.organisation_id], theme) for o in parts]
        if not any(fit) or not all(f or o.kind in P.SUPPORT_KINDS for f, o in zip(fit, parts)):
            out.append("theme")
    return out


def check(suggestions, offers, orgs, settings, travel, *, months=None, theme="", count=5):
    by_id = {o.id: o for o in offers}
    assert len(suggestions) <= count
    used = [i for s in suggestions for i in s.offer_ids]
    assert len(used) == len(set(used)), "two suggestions share an offer"
    for s in suggestions:
        parts = [by_id[i] for i in s.offer_ids]
        assert violations(parts, orgs, settings, travel, months, theme) == [], s.offer_ids
        assert s.months == package_months(parts, months)
        assert s.price == pytest.approx(sum(guest_price(o, settings) for o in parts))
        assert s.optimal or s.gap is not None


def co2(parts, orgs, travel):
    points = [place(o, orgs) for o in parts]
    km = travel.matrix(points, points).km
    return sum(km[i, i + 1] for i in range(len(parts) - 1)) * CAR_KG_PER_KM


def value(packages, orgs, travel, in_packages=()):
    """The objective of the module docstring, computed here from the packages' parts."""
    cells, members, total = set(), set(), 0.0
    for parts, months in packages:
        areas = {reference.area_of(o.municipality) for o in parts}
        cells |= {(m, a) for a in areas for m in months if m in reference.low_months(a)}
        members |= {o.organisation_id for o in parts}
        total += P.WEIGHTS["package"] - P.WEIGHTS["co2_kg"] * co2(parts, orgs, travel)
    weights = [P.WEIGHTS["member" if m in in_packages else "new_member"] for m in members]
    return total + P.WEIGHTS["cell"] * len(cells) + sum(weights)


def brute_force(offers, orgs, settings, travel, *, months=None, theme="", count=2, in_packages=()):
    """The best objective over every collection of up to ``count`` packages sharing no offer."""
    best_order = {}
    for size in range(2, 7):
        for subset in itertools.combinations(offers, size):
            feasible = [p for p in itertools.permutations(subset)
                        if not violations(p, orgs, settings, travel, months, theme)]
            if feasible:
                best_order[frozenset(o.id for o in subset)] = min(feasible, key=lambda p: co2(p, orgs, travel))
    packages = [(k, (p, package_months(p, months))) for k, p in best_order.items()]
    best = 0.0
    for n in range(1, count + 1):
        for combo in itertools.combinations(packages, n):
            keys = [k for k, _ in combo]
            if sum(len(k) for k in keys) != len(frozenset().union(*keys)):
                continue
            best = max(best, value([p for _, p in combo], orgs, travel, in_packages))
    return best, len(best_order)


# ---------------------------------------------------------------- small clusters

def small_cluster(seed: int, n_offers: int):
    """``n_offers`` offers of four members around Trondheim, Stjørdal, Malvik and Melhus."""
    rng = np.random.default_rng(seed)
    codes = ("5001", "5035", "5031", "5028")
    orgs = {}
    for k, code in enumerate(codes, start=1):
        m = reference.municipality(code)
        orgs[k] = organisation(k, code, lat=m.centre_lat + rng.normal(0, 0.05), lon=m.centre_lon + rng.normal(0, 0.1),
                               subclusters=[("food", "winter", "culture", "outdoor")[k - 1]])
    kinds = ("activity", "accommodation", "meal", "culture", "transport")
    offers = []
    for i in range(n_offers):
        org = orgs[i % 4 + 1]
        start = int(rng.integers(8, 14))
        months = sorted({(start + d - 1) % 12 + 1 for d in range(int(rng.integers(3, 9)))})
        currency = "SEK" if i % 5 == 0 else "NOK"
        offers.append(offer(100 + i, org, kinds[int(rng.integers(5))], months, int(rng.integers(2, 20)) * 50,
                            currency=currency))
    return offers, orgs


@pytest.mark.parametrize(("seed", "n", "count", "limit"), [(1, 6, 3, 30), (2, 8, 2, 25), (3, 10, 2, 20),
                                                           (4, 9, 2, 35)])
def test_suggestions_are_optimal_against_brute_force(seed, n, count, limit):
    offers, orgs = small_cluster(seed, n)
    settings = PackageSettings(rates={"SEK": Decimal("0.95")}, max_leg_minutes=limit, price_max=Decimal(1500))
    travel = StraightLine()
    found = P.suggest(offers, orgs, settings, count=count, travel=travel, time_limit=20)
    check(found, offers, orgs, settings, travel, count=count)
    best, feasible = brute_force(offers, orgs, settings, travel, count=count)
    assert found and feasible
    assert all(s.optimal and s.exhaustive and s.candidates == feasible for s in found)
    by_id = {o.id: o for o in offers}
    got = value([([by_id[i] for i in s.offer_ids], s.months) for s in found], orgs, travel)
    assert got == pytest.approx(best, abs=1e-6)


def test_chosen_months_and_theme_and_existing_packages_against_brute_force():
    offers, orgs = small_cluster(5, 8)
    settings = PackageSettings(rates={"SEK": Decimal("0.95")}, max_leg_minutes=40, price_min=Decimal(300))
    travel = StraightLine()
    months = sorted({m for o in offers for m in o.months}, key=lambda m: -sum(m in o.months for o in offers))[:1]
    existing = [Package(title="Old", components=[PackageComponent(offer_id=1, organisation_id=1),
                                                 PackageComponent(offer_id=2, organisation_id=2)])]
    for theme in ("", "food"):
        try:
            found = P.suggest(offers, orgs, settings, months=months, theme=theme, count=2, travel=travel,
                              existing=existing)
        except P.NoSuggestion:
            found = []
        check(found, offers, orgs, settings, travel, months=months, theme=theme, count=2)
        best, _ = brute_force(offers, orgs, settings, travel, months=months, theme=theme, count=2,
                              in_packages={1, 2})
        by_id = {o.id: o for o in offers}
        got = value([([by_id[i] for i in s.offer_ids], s.months) for s in found], orgs, travel, {1, 2})
        assert got == pytest.approx(best, abs=1e-6)


def test_a_member_in_no_package_weighs_more():
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39), 2: organisation(2, "5001", lat=63.44, lon=10.40),
            3: organisation(3, "5001", lat=63.42, lon=10.41)}
    offers = [offer(1, orgs[1], "activity", SEASON, 300), offer(2, orgs[2], "meal", SEASON, 300),
              offer(3, orgs[3], "meal", SEASON, 300)]
    existing = [Package(title="Old", components=[PackageComponent(offer_id=9, organisation_id=2)])]
    found = P.suggest(offers, orgs, PackageSettings(), count=1, travel=StraightLine(), existing=existing)
    assert set(found[0].organisation_ids) >= {1, 3}
    texts = [r.text("en") for r in found[0].reasons]
    assert any("in no package yet" in text and "Member 3" in text for text in texts)


# ---------------------------------------------------------------- no solution: which limit

def two_members(months=SEASON, far=False, currency="NOK"):
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39, subclusters=["food"]),
            2: organisation(2, "2380" if far else "5035", lat=63.18 if far else 63.47, lon=14.64 if far else 10.92)}
    offers = [offer(1, orgs[1], "meal", months, 400), offer(2, orgs[2], "activity", months, 500, currency=currency)]
    return offers, orgs


@pytest.mark.parametrize(("case", "limit", "words"), [
    ("far", "legs", "within 60 minutes of each other"),
    ("july", "months", "Jul"),
    ("cheap", "price", "price range"),
    ("winter", "theme", "winter"),
    ("sek", "rates", "exchange rates"),
    ("alone", "organisations", "fewer than two members"),
])
def test_no_solution_names_the_limit(case, limit, words):
    offers, orgs = two_members(far=case == "far", currency="SEK" if case == "sek" else "NOK")
    settings, months, theme = PackageSettings(max_leg_minutes=60), None, ""
    if case == "july":
        months = [7, 10]
    elif case == "cheap":
        settings = PackageSettings(price_max=Decimal(500))
    elif case == "winter":
        theme = "winter"
    elif case == "alone":
        offers = [offer(3, orgs[1], "activity", SEASON, 100), offers[0]]
    with pytest.raises(P.NoSuggestion) as caught:
        P.suggest(offers, orgs, settings, months=months, theme=theme, travel=P_estimate())
    assert caught.value.limit == limit
    assert words in str(caught.value)


def test_no_solution_speaks_the_language():
    offers, orgs = two_members(far=True)
    with pytest.raises(P.NoSuggestion) as caught:
        P.suggest(offers, orgs, PackageSettings(), months=[10], lang="nb")
    assert "innen 60 minutter" in str(caught.value) and "okt" in str(caught.value)


def P_estimate():
    from klynge.analysis import travel

    return travel.get("estimate")


# ---------------------------------------------------------------- what each suggestion says

def test_binding_limit_names_the_offer_kept_out():
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39), 2: organisation(2, "5001", lat=63.44, lon=10.41),
            3: organisation(3, "5001", lat=63.43, lon=11.30)}  # 3: about 45 km east
    offers = [offer(1, orgs[1], "activity", SEASON, 300), offer(2, orgs[2], "meal", SEASON, 300),
              offer(3, orgs[3], "culture", SEASON, 300)]
    settings = PackageSettings(max_leg_minutes=20)
    found = P.suggest(offers, orgs, settings, count=1, travel=StraightLine())
    assert found[0].offer_ids in ((1, 2), (2, 1))
    assert [b.code for b in found[0].binding] == ["legs"]
    assert "20 minutes" in found[0].binding[0].text("en") and "1 offers" in found[0].binding[0].text("en")
    assert found[0].status("en").startswith("Proven the best choice among every possible package")


def test_to_package_makes_a_draft_with_days_after_each_night():
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39), 2: organisation(2, "5001", lat=63.44, lon=10.41)}
    offers = [offer(1, orgs[1], "accommodation", SEASON, 1200, unit="night", guests=2),
              offer(2, orgs[2], "activity", SEASON, 300)]
    s = P.suggest(offers, orgs, PackageSettings(), count=1, travel=StraightLine())[0]
    assert s.price == pytest.approx(900)
    package = s.to_package("Autumn by the fjord")
    assert package.status == "draft" and package.title == "Autumn by the fjord"
    assert [(c.offer_id, c.organisation_id) for c in package.components] == list(zip(s.offer_ids,
                                                                                     s.part_organisations))
    days = {c.offer_id: c.day for c in package.components}
    assert days[2] == (2 if s.offer_ids[0] == 1 else 1)
    assert sorted(package.months) == sorted(s.months) and set(package.suppliers()) == {1, 2}
    assert s.as_dict("sv")["reasons"][0].startswith("Fyller")


def test_a_venue_for_meetings_is_no_part_of_a_package():
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39), 2: organisation(2, "5001", lat=63.44, lon=10.41)}
    offers = [offer(1, orgs[1], "venue", SEASON, 300), offer(2, orgs[2], "meal", SEASON, 300),
              offer(3, orgs[2], "activity", SEASON, 300)]
    with pytest.raises(P.NoSuggestion) as caught:
        P.suggest(offers, orgs, PackageSettings(), travel=StraightLine())
    assert caught.value.limit == "organisations"


def test_bad_questions_are_refused():
    offers, orgs = two_members()
    for kwargs in ({"theme": "beach"}, {"months": [13]}, {"count": 0}):
        with pytest.raises(P.KlyngeError):
            P.suggest(offers, orgs, PackageSettings(), travel=StraightLine(), **kwargs)


# ---------------------------------------------------------------- a thousand offers

def test_a_thousand_offers_under_a_time_limit_give_five_checked_suggestions():
    """The limit cuts the search short (no exhaustive search); the wall time is measured in
    bench/optimiser_bench.py, not asserted here."""
    offers, orgs = synthetic_offers(1000, seed=11)
    settings = PackageSettings(rates={"SEK": Decimal("0.97")}, price_max=Decimal(5000))
    travel = P_estimate()
    found = P.suggest(offers, orgs, settings, count=5, time_limit=10, travel=travel)
    assert len(found) == 5
    check(found, offers, orgs, settings, travel)
    assert all(s.optimal or (s.gap is not None and math.isfinite(s.gap)) for s in found)
    assert not found[0].exhaustive


def test_months_outside_the_low_season_are_said_to_be_so():
    orgs = {1: organisation(1, "5001", lat=63.43, lon=10.39), 2: organisation(2, "5001", lat=63.44, lon=10.41)}
    offers = [offer(1, orgs[1], "meal", [7], 300), offer(2, orgs[2], "activity", [7], 300)]
    s = P.suggest(offers, orgs, PackageSettings(), months=[7], travel=StraightLine())[0]
    assert s.months == (7,) and s.reasons[0].text("en") == "Open in Jul in Trondheim (none of them a low-season " \
                                                           "month there)"


def test_the_gap_is_read_from_the_bound_cbc_states_when_time_runs_out():
    stopped = ("Result - Stopped on time limit\n\nObjective value:                -490.00000000\n"
               "Lower bound:                    -499.973\nGap:                            0.02\n")
    assert P._gap(stopped, 490.0) == pytest.approx(9.973 / 490)
    before = "Result - Stopped on time limit\n\nNo feasible solution found\nUpper bound:                    499.973\n"
    assert P._gap(before, 480.0) == pytest.approx(19.973 / 480)
    assert P._gap("Result - Stopped on time limit\n", 480.0) is None
