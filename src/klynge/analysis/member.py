"""One member's figures: offers and capacity by month, the low season, SDG profile, canvases.

Pure functions over domain models and DataFrames: no I/O, no widgets, no clock. Every
figure comes with the rows it was computed from, and :func:`member_figures` returns plain
JSON values with floats rounded to 6 decimals, so the same data gives byte-identical JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..model import CanvasDocument, Offer, Organisation, SdgAssessment

__all__ = [
    "DAYS",
    "MONTHS",
    "SHARED_BLOCKS",
    "by_month",
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

_OFFER_COLUMNS = ["offer_id", "title", "kind", "municipality", "months", "capacity_per_day", "price",
                  "currency", "trend"]


def offers_frame(offers: Iterable[Offer]) -> pd.DataFrame:
    """One row per offer; ``months`` is a tuple of month numbers."""
    rows = [{"offer_id": o.id, "title": o.title, "kind": o.kind, "municipality": o.municipality,
             "months": tuple(o.months), "capacity_per_day": int(o.capacity_per_day),
             "price": float(o.price.amount), "currency": o.price.currency, "trend": o.trend} for o in offers]
    return pd.DataFrame(rows, columns=_OFFER_COLUMNS)


def offer_months(offers: pd.DataFrame) -> pd.DataFrame:
    """One row per offer and month it is open, with its capacity per day and per month."""
    counts = offers["months"].map(len).to_numpy(dtype=int) if len(offers) else np.zeros(0, dtype=int)
    months = np.concatenate([np.asarray(m, dtype=int) for m in offers["months"]]) if counts.sum() else \
        np.zeros(0, dtype=int)
    per_day = np.repeat(offers["capacity_per_day"].to_numpy(dtype=int), counts)
    return pd.DataFrame({"offer_id": np.repeat(offers["offer_id"].to_numpy(), counts), "month": months,
                         "capacity_per_day": per_day, "capacity": per_day * np.asarray(DAYS)[months - 1]})


def by_month(offers: pd.DataFrame) -> pd.DataFrame:
    """Open offers, capacity per day and capacity per month (guest-days) for months 1 to 12."""
    long = offer_months(offers)
    month = long["month"].to_numpy(dtype=int)

    def total(weights=None):
        return np.bincount(month, weights=weights, minlength=13)[1:].astype(int)

    # An offer's months are a set, so counting rows per month counts offers.
    return pd.DataFrame({"open_offers": total(), "capacity_per_day": total(long["capacity_per_day"].to_numpy()),
                         "capacity": total(long["capacity"].to_numpy())}, index=pd.Index(MONTHS, name="month"))


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
        ``member_share`` (capacity in low months over all capacity; 0 without capacity),
        ``area_share`` (guest nights in low months over the year), ``gap`` (their
        difference: above 0, the member offers more in the low season than guests come),
        and ``idle_months`` (low months without any open offer).
    """
    low = sorted(set(low))
    capacity = monthly["capacity"].to_numpy(dtype=float)
    total = capacity.sum()
    mask = np.isin(np.array(MONTHS), low)
    member_share = float(capacity[mask].sum() / total) if total else 0.0
    shares = np.array(seasonality if seasonality is not None else [1 / 12] * 12, dtype=float)
    area_share = float(shares[mask].sum())
    idle = [int(m) for m in low if monthly.loc[m, "open_offers"] == 0]
    return {"months": [int(m) for m in low], "member_share": member_share, "area_share": area_share,
            "gap": member_share - area_share, "idle_months": idle}


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
        "low_season": {k: _num(v) if not isinstance(v, list) else v for k, v in season.items()},
        "sdg": columns(sdg_profile(entries), "goal"),
        "sdg_shared": columns(sdg_profile(entries, shared_only=True), "goal"),
        "canvas": records(canvas_completeness(canvases, template_blocks)),
        "notes": records(shared_notes(canvases)),
        "rows": {"offers": records(offer_table.drop(columns=["price", "currency"])),
                 "offer_months": records(offer_months(offer_table)),
                 "sdg": records(entries)},
    }
