"""The low-season gap finder: where and when the cluster cannot put a package together.

Pure functions over the members' offers (no I/O, no widgets). Per seasonality area and month
the cluster's open capacity is summed by **kind group**, each group in its own unit only:

=========  ====================================  ======
group      offer kinds                           unit
=========  ====================================  ======
activity   activity                              guests a day
bed        accommodation                         beds
meal       meal                                  seats
transport  transport                             seats
culture    culture, venue                        guests a day
=========  ====================================  ======

A venue (a hall, a conference room, a church) is something guests attend, not a day activity
they do, so it counts as culture. Capacity in a month is the capacity per day times the days of
the month (bed-nights, seat-days, guest-days), set against the area's guest nights that month:
the area's annual guest nights times its seasonality share (:mod:`klynge.reference`; both are
approximate, and every row carries that flag).

Words used throughout:

- **missing**: the group has no open capacity in the area that month.
- **thin**: it has some, but fewer than ``thin`` (default :data:`THIN`) per 1 000 of the area's
  guest nights that month: too little to sell a package to more than a handful of guests.
- **enough**: at least ``thin`` per 1 000 guest nights.
- **a package can be built** in an area and month when a group that anchors a trip (a bed or
  a day activity, :data:`ANCHORS`) has enough capacity, and at least one more group has too.
  Otherwise the month is a *gap*, with the reason ``no_anchor`` (no bed or day activity with
  enough capacity) or ``one_kind`` (an anchor, but nothing to combine it with).

The low-season share (:func:`season_shares`) is, per area and group, the share of the year's
open capacity that lies in the area's low months (:func:`klynge.reference.low_months`), now and
with the packages counted as agreed. An agreed package **commits** in each of its low months, for
each live part, as many places a day as the package can take (its smallest part's capacity per
day; a bed, a seat and a guest's place count alike), at most the part's own capacity; where it
sells a part in a month the part's offer is not open, those places are **added** capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import reference
from ..errors import NotFound
from ..model import CAPACITY_UNIT_OF, Offer, Package, PackageAnswer
from .member import DAYS, MONTHS, _num, records

__all__ = [
    "ANCHORS",
    "GROUPS",
    "GROUP_OF",
    "SEASON_MONTHS",
    "THIN",
    "UNIT_OF",
    "Gap",
    "agreed_packages",
    "buildable",
    "capacity_cells",
    "find_gaps",
    "gap_picture",
    "guest_nights",
    "is_agreed",
    "offers_table",
    "season_shares",
]

#: The kind groups a package combines, in the order they are shown.
GROUPS = ("activity", "bed", "meal", "transport", "culture")
#: The group of each offer kind (a venue is something guests attend: culture).
GROUP_OF: dict[str, str] = {"activity": "activity", "accommodation": "bed", "meal": "meal",
                            "transport": "transport", "culture": "culture", "venue": "culture"}
#: What each group's capacity counts.
UNIT_OF: dict[str, str] = {"activity": "guests", "bed": "beds", "meal": "seats", "transport": "seats",
                           "culture": "guests"}
#: The groups a package is built around: a bed or a day activity.
ANCHORS = ("bed", "activity")
#: A group with fewer places than this per 1 000 of the area's guest nights that month is thin.
THIN = 10.0
#: The months in the order the cluster's year is shown: September first.
SEASON_MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)

_TABLE = ["offer_id", "organisation_id", "kind", "group", "unit", "area", "months", "capacity_per_day"]


def _area(municipality: str, cache: dict) -> str | None:
    if municipality not in cache:
        try:
            cache[municipality] = reference.area_of(municipality)
        except NotFound:
            cache[municipality] = None
    return cache[municipality]


def offers_table(offers: Iterable[Offer | Mapping]) -> pd.DataFrame:
    """One row per offer: its group, the unit its capacity counts, its seasonality area, months, capacity.

    ``offers`` are :class:`~klynge.model.Offer` or rows of a member's analysis (dicts with
    ``offer_id``, ``kind``, ``municipality``, ``months``, ``capacity_per_day`` and, where
    known, ``capacity_unit``; without it, the kind's unit). ``area`` is None for a municipality
    without seasonality data. An offer whose capacity unit does not fit its group keeps its row
    with ``unit`` as stated, and is left out of every sum (only like is added to like).
    """
    cache: dict = {}
    rows = []
    for o in offers:
        get = o.get if isinstance(o, Mapping) else (lambda k, d=None, o=o: getattr(o, k, d))
        kind = get("kind")
        offer_id = get("offer_id") if isinstance(o, Mapping) else o.id
        rows.append({"offer_id": offer_id, "organisation_id": get("organisation_id"), "kind": kind,
                     "group": GROUP_OF.get(kind), "unit": get("capacity_unit") or CAPACITY_UNIT_OF.get(kind),
                     "area": _area(str(get("municipality")), cache), "months": tuple(sorted(set(get("months")))),
                     "capacity_per_day": int(get("capacity_per_day"))})
    return pd.DataFrame(rows, columns=_TABLE)


def guest_nights(areas: Sequence[str]) -> pd.DataFrame:
    """Per area and month: the area's guest nights (annual figure times seasonality share), approximate or not."""
    known = {a.id: a for a in reference.areas()}
    rows = []
    for area in areas:
        info = known[area]
        shares = reference.seasonality(area)
        low = set(reference.low_months(area))
        rows += [{"area": area, "month": m, "guest_nights": info.guest_nights * shares[m - 1], "low": m in low,
                  "approximate": info.approximate} for m in MONTHS]
    return pd.DataFrame(rows, columns=["area", "month", "guest_nights", "low", "approximate"])


