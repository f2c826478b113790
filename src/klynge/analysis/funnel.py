"""The mobilisation funnel: invited, registered, active; who brought whom; what is missing; whom to follow up.

Pure functions over the funnel's data (people and organisations as the store's
:meth:`~klynge.store.funnel.FunnelMixin.funnel_data` reads them; anything with the same
attributes will do).

- A member of the funnel is a person with the role ``participant`` or ``invitee``; facilitators
  and researchers run the cluster and are not counted. A person registered without an invitation
  (by a facilitator, or from a spreadsheet) counts as invited by the facilitators when their row
  was made.
- *Registered*: the person belongs to an organisation. *Active*: their organisation has an
  activity signal (a profile edit, a canvas, an SDG assessment or a package).
- The referral tree runs from a root, the facilitators, to the organisations (or, before they
  register, the people) invited, each under the organisation that invited it first. A cycle
  of invitations is cut at its first arrival, so the picture is always a tree.
- The follow-up list puts each member in at most one group: *silent* (no sign-in since the
  invitation; registered without one: no sign-in and nothing done), *not started* (signed in,
  but no activity signal), *stopped* (active, but no change in ``stopped_weeks`` weeks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx

from .. import reference
from ..errors import NotFound
from ..model import CATEGORIES
from ..model.cluster import CATEGORY_OF, category_of, needed

__all__ = ["GROUPS", "MEMBER_ROLES", "ROOT", "SIGNALS", "STOPPED_WEEKS", "FollowUp", "Funnel", "Missing",
           "Stage", "follow_up", "funnel", "missing", "referral_tree", "tree_summary"]

#: The roles the funnel counts.
MEMBER_ROLES = ("participant", "invitee")
#: The activity signals, in the order pages list them.
SIGNALS = ("profile", "canvas", "sdg", "package")
#: The follow-up groups, in the order pages list them.
GROUPS = ("silent", "not_started", "stopped")
#: The root of the referral tree: the facilitators (and anyone registered without an invitation).
ROOT = "facilitators"
#: No change in this many weeks and an active member counts as stopped (the cluster may set its own).
STOPPED_WEEKS = 6


def _members(people: Iterable[Any]) -> list[Any]:
    return [p for p in people if p.role in MEMBER_ROLES]


def _invited_at(person) -> datetime:
    return person.invited_at or person.created_at


def _active(person, orgs: dict[int, Any]) -> bool:
    org = orgs.get(person.organisation_id)
    return org is not None and bool(org.signals)


@dataclass(frozen=True)
class Stage:
    """One stage of the funnel: how many people reached it, and their share of those invited."""

    name: str
    count: int
    share: float


@dataclass(frozen=True)
class Funnel:
    """Invited, registered and active people; the organisations; which signals made members active."""

    stages: tuple[Stage, ...]
    organisations: int
    active_organisations: int
    #: signal -> how many active people's organisations have it (a person may count under several)
    by_signal: dict[str, int] = field(default_factory=dict)

    def count(self, stage: str) -> int:
        return next(s.count for s in self.stages if s.name == stage)


def funnel(people: Iterable[Any], organisations: Iterable[Any]) -> Funnel:
    """The funnel's counts: every member is invited; registered ones have an organisation; active ones work."""
    orgs = {o.id: o for o in organisations}
    members = _members(people)
    invited = len(members)
    registered = [p for p in members if p.registered and p.organisation_id in orgs]
    active = [p for p in registered if _active(p, orgs)]
    by_signal = {sig: sum(sig in orgs[p.organisation_id].signals for p in active) for sig in SIGNALS}

    def share(n: int) -> float:
        return n / invited if invited else 0.0

    stages = tuple(Stage(name, n, share(n)) for name, n in
                   (("invited", invited), ("registered", len(registered)), ("active", len(active))))
    return Funnel(stages, len(orgs), sum(bool(o.signals) for o in orgs.values()), by_signal)


def _org_node(oid: int) -> str:
    return f"org:{oid}"


def _person_node(pid: int) -> str:
    return f"person:{pid}"


