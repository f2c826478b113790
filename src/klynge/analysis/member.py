"""One member's figures: offers and capacity by month, the low season, SDG profile, canvases.

Pure functions over domain models and DataFrames: no I/O, no widgets, no clock. Every
figure comes with the rows it was computed from, and :func:`member_figures` returns plain
JSON values with floats rounded to 6 decimals, so the same data gives byte-identical JSON.

Capacity is added up only like with like: each offer counts its capacity in its unit (beds
for accommodation, seats for meals and transport, guests a day for the rest), and every sum
and share is kept per unit (columns ``capacity_beds``, ``capacity_seats``, ``capacity_guests``),
never across units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..model import CAPACITY_UNITS, CanvasDocument, Offer, Organisation, SdgAssessment

__all__ = [
    "DAYS",
    "MONTHS",
    "SHARED_BLOCKS",
    "UNITS",
    "by_month",
    "capacity_column",
    "canvas_completeness",
    "low_season",
    "member_figures",
    "offer_months",
    "offers_frame",
    "sdg_entries",
    "sdg_profile",
    "shared_notes",
]

MONTHS = tuple(range(1, 13))
#: Days per month of a common year: capacity per month is capacity per day times these.
DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
GOALS = tuple(range(1, 18))
#: Business-model blocks whose shared notes the cluster compares across members.
SHARED_BLOCKS = ("customer_segments", "value_propositions", "key_partners")

#: The capacity units, in the order tables and figures show them.
UNITS: tuple[str, ...] = tuple(sorted(CAPACITY_UNITS, key=("beds", "seats", "guests").index))

_OFFER_COLUMNS = ["offer_id", "title", "kind", "municipality", "months", "capacity_per_day", "capacity_unit",
                  "price", "price_unit", "price_guests", "price_nights", "currency", "trend"]


def capacity_column(unit: str, per_day: bool = False) -> str:
    """The column of :func:`by_month` that holds capacity in ``unit``: per month, or per day."""
    return f"{'per_day' if per_day else 'capacity'}_{unit}"


def offers_frame(offers: Iterable[Offer]) -> pd.DataFrame:
    """One row per offer; ``months`` is a tuple of month numbers."""
    rows = [{"offer_id": o.id, "title": o.title, "kind": o.kind, "municipality": o.municipality,
             "months": tuple(o.months), "capacity_per_day": int(o.capacity_per_day),
             "capacity_unit": o.capacity_unit, "price": float(o.price.amount), "price_unit": o.price_unit,
             "price_guests": int(o.price_guests), "price_nights": int(o.price_nights),
             "currency": o.price.currency, "trend": o.trend} for o in offers]
    return pd.DataFrame(rows, columns=_OFFER_COLUMNS)


def offer_months(offers: pd.DataFrame) -> pd.DataFrame:
    """One row per offer and month it is open, with its capacity per day and per month, in its unit."""
    counts = offers["months"].map(len).to_numpy(dtype=int) if len(offers) else np.zeros(0, dtype=int)
    months = np.concatenate([np.asarray(m, dtype=int) for m in offers["months"]]) if counts.sum() else \
        np.zeros(0, dtype=int)
    per_day = np.repeat(offers["capacity_per_day"].to_numpy(dtype=int), counts)
    return pd.DataFrame({"offer_id": np.repeat(offers["offer_id"].to_numpy(), counts), "month": months,
                         "capacity_unit": np.repeat(offers["capacity_unit"].to_numpy(dtype=object), counts),
                         "capacity_per_day": per_day, "capacity": per_day * np.asarray(DAYS)[months - 1]})


def by_month(offers: pd.DataFrame) -> pd.DataFrame:
    """Open offers, and per capacity unit the capacity per day and per month, for months 1 to 12.

    ``capacity_beds`` is bed-nights, ``capacity_seats`` seat-days and ``capacity_guests``
    guests (guests a day times days); ``per_day_<unit>`` is the capacity of a day. Units are
    never added to one another.
    """
    long = offer_months(offers)
    month = long["month"].to_numpy(dtype=int)
    unit = long["capacity_unit"].to_numpy(dtype=object)

    def total(weights=None, mask=None):
        keep = np.ones(len(month), dtype=bool) if mask is None else mask
        w = None if weights is None else weights[keep]
        return np.bincount(month[keep], weights=w, minlength=13)[1:].astype(int)

    # An offer's months are a set, so counting rows per month counts offers.
    data = {"open_offers": total()}
    for u in UNITS:
        data[capacity_column(u, per_day=True)] = total(long["capacity_per_day"].to_numpy(), unit == u)
    for u in UNITS:
        data[capacity_column(u)] = total(long["capacity"].to_numpy(), unit == u)
    return pd.DataFrame(data, index=pd.Index(MONTHS, name="month"))


def low_season(monthly: pd.DataFrame, seasonality: Sequence[float] | None, low: Sequence[int]) -> dict:
    """How much of the member's capacity lies in the low season, against the area's guest nights.

    Parameters
    ----------
    monthly
        :func:`by_month`'s table.
    seasonality
        The area's twelve monthly shares of guest nights, or None (then an even year).
    low
        The low-season months.

    Returns
    -------
    dict
        ``by_unit`` (per capacity unit the member has: its capacity in low months over its
        capacity in the year, say bed-nights over bed-nights), ``member_share`` (the mean of
        those shares: each unit weighs the same, none is added to another; 0 without
        capacity), ``area_share`` (guest nights in low months over the year), ``gap`` (their
        difference: above 0, the member offers more in the low season than guests come),
        and ``idle_months`` (low months without any open offer).
    """
    low = sorted(set(low))
    mask = np.isin(np.array(MONTHS), low)
    by_unit = {}
    for unit in UNITS:
        capacity = monthly[capacity_column(unit)].to_numpy(dtype=float)
        if capacity.sum():
            by_unit[unit] = float(capacity[mask].sum() / capacity.sum())
    member_share = float(np.mean(list(by_unit.values()))) if by_unit else 0.0
    shares = np.array(seasonality if seasonality is not None else [1 / 12] * 12, dtype=float)
    area_share = float(shares[mask].sum())
    idle = [int(m) for m in low if monthly.loc[m, "open_offers"] == 0]
    return {"months": [int(m) for m in low], "by_unit": by_unit, "member_share": member_share,
            "area_share": area_share, "gap": member_share - area_share, "idle_months": idle}


def sdg_entries(sdg: SdgAssessment | None) -> pd.DataFrame:
    """One row per assessed target: target, goal, relevance, impact, visibility, confirmed."""
    rows = [{"target": e.target, "goal": int(e.target.split(".")[0]), "relevance": int(e.relevance),
             "impact": int(e.impact), "visibility": e.visibility, "confirmed": bool(e.confirmed)}
            for e in (sdg.entries if sdg else [])]
    return pd.DataFrame(rows, columns=["target", "goal", "relevance", "impact", "visibility", "confirmed"])


def sdg_profile(entries: pd.DataFrame, *, shared_only: bool = False) -> pd.DataFrame:
    """Per goal 1 to 17: targets assessed, highest relevance, targets with good and harmful impact,
    and a score, the sum of impact times relevance.

    Only confirmed entries count; ``shared_only`` leaves out private ones (for the cluster).
    """
    keep = entries["confirmed"].to_numpy(dtype=bool)
    if shared_only:
        keep = keep & (entries["visibility"].to_numpy() != "private")  # not &=: that would write into ``entries``
    goal = entries["goal"].to_numpy(dtype=int)[keep]
    relevance = entries["relevance"].to_numpy(dtype=int)[keep]
    impact = entries["impact"].to_numpy(dtype=int)[keep]

    def total(weights=None):
        return np.bincount(goal, weights=weights, minlength=18)[1:].astype(int)

    highest = np.zeros(18, dtype=int)
    np.maximum.at(highest, goal, relevance)
    return pd.DataFrame({"targets": total(), "relevance": highest[1:], "positive": total(impact > 0),
                         "negative": total(impact < 0), "score": total(impact * relevance)},
                        index=pd.Index(GOALS, name="goal"))


def canvas_completeness(canvases: Mapping[str, CanvasDocument],
                        blocks: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Per canvas template: blocks, blocks with at least one non-empty note, notes, and share filled.

    ``blocks`` maps every template to count (also those the member has not started) to its
    block ids.
    """
    rows = []
    for template in sorted(blocks):
        ids = list(blocks[template])
        notes = [n for n in canvases[template].notes if n.text.strip()] if template in canvases else []
        filled = len({n.block for n in notes} & set(ids))
        rows.append({"template": template, "blocks": len(ids), "filled": filled, "notes": len(notes),
                     "share": filled / len(ids) if ids else 0.0})
    return pd.DataFrame(rows, columns=["template", "blocks", "filled", "notes", "share"])


