"""What the strategy pass reads: the members as the cluster sees them, the packages, and the facilitator's settings.

:class:`StrategyInput` holds only what members share with the cluster. :func:`strategy_input`
builds it from the batch's per-member data (anything with ``organisation``, ``offers``,
``canvases``, ``sdg``, ``area`` and ``seasonality``, such as
:class:`klynge.batch.data.MemberData`) and drops every private note, SDG entry and package
again on the way in, so a hand-made input cannot carry one into a finding either.
:class:`StrategySettings` holds the thresholds the rules use, the target mix of kinds of
organisation and the economics figures a facilitator enters.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from .. import reference
from ..errors import NotFound
from ..model import CATEGORIES, CATEGORY_OF, Cluster, ClusterPlan, Note, Offer, Organisation, Package, SdgEntry
from ..model import DEFAULT_MIX as _MIX

__all__ = [
    "CATEGORIES",
    "CATEGORY_OF",
    "DEFAULT_MIX",
    "SHARED",
    "MemberInput",
    "PackageInput",
    "StrategyInput",
    "StrategySettings",
    "existing_ids",
    "member_input",
    "strategy_input",
]

#: The visibilities a finding may read.
SHARED = ("cluster", "public")
#: The default target mix: the least share of the members each category should have.
DEFAULT_MIX = MappingProxyType({k: float(v) for k, v in _MIX.items()})


@dataclass(frozen=True)
class MemberInput:
    """One member as the cluster sees it.

    ``notes`` are ``(template, note)`` pairs of non-empty notes shared with the cluster;
    ``sdg`` the confirmed SDG entries shared with it; ``low_months`` the low season of the
    member's area (the default one without an area).
    """

    organisation: Organisation
    offers: tuple[Offer, ...] = ()
    notes: tuple[tuple[str, Note], ...] = ()
    sdg: tuple[SdgEntry, ...] = ()
    area: str | None = None
    low_months: tuple[int, ...] = reference.DEFAULT_LOW_MONTHS

    @cached_property  # read for every member in every rule's loops; the input is not changed once made
    def id(self) -> int:
        return self.organisation.id

    @property
    def name(self) -> str:
        return self.organisation.name

    def notes_in(self, block: str, template: str = "business_model") -> list[Note]:
        return [n for tpl, n in self.notes if tpl == template and n.block == block]


@dataclass(frozen=True)
class PackageInput:
    """A package shared with the cluster; ``id`` is ``<owner id>/<name>``."""

    owner: int
    name: str
    package: Package

    @property
    def id(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class StrategySettings:
    """The thresholds of the rules, the target mix and the economics figures.

    Every threshold is an assumption of the findings it shapes; the findings say whether
    their claims hold when it moves (:data:`STEPS` in :mod:`klynge.strategy.rules`).
    """

    #: Low season: the share of an area's members with offers that have nothing open in a low month.
    idle_share: float = 0.5
    #: Low season: members an area needs before its gaps are a finding.
    min_area_members: int = 2
    #: Value chains: members that must name the same customer segment.
    min_chain_members: int = 3
    #: SDG: members doing good on a goal before it is a strength of the cluster.
    min_good_members: int = 2
    #: SDG: harm (impact times relevance) over good on a goal at which the harm undoes the good.
    undo_ratio: float = 0.5
    #: Sub-clusters: members a theme needs to stand alone.
    min_theme_members: int = 5
    #: Mobilisation: the least share of members of each category.
    target_mix: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    #: Mobilisation: how far under its target share a category may be before it counts as missing.
    mix_tolerance: float = 0.0
    #: Economics: the yearly fee per member organisation, NOK.
    fee: float | None = 9900.0
    #: Economics: in-kind hours each member gives a year, and what an hour is worth (NOK).
    hours: float | None = None
    rate: float | None = None
    #: Economics: what a cluster manager costs a year (NOK; salary, overheads, travel).
    manager_cost: float | None = None

    @classmethod
    def from_plan(cls, plan: ClusterPlan, **thresholds) -> StrategySettings:
        """The settings with the target mix and economics figures a facilitator set (``plan``)."""
        def number(value):
            return None if value is None else float(value)

        return cls(target_mix={k: float(v) for k, v in plan.target_mix.items()}, fee=number(plan.fee),
                   hours=number(plan.hours), rate=number(plan.rate), manager_cost=number(plan.manager_cost),
                   **thresholds)

    def __post_init__(self):
        unknown = set(self.target_mix) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"the target mix names {', '.join(sorted(unknown))}; categories are "
                             f"{', '.join(CATEGORIES)}")
        if any(not 0 <= v <= 1 for v in self.target_mix.values()) or sum(self.target_mix.values()) > 1 + 1e-9:
            raise ValueError("a target mix holds shares from 0 to 1 that sum to at most 1")
        for name in ("fee", "hours", "rate", "manager_cost"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative, got {value}")


@dataclass(frozen=True)
class StrategyInput:
    """The cluster as the strategy pass reads it: members by id order, packages by id order."""

    cluster: Cluster
    members: tuple[MemberInput, ...]
    packages: tuple[PackageInput, ...] = ()
    #: What rules derive from the input once (indexes, word counts), by key: the input is frozen,
    #: so they stay valid, and a rule's reruns with moved thresholds reuse them.
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Hashable, make: Callable[[StrategyInput], Any]) -> Any:
        """``make(self)``, worked out on the first call with ``key`` and kept for the next ones."""
        if key not in self._derived:
            self._derived[key] = make(self)
        return self._derived[key]

    def member(self, organisation_id: int) -> MemberInput:
        for m in self.members:
            if m.id == organisation_id:
                return m
        raise NotFound(f"no member with id {organisation_id}; members are "
                       f"{', '.join(str(m.id) for m in self.members)}")


def _low_months(area: str | None) -> tuple[int, ...]:
    try:
        return tuple(reference.low_months(area))
    except NotFound:
        return reference.DEFAULT_LOW_MONTHS


def member_input(organisation: Organisation, offers: Iterable[Offer] = (), canvases: Mapping[str, Any] | None = None,
                 sdg: Any = None, area: str | None = None) -> MemberInput:
    """One member from its domain models; private and empty notes and private or unconfirmed SDG entries left out."""
    notes = tuple((template, n) for template in sorted(canvases or {}) for n in canvases[template].notes
                  if n.visibility in SHARED and n.text.strip())
    entries = tuple(e for e in (sdg.entries if sdg is not None else ()) if e.visibility in SHARED and e.confirmed)
    return MemberInput(organisation, tuple(sorted(offers, key=lambda o: o.id or 0)), notes, entries, area,
                       _low_months(area))


def strategy_input(cluster: Cluster, members: Mapping[int, Any] | Iterable[Any],
                   packages: Iterable[tuple[int, str, Package]] = ()) -> StrategyInput:
    """The strategy's input from the batch's data.

    Parameters
    ----------
    cluster
        The cluster (its sub-clusters name the themes).
    members
        Per member, an object with ``organisation``, ``offers``, ``canvases`` (template id to
        :class:`~klynge.model.CanvasDocument`), ``sdg`` (an assessment or None) and ``area``.
    packages
        ``(owner id, name, package)`` of the cluster's packages; only those shared with the
        cluster and whose suppliers are all members are kept.
    """
    items = members.values() if isinstance(members, Mapping) else members
    made = sorted((member_input(m.organisation, m.offers, m.canvases, m.sdg, m.area) for m in items),
                  key=lambda m: m.id)
    ids = {m.id for m in made}
    kept = sorted((PackageInput(owner, name, p) for owner, name, p in packages
                   if p.visibility in SHARED and owner in ids and set(p.suppliers()) <= ids), key=lambda p: p.id)
    return StrategyInput(cluster, tuple(made), tuple(kept))


def existing_ids(data: StrategyInput) -> set[str]:
    """The keys of every member, offer, shared note and package in ``data`` (what evidence rows refer to)."""
    found = {f"member:{m.id}" for m in data.members}
    found |= {f"offer:{o.id}" for m in data.members for o in m.offers}
    found |= {f"note:{m.id}/{template}/{n.id}" for m in data.members for template, n in m.notes}
    found |= {f"package:{p.id}" for p in data.packages}
    return found
