"""Package suggestions: the best low-season packages of the members' offers, chosen by an exact optimiser.

**The rules a suggested package obeys** (checked for every part; :class:`~klynge.model.PackageSettings`
holds the facilitator's limits):

- 2 to 6 parts (:data:`MIN_PARTS`, :data:`MAX_PARTS`), each a different offer of an activity, a
  bed, a meal, transport or culture (:data:`PART_KINDS`: venues for meetings are left out), from
  at least two organisations;
- its months: the months asked for, every part open in each of them; when none are asked for,
  the months from September to April (:data:`OFF_SEASON`) that are low season in every area the
  package touches (:func:`klynge.reference.low_months`) and in which every part is open; at
  least one;
- every leg, from one part to the next in the package's order, takes at most
  ``settings.max_leg_minutes`` (the travel source's driving minutes between the parts' places:
  the organisation's coordinates when the offer is in its municipality, else the municipality's
  centre);
- the price per guest within ``settings.price_min`` to ``price_max``. Kept simple on purpose
  (:mod:`klynge.analysis.package_check` has the full breakdown with VAT and margins): the sum
  of the parts' prices per guest as stated, VAT as the offer states it: a price per person as
  it is, a price per group, night or unit divided by the guests it covers (a cabin week: the
  whole week); each converted to ``settings.currency`` at ``settings.rates``. An offer in a
  currency without a rate is left out (and named when it is what made suggestions impossible);
- a theme, when one is asked for: every part fits it or is a supporting service (a bed or
  transport, :data:`SUPPORT_KINDS`), and at least one part fits it. A part fits a theme when its
  organisation is in one of the theme's sub-clusters (:data:`THEME_SUBCLUSTERS`: nature is
  outdoor and coast), its kind is the theme's (:data:`THEME_KINDS`: a meal is food, a culture
  offer is culture), or its title names it (:data:`THEME_WORDS`, in nb, sv and en).

**What is maximised** over up to ``count`` packages that share no offer (:data:`WEIGHTS`): each
low-season month and area covered by the suggestions together (``cell``), each member taking part
(``new_member`` for a member in no existing package, ``member`` for one already in one), each
package (``package``: more, different suggestions are worth having), less the CO2 of the legs
inside the packages, in kg per guest by car (``co2_kg``). A package's parts are put in the order
with the least CO2 that keeps every leg within the limit.

**How**: the feasible packages are enumerated (a depth-first search over paths of parts whose
every leg is within the limit, pruned by the months and the price), and a set-packing integer
programme chooses among them, solved by CBC through PuLP within the time limit. When the search
ends within :data:`SEARCH_BUDGET` steps, the candidates are every feasible package and a proven
optimum is the best of all (``exhaustive``); on larger clusters each offer seeds the packages
that add a new member at the nearest places (:data:`BEAM`), and the optimum is over those
candidates. When CBC stops at the time limit, each suggestion states the relative gap between
the best found and the bound. Each :class:`Suggestion` gives its reasons and the limits that
bound it (offers that would have joined and added a member or an area, kept out by one limit
alone) as i18n keys with their values. With no feasible package, :class:`NoSuggestion` names the
limit that, relaxed alone, would allow one.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from .. import reference
from ..errors import KlyngeError, NoSuggestion, NotFound
from ..i18n import t
from ..model import Offer, Organisation
from ..model.package import Package, PackageComponent, PackageSettings

__all__ = ["BEAM", "MAX_PARTS", "MIN_PARTS", "OFF_SEASON", "PART_KINDS", "SEARCH_BUDGET", "SUPPORT_KINDS",
           "THEME_KINDS", "THEME_SUBCLUSTERS", "THEME_WORDS", "WEIGHTS", "NoSuggestion", "Reason", "Suggestion",
           "fits_theme", "offer_place", "price_per_guest", "suggest", "unpriced"]

MIN_PARTS, MAX_PARTS = 2, 6
#: The months a package is for when none are asked for, low season permitting.
OFF_SEASON = (9, 10, 11, 12, 1, 2, 3, 4)
#: The objective's weights (see the module docstring).
WEIGHTS = {"cell": 10.0, "new_member": 6.0, "member": 2.0, "package": 1.0, "co2_kg": 0.2}
#: The kinds a package's parts are of: a venue (a room hired for a meeting) is not part of a trip.
PART_KINDS = ("activity", "accommodation", "meal", "transport", "culture")
#: Kinds that serve any theme: the bed and the bus of a food or a winter package.
SUPPORT_KINDS = ("accommodation", "transport")
THEME_SUBCLUSTERS = {"nature": ("outdoor", "coast", "nature"), "culture": ("culture",), "food": ("food",),
                     "winter": ("winter",), "pilgrim": ("pilgrim",)}
THEME_KINDS = {"nature": (), "culture": ("culture",), "food": ("meal",), "winter": (), "pilgrim": ()}
#: Word stems in an offer's title that name a theme (nb, sv, en).
THEME_WORDS = {
    "nature": ("natur", "nature", "fjell", "fjäll", "tur", "vandr", "hik", "kajak", "padl", "paddl", "fisk", "fish",
               "safari", "elg", "älg", "moskus", "fugl", "fågel", "bird"),
    "culture": ("kultur", "culture", "museum", "muse", "histor", "kunst", "konst", "art", "konsert", "concert",
                "samisk", "sámi", "sami", "byvandr"),
    "food": ("mat", "food", "måltid", "meal", "middag", "dinner", "lunsj", "lunch", "ost", "cheese", "smak",
             "tasting", "brygg", "brew", "sider", "cider", "bakeri", "bager"),
    "winter": ("vinter", "winter", "ski", "snø", "snö", "snow", "hund", "dog", "isfiske", "nordlys", "norrsken",
               "aurora", "truger", "snöskor"),
    "pilgrim": ("pilegrim", "pilgrim", "olav", "nidaros"),
}
#: Steps the exhaustive search may take before it falls back to seeded candidates.
SEARCH_BUDGET = 60_000
#: Extensions tried at each depth of the seeded search (longer lists for the first parts).
BEAM = (3, 3, 2, 1, 1)
#: Candidates kept per seed offer in the seeded search (the best by their own value).
PER_SEED = 8
_ALL_MONTHS = (1 << 12) - 1


@dataclass(frozen=True)
class Reason:
    """A sentence as an i18n key with its values; ``code`` names what it is about."""

    code: str
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` (a ``months`` value, a list of numbers, as the language's month names)."""
        params = dict(self.params)
        if isinstance(params.get("months"), (list, tuple)):
            params["months"] = month_names(params["months"], lang)
        if params.get("theme") in THEME_SUBCLUSTERS:
            params["theme"] = t(f"suggest.theme.{params['theme']}", lang).lower()
        return t(self.key, lang, **params)


