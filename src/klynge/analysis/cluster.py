"""The cluster's first picture, from every member's figures (:func:`member.member_figures`).

Pure functions over the members' analyses (plain dicts, as read from their JSON) and
DataFrames: who the members are (by kind, place and sub-cluster); capacity and open offers by
month against the areas' seasonality, with the low-season gaps; the SDG heat map and where
members do good and harm; and the customer segments, value propositions and key partners
that several members name. Only what members share with the cluster is used (no private
notes or SDG entries). Each figure comes with the rows it was computed from. Capacity is added
up unit by unit (beds, seats, guests a day), never across units: a hotel's beds and a
restaurant's seats stay two numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..stopwords import stop_words
from .member import GOALS, MONTHS, SHARED_BLOCKS, UNITS, _num, capacity_column, columns, records

__all__ = [
    "cluster_picture",
    "common_terms",
    "counts",
    "gap_column",
    "good_and_harm",
    "labels",
    "low_season_gaps",
    "members_table",
    "monthly",
    "notes_table",
    "sdg_matrix",
    "share_column",
    "units_in",
]

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def members_table(analyses: Sequence[Mapping]) -> pd.DataFrame:
    """One row per member: id, name, kind, sector, country, municipality, area, sub-clusters."""
    rows = [{**{k: a["member"].get(k) for k in ("id", "name", "kind", "sector", "country", "municipality",
                                                 "area")},
             "subclusters": tuple(a["member"].get("subclusters", ()))} for a in analyses]
    table = pd.DataFrame(rows, columns=["id", "name", "kind", "sector", "country", "municipality", "area",
                                        "subclusters"])
    return table.sort_values("id", kind="stable").reset_index(drop=True)


def counts(members: pd.DataFrame, column: str, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Members per value of ``column`` (a list column such as ``subclusters`` counts each value).

    Sorted by count, then value; ``labels`` renames values (e.g. sub-cluster slugs to names).
    """
    values = members[["id", column]].explode(column) if column == "subclusters" else members[["id", column]]
    values = values.assign(**{column: values[column].fillna("-")})
    table = values.groupby(column).agg(members=("id", "nunique")).reset_index()
    table = table.rename(columns={column: "value"})
    if labels:
        table["value"] = table["value"].map(lambda v: labels.get(v, v))
    return table.sort_values(["members", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def share_column(unit: str) -> str:
    """The column of :func:`monthly` with the month's share of the year's capacity in ``unit``."""
    return f"share_{unit}"


def gap_column(unit: str) -> str:
    """The column of :func:`monthly` with the share of ``unit`` minus demand."""
    return f"gap_{unit}"


def units_in(table: pd.DataFrame) -> list[str]:
    """The capacity units some member has capacity in, in :data:`~klynge.analysis.member.UNITS` order."""
    return [u for u in UNITS if table[capacity_column(u)].sum() > 0]


def monthly(analyses: Sequence[Mapping]) -> pd.DataFrame:
    """The cluster's open offers and capacity by month against its areas' seasonality.

    ``demand`` mixes the seasonality of the members' areas, each area weighted by its number
    of members (an even year for members without data). Capacity is summed per unit only
    (``capacity_beds``, ``capacity_seats``, ``capacity_guests``); ``share_<unit>`` is the
    month's share of the year's capacity in that unit, and ``gap_<unit>`` that share minus
    demand: above 0 in a low month, the cluster can take more guests than usually come.
    """
    offers = np.zeros(12)
    capacity = {u: np.zeros(12) for u in UNITS}
    demand = np.zeros(12)
    for a in analyses:
        m = a["monthly"]
        offers += np.array(m["open_offers"], dtype=float)
        for u in UNITS:
            capacity[u] += np.array(m[capacity_column(u)], dtype=float)
        demand += np.array(m["area_share"] if m["area_share"] is not None else [1 / 12] * 12, dtype=float)
    demand = demand / len(analyses) if analyses else np.full(12, 1 / 12)
    data: dict[str, np.ndarray] = {"open_offers": offers.astype(int)}
    data.update({capacity_column(u): capacity[u].astype(int) for u in UNITS})
    data["demand"] = demand
    shares = {u: capacity[u] / capacity[u].sum() if capacity[u].sum() else np.zeros(12) for u in UNITS}
    data.update({share_column(u): shares[u] for u in UNITS})
    data.update({gap_column(u): shares[u] - demand for u in UNITS})
    data["low"] = demand < 1 / 12
    return pd.DataFrame(data, index=pd.Index(MONTHS, name="month"))


def low_season_gaps(table: pd.DataFrame, analyses: Sequence[Mapping]) -> pd.DataFrame:
    """The low months with open offers, capacity, share and gap per unit the cluster has, demand,
    and members with nothing open."""
    idle = {m: [a["member"]["name"] for a in analyses if a["monthly"]["open_offers"][m - 1] == 0
                and any(a["monthly"]["open_offers"])] for m in MONTHS}
    absent = [f(u) for u in UNITS if u not in units_in(table) for f in (capacity_column, share_column, gap_column)]
    low = table[table["low"]].drop(columns=absent)
    low["idle_members"] = [len(idle[m]) for m in low.index]
    low["idle_names"] = [", ".join(sorted(idle[m])) for m in low.index]
    return low.drop(columns=["low"])


def labels(analyses: Sequence[Mapping]) -> list[str]:
    """Members' names, with the id added where two members share a name."""
    names = [a["member"]["name"] for a in analyses]
    return [f"{n} ({a['member']['id']})" if names.count(n) > 1 else n for n, a in zip(names, analyses)]


def sdg_matrix(analyses: Sequence[Mapping]) -> pd.DataFrame:
    """Member (rows, by name) by goal (columns 1 to 17): the shared SDG score."""
    data = {label: a["sdg_shared"]["score"] for label, a in zip(labels(analyses), analyses)}
    frame = pd.DataFrame.from_dict(data, orient="index", columns=list(GOALS)) if data else \
        pd.DataFrame(columns=list(GOALS), dtype=int)
    frame.index.name = "member"
    return frame.astype(int)


def good_and_harm(analyses: Sequence[Mapping]) -> pd.DataFrame:
    """Per goal: members with targets of good impact, of harmful impact, and their names."""
    rows = []
    for goal in GOALS:
        good = sorted(a["member"]["name"] for a in analyses if a["sdg_shared"]["positive"][goal - 1] > 0)
        harm = sorted(a["member"]["name"] for a in analyses if a["sdg_shared"]["negative"][goal - 1] > 0)
        rows.append({"goal": goal, "good": len(good), "harm": len(harm), "good_names": ", ".join(good),
                     "harm_names": ", ".join(harm)})
    return pd.DataFrame(rows, columns=["goal", "good", "harm", "good_names", "harm_names"])


def notes_table(analyses: Sequence[Mapping]) -> pd.DataFrame:
    """Every shared note of the compared blocks, with the member it belongs to."""
    rows = [{"member": a["member"]["name"], "member_id": a["member"]["id"], "block": n["block"], "text": n["text"]}
            for a in analyses for n in a["notes"] if n["block"] in SHARED_BLOCKS]
    return pd.DataFrame(rows, columns=["member", "member_id", "block", "text"])


def common_terms(notes: pd.DataFrame, block: str, min_members: int = 2,
                 stop: frozenset[str] | None = None) -> pd.DataFrame:
    """Words that at least ``min_members`` members use in ``block``, most widely used first.

    Words are compared in lower case, from three letters, without ``stop``: by default the
    stop words of bokmål, Swedish and English (:func:`klynge.stopwords.stop_words`), since
    members write in any of them. ``ids`` lists the members' ids, ``names`` their names.
    """
    stop = stop_words() if stop is None else stop
    part = notes[notes["block"] == block]
    triples = {(w, int(row.member_id), row.member) for row in part.itertuples()
               for w in _WORD.findall(row.text.lower()) if w not in stop}
    frame = pd.DataFrame(sorted(triples), columns=["term", "member_id", "member"])
    groups = frame.groupby("term")
    table = pd.DataFrame({"members": groups["member_id"].nunique(),
                          "names": groups["member"].agg(lambda s: ", ".join(sorted(set(s)))),
                          "ids": groups["member_id"].agg(lambda s: tuple(sorted(set(s))))},
                         columns=["members", "names", "ids"])
    table = table[table["members"] >= min_members].rename_axis("term").reset_index()
    return table.sort_values(["members", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cluster_picture(cluster_name: str, subclusters: Mapping[str, str], analyses: Sequence[Mapping]) -> dict:
    """The whole picture as JSON values; every figure with its ``rows``.

    Parameters
    ----------
    cluster_name
        The cluster's name.
    subclusters
        Sub-cluster slug to name.
    analyses
        Every included member's figures.
    """
    analyses = sorted(analyses, key=lambda a: a["member"]["id"])
    members = members_table(analyses)
    month_table = monthly(analyses)
    notes = notes_table(analyses)
    matrix = sdg_matrix(analyses)
    member_rows = records(members.assign(subclusters=members["subclusters"].map(list)))
    offer_rows = [{"member": a["member"]["name"], **r} for a in analyses for r in a["rows"]["offers"]]
    sdg_rows = [{"member": a["member"]["name"], **r} for a in analyses for r in a["rows"]["sdg"]
                if r["visibility"] != "private" and r["confirmed"]]
    return {
        "cluster": {"name": cluster_name, "members": len(analyses), "subclusters": dict(sorted(subclusters.items()))},
        # The four counts share their rows: the member table, kept once.
        "members": {
            "rows": member_rows,
            "by_kind": {"data": records(counts(members, "kind"))},
            "by_area": {"data": records(counts(members, "area"))},
            "by_municipality": {"data": records(counts(members, "municipality"))},
            "by_subcluster": {"data": records(counts(members, "subclusters", subclusters))},
        },
        "monthly": {"data": columns(month_table, "month"), "rows": offer_rows},
        "low_season_gaps": {"data": records(low_season_gaps(month_table, analyses).reset_index()),
                            "rows": offer_rows},
        "sdg_heatmap": {"members": list(matrix.index), "ids": [a["member"]["id"] for a in analyses],
                        "goals": list(GOALS), "scores": [[_num(v) for v in row] for row in matrix.to_numpy()],
                        "rows": sdg_rows},
        "good_and_harm": {"data": records(good_and_harm(analyses)), "rows": sdg_rows},
        "common": {block: {"data": records(common_terms(notes, block)),
                           "rows": records(notes[notes["block"] == block].drop(columns=["block"]))}
                   for block in SHARED_BLOCKS},
        "positions": [{"id": a["member"]["id"], "name": a["member"]["name"],
                       "low_share": a["low_season"]["member_share"], "area_share": a["low_season"]["area_share"],
                       **{capacity_column(u): int(sum(a["monthly"][capacity_column(u)])) for u in UNITS},
                       "sdg_score": int(sum(a["sdg_shared"]["score"]))} for a in analyses],
    }
