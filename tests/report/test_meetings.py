"""The map of a meeting: outline, members, venues, and the links of those within the hour."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Polygon

from klynge import reference
from klynge.analysis.meetings import cover
from klynge.i18n import t
from klynge.report.figures import png
from klynge.report.meetings import hull, meeting_figure


def test_hull_is_the_outline():
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5], [0.2, 0.7]])
    outline = hull(square)
    assert {tuple(p) for p in outline} == {(0, 0), (1, 0), (1, 1), (0, 1)}


def test_meeting_figure_draws_region_members_venues_and_links():
    places = reference.municipalities()
    region = np.array([[m.lon, m.lat] for m in places])
    members = np.array([[10.40, 63.43], [10.90, 63.46], [11.30, 63.75], [14.6, 63.2]])
    venues = np.array([[10.39, 63.43], [11.29, 63.74], [12.0, 63.5]])
    minutes = np.array([[5, 70, 90], [40, 50, 80], [70, 3, 60], [300, 250, 200]])
    result = cover(minutes, members=["a", "b", "c", "d"], venues=["T", "L", "M"])
    assert result.indices == (0, 1) and result.unreachable == ("d",)
    fig = meeting_figure(members, venues, minutes, result, region, member_names=["a", "b", "c", "d"],
                         venue_names=["T", "L", "M"], lang="nb")
    ax = fig.axes[0]
    outline = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(outline) == 1 and len(outline[0].get_xy()) >= 4
    points = {c.get_label(): c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)}
    assert len(points["_places"]) == len(places)
    assert len(points["Valgt møtested"]) == 2
    assert len(points["Møtested"]) == 1
    assert len(points["Innen 60 min fra et valgt møtested"]) == 3
    assert np.allclose(points["Mer enn 60 min fra alle valgte møtesteder"], [[14.6, 63.2]])
    links = [line for line in ax.get_lines() if line.get_label() == "_link"]
    assert len(links) == 3
    assert {ann.get_text() for ann in ax.texts} >= {"T", "L", "a", "d"}
    data = png(fig)
    assert data.startswith(b"\x89PNG") and len(data) > 10_000


@pytest.mark.parametrize(("lang", "one", "two"), [
    ("nb", "1 møtested gir", "2 møtesteder gir"),
    ("sv", "1 mötesplats ger", "2 mötesplatser ger"),
    ("en", "1 venue puts", "2 venues put"),
])
def test_the_maps_title_counts_venues_in_the_languages_plural(lang, one, two):
    assert t("meetings.title", lang, n=1, limit="60").startswith(one)
    assert t("meetings.title", lang, n=2, limit="60").startswith(two)