@dataclass(frozen=True)
class Leg:
    """The trip from one part to the next: driving minutes, km and kg CO2 per guest by car."""

    minutes: float
    km: float
    co2_kg: float


@dataclass(frozen=True)
class Suggestion:
    """A suggested package, with why it was chosen, what bound it and how sure the solver is.

    ``optimal`` is True when CBC proved the set of suggestions best for the model (over every
    feasible package when ``exhaustive``, else over the ``candidates`` generated); ``gap`` is
    the relative gap CBC stopped at (None when optimal).
    """

    offer_ids: tuple[int, ...]
    organisation_ids: tuple[int, ...]
    months: tuple[int, ...]
    areas: tuple[str, ...]
    theme: str
    price: float
    currency: str
    legs: tuple[Leg, ...]
    value: float
    reasons: tuple[Reason, ...]
    binding: tuple[Reason, ...]
    optimal: bool
    gap: float | None
    exhaustive: bool
    candidates: int
    titles: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    #: Each part's organisation, in the parts' order.
    part_organisations: tuple[int, ...] = ()

    @property
    def co2_kg(self) -> float:
        return sum(leg.co2_kg for leg in self.legs)

    def status(self, lang: str) -> str:
        """Optimal or the gap, in plain words."""
        if self.optimal:
            key = "suggest.status.optimal_all" if self.exhaustive else "suggest.status.optimal"
            return t(key, lang, n=self.candidates)
        if self.gap is None:
            return t("suggest.status.unknown_gap", lang)
        return t("suggest.status.gap", lang, gap=f"{100 * self.gap:.1f}")

    def to_package(self, title: str) -> Package:
        """A draft package of the parts in order: a new day after each night's bed."""
        components, day = [], 1
        for offer_id, org_id, kind in zip(self.offer_ids, self.part_organisations, self.kinds):
            components.append(PackageComponent(offer_id=offer_id, organisation_id=org_id, day=day))
            if kind == "accommodation":
                day += 1
        days = max(c.day for c in components)
        return Package(title=title, components=components, months=list(self.months), theme=self.theme, days=days,
                       status="draft")

    def as_dict(self, lang: str = "en") -> dict:
        """Plain JSON values, the texts in ``lang``."""
        return {"offer_ids": list(self.offer_ids), "organisation_ids": list(self.organisation_ids),
                "titles": list(self.titles), "months": list(self.months), "areas": list(self.areas),
                "theme": self.theme, "price_per_guest": round(self.price, 2), "currency": self.currency,
                "legs": [{"minutes": round(g.minutes, 1), "km": round(g.km, 1), "co2_kg": round(g.co2_kg, 2)}
                         for g in self.legs],
                "co2_kg_per_guest": round(self.co2_kg, 2), "value": round(self.value, 3),
                "reasons": [r.text(lang) for r in self.reasons], "binding": [r.code for r in self.binding],
                "binding_texts": [r.text(lang) for r in self.binding], "optimal": self.optimal, "gap": self.gap,
                "exhaustive": self.exhaustive, "candidates": self.candidates, "status": self.status(lang)}


