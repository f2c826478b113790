"""The facilitator's Findings page in the real app, on the demo cluster, in a real Chromium.

Ingrid makes the reports when no batch has made findings yet, opens a value chain's finding,
follows an evidence row to a member's shared note and reads it as it is now, records the
members' decision on the finding from there, makes the reports again and finds the decision's
reasoning beside the finding in the new cluster report. At 1366 px, and the finding again at 390 px.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings
from klynge.store import Identity
from klynge.widgets.findings_service import FindingsService

from .conftest import PEOPLE, assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# A whole batch over the demo: minutes on a busy machine.
BATCH = 900_000


def _findings(served) -> Path:
    return served.home / "outputs" / "cluster" / "findings.json"


def _with_note(served) -> tuple[dict, str] | None:
    """A value chain's finding of the latest run and the text (as it is now) of a shared note its evidence names."""
    path = _findings(served)
    if not path.is_file():
        return None
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, PEOPLE["facilitator"])
        who = Identity(person_id=person.id, role=person.role, cluster_id=1, name=person.name)
        service = FindingsService(store, who, settings.outputs)
        for f in json.loads(path.read_text(encoding="utf-8"))["findings"]:
            if f["kind"] != "value_chain" or not f["options"]:
                continue
            for e in f["evidence"]:
                if e["source"] == "note" and not e["stale"]:
                    ids = e["ids"]
                    note = service.note(ids["member"], ids["template"], ids["note"], "nb")
                    if note is not None and note.text == e.get("text"):
                        return f, note.text
    return None


def _run_batch(page) -> None:
    """Make the reports from the Reports page and wait until the cluster's picture is ready."""
    page.click(".klynge-nav-batch")
    page.wait_for_selector(".klynge-batch-start")
    if not page.is_checked(".klynge-batch-resume input"):
        page.check(".klynge-batch-resume input")
    page.wait_for_function("() => !document.querySelector('.klynge-batch-start').disabled")
    page.click(".klynge-batch-start")
    expect(page.locator(".klynge-batch-outcome")).to_contain_text(t("batch.panel.cluster_done", "nb"),
                                                                  timeout=BATCH)


def _open_finding(page, finding: dict, shot: str = ""):
    """Open the Findings page, narrow it to the finding's kind and words, and open the finding; its card.

    With ``shot``, the narrowed list is kept as a screenshot of that name first."""
    page.click(".klynge-nav-findings")
    expect(page.locator(".klynge-findings h1")).to_have_text(t("findings.title", "nb"))
    page.locator(".klynge-findings-kind-filter select").select_option(
        label=t(f"report.strategy.kind.{finding['kind']}", "nb"))
    page.fill(".klynge-findings-search input", finding["subject"])
    page.press(".klynge-findings-search input", "Enter")
    card = page.locator(".klynge-findings-card", has=page.locator(f'[data-finding="{finding["id"]}"]'))
    expect(card).to_be_visible()
    if shot:
        settle(page)
        assert_drawn(page, ".klynge-findings-card")
        screenshot(page, shot)
    card.locator(".klynge-findings-open").click()
    expect(card.locator(".klynge-findings-body")).to_be_visible()
    return card


def _read_note(card, text: str) -> None:
    row = card.locator(".klynge-findings-note-row", has_text=text[:40]).first
    row.locator(".klynge-findings-read-note").click()
    expect(row.locator(".klynge-findings-note-text")).to_have_text(text)


def test_a_facilitator_follows_a_finding_to_a_note_records_a_decision_and_sees_it_in_the_new_report(served, browser):
    if _with_note(served) is None:  # no batch has made findings yet (or only for a few members)
        ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", device_scale_factor=1)
        _run_batch(open_app(ctx, served.link("facilitator")))
        close(ctx)
    found = _with_note(served)
    assert found, "the demo's findings name no shared note"
    finding, text = found

    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", device_scale_factor=1, accept_downloads=True)
    page = open_app(ctx, served.link("facilitator"))
    card = _open_finding(page, finding, "findings-list-desktop")
    expect(card.locator(".klynge-findings-option").first).to_be_visible()
    _read_note(card, text)
    settle(page)
    assert_drawn(page, ".klynge-findings-note")
    screenshot(page, "findings-desktop")

    card.locator(".klynge-findings-decide").click()
    expect(page.locator(".klynge-decisions h1")).to_have_text(t("decisions.title", "nb"))
    expect(page.locator(".klynge-decisions-finding select option:checked")).to_contain_text(finding["id"])
    reasoning = f"Vi prøver kjeden sammen fra vinteren ({int(time.time())})"
    page.fill(".klynge-decisions-reasoning textarea", reasoning)
    page.fill(".klynge-decisions-by input", "Styret i klyngen")
    page.click(".klynge-decisions-save")
    expect(page.locator(".klynge-decisions-status")).to_contain_text("Lagret")

    _run_batch(page)
    with page.expect_download() as info:
        page.click(".klynge-batch-get-cluster")
    report = page.context.new_page()
    report.goto(Path(info.value.path()).as_uri())
    body = report.evaluate("document.body.textContent")
    claim = finding["claim"]["nb"]
    assert claim in body and reasoning in body
    start = body.index(claim)
    after = [body.find(f["claim"]["nb"], start + len(claim)) for f in json.loads(
        _findings(served).read_text(encoding="utf-8"))["findings"] if f["id"] != finding["id"]]
    end = min([i for i in after if i > start], default=len(body))
    assert start < body.index(reasoning) < end, "the decision is not beside its finding"
    close(ctx)

    phone = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    page = open_app(phone, served.link("facilitator"))
    card = _open_finding(page, finding, "findings-list-phone")
    expect(card.locator(".klynge-findings-decisions")).to_contain_text(reasoning)
    _read_note(card, text)
    settle(page)
    assert_drawn(page, ".klynge-findings-note")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "findings-phone")
    close(phone)
