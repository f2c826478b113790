"""The mobilisation funnel and the referral tree as pictures (PNG for the page, SVG for files).

Draws what :mod:`klynge.analysis.funnel` computed and computes nothing of its own: the funnel as
horizontal bars with counts and shares, and the tree of who brought whom in layers by depth,
the facilitators at the left. A large tree is cut down to what can be read: each organisation
shows its biggest branches and one "+N" node for the rest, and the whole picture stops growing
at a budget of nodes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..formatting import percent
from ..i18n import t
from ..model import ORGANISATION_KINDS
from . import figures as fg

__all__ = ["KIND_COLOURS", "collapse", "funnel_figure", "funnel_png", "funnel_svg", "layered_positions",
           "tree_figure", "tree_png", "tree_svg"]

_PALETTE = ("#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
            "#d62728", "#7f7f7f", "#aec7e8", "#98df8a", "#ffbb78", "#c5b0d5", "#c49c94", "#f7b6d2")
#: A colour per kind of organisation, the same in every picture; invitees not registered yet are grey.
KIND_COLOURS = {kind: _PALETTE[i % len(_PALETTE)] for i, kind in enumerate(ORGANISATION_KINDS)}
_ROOT_COLOUR, _INVITEE_COLOUR, _MORE_COLOUR = "#1f2933", "#cbd5e0", "#ffffff"
_STAGE_COLOURS = ("#93b4d8", "#3b6ea5", "#2f855a")
ROOT = "facilitators"
#: A label's white box, hiding the lines under a parent's label.
_BEHIND = {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"}


def svg(fig: Figure) -> str:
    """The figure as SVG text (the same bytes on every run)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(fg.RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


# -- the funnel ---------------------------------------------------------------------------------
def funnel_figure(stages: Sequence[Any], lang: str) -> Figure:
    """Bars centred like a funnel, widest first: each stage's name, count and share of those invited.

    ``stages`` are objects with ``name`` (invited, registered, active), ``count`` and ``share``.
    """
    with matplotlib.rc_context(fg.RC):
        fig = fg._figure(4.8, 0.6 * max(len(stages), 1) + 0.4)
        ax = fg._axes(fig, 1.2, 0.15, 0.15, 0.15)
        top = max((s.count for s in stages), default=0) or 1
        for i, stage in enumerate(stages):
            y = len(stages) - 1 - i
            width = stage.count / top
            if width:
                ax.barh(y, width, left=(1 - width) / 2, height=0.72, color=_STAGE_COLOURS[i % 3])
            text = f"{stage.count}  ({percent(stage.share, lang)})" if i else str(stage.count)
            if width > 0.45:  # inside the bar; beside a narrow one
                ax.text(0.5, y, text, ha="center", va="center", fontsize=12, fontweight="bold",
                        color="white" if i else "#1f2933")
            else:
                ax.text((1 + width) / 2 + 0.02, y, text, ha="left", va="center", fontsize=12, fontweight="bold",
                        color="#1f2933")
        ax.set_yticks(range(len(stages)), [fg.plain(t(f"funnel.stage.{s.name}", lang)) for s in reversed(stages)],
                      fontsize=11)
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.5, len(stages) - 0.5)
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
    return fig


def funnel_png(stages: Sequence[Any], lang: str) -> bytes:
    return fg.png(funnel_figure(stages, lang))


def funnel_svg(stages: Sequence[Any], lang: str) -> str:
    return svg(funnel_figure(stages, lang))


# -- the referral tree ------------------------------------------------------------------------------
def collapse(tree: nx.DiGraph, *, per_parent: int = 8, budget: int = 80, from_root: int = 30,
             max_depth: int = 5) -> nx.DiGraph:
    """The tree cut to at most ``budget`` nodes and ``max_depth`` levels, each node with at most
    ``per_parent`` children shown (the root, whose children are often most of a young cluster, ``from_root``).

    The biggest branches are kept; the children left out (and all below them) become one node of
    type ``more`` whose label is ``+N``, ``N`` being how many organisations and people it stands for.
    Each node shown that has children of its own keeps a place in the budget for its ``+N``, so
    the "+N" nodes count too and the picture never grows past the budget.
    """
    if ROOT not in tree:
        return nx.DiGraph()
    below = {n: a["below"] if "below" in a else len(nx.descendants(tree, n)) for n, a in tree.nodes(data=True)}
    shown = nx.DiGraph()
    shown.add_node(ROOT, **tree.nodes[ROOT])
    queue = [ROOT]
    # Places taken (the nodes shown), and places kept for the "+N" of the nodes shown whose
    # children are not looked at yet; taken + kept never passes the budget.
    taken, kept = 1, 1 if tree.out_degree(ROOT) else 0
    while queue:
        node = queue.pop(0)
        children = sorted(tree.successors(node), key=lambda c: (-below[c], str(tree.nodes[c].get("label", c))))
        if not children:
            continue
        kept -= 1  # this node's place for its "+N": now its children's, if no "+N" is needed
        most = 0 if shown.nodes[node].get("depth", 0) >= max_depth else from_root if node == ROOT else per_parent
        if len(children) > most:
            most = max(most - 1, 0)  # one place among them for "+N"
        room = max(budget - taken - kept, 1)
        keep: list[str] = []
        for i, child in enumerate(children):
            cost = 1 + bool(tree.out_degree(child))  # the child, and the place kept for its own "+N"
            if len(keep) == most or cost + (i < len(children) - 1) > room:  # leave one place for our "+N"
                break
            keep.append(child)
            room -= cost
            taken, kept = taken + 1, kept + cost - 1
        for child in keep:
            shown.add_node(child, **tree.nodes[child])
            shown.add_edge(node, child, **tree.edges[node, child])
            queue.append(child)
        rest = children[len(keep):]
        if rest:
            more = f"more:{node}"
            hidden = len(rest) + sum(below[c] for c in rest)
            shown.add_node(more, label=f"+{hidden}", type="more", kind="more",
                           depth=tree.nodes[node].get("depth", 0) + 1, hidden=hidden)
            shown.add_edge(node, more, relation="", at=None)
            taken += 1
    return shown


