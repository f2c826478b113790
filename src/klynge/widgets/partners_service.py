"""What the partner finder and the facilitator's network view may do: rank members from what they share.

The pages and the command line are handed a :class:`PartnersService` and never see the store.
Every member is read through the store with the caller's identity, and then only what the
member shares with the cluster is kept (:func:`klynge.batch.data.load_members`): a partner's
private notes and private SDG entries never reach the ranking, nor the profile a suggestion
opens. Travel minutes come from the offline estimate (:mod:`klynge.analysis.travel`), a block of
members to all at once, as the ranking asks for them; the scoring is
:mod:`klynge.analysis.partners`, pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .. import reference
from ..analysis import partners as scoring
from ..batch.data import MemberData, load_members
from ..errors import KlyngeError, NotFound
from ..i18n import t
from ..store import Identity, Store

__all__ = ["PARTS", "Member", "NetworkPicture", "PartnersService", "SharedProfile", "Suggestion", "part_label"]

PARTS = scoring.PARTS
#: What each part of the score is called where a person reads it.
PART_KEYS = {"complementarity": "partners.page.part.complementarity", "nearness": "partners.page.part.nearness",
             "low_season": "partners.page.part.low_season", "sdg": "partners.page.part.sdg",
             "phase": "partners.page.part.phase"}
COUNTRY_KEYS = {"NO": "partners.page.norway", "SE": "partners.page.sweden"}


@dataclass(frozen=True)
class Member:
    """Who a member is, as every member of the cluster may read it."""

    id: int
    name: str
    kind: str
    phase: str
    country: str
    place: str


@dataclass(frozen=True)
class Suggestion(Member):
    """One suggested partner: who, where, how far, its rank, the total and its parts (each 0 to 1)."""

    rank: int
    total: float
    parts: dict[str, float]
    minutes: float | None
    named: bool
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharedProfile(Member):
    """What a member shares with the cluster: the profile, the offers, shared notes and goals."""

    description: str
    needs: str
    website: str
    offers: tuple[tuple[str, str, tuple[int, ...]], ...]  # (title, kind, months)
    notes: tuple[tuple[str, str], ...]  # (block id, text) of the shared business model notes
    goals: tuple[int, ...]  # SDG goals of the shared, confirmed entries


@dataclass(frozen=True)
class NetworkPicture:
    """The facilitator's network: members by connections, the isolated, the links that close gaps."""

    members: list[dict] = field(default_factory=list)  # name, degree, component
    isolated: list[str] = field(default_factory=list)
    gaps: list[tuple[str, str, float]] = field(default_factory=list)
    components: int = 0
    png: bytes = b""


def _place(code: str) -> str:
    try:
        return reference.municipality(code).name
    except KlyngeError:
        return code


