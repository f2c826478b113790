"""Strategy fixtures: the demo as the strategy pass reads it, and small clusters built by hand.

:func:`build` makes a :class:`StrategyInput` from short member descriptions, so each test states
the few facts its finding rests on.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from klynge.demo import read_demo
from klynge.model import (
    CanvasDocument,
    Cluster,
    Money,
    Note,
    Offer,
    Organisation,
    Package,
    PackageComponent,
    SdgAssessment,
    SdgEntry,
    SubCluster,
)
from klynge.strategy import StrategyInput, strategy_input

from ..factories import fictional_orgnr

#: Municipalities by seasonality area: Oppdal (5021) and Trondheim (5001).
PLACES = {"oppdal": "5021", "trondheim": "5001", "are": "2321"}


class _Member:
    def __init__(self, organisation, offers, canvases, sdg, area):
        self.organisation, self.offers, self.canvases, self.sdg, self.area = organisation, offers, canvases, sdg, area


def org(i: int, name: str | None = None, *, kind="company", sector="activity", place="oppdal", subclusters=(),
        phase="idea") -> Organisation:
    country = "SE" if place == "are" else "NO"
    series = {"start": 93_000_000, "step": 7} if country == "NO" else {"start": 556_000_000, "step": 11}
    return Organisation(id=i, name=name or f"Member {i}", kind=kind, sector=sector, country=country,
                        orgnr=fictional_orgnr(country, i, **series), municipality=PLACES[place],
                        subclusters=list(subclusters), phase=phase)


def offer(i: int, member: int, kind="activity", months=(6, 7, 8), capacity=10, place="oppdal") -> Offer:
    currency = "SEK" if place == "are" else "NOK"
    return Offer(id=i, organisation_id=member, title=f"Offer {i}", kind=kind, municipality=PLACES[place],
                 months=list(months), capacity_per_day=capacity, price=Money(amount=Decimal(500), currency=currency))


def notes(*items: tuple) -> dict[str, CanvasDocument]:
    """A business model canvas of ``(id, block, text[, visibility])`` notes."""
    made = [Note(id=n[0], block=n[1], text=n[2], visibility=n[3] if len(n) > 3 else "cluster") for n in items]
    return {"business_model": CanvasDocument(template="business_model", notes=made)}


def sdg(*entries: tuple) -> SdgAssessment:
    """An assessment of ``(target, relevance, impact[, visibility])`` entries."""
    return SdgAssessment(entries=[SdgEntry(target=e[0], relevance=e[1], impact=e[2],
                                           visibility=e[3] if len(e) > 3 else "cluster") for e in entries])


def member(organisation, offers=(), canvases=None, assessment=None, area="oppdal"):
    return _Member(organisation, list(offers), canvases or {}, assessment, area)


def package(title: str, parts: list[tuple[int, int]], months=(10,), visibility="cluster") -> Package:
    return Package(title=title, components=[PackageComponent(offer_id=o, organisation_id=m) for o, m in parts],
                   months=list(months), status="ready", visibility=visibility)


def build(members, packages=(), subclusters=("food", "winter")) -> StrategyInput:
    cluster = Cluster(id=1, name="Test", subclusters=[SubCluster(slug=s, name=s.title()) for s in subclusters])
    return strategy_input(cluster, members, packages)


def demo_input() -> StrategyInput:
    """The demo cluster with ids as :func:`klynge.demo.load_demo` gives them (organisations, offers in file order)."""
    demo = read_demo()
    org_ids = {slug: i for i, slug in enumerate(demo.organisations, start=1)}
    offer_ids = {ref: i for i, (ref, _) in enumerate(demo.offers(), start=1)}
    members = []
    for slug, f in demo.organisations.items():
        oid = org_ids[slug]
        offers = [Offer(**o.model_dump(exclude={"slug", "id", "organisation_id"}), id=offer_ids[f"{slug}/{o.slug}"],
                        organisation_id=oid) for o in f.offers]
        canvases = {t: f.canvas(t) for t in f.canvases}
        area = _area(f.organisation.municipality)
        members.append(_Member(f.organisation.model_copy(update={"id": oid}), offers, canvases,
                               SdgAssessment(entries=f.sdg) if f.sdg else None, area))
    packages = [(org_ids[p.owner], p.slug, p.package(offer_ids, org_ids)) for p in demo.packages]
    return strategy_input(demo.cluster, members, packages)


def _area(code: str) -> str | None:
    from klynge import reference
    from klynge.errors import NotFound

    try:
        return reference.area_of(code)
    except NotFound:
        return None


@pytest.fixture(scope="session")
def demo_data() -> StrategyInput:
    return demo_input()
