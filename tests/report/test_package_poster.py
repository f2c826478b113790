"""Package posters: A4 portrait PNG and one-page PDF in nb, sv, en and de, long and hostile text kept on the page."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from klynge.errors import ValidationError
from klynge.report import package_poster as pp
from klynge.report.package_text import TEXT_LANGUAGES, month_names
from klynge.report.poster import A4, DPI

from . import pdf_pages, pdf_text
from .packages import cluster, demo_packages
from .test_poster import texts_outside

A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)
HOSTILE = "<script>alert('x')</script> costs $5 and $x^{2}$ <b>bold</b> \\textbf{y} "


def image(data: bytes) -> Image.Image:
    found = Image.open(io.BytesIO(data))
    found.verify()
    return Image.open(io.BytesIO(data))


def test_the_png_is_a4_portrait_at_the_posters_dpi():
    found = image(pp.package_poster(*cluster(), "en"))
    assert found.format == "PNG"
    width, height = found.size
    assert abs(width - A4[0] * DPI) <= 1 and abs(height - A4[1] * DPI) <= 1 and height > width
    assert found.info["Title"] == "Høstmoskus og fjellmat" and "Middag i stabburet" in found.info["Description"]


def test_the_pdf_is_one_a4_page_with_its_text():
    data = pp.package_poster(*cluster(), "de", fmt="pdf")
    assert data.startswith(b"%PDF") and b"/Count 1" in data
    [(width, height)] = pdf_pages(data)
    assert width == pytest.approx(A4_POINTS[0], abs=0.5) and height == pytest.approx(A4_POINTS[1], abs=0.5)
    text = pdf_text(data)
    for words in ("Middag i stabburet", "Kjerringa Gårdsmat", "Skarvhaugen Fjellstue", "Tag 2", "Okt", "Nov"):
        assert words in text
    assert "Preis pro Gast" in text


def test_the_poster_shows_the_parts_the_months_and_the_map():
    package, offers, organisations = cluster()
    fig = pp.package_figure(package, offers, organisations, "nb")
    drawn = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    joined = "\n".join(drawn)
    for title in ("Høstmoskus og fjellfoto", "Dobbeltrom med halvpensjon", "Middag i stabburet"):
        assert title in joined
    names = month_names("nb", "abbreviated")
    strip = [x for x in drawn if x in {n.rstrip(".") for n in names}]
    assert strip[:3] == ["sep", "okt", "nov"] and len(strip) == 12  # September first
    assert {"Oppdal", "Trondheim"} <= set(drawn)  # the places on the map
    assert "4\u00a0690\u00a0NOK" in drawn and "per gjest" in drawn  # the price per guest, large
    assert len(fig.axes) == 2
    assert texts_outside(fig) == []


def test_a_deleted_offer_is_not_on_the_poster():
    package, offers, organisations = cluster()
    fig = pp.package_figure(package, {**offers, 11: None}, organisations, "en")
    joined = "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "Middag i stabburet" not in joined and "Høstmoskus og fjellfoto" in joined
    assert "Price on request" in joined and "NOK" not in joined


def test_a_long_hostile_title_and_many_parts_stay_on_the_page_as_typed():
    package, offers, organisations = cluster()
    title = (HOSTILE + "Fjellopplevelse" * 10)[:120]
    offers = {**offers, 10: offers[10].model_copy(update={"title": HOSTILE * 2})}
    components = [c.model_copy(update={"day": day}) for day in range(1, 11) for c in package.components]
    package = package.model_copy(update={"title": title, "components": components, "days": 10})
    fig = pp.package_figure(package, offers, organisations, "sv")
    assert texts_outside(fig) == []
    drawn = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    heading = drawn[0]
    assert heading.count("\n") <= 2 and heading.startswith(r"<script>alert('x')</script> costs \$5")
    assert "…" in drawn  # the days that do not fit are cut, not drawn off the page
    image(pp.package_poster(package, offers, organisations, "sv"))


def test_another_format_is_refused_with_the_ones_there_are():
    with pytest.raises(ValidationError, match="png or pdf"):
        pp.package_poster(*cluster(), "en", fmt="svg")


@pytest.mark.parametrize("lang", TEXT_LANGUAGES)
def test_a_demo_package_makes_a_poster_in_each_language(lang):
    packages, offers, organisations = demo_packages()
    package = max(packages, key=lambda p: len(p.components))
    found = image(pp.package_poster(package, offers, organisations, lang))
    assert found.size[1] > found.size[0]
    fig = pp.package_figure(package, offers, organisations, lang)
    assert texts_outside(fig) == []
    joined = " ".join(" ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))).split())
    assert all(organisations[c.organisation_id].name in joined for c in package.components)


def test_an_empty_draft_still_makes_a_poster():
    from klynge.model import Package

    data = pp.package_poster(Package(title="Ny pakke"), {}, {}, "nb", fmt="pdf")
    assert data.startswith(b"%PDF") and b"/Count 1" in data and "Pris på forespørsel" in pdf_text(data)
