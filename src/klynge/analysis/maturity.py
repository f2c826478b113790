"""The members' figures a maturity snapshot keeps: offers, low-season share, SDG actions.

A snapshot of the self-assessment (:class:`klynge.model.MaturitySnapshot`) keeps, beside the
round's scores, three figures per member, so the next round's report can say whose figures
moved. They are counted here, from the member's data as the batch reads it (what the member
shares with the cluster), with no I/O:

- ``offers``: the member's offers.
- ``low_season_share``: the share of the member's capacity that lies in its area's low months
  (:func:`klynge.analysis.member.low_season`'s ``member_share``); None without offers.
- ``sdg_actions``: the member's SDG entries that are confirmed, shared with the cluster and
  say what the member does: a planned action in words, or a positive impact. A harmful impact
  alone is not an action (a member who records a new harm would otherwise look as if it did
  more), nor is a suggestion the member has not confirmed, nor a private entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import reference
from ..model import MemberFigures, SdgAssessment
from .member import by_month, low_season, offers_frame

__all__ = ["SHARED", "sdg_actions", "snapshot_figures"]

#: The visibilities that count: shared with the cluster, or public.
SHARED = ("cluster", "public")


def sdg_actions(sdg: SdgAssessment | None) -> int:
    """How many of the entries in ``sdg`` are confirmed, shared, and name an action or a positive impact."""
    if sdg is None:
        return 0
    return sum(1 for e in sdg.entries
               if e.confirmed and e.visibility in SHARED and (e.action.strip() or e.impact > 0))


def snapshot_figures(members: Iterable[Any], low_months: Callable[[str | None], Sequence[int]] | None = None
                     ) -> dict[str, MemberFigures]:
    """Every member's figures for a snapshot, by name (``"name (id)"`` for a second member of the same name).

    Parameters
    ----------
    members
        The members' data as the batch reads it (:class:`klynge.batch.data.MemberData`: an
        ``organisation``, its ``offers``, its ``sdg`` assessment, its seasonality ``area`` and
        ``seasonality``), private entries already left out.
    low_months
        The low-season months of an area (default :func:`klynge.reference.low_months`).

    Members are taken by name (then id), so the same members give the same keys in every round.
    """
    low_months = low_months or reference.low_months
    out: dict[str, MemberFigures] = {}
    for m in sorted(members, key=lambda m: (m.organisation.name.casefold(), m.organisation.id)):
        share = None
        if m.offers:
            share = low_season(by_month(offers_frame(m.offers)), m.seasonality, low_months(m.area))["member_share"]
        name = m.organisation.name
        key = name if name not in out else f"{name} ({m.organisation.id})"
        out[key] = MemberFigures(offers=len(m.offers), low_season_share=share, sdg_actions=sdg_actions(m.sdg))
    return out