def fits_theme(offer: Offer, organisation: Organisation | None, theme: str) -> bool:
    """Whether ``offer`` fits ``theme`` (sub-cluster, kind or a word of its title; see the module docstring)."""
    if not theme:
        return True
    if organisation is not None and set(organisation.subclusters) & set(THEME_SUBCLUSTERS[theme]):
        return True
    if offer.kind in THEME_KINDS[theme]:
        return True
    words = re.findall(r"\w+", offer.title.casefold())
    return any(w.startswith(stem) for w in words for stem in THEME_WORDS[theme])


def price_per_guest(offer: Offer, settings: PackageSettings) -> float | None:
    """The offer's price for one guest in ``settings.currency`` (None: no rate for its currency)."""
    amount = float(offer.price.amount)
    if offer.price_unit != "person":
        amount /= offer.price_guests
    if offer.price.currency == settings.currency:
        return amount
    rate = settings.rates.get(offer.price.currency)
    return None if rate is None else amount * float(rate)


def unpriced(offers: Sequence[Offer], settings: PackageSettings) -> dict[str, int]:
    """Per currency without an exchange rate, how many offers suggestions leave out for it."""
    out: dict[str, int] = {}
    for offer in offers:
        if price_per_guest(offer, settings) is None:
            out[offer.price.currency] = out.get(offer.price.currency, 0) + 1
    return out


def offer_place(offer: Offer, organisation: Organisation | None) -> tuple[float, float]:
    """Where an offer is: its organisation's coordinates in the organisation's municipality, else the centre."""
    if (organisation is not None and organisation.lat is not None and organisation.lon is not None
            and organisation.municipality == offer.municipality):
        return organisation.lat, organisation.lon
    m = reference.municipality(offer.municipality)
    return m.centre_lat, m.centre_lon


@cache
def _area(municipality: str) -> tuple[str, int]:
    """The seasonality area (the municipality code where it has none) and its low months as a bit mask."""
    try:
        area = reference.area_of(municipality)
        low = reference.low_months(area)
    except NotFound:
        area, low = municipality, reference.DEFAULT_LOW_MONTHS
    return area, _mask(low)


def _mask(months) -> int:
    return sum(1 << (m - 1) for m in set(months))


def _months(mask: int) -> tuple[int, ...]:
    """The months of a mask, September first (the cluster's year starts then)."""
    return _MONTHS_OF[mask & _ALL_MONTHS]


_MONTHS_OF = tuple(tuple(m for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8) if mask >> (m - 1) & 1)
                   for mask in range(1 << 12))


def month_names(months, lang: str) -> str:
    names = t("batch.months", lang).split(",")
    return ", ".join(names[m - 1] for m in months)


@dataclass
class _Problem:
    """The offers that may take part, with what the search needs of each, and the limits."""

    offers: list[Offer]
    orgs: list[int]
    areas: list[str]
    low: list[int]          # the low months of each offer's area (mask)
    open: list[int]         # each offer's open months (mask), restricted to the months asked for
    price: list[float]
    fits: list[bool]        # fits the theme
    support: list[bool]
    minutes: np.ndarray
    km: np.ndarray
    limit: float
    asked: int | None       # the months asked for (mask), or None
    price_min: float | None
    price_max: float | None
    theme: str
    dropped: dict[str, int] = field(default_factory=dict)
    raw_open: list[int] = field(default_factory=list)   # open months, nothing relaxed
    area_low: dict[str, int] = field(default_factory=dict)


_LIMITS = ("months", "legs", "price", "theme", "rates")


