"""The facilitator's Low season page in the real app, on the demo cluster, in a real Chromium.

Ingrid opens Low season: the heat map, the gaps in words and the low-season shares; at desktop
width and at 390 px with nothing wider than the screen. On the desktop she sets the package
settings: a negative rate is explained beside its field, a good one is saved.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_a_facilitator_sees_the_low_season_gaps_and_sets_the_package_settings(served, browser, viewport):
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-gaps")
    expect(page.locator(".klynge-gaps h1")).to_have_text(t("gaps.title", "nb"))
    expect(page.locator(".klynge-gaps-figure img")).to_be_visible()
    expect(page.locator(".klynge-gaps-season tbody tr").first).to_be_visible()
    expect(page.locator(".klynge-settings h2")).to_have_text(t("package_settings.title", "nb"))
    settle(page)
    assert_drawn(page, ".klynge-gaps-result", ".klynge-settings-save")
    name = "desktop" if viewport["width"] > 400 else "phone"
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The heat map keeps a readable size and scrolls sideways inside its own box.
        box = page.evaluate("(() => { const r = document.querySelector('.klynge-gaps-result .klynge-fac-scroll')"
                            ".getBoundingClientRect(); return [r.right, document.querySelector("
                            "'.klynge-gaps-figure img').getBoundingClientRect().width]; })()")
        assert box[0] <= PHONE["width"] and box[1] >= 600
    else:
        page.fill(".klynge-settings-rate input", "-1")
        page.click(".klynge-settings-save")
        expect(page.locator(".klynge-settings")).to_contain_text(t("package_settings.rate_positive", "nb"))
        page.fill(".klynge-settings-rate input", "0,97")
        page.click(".klynge-settings-save")
        expect(page.locator(".klynge-settings")).to_contain_text(t("package_settings.saved", "nb"))
    screenshot(page, f"gaps-{name}")
    close(ctx)
