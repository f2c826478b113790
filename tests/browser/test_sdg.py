"""The SDG step in the real app: ``klynge serve`` on the demo cluster, a real headless Chromium.

The tests sign in as Marit of Skarvhaugen Fjellstue, a demo member that holds Miljøfyrtårn and
that no other browser test uses: the certification suggests targets 8.8 and 12.6, which its
demo map has not assessed. Her sign-in link is made here, the way the shared server's fixture
makes the others'.
"""

from __future__ import annotations

import pytest

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import SHOTS, close, open_app, screenshot

pytestmark = pytest.mark.browser

EMAIL = "marit@skarvhaugen.example"
EVIDENCE = "Klima- og miljørapport hvert år siden 2019 <img src=x onerror=window.__pwned=1>"


@pytest.fixture(scope="module")
def marit(served):
    """Marit's sign-in link, and a way to read what her organisation's map holds."""
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, EMAIL)
        key = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)

    def stored():
        with ops.store_for(settings) as store:
            doc, _ = store.sdg(Identity.system(), person.organisation_id)
        return {e.target: e for e in doc.entries}

    return ops.signin_link(settings, key), stored


def open_sdg(page):
    page.click(".klynge-nav-sdg")
    page.wait_for_selector(".klynge-sdg-head")
    return page


def test_a_suggested_target_is_confirmed_with_evidence_and_kept_after_a_reload(served, browser, marit):
    from playwright.sync_api import expect

    link, stored = marit
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    try:
        page = open_sdg(open_app(ctx, link))
        suggested = page.locator(".klynge-sdg-suggested")
        expect(suggested).to_contain_text("Miljøfyrtårn: Den årlige klima- og miljørapporten")
        suggested.locator(".klynge-sdg-open-12-6").click()
        editor = page.locator(".klynge-sdg-editor")
        expect(suggested).to_contain_text("uoffisiell oversettelse")
        expect(editor).to_contain_text("Encourage companies")  # the official English beside it
        editor.locator(".klynge-sdg-impact").get_by_label(t("sdg.impact.some_good", "nb")).check()
        editor.locator(".klynge-sdg-evidence textarea").fill(EVIDENCE)
        editor.locator(".klynge-sdg-action textarea").fill("Rapporten deles med gjestene fra 2026.")
        page.set_viewport_size({"width": 1280, "height": 2400})  # the page scrolls inside the app: a tall window
        editor.scroll_into_view_if_needed()
        screenshot(page, "sdg-confirm-desktop")
        editor.locator(".klynge-sdg-save").click()
        expect(page.locator(".klynge-sdg-said")).to_contain_text(t("sdg.saved", "nb", code="12.6"))
        entry = stored()["12.6"]
        assert (entry.confirmed, entry.relevance, entry.impact, entry.evidence) == (True, 2, 1, EVIDENCE)

        page.reload()
        page.wait_for_selector(".klynge-app")
        open_sdg(page)
        mine = page.locator(".klynge-sdg-mine")
        expect(mine).to_contain_text(EVIDENCE)  # the markup shows as text
        expect(mine).to_contain_text("Rapporten deles med gjestene fra 2026.")
        assert page.locator(".klynge-sdg-suggested .klynge-sdg-open-12-6").count() == 0
        assert page.locator(".klynge-sdg img[src='x']").count() == 0
        assert page.evaluate("window.__pwned") is None
        expect(page.locator(".klynge-sdg-figure img")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 6000})
        screenshot(page, "sdg-desktop")
    finally:
        close(ctx)


def test_the_goals_are_one_step_away_by_keyboard_on_a_phone(served, browser, marit):
    from playwright.sync_api import expect

    link, _stored = marit
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    try:
        page = open_sdg(open_app(ctx, link))
        goal = page.locator(".klynge-sdg-goal-14")
        goal.focus()
        page.keyboard.press("Enter")
        expect(page.locator(".klynge-sdg-goals .klynge-sdg-row")).to_have_count(10)
        page.locator(".klynge-sdg-goals .klynge-sdg-open-14-7").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".klynge-sdg-editor")).to_contain_text("14.7")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        page.set_viewport_size({"width": 390, "height": 2400})
        page.locator(".klynge-sdg-editor").scroll_into_view_if_needed()
        screenshot(page, "sdg-phone-target")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".klynge-sdg-grid").screenshot(path=str(SHOTS / "sdg-phone-goals.png"))
        page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
        screenshot(page, "sdg-phone")
    finally:
        close(ctx)
