"""The facilitator's Meetings and Network pages in the real app, on the demo cluster, in a real Chromium.

Ingrid plans a meeting of every member within the hour and sees who no venue serves in time
(Tännäsbäckens Fjällgård, far south in Härjedalen), with the map; then the partner network.
At desktop width and at 390 px. The tests only read the store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FAR = "Tännäsbäckens Fjällgård"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_a_facilitator_plans_a_meeting_and_sees_who_is_outside_the_hour(served, browser, viewport):
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-meetings")
    expect(page.locator(".klynge-meetings h1")).to_have_text(t("meetings.page.title", "nb"))
    page.click(".klynge-meetings-plan")
    outside = page.locator(".klynge-meetings-outside")
    expect(outside).to_contain_text(t("meetings.page.outside", "nb", limit="60", n=1).split("(")[0].strip())
    expect(outside).to_contain_text(FAR)
    expect(page.locator(".klynge-meetings-figure img")).to_be_visible()
    settle(page)
    assert_drawn(page, ".klynge-meetings-result table")
    page.click(".klynge-meetings-who summary")
    expect(page.locator(".klynge-meetings-who tr.klynge-fac-stuck")).to_contain_text(FAR)
    name = "desktop" if viewport["width"] > 400 else "phone"
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"meetings-{name}")

    page.click(".klynge-nav-network")
    expect(page.locator(".klynge-network h1")).to_have_text(t("network.page.title", "nb"))
    expect(page.locator(".klynge-network-figure img")).to_be_visible()
    expect(page.locator(".klynge-network-gaps li").first).to_be_visible()
    settle(page)
    assert_drawn(page, ".klynge-network-body")
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    close(ctx)
