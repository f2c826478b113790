"""Adding a lesson in the participant's "Lessons" step on a phone, by keyboard: it shows at the top of the log;
a facilitator names the concept a lesson comes from with the chooser, at 1 366 and 390 px, and reads its name;
and a lesson names its workshop round and the day it closed, or says the round is gone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from klynge.i18n import t
from klynge.model import Lesson
from klynge.store import schema as s

from ..factories import concept_at
from .conftest import assert_drawn, close, open_app, screenshot, settle
from .test_board import as_person, store_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOSTILE = "<img src=x onerror=window.__klyngeHit=1>"


def _write(page, assumed: str, saw: str, change: str) -> None:
    """Type what we assumed, saw and change into the lesson form."""
    for field, text in (("assumed", assumed), ("saw", saw), ("change", change)):
        page.fill(f".klynge-lesson-{field} textarea", text)


def test_a_participant_adds_a_lesson_on_a_phone_and_it_heads_the_log(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    try:
        page = open_app(ctx, served.link("gard"))
        page.click(".klynge-nav-lessons")
        expect(page.locator(".klynge-lessons-step h1")).to_have_text(t("lesson.step.title", "nb"))
        _write(page, "Gjestene kommer for skiene", "De spurte etter matturen først " + HOSTILE,
               "Vi leder vinterpakken med maten")
        page.fill(".klynge-lesson-themes input", "vintermat, lokal mat")
        page.click(".klynge-lesson-goal-12")
        page.click(".klynge-lesson-month-11")
        save = page.locator("button.klynge-lesson-save")
        save.focus()
        page.keyboard.press("Enter")  # a real button, reachable by keyboard
        expect(page.locator(".klynge-lesson-status")).to_contain_text("Lærdom")
        first = page.locator(".klynge-lesson").first
        expect(first).to_contain_text("Vi leder vinterpakken med maten")
        expect(first).to_contain_text("De spurte etter matturen først <img")  # hostile markup shows as text
        expect(first).to_contain_text("vintermat")
        assert page.evaluate("window.__klyngeHit") is None
        page.locator(".klynge-lessons-filter-theme select").select_option(label="vintermat")
        expect(page.locator(".klynge-lesson")).to_have_count(1)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the step is {width} px wide on a 390 px phone"
        settle(page)
        assert_drawn(page, ".klynge-lesson")
        screenshot(page, "lessons-participant-390")
    finally:
        close(ctx)


# -- a facilitator names the concept a lesson comes from ----------------------------------------------

WIDE = {"width": 1366, "height": 900}
TESTED, DROPPED = "Nordlysmiddag på fjellet", "Isfiske i mars"
# A long name: the chooser is as wide as its widest option unless told otherwise, and must still fit a phone.
LONG = "Åpen seter hele høsten, med melking, ysting og kveldsmat for familier som kommer med tog og buss fra byen"


def _concepts(served) -> None:
    """Concepts of Fjellguidene (with Kjerringa as partner) at several stages, made as their makers would."""
    with store_of(served) as store:
        kari = as_person(store, "fjell")
        for title, stage in ((DROPPED, "dropped"), (LONG, "idea"), (TESTED, "tested")):
            concept_at(store, kari, title, stage, served.ids["gard"])


def _chooser_labels(page) -> list[str]:
    """The chooser's options as a person reads them (the widget writes their spaces as no-break spaces)."""
    return [x.replace("\xa0", " ") for x in page.locator(".klynge-lesson-concept select option").all_inner_texts()]


def _shots(page, width: str) -> None:
    """The chooser in the form, and the lesson it named at the head of the log (the app scrolls inside)."""
    screenshot(page, f"lessons-facilitator-concept-form-{width}")
    page.locator(".klynge-lesson").first.scroll_into_view_if_needed()
    screenshot(page, f"lessons-facilitator-concept-log-{width}")


