"""k-anonymity for the research tables: every published combination of place, kind and size has k members.

The place of an organisation is generalised step by step (:data:`LEVELS`): its municipality,
else its area (the seasonality area the municipality belongs to), else its country. An
organisation whose combination of place, kind and size has fewer than ``k`` members at every
level is *suppressed*: its place, kind and size are left blank, and it is kept only while the
suppressed organisations together are ``k`` or more; otherwise it is *withheld* (left out of
every table). Each level takes the organisations that passed at no finer level, so the
published cells are disjoint and each holds at least ``k`` organisations.

Pure functions over DataFrames: no I/O.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["LEVELS", "QUASI_IDENTIFIERS", "band", "generalise", "suppress_small"]

#: The places an organisation is published at, finest first.
LEVELS = ("municipality", "area", "country")
#: The columns whose combination must be shared by ``k`` organisations.
QUASI_IDENTIFIERS = ("place", "kind", "size")


def generalise(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """The organisations with their place generalised until each cell has ``k`` members.

    Parameters
    ----------
    frame
        One row per organisation with ``organisation``, ``municipality``, ``area``, ``country``,
        ``kind`` and ``size``.
    k
        The least number of organisations in a published cell (1 or more).

    Returns
    -------
    DataFrame
        ``frame`` with ``place_level`` (``municipality``, ``area``, ``country``, ``suppressed``
        or ``withheld``); the columns finer than the level are blanked (``""``), and for
        ``suppressed`` and ``withheld`` rows ``kind``, ``size`` and every place column too.
    """
    if k < 1:
        raise ValueError(f"k must be 1 or more, got {k}")
    out = frame.copy()
    out["place_level"] = ""
    for level in LEVELS:
        open_ = out["place_level"] == ""
        keys = [level, "kind", "size"]
        sizes = out[open_].groupby(keys, dropna=False)["organisation"].transform("size")
        passed = sizes[(sizes >= k) & (out.loc[sizes.index, level].fillna("") != "")].index
        out.loc[passed, "place_level"] = level
    rest = out["place_level"] == ""
    out.loc[rest, "place_level"] = "suppressed" if rest.sum() >= k else "withheld"
    finer = {"municipality": [], "area": ["municipality"], "country": ["municipality", "area"]}
    for level, columns in finer.items():
        out.loc[out["place_level"] == level, columns] = ""
    hidden = out["place_level"].isin(["suppressed", "withheld"])
    out.loc[hidden, ["municipality", "area", "country", "kind", "size"]] = ""
    return out


def band(value: float | None, edges: tuple[float, ...]) -> str:
    """The band of ``value`` among ``edges`` (lower bounds, ascending): ``"10-19"``, or ``"100+"`` for the last."""
    if value is None or pd.isna(value):
        return ""
    label = ""
    for i, low in enumerate(edges):
        if value >= low:
            label = f"{low:g}+" if i == len(edges) - 1 else f"{low:g}-{edges[i + 1] - 1:g}"
    return label or f"<{edges[0]:g}"


def suppress_small(counts: pd.DataFrame, column: str, k: int) -> pd.DataFrame:
    """``counts`` with every count in ``column`` between 1 and ``k - 1`` blanked; ``suppressed`` says where.

    A count of 0 names no one and stays. The other count columns of a suppressed row are blanked too.
    """
    out = counts.copy()
    small = (out[column] > 0) & (out[column] < k)
    numbers = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c != "month"]
    out[numbers] = out[numbers].astype("Int64")
    out.loc[small, numbers] = pd.NA
    out["suppressed"] = small
    return out