def _prepare(offers: Sequence[Offer], organisations: Mapping[int, Organisation], settings: PackageSettings,
             months, theme: str, source, relax: frozenset = frozenset(), base: _Problem | None = None) -> _Problem:
    """The offers that obey the limits not relaxed, with their travel matrix (cut from ``base``'s when given)."""
    asked = None if not months or "months" in relax else _mask(months)
    theme = "" if "theme" in relax else theme
    keep, prices, places, areas, lows, opens, raw = [], [], [], [], [], [], []
    dropped = {limit: 0 for limit in _LIMITS}
    price_max = None if settings.price_max is None or "price" in relax else float(settings.price_max)
    for offer in offers:
        if offer.id is None or offer.organisation_id is None or offer.kind not in PART_KINDS:
            continue
        org = organisations.get(offer.organisation_id)
        price = price_per_guest(offer, settings)
        if price is None:
            if "rates" not in relax:
                dropped["rates"] += 1
                continue
            price = 0.0
        area, low = _area(offer.municipality)
        opened = _mask(offer.months)
        if asked is not None and opened & asked != asked:
            dropped["months"] += 1
            continue
        if asked is None and "months" not in relax and not opened & low & _mask(OFF_SEASON):
            dropped["months"] += 1
            continue
        if theme and offer.kind not in SUPPORT_KINDS and not fits_theme(offer, org, theme):
            dropped["theme"] += 1
            continue
        if price_max is not None and price > price_max + 1e-9:
            dropped["price"] += 1
            continue
        keep.append(offer)
        prices.append(price)
        places.append(offer_place(offer, org))
        areas.append(area)
        lows.append(low if "months" not in relax else _ALL_MONTHS)
        opens.append(opened if "months" not in relax else _ALL_MONTHS)
        raw.append(opened)
    n = len(keep)
    if n and base is not None:
        at = {id(o): k for k, o in enumerate(base.offers)}
        rows = np.array([at[id(o)] for o in keep])
        minutes, km = base.minutes[np.ix_(rows, rows)], base.km[np.ix_(rows, rows)]
    elif n:
        matrix = source.matrix(places, places)
        minutes = np.asarray(matrix.minutes, dtype=float)
        km = np.asarray(matrix.km, dtype=float)
    else:
        minutes = km = np.zeros((0, 0))
    return _Problem(
        offers=keep, orgs=[o.organisation_id for o in keep], areas=areas, low=lows,
        open=opens, price=prices,
        fits=[fits_theme(o, organisations.get(o.organisation_id), theme) for o in keep],
        support=[o.kind in SUPPORT_KINDS for o in keep], minutes=minutes, km=km,
        limit=math.inf if "legs" in relax else float(settings.max_leg_minutes), asked=asked,
        price_min=None if settings.price_min is None or "price" in relax else float(settings.price_min),
        price_max=price_max, theme=theme, dropped=dropped, raw_open=raw,
        area_low=dict(zip(areas, lows)))


@dataclass(frozen=True)
class _Candidate:
    parts: tuple[int, ...]
    months: int
    cells: frozenset
    orgs: frozenset
    co2: float
    price: float


def _package_months(p: _Problem, parts) -> int:
    """The months a set of parts makes a package for (mask; 0 when none)."""
    opened = _ALL_MONTHS
    for i in parts:
        opened &= p.open[i]
    if p.asked is not None:
        return p.asked if opened & p.asked == p.asked else 0
    for i in parts:
        opened &= p.low[i]
    return opened & _mask(OFF_SEASON)


def _complete(p: _Problem, path: tuple[int, ...], co2_per_km: float, months: int | None = None) -> _Candidate | None:
    """The candidate a path of parts makes, or None when it breaks a rule checked only at the end.

    ``months`` is the package's months (mask) when the search already knows them.
    """
    orgs = frozenset(p.orgs[i] for i in path)
    if len(orgs) < 2:
        return None
    if p.theme and not any(p.fits[i] for i in path):
        return None
    price = sum(p.price[i] for i in path)
    if p.price_min is not None and price < p.price_min - 1e-9:
        return None
    if months is None:
        months = _package_months(p, path)
    if not months:
        return None
    areas = {p.areas[i] for i in path}
    cells = frozenset((m, a) for a in areas for m in _months(months) if p.area_low[a] >> (m - 1) & 1)
    co2 = float(sum(p.km[a, b] for a, b in zip(path, path[1:]))) * co2_per_km
    return _Candidate(path, months, cells, orgs, co2, price)


class _Budget(Exception):
    """The exhaustive search ran out of steps."""


