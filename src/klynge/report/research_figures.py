"""Figures of the research examples: a labelled heatmap and the partner network, saved as PNG."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from .figures import RC, _axes, _figure, png

__all__ = ["heatmap", "network_figure", "save"]


def heatmap(matrix: pd.DataFrame, title: str, *, label: str = "", cmap: str = "Blues"):
    """``matrix`` as a heatmap with its numbers in the cells; missing cells (suppressed) are left grey."""
    rows, cols = matrix.shape
    fig = _figure(max(4.0, 1.4 + 0.42 * cols), max(2.4, 1.1 + 0.34 * rows))
    ax = _axes(fig, 1.4, 0.6, 0.9, 0.45)
    values = matrix.to_numpy(dtype=float)
    with matplotlib.rc_context(RC):
        shown = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, aspect="auto")
        shown.cmap.set_bad("#dddddd")
        ax.set_xticks(range(cols), [str(c) for c in matrix.columns])
        ax.set_yticks(range(rows), [str(r) for r in matrix.index])
        ax.set_title(title)
        top = np.nanmax(values) if np.isfinite(values).any() else 0
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:g}" if v == int(v) else f"{v:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if v > top * 0.6 else "black")
        bar = fig.colorbar(shown, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label(label)
    return fig


def network_figure(graph, title: str):
    """The partner network drawn with a fixed layout (the same picture for the same graph), coloured by sector."""
    import networkx as nx

    fig = _figure(6.5, 5.0)
    ax = _axes(fig, 0.1, 0.1, 0.1, 0.4)
    linked = graph.subgraph([n for n, d in graph.degree() if d > 0])
    with matplotlib.rc_context(RC):
        ax.set_title(title)
        ax.set_axis_off()
        if linked.number_of_nodes():
            position = nx.spring_layout(linked, seed=7)
            sectors = sorted({linked.nodes[n].get("sector", "") for n in linked})
            colours = matplotlib.colormaps["tab10"]
            for k, sector in enumerate(sectors):
                nodes = [n for n in linked if linked.nodes[n].get("sector", "") == sector]
                nx.draw_networkx_nodes(linked, position, nodelist=nodes, node_size=60, ax=ax,
                                       node_color=[colours(k % 10)], label=sector)
            nx.draw_networkx_edges(linked, position, ax=ax, alpha=0.5,
                                   width=[linked.edges[e].get("weight", 1) for e in linked.edges])
            ax.legend(loc="lower left", fontsize=7, frameon=False)
    return fig


def save(fig, folder: str | Path, name: str) -> Path:
    """Write ``fig`` as ``folder/name`` (PNG); returns the path."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png(fig))
    return path
