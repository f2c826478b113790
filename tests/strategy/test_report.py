"""The findings on the report pages: options with consequences, decisions, how we concluded, what it means for you."""

import json
from datetime import date

import pytest
from markupsafe import escape

from klynge.i18n import t
from klynge.report.html import page
from klynge.report.strategy import (
    concluded_section,
    findings_section,
    lessons_by_finding,
    member_options_section,
    text_of,
    workshops_by_finding,
)
from klynge.strategy import findings, findings_json

from .conftest import build, member, notes, offer, org


@pytest.fixture(scope="module")
def document(demo_data):
    return json.loads(findings_json(findings(demo_data), "fp"))


@pytest.fixture(scope="module")
def names(demo_data):
    return {m.organisation.id: m.organisation.name for m in demo_data.members}


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_every_finding_and_option_is_on_the_page_in_each_language(document, names, lang):
    html = str(findings_section(document, names, lang)) + str(concluded_section(document, names, lang))
    assert len(document["findings"]) >= 5
    for f in document["findings"]:
        assert f["id"] in html  # each finding's id heads its part of "How we concluded"
    assert "strategy." not in html.replace("strategy.confidence", "")  # no message key left unfilled


def test_a_decision_shows_beside_its_finding_and_one_on_a_gone_finding_is_kept_apart(document, names):
    f = next(f for f in document["findings"] if f["options"])
    option = f["options"][0]["id"]
    decisions = [{"finding_id": f["id"], "option_id": option, "outcome": "amended", "amendment": "only in October",
                  "reasoning": "the guides are busy in November", "decided_by": "the workshop",
                  "decided_on": "2026-11-30"},
                 {"finding_id": "low_season_gap:atlantis", "option_id": "x", "outcome": "rejected",
                  "reasoning": "no longer relevant", "decided_by": "board", "decided_on": "2026-10-01"}]
    html = str(findings_section(document, names, "en", decisions))
    assert "Chosen with changes" in html and "only in October" in html and "the guides are busy in November" in html
    assert "Decisions on findings the data no longer gives" in html and "low_season_gap:atlantis" in html


def test_a_closed_workshop_round_shows_beside_its_finding_with_its_ideas_as_text(document, names):
    f = next(f for f in document["findings"] if f["options"])
    idea = {"id": 1, "text": "<img src=x onerror=alert(1)> A food trail", "votes": 4, "group": "Food",
            "agreed": ["Kari", "Sigrid"], "author": "Kari", "organisation": "", "comments": [], "merged": []}
    on_option = {"round_id": 1, "subject_kind": "option", "subject_id": f"{f['id']}#{f['options'][0]['id']}",
                 "question": "How do we fill November?", "voters": 2, "closed_at": "2026-11-30T10:00:00+00:00",
                 "ideas": [idea], "decision": None}
    on_decision = {**on_option, "round_id": 2, "subject_kind": "decision", "subject_id": "7",
                   "question": "Do we agree?"}
    elsewhere = {**on_option, "round_id": 3, "subject_kind": "gap", "subject_id": "gap:fosen:11",
                 "question": "Fosen?"}
    by_finding = workshops_by_finding([on_option, on_decision, elsewhere], {7: f["id"]})
    assert [o["round_id"] for o in by_finding[f["id"]]] == [1, 2]
    html = str(findings_section(document, names, "en", (), by_finding))
    assert "Workshop: How do we fill November?" in html and "Workshop: Do we agree?" in html
    assert "&lt;img src=x onerror=alert(1)&gt; A food trail" in html and "<img src=x" not in html
    assert "Ideas: 1. People who voted: 2. Closed 2026-11-30." in html and "Kari, Sigrid" in html


@pytest.mark.parametrize("lang, title, assumed", [("en", "What we learned", "We assumed"),
                                                  ("nb", "Det vi lærte", "Vi antok"),
                                                  ("sv", "Det vi lärde oss", "Vi antog")])