def _search(p: _Problem, co2_per_km: float, *, budget: int | None, stop_first: bool = False,
            seeded: bool = False, deadline: float = math.inf) -> dict[frozenset, _Candidate]:
    """Feasible packages by their set of parts (the order with the least CO2 kept).

    Exhaustive (every path of parts whose legs are within the limit, months and price pruned)
    unless ``seeded``: then from each offer, only :data:`BEAM` extensions a step, those adding a
    new member first, nearest first, and :data:`PER_SEED` candidates per seed.
    """
    n = len(p.offers)
    near = p.minutes <= p.limit
    np.fill_diagonal(near, False)
    order = np.argsort(p.minutes, axis=1, kind="stable")
    neighbours = [[int(j) for j in order[i] if near[i, j]] for i in range(n)]
    found: dict[frozenset, _Candidate] = {}
    steps = 0
    price_max = math.inf if p.price_max is None else p.price_max + 1e-9
    all_months = p.asked is None
    seasonal = _mask(OFF_SEASON)

    def keep(c: _Candidate, into: dict) -> None:
        key = frozenset(c.parts)
        old = into.get(key)
        if old is None or (c.co2, c.parts) < (old.co2, old.parts):
            into[key] = c

    def grow(path: list[int], opened: int, price: float, into: dict) -> None:
        nonlocal steps
        steps += 1
        if budget is not None and steps > budget:
            raise _Budget
        if len(path) >= MIN_PARTS:
            c = _complete(p, tuple(path), co2_per_km, opened & seasonal if all_months else p.asked)
            if c is not None:
                keep(c, into)
                if stop_first:
                    raise StopIteration
        if len(path) == MAX_PARTS:
            return
        last = path[-1]
        options = neighbours[last]
        if seeded:
            orgs = {p.orgs[i] for i in path}
            fresh = [j for j in options if p.orgs[j] not in orgs and j not in path]
            options = fresh[:BEAM[len(path) - 1]] or [j for j in options if j not in path][:1]
        for j in options:
            if j in path:
                continue
            nxt = opened & p.open[j] if not all_months else opened & p.open[j] & p.low[j]
            if (nxt & seasonal if all_months else nxt) == 0:
                continue
            if price + p.price[j] > price_max:
                continue
            path.append(j)
            grow(path, nxt, price + p.price[j], into)
            path.pop()

    # Seeds in a fixed shuffled order: when time cuts the seeded search short, the seeds it
    # reached still spread over the whole cluster.
    seeds = np.random.default_rng(0).permutation(n).tolist() if seeded else range(n)
    try:
        for i in seeds:
            start = p.open[i] & (p.low[i] if all_months else _ALL_MONTHS)
            if seeded:
                mine: dict[frozenset, _Candidate] = {}
                grow([i], start, p.price[i], mine)
                for c in sorted(mine.values(), key=lambda c: -_own_value(c, None))[:PER_SEED]:
                    keep(c, found)
                if time.monotonic() > deadline:
                    break
            else:
                grow([i], start, p.price[i], found)
    except StopIteration:
        pass
    return found


def _may_exhaust(p: _Problem) -> bool:
    """False when the exhaustive search has no chance within :data:`SEARCH_BUDGET` steps.

    Walks in the graph of legs within the limit bound the paths from above: when the walks of
    four parts alone exceed twenty budgets, the search is not tried.
    """
    if not len(p.offers):
        return True
    near = (p.minutes <= p.limit).astype(float)
    np.fill_diagonal(near, 0.0)
    walks = np.ones(len(near))
    for _ in range(3):
        walks = near @ walks
    return float(walks.sum()) <= 20 * SEARCH_BUDGET


def _own_value(c: _Candidate, weights_of: Mapping[int, float] | None) -> float:
    members = sum((weights_of or {}).get(o, WEIGHTS["new_member"]) for o in c.orgs)
    return WEIGHTS["cell"] * len(c.cells) + members + WEIGHTS["package"] - WEIGHTS["co2_kg"] * c.co2


def objective(chosen: Sequence[_Candidate], member_weight: Mapping[int, float]) -> float:
    """The value of a set of packages (see :data:`WEIGHTS`): cells and members counted once."""
    cells = set().union(*(c.cells for c in chosen)) if chosen else set()
    orgs = set().union(*(c.orgs for c in chosen)) if chosen else set()
    return (WEIGHTS["cell"] * len(cells) + sum(member_weight[o] for o in orgs)
            + sum(WEIGHTS["package"] - WEIGHTS["co2_kg"] * c.co2 for c in chosen))


def _greedy(candidates: list[_Candidate], member_weight: Mapping[int, float], count: int) -> list[int]:
    """A feasible start: the candidate adding most, again and again, none sharing an offer."""
    chosen: list[int] = []
    used: set[int] = set()
    value = 0.0
    for _ in range(count):
        best, gain = None, 1e-9
        for k, c in enumerate(candidates):
            if k in chosen or used.intersection(c.parts):
                continue
            more = objective([candidates[i] for i in chosen] + [c], member_weight) - value
            if more > gain:
                best, gain = k, more
        if best is None:
            break
        chosen.append(best)
        used.update(candidates[best].parts)
        value += gain
    return chosen


