"""The gap finder on paper: the heat map, the gaps in words and the shares, in the cluster summary."""

from __future__ import annotations

import html as h
import re

import pytest

from klynge.analysis.cluster import cluster_picture
from klynge.analysis.gaps import gap_picture
from klynge.report import gaps as render
from klynge.report.figures import png
from klynge.report.pages import cluster_summary_html

from ..analysis.test_gaps import OFFERS, A, B, C, package
from .test_pages import A as ALFA
from .test_pages import B as BETA


def _text(markup: str) -> str:
    return h.unescape(re.sub(r"<[^>]+>", " ", str(markup)))


@pytest.fixture(scope="module")
def picture():
    return gap_picture(OFFERS, [package([11, 12], A, B, C)])


def test_the_heat_map_has_a_row_per_area_and_kind_from_september(picture):
    rows, level, low = render.status_grid(picture)
    assert rows[:2] == [("oppdal", "activity"), ("oppdal", "bed")] and len(rows) == 10
    # Oppdal's activity: October (column 1) and November (2) enough, the rest missing; Røros' bed thin in October.
    assert list(level[0]) == [0, 2, 2] + [0] * 9
    assert level[rows.index(("roros", "bed")), 1] == 1
    assert level[rows.index(("roros", "culture")), 1] == 3  # 443 per 1 000: ten times the threshold and more
    assert list(low[0]) == [True, True, True, False, True, False, False, False, True, True, False, False]
    first = png(render.gaps_figure(picture, "nb"))
    assert first.startswith(b"\x89PNG") and first == png(render.gaps_figure(picture, "nb"))


def test_the_gaps_read_as_sentences_in_each_language(picture):
    en = render.gap_sentences(picture, "en")
    assert en[1] == ("Oppdal, Oct: no package can be built: only activity has enough capacity, with nothing to "
                     "combine it with. Missing: bed, meal, transport, culture.")
    roros = next(s for s in en if s.startswith("Røros, Oct"))
    assert "no bed or day activity" in roros and roros.endswith("Thin: bed.")
    assert render.gap_sentences(picture, "sv")[1].startswith("Oppdal, okt: det går inte att bygga paket")
    assert render.gap_sentences(picture, "nb")[1].startswith("Oppdal, okt: det kan ikke lages pakke")
    rows = {(r["area"], r["kind"]): r for r in render.season_rows(picture, "en")}
    assert rows[("Oppdal", "bed")]["now"] == "49%" and rows[("Oppdal", "bed")]["packaged"] == "60%"
    assert ("Oppdal", "transport") not in rows  # no capacity of that kind: no row


def test_the_cluster_summary_has_the_section_and_escapes_names(picture):
    base = cluster_picture("Nysesong", {}, [ALFA[1], BETA[1]])
    odd = {**picture, "areas": [{**a, "name": "<img src=x onerror=alert(1)>"} if a["id"] == "roros" else a
                                for a in picture["areas"]]}
    odd["gaps"] = [{**g, "area_name": "<img src=x onerror=alert(1)>"} for g in picture["gaps"]]
    html = cluster_summary_html({**base, "gaps": odd}, "en", "fp")
    assert "Low season: where packages cannot be built" in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    text = _text(html)
    assert "Where no package can be built in the low months" in text and "Sold in packages" in text
    assert html.count("<table") == html.count('<div class="scroll"><table')
    without = cluster_summary_html(base, "en", "fp")
    assert "Low season: where packages cannot be built" not in without
    empty = cluster_summary_html({**base, "gaps": gap_picture([])}, "nb", "fp")
    assert "Ingen tilbud ennå" in empty


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the step reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def test_the_batch_counts_agreed_packages_shared_with_the_cluster(store, cluster):
    from klynge.batch.data import batch_identity
    from klynge.batch.steps import low_season_gaps
    from klynge.model import Money, Offer, Package, PackageAnswer, PackageComponent

    who, orgs = cluster["who"], cluster["orgs"]
    ids = [store.add_offer(who[k], Offer(title=k, kind=kind, municipality="5021", months=[10], capacity_per_day=10,
                                          price=Money(amount=100, currency="NOK")))
           for k, kind in (("fjell", "activity"), ("gard", "meal"))]
    rows = [{"offer_id": i, "kind": kind, "municipality": "5021", "months": [10], "capacity_per_day": 10}
            for i, kind in zip(ids, ("activity", "meal"))]
    parts = [PackageComponent(offer_id=i, organisation_id=orgs[k]) for i, k in zip(ids, ("fjell", "gard"))]
    for visibility in ("private", "cluster"):
        store.save_package(who["fjell"], orgs["fjell"], Package(title=visibility, months=[10], status="ready",
                                                                visibility=visibility, components=parts), None,
                           name=visibility)
        # Agreed: the other supplier accepted (the private one is agreed too, and still left out).
        store.answer_package(who["gard"], orgs["gard"], PackageAnswer(owner_id=orgs["fjell"], package=visibility,
                                                                      state="accepted", revision=1))
    store.save_package(who["fjell"], orgs["fjell"], Package(title="draft", months=[10], components=parts), None)
    picture = low_season_gaps(store, batch_identity(store), [{"rows": {"offers": rows}}])
    assert picture["packages"] == 1
    meal = next(r for r in picture["season"] if (r["area"], r["group"]) == ("oppdal", "meal"))
    assert meal["committed"] == 10 * 31 and meal["packaged_share"] == 1.0
