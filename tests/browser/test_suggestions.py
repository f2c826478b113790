"""The facilitator's package ideas in the real app, on the demo cluster, in a real Chromium at 390 px.

Ingrid asks for two package ideas for October; while the optimiser works the Run button is
disabled and a progress bar shows; then each idea is a card with its parts, why it was chosen,
what held it back and whether the optimum is proven. The test only reads the store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_facilitator_gets_package_ideas_on_a_phone(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-suggestions")
    expect(page.locator(".klynge-suggest h1")).to_have_text(t("suggest.page.title", "nb"))
    october = t("batch.months", "nb").split(",")[9]
    page.locator(".klynge-suggest-months select").select_option(label=october)
    page.locator(".klynge-suggest-count input").fill("2")
    page.locator(".klynge-suggest-count input").press("Enter")
    page.click(".klynge-suggest-run")
    expect(page.locator(".klynge-suggest-working")).to_be_visible()
    cards = page.locator(".klynge-suggest-card")
    expect(cards.first).to_be_visible(timeout=90_000)
    assert 1 <= cards.count() <= 2
    first = cards.first
    expect(first.locator(".klynge-suggest-parts li").nth(1)).to_be_visible()
    expect(first).to_contain_text(t("suggest.page.why", "nb"))
    expect(first).to_contain_text(t("suggest.page.bound", "nb"))
    expect(first.locator(".klynge-suggest-status")).to_contain_text("Bevist")
    expect(page.locator(".klynge-suggest-run")).to_be_enabled()
    settle(page)
    assert_drawn(page, ".klynge-suggest-result")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first.scroll_into_view_if_needed()
    screenshot(page, "suggestions-phone")
    close(ctx)
