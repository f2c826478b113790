"""Events in the real app, on the demo cluster, in a real Chromium: the facilitator creates an event and
uploads a Zoom report, and sees whom it matched and the row it did not; a participant signs up for the
January course. At 1366 and at 390 px.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from klynge.events import zoom_report
from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [DESKTOP, PHONE]


def _report() -> bytes:
    day = datetime(2026, 12, 2)
    at = lambda h, m: day.replace(hour=h, minute=m)  # noqa: E731
    return zoom_report([("Kari Nergård", "kari@fjellglott.example", at(10, 0), at(12, 0)),
                        ("Sigrid Hoel", "SIGRID@kjerringa.example", at(10, 5), at(11, 35)),
                        ("iPhone (Gjest)", "", at(10, 20), at(11, 0))], topic="Verksted 3")


def _drawn_and_shot(page, shown: str, shot: str, phone: bool) -> None:
    """The step drew ``shown`` with nothing wrong, fits a phone's width when on one, and its screenshot."""
    settle(page)
    assert_drawn(page, shown)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, shot)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["desktop", "phone"])
def test_a_facilitator_creates_an_event_and_uploads_a_zoom_report(served, browser, viewport):
    name = "desktop" if viewport is DESKTOP else "phone"
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-events")
    expect(page.locator(".klynge-events h1")).to_have_text(t("events.title", "nb"))
    expect(page.locator(".klynge-events-list")).to_contain_text("Kurs – salg gjennom turoperatører")
    title = f"Verksted 3 ({name})"
    page.fill(".klynge-events-title input", title)
    page.fill(".klynge-events-starts input", "2026-12-02T10:00")
    page.press(".klynge-events-starts input", "Tab")
    page.fill(".klynge-events-ends input", "2026-12-02T12:00")
    page.press(".klynge-events-ends input", "Tab")
    page.select_option(".klynge-events-venue-kind select", label=t("events.venue.municipality", "nb"))
    page.select_option(".klynge-events-municipality select", label="Oppdal")
    page.fill(".klynge-events-link input", "https://zoom.example/j/81230030003")
    page.fill(".klynge-events-agenda textarea", "Pakkene <b>fra</b> lerretene")
    page.fill(".klynge-events-materials textarea", "Pakkeskisser | https://nysesong.example/pakker.pdf")
    page.click(".klynge-events-save")
    expect(page.locator(".klynge-events-status")).to_contain_text(t("events.saved", "nb", title=title))
    expect(page.locator(".klynge-events-list")).to_contain_text(title)
    expect(page.locator(".klynge-events-pick select option:checked")).to_contain_text(title)
    with page.expect_file_chooser() as chooser:  # the upload button opens the browser's file chooser
        page.click(".klynge-events-upload")
    chooser.value.set_files(files=[{"name": "zoom.csv", "mimeType": "text/csv", "buffer": _report()}])
    result = page.locator(".klynge-events-imported")
    expect(result).to_contain_text(t("events.import.matched", "nb", n=2))
    expect(result).to_contain_text(t("events.import.unmatched", "nb", n=1))
    expect(page.locator(".klynge-events-unmatched")).to_contain_text("iPhone (Gjest)")
    expect(page.locator(".klynge-events-people")).to_contain_text("Kari Nergård")
    _drawn_and_shot(page, ".klynge-events-people", f"events-facilitator-{name}", name == "phone")
    page.locator(".klynge-events-unmatched").scroll_into_view_if_needed()
    screenshot(page, f"events-facilitator-unmatched-{name}")
    page.click(".klynge-events-unmatched .klynge-events-dismiss")
    expect(page.locator(".klynge-events-unmatched .klynge-events-dismiss")).to_have_count(0)
    # the January course at Brattøra: members from Jämtland and Oppdal are beyond the hour
    page.select_option(".klynge-events-pick select", label=page.locator(
        ".klynge-events-pick select option", has_text="Kurs – salg").first.inner_text())
    expect(page.locator(".klynge-events-far")).to_contain_text("Fjällbrasa Stugby")
    settle(page)
    assert_drawn(page, ".klynge-events-people")
    page.locator(".klynge-events-far").scroll_into_view_if_needed()
    screenshot(page, f"events-facilitator-far-{name}")
    page.locator(".klynge-events-form").scroll_into_view_if_needed()
    screenshot(page, f"events-facilitator-form-{name}")
    close(ctx)


@pytest.mark.parametrize(("viewport", "who"), [(DESKTOP, "gard"), (PHONE, "fjell2")], ids=["desktop", "phone"])
def test_a_participant_signs_up_for_the_course(served, browser, viewport, who):
    name = "desktop" if viewport is DESKTOP else "phone"
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link(who))
    page.click(".klynge-nav-events")
    expect(page.locator(".klynge-my-events h1")).to_have_text(t("my_events.title", "nb"))
    course = page.locator(".klynge-events-item").filter(has_text="Kurs – salg gjennom turoperatører")
    expect(course).to_contain_text("Kaihotellet Brattøra")
    expect(course.locator("a", has_text="Sjekkliste for turoperatører")).to_have_attribute(
        "href", "https://nysesong.example/kurs/sjekkliste.pdf")
    course.locator(".klynge-my-events-sign-up").focus()
    page.keyboard.press("Enter")  # reachable and usable from the keyboard
    expect(page.locator(".klynge-my-events")).to_contain_text(
        t("my_events.signed_up", "nb", title="Kurs – salg gjennom turoperatører"))
    expect(course.locator(".klynge-my-events-cancel")).to_be_visible()
    if who == "gard":  # Sigrid was at the kick-off
        expect(page.locator(".klynge-events-attended")).to_contain_text("Oppstart for Nysesong")
    _drawn_and_shot(page, ".klynge-events-card", f"events-participant-{name}", name == "phone")
    close(ctx)