def referral_tree(people: Iterable[Any], organisations: Iterable[Any]) -> nx.DiGraph:
    """Who brought whom, as a tree from :data:`ROOT`.

    Nodes are :data:`ROOT`, ``org:<id>`` for an organisation and ``person:<id>`` for an invitee
    who has not registered one; each has ``label``, ``type`` (root, organisation, person),
    ``kind`` (an organisation's kind; ``invitee`` for a person), ``depth`` and ``below`` (how
    many nodes are below it). An edge runs from
    the inviting organisation (or the root, for the facilitators' invitations and for those
    registered without one) and carries ``relation`` and ``at``. An organisation hangs under the
    organisation whose invitation brought its first person; an invitation from inside the
    organisation itself (a colleague, a board member) adds no edge, and two organisations that
    invited each other are cut apart at the one that came first.
    """
    orgs = {o.id: o for o in organisations}
    found: dict[str, tuple[dict, str, str, datetime | None]] = {}  # node -> attributes, parent, relation, time
    for person in sorted(_members(people), key=lambda p: (_invited_at(p), p.person_id)):
        if person.organisation_id in orgs:
            node = _org_node(person.organisation_id)
            org = orgs[person.organisation_id]
            attrs = {"label": org.name, "type": "organisation", "kind": org.kind}
        else:
            node = _person_node(person.person_id)
            attrs = {"label": person.name, "type": "person", "kind": "invitee"}
        if node in found:
            continue
        inviter = person.inviter_organisation_id
        parent = _org_node(inviter) if inviter in orgs and inviter != person.organisation_id else ROOT
        found[node] = (attrs, parent, person.relation or "", _invited_at(person))
    for oid, org in orgs.items():  # an organisation without people yet, registered by a facilitator
        found.setdefault(_org_node(oid), ({"label": org.name, "type": "organisation", "kind": org.kind}, ROOT, "",
                                          None))
    parents = _break_cycles({node: parent for node, (_a, parent, _r, _t) in found.items()}, list(found))
    tree = nx.DiGraph()
    tree.add_node(ROOT, label=ROOT, type="root", kind="root", depth=0, below=0)
    for node, (attrs, _parent, _relation, _at) in found.items():
        tree.add_node(node, **attrs)
    for node, (_attrs, _parent, relation, at) in found.items():
        tree.add_edge(parents[node], node, relation=relation, at=at)
    for node, depth in nx.single_source_shortest_path_length(tree, ROOT).items():
        tree.nodes[node]["depth"] = depth
    for node in nx.dfs_postorder_nodes(tree, ROOT):  # how many are below each node, in one pass
        tree.nodes[node]["below"] = sum(1 + tree.nodes[c]["below"] for c in tree.successors(node))
    return tree


def _break_cycles(parent: dict[str, str], arrival: list[str]) -> dict[str, str]:
    """``parent`` with every node reaching :data:`ROOT`: a cycle of invitations (two organisations that
    invited each other) is cut at its first arrival, which then hangs under the root."""
    parent = dict(parent)
    order = {node: i for i, node in enumerate(arrival)}
    reaches = {ROOT}
    for node in arrival:
        path: list[str] = []
        on_path: set[str] = set()
        current = node
        while current not in reaches:
            if current in on_path:
                cycle = path[path.index(current):]
                parent[min(cycle, key=order.__getitem__)] = ROOT
                break
            path.append(current)
            on_path.add(current)
            current = parent[current]
        reaches.update(path)
    return parent


def tree_summary(tree: nx.DiGraph, top: int = 5) -> dict:
    """The tree's depth, how many were brought by members (not the facilitators), and who brought most.

    ``brought_most`` lists ``(label, direct, all)`` for the organisations with the most invitees
    below them: ``direct`` their own invitations, ``all`` every node below them.
    """
    nodes = [n for n in tree.nodes if n != ROOT]
    depth = max((tree.nodes[n]["depth"] for n in nodes), default=0)
    ranked = sorted(((tree.nodes[n]["label"], tree.out_degree(n), tree.nodes[n]["below"])
                     for n in nodes if tree.out_degree(n)), key=lambda r: (-r[1], -r[2], r[0]))
    return {"nodes": len(nodes), "depth": depth, "by_members": sum(tree.nodes[n]["depth"] > 1 for n in nodes),
            "by_facilitators": tree.out_degree(ROOT) if ROOT in tree else 0, "brought_most": ranked[:top]}