def _open(table: pd.DataFrame) -> pd.DataFrame:
    """One row per offer and month it is open, only offers in an area whose unit fits their group."""
    fits = table["group"].notna() & table["area"].notna() & (table["unit"] == table["group"].map(UNIT_OF))
    table = table[fits]
    long = table.explode("months").rename(columns={"months": "month"}).dropna(subset=["month"])
    long = long.astype({"month": int})
    long["capacity"] = long["capacity_per_day"] * np.asarray(DAYS)[long["month"].to_numpy() - 1]
    return long


def capacity_cells(table: pd.DataFrame, *, thin: float = THIN, areas: Sequence[str] | None = None) -> pd.DataFrame:
    """Per area, month and group: open capacity against the area's guest nights, and its status.

    Parameters
    ----------
    table
        :func:`offers_table`'s result.
    thin
        Places per 1 000 guest nights below which a group is thin.
    areas
        The areas to show; by default every area in which the cluster has an offer.

    Returns
    -------
    DataFrame
        ``area``, ``month``, ``group``, ``unit``, ``offers`` (open offers), ``capacity_per_day``,
        ``capacity`` (per day times days), ``guest_nights``, ``per_1000`` (capacity per 1 000
        guest nights), ``status`` (``missing``, ``thin`` or ``enough``), ``low`` and ``approximate``.
    """
    if thin < 0:
        raise ValueError("the threshold for thin capacity must be 0 or more")
    long = _open(table)
    if areas is None:
        areas = sorted(set(table["area"].dropna()))
    grid = pd.MultiIndex.from_product([list(areas), MONTHS, GROUPS], names=["area", "month", "group"])
    sums = long.groupby(["area", "month", "group"]).agg(offers=("offer_id", "size"),
                                                       capacity_per_day=("capacity_per_day", "sum"),
                                                       capacity=("capacity", "sum"))
    cells = sums.reindex(grid, fill_value=0).reset_index()
    cells = cells.merge(guest_nights(areas), on=["area", "month"], how="left")
    cells.insert(3, "unit", cells["group"].map(UNIT_OF))
    nights = cells["guest_nights"].to_numpy(dtype=float)
    capacity = cells["capacity"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(nights > 0, capacity * 1000 / nights, np.where(capacity > 0, np.inf, 0.0))
    cells["per_1000"] = per
    cells["status"] = np.select([capacity <= 0, per < thin], ["missing", "thin"], "enough")
    columns = ["area", "month", "group", "unit", "offers", "capacity_per_day", "capacity", "guest_nights",
               "per_1000", "status", "low", "approximate"]
    return cells[columns].astype({"offers": int, "capacity_per_day": int, "capacity": int})


def buildable(cells: pd.DataFrame) -> pd.DataFrame:
    """Per area and month: whether a package can be built, and why not.

    Returns
    -------
    DataFrame
        ``area``, ``month``, ``low``, ``approximate``, ``buildable``, ``reason`` (``""``,
        ``no_anchor`` or ``one_kind``), ``enough``, ``thin`` and ``missing`` (tuples of groups in
        :data:`GROUPS` order).
    """
    order = {g: i for i, g in enumerate(GROUPS)}
    rows = []
    for (area, month), part in cells.groupby(["area", "month"], sort=False):
        by = {s: tuple(sorted(part.loc[part["status"] == s, "group"], key=order.get))
              for s in ("enough", "thin", "missing")}
        anchored = any(g in by["enough"] for g in ANCHORS)
        ok = anchored and len(by["enough"]) >= 2
        reason = "" if ok else ("no_anchor" if not anchored else "one_kind")
        rows.append({"area": area, "month": int(month), "low": bool(part["low"].iloc[0]),
                     "approximate": bool(part["approximate"].iloc[0]), "buildable": ok, "reason": reason, **by})
    return pd.DataFrame(rows, columns=["area", "month", "low", "approximate", "buildable", "reason", "enough",
                                       "thin", "missing"])


@dataclass(frozen=True)
class Gap:
    """An area and month where no package can be built: the reason and the groups missing or thin."""

    area: str
    area_name: str
    month: int
    low: bool
    reason: str
    missing: tuple[str, ...]
    thin: tuple[str, ...]
    approximate: bool


def find_gaps(cells: pd.DataFrame, *, low_only: bool = True) -> list[Gap]:
    """The areas and months where no package can be built, by area name and the cluster's year (September first).

    ``low_only`` keeps the areas' low months: the season the packages are for.
    """
    names = {a.id: a.name for a in reference.areas()}
    season = {m: i for i, m in enumerate(SEASON_MONTHS)}
    table = buildable(cells)
    table = table[~table["buildable"] & (table["low"] | (not low_only))]
    gaps = [Gap(r.area, names.get(r.area, r.area), int(r.month), bool(r.low), r.reason, r.missing, r.thin,
                bool(r.approximate)) for r in table.itertuples(index=False)]
    return sorted(gaps, key=lambda g: (g.area_name.casefold(), season[g.month]))


def is_agreed(package: Package, owner_id: int, answers: Mapping[int, PackageAnswer] | None = None) -> bool:
    """Whether a package counts as agreed: it is ready and, where ``answers`` are given, every supplier
    other than its owner has accepted (a withdrawal, or no answer, keeps it from counting)."""
    if package.status != "ready":
        return False
    if answers is None:
        return True
    return all(org == owner_id or (org in answers and answers[org].state == "accepted")
               for org in package.suppliers())


def agreed_packages(packages: Iterable[tuple[Package, int]],
                    answers: Mapping[tuple[int, str], Mapping[int, PackageAnswer]] | None = None,
                    names: Sequence[str] | None = None) -> list[Package]:
    """The packages of ``(package, owner_id)`` pairs that :func:`is_agreed` counts.

    ``answers`` maps ``(owner_id, package name)`` to the suppliers' answers, with ``names``
    giving each pair's package name in the same order; without them readiness alone counts.
    """
    out = []
    for i, (package, owner) in enumerate(packages):
        given = answers.get((owner, names[i]), {}) if answers is not None and names is not None else None
        if is_agreed(package, owner, given):
            out.append(package)
    return out


def season_shares(table: pd.DataFrame, agreed: Iterable[Package] = ()) -> pd.DataFrame:
    """Per area and group: the share of the year's open capacity in the area's low months, now and with packages.

    Parameters
    ----------
    table
        :func:`offers_table`'s result (every live offer the packages may use).
    agreed
        The packages counted as agreed (see :func:`is_agreed`). A part whose offer is not in
        ``table`` (deleted) adds and commits nothing.

    Returns
    -------
    DataFrame
        ``area``, ``group``, ``unit``, ``capacity`` (the year's), ``low_capacity``, ``low_share``
        (now), ``committed`` (places in low months that agreed packages sell, see the module
        docstring), ``added`` (of those, places in months the part's offer is not open),
        ``low_share_with`` (the low share with the added places) and ``packaged_share``
        (committed over the low months' capacity with the added places). Shares are 0 without capacity.
    """
    long = _open(table)
    areas = sorted(set(table["area"].dropna()))
    low = {a: set(reference.low_months(a)) for a in areas}
    long["low"] = np.array([m in low[a] for a, m in zip(long["area"], long["month"])], dtype=bool)
    base = long.groupby(["area", "group"]).agg(capacity=("capacity", "sum"))
    base["low_capacity"] = long[long["low"]].groupby(["area", "group"])["capacity"].sum()

    # Places a day each agreed package sells of each of its parts, per month.
    live = table.set_index("offer_id")
    fits = live["group"].notna() & live["area"].notna() & (live["unit"] == live["group"].map(UNIT_OF))
    live = live[fits & ~live.index.duplicated()]
    sold = []
    for package in agreed:
        parts = [c.offer_id for c in package.components if c.offer_id in live.index]
        if not parts:
            continue
        per_day = int(live.loc[parts, "capacity_per_day"].min())
        sold += [{"offer_id": o, "month": m, "per_day": per_day} for o in dict.fromkeys(parts) for m in package.months]
    frame = pd.DataFrame(sold, columns=["offer_id", "month", "per_day"])
    frame = frame.groupby(["offer_id", "month"], as_index=False)["per_day"].sum()
    frame = frame.join(live[["area", "group", "months", "capacity_per_day"]], on="offer_id")
    is_open = np.array([m in ms for m, ms in zip(frame["month"], frame["months"])], dtype=bool)
    days = np.asarray(DAYS)[frame["month"].to_numpy(dtype=int) - 1] if len(frame) else np.zeros(0, dtype=int)
    per_day = frame["per_day"].to_numpy(dtype=int)
    # An open part commits at most its own capacity; a part sold in a month it is closed adds what is sold.
    frame["committed"] = np.where(is_open, np.minimum(per_day, frame["capacity_per_day"].to_numpy(dtype=int)),
                                  per_day) * days
    frame["added"] = np.where(is_open, 0, per_day * days)
    frame["low"] = np.array([m in low.get(a, ()) for a, m in zip(frame["area"], frame["month"])], dtype=bool)
    in_low = frame[frame["low"]].groupby(["area", "group"])[["committed", "added"]].sum()
    added_year = frame.groupby(["area", "group"])["added"].sum().rename("added_year")

    grid = pd.MultiIndex.from_product([areas, GROUPS], names=["area", "group"])
    out = base.join(in_low, how="outer").join(added_year, how="outer").reindex(grid).fillna(0).astype(int)
    out = out.reset_index()
    out.insert(2, "unit", out["group"].map(UNIT_OF))

    def share(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return np.divide(a, b, out=np.zeros_like(a), where=b > 0)

    out["low_share"] = share(out["low_capacity"], out["capacity"])
    out["low_share_with"] = share(out["low_capacity"] + out["added"], out["capacity"] + out["added_year"])
    out["packaged_share"] = share(out["committed"], out["low_capacity"] + out["added"])
    return out[["area", "group", "unit", "capacity", "low_capacity", "low_share", "committed", "added",
                "low_share_with", "packaged_share"]]


def gap_picture(offers: Iterable[Offer | Mapping], agreed: Iterable[Package] = (), *, thin: float = THIN) -> dict:
    """The whole gap finder as JSON values: the cells of the heat map, the gaps, the low-season shares.

    Parameters
    ----------
    offers
        The cluster's live offers (models, or rows of the members' analyses).
    agreed
        The packages counted as agreed.
    thin
        Places per 1 000 guest nights below which a group is thin.

    Returns
    -------
    dict
        ``thin``, ``groups``, ``units``, ``areas`` (id, name, low months, approximate, the year
        of the guest nights), ``cells`` (:func:`capacity_cells`), ``gaps`` (:func:`find_gaps`, low
        months), ``season`` (:func:`season_shares`) and ``unplaced`` (offers outside every
        seasonality area).
    """
    table = offers_table(offers)
    agreed = list(agreed)
    cells = capacity_cells(table, thin=thin)
    known = {a.id: a for a in reference.areas()}
    areas = sorted(set(cells["area"]), key=lambda a: known[a].name.casefold())
    cell_rows = records(cells.assign(per_1000=cells["per_1000"].replace(np.inf, 1e9)))
    return {
        "thin": _num(float(thin)),
        "groups": list(GROUPS),
        "units": dict(UNIT_OF),
        "season_months": list(SEASON_MONTHS),
        "areas": [{"id": a, "name": known[a].name, "low_months": list(reference.low_months(a)),
                   "approximate": known[a].approximate, "year": known[a].year,
                   "guest_nights": known[a].guest_nights} for a in areas],
        "cells": cell_rows,
        "gaps": [{"area": g.area, "area_name": g.area_name, "month": g.month, "reason": g.reason,
                  "missing": list(g.missing), "thin": list(g.thin), "approximate": g.approximate}
                 for g in find_gaps(cells)],
        "season": records(season_shares(table, agreed)),
        "packages": len(agreed),
        "unplaced": [_num(i) for i in table.loc[table["area"].isna(), "offer_id"]],
    }
