"""The concept board in a real browser: a participant starts a concept, promotes it to a concept and then to a
prototype, and sees its card move from column to column. Screenshots at 1 366 and 390 px.

Kari (Fjellguidene) names a concept, fills in what the concept stage needs (Gardsbutikken as partner,
November and January, a price range), and moves it on. Asked to move it to a prototype without a
package and a test plan, the page names each missing field; with them, the card moves to the prototype
column. The last move is made from the keyboard (focus the button, press Enter).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Vinterens mattur <img src=x onerror=window.__klyngeHit=1>"


def _card(page, stage: str):
    return page.locator(f".klynge-concepts-column-{stage} .klynge-concepts-card", has_text=TITLE)


def test_a_participant_promotes_a_concept_to_prototype_and_sees_it_move_on_the_board(served, browser):
    ctx = browser.new_context(viewport=WIDE, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("fjell"))
    page.click(".klynge-nav-concepts")
    expect(page.locator(".klynge-concepts h1")).to_have_text(t("concept.title", "nb"))
    page.fill(".klynge-concepts-new-title input", TITLE)
    page.click(".klynge-concepts-start")
    expect(_card(page, "idea")).to_be_visible()
    editor = page.locator(".klynge-concepts-editor")
    expect(editor).to_be_visible()

    for name, text in (("customer", "Par fra Trondheim"), ("job", "En helg uten bil"),
                       ("experience", "Guidet tur og gårdsmiddag"), ("sustainability", "Lokal mat, buss og tog")):
        page.fill(f".klynge-concepts-{name} textarea", text)
    page.click(f".klynge-concepts-partner-{served.ids['gard']}")
    page.click(".klynge-concepts-month-11")
    page.click(".klynge-concepts-month-1")
    page.fill(".klynge-concepts-price-from input", "2500")
    page.fill(".klynge-concepts-price-to input", "4200")
    page.click(".klynge-concepts-promote")
    expect(_card(page, "concept")).to_be_visible()
    expect(_card(page, "idea")).to_have_count(0)
    expect(_card(page, "concept")).to_contain_text("Kjerringa")  # the partner, on the card
    _card(page, "concept").locator(".klynge-concepts-open").click()

    # Asked to move on without a package and a test plan, the page names what is missing.
    page.click(".klynge-concepts-promote")
    said = page.locator(".klynge-concepts-said")
    for name in ("package", "plan_what", "plan_how", "plan_with_whom", "plan_by"):
        expect(said).to_contain_text(t(f"concept.field.{name}", "nb"))

    page.locator(".klynge-concepts-package select").select_option(index=1)
    page.fill(".klynge-concepts-plan-what textarea", "Betaler par 3 000 kroner?")
    page.fill(".klynge-concepts-plan-how textarea", "To testhelger")
    page.fill(".klynge-concepts-plan-with-whom input", "Ti par blant gjestene våre")
    page.fill(".klynge-concepts-plan-by input", "2027-02-01")
    page.locator(".klynge-concepts-promote").focus()  # reached from the keyboard
    page.keyboard.press("Enter")
    expect(_card(page, "prototype")).to_be_visible()
    expect(_card(page, "concept")).to_have_count(0)
    expect(page.locator(".klynge-concepts-status")).to_contain_text(
        t("concept.promoted", "nb", stage=t("concept.stage.prototype", "nb")))
    assert page.evaluate("window.__klyngeHit") is None
    settle(page)
    assert_drawn(page, ".klynge-concepts-board", ".klynge-concepts-picture img")
    screenshot(page, "concepts-1366")

    page.set_viewport_size(PHONE)
    page.locator(".klynge-concepts-chooser select").select_option(label=t("concept.stage.prototype", "nb"))
    expect(page.locator(".klynge-concepts-column")).to_have_count(1)
    expect(_card(page, "prototype")).to_be_visible()
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "concepts-390")
    _card(page, "prototype").locator(".klynge-concepts-open").click()
    expect(editor).to_be_visible()
    expect(page.locator(".klynge-concepts-promote")).to_have_text(
        t("concept.promote", "nb", stage=t("concept.stage.tested", "nb")))
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "concepts-editor-390")
    close(ctx)
