"""The facilitator's view of the partner network: who is well connected, who is isolated, which links close gaps.

Built with networkx from existing relations (such as members that share a package) and the
strong suggestions of :func:`klynge.analysis.partners.rank_partners`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..model.base import ORGANISATION_KINDS
from .partners import PartnerFeatures

__all__ = ["Network", "network"]


@dataclass(frozen=True)
class Network:
    """The cluster as a graph of existing relations and strong suggested links.

    Attributes
    ----------
    graph
        networkx Graph: nodes are member ids (``name``, ``kind``), edges carry ``kind``
        (``existing`` or ``suggested``) and ``score``.
    members
        Per member: ``degree``, ``centrality`` (betweenness), ``component`` (0 the largest)
        and ``isolated`` (no link at all); best connected first.
    isolated
        Ids of the members with no link.
    gaps
        Suggested links that would join the graph's separate parts, best first: the
        highest-scoring links of the ranking that connect two parts, chosen so that each
        joins parts not yet joined (a maximum spanning forest over the parts).
    """

    graph: object
    members: pd.DataFrame
    isolated: tuple[int, ...]
    gaps: pd.DataFrame


def network(features: PartnerFeatures, ranking: pd.DataFrame, *, relations: Iterable[tuple[int, int]] = (),
            strong: float = 0.5) -> Network:
    """The facilitator's graph: who is well connected, who is isolated, which links would close gaps.

    Parameters
    ----------
    features
        The members.
    ranking
        :func:`rank_partners`' table (its ``member``, ``partner``, ``total``).
    relations
        Existing relations as id pairs (e.g. members that share a package).
    strong
        A suggestion with a total at least this is drawn as a link.
    """
    import networkx as nx

    graph = nx.Graph()
    for i, name, kind in zip(features.ids.tolist(), features.names, features.kind.tolist()):
        graph.add_node(i, name=name, kind=ORGANISATION_KINDS[kind])
    for u, v in relations:
        if u != v and u in graph and v in graph:
            graph.add_edge(u, v, kind="existing", score=1.0)
    links = ranking.loc[ranking["total"] >= strong, ["member", "partner", "total"]]
    for u, v, score in links.itertuples(index=False):
        if not graph.has_edge(u, v):
            graph.add_edge(int(u), int(v), kind="suggested", score=float(score))
        elif graph.edges[u, v]["kind"] == "suggested":
            graph.edges[u, v]["score"] = max(graph.edges[u, v]["score"], float(score))
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    component = {node: c for c, nodes in enumerate(parts) for node in nodes}
    centrality = nx.betweenness_centrality(graph) if len(graph) else {}
    table = pd.DataFrame({"member": list(graph.nodes), "name": [graph.nodes[i]["name"] for i in graph.nodes],
                          "degree": [graph.degree[i] for i in graph.nodes],
                          "centrality": [centrality[i] for i in graph.nodes],
                          "component": [component[i] for i in graph.nodes]})
    table["isolated"] = table["degree"] == 0
    table = table.sort_values(["degree", "centrality", "member"], ascending=[False, False, True], kind="stable")
    # Kruskal over the parts: the best links first, each kept when it joins two parts not yet joined.
    leader = list(range(len(parts)))

    def find(x: int) -> int:
        while leader[x] != x:
            leader[x] = leader[leader[x]]
            x = leader[x]
        return x

    gaps = []
    candidates = ranking[["member", "partner", "total"]].sort_values(["total", "member", "partner"],
                                                                      ascending=[False, True, True], kind="stable")
    for u, v, score in candidates.itertuples(index=False):
        a, b = find(component[int(u)]), find(component[int(v)])
        if a != b:
            leader[max(a, b)] = min(a, b)
            gaps.append({"member": int(u), "partner": int(v), "total": float(score),
                         "joins": (component[int(u)], component[int(v)])})
    return Network(graph=graph, members=table.reset_index(drop=True),
                   isolated=tuple(sorted(table.loc[table["isolated"], "member"].tolist())),
                   gaps=pd.DataFrame(gaps, columns=["member", "partner", "total", "joins"]))
