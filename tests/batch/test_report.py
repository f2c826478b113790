"""Report rendering (klynge.report): escaped, self-contained HTML and deterministic figures.

These tests live beside the batch's because the batch is what renders reports today.
"""

from __future__ import annotations

import base64
import re

import pytest

from klynge import reference
from klynge.canvases import default_registry
from klynge.report import figures as fg
from klynge.report.html import esc, figure, index_page, page, table

from .conftest import HOSTILE


def test_every_value_is_escaped():
    assert esc(HOSTILE) == "&lt;img src=x onerror=alert(&#39;klynge&#39;)&gt;"
    assert esc(None) == ""
    text = table([{"a": HOSTILE, "b": 3, "c": [HOSTILE], "d": True}], labels={"a": '<b x="1">'})
    assert HOSTILE not in text and "<b x" not in text and text.count("&lt;img") == 2
    doc = page(HOSTILE, "en", "<p>body</p>", fingerprint=HOSTILE, subtitle=HOSTILE)
    assert HOSTILE not in doc and doc.count(esc(HOSTILE)) >= 3


def test_pages_are_self_contained():
    png = fg.png(fg.counts_figure(["a", "b"], [1, 2], "nb", "title"))
    doc = page("t", "sv", figure(png, HOSTILE, "caption", rows=[{"x": HOSTILE}], lang="sv"))
    assert '<html lang="sv">' in doc and "Content-Security-Policy" in doc and "default-src 'none'" in doc
    assert not re.search(r"<script|<link|https?://|@import|url\(", doc)
    srcs = re.findall(r'src="([^"]*)"', doc)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert base64.b64decode(srcs[0].split(",", 1)[1]) == png


def test_index_page_escapes_names_and_links():
    doc = index_page(HOSTILE, "nb", [{"name": HOSTILE, "href": 'members/1/report/report.html"><x', "status": "ok",
                                      "fingerprint": "abc"}], {"href": "cluster/cluster_summary.html"},
                     [{"step": "analysis", "name": HOSTILE, "error": HOSTILE, "notebook": "failed/a.ipynb"}], "fp")
    assert HOSTILE not in doc and '"><x' not in doc
    assert "Batchresultater" in doc and "ferdig" in doc


def test_figures_are_deterministic_and_carry_no_software_or_date():
    args = ([1] * 12, {"beds": [10 * i for i in range(12)], "seats": [5] * 12}, [1 / 12] * 12,
            [i < 4 for i in range(12)], "en")
    one, two = fg.png(fg.monthly_figure(*args)), fg.png(fg.monthly_figure(*args))
    assert one == two and one.startswith(b"\x89PNG")
    assert b"Software" not in one and b"matplotlib" not in one.lower() and b"Creation" not in one


def test_the_monthly_figure_draws_each_capacity_unit_as_its_own_series():
    capacity = {"beds": [40 * 31] * 12, "seats": [60 * 31] * 12, "guests": [0] * 12}
    fig = fg.monthly_figure([2] * 12, capacity, None, [False] * 12, "nb")
    ax = fig.axes[0]
    assert [c.get_label() for c in ax.containers] == ["Senger (sengedøgn)", "Plasser (plassdager)"]
    tops = sorted({round(bar.get_height()) for c in ax.containers for bar in c})
    assert tops == [40 * 31, 60 * 31]  # side by side: no bar reaches their sum


def test_text_with_dollars_is_drawn_as_typed():
    from matplotlib.cbook import is_math_text

    typed = ["costs $5 and $x^{2", "$\\frac{", "$ title $"]
    fig = fg.counts_figure(typed[:2], [1, 2], "en", typed[2])
    assert fg.png(fig).startswith(b"\x89PNG")  # mathtext would raise on the first two
    ax = fig.axes[0]
    labels = [label.get_text() for label in ax.get_yticklabels()] + [ax.get_title(loc="left")]
    # No label switches to math mode (the title would be drawn as an italic "title"), and each
    # shows what was typed once matplotlib has turned its escaped dollars back into dollars.
    assert not any(is_math_text(label) for label in labels)
    assert sorted(label.replace("\\$", "$") for label in labels) == sorted(typed)


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_canvas_poster_draws_every_block(lang):
    template = default_registry().get("business_model")
    notes = {b.id: [f"note {i} {HOSTILE} " * 3 for i in range(9)] for b in template.blocks}
    fig = fg.canvas_poster(template, notes, lang)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for block in template.blocks:
        assert block.title_in(lang) in texts
    assert "+3" in texts  # six notes drawn per block, the rest counted
    fg.png(fig)


def test_sdg_figures_use_the_goal_colours():
    goals = reference.goals()
    score = [0] * 17
    score[7] = 5
    fig = fg.sdg_profile_figure(score, [0] * 17, [0] * 17, goals, "sv")
    bars = fig.axes[0].patches
    assert len(bars) == 17
    heat = fg.sdg_heatmap(["A", "B"], [[1] * 17, [-1] * 17], goals, "en")
    assert [label.get_color() for label in heat.axes[0].get_xticklabels()] == [g.colour for g in goals]


def test_a_large_cluster_keeps_its_heat_map_readable():
    import struct

    from klynge.analysis.cluster import cluster_picture
    from klynge.report.pages import HEAT_ROWS, cluster_summary_html

    from ..analysis.test_cluster import _analysis

    analyses = [_analysis(i, f"Member {i} {HOSTILE}", score=[(i % 5) - 2] * 17) for i in range(1, 81)]
    doc = cluster_summary_html(cluster_picture("Stor", {}, analyses), "en", "fp")
    assert HOSTILE not in doc
    assert f"the {HEAT_ROWS} of 80 members" in doc
    heights = [struct.unpack(">I", base64.b64decode(src)[20:24])[0]
               for src in re.findall(r'src="data:image/png;base64,([^"]+)"', doc)]
    assert max(heights) < 2000
