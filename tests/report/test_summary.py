"""The one-page member summary: one A4 page whatever the member has typed, text drawn as typed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from klynge.canvases import default_registry
from klynge.i18n import t
from klynge.model import CanvasDocument, Money, Note, Offer, Organisation
from klynge.report import summary as sm

from . import pdf_pages, pdf_text

HOSTILE = "<script>alert('x')</script> $x^{2}$ <b>bold</b>"
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)


@pytest.fixture(scope="module")
def template():
    return default_registry().get("business_model")


def organisation(**kw):
    return Organisation(**{"name": "Havgapet Rorbuer", "country": "NO", "orgnr": "974760673", "municipality": "5014",
                           "kind": "company", "phase": "launch", "certifications": ["miljofyrtarn"],
                           "needs": "Guests in November and transport from Trondheim.", **kw})


def offer(i: int) -> Offer:
    return Offer(title=f"Rorbu week {i}", kind="accommodation", municipality="5014", months=[9, 10, 11],
                 capacity_per_day=12, price=Money(amount=Decimal("3290"), currency="NOK"))


def canvas(template, per_block=2, text="Storm weekend"):
    return CanvasDocument(template="business_model", notes=[
        Note(id=f"{b.id}-{i}", block=b.id, text=f"{text} {b.id} {i}")
        for b in template.blocks for i in range(per_block)])


def test_the_summary_is_one_a4_page_with_profile_offers_canvas_and_goals(template):
    score = [0] * 17
    score[7], score[12] = 4, -2
    data = sm.summary_pdf(organisation(), [offer(1), offer(2)], canvas(template), template, score, "en",
                          made=date(2025, 10, 1), cluster="Nysesong")
    assert data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert len(pages) == 1 and pages[0] == pytest.approx(A4_POINTS, abs=0.5)
    text = pdf_text(data)
    for expected in ("Havgapet Rorbuer", "974760673", "Frøya", t("kind.company", "en"),
                     t("batch.phase.launch", "en"), "Guests in November", "Rorbu week 1", "Rorbu week 2",
                     "3,290 NOK", "Storm weekend customer_segments 0", t("summary.canvas", "en"),
                     t("batch.sdg_profile", "en"), "made Oct 1, 2025", "Nysesong", "CC BY-SA 3.0"):
        assert expected in text, expected
    for block in template.blocks:
        assert block.title_in("en") in text


def test_a_member_with_everything_still_gets_one_page(template):
    offers = [offer(i) for i in range(30)]
    long = "Long text about the quiet season and the guests we want " * 20
    data = sm.summary_pdf(organisation(needs=long[:2000]), offers, canvas(template, 12, long[:480]), template,
                          [3] * 17, "nb")
    assert len(pdf_pages(data)) == 1
    fig = sm.summary_figure(organisation(needs=long[:2000]), offers, canvas(template, 12, long[:480]), template,
                            [3] * 17, "nb")
    assert t("summary.more_offers", "nb", n=30 - sm.MAX_OFFERS) in [x.get_text() for x in fig.axes[0].texts]
    fig.canvas.draw()
    renderer, box = fig.canvas.get_renderer(), fig.bbox
    for text in fig.axes[0].texts:
        extent = text.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1


def test_a_new_member_gets_a_tidy_page_with_what_is_missing(template):
    data = sm.summary_pdf(organisation(certifications=[], needs=""), [], None, template, [0] * 17, "sv")
    text = pdf_text(data)
    assert t("summary.no_offers", "sv") in text and t("summary.no_sdg", "sv") in text
    assert t("summary.none", "sv") in text


def test_typed_markup_is_drawn_as_typed(template):
    doc = CanvasDocument(template="business_model", notes=[Note(id="h", block="channels", text=HOSTILE)])
    data = sm.summary_pdf(organisation(name="Havgapet <i>Rorbuer</i> $5"), [], doc, template, [0] * 17, "en")
    text = pdf_text(data)
    assert HOSTILE in text and "Havgapet <i>Rorbuer</i> $5" in text
