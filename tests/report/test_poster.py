"""Canvas posters on A3: valid files, the notes inside, overflow counted, nothing off the page."""

from __future__ import annotations

import io
from datetime import date

import pytest
from matplotlib.patches import FancyBboxPatch
from PIL import Image

from klynge.canvases import default_registry
from klynge.i18n import t
from klynge.model import Note
from klynge.report import figures as fg
from klynge.report import poster as ps

from . import pdf_pages, pdf_text

HOSTILE = "<script>alert('x')</script> costs $5 and $x^{2}$ <b>bold</b> \\textbf{y}"
A3_POINTS = (420 / 25.4 * 72, 297 / 25.4 * 72)


@pytest.fixture(scope="module")
def template():
    return default_registry().get("business_model")


def notes_of(template, n_per_block=2):
    return {b.id: [Note(id=f"{b.id}-{i}", block=b.id, text=f"{b.title_in('en')} note {i}",
                        visibility="private" if i == 1 else "cluster") for i in range(n_per_block)]
            for b in template.blocks}


def poster(template, notes, lang="en", **kw):
    return ps.canvas_figure(template, notes, lang, organisation="Havgapet Rorbuer", made=date(2025, 10, 1),
                            revision=kw.pop("revision", 4), **kw)


def texts_outside(fig) -> list[str]:
    """Texts whose drawn extent leaves the figure (a pixel of rounding allowed)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    return [a.get_text() for a in fig.findobj(lambda a: hasattr(a, "get_window_extent") and hasattr(a, "get_text"))
            if a.get_text() and not (box.x0 - 1 <= a.get_window_extent(renderer).x0
                                     and a.get_window_extent(renderer).x1 <= box.x1 + 1
                                     and box.y0 - 1 <= a.get_window_extent(renderer).y0
                                     and a.get_window_extent(renderer).y1 <= box.y1 + 1)]


def test_a_png_poster_is_a3_landscape_and_carries_its_notes(template):
    notes = notes_of(template)
    fig = poster(template, notes)
    text = ps.poster_text(template, notes, "en", organisation="Havgapet Rorbuer")
    data = ps.png_bytes(fig, {"Title": "Havgapet Rorbuer: Business Model Canvas", "Description": text})
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.width / image.height == pytest.approx(420 / 297, rel=0.005)
    assert image.width >= 2400  # 150 dpi: sharp when printed
    described = image.text["Description"]
    for block in template.blocks:
        assert f"{block.title_in('en')}:" in described
        assert f"- {block.title_in('en')} note 0" in described and f"- {block.title_in('en')} note 1" in described
    assert image.text["Title"] == "Havgapet Rorbuer: Business Model Canvas"
    assert "Software" not in image.text


def test_the_poster_has_the_title_grid_credits_date_and_revision(template):
    fig = poster(template, notes_of(template), lang="nb")
    drawn = [a.get_text() for a in fig.axes[0].texts]
    assert "Havgapet Rorbuer" in drawn and "Forretningsmodellkanvas" in drawn
    assert all(b.title_in("nb") in drawn for b in template.blocks)
    footer = "\n".join(drawn)
    assert "Strategyzer" in footer and "CC BY-SA 3.0" in footer
    assert "1. okt. 2025" in footer and t("poster.made", "nb", date=date(2025, 10, 1), n=4) in footer.replace("\n", " ")
    assert t("poster.private_legend", "nb") in footer.replace("\n", " ")  # a private note is drawn: say what blue means
    stickies = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(stickies) == 2 * len(template.blocks)


def test_an_unsaved_canvas_says_so(template):
    fig = poster(template, {}, revision=0)
    assert any(t("poster.made_unsaved", "en", date=date(2025, 10, 1)) in a.get_text() for a in fig.axes[0].texts)


def test_two_hundred_notes_are_counted_and_nothing_leaves_the_page(template, lang="sv"):
    words = "Guests from Trondheim come by train and stay two nights in the quiet weeks of autumn"
    notes = {b.id: [f"{i}: {words[: 20 + (i * 7) % 70]}" for i in range(200 if b.id == "key_partners" else 25)]
             for b in template.blocks}
    notes["value_propositions"] = ["W" * 400, "https://example.com/" + "x" * 380, HOSTILE * 3]
    fig = poster(template, notes, lang=lang)
    drawn = [a.get_text() for a in fig.axes[0].texts]
    overflow = [x for x in drawn if x.startswith("+")]
    assert overflow, "the notes that do not fit are counted"
    counted = [int(x.split()[0].lstrip("+")) for x in overflow]
    stickies = [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    assert len(stickies) + sum(counted) == 200 + 7 * 25 + 3  # every note is drawn or counted
    assert any(t("poster.more", lang, n=n).split(":")[0] in x for x, n in zip(overflow, counted))
    assert texts_outside(fig) == []


def test_notes_stay_inside_their_stickies(template):
    notes = {"customer_segments": ["W" * 300, "il " * 120, "Ærlig talt: fjellgløtt og ål " * 12, HOSTILE]}
    fig = poster(template, notes)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    stickies = [p.get_window_extent(renderer) for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]
    texts = [a for a in fig.axes[0].texts if any(w in a.get_text() for w in ("WWW", "il il", "Ærlig", "alert"))]
    assert len(texts) == len(stickies) == 4
    for text, sticky in zip(texts, stickies):
        box = text.get_window_extent(renderer)
        assert sticky.x0 <= box.x0 and box.x1 <= sticky.x1 + 1 and sticky.y0 - 1 <= box.y0 and box.y1 <= sticky.y1


def test_a_pdf_poster_is_one_a3_page_with_text(template):
    notes = {"channels": ["Booking through Visit Trondheim"], "key_partners": [HOSTILE]}
    data = ps.pdf_bytes(poster(template, notes), {"Title": "Poster", "Subject": "notes"})
    assert data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert len(pages) == 1
    assert pages[0] == pytest.approx(A3_POINTS, abs=0.5)
    text = pdf_text(data)
    assert "Booking through Visit Trondheim" in text
    assert "Havgapet Rorbuer" in text
    assert b"CreationDate" not in data


def test_hostile_markup_is_drawn_as_typed(template):
    fig = poster(template, {"key_partners": [HOSTILE]})
    drawn = "\n".join(a.get_text() for a in fig.axes[0].texts)
    assert r"\$x^{2}\$" in drawn  # escaped for matplotlib: no math mode
    ps.png_bytes(fig)  # math mode would fail on "$x^{2}$ <b>"
    text = pdf_text(ps.pdf_bytes(fig)).replace("\n", " ")
    for piece in ("<script>alert('x')</script>", "$x^{2}$", "<b>bold</b>", "\\textbf{y}"):
        assert piece in text


def test_the_batch_report_poster_draws_with_the_same_layout(template):
    notes = {b.id: [f"note {i}" for i in range(8)] for b in template.blocks}
    fig = fg.canvas_poster(template, notes, "sv", "Affärsmodellkanvas: Fjällbrasa")
    drawn = [a.get_text() for a in fig.axes[0].texts]
    assert "Affärsmodellkanvas: Fjällbrasa" in drawn and "+2" in drawn
    assert tuple(fig.get_size_inches()) == (11.7, 7.2)
    assert texts_outside(fig) == []