class PartnersService:
    """Partners ranked for one member (``organisation_id``), and the network for facilitators.

    Parameters
    ----------
    store
        The store; every read names ``who`` and the store checks the access rules.
    who
        The signed-in person (or the command line's system identity scoped to the cluster).
    organisation_id
        The member partners are ranked for; None for the facilitator's view.
    """

    def __init__(self, store: Store, who: Identity, organisation_id: int | None = None):
        self._store, self._who = store, who
        self.organisation_id = None if organisation_id is None else int(organisation_id)

    # -- what is read --------------------------------------------------------------------
    @cached_property
    def _members(self) -> dict[int, MemberData]:
        return load_members(self._store, self._who)  # shared notes and entries only

    @cached_property
    def _ordered(self) -> list[MemberData]:
        return list(self._members.values())

    @cached_property
    def features(self) -> scoring.PartnerFeatures:
        """The members as the ranking reads them (nothing private)."""
        data = self._ordered
        return scoring.partner_features([m.organisation for m in data], {m.id: m.offers for m in data},
                                        {m.id: m.canvases for m in data}, {m.id: m.sdg for m in data})

    @cached_property
    def _points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every member's (lat, lon) row, and which members have coordinates."""
        orgs = [m.organisation for m in self._ordered]
        located = np.array([o.lat is not None and o.lon is not None for o in orgs], dtype=bool)
        points = np.array([(o.lat, o.lon) if ok else (np.nan, np.nan) for o, ok in zip(orgs, located)],
                          dtype=float).reshape(-1, 2)
        return points, located

    def minutes(self, rows: np.ndarray) -> np.ndarray:
        """Driving minutes from the members at positions ``rows`` to every member; NaN without coordinates.

        Asked for by the ranking a block of rows at a time, so one member's ranking costs one
        row of the estimate, and a large cluster's full matrix is never held at once.
        """
        from ..analysis import travel

        points, located = self._points
        rows = np.asarray(rows, dtype=np.int64)
        out = np.full((len(rows), len(points)), np.nan, dtype=np.float32)
        mine, theirs = np.flatnonzero(located[rows]), np.flatnonzero(located)
        if len(mine) and len(theirs):
            found = travel.get("estimate").matrix(points[rows[mine]], points[theirs]).minutes
            out[np.ix_(mine, theirs)] = found
        return out
    def refresh(self) -> None:
        """Read the members again at the next question."""
        for name in ("_members", "_ordered", "features", "_points"):
            self.__dict__.pop(name, None)

    # -- the participant's ranking ---------------------------------------------------------
    def name(self) -> str:
        return self._member(self._own()).organisation.name

    def missing(self, lang: str, organisation_id: int | None = None) -> tuple[str, ...]:
        """What the ranking of (and for) this member had to do without, in sentences in ``lang``."""
        oid = self._own() if organisation_id is None else organisation_id
        table = scoring.missing(self.features, lang)
        row = table[table["member"] == oid]
        return tuple(row["texts"].iloc[0]) if len(row) else ()

    def choices(self) -> dict[str, tuple[str, ...]]:
        """The values the filters offer: kinds, phases and countries that other members have."""
        others = [m.organisation for m in self._ordered if m.id != self.organisation_id]
        from ..model.base import COUNTRIES, ORGANISATION_KINDS, PHASES

        return {"kinds": tuple(k for k in ORGANISATION_KINDS if any(o.kind == k for o in others)),
                "phases": tuple(p for p in PHASES if any(o.phase == p for o in others)),
                "countries": tuple(c for c in COUNTRIES if any(o.country == c for o in others))}

    def suggestions(self, *, kinds: Iterable[str] | None = None, phases: Iterable[str] | None = None,
                    countries: Iterable[str] | None = None, within_hour: bool = False, top: int | None = 10,
                    lang: str = "en") -> list[Suggestion]:
        """Every other member ranked for this member, best first, with the parts of the score.

        Raises
        ------
        KlyngeError
            A filter names a value no member can have, or ``top`` is below 1.
        """
        me = self._own()
        try:
            table = scoring.rank_partners(self.features, self.minutes, k=top, members=[me],
                                          kinds=_some(kinds), phases=_some(phases), countries=_some(countries),
                                          within_hour=within_hour)
        except ValueError as exc:
            raise KlyngeError(str(exc)) from None
        gaps = scoring.missing(self.features, lang).set_index("member")["missing"]
        out = []
        for row in table.itertuples(index=False):
            org = self._members[int(row.partner)].organisation
            minutes = None if np.isnan(row.minutes) else float(row.minutes)
            out.append(Suggestion(rank=int(row.rank), id=org.id, name=org.name, kind=org.kind, phase=org.phase,
                                  country=org.country, place=_place(org.municipality), total=float(row.total),
                                  parts={p: float(getattr(row, p)) for p in PARTS}, minutes=minutes,
                                  named=bool(row.named), missing=tuple(gaps.get(org.id, ()))))
        return out

    def profile(self, organisation_id: int) -> SharedProfile:
        """What ``organisation_id`` shares with the cluster (read again for the caller, nothing private)."""
        member = self._member(organisation_id)
        org = member.organisation
        doc = member.canvases.get("business_model")
        notes = tuple((n.block, n.text) for n in sorted(doc.notes, key=lambda n: (n.block, n.order))
                      if n.text.strip()) if doc else ()
        goals = tuple(sorted({int(e.target.split(".")[0]) for e in (member.sdg.entries if member.sdg else [])
                              if e.confirmed}))
        return SharedProfile(id=org.id, name=org.name, kind=org.kind, phase=org.phase, country=org.country,
                             place=_place(org.municipality), description=org.description, needs=org.needs,
                             website=org.website,
                             offers=tuple((o.title, o.kind, tuple(o.months)) for o in member.offers),
                             notes=notes, goals=goals)

    # -- the facilitator's network ---------------------------------------------------------
    def network(self, lang: str = "en", *, per_member: int = 5, strong: float = 0.5,
                picture: bool = True) -> NetworkPicture:
        """The whole network: existing links (shared packages) and strong suggestions."""
        from ..analysis.network import network

        f = self.features
        if len(f) == 0:
            return NetworkPicture()
        ranking = scoring.rank_partners(f, self.minutes, k=per_member)
        net = network(f, ranking, relations=self._package_links(), strong=strong)
        names = dict(zip(f.ids.tolist(), f.names))
        members = [{"id": int(r.member), "name": r.name, "degree": int(r.degree), "component": int(r.component)}
                   for r in net.members.itertuples(index=False)]
        gaps = [(names[int(g.member)], names[int(g.partner)], float(g.total)) for g in net.gaps.itertuples(index=False)]
        components = 1 + max((m["component"] for m in members), default=-1)
        png = _network_png(net.graph, lang) if picture else b""
        return NetworkPicture(members=members, isolated=[names[i] for i in net.isolated], gaps=gaps,
                              components=components, png=png)

    def _package_links(self) -> list[tuple[int, int]]:
        """Pairs of members that take part in one package the caller may see and the cluster shares."""
        links = []
        for package, _rev in self._store.packages(self._who):
            if package.visibility == "private":
                continue
            ids = sorted({c.organisation_id for c in package.components})
            links += [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        return links

    # -- helpers ---------------------------------------------------------------------------
    def _own(self) -> int:
        if self.organisation_id is None:
            raise KlyngeError("partners are ranked for a member organisation; none was named")
        return self.organisation_id

    def _member(self, organisation_id: int) -> MemberData:
        member = self._members.get(int(organisation_id))
        if member is None:
            raise NotFound(f"no member organisation with id {organisation_id} in this cluster")
        return member


def _some(values: Iterable[str] | None) -> Sequence[str] | None:
    """None for no filter; an empty choice means no filter too."""
    values = [v for v in (values or ()) if v]
    return values or None


def _network_png(graph, lang: str) -> bytes:
    """The network drawn with matplotlib's object API: existing links solid, suggestions dashed."""
    import matplotlib
    import networkx as nx

    from ..report.figures import RC, _axes, _figure, plain, png

    if len(graph) == 0:
        return b""
    linked = [n for n in graph.nodes if graph.degree[n]]
    alone = [n for n in graph.nodes if not graph.degree[n]]
    # The linked members spread by a spring layout; the isolated ones on a ring round them, apart.
    position = nx.spring_layout(graph.subgraph(linked), seed=7, k=2.5 / max(len(linked), 1) ** 0.5,
                                iterations=200) if linked else {}
    for i, n in enumerate(alone):
        angle = 2 * np.pi * i / len(alone)
        position[n] = np.array([1.3 * np.cos(angle), 1.3 * np.sin(angle)])
    named = set(alone) | set(sorted(linked, key=lambda n: -graph.degree[n])[:12])
    with matplotlib.rc_context(RC):
        fig = _figure(8.0, 6.5)
        ax = _axes(fig, 0.1, 0.1, 0.1, 0.4)
        for u, v, data in graph.edges(data=True):
            (x1, y1), (x2, y2) = position[u], position[v]
            existing = data.get("kind") == "existing"
            ax.plot([x1, x2], [y1, y2], color="#2f855a" if existing else "#9aa9b8", lw=1.6 if existing else 0.8,
                    ls="-" if existing else "--", zorder=1)
        nodes = list(graph.nodes)
        xy = np.array([position[n] for n in nodes])
        degree = np.array([graph.degree[n] for n in nodes])
        colours = np.where(degree == 0, "#b91c1c", "#3b6ea5")
        ax.scatter(xy[:, 0], xy[:, 1], s=30 + 18 * degree, c=colours, zorder=2, edgecolors="white")
        for (x, y), n in zip(xy, nodes):
            if n in named:  # the best connected and the isolated; every name is in the lists below
                ax.annotate(plain(_short(str(graph.nodes[n].get("name", n)))), (x, y), xytext=(4, 4),
                            textcoords="offset points", fontsize=6, color="#333", zorder=3)
        ax.plot([], [], color="#2f855a", lw=1.6, label=t("network.page.existing", lang))
        ax.plot([], [], color="#9aa9b8", lw=0.8, ls="--", label=t("network.page.suggested", lang))
        ax.scatter([], [], color="#b91c1c", s=30, label=t("network.page.isolated_label", lang))
        ax.legend(loc="lower right", fontsize=7, frameon=True)
        ax.margins(x=0.2, y=0.06)  # room for the names of the members at the edge
        ax.set_axis_off()
        ax.set_title(t("network.page.figure_title", lang), loc="left")
        return png(fig)


def _short(name: str, n: int = 28) -> str:
    return name if len(name) <= n else name[:n - 1] + "…"


def part_label(part: str, lang: str) -> str:
    """A part of the score in words."""
    return t(PART_KEYS[part], lang)
