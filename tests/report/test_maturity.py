"""The cluster report's "Maturity" section with no, one and two snapshots, hostile labels, every language."""

from __future__ import annotations

import base64
import html as html_text
import io
import re
from datetime import date

import pytest
from PIL import Image

from klynge.canvases import default_registry
from klynge.model import MaturityAnswers, MaturitySnapshot, MemberFigures, score
from klynge.report.maturity import latest_per_round, maturity_section, score_rows

HOSTILE = "<img src=x onerror=alert('klynge')>"


@pytest.fixture(scope="module")
def framework():
    return default_registry().get("cluster_self_assessment")


def _snapshot(framework, round: str, taken: date, answers: dict, members: dict | None = None) -> MaturitySnapshot:
    given = MaturityAnswers(round=round, respondent="facilitator", answers=answers)
    return MaturitySnapshot(round=round, taken_on=taken, score=score(framework, [given]), members=members or {})


def _figures(offers: int, share: float | None, actions: int) -> MemberFigures:
    return MemberFigures(offers=offers, low_season_share=share, sdg_actions=actions)


def _text(html: str) -> str:
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _pngs(html: str) -> list[Image.Image]:
    found = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    return [Image.open(io.BytesIO(base64.b64decode(d))) for d in found]


def test_without_a_snapshot_one_sentence_says_how_to_take_one(framework):
    for lang, words in (("en", "Take a snapshot of the round"), ("nb", "Ta et øyeblikksbilde av runden"),
                        ("sv", "Ta en ögonblicksbild av omgången")):
        html = str(maturity_section([], framework, lang))
        assert words in html and html.count("<p>") == 1 and "<img" not in html
    assert "Decisions &amp; maturity" in str(maturity_section([], None, "en"))


def test_one_snapshot_shows_scores_as_bars_and_a_table_the_next_steps_and_the_unanswered_count(framework):
    one = _snapshot(framework, "Arena 2026 spring", date(2026, 5, 30),
                    {"services_offer": 1, "services_feedback": 2, "relations_trust": 4, "goals_measurable": 5},
                    {"Fjellguidene": _figures(2, 0.25, 1)})
    html = str(maturity_section([one], framework, "en"))
    text = _text(html)
    assert "Self-assessment Arena 2026 spring, snapshot taken May 30, 2026." in text
    assert "20 of 24 questions were not answered; they are left out of every score." in text
    assert "level “Ready for Arena”" in text and "from 1 respondent." in text
    (bars,) = _pngs(html)
    assert bars.width > 400 and bars.height > 200
    # the table has the figure's numbers: services 1.5 on the scale 1 to 5 is an eighth of it
    rows = {r["area"]: r for r in score_rows(one, framework, "en")}
    assert rows["Services"]["average"] == "1.5" and rows["Services"]["share"] == "12%"
    assert rows["Relations"]["answered"] == 1 and rows["Relations"]["unanswered"] == 1
    assert rows["Resource base"]["average"] == "–"  # unanswered: no score, not a zero
    assert "<td>Services</td><td>1.5</td><td>12%</td>" in html
    # the next steps: the lowest areas first
    assert text.index("Next steps") < text.index("Services (1.5)") < text.index("Relations (4)")
    assert "Pick two or three services" in text
    assert "the trend shows from the next round" in text and "From " not in text
    assert "Fjellguidene" in text and "25%" in text  # the members' figures, folded


