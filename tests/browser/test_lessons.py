"""Adding a lesson in the participant's "Lessons" step on a phone, by keyboard: it shows at the top of the log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOSTILE = "<img src=x onerror=window.__klyngeHit=1>"


def test_a_participant_adds_a_lesson_on_a_phone_and_it_heads_the_log(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    try:
        page = open_app(ctx, served.link("gard"))
        page.click(".klynge-nav-lessons")
        expect(page.locator(".klynge-lessons-step h1")).to_have_text(t("lesson.step.title", "nb"))
        page.fill(".klynge-lesson-assumed textarea", "Gjestene kommer for skiene")
        page.fill(".klynge-lesson-saw textarea", "De spurte etter matturen først " + HOSTILE)
        page.fill(".klynge-lesson-change textarea", "Vi leder vinterpakken med maten")
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
