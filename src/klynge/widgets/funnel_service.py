"""What the facilitator's "Mobilisation" page may do: read the funnel, draw it, and send a member a reminder.

The page is handed a :class:`FunnelService` and never sees the store. The data comes from the
store's :meth:`~klynge.store.funnel.FunnelMixin.funnel_data` with the caller's identity; the
counts, the tree, what is missing and whom to follow up from :mod:`klynge.analysis.funnel`
(pure); the pictures from :mod:`klynge.report.funnel`. A reminder goes through the invitation
service, :func:`klynge.invitations.follow_up`, which the command line uses too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from ..analysis import funnel as analysis
from ..store import FunnelData, Identity, Store

__all__ = ["FunnelService", "FunnelView", "read_funnel", "stopped_weeks"]


def stopped_weeks(store: Store, who: Identity) -> int:
    """The cluster's weeks without a change after which an active member counts as stopped."""
    return store.mobilisation_settings(who).stopped_weeks


@dataclass(frozen=True)
class FunnelView:
    """The funnel of a cluster at one moment, everything the page and the command line show."""

    data: FunnelData
    funnel: analysis.Funnel
    tree: nx.DiGraph
    summary: dict
    missing: analysis.Missing
    follow_up: dict[str, list[analysis.FollowUp]]
    stopped_weeks: int
    has_target_municipalities: bool
    at: datetime

    def as_json(self) -> dict:
        """The counts, what is missing and the follow-up list, as plain JSON values."""
        def row(r: analysis.FollowUp) -> dict:
            return {"person_id": r.person_id, "name": r.name, "organisation": r.organisation,
                    "since": r.since.isoformat(), "days": r.days, "reminders": r.reminders,
                    "delivery": r.delivery, "inviter": r.inviter}
        return {
            "at": self.at.isoformat(),
            "stages": {s.name: {"count": s.count, "share": round(s.share, 4)} for s in self.funnel.stages},
            "organisations": self.funnel.organisations, "active_organisations": self.funnel.active_organisations,
            "active_by_signal": self.funnel.by_signal,
            "tree": {k: v for k, v in self.summary.items() if k != "brought_most"}
            | {"brought_most": [{"name": n, "direct": d, "all": a} for n, d, a in self.summary["brought_most"]]},
            "missing": {"categories": [{k: (list(v) if isinstance(v, tuple) else v) for k, v in c.items()}
                                       for c in self.missing.categories],
                        "municipalities": [{"code": c, "name": n} for c, n in self.missing.municipalities]},
            "stopped_weeks": self.stopped_weeks,
            "follow_up": {g: [row(r) for r in rows] for g, rows in self.follow_up.items()},
        }


def read_funnel(store: Store, who: Identity, now: datetime | None = None) -> FunnelView:
    """Read the cluster's funnel for ``who`` (a facilitator) and compute everything shown of it.

    Raises
    ------
    AccessDenied
        The caller is not a facilitator of the cluster.
    """
    now = now or datetime.now(UTC)
    data = store.funnel_data(who)
    plan = store.cluster_plan(who).value
    weeks = stopped_weeks(store, who)
    tree = analysis.referral_tree(data.people, data.organisations)
    return FunnelView(data, analysis.funnel(data.people, data.organisations), tree, analysis.tree_summary(tree),
                      analysis.missing(data.organisations, plan.target_mix, plan.target_municipalities),
                      analysis.follow_up(data.people, data.organisations, now=now, stopped_weeks=weeks), weeks,
                      bool(plan.target_municipalities), now)


def _follow_up(settings, store: Store, who: Identity, person_id: int):
    from .. import invitations  # the sending service; imported when a reminder is sent

    return invitations.follow_up(settings, store, who, person_id)


class FunnelService:
    """The cluster's mobilisation funnel for a facilitator, and one-click reminders.

    Parameters
    ----------
    store
        The store; every read names ``who`` and the store checks the access rules.
    who
        The signed-in facilitator.
    settings
        Klynge's settings (the mail server a reminder is sent through).
    send
        What sends a reminder: ``send(settings, store, who, person_id)`` returning an outcome with
        ``invitation``, ``link`` and ``error``. :func:`klynge.invitations.follow_up` by default.
    """

    def __init__(self, store: Store, who: Identity, settings: Any = None,
                 send: Callable[..., Any] | None = None):
        self._store, self._who, self._settings = store, who, settings
        self._send = send or _follow_up

    def read(self) -> FunnelView:
        """The funnel as it is now."""
        return read_funnel(self._store, self._who)

    def funnel_png(self, view: FunnelView, lang: str) -> bytes:
        from ..report.funnel import funnel_png

        return funnel_png(view.funnel.stages, lang)

    def tree_png(self, view: FunnelView, lang: str) -> bytes:
        from ..report.funnel import tree_png

        return tree_png(view.tree, lang)

    def remind(self, person_id: int):
        """Send ``person_id`` a reminder (of the invitation, or that their work is waiting); the outcome."""
        return self._send(self._settings, self._store, self._who, person_id)