def _solve(candidates: list[_Candidate], member_weight: Mapping[int, float], count: int,
           deadline: float) -> tuple[list[int], bool, float | None]:
    """Indices of the chosen candidates, whether CBC proved them optimal, and the gap when it did not.

    A set-packing programme: a binary per candidate, a share of each low-season cell and member
    covered (at most the sum of the candidates that cover it), each offer in one package at
    most, ``count`` packages at most. When the time limit stops CBC before it has an integer
    answer, the greedy choice (:func:`_greedy`) stands; the gap is then measured against the bound in its log.
    """
    import pulp

    start = _greedy(candidates, member_weight, count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        problem = pulp.LpProblem("packages", pulp.LpMaximize)
        x = [pulp.LpVariable(f"p{k}", cat="Binary") for k in range(len(candidates))]
        by_cell: dict = {}
        by_org: dict = {}
        by_offer: dict = {}
        for k, c in enumerate(candidates):
            for cell in c.cells:
                by_cell.setdefault(cell, []).append(x[k])
            for o in c.orgs:
                by_org.setdefault(o, []).append(x[k])
            for part in c.parts:
                by_offer.setdefault(part, []).append(x[k])
        y = {cell: pulp.LpVariable(f"c{n}", 0, 1) for n, cell in enumerate(by_cell)}
        z = {o: pulp.LpVariable(f"m{o}", 0, 1) for o in by_org}
        problem += (pulp.lpSum((WEIGHTS["package"] - WEIGHTS["co2_kg"] * c.co2) * x[k]
                               for k, c in enumerate(candidates))
                    + pulp.lpSum(WEIGHTS["cell"] * v for v in y.values())
                    + pulp.lpSum(member_weight[o] * v for o, v in z.items()))
        for cell, v in y.items():
            problem += v <= pulp.lpSum(by_cell[cell])
        for o, v in z.items():
            problem += v <= pulp.lpSum(by_org[o])
        for xs in by_offer.values():
            if len(xs) > 1:
                problem += pulp.lpSum(xs) <= 1
        problem += pulp.lpSum(x) <= count
        fd, log_path = tempfile.mkstemp(suffix=".log", prefix="klynge-cbc-")
        os.close(fd)
        try:
            left = max(1.0, deadline - time.monotonic())
            problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=left, logPath=log_path,
                                            gapRel=0.0, threads=1))
        except pulp.PulpSolverError:  # CBC ended without an answer file: the greedy choice stands
            pass
        finally:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                log = f.read()
            os.unlink(log_path)
    stopped = "Stopped on time" in log
    chosen = [k for k, v in enumerate(x) if v.value() is not None and v.value() > 0.5]
    feasible = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) and \
        "No feasible solution" not in log and _packs(candidates, chosen, count)
    if not feasible:  # stopped before an integer answer: the greedy start stands
        chosen = start
    value = objective([candidates[k] for k in chosen], member_weight)
    if feasible and not stopped and problem.sol_status == pulp.LpSolutionOptimal:
        return chosen, True, None
    return chosen, False, _gap(log, value)


def _packs(candidates: list[_Candidate], chosen: list[int], count: int) -> bool:
    parts = [i for k in chosen for i in candidates[k].parts]
    return len(parts) == len(set(parts)) and len(chosen) <= count


def _gap(log: str, value: float) -> float | None:
    """The relative gap between ``value`` and the bound in a CBC log (None when it states none)."""
    bound = re.findall(r"(?:Lower|Upper) bound:\s*(-?[0-9.eE+]+)", log)
    if not bound:
        bound = re.findall(r"best possible (-?[0-9.eE+]+)", log)
    if not bound:
        return None
    b = abs(float(bound[-1]))  # CBC minimises the negated objective: its bound's size is ours
    return max(0.0, b - value) / max(abs(value), 1e-9)


