"""The facilitator's "Decisions & maturity" page in the real app, at 390 px, in a real Chromium.

Ingrid records a decision (typed ids when no batch has made findings yet, else from the list),
with hostile markup in the reasoning that must stay text, then answers a self-assessment
question and sees the round's scores as bars. Nothing may be wider than the phone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t

from .conftest import assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
HOSTILE = "<img src=x onerror=window.__klyngeHit=1>"


def test_a_facilitator_records_a_decision_and_answers_the_self_assessment_on_a_phone(served, browser):
    ctx = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-decisions")
    expect(page.locator(".klynge-decisions h1")).to_have_text(t("decisions.title", "nb"))
    typed = page.locator(".klynge-decisions-finding-id input")
    if typed.is_visible():  # no batch has made findings yet: the ids are typed
        typed.fill("gap:browser")
        page.fill(".klynge-decisions-option-id input", "winter-weekend")
    page.fill(".klynge-decisions-reasoning textarea", "Tre medlemmer kan ta imot gjester " + HOSTILE)
    page.fill(".klynge-decisions-by input", "Fjellguidene, Gardsbutikken")
    page.click(".klynge-decisions-save")
    expect(page.locator(".klynge-decisions-status")).to_contain_text("Lagret")
    expect(page.locator(".klynge-decisions-list")).to_contain_text("Tre medlemmer kan ta imot gjester " + HOSTILE)
    assert page.evaluate("window.__klyngeHit") is None
    settle(page)
    assert_drawn(page, ".klynge-decisions-list")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "decisions-phone")

    page.locator(".lm-TabBar-tab", has_text=t("maturity.tab", "nb")).click()
    expect(page.locator(".klynge-maturity h1")).to_be_visible()
    page.locator(".klynge-maturity-q-services_offer select").select_option(label="2 · I liten grad")
    page.click(".klynge-maturity-save")
    expect(page.locator(".klynge-maturity-status")).to_contain_text("Svarene er lagret")
    expect(page.locator(".klynge-maturity-scores .klynge-dm-bar").first).to_be_visible()
    expect(page.locator(".klynge-maturity-steps")).to_contain_text("Tjenester")
    settle(page)
    assert_drawn(page, ".klynge-maturity-scores")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "maturity-phone")
    close(ctx)


def test_an_edit_keeps_the_people_named_by_id_and_an_erased_one_reads_as_a_former_participant(served, browser):
    """A decision names a member's participant and an erased person by id: the form shows the name and "a former
    participant", and saving an edit of the reasoning keeps both ids; on a wide screen and on a phone."""
    from datetime import date

    from klynge import operations as ops
    from klynge.model import Decision, Person
    from klynge.settings import load_settings

    from .conftest import PEOPLE

    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
        cid = store.cluster(ops.SYSTEM).id
        living = store.person_by_email(ops.SYSTEM, PEOPLE["dnt2"])
        gone = store.add_person(ops.SYSTEM, Person(name="Gunn Borte", email="gunn.borte@example.no",
                                                   organisation_id=living.organisation_id), cid)
        store.erase_person(ops.SYSTEM, gone)
        stored = store.record_decision(ops.SYSTEM, Decision(
            finding_id="gap:ids", option_id="winter-weekend", outcome="chosen", reasoning="Ids are kept",
            decided_by=[living.id, "Museet", gone], decided_on=date(2026, 11, 5)), cluster_id=cid)
    for name, viewport, lang in (("desktop", {"width": 1366, "height": 900}, "sv"), ("phone", PHONE, "nb")):
        ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
        page = open_app(ctx, served.link("facilitator"))
        if lang == "sv":
            page.select_option(".klynge-lang select", label="Svenska")
        page.click(".klynge-nav-decisions")
        shown = f"{living.name}, Museet, {t('decisions.decider.former', lang)}"
        expect(page.locator(".klynge-decisions-list")).to_contain_text(shown)
        pick = page.locator(".klynge-decisions-pick select")
        pick.select_option(value=pick.locator("option", has_text="gap:ids").first.get_attribute("value"))
        page.click(".klynge-decisions-edit")
        expect(page.locator(".klynge-decisions-by input")).to_have_value(shown)
        page.fill(".klynge-decisions-reasoning textarea", f"Ids are kept ({name})")
        page.click(".klynge-decisions-save")
        expect(page.locator(".klynge-decisions-status")).to_contain_text(t("decisions.saved_ok", lang, version="")[:5])
        settle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.locator(".klynge-decisions-by input").scroll_into_view_if_needed()
        screenshot(page, f"decisions-ids-{name}")
        close(ctx)
        with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
            saved = store.decision(ops.SYSTEM, stored.id).decision
        assert saved.decided_by == [living.id, "Museet", gone] and saved.reasoning == f"Ids are kept ({name})"
