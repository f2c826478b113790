"""The facilitator's Mobilisation page in the real app, on the demo cluster, in a real Chromium.

Ingrid opens Mobilisation: the funnel in a picture and in numbers, the referral tree, what is
missing against the targets and the follow-up groups; at desktop width and at 390 px with
nothing wider than the screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import SHOTS, assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_a_facilitator_sees_the_funnel_and_the_referral_tree(served, browser, viewport):
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-funnel")
    expect(page.locator(".klynge-funnel h1")).to_have_text(t("funnel.title", "nb"))
    expect(page.locator(".klynge-funnel-funnel img")).to_be_visible()
    expect(page.locator(".klynge-funnel-tree img")).to_be_visible()
    expect(page.locator(".klynge-funnel-stages")).to_contain_text(t("funnel.stage.invited", "nb"))
    expect(page.locator(".klynge-funnel-missing")).to_contain_text(t("funnel.missing_heading", "nb"))
    for group in ("silent", "not_started", "stopped"):
        expect(page.locator(".klynge-funnel-follow")).to_contain_text(t(f"funnel.group.{group}", "nb"))
    settle(page)
    assert_drawn(page, ".klynge-funnel-funnel", ".klynge-funnel-tree", ".klynge-funnel-follow")
    # The pictures are drawn, not broken: each has a width.
    widths = page.evaluate("[...document.querySelectorAll('.klynge-funnel img')].map(i => i.naturalWidth)")
    assert len(widths) == 2 and all(w > 100 for w in widths)
    name = "desktop" if viewport["width"] > 400 else "phone"
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"funnel-{name}")
    for part in ("tree", "missing", "follow"):  # the app scrolls inside itself: each section on its own too
        page.locator(f".klynge-funnel-{part}").screenshot(path=str(SHOTS / f"funnel-{name}-{part}.png"))
    close(ctx)