def _binding(p: _Problem, c: _Candidate, used: set[int], organisations, settings: PackageSettings,
             full: _Problem) -> list[Reason]:
    """The limits that kept out an offer that would have added a member or an area, each alone."""
    held: dict[str, int] = {}
    areas = {p.areas[i] for i in c.parts}
    in_full = {id(o): k for k, o in enumerate(full.offers)}
    parts_full = [in_full[id(p.offers[i])] for i in c.parts]
    for j, offer in enumerate(full.offers):
        if j in parts_full or id(offer) in used:
            continue
        if offer.organisation_id in c.orgs and full.areas[j] in areas:
            continue  # it would add nothing the objective counts
        fails = []
        if len(c.parts) >= MAX_PARTS:
            fails.append("parts")
        if p.asked is not None and full.raw_open[j] & p.asked != p.asked:
            fails.append("months")
        elif p.asked is None and not (c.months & full.raw_open[j] & _area(offer.municipality)[1]):
            fails.append("months")
        if p.theme and not full.support[j] and not fits_theme(offer, organisations.get(offer.organisation_id), p.theme):
            fails.append("theme")
        if p.price_max is not None and c.price + full.price[j] > p.price_max + 1e-9:
            fails.append("price_max")
        ends = (full.minutes[parts_full[0], j], full.minutes[parts_full[-1], j])
        inside = [max(full.minutes[a, j], full.minutes[j, b]) for a, b in zip(parts_full, parts_full[1:])]
        if min((*ends, *inside)) > p.limit:
            fails.append("legs")
        if len(fails) == 1:
            held[fails[0]] = held.get(fails[0], 0) + 1
    out = []
    values = {"legs": {"limit": int(settings.max_leg_minutes)}, "parts": {"limit": MAX_PARTS},
              "months": {"months": list(_months(c.months))}, "theme": {"theme": p.theme},
              "price_max": {"limit": float(settings.price_max or 0), "currency": settings.currency}}
    for code in ("legs", "price_max", "months", "theme", "parts"):
        if held.get(code):
            out.append(Reason(code, f"suggest.bound.{code}", {"n": held[code], **values[code]}))
    if p.price_min is not None and c.price <= 1.1 * p.price_min:
        out.append(Reason("price_min", "suggest.bound.price_min",
                          {"limit": float(settings.price_min), "currency": settings.currency}))
    if not out:
        longest = max(p.minutes[a, b] for a, b in zip(c.parts, c.parts[1:]))
        if longest >= 0.85 * p.limit:
            out.append(Reason("legs", "suggest.bound.longest", {"minutes": round(float(longest)),
                                                                  "limit": int(settings.max_leg_minutes)}))
    return out


def _diagnose(offers, organisations, settings, months, theme, source, co2_per_km, lang: str) -> NoSuggestion:
    """Which limit, relaxed alone, allows a package (the error that names it)."""
    if len({o.organisation_id for o in offers if o.organisation_id is not None and o.kind in PART_KINDS}) < 2:
        return NoSuggestion(t("suggest.none.organisations", lang), "organisations")
    label = month_names(sorted(months, key=lambda m: (m - 9) % 12), lang) if months else t("suggest.low_season", lang)
    params = {"months": label, "minutes": int(settings.max_leg_minutes),
              "theme": t(f"suggest.theme.{theme}", lang).lower() if theme else "",
              "currency": settings.currency,
              "low": "-" if settings.price_min is None else f"{settings.price_min:g}",
              "high": "-" if settings.price_max is None else f"{settings.price_max:g}"}
    for limit in _LIMITS:
        if limit == "theme" and not theme:
            continue
        relaxed = _prepare(offers, organisations, settings, months, theme, source, frozenset({limit}))
        try:
            found = _search(relaxed, co2_per_km, budget=SEARCH_BUDGET, stop_first=True)
        except _Budget:  # searched long without finding one: this limit alone is not the one
            found = {}
        if found:
            return NoSuggestion(t(f"suggest.none.{limit}", lang, **params), limit)
    return NoSuggestion(t("suggest.none.several", lang, **params), "several")