def shared_notes(canvases: Mapping[str, CanvasDocument], template: str = "business_model",
                 blocks: Sequence[str] = SHARED_BLOCKS) -> pd.DataFrame:
    """The member's notes in ``blocks`` that the cluster may see (not private), in order."""
    doc = canvases.get(template)
    rows = [{"template": template, "block": n.block, "note": n.id, "text": n.text}
            for n in (doc.notes if doc else []) if n.block in blocks and n.visibility != "private"
            and n.text.strip()]
    return pd.DataFrame(rows, columns=["template", "block", "note", "text"])


def _num(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = round(float(value), 6)
        return 0.0 if value == 0 else value  # no "-0.0"
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """A DataFrame as JSON rows: tuples as lists, numpy numbers as Python numbers, floats rounded."""
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: list(v) if isinstance(v, tuple) else _num(v) for k, v in row.items()})
    return out


def columns(frame: pd.DataFrame, index: str) -> dict:
    """A table indexed by month or goal as ``{index: [...], column: [...], ...}``."""
    data = {index: [_num(v) for v in frame.index]}
    data.update({c: [_num(v) for v in frame[c]] for c in frame.columns})
    return data


def member_figures(organisation: Organisation, offers: Iterable[Offer], canvases: Mapping[str, CanvasDocument],
                   sdg: SdgAssessment | None, *, area: str | None, seasonality: Sequence[float] | None,
                   low_months: Sequence[int], template_blocks: Mapping[str, Sequence[str]]) -> dict:
    """Every figure of one member, as JSON values, each with the rows it came from.

    Parameters
    ----------
    organisation, offers, canvases, sdg
        The member's data.
    area, seasonality, low_months
        The member's seasonality area, its monthly shares (None without data) and low months.
    template_blocks
        Block ids per canvas template, for completeness.
    """
    offer_table = offers_frame(offers)
    monthly = by_month(offer_table)
    entries = sdg_entries(sdg)
    shares = [_num(s) for s in seasonality] if seasonality is not None else None
    season = low_season(monthly, seasonality, low_months)
    org = organisation
    return {
        "member": {"id": org.id, "name": org.name, "kind": org.kind, "sector": org.sector,
                   "country": org.country, "municipality": org.municipality, "area": area,
                   "subclusters": sorted(org.subclusters), "phase": org.phase, "size": org.size},
        "monthly": {**columns(monthly, "month"), "area_share": shares,
                    "low": [m in season["months"] for m in MONTHS]},
        "low_season": {k: v if isinstance(v, list) else {u: _num(x) for u, x in v.items()}
                       if isinstance(v, dict) else _num(v) for k, v in season.items()},
        "sdg": columns(sdg_profile(entries), "goal"),
        "sdg_shared": columns(sdg_profile(entries, shared_only=True), "goal"),
        "canvas": records(canvas_completeness(canvases, template_blocks)),
        "notes": records(shared_notes(canvases)),
        "rows": {"offers": records(offer_table.drop(columns=["price", "price_unit", "price_guests", "price_nights",
                                                              "currency"])),
                 "offer_months": records(offer_months(offer_table)),
                 "sdg": records(entries)},
    }