def test_two_snapshots_show_what_matured_declined_and_whose_figures_moved_by_name(framework):
    spring = _snapshot(framework, "Spring", date(2026, 5, 30), {"services_offer": 2, "relations_trust": 4},
                       {"Fjellguidene": _figures(1, 0.2, 0), "Gardsbutikken": _figures(3, 0.5, 1),
                        "Bygdemuseet": _figures(1, None, 0)})
    autumn = _snapshot(framework, "Autumn", date(2026, 11, 30), {"services_offer": 4, "relations_trust": 2},
                       {"Fjellguidene": _figures(3, 0.5, 2), "Gardsbutikken": _figures(3, 0.5, 1),
                        "Stugbyn i Åre": _figures(2, 0.4, 0)})
    text = _text(str(maturity_section([spring, autumn], framework, "en")))
    assert "Self-assessment Autumn" in text and "From Spring to Autumn" in text
    assert "Matured Services: 2 → 4" in text and "Declined Relations: 4 → 2" in text
    assert "Fjellguidene: offers 1 → 3; low-season share 20% → 50%; SDG actions 0 → 2" in text
    assert "Gardsbutikken:" not in text  # its figures did not move
    assert "not compared" not in text
    third = _snapshot(framework, "Winter", date(2027, 2, 1), {"services_offer": 4, "resource_members": 3})
    later = _text(str(maturity_section([spring, autumn, third], framework, "en")))
    assert "From Autumn to Winter" in later and "Matured" not in later and "Declined Relations" not in later
    assert "Answered in one of the two rounds only (not compared) Resource base: – → 3 Relations: 2 → –" in later
    assert "New members Stugbyn i Åre" in text and "Members no longer in Bygdemuseet" in text
    nb = _text(str(maturity_section([spring, autumn], framework, "nb")))
    assert "Modnet Tjenester: 2 → 4" in nb and "andel i lavsesongen 20 % → 50 %" in nb
    sv = _text(str(maturity_section([spring, autumn], framework, "sv")))
    assert "Mognade" in sv and "Gick tillbaka" in sv and "Från Spring till Autumn" in sv


def test_a_round_snapshotted_again_counts_once_with_its_latest_snapshot(framework):
    first = _snapshot(framework, "Spring", date(2026, 5, 1), {"services_offer": 1})
    second = _snapshot(framework, "Autumn", date(2026, 11, 1), {"services_offer": 3})
    again = _snapshot(framework, "Spring", date(2026, 11, 2), {"services_offer": 5})
    assert latest_per_round([first, second, again]) == [second, again]
    text = _text(str(maturity_section([first, second, again], framework, "en")))
    assert "From Autumn to Spring" in text and "Services: 3 → 5" in text  # never Spring against itself
    same = _text(str(maturity_section([first, second, second], framework, "en")))
    assert "From Spring to Autumn" in same


def test_nothing_changed_is_said_and_an_unknown_framework_names_areas_by_id(framework):
    a = _snapshot(framework, "Spring", date(2026, 5, 1), {"services_offer": 3})
    b = _snapshot(framework, "Autumn", date(2026, 11, 1), {"services_offer": 3})
    assert "No area matured or declined, and no member's figures moved." in _text(
        str(maturity_section([a, b], framework, "en")))
    html = str(maturity_section([a, b], None, "en"))
    assert "<td>services</td>" in html and "self-assessment cluster_self_assessment is no longer found" in html
    assert len(_pngs(html)) == 1
    every = {q.id: 4 for q in framework.questions}
    full = _text(str(maturity_section([_snapshot(framework, "Full", date(2026, 1, 1), every)], framework, "sv")))
    assert "Alla 24 frågor har besvarats." in full


def test_hostile_markup_in_a_round_label_and_a_member_name_is_escaped(framework):
    before = _snapshot(framework, f"Spring {HOSTILE}", date(2026, 5, 1), {"services_offer": 2},
                       {f"Fjell {HOSTILE}": _figures(1, 0.1, 0)})
    after = _snapshot(framework, f"Autumn {HOSTILE}", date(2026, 11, 1), {"services_offer": 4},
                      {f"Fjell {HOSTILE}": _figures(2, 0.1, 0)})
    for snapshots in ([before], [before, after]):
        for lang in ("nb", "sv", "en"):
            html = str(maturity_section(snapshots, framework, lang))
            assert "<img src=x" not in html  # the only images are the figures' data: URLs
            assert "&lt;img src=x onerror=alert(&#39;klynge&#39;)&gt;" in html
