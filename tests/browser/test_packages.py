"""The Packages step in the real app: ``klynge serve`` on the demo cluster, real headless Chromium, three people.

Kari of Fjellgløtt Guiding (Oppdal) puts a package together from her musk-ox safari, Kjerringa
Gårdsmat's dinner and Fjällbrasa Stugby's pilgrim bed, each found with the offer search; she
chooses October, reads that the bed is closed then and why, keeps September only and saves.
Sigrid of Kjerringa, in a browser of her own, finds the package in her app and accepts; Anna of
Fjällbrasa does the same on a phone, in Swedish. Kari, back at her list, reads that it is agreed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Moskus, middag og pilegrimsseng"
PARTS = (("Høstmoskus", "Høstmoskus og fjellfoto"), ("stabburet", "Middag i stabburet"),
         ("Pilgrimsbädd", "Pilgrimsbädd med frukost"))


def _open_packages(page) -> None:
    page.click(".klynge-nav-packages")
    page.wait_for_selector(".klynge-nav-packages.klynge-current")
    expect(page.locator(".klynge-packages h1")).to_be_visible()


def _answer(browser, served, who: str, lang: str, viewport: dict, shot: str) -> None:
    """``who`` opens the package from their list and accepts taking part."""
    locale = {"nb": "nb-NO", "sv": "sv-SE"}[lang]
    ctx = browser.new_context(viewport=viewport, locale=locale, has_touch=viewport is PHONE)
    page = open_app(ctx, served.link(who))
    _open_packages(page)
    card = page.locator(".klynge-package-card").filter(has_text=TITLE)
    expect(card).to_contain_text(t("packages.not_agreed", lang))
    card.locator(".klynge-packages-open").click()
    reader = page.locator(".klynge-packages-reader")
    expect(reader).to_be_visible()
    for _search, title in PARTS:
        expect(reader).to_contain_text(title)
    page.locator(".klynge-packages-accept").focus()  # reached from the keyboard: focus it and press Enter
    page.keyboard.press("Enter")
    expect(reader.locator(".klynge-packages-status")).to_contain_text(t("packages.accepted", lang))
    settle(page)
    assert_drawn(page, ".klynge-packages-reader")
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for selector in (".klynge-packages-accept", ".klynge-packages-withdraw", ".klynge-packages-reader textarea"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
    screenshot(page, shot)
    close(ctx)


def test_a_member_builds_a_package_with_two_others_who_accept_it_and_it_is_agreed(served, browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO")
    page = open_app(ctx, served.link("fjell"))
    _open_packages(page)
    page.click(".klynge-packages-new")
    studio = page.locator(".klynge-packages-studio")
    expect(studio).to_be_visible()
    page.fill(".klynge-profile-p-title input", TITLE)
    page.click(".klynge-packages-month-9")
    page.click(".klynge-packages-month-10")
    search = page.locator(".klynge-packages-search input")
    for words, title in PARTS:
        search.fill(words)
        search.press("Enter")
        found = page.locator(".klynge-package-offer").filter(has_text=title)
        expect(found).to_have_count(1)
        found.locator(".klynge-packages-add").click()
        expect(page.locator(".klynge-package-part").filter(has_text=title)).to_be_visible()
    expect(page.locator(".klynge-package-part")).to_have_count(3)
    # October: the pilgrim bed is closed then, and the check says so, with when it is open.
    checks = page.locator(".klynge-packages-checks")
    closed = t("package_check.closed", "nb", part="Pilgrimsbädd med frukost", number=3,
               month=t("board.month.10", "nb"))
    expect(checks.locator(".klynge-check-error").filter(has_text=closed)).to_have_count(1)
    settle(page)
    assert_drawn(page, ".klynge-packages-checks", heading=t("packages.title", "nb"))
    screenshot(page, "packages-closed-month-desktop")
    page.click(".klynge-packages-month-10")
    expect(checks).to_contain_text(t("package_check.months_open", "nb", months=t("board.month.9", "nb")))
    expect(checks).not_to_contain_text(closed)
    page.click(".klynge-packages-save")
    expect(studio.locator(".klynge-packages-status")).to_contain_text(t("packages.saved", "nb", n=1))
    expect(studio).to_contain_text(t("packages.pending", "nb", names="Kjerringa Gårdsmat, Fjällbrasa Stugby"))

    _answer(browser, served, "gard", "nb", DESKTOP, "packages-accept-desktop")
    _answer(browser, served, "stuga", "sv", PHONE, "packages-accept-phone")

    page.click(".klynge-packages-studio .klynge-packages-close")
    card = page.locator(".klynge-package-card").filter(has_text=TITLE)
    expect(card).to_contain_text(t("packages.agreed", "nb"))
    expect(card).to_contain_text(t("packages.accepted_by", "nb", names="Kjerringa Gårdsmat, Fjällbrasa Stugby"))
    settle(page)
    assert_drawn(page, ".klynge-package-card")
    screenshot(page, "packages-agreed-desktop")
    close(ctx)


def test_the_studio_fits_a_phone(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", has_touch=True)
    page = open_app(ctx, served.link("fjell2"))
    _open_packages(page)
    page.click(".klynge-packages-new")
    expect(page.locator(".klynge-package-offer").first).to_be_visible()
    page.locator(".klynge-package-offer .klynge-packages-add").first.click()
    expect(page.locator(".klynge-package-part")).to_have_count(1)
    settle(page)
    assert_drawn(page, ".klynge-packages-studio")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in (".klynge-packages-month-9", ".klynge-packages-save", ".klynge-packages-search input",
                     ".klynge-package-part .klynge-packages-remove"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (selector, box)
    screenshot(page, "packages-studio-phone")
    close(ctx)
