"""The facilitator's partner network: the connected, the isolated, and the links that close gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from klynge.analysis.network import network
from klynge.analysis.partners import rank_partners

from .test_partners import build, org, random_features


def test_network_finds_the_connected_the_isolated_and_the_links_that_close_gaps():
    orgs = [org(i, f"Org {i}") for i in range(1, 7)]
    f = build(orgs)
    ranking = pd.DataFrame({"member": [1, 2, 3, 5, 5, 6, 4], "partner": [2, 3, 1, 6, 1, 3, 2],
                            "total": [0.9, 0.8, 0.7, 0.6, 0.45, 0.4, 0.2]})
    net = network(f, ranking, relations=[(1, 4)], strong=0.5)
    graph = net.graph
    assert graph.edges[1, 4]["kind"] == "existing" and graph.edges[1, 2]["kind"] == "suggested"
    assert not graph.has_edge(5, 1)  # below strong
    table = net.members.set_index("member")
    assert table.loc[1, "degree"] == 3 and table.loc[1, "centrality"] > 0
    assert net.members["member"].iloc[0] == 1  # best connected first
    assert net.isolated == ()
    assert table.loc[5, "component"] == table.loc[6, "component"] != table.loc[1, "component"]
    # Parts {1,2,3,4} and {5,6}: the best link between them is 5 -> 1.
    assert net.gaps[["member", "partner"]].values.tolist() == [[5, 1]]

    lonely = network(build([*orgs, org(7, "Alene")]), ranking, strong=0.5)
    assert lonely.isolated == (4, 7)
    assert lonely.members.set_index("member").loc[7, "isolated"]


def test_network_of_a_real_ranking():
    f = random_features(60, 4)
    ranking = rank_partners(f, np.random.default_rng(4).uniform(0, 120, (60, 60)), k=3)
    net = network(f, ranking, strong=float(ranking["total"].quantile(0.9)))
    parts = net.members["component"].nunique()
    assert len(net.gaps) == parts - 1  # a spanning forest joins every part the ranking can reach
    assert set(net.isolated) == set(net.members.loc[net.members["degree"] == 0, "member"])
    assert len(net.graph) == 60  # every member is a node
