"""The learning log's page, form and the lessons under a closed round, headless on a real SQLite store."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from klynge.errors import Refused
from klynge.i18n import t
from klynge.model import Lesson
from klynge.model.concept import ConceptBody
from klynge.store import schema as s
from klynge.widgets.decisions_service import FindingChoice
from klynge.widgets.lesson_form import LessonForm, RoundLessons
from klynge.widgets.lessons_page import LessonsPage
from klynge.widgets.lessons_service import LessonsService, error_text, split_themes
from klynge.widgets.workshop_service import WorkshopService
from klynge.widgets.workshops_page import WorkshopsPage

from ..factories import concept_at

FINDINGS = [FindingChoice("low_season_gap:5021", "Few guests in November", (("A winter package", "winter"),))]


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the store's own tests run the same calls on PostgreSQL."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _fill(form: LessonForm, **values) -> None:
    form.assumed.value = values.get("assumed", "Guests come for the skiing")
    form.saw.value = values.get("saw", "They asked for the food trail first")
    form.change.value = values.get("change", "Lead the winter package with the food")
    form.themes.value = values.get("themes", "Winter food, pilgrim")
    for g in values.get("goals", (12,)):
        form.goals[g].value = True
    for m in values.get("months", (11,)):
        form.months[m].value = True


def test_a_participant_adds_a_lesson_and_finds_it_by_theme_goal_and_month(store, cluster):
    page = LessonsPage(LessonsService(store, cluster["who"]["fjell"]), "en")
    assert "No lessons yet" in page._list.value and page._tools.layout.display == "none"
    assert page._linking.layout.display == "none"  # a participant does not link lessons to findings
    _fill(page.form, saw="<img src=x onerror=alert(1)> asked for food")
    page.form.save_button.click()
    assert "Saved lesson" in page.form.status.value and page.form.assumed.value == ""
    assert "&lt;img src=x onerror=alert(1)&gt; asked for food" in page._list.value and "<img" not in page._list.value
    assert "Fjellguidene" in page._list.value and "SDG 12" in page._list.value and "Nov" in page._list.value
    _fill(page.form, themes="pilgrim", goals=(3,), months=(6,), change="Sell two nights")
    page.form.save_button.click()
    assert "2 of 2 lessons shown" in page._count.value
    assert page._list.value.index("Sell two nights") < page._list.value.index("Lead the winter")  # newest first
    page.theme.value = "winter food"
    assert "1 of 2" in page._count.value and "Sell two nights" not in page._list.value
    page.theme.value, page.goal.value = "", 3
    assert "Sell two nights" in page._list.value and "Lead the winter" not in page._list.value
    page.goal.value, page.month.value = 0, 12
    assert "No lesson matches" in page._list.value


def test_a_bad_lesson_is_refused_with_the_fields_named_in_the_readers_language(store, cluster):
    page = LessonsPage(LessonsService(store, cluster["who"]["fjell"]), "sv")
    _fill(page.form, change="   ")
    page.form.save_button.click()
    assert "Det vi ändrar" in page.form.status.value and 'role="alert"' in page.form.status.value
    page.form.change.value = "Sälj två nätter"
    page.form.source_kind.value = "round"
    assert page.form.round.layout.display is None and page.form.concept.layout.display == "none"
    page.form.save_button.click()  # no closed round to choose
    assert "vilken workshoprunda eller vilket koncept" in page.form.status.value
    page.form.source_kind.value = "concept"  # no concept in the cluster yet: the chooser offers none
    assert page.form.concept.options == (("Inget koncept", 0),) and page.form.concept.layout.display is None
    page.form.save_button.click()
    assert "vilken workshoprunda eller vilket koncept" in page.form.status.value
    with pytest.raises(Refused) as caught:  # the store still checks the concept is the cluster's
        page.service.save({**page.form.values(), "source_id": 42}, "sv")
    assert error_text(caught.value, "sv") == t("lesson.error.no_concept", "sv")
    assert error_text(caught.value, "sv").startswith("Det konceptet finns inte (längre) i det här klustret.")
    tested = store.start_concept(cluster["who"]["fjell"], ConceptBody(title="Pilegrimsuke"))
    page.form.source_kind.value = "none"
    page.form.source_kind.value = "concept"  # chosen again: the cluster's concepts are read afresh
    assert page.form.concept.options == (("Inget koncept", 0), ("Pilegrimsuke · Idé", tested.id))
    page.form.concept.value = tested.id
    page.form.save_button.click()
    assert "Lärdom" in page.form.status.value and "testet av konceptet ”Pilegrimsuke” (Idé)" in page._list.value
    assert f"koncept {tested.id}" not in page._list.value
    assert len(store.lessons(cluster["who"]["gard"])) == 1


def test_the_concept_chooser_lists_tested_and_launched_first_and_dropped_last_by_name_and_stage(store, cluster):
    who, gard = cluster["who"], cluster["orgs"]["gard"]
    made = {title: concept_at(store, who["fjell"], title, stage, gard).id for title, stage in (
        ("Åpen gård", "idea"), ("Isfiske <b>i mars</b>", "dropped"), ("Vinterens mattur", "tested"),
        ("Nordlysmiddag", "launched"), ("Fjellbad", "prototype"), ("Bærplukking", "concept"),
        ("Adventsmarked", "tested"))}
    concept_at(store, who["gard"], "Åpen gård", "idea", cluster["orgs"]["fjell"])  # the same name and stage twice
    page = LessonsPage(LessonsService(store, who["facilitator"]), "en")
    form = page.form
    form.source_kind.value = "concept"
    labels = [label for label, _id in form.concept.options]
    assert labels == ["No concept", "Adventsmarked · Tested", "Vinterens mattur · Tested", "Nordlysmiddag · Launched",
                      "Fjellbad · Prototype", "Bærplukking · Concept", "Åpen gård · Idea · Fjellguidene",
                      "Åpen gård · Idea · Gardsbutikken", "Isfiske <b>i mars</b> · Dropped"]
    assert form.concept.value == 0  # none until one is chosen: no concept is named by accident
    form.concept.value = made["Vinterens mattur"]
    _fill(form)
    form.save_button.click()
    assert "Saved lesson" in form.status.value
    assert "From the test of the concept “Vinterens mattur” (Tested)" in page._list.value
    page.lang = "nb"  # the chooser and the card follow the reader's language
    assert ("Vinterens mattur · Testet", made["Vinterens mattur"]) in form.concept.options
    assert form.concept.value == made["Vinterens mattur"]
    assert "Fra testen av konseptet «Vinterens mattur» (Testet)" in page._list.value
    form.concept.value = made["Isfiske <b>i mars</b>"]
    _fill(form, change="Ikke isfiske før vi vet at isen holder")
    form.save_button.click()
    assert "Fra testen av konseptet «Isfiske &lt;b&gt;i mars&lt;/b&gt;» (Lagt bort)" in page._list.value


def test_a_lesson_whose_concept_is_gone_says_so_and_keeps_it_when_edited(store, cluster):
    who = cluster["who"]
    concept = store.start_concept(who["gard"], ConceptBody(title="Gardsmat i november"))
    stored = store.add_lesson(who["fjell"], Lesson(assumed="A", saw="B", change="C", source_kind="concept",
                                                   source_id=concept.id))
    with store.engine.begin() as c:  # a lesson keeps only the concept's id
        c.execute(delete(s.concept_revisions).where(s.concept_revisions.c.concept_id == concept.id))
        c.execute(delete(s.concepts).where(s.concepts.c.id == concept.id))
    for lang, said in (("en", "From the test of a concept that was erased or is no longer there"),
                       ("nb", "Fra testen av et konsept som er slettet eller ikke finnes lenger"),
                       ("sv", "Från testet av ett koncept som har raderats eller inte finns längre")):
        page = LessonsPage(LessonsService(store, who["fjell"]), lang)
        assert said in page._list.value and f"{concept.id}" not in page._list.value.split("klynge-lesson-source")[1]
    page.edit_button.click()
    assert page.form.concept.options == (("Inget koncept", 0), ("Ett koncept som har raderats eller inte finns längre",
                                                                 concept.id))
    page.form.change.value = "C, said better"
    page.form.save_button.click()  # the concept is no longer the cluster's: said, not saved
    assert "Det konceptet finns inte (längre)" in page.form.status.value
    page.form.concept.value = 0
    page.form.source_kind.value = "none"
    page.form.save_button.click()
    assert store.lesson(who["fjell"], stored.id).lesson.source_kind == "none"


def test_an_edit_overtaken_by_another_save_is_said_not_written_over(store, cluster, add_colleague):
    who = cluster["who"]
    stored = store.add_lesson(who["fjell"], Lesson(assumed="A", saw="B", change="C", themes=["x"]))
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    mine, theirs = (LessonsPage(LessonsService(store, w), "en") for w in (who["fjell"], colleague))
    assert mine.pick.options == ((f"#{stored.id} · C", stored.id),)
    for page in (mine, theirs):
        page.edit_button.click()
        assert page.form.themes.value == "x" and page.form.save_button.description == "Save the edit"
    theirs.form.change.value = "C, said better"
    theirs.form.save_button.click()
    mine.form.change.value = "C, said otherwise"
    mine.form.save_button.click()
    assert "Kari Fjell saved this lesson in the meantime" in mine.form.status.value
    assert store.lesson(who["fjell"], stored.id).lesson.change == "C, said better"
    neighbour = LessonsPage(LessonsService(store, who["gard"]), "en")
    assert neighbour.pick.options == () and "C, said better" in neighbour._list.value  # reads it, may not edit it


def test_a_facilitator_links_a_lesson_to_the_findings_and_options_it_changed(store, cluster):
    who = cluster["who"]
    stored = store.add_lesson(who["gard"], Lesson(assumed="A", saw="B", change="C"))
    store.link_lesson(who["facilitator"], stored.id, ["economics:old"])
    page = LessonsPage(LessonsService(store, who["facilitator"], lambda _lang: FINDINGS), "en")
    assert page._linking.layout.display is None and page.pick.value == stored.id
    refs = [ref for _label, ref in page.links.options]
    assert refs == ["low_season_gap:5021", "low_season_gap:5021#winter", "economics:old"]  # a gone link stays
    assert page.links.value == ("economics:old",)
    page.links.value = ("low_season_gap:5021#winter",)
    page.link_button.click()
    assert "Linked" in page._linked.value
    assert store.lesson(who["fjell"], stored.id).links == ("low_season_gap:5021#winter",)
    assert "Few guests in November → A winter package" in page._list.value
    page.lang = "nb"
    assert "Læringslogg" in page._head.value and page.form.save_button.description == "Lagre lærdommen"


def test_a_lesson_names_its_round_and_the_day_it_closed_and_says_when_the_round_is_gone(store, cluster):
    who = cluster["who"]
    rnd = store.open_round(who["facilitator"], subject_kind="finding", subject_id="low_season_gap:5021",
                           subject_title="Few guests", question="Hva fyller <b>november</b>?", minutes=30, dots=3)
    store.close_round(who["facilitator"], rnd.id)
    stored = store.add_lesson(who["fjell"], Lesson(assumed="A", saw="B", change="C", source_kind="round",
                                                   source_id=rnd.id))
    for lang in ("nb", "sv", "en"):
        cards = LessonsPage(LessonsService(store, who["fjell"]), lang)._list.value
        said = t("lesson.from_round", lang, question="Hva fyller &lt;b&gt;november&lt;/b&gt;?", day=stored.source_day)
        assert said in cards and "<b>november" not in cards  # the question as text, with the day it closed
    with store.engine.begin() as c:  # a lesson keeps only the round's id
        c.execute(delete(s.workshop_rounds).where(s.workshop_rounds.c.id == rnd.id))
    for lang, said in (("en", "From a workshop round that is no longer there"),
                       ("nb", "Fra en workshoprunde som ikke finnes lenger"),
                       ("sv", "Från en workshoprunda som inte finns längre")):
        page = LessonsPage(LessonsService(store, who["fjell"]), lang)
        source = page._list.value.split("klynge-lesson-source")[1].split("</p>")[0]
        assert said in source and f"{rnd.id}" not in source
    page.edit_button.click()  # the form keeps the round chosen and says it is gone, in the reader's language
    assert page.form.round.options == (("En workshoprunda som inte finns längre", rnd.id),)
    assert page.form.round.value == rnd.id
    page.form.lang = "en"
    assert page.form.round.options == (("A workshop round that is no longer there", rnd.id),)
    page.form.change.value = "C, said better"
    page.form.save_button.click()  # the round is no longer the cluster's: said, not saved
    assert t("lesson.error.no_round", "en", id=rnd.id) in page.form.status.value
    assert store.lesson(who["fjell"], stored.id).version == 1


def test_the_workshops_page_offers_the_rounds_lessons_once_it_is_closed_on_the_board(store, cluster):
    who = cluster["who"]
    rnd = store.open_round(who["facilitator"], subject_kind="finding", subject_id="low_season_gap:5021",
                           subject_title="Few guests", question="What fills November?", minutes=30, dots=3)
    page = WorkshopsPage(WorkshopService(store, who["facilitator"]), "en", live=False)
    [lessons] = [x for x in page._holder.children if isinstance(x, RoundLessons)]
    assert lessons.layout.display == "none"  # the round still runs
    page.board._close.click()
    assert lessons.layout.display is None and "Lessons from this round" in lessons._head.value
    assert "0 lessons from this round" in lessons._list.value
    form = lessons.form
    assert form.source_kind not in form.children  # the source is the round
    _fill(form)
    form.save_button.click()
    assert "1 lesson from this round" in lessons._list.value and "Lead the winter package" in lessons._list.value
    assert '<article class="klynge-lesson"' in lessons._list.value  # drawn as cards, not as escaped markup
    [saved] = store.lessons(who["fjell"], round_id=rnd.id)
    assert saved.organisation_id is None and saved.source == "What fills November?"
    page.lang = "sv"
    assert "Lärdomar från den här rundan" in lessons._head.value and form.save_button.description == "Spara lärdomen"


def test_a_participants_workshop_step_has_no_lessons_form(store, cluster):
    from klynge.widgets.workshops_page import WorkshopStep

    who = cluster["who"]
    store.open_round(who["facilitator"], subject_kind="finding", subject_id="x:1", subject_title="X",
                     question="Q?", minutes=30, dots=3)
    step = WorkshopStep(WorkshopService(store, who["fjell"]), "en", live=False)
    assert not [x for x in step._holder.children if isinstance(x, RoundLessons)]


def test_themes_are_split_on_commas_semicolons_and_lines():
    assert split_themes(" winter food, pilgrim;\n\nsami culture ,") == ["winter food", "pilgrim", "sami culture"]
