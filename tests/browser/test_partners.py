"""The Partners step in the real app: ``klynge serve`` on the demo cluster, a real headless Chromium.

Kari of Fjellgløtt Guiding (Oppdal) opens Partners, keeps only members within the hour, opens a
suggestion with the keyboard and reads its reasons and the other member's shared profile; on a
phone (390 px) the same fits the screen. The tests only read the store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings
from klynge.widgets.partners_service import PartnersService

from .conftest import close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _expected(served, organisation_id: int, **filters):
    """The suggestions the page should show, from the same service on the server's database."""
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        from klynge.batch.data import batch_identity

        return PartnersService(store, batch_identity(store), organisation_id).suggestions(lang="nb", **filters)


def _open_partners(page) -> None:
    page.click(".klynge-nav-partners")
    page.wait_for_selector(".klynge-nav-partners.klynge-current")
    expect(page.locator(".klynge-partner").first).to_be_visible()


def test_a_participant_filters_to_within_the_hour_opens_a_suggestion_and_sees_its_reasons(served, browser):
    from .conftest import assert_drawn

    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
    page = open_app(ctx, served.link("fjell"))
    _open_partners(page)
    assert_drawn(page, ".klynge-partners-list", heading=t("partners.page.title", "nb"))
    near = _expected(served, served.ids["fjell"], within_hour=True, top=11)
    assert near and all(s.minutes <= 60 for s in near)
    page.check(".klynge-partners-within input")
    cards = page.locator(".klynge-partner")
    expect(cards).to_have_count(min(len(near), 10))
    expect(cards.first.locator("h3")).to_have_text(f"1. {near[0].name}")
    expect(cards.nth(min(len(near), 10) - 1).locator("h3")).to_contain_text(near[min(len(near), 10) - 1].name)
    # The button is reached from the keyboard: focus it and press Enter.
    cards.first.locator(".klynge-partner-open").focus()
    page.keyboard.press("Enter")
    detail = page.locator(".klynge-partner-detail")
    expect(detail).to_be_visible()
    for part in ("complementarity", "nearness", "low_season", "sdg", "phase"):
        expect(detail).to_contain_text(t(f"partners.page.part.{part}", "nb"))
    expect(detail).to_contain_text(t("partners.page.why.nearness_within", "nb", minutes=round(near[0].minutes)))
    expect(detail).to_contain_text(t("partners.page.profile", "nb", name=near[0].name))
    settle(page)
    assert_drawn(page, ".klynge-partner-detail")
    screenshot(page, "partners-desktop")
    close(ctx)


def test_partners_fit_a_phone_and_speak_swedish(served, browser):
    from .conftest import assert_drawn

    ctx = browser.new_context(viewport=PHONE, locale="sv-SE", has_touch=True, device_scale_factor=1)
    page = open_app(ctx, served.link("stuga"))
    _open_partners(page)
    expect(page.locator(".klynge-partners h1")).to_have_text(t("partners.page.title", "sv"))
    page.locator(".klynge-partner-open").first.click()
    expect(page.locator(".klynge-partner-detail")).to_contain_text(t("partners.page.reasons", "sv"))
    settle(page)
    assert_drawn(page, ".klynge-partner-detail")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in (".klynge-partners-within", ".klynge-partners-kind select", ".klynge-partner-open"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
    screenshot(page, "partners-phone")
    close(ctx)