def test_a_lesson_that_changed_a_finding_or_its_option_is_cited_beside_it_once(document, names, lang, title, assumed):
    f = next(f for f in document["findings"] if f["options"])
    option = f["options"][0]
    other = next(x for x in document["findings"] if x["id"] != f["id"])
    base = {"themes": [], "goals": [], "months": [], "organisation": "Fjellguidene",
            "created_at": "2026-12-01T10:00:00+00:00"}
    from_round = {**base, "id": 1, "assumed": "Guests come for the skiing", "saw": "<img src=x onerror=alert(1)> food",
                  "change": "Lead with the food", "source_kind": "round", "source_id": 4,
                  "source": "What fills November?", "source_day": "2026-11-30",
                  "links": [f["id"], f"{f['id']}#{option['id']}"]}
    from_concept = {**base, "id": 2, "assumed": "Pilgrims stay one night", "saw": "They stayed two",
                    "change": "Sell two nights", "source_kind": "concept", "source_id": 42,
                    "source": "Pilegrimsuka <b>to</b>", "source_stage": "tested", "organisation": "",
                    "links": [other["id"]]}
    erased = {**from_concept, "id": 4, "change": "Ask the herders first", "source": "", "source_stage": ""}
    round_gone = {**from_round, "id": 5, "assumed": "Hosts plan in spring", "change": "Ask the hosts in October",
                  "saw": "They plan in August", "source_id": 9191, "source": "",
                  "source_day": "", "links": [other["id"]]}
    by_finding = lessons_by_finding([from_round, from_concept, erased, round_gone])
    assert [x["id"] for x in by_finding[f["id"]]] == [1] and by_finding[f["id"]][0]["options"] == [option["id"]]
    html = str(findings_section(document, names, lang, (), None, by_finding))
    mine = html[html.index(str(escape(text_of(f["claim"], lang)))):]
    assert title in mine and assumed in mine and "Guests come for the skiing" in mine and "Lead with the food" in mine
    assert "What fills November?" in mine and str(escape(text_of(option["text"], lang))) in mine
    assert t("report.lessons.from_round", lang, question="What fills November?", day=date(2026, 11, 30)) in mine
    assert t("report.lessons.from_round_gone", lang) in html and "Ask the hosts in October" in html
    assert "9191" not in html  # a round that is gone is said so, never shown as a number
    assert "&lt;img src=x onerror=alert(1)&gt; food" in html and "<img src=x" not in html
    assert html.count("Guests come for the skiing") == 1  # linked to the finding and its option: cited once
    assert "Sell two nights" in html  # from a concept: named by its title and its stage now, escaped
    assert t("report.lessons.from_concept", lang, title=escape("Pilegrimsuka <b>to</b>"),
             stage=t("concept.stage.tested", lang)) in html
    assert t("report.lessons.from_concept_gone", lang) in html and "Ask the herders first" in html
    assert title not in str(findings_section(document, names, lang))  # nothing learned, nothing cited
    gone = {**from_concept, "id": 3, "change": "Drop the Atlantis trip", "links": ["low_season_gap:atlantis"]}
    html = str(findings_section(document, names, lang, (), None, lessons_by_finding([gone])))
    assert "low_season_gap:atlantis" in html and "Drop the Atlantis trip" in html  # kept, shown apart


def test_what_the_options_mean_for_a_member_lists_its_own_consequences_only(document, names):
    member_id = next(c["member"] for f in document["findings"] for o in f["options"] for c in o["consequences"])
    mine = [c for f in document["findings"] for o in f["options"] for c in o["consequences"]
            if c["member"] == member_id]
    html = str(member_options_section(document, member_id, names, "en"))
    assert "What the options mean for you" in html
    assert html.count("<tr>") == len(mine) + 1  # a header and one row per consequence for this member


def test_markup_in_a_shared_note_is_shown_as_text_never_as_markup():
    hostile = '<script>alert("x")</script>'
    members = [member(org(1, "Fjellguide"), [offer(11, 1, "activity")], notes(
                   ("s1", "customer_segments", f"Hikers from Oslo {hostile}"),
                   ("k1", "key_partners", "A hotel for the night and a restaurant"))),
               member(org(2, "Fjellstue"), [offer(21, 2, "accommodation")], notes(
                   ("s2", "customer_segments", "Hikers and skiers"))),
               member(org(3, "Seterkjøkken"), [offer(31, 3, "meal")], notes(
                   ("s3", "customer_segments", "Hungry hikers"),
                   ("k3", "key_partners", "Fjellguide brings the groups")))]
    document = json.loads(findings_json(findings(build(members)), "fp"))
    names = {i: f"<b>Member {i}</b>" for i in (1, 2, 3)}
    html = page("Report", "en", [findings_section(document, names, "en"), concluded_section(document, names, "en")])
    assert "<script>" not in html and "<b>Member" not in html
    assert any(f["kind"] == "value_chain" for f in document["findings"])
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
