"""Analyses of the research tables (``klynge export --research``), for the example notebooks and researchers.

Pure functions over the tables as pandas DataFrames (see :func:`klynge.research.load_research`):
SDG goals that members hold together, the months each sector is open, and the shape of the
partner network. Counts that the export blanked (fewer than k organisations) stay missing here:
they are never filled with zero.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["goal_cooccurrence", "network_summary", "partner_graph", "sector_links", "sector_seasons"]


def goal_cooccurrence(sdg: pd.DataFrame, min_relevance: int = 2) -> pd.DataFrame:
    """How many organisations hold each pair of SDG goals (the diagonal: each goal alone).

    An organisation holds a goal when one of its targets of that goal has at least
    ``min_relevance``. Goals no organisation holds are left out; rows and columns are goal numbers.
    """
    held = sdg[sdg["relevance"].astype(int) >= min_relevance][["organisation", "goal"]].drop_duplicates()
    held = held.assign(goal=held["goal"].astype(int))
    if held.empty:
        return pd.DataFrame(dtype=int)
    onehot = pd.crosstab(held["organisation"], held["goal"]).clip(upper=1)
    matrix = onehot.T @ onehot
    matrix.index.name = matrix.columns.name = "goal"
    return matrix.astype(int)


def sector_seasons(seasonality: pd.DataFrame, value: str = "organisations") -> pd.DataFrame:
    """Sectors by month (1 to 12): the share of the sector's most open month, from ``value`` counts.

    1.0 is the sector's busiest month. Suppressed cells stay missing (NaN).
    """
    counts = seasonality.assign(**{value: pd.to_numeric(seasonality[value].astype("object"), errors="coerce")})
    table = counts.pivot(index="sector", columns="month", values=value).astype("float")
    table = table.reindex(columns=range(1, 13))
    return table.div(table.max(axis=1), axis=0)


def partner_graph(partners: pd.DataFrame, organisations: pd.DataFrame) -> nx.Graph:
    """The partner network: organisations as nodes (with ``sector`` and ``kind``), shared packages as weighted edges."""
    graph = nx.Graph()
    for row in organisations.itertuples(index=False):
        graph.add_node(row.organisation, sector=row.sector, kind=row.kind)
    for row in partners.itertuples(index=False):
        graph.add_edge(row.organisation_a, row.organisation_b, weight=int(row.packages))
    return graph


def network_summary(graph: nx.Graph) -> dict:
    """The network's shape: size, density, components, how many stand alone, and the most connected degree."""
    linked = graph.subgraph([n for n, d in graph.degree() if d > 0])
    components = sorted((len(c) for c in nx.connected_components(linked)), reverse=True)
    return {"organisations": graph.number_of_nodes(), "links": graph.number_of_edges(),
            "density": round(nx.density(graph), 4) if graph.number_of_nodes() > 1 else 0.0,
            "isolated": graph.number_of_nodes() - linked.number_of_nodes(),
            "components": len(components), "largest_component": components[0] if components else 0,
            "max_degree": max((d for _, d in graph.degree()), default=0),
            "clustering": round(nx.average_clustering(linked), 4) if linked.number_of_nodes() else 0.0}


def sector_links(graph: nx.Graph) -> pd.DataFrame:
    """Links between sectors: how many partner links join an organisation of one sector to one of another."""
    pairs = [tuple(sorted((graph.nodes[a].get("sector", ""), graph.nodes[b].get("sector", ""))))
             for a, b in graph.edges()]
    frame = pd.DataFrame(pairs, columns=["sector_a", "sector_b"])
    if frame.empty:
        return pd.DataFrame(columns=["sector_a", "sector_b", "links"])
    return (frame.value_counts().rename("links").reset_index()
            .sort_values(["links", "sector_a", "sector_b"], ascending=[False, True, True]).reset_index(drop=True))
