"""The facilitator app in a real browser: members and their progress, keys, reports; and a member's own report."""

from __future__ import annotations

import re

from klynge import operations as ops
from klynge.batch import run_batch
from klynge.canvases import default_registry
from klynge.model import Note
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import PEOPLE, close, open_app

PHONE = {"width": 390, "height": 844}


def _member(served, name: str) -> tuple[Identity, int]:
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, PEOPLE[name])
        who = Identity(person_id=person.id, role="participant", organisation_id=person.organisation_id,
                       cluster_id=store.cluster(ops.SYSTEM).id, name=person.name)
    return who, person.organisation_id


def _cell(page, org: int, column: int) -> str:
    return page.locator(f".klynge-members-row[data-org='{org}'] td").nth(column).inner_text()


def test_the_facilitator_sees_a_members_progress_change_after_the_member_saves(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    assert page.url.partition("#")[0].endswith("/voila/render/facilitator.ipynb")  # the fragment names the step
    page.wait_for_selector(".klynge-members-row")
    who, org = _member(served, "regionjh")
    environmental = 4  # after the name, the profile, the business model and the value proposition
    before = _cell(page, org, environmental)
    done = int(re.search(r"(\d+) av 9", before).group(1))

    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:  # the member saves, as the app would save for them
        doc, rev = store.canvas(who, org, "environmental_layer")
        filled = {n.block for n in doc.notes if n.text.strip()}
        template = default_registry().get("environmental_layer")
        block = next(b.id for b in template.blocks if b.id not in filled)
        store.save_canvas(who, org, "environmental_layer",
                          [*doc.notes, Note(id="browser-progress", block=block, text="Ombruk av utstyr")],
                          rev.number or None)

    page.click(".klynge-members-reload")
    page.wait_for_function(
        "([org, col, text]) => document.querySelector(`.klynge-members-row[data-org='${org}']`)"
        "?.querySelectorAll('td')[col]?.innerText.includes(text)",
        arg=[org, environmental, f"{done + 1} av 9"])
    assert "i dag" in page.locator(f".klynge-members-row[data-org='{org}']").inner_text()
    close(ctx)


def test_the_facilitator_invites_a_person_and_sees_the_link_once(served, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.wait_for_selector(".klynge-members-row")
    page.fill(".klynge-members-name input", "Nora Nyansatt")
    page.fill(".klynge-members-email input", "nora@browser-invite.example")
    page.click(".klynge-members-invite")
    page.wait_for_selector(".klynge-fac-confirm >> text=Invitere Nora Nyansatt")
    page.click(".klynge-members-yes")
    page.wait_for_selector(".klynge-members-link input")
    link = page.input_value(".klynge-members-link input")
    assert link.startswith(served.url + "/signin?key=")
    assert "vises bare denne ene gangen" in page.inner_text(".klynge-fac-link")
    page.click(".klynge-nav-batch")
    page.click(".klynge-nav-members")
    page.wait_for_selector(".klynge-members-link input", state="hidden")
    assert link not in page.content()  # shown once
    close(ctx)


def test_the_reports_page_labels_its_choices(served, context):
    page = open_app(context, served.link("facilitator"))
    page.click(".klynge-nav-batch")
    page.wait_for_selector(".klynge-batch")
    body = page.inner_text(".klynge-batch")
    assert "Lag rapportene" in body and "Språk i rapportene" in body
    label = page.locator(".klynge-batch-language label")
    assert label.inner_text() == "Språk i rapportene"
    box = label.bounding_box()
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1") and box["width"] > 50  # not cut off


def test_a_member_downloads_their_own_report_in_the_participant_app(served, browser):
    who, org = _member(served, "regionjh")
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    summary = run_batch(settings, members=[org], workers=1, progress=False)
    assert summary.ok, summary.failed
    ctx = browser.new_context(viewport=PHONE, locale="sv-SE", accept_downloads=True, device_scale_factor=1)
    page = open_app(ctx, served.link("regionjh"))
    page.click(".klynge-nav-exports")
    button = page.locator(".klynge-exports-own-report-html")
    button.wait_for()
    page.wait_for_function("() => !document.querySelector('.klynge-exports-own-report-html').disabled")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".html")
    html = open(download.path(), encoding="utf-8").read()
    assert who.name and "Region" in html and "<!DOCTYPE html>" in html
    close(ctx)


def test_a_participant_cannot_open_the_facilitator_app(served, context):
    page = context.new_page()
    page.goto(served.link("gard"))
    page.wait_for_selector(".klynge-app")
    page.goto(served.url + "/voila/render/facilitator.ipynb")
    page.wait_for_selector(".klynge-notice")
    assert "Lag rapportene" not in page.inner_text("body") and "fasilitatorer" in page.inner_text("body")

