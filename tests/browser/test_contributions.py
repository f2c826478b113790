"""Fees and in-kind hours in the real apps, on the demo cluster, in a real Chromium.

Ola (Fjellgløtt Guiding) logs 2,5 hours of package work on his Hours step and sees his total
grow; a day in the future is explained beside the day. Ingrid opens Fees & hours, marks Dolmsund
Taxi's invoiced fee paid, sees a second payment refused with the day it was paid, and downloads
the XLSX workbook, which holds the fee as paid. Both pages at 1366 and at 390 px, nothing wider
than the phone's screen.
"""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import expect

from klynge.formatting import day
from klynge.i18n import t
from klynge.model.contribution import today

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ORGANISATION = "Dolmsund Taxi og Minibuss"


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _shots(page, name: str, *parts: str) -> None:
    """Screenshots at 1366 and at 390 px, one with each of ``parts`` scrolled into view; nothing wider than a phone."""
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        settle(page)
        if size == "phone":
            _fits(page)
        for i, part in enumerate(parts):
            page.locator(part).first.scroll_into_view_if_needed()
            page.locator(part).first.evaluate("e => e.scrollIntoView({block: 'start'})")
            screenshot(page, f"{name}-{size}" + (f"-{i + 1}" if i else ""))


def test_a_participant_logs_hours_and_sees_the_total(served, browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("fjell2"))
    page.click(".klynge-nav-hours")
    expect(page.locator(".klynge-hours-page h1")).to_have_text(t("hours.title", "nb"))
    total = page.locator(".klynge-hours-total")
    expect(total).to_contain_text("Til sammen: 6 timer")  # the demo's course in October
    page.fill(".klynge-hours-day input", (today() + timedelta(days=2)).isoformat())
    page.fill(".klynge-hours-hours input", "2,5")
    page.click(".klynge-hours-save")
    expect(page.locator(".klynge-hours-page")).to_contain_text(t("error.klynge_day_future", "nb"))
    page.fill(".klynge-hours-day input", (today() - timedelta(days=1)).isoformat())
    page.select_option(".klynge-hours-activity select", label=t("hours.activity.package", "nb"))
    page.fill(".klynge-hours-note input", "Priser for januar")
    page.click(".klynge-hours-save")
    expect(page.locator(".klynge-hours-page")).to_contain_text(t("hours.logged", "nb"))
    expect(total).to_contain_text("Til sammen: 8,5 timer")
    expect(page.locator(".klynge-hours-list")).to_contain_text("Priser for januar")
    settle(page)
    assert_drawn(page, ".klynge-hours-list", ".klynge-hours-save")
    _shots(page, "hours", ".klynge-hours-page h1", ".klynge-hours-list")
    close(ctx)


def test_a_facilitator_marks_a_fee_paid_and_downloads_the_workbook(served, browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", device_scale_factor=1, accept_downloads=True)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-contributions")
    expect(page.locator(".klynge-contrib h1")).to_have_text(t("contrib.title", "nb"))
    expect(page.locator(".klynge-fees-table")).to_contain_text(ORGANISATION)
    expect(page.locator(".klynge-hours-totals")).to_be_visible()
    page.select_option(".klynge-fees-year select", label=str(2026))
    page.select_option(".klynge-fee-organisation select", label=ORGANISATION)
    page.select_option(".klynge-fee-status select", label=t("fees.mark.paid", "nb"))
    paid_on = today() - timedelta(days=1)
    page.fill(".klynge-fee-on input", paid_on.isoformat())
    page.click(".klynge-fee-save")
    status = page.locator(".klynge-contrib .klynge-fac-ok, .klynge-contrib .klynge-message").first
    expect(status).to_contain_text(t("fees.marked.paid", "nb", organisation=ORGANISATION, year=2026, day=paid_on))
    page.click(".klynge-fee-save")  # the same payment again
    expect(page.locator(".klynge-contrib")).to_contain_text(
        t("fees.error.already.paid", "nb", year=2026, day=paid_on))
    with page.expect_download() as info:
        page.click(".klynge-export-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    fees = {r[0]: r for r in book[t("export.fees.sheet", "nb")].iter_rows(min_row=2, values_only=True)}
    assert fees[ORGANISATION][5] == t("fees.status.paid", "nb") and fees[ORGANISATION][7].date() == paid_on
    assert len(fees) == 77
    settle(page)
    assert_drawn(page, ".klynge-fees-table", ".klynge-export-xlsx")
    assert day(paid_on, "nb") in page.inner_text(".klynge-fees-table")
    _shots(page, "contributions", ".klynge-contrib h1", ".klynge-hours-totals", ".klynge-contrib-save")
    close(ctx)