def suggest(offers: Sequence[Offer], organisations: Mapping[int, Organisation], settings: PackageSettings, *,
            months: Sequence[int] | None = None, theme: str = "", count: int = 5, time_limit: float = 10.0,
            travel=None, existing: Sequence[Package] = (), lang: str = "en") -> list[Suggestion]:
    """Up to ``count`` packages that share no offer, best for the low season (see the module docstring).

    Parameters
    ----------
    offers
        The offers the members share with the cluster, with ids and organisation ids.
    organisations
        The members by id (their coordinates, municipality and sub-clusters).
    settings
        The facilitator's limits, currency and exchange rates.
    months
        The months (1 to 12) every part must be open in; None: the low season of the areas.
    theme
        One of :data:`klynge.model.package.THEMES`, or "" for any.
    time_limit
        Seconds for the whole run; CBC gets what the search left.
    travel
        A travel source (default ``travel.get("estimate")``).
    existing
        The cluster's packages: members in none of them weigh more.

    Raises
    ------
    NoSuggestion
        No package obeys the rules; the message (in ``lang``) names the limit that made it impossible.
    """
    from . import travel as travel_sources

    started = time.monotonic()
    if theme and theme not in THEME_SUBCLUSTERS:
        raise KlyngeError(t("suggest.bad_theme", lang, theme=theme, themes=", ".join(THEME_SUBCLUSTERS)))
    if months and any(not 1 <= int(m) <= 12 for m in months):
        raise KlyngeError(t("suggest.bad_months", lang))
    if count < 1:
        raise KlyngeError(t("suggest.bad_count", lang))
    months = sorted({int(m) for m in months}) if months else None
    source = travel or travel_sources.get("estimate")
    co2_per_km = reference.co2_factor("car").grams_per_pkm / 1000.0
    # Every offer with a rate, whatever the other limits: what the binding limits kept out,
    # and the travel matrix the search's offers are cut from.
    full = _prepare(offers, organisations, settings, months, theme, source,
                    frozenset({"months", "legs", "price", "theme"}))
    problem = _prepare(offers, organisations, settings, months, theme, source, base=full)
    exhaustive = _may_exhaust(problem)
    try:
        found = _search(problem, co2_per_km, budget=SEARCH_BUDGET) if exhaustive else {}
    except _Budget:
        exhaustive = False
    if not exhaustive:
        now = time.monotonic()
        # Seeds are searched for at least a quarter of the time: CBC needs the rest.
        deadline = max(started + 0.5 * time_limit, now + 0.2 * time_limit)
        found = _search(problem, co2_per_km, budget=None, seeded=True, deadline=deadline)
    if not found:
        raise _diagnose(offers, organisations, settings, months, theme, source, co2_per_km, lang)
    in_packages = {c.organisation_id for pkg in existing for c in pkg.components}
    weight = {o: WEIGHTS["member"] if o in in_packages else WEIGHTS["new_member"]
              for c in found.values() for o in c.orgs}
    candidates = sorted(found.values(), key=lambda c: c.parts)
    # CBC's limit is set once the programme is built; the answer is read and explained after it.
    chosen, optimal, gap = _solve(candidates, weight, count, started + time_limit - 0.5)
    picked = [candidates[k] for k in chosen]
    picked.sort(key=lambda c: (-_own_value(c, weight), c.parts))
    used = {id(problem.offers[i]) for c in picked for i in c.parts}
    return [_suggestion(problem, full, c, organisations, settings, weight, used, optimal, gap, exhaustive,
                        len(candidates), co2_per_km) for c in picked]


def _suggestion(p: _Problem, full: _Problem, c: _Candidate, organisations, settings, weight, used, optimal, gap,
                exhaustive, n, co2_per_km) -> Suggestion:
    parts = [p.offers[i] for i in c.parts]
    orgs = tuple(dict.fromkeys(o.organisation_id for o in parts))
    names = [organisations[o].name if o in organisations else str(o) for o in orgs]
    months = _months(c.months)
    areas = tuple(dict.fromkeys(p.areas[i] for i in c.parts))
    area_names = {a.id: a.name for a in reference.areas()}
    legs = tuple(Leg(float(p.minutes[a, b]), float(p.km[a, b]), float(p.km[a, b] * co2_per_km))
                 for a, b in zip(c.parts, c.parts[1:]))
    new = [organisations[o].name for o in orgs if weight.get(o) == WEIGHTS["new_member"] and o in organisations]
    where = {"months": list(months), "areas": ", ".join(area_names.get(a, a) for a in areas)}
    reasons = [Reason("cells", "suggest.reason.cells", {"n": len(c.cells), **where}) if c.cells
               else Reason("cells", "suggest.reason.open", where),
               Reason("members", "suggest.reason.members", {"n": len(orgs), "names": ", ".join(names)})]
    if new:
        reasons.append(Reason("new_members", "suggest.reason.new_members", {"n": len(new), "names": ", ".join(new)}))
    reasons.append(Reason("co2", "suggest.reason.co2", {"kg": round(sum(g.co2_kg for g in legs), 1),
                                                        "km": round(sum(g.km for g in legs)),
                                                        "minutes": round(max(g.minutes for g in legs))}))
    reasons.append(Reason("price", "suggest.reason.price", {"price": round(c.price), "currency": settings.currency}))
    if p.theme:
        reasons.append(Reason("theme", "suggest.reason.theme", {"theme": p.theme,
                                                                "n": sum(p.fits[i] for i in c.parts)}))
    binding = _binding(p, c, used, organisations, settings, full)
    s = Suggestion(offer_ids=tuple(o.id for o in parts), organisation_ids=orgs, months=months, areas=areas,
                   theme=p.theme, price=c.price, currency=settings.currency, legs=legs,
                   value=_own_value(c, weight), reasons=tuple(reasons), binding=tuple(binding), optimal=optimal,
                   gap=gap, exhaustive=exhaustive, candidates=n, titles=tuple(o.title for o in parts),
                   kinds=tuple(o.kind for o in parts), part_organisations=tuple(o.organisation_id for o in parts))
    return s
