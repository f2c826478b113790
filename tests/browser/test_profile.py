"""The profile step in the real app: a member fills in the profile, adds an offer, sees the low season.

The test signs in as Laksvollen Elvekro (Oddvar), a demo member no other browser test uses,
with a link of its own, so it does not touch what other tests read or write.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings
from klynge.widgets.profile_service import ProfileService

from .conftest import close, open_app, screenshot, settle

EMAIL = "oddvar@laksvollen.example"


def sign_in_link(served) -> tuple[str, int]:
    """A fresh sign-in link for the member, and their organisation's id."""
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, EMAIL)
        key = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
        return ops.signin_link(settings, key), person.organisation_id


def stored(served, organisation_id: int):
    """The organisation and its offers as the server's store holds them now."""
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        return (store.organisation(ops.SYSTEM, organisation_id).value,
                [o.value for o in store.offers(ops.SYSTEM, organisation_id)])


def whole(page, name: str, width: int) -> None:
    """A screenshot of the whole page at ``width``: the window made as tall as the app."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 900})
    settle(page)
    height = page.evaluate("document.querySelector('.klynge-app').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(8000, height + 80)})
    settle(page)
    screenshot(page, name)
    page.set_viewport_size(before)


def test_fill_the_profile_add_a_low_season_offer_and_see_the_season(served, browser):
    link, org_id = sign_in_link(served)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, link)
    page.click(".klynge-nav-profile")
    page.wait_for_selector(".klynge-profile-save")
    share = page.locator(".klynge-profile-share")
    before_org, before_offers = stored(served, org_id)
    season = ProfileService.season(before_offers, before_org.municipality)
    expect(share).to_have_text(t("profile.season_share", "nb", share=season.percent))
    image = page.locator(".klynge-profile-figure img")
    expect(image).to_have_attribute("alt", re.compile(re.escape(f"{season.percent}\u00a0%")))
    whole(page, "profile-desktop", 1280)

    # A wrong organisation number is explained by the field, and nothing is saved.
    orgnr = page.locator(".klynge-profile-orgnr input")
    orgnr.fill("972935442")
    page.click(".klynge-profile-save")
    expect(page.locator(".klynge-profile-orgnr .klynge-profile-error")).to_have_text(t("error.klynge_orgnr_check"))
    # A Swedish number for a Norwegian firm says so.
    orgnr.fill("556016-0680")
    page.click(".klynge-profile-save")
    expect(page.locator(".klynge-profile-orgnr .klynge-profile-error")).to_have_text(
        t("profile.orgnr_looks_swedish"))
    assert stored(served, org_id)[0].orgnr == before_org.orgnr

    # The number put right and the needs written: saved.
    orgnr.fill(before_org.orgnr)
    needs = "Bussgrupper i oktober og november, og et samarbeid om jaktturer."
    page.locator(".klynge-profile-needs textarea").fill(needs)
    page.click(".klynge-profile-save")
    expect(page.locator(".klynge-profile-org .klynge-profile-status")).to_have_text(t("profile.saved"))
    expect(page.locator(".klynge-profile-orgnr .klynge-profile-error")).to_have_text("")
    assert stored(served, org_id)[0].needs == needs

    # The pin moves with the arrow keys.
    place = page.locator(".klynge-map-status")
    where = place.inner_text()
    page.locator(".klynge-map-svg").focus()
    page.keyboard.press("ArrowUp")
    expect(place).not_to_have_text(where)

    # An offer open in the low season.
    page.click(".klynge-profile-add")
    page.locator(".klynge-profile-o-title input").fill("Mørketidsmiddag ved Namsen")
    for month in (11, 12, 1, 2):
        page.click(f".klynge-profile-month-{month}")
    capacity = page.locator(".klynge-profile-o-capacity input")
    capacity.fill("40")
    capacity.press("Tab")
    page.locator(".klynge-profile-o-price input[type=text]").fill("495")
    whole(page, "profile-offer-form-phone", 390)
    page.click(".klynge-profile-save-offer")
    expect(page.locator(".klynge-profile-offers-card .klynge-profile-status").first).to_have_text(
        t("profile.offer_saved"))
    org, offers = stored(served, org_id)
    added = next(o for o in offers if o.title == "Mørketidsmiddag ved Namsen")
    assert added.months == [1, 2, 11, 12] and added.capacity_per_day == 40 and str(added.price.amount) == "495.00"
    after = ProfileService.season(offers, org.municipality)
    assert after.percent > season.percent
    expect(share).to_have_text(t("profile.season_share", "nb", share=after.percent))
    expect(image).to_have_attribute("alt", re.compile(re.escape(f"{after.percent}\u00a0%")))
    assert "Mørketidsmiddag ved Namsen" in page.locator(".klynge-profile-offers").inner_text()
    whole(page, "profile-desktop-after", 1280)

    # Research use of the shared notes: the box records the organisation's consent, with who and when.
    page.locator(".klynge-profile-research-consent input").check()
    expect(page.locator(".klynge-profile-research")).to_contain_text("Samtykke gitt av")
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        assert store.research_consent(ops.SYSTEM, org_id).consented

    # In English, on a phone.
    page.select_option(".klynge-lang select", label="English")
    expect(share).to_have_text(f"Low-season share of capacity: {after.percent}%")
    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    whole(page, "profile-phone", 390)
    close(ctx)