@dataclass(frozen=True)
class Missing:
    """What the cluster lacks against its plan: categories under their target share, municipalities with no member.

    ``categories`` has, per category with a target, ``category``, ``count``, ``total``, ``share``,
    ``target``, ``needed`` (how many more members bring the share up to the target) and
    ``kinds`` (the kinds of organisation that count in it). ``municipalities`` lists
    ``(code, name)`` of the target municipalities without a member organisation.
    """

    categories: tuple[dict, ...]
    municipalities: tuple[tuple[str, str], ...]
    covered: tuple[tuple[str, str], ...]

    @property
    def short(self) -> tuple[dict, ...]:
        """The categories that need more members."""
        return tuple(c for c in self.categories if c["needed"])


def _municipality_name(code: str) -> str:
    try:
        return reference.municipality(code).name
    except NotFound:
        return code


def missing(organisations: Sequence[Any], target_mix: dict[str, Any],
            target_municipalities: Iterable[str] = ()) -> Missing:
    """The categories of :data:`~klynge.model.CATEGORIES` short of ``target_mix`` and the target municipalities
    without a member, counted over the registered organisations (the strategy's mapping of kinds)."""
    total = len(organisations)
    counts = Counter(category_of(o.kind) for o in organisations)
    rows = []
    for category in CATEGORIES:
        target = float(target_mix.get(category, 0) or 0)
        if target <= 0:
            continue
        count = counts.get(category, 0)
        rows.append({"category": category, "count": count, "total": total,
                     "share": count / total if total else 0.0, "target": target,
                     "needed": needed(count, total, target) if total else 1,
                     "kinds": tuple(sorted(k for k, c in CATEGORY_OF.items() if c == category))})
    present = {o.municipality for o in organisations}
    codes = list(dict.fromkeys(str(c) for c in target_municipalities))
    return Missing(tuple(rows), tuple((c, _municipality_name(c)) for c in codes if c not in present),
                   tuple((c, _municipality_name(c)) for c in codes if c in present))


@dataclass(frozen=True)
class FollowUp:
    """A member to follow up: in which group, since when, and what was tried."""

    group: str
    person_id: int
    name: str
    organisation: str
    since: datetime
    days: int
    reminders: int
    delivery: str
    inviter: str


def follow_up(people: Iterable[Any], organisations: Iterable[Any], *, now: datetime | None = None,
              stopped_weeks: int = STOPPED_WEEKS) -> dict[str, list[FollowUp]]:
    """The members to follow up, per group of :data:`GROUPS`, the longest waiting first.

    - ``silent``: an invitation not taken up (no sign-in since), or, for a member registered
      without an invitation, no sign-in and an organisation that has done nothing;
      ``since`` is the invitation (or the registration).
    - ``not_started``: signed in, but their organisation (if any) has no activity signal;
      ``since`` is the sign-in.
    - ``stopped``: their organisation is active but has not changed in ``stopped_weeks`` weeks;
      ``since`` is its last change.
    """
    now = now or datetime.now(UTC)
    orgs = {o.id: o for o in organisations}
    groups: dict[str, list[FollowUp]] = {g: [] for g in GROUPS}
    limit = now - timedelta(weeks=stopped_weeks)
    for p in _members(people):
        org = orgs.get(p.organisation_id)
        invited = _invited_at(p)
        signed_in = p.accepted_at is not None and p.accepted_at >= invited - timedelta(minutes=1)
        if not signed_in and (p.invited_at is not None or org is None or not org.signals):
            group, since = "silent", invited  # an invitation not taken up, whatever colleagues do
        elif org is not None and org.signals:
            if org.last_change is None or org.last_change >= limit:
                continue
            group, since = "stopped", org.last_change
        else:
            group, since = "not_started", p.accepted_at
        groups[group].append(FollowUp(group, p.person_id, p.name, org.name if org else "", since,
                                      max(0, (now - since).days), len(p.reminders), p.delivery,
                                      p.inviter_name))
    for rows in groups.values():
        rows.sort(key=lambda r: (r.since, r.person_id))
    return groups
