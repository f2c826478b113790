"""The facilitator's "Decisions & maturity" page in the real app, at 390 px, in a real Chromium.

Ingrid records a decision (typed ids when no batch has made findings yet, else from the list),
with hostile markup in the reasoning that must stay text, then answers a self-assessment
question and sees the round's scores as bars. Nothing may be wider than the phone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOSTILE = "<img src=x onerror=window.__klyngeHit=1>"


def test_a_facilitator_records_a_decision_and_answers_the_self_assessment_on_a_phone(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-decisions")
    expect(page.locator(".klynge-decisions h1")).to_have_text(t("decisions.title", "nb"))
    typed = page.locator(".klynge-decisions-finding-id input")
    if typed.is_visible():  # no batch has made findings yet: the ids are typed
        typed.fill("gap:browser")
        page.fill(".klynge-decisions-option-id input", "winter-weekend")
    page.fill(".klynge-decisions-reasoning textarea", "Tre medlemmer kan ta imot gjester " + HOSTILE)
    page.fill(".klynge-decisions-by input", "Fjellguidene, Gardsbutikken")
    page.click(".klynge-decisions-save")
    expect(page.locator(".klynge-decisions-status")).to_contain_text("Lagret")
    expect(page.locator(".klynge-decisions-list")).to_contain_text("Tre medlemmer kan ta imot gjester " + HOSTILE)
    assert page.evaluate("window.__klyngeHit") is None
    settle(page)
    assert_drawn(page, ".klynge-decisions-list")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "decisions-phone")

    page.locator(".lm-TabBar-tab", has_text=t("maturity.tab", "nb")).click()
    expect(page.locator(".klynge-maturity h1")).to_be_visible()
    page.locator(".klynge-maturity-q-services_offer select").select_option(label="2 · I liten grad")
    page.click(".klynge-maturity-save")
    expect(page.locator(".klynge-maturity-status")).to_contain_text("Svarene er lagret")
    expect(page.locator(".klynge-maturity-scores .klynge-dm-bar").first).to_be_visible()
    expect(page.locator(".klynge-maturity-steps")).to_contain_text("Tjenester")
    settle(page)
    assert_drawn(page, ".klynge-maturity-scores")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "maturity-phone")
    close(ctx)
