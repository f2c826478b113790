"""What the batch reads from the store: one member's data, or every member's at once.

The batch reads only what a member shares with the cluster: every output it makes (member
reports, the cluster's picture, the executed notebooks) reaches the cluster's facilitators,
so a private note or SDG entry never enters :class:`MemberData`.

Both ways give the same :class:`MemberData` for the same rows, so the fingerprint the runner
computes before a run (from one bulk read) equals the one the notebook prints on its output
(from its own read of that member).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import NotFound
from ..model import CanvasDocument, Cluster, Offer, Organisation, SdgAssessment
from ..store import Identity, Store

__all__ = ["SHARED", "MemberData", "batch_identity", "canvas_templates", "load_cluster", "load_member",
           "load_members"]

#: The visibilities of the notes and SDG entries the batch reads.
SHARED = ("cluster", "public")


@dataclass(frozen=True)
class MemberData:
    """One member's profile, offers, canvases and SDG assessment, as the batch sees them.

    Only notes and SDG entries shared with the cluster (:data:`SHARED`) are kept.
    ``canvases`` holds the canvases of the known templates that have such notes, by template
    id; ``sdg`` is None when the member shares no assessed target. ``area`` and
    ``seasonality`` are the member's seasonality area and its twelve monthly shares (None
    where the municipality has no reference data).
    """

    organisation: Organisation
    offers: tuple[Offer, ...] = ()
    canvases: dict[str, CanvasDocument] = field(default_factory=dict)
    sdg: SdgAssessment | None = None
    area: str | None = None
    seasonality: tuple[float, ...] | None = None

    @property
    def id(self) -> int:
        return self.organisation.id

    def canonical(self) -> dict:
        """The data as plain JSON values, without versions or times: what the fingerprint hashes."""
        return {
            "organisation": self.organisation.model_dump(mode="json"),
            "offers": [o.model_dump(mode="json") for o in self.offers],
            "canvases": {k: self.canvases[k].model_dump(mode="json") for k in sorted(self.canvases)},
            "sdg": self.sdg.model_dump(mode="json") if self.sdg else None,
            "area": self.area,
            "seasonality": list(self.seasonality) if self.seasonality else None,
        }


def batch_identity(store: Store) -> Identity:
    """The identity the batch reads with: the system, scoped to the database's (first) cluster."""
    cluster = store.cluster(Identity.system())
    return Identity(person_id=None, role="system", cluster_id=cluster.id, name="batch")


def canvas_templates() -> tuple[str, ...]:
    """Ids of the canvas templates whose documents the batch reads."""
    from ..canvases import default_registry

    return tuple(t.id for t in default_registry().canvases())


def _area(municipality: str) -> tuple[str | None, tuple[float, ...] | None]:
    from .. import reference

    try:
        area = reference.area_of(municipality)
        return area, tuple(reference.seasonality(area))
    except NotFound:
        return None, None


def _shared(items) -> list:
    # Named visibilities, not "anything but private": an item without a known one stays out.
    return [i for i in items if i.visibility in SHARED]


def _member(org: Organisation, offers, canvases: dict, sdg: SdgAssessment | None) -> MemberData:
    area, shares = _area(org.municipality)
    offers = tuple(sorted(offers, key=lambda o: o.id or 0))
    canvases = {k: v.model_copy(update={"notes": _shared(v.notes)}) for k, v in sorted(canvases.items())}
    canvases = {k: v for k, v in canvases.items() if v.notes}
    sdg = sdg.model_copy(update={"entries": _shared(sdg.entries)}) if sdg else None
    return MemberData(org, offers, canvases, sdg if sdg and sdg.entries else None, area, shares)


def load_member(store: Store, who: Identity, organisation_id: int) -> MemberData:
    """One member's data, without its private notes and entries.

    Raises
    ------
    NotFound
        When there is no organisation with that id.
    """
    org = store.organisation(who, organisation_id).value
    offers = [v.value for v in store.offers(who, organisation_id)]
    canvases = {t: store.canvas(who, organisation_id, t)[0] for t in canvas_templates()}
    sdg = store.sdg(who, organisation_id)[0]
    return _member(org, offers, canvases, sdg)


def load_members(store: Store, who: Identity, ids: list[int] | None = None) -> dict[int, MemberData]:
    """Every member's data (or those in ``ids``) in four reads, by organisation id; nothing private.

    Raises
    ------
    NotFound
        When an id in ``ids`` is not an organisation of the cluster.
    """
    orgs = {o.id: o for o in store.organisations(who)}
    if ids is not None:
        missing = sorted(set(ids) - orgs.keys())
        if missing:
            raise NotFound(f"no member organisation with id {', '.join(map(str, missing))} in this cluster; "
                           f"ids are {', '.join(map(str, sorted(orgs)))}")
        orgs = {i: orgs[i] for i in ids}
    offers: dict[int, list[Offer]] = defaultdict(list)
    for v in store.offers(who):
        if v.value.organisation_id in orgs:
            offers[v.value.organisation_id].append(v.value)
    templates = set(canvas_templates())
    canvases: dict[int, dict[str, CanvasDocument]] = defaultdict(dict)
    for rev in store.current_documents(who, "canvas"):
        if rev.organisation_id in orgs and rev.document in templates:
            canvases[rev.organisation_id][rev.document] = CanvasDocument.from_items(rev.document, rev.items)
    sdg = {rev.organisation_id: SdgAssessment.from_items(rev.items)
           for rev in store.current_documents(who, "sdg") if rev.organisation_id in orgs}
    return {i: _member(o, offers[i], canvases[i], sdg.get(i)) for i, o in sorted(orgs.items())}


def load_cluster(store: Store, who: Identity) -> Cluster:
    """The cluster the batch describes."""
    return store.cluster(who)
