"""The research examples' analyses: SDG goals held together, sector seasons, the partner network."""

from __future__ import annotations

import numpy as np
import pandas as pd

from klynge.analysis.research import goal_cooccurrence, network_summary, partner_graph, sector_links, sector_seasons


def test_goals_held_together_count_organisations_once():
    sdg = pd.DataFrame({"organisation": ["a", "a", "a", "b", "b", "c"], "goal": [8, 8, 12, 8, 12, 13],
                        "target": ["8.9", "8.3", "12.5", "8.9", "12.5", "13.1"], "relevance": [3, 2, 2, 3, 1, 3]})
    m = goal_cooccurrence(sdg)
    assert m.loc[8, 8] == 2 and m.loc[8, 12] == m.loc[12, 8] == 1 and m.loc[13, 13] == 1 and m.loc[8, 13] == 0
    assert goal_cooccurrence(sdg, min_relevance=4).empty


def test_sector_seasons_keep_suppressed_cells_missing():
    rows = [{"sector": "food", "month": m, "organisations": 4 if m < 7 else 2, "offers": 5} for m in range(1, 13)]
    rows += [{"sector": "culture", "month": m, "organisations": pd.NA if m == 1 else 3, "offers": 3}
             for m in range(1, 13)]
    seasons = sector_seasons(pd.DataFrame(rows))
    assert seasons.loc["food", 1] == 1.0 and seasons.loc["food", 12] == 0.5
    assert np.isnan(seasons.loc["culture", 1]) and list(seasons.columns) == list(range(1, 13))


def test_the_partner_network_shape():
    orgs = pd.DataFrame({"organisation": list("abcde"), "sector": ["food", "food", "culture", "activity", "food"],
                         "kind": ["company"] * 5})
    partners = pd.DataFrame({"organisation_a": ["a", "a", "b"], "organisation_b": ["b", "c", "c"],
                             "packages": [2, 1, 1]})
    graph = partner_graph(partners, orgs)
    summary = network_summary(graph)
    assert summary["organisations"] == 5 and summary["links"] == 3 and summary["isolated"] == 2
    assert summary["components"] == 1 and summary["largest_component"] == 3 and summary["clustering"] == 1.0
    links = sector_links(graph)
    assert links.iloc[0].tolist() == ["culture", "food", 2] and links["links"].sum() == 3