def test_a_facilitator_picks_the_concept_a_lesson_comes_from_and_sees_its_name_in_the_log(served, browser):
    _concepts(served)
    tested = t("lesson.concept_option", "nb", title=TESTED, stage=t("concept.stage.tested", "nb"))
    dropped = t("lesson.concept_option", "nb", title=DROPPED, stage=t("concept.stage.dropped", "nb"))
    ctx = browser.new_context(viewport=WIDE, locale="nb-NO", device_scale_factor=1)
    try:
        page = open_app(ctx, served.link("facilitator"))
        page.click(".klynge-nav-lessons")
        expect(page.locator(".klynge-lessons-page h1")).to_have_text(t("lesson.page.title", "nb"))
        _write(page, "Gjestene vil ha en guide hele kvelden", "De ville helst gå selv, med kart og lykt",
               "Vi selger nordlysmiddagen med kart og lykt")
        page.locator(".klynge-lesson-source-kind select").select_option(label=t("lesson.source.concept", "nb"))
        chooser = page.locator(".klynge-lesson-concept select")
        expect(chooser).to_be_visible()
        labels = _chooser_labels(page)
        assert labels[0] == t("lesson.concept_none", "nb")  # none until one is chosen
        assert labels.index(tested) < labels.index(f"{LONG} · {t('concept.stage.idea', 'nb')}") \
            < labels.index(dropped), labels  # tested first, dropped last
        chooser.select_option(label=tested)
        page.click("button.klynge-lesson-save")
        expect(page.locator(".klynge-lesson-status")).to_contain_text("Lærdom")
        first = page.locator(".klynge-lesson").first
        expect(first).to_contain_text("Vi selger nordlysmiddagen med kart og lykt")
        said = t("lesson.from_concept", "nb", title=TESTED, stage=t("concept.stage.tested", "nb"))
        expect(first.locator(".klynge-lesson-source")).to_have_text(said)  # its name and stage, not its number
        settle(page)
        assert_drawn(page, ".klynge-lesson", ".klynge-lesson-concept select")
        _shots(page, "1366")
    finally:
        close(ctx)

    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    try:  # on a phone, by keyboard: the chooser is a real select, reachable with Tab and chosen by typing
        page = open_app(ctx, served.link("facilitator"))
        page.click(".klynge-nav-lessons")
        expect(page.locator(".klynge-lesson-source").first).to_have_text(said)
        _write(page, "Isen holder hele mars", "Isen gikk i andre uke", "Isfiske bare til og med februar")
        page.locator(".klynge-lesson-source-kind select").select_option(label=t("lesson.source.concept", "nb"))
        chooser = page.locator(".klynge-lesson-concept select")
        expect(chooser).to_be_visible()
        page.locator(".klynge-lesson-source-kind select").focus()
        page.keyboard.press("Tab")
        expect(chooser).to_be_focused()
        page.keyboard.type("Isf")
        expect(chooser.locator("option:checked")).to_have_text(dropped)
        save = page.locator("button.klynge-lesson-save")
        save.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".klynge-lesson-status")).to_contain_text("Lærdom")
        first = page.locator(".klynge-lesson").first
        expect(first.locator(".klynge-lesson-source")).to_have_text(
            t("lesson.from_concept", "nb", title=DROPPED, stage=t("concept.stage.dropped", "nb")))
        box = chooser.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"the chooser is at {box}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px phone"
        settle(page)
        assert_drawn(page, ".klynge-lesson", ".klynge-lesson-concept select")
        _shots(page, "390")
    finally:
        close(ctx)


# -- a lesson names its workshop round, or says the round is gone ---------------------------------------

ASKED, GONE_ASKED = "Hva fyller november på fjellet?", "Hva gjør vi i påsken?"


def test_a_lesson_names_its_round_and_the_day_it_closed_or_says_the_round_is_gone(served, browser):
    with store_of(served) as store:
        fac, kari = as_person(store, "facilitator"), as_person(store, "fjell")
        stored = {}
        for question, change in ((GONE_ASKED, "Påskefjellet selger seg selv"),
                                 (ASKED, "Vi selger november med nordlys og mat")):
            rnd = store.open_round(fac, subject_kind="finding", subject_id="low_season_gap:5021",
                                   subject_title="Få gjester i november", question=question, minutes=30, dots=3)
            store.close_round(fac, rnd.id)
            stored[question] = store.add_lesson(kari, Lesson(assumed="Gjestene vil ha ski", saw="De spurte om mat",
                                                             change=change, source_kind="round", source_id=rnd.id))
        gone = stored[GONE_ASKED].lesson.source_id
        with store.engine.begin() as c:  # the lesson keeps only the round's id: the round may be gone
            c.execute(delete(s.workshop_rounds).where(s.workshop_rounds.c.id == gone))
    named = t("lesson.from_round", "nb", question=ASKED, day=stored[ASKED].source_day)
    for viewport, width in ((WIDE, "1366"), (PHONE, "390")):
        ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
        try:
            page = open_app(ctx, served.link("gard"))
            page.click(".klynge-nav-lessons")
            cards = page.locator(".klynge-lesson")
            named_card = cards.filter(has_text="Vi selger november med nordlys og mat")
            gone_card = cards.filter(has_text="Påskefjellet selger seg selv")
            expect(named_card.locator(".klynge-lesson-source")).to_have_text(named)
            expect(gone_card.locator(".klynge-lesson-source")).to_have_text(t("lesson.from_round_gone", "nb"))
            assert str(gone) not in gone_card.locator(".klynge-lesson-source").inner_text()  # never the round's id
            width_now = page.evaluate("document.documentElement.scrollWidth")
            assert width_now <= viewport["width"], f"the step is {width_now} px wide at {width} px"
            named_card.scroll_into_view_if_needed()
            settle(page)
            assert_drawn(page, ".klynge-lesson")
            screenshot(page, f"lessons-round-source-{width}")
            gone_card.locator(".klynge-lesson-source").scroll_into_view_if_needed()
            settle(page)
            screenshot(page, f"lessons-round-gone-{width}")
        finally:
            close(ctx)