def layered_positions(tree: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Each node at x = its depth, y = its place among the leaves (a parent centred on its children)."""
    if ROOT not in tree:
        return {}
    y: dict[str, float] = {}
    leaf = 0
    for node in nx.dfs_postorder_nodes(tree, ROOT, sort_neighbors=lambda ns: sorted(ns, key=_order(tree))):
        children = list(tree.successors(node))
        if children:
            y[node] = sum(y[c] for c in children) / len(children)
        else:
            y[node], leaf = float(leaf), leaf + 1
    depth = nx.single_source_shortest_path_length(tree, ROOT)
    return {n: (float(depth[n]), -y[n]) for n in y}


def _order(tree: nx.DiGraph):
    def key(node):
        kind = tree.nodes[node].get("type")
        return (kind == "more", str(tree.nodes[node].get("label", node)).lower())
    return key


def _colour(attrs: dict) -> str:
    if attrs.get("type") == "root":
        return _ROOT_COLOUR
    if attrs.get("type") == "more":
        return _MORE_COLOUR
    return KIND_COLOURS.get(attrs.get("kind"), _INVITEE_COLOUR)


def _kind_label(kind: str, lang: str) -> str:
    return t("funnel.tree.invitee", lang) if kind == "invitee" else t(f"kind.{kind}", lang)


def tree_figure(tree: nx.DiGraph, lang: str, *, per_parent: int = 8, budget: int = 80) -> Figure:
    """The referral tree in layers from the facilitators (left), nodes coloured by kind, with a legend.

    The tree is cut down by :func:`collapse` first; an empty tree is drawn as the root alone with a line
    saying nobody is invited yet.
    """
    shown = collapse(tree, per_parent=per_parent, budget=budget)
    if ROOT not in shown:
        shown.add_node(ROOT, label=ROOT, type="root", kind="root", depth=0)
    pos = layered_positions(shown)
    leaves = max(1, sum(1 for n in shown if not shown.out_degree(n)))
    depth = max((x for x, _ in pos.values()), default=0)
    kinds = sorted({a["kind"] for _, a in shown.nodes(data=True) if a.get("type") in ("organisation", "person")},
                   key=lambda k: (k == "invitee", _kind_label(k, lang)))
    with matplotlib.rc_context(fg.RC):
        width = 2.0 + 2.3 * max(depth, 1)
        fig = fg._figure(min(width, 13.0), max(2.2, 0.24 * leaves + 0.9 + 0.18 * ((len(kinds) + 2) // 3)))
        legend_room = 0.25 + 0.2 * ((len(kinds) + 2) // 3) if kinds else 0.2
        ax = fg._axes(fig, 0.15, legend_room, 0.15, 0.15)
        ax.set_axis_off()
        # One collection for all the lines and one for all the dots: an artist per edge and per node
        # cost more to draw than the picture's text.
        bends = [[(x0, y0), (x1 - 0.12, y0), (x1 - 0.12, y1), (x1, y1)]  # past the parent's label, which
                 for (x0, y0), (x1, y1) in ((pos[a], pos[b]) for a, b in shown.edges)]  # hides the line under it
        ax.add_collection(LineCollection(bends, colors="#a0aec0", linewidths=0.8, zorder=1, joinstyle="round"),
                          autolim=False)
        nodes = list(shown.nodes(data=True))
        ax.scatter([pos[n][0] for n, _ in nodes], [pos[n][1] for n, _ in nodes],
                   s=[60 if a.get("type") == "root" else 38 for _, a in nodes], c=[_colour(a) for _, a in nodes],
                   edgecolors=["#4a5568" if a.get("type") == "more" else "white" for _, a in nodes],
                   linewidths=0.8, zorder=3)
        for node, attrs in nodes:
            x, y = pos[node]
            kind = attrs.get("type")
            label = t("funnel.tree.root", lang) if kind == "root" else fg._short(attrs.get("label", ""), 24)
            weight = "bold" if attrs.get("type") in ("root", "more") else "normal"
            ax.text(x + 0.05, y, fg.plain(label), va="center", ha="left", fontsize=8, fontweight=weight, zorder=4,
                    color="#1f2933", clip_on=False,
                    bbox=_BEHIND if shown.out_degree(node) else None)
        ax.set_xlim(-0.1, max(depth, 1) + 0.95)
        ys = [y for _, y in pos.values()]
        ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
        if shown.number_of_nodes() == 1:
            ax.text(0.0, -0.3, fg.plain(t("funnel.tree.empty", lang)), va="top", fontsize=9, color="#4a5568")
        if kinds:
            handles = [Line2D([], [], marker="o", ls="", color=KIND_COLOURS.get(k, _INVITEE_COLOUR), markersize=7,
                              label=fg.plain(_kind_label(k, lang))) for k in kinds]
            fig.legend(handles=handles, loc="lower left", ncols=3, frameon=False, fontsize=8,
                       bbox_to_anchor=(0.01, 0.0), handletextpad=0.3, columnspacing=1.0)
    return fig


def tree_png(tree: nx.DiGraph, lang: str, **limits) -> bytes:
    return fg.png(tree_figure(tree, lang, **limits))


def tree_svg(tree: nx.DiGraph, lang: str, **limits) -> str:
    return svg(tree_figure(tree, lang, **limits))
