"""Personal data rights in a real browser: a participant downloads their data; a facilitator erases a person."""

from __future__ import annotations

import json

import pytest

from klynge import operations as ops
from klynge.i18n import t
from klynge.model import Lesson, Organisation, Person
from klynge.settings import load_settings
from klynge.store import Identity

from ..factories import fictional_orgnr
from .conftest import assert_drawn, close, open_app, screenshot, settle

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def people(served):
    """A participant of fjell no other test signs in as, and the only person of a new organisation."""
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    with ops.store_for(settings) as store:
        cluster = store.cluster(ops.SYSTEM).id
        rita = store.add_person(ops.SYSTEM, Person(name="Rita Rettighet", email="rita@rights-browser.example",
                                                   organisation_id=served.ids["fjell"]), cluster)
        key = store.issue_key(ops.SYSTEM, rita, settings.server_secret(), settings.key_days)
        as_rita = Identity(person_id=rita, role="participant", organisation_id=served.ids["fjell"], cluster_id=cluster,
                           name="Rita Rettighet")
        said = {"assumed": "Gjestene bestiller tidlig", "saw": "De bestilte en uke før", "change": "Åpne salget senere"}
        lesson = store.add_lesson(as_rita, Lesson.model_validate(said))  # a lesson she wrote, and edited once
        store.revise_lesson(as_rita, lesson.id, Lesson.model_validate({**said, "change": "Åpne salget i oktober"}), 1)
        org = store.add_organisation(ops.SYSTEM, Organisation(
            name="Einebu Gard", country="NO", orgnr=fictional_orgnr("NO", 1, start=93_500_000, step=17),
            municipality="5021", sector="food"), cluster)
        eli = store.add_person(ops.SYSTEM, Person(name="Eli Eneste", email="eli@rights-browser.example",
                                                  organisation_id=org), cluster)
    return {"rita": ops.signin_link(settings, key), "eli": eli, "settings": settings}


def test_a_participant_downloads_their_data(served, browser, people):
    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", accept_downloads=True, device_scale_factor=1)
    page = open_app(ctx, people["rita"])
    page.click(".klynge-nav-exports")
    button = page.locator(".klynge-rights-download")
    button.wait_for()
    button.scroll_into_view_if_needed()
    summary = page.inner_text(".klynge-rights-mine")
    assert "rita@rights-browser.example" in summary and t("rights.part.lessons", "nb") in summary
    assert t("rights.part.workshop_votes", "nb") not in summary  # a part with nothing of hers is folded away
    page.click(".klynge-rights-empty summary")
    summary = page.inner_text(".klynge-rights-mine")
    for part in ("attendance_rows_resolved_to_them", "last_changed.offers", "workshop_votes"):  # and listed there
        assert t(f"rights.part.{part}", "nb") in summary
    page.click(".klynge-rights-empty summary")  # folded again for the pictures
    assert page.inner_text(".klynge-rights-of") == f"({t('rights.history.lesson', 'nb')}: 1)"  # what she saved over
    with page.expect_download() as info:
        button.click()
    record = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert record["person"]["name"] == "Rita Rettighet" and record["person"]["email"] == "rita@rights-browser.example"
    assert record["sessions"] and "digest" not in json.dumps(record)
    page.wait_for_selector(".klynge-rights-mine .klynge-fac-ok")
    settle(page)
    assert_drawn(page, ".klynge-rights-mine", ".klynge-rights-download")
    screenshot(page, "rights-mydata-1366")
    page.set_viewport_size(PHONE)
    settle(page)
    page.locator(".klynge-rights-download").scroll_into_view_if_needed()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the page is {width} px wide on a phone"
    screenshot(page, "rights-mydata-390")
    close(ctx)
    with ops.store_for(people["settings"]) as store:
        assert "export_person" in [e.action for e in store.audit_log(ops.SYSTEM)]


def test_a_facilitator_erases_the_only_person_of_an_organisation_and_reads_the_audit_log(served, browser, people):
    ctx = browser.new_context(viewport=DESKTOP, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-members")
    page.wait_for_selector(".klynge-rights-person select")
    page.select_option(".klynge-rights-person select", label="Eli Eneste · eli@rights-browser.example")
    page.click(".klynge-rights-ask")
    question = page.locator(".klynge-rights-erase .klynge-fac-confirm")
    question.wait_for()
    text = question.inner_text()
    assert "Slette Eli Eneste (eli@rights-browser.example)?" in text and "Einebu Gard har da ingen" in text
    question.scroll_into_view_if_needed()
    settle(page)
    screenshot(page, "rights-erase-1366")
    page.set_viewport_size(PHONE)
    settle(page)
    question.scroll_into_view_if_needed()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the page is {width} px wide on a phone"
    screenshot(page, "rights-erase-390")
    page.click(".klynge-rights-yes")
    page.wait_for_selector(".klynge-rights-status >> text=Eli Eneste er slettet")
    page.wait_for_selector(".klynge-audit-row[data-action=erase_person]")
    page.locator(".klynge-rights-audit h2").evaluate("e => e.scrollIntoView({block: 'start'})")
    settle(page)
    assert_drawn(page, ".klynge-rights-audit", ".klynge-audit-row[data-action=erase_person]")
    assert "tidligere deltaker" in page.inner_text(".klynge-audit-row[data-action=erase_person]")
    screenshot(page, "rights-audit-390")
    page.set_viewport_size(DESKTOP)
    settle(page)
    page.locator(".klynge-rights-audit h2").evaluate("e => e.scrollIntoView({block: 'start'})")
    screenshot(page, "rights-audit-1366")
    close(ctx)
    with ops.store_for(people["settings"]) as store:
        assert store.erasure_plan  # the person is gone from the people who may sign in
        assert people["eli"] not in [p.id for p in store.people(ops.SYSTEM)]
