"""The funnel and referral-tree pictures render for an empty, a small and a 2 000-member cluster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from klynge.analysis.funnel import ROOT, funnel, referral_tree
from klynge.report.funnel import collapse, funnel_png, funnel_svg, layered_positions, tree_png, tree_svg
from klynge.store.funnel import FunnelOrganisation, FunnelPerson

NOW = datetime(2026, 12, 1, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def _cluster(n: int):
    """``n`` organisations, each with a person: the first ten registered by the facilitators, every other one
    invited by an earlier organisation (so the tree is deep and wide), and ten invitees who have not registered."""
    kinds = ("company", "supplier", "bank", "academia", "public_support", "museum")
    orgs = [FunnelOrganisation(i, f"Organisation number {i} with a long name", kinds[i % len(kinds)], "5021", "NO",
                               frozenset({"canvas"}) if i % 3 == 0 else frozenset(), NOW) for i in range(1, n + 1)]
    people = [FunnelPerson(i, f"P{i}", "participant", i, NOW - timedelta(days=n - i + 1),
                           invited_at=None if i <= 10 else NOW - timedelta(days=n - i + 1),
                           inviter_organisation_id=None if i <= 10 else (i * 7) % (i - 1) + 1, relation="supplier")
              for i in range(1, n + 1)]
    people += [FunnelPerson(n + i, f"Invitee {i}", "invitee", None, NOW, invited_at=NOW, inviter_organisation_id=1)
               for i in range(1, 11)]
    return people, orgs


@pytest.mark.parametrize("n", [0, 5, 2000])
def test_the_pictures_render(n):
    people, orgs = _cluster(n) if n else ([], [])
    f = funnel(people, orgs)
    tree = referral_tree(people, orgs)
    for lang in ("nb", "en"):
        assert funnel_png(f.stages, lang).startswith(PNG)
        assert tree_png(tree, lang).startswith(PNG)
    assert "<svg" in funnel_svg(f.stages, "sv") and "<svg" in tree_svg(tree, "sv")


def test_the_svg_names_the_stages_and_the_root_in_the_language_asked_for():
    people, orgs = _cluster(5)
    text = funnel_svg(funnel(people, orgs).stages, "en") + tree_svg(referral_tree(people, orgs), "nb")
    for word in ("Invited", "Registered", "Active", "Fasilitatorene"):
        assert word in text


def test_a_large_tree_is_cut_to_its_budget_with_plus_nodes_that_count_what_is_left_out():
    people, orgs = _cluster(2000)
    tree = referral_tree(people, orgs)
    shown = collapse(tree, per_parent=8, budget=80)
    assert shown.number_of_nodes() <= 80 + 8 and nx.is_arborescence(shown)
    assert max(shown.out_degree(n) for n in shown if n != ROOT) <= 8 and shown.out_degree(ROOT) <= 30
    more = [a for _, a in shown.nodes(data=True) if a["type"] == "more"]
    assert more and all(a["label"] == f"+{a['hidden']}" for a in more)
    real = [n for n, a in shown.nodes(data=True) if a["type"] != "more"]
    assert len(real) - 1 + sum(a["hidden"] for a in more) == tree.number_of_nodes() - 1  # every node accounted


def test_a_small_tree_is_shown_whole_in_layers_by_depth():
    people, orgs = _cluster(5)
    tree = referral_tree(people, orgs)
    shown = collapse(tree, per_parent=20)
    assert set(shown.nodes) == set(tree.nodes)
    pos = layered_positions(shown)
    assert pos[ROOT][0] == 0 and all(pos[n][0] == tree.nodes[n]["depth"] for n in tree)
    parent_y = {n: pos[n][1] for n in tree if tree.out_degree(n)}
    for node, y in parent_y.items():  # a parent sits between its first and last child
        ys = [pos[c][1] for c in tree.successors(node)]
        assert min(ys) <= y <= max(ys)


def test_a_long_chain_is_cut_at_the_deepest_level_shown():
    orgs = [FunnelOrganisation(i, f"O{i}", "company", "5021", "NO") for i in range(1, 301)]
    people = [FunnelPerson(i, f"p{i}", "participant", i, NOW, invited_at=NOW + timedelta(minutes=i),
                           inviter_organisation_id=i - 1 or None) for i in range(1, 301)]
    tree = referral_tree(people, orgs)
    shown = collapse(tree, max_depth=5)
    assert max(a["depth"] for _, a in shown.nodes(data=True)) == 6
    assert shown.nodes["more:org:5"]["label"] == "+295"
    assert tree_png(tree, "en").startswith(PNG)
