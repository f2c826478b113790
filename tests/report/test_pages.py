"""The batch's pages as a person reads them: numbers, shares and money in their language, template
names, no filler words in the common tables, and a layout that fits a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from klynge.analysis.cluster import cluster_picture
from klynge.analysis.member import member_figures
from klynge.batch.data import MemberData
from klynge.canvases import default_registry
from klynge.model import CanvasDocument, Money, Note, Offer, Organisation
from klynge.progress import CANVASES
from klynge.report.pages import cluster_summary_html, member_report_html

from ..factories import fictional_orgnr

NBSP = "\u00a0"
LOW = [1, 2, 3, 4, 9, 10, 11, 12]
SEASON = [0.05] * 4 + [0.1] * 4 + [0.15, 0.05, 0.05, 0.05]


def _member(i: int, name: str, segments: list[str]) -> tuple[MemberData, dict]:
    org = Organisation(id=i, name=name, country="NO", orgnr=fictional_orgnr("NO", i, start=93_000_000, step=17),
                       municipality="5021", sector="activity")
    offers = (Offer(id=10 * i, organisation_id=i, title="Winter walk", kind="activity", municipality="5021",
                    months=[1, 2, 7], capacity_per_day=1200,
                    price=Money(amount=Decimal("1250.50"), currency="NOK", vat_included=True)),)
    notes = [Note(id=f"s{k}", block="customer_segments", text=text) for k, text in enumerate(segments)]
    canvases = {"business_model": CanvasDocument(template="business_model", notes=notes)}
    registry = default_registry()
    blocks = {tid: [b.id for b in registry.get(tid).blocks] for tid in CANVASES}
    analysis = member_figures(org, offers, canvases, None, area="oppdal", seasonality=SEASON, low_months=LOW,
                              template_blocks=blocks)
    return MemberData(organisation=org, offers=offers, canvases=canvases), analysis


A = _member(1, "Alfa", ["The families from Trondheim and their guests", "Hikers who want quiet autumn weekends"])
B = _member(2, "Beta", ["Families with small children from Trondheim", "Local guests and the hikers"])
C = _member(3, "Gamma", ["Familier fra Trondheim som vil ha ro", "Turgåere og andre gjester"])


def _text(html: str) -> str:
    """What a reader sees: the tags gone, entities undone."""
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang,share,price,capacity,canvas", [
    ("nb", f"66{NBSP}%", f"1{NBSP}250,50{NBSP}NOK per person inkl. mva.", f"1{NBSP}200 gjester per dag",
     "Forretningsmodellkanvas"),
    ("sv", f"66{NBSP}%", f"1{NBSP}250,50{NBSP}NOK per person inkl. moms", f"1{NBSP}200 gäster per dag",
     "Affärsmodellkanvas"),
    ("en", "66%", f"1,250.50{NBSP}NOK per person incl. VAT", "1,200 guests a day", "Business Model Canvas"),
])
def test_a_member_report_writes_shares_money_numbers_and_template_names_in_its_language(lang, share, price,
                                                                                       capacity, canvas):
    member, analysis = A
    picture = cluster_picture("Nysesong", {}, [A[1], B[1], C[1]])
    text = _text(member_report_html(member, analysis, picture, default_registry().get("business_model"), lang, "fp"))
    assert share in text  # 59 of 90 days of capacity lie in the low months
    assert price in text and capacity in text
    assert canvas in text and default_registry().get("social_layer").title_in(lang) in text
    assert not re.search(r"\b(business_model|value_proposition|social_layer|environmental_layer)\b", text)
    assert "0.67" not in text and "0,67" not in text and "67 %" not in text.replace(f"66{NBSP}%", "")


def test_the_cluster_report_leaves_filler_words_out_of_what_members_have_in_common():
    picture = cluster_picture("Nysesong", {}, [A[1], B[1], C[1]])
    terms = [row["term"] for row in picture["common"]["customer_segments"]["data"]]
    assert "families" in terms and "trondheim" in terms and "hikers" in terms
    for filler in ("the", "and", "from", "their", "guests", "local", "fra", "som", "og", "gjester"):
        assert filler not in terms, filler
    html = cluster_summary_html(picture, "nb", "fp")
    common = html[html.index("Felles kundesegmenter"):]
    assert ">the<" not in common and ">families<" in common


def test_the_cluster_report_writes_its_gaps_as_percentages_and_fits_a_phone():
    picture = cluster_picture("Nysesong", {}, [A[1], B[1], C[1]])
    html = cluster_summary_html(picture, "sv", "fp")
    text = _text(html)
    assert re.search(r"[+−-]?\d+,\d\u00a0%", text)  # a gap, as Swedish writes a share
    assert "@media (max-width:640px)" in html and '<meta name="viewport"' in html
    assert 'class="scroll"' in html and "overflow-x:auto" in html and "max-width:100%" in html
    # every table sits in a box that scrolls sideways on a phone
    assert html.count("<table") == html.count('<div class="scroll"><table')


def _lodging(i: int, name: str, kind: str, capacity: int, **price) -> tuple[MemberData, dict]:
    org = Organisation(id=i, name=name, country="NO", orgnr=fictional_orgnr("NO", i, start=93_000_000, step=17),
                       municipality="5021", sector="accommodation")
    offers = (Offer(id=10 * i, organisation_id=i, title=f"{kind} {i}", kind=kind, municipality="5021",
                    months=[1, 7], capacity_per_day=capacity, price=Money(amount=Decimal("450"), currency="NOK"),
                    **price),)
    analysis = member_figures(org, offers, {}, None, area="oppdal", seasonality=SEASON, low_months=LOW,
                              template_blocks={})
    return MemberData(organisation=org, offers=offers, canvases={}), analysis


@pytest.mark.parametrize("lang,beds,seats,price", [
    ("nb", "Senger (sengedøgn)", "Plasser (plassdager)", f"450{NBSP}NOK per natt for 2 inkl. mva."),
    ("sv", "Bäddar (bäddnätter)", "Platser (platsdagar)", f"450{NBSP}NOK per natt för 2 inkl. moms"),
    ("en", "Beds (bed-nights)", "Seats (seat-days)", f"450{NBSP}NOK per night for 2 incl. VAT"),
])
def test_the_reports_keep_a_hotels_beds_and_a_restaurants_seats_apart(lang, beds, seats, price):
    hotel = _lodging(1, "Hotellet", "accommodation", 40, price_guests=2)
    restaurant = _lodging(2, "Restauranten", "meal", 60)
    picture = cluster_picture("Nysesong", {}, [hotel[1], restaurant[1]])
    summary = _text(cluster_summary_html(picture, lang, "fp"))
    assert beds in summary and seats in summary
    sep = "," if lang == "en" else NBSP
    assert f"1{sep}240" in summary and f"1{sep}860" in summary  # January: 40 beds and 60 seats, 31 days
    assert f"3{sep}100" not in summary  # never their sum
    report = _text(member_report_html(hotel[0], hotel[1], picture, default_registry().get("business_model"), lang,
                                      "fp"))
    assert price in report and ("40 senger" in report or "40 bäddar" in report or "40 beds" in report)
