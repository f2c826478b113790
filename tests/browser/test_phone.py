"""The participant app on a phone: every step in view, each at its own address, nothing typed lost.

At 390 px, in bokmål and Swedish, every step and every canvas is reached by a control that is
on screen (no sideways scrolling), each step's address (``#profile``, ``#canvases/social_layer``)
survives a reload and the back button returns to the step before, a profile edit that was not
saved is back after a reload, and the chosen language is kept. The tests only read the store.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from klynge.i18n import t
from klynge.progress import CANVASES

from .conftest import close, open_app, screenshot

PHONE = {"width": 390, "height": 844}
STEPS = ("home", "profile", "canvases", "sdg", "partners", "packages", "library", "invite", "events", "workshop",
         "concepts", "lessons", "hours", "exports")
TABS = (*CANVASES, "coherence")
# A member in each language: the app starts in the browser's language (bokmål or Swedish).
WHO = {"nb": ("fjell", "nb-NO"), "sv": ("stuga", "sv-SE")}


def phone(browser, lang: str):
    who, locale = WHO[lang]
    ctx = browser.new_context(viewport=PHONE, locale=locale, has_touch=True, device_scale_factor=1)
    return ctx, who


def in_view(page, selector: str) -> None:
    """The control is shown, whole, inside the phone's screen width."""
    control = page.locator(selector)
    expect(control).to_be_visible()
    box = control.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, \
        f"{selector} is outside the screen: {box}"


def current(page, address: str) -> None:
    """The step (and canvas) of ``address`` is the one shown, and the address bar names it."""
    step, _, part = address.partition("/")
    page.wait_for_selector(f".klynge-nav-{step}.klynge-current")
    if part:
        page.wait_for_selector(f".klynge-tab-{part}.klynge-current")
    page.wait_for_function("(a) => location.hash === '#' + a", arg=address)


@pytest.mark.parametrize("lang", ["nb", "sv"])
def test_every_step_and_canvas_is_reached_by_a_control_on_screen(served, browser, lang):
    ctx, who = phone(browser, lang)
    page = open_app(ctx, served.link(who))
    page.wait_for_selector(".klynge-step")
    expect(page.locator(".klynge-nav-profile")).to_have_text(t("nav.profile", lang))
    for step in STEPS:
        in_view(page, f".klynge-nav-{step}")
    screenshot(page, f"phone-nav-{lang}")
    for step in STEPS:
        page.click(f".klynge-nav-{step}")
        page.wait_for_selector(f".klynge-nav-{step}.klynge-current")
        if step == "canvases":
            for tab in TABS:
                in_view(page, f".klynge-tab-{tab}")
                page.click(f".klynge-tab-{tab}")
                current(page, f"canvases/{tab}")
            screenshot(page, f"phone-canvas-tabs-{lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The bar is buttons: reached with Tab, its focus is drawn, Enter opens the step.
    page.focus(".klynge-nav-canvases")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('klynge-nav-sdg')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused step shows no outline"
    page.keyboard.press("Enter")
    current(page, "sdg")
    close(ctx)


@pytest.mark.parametrize("lang", ["nb", "sv"])
def test_each_step_has_an_address_that_survives_a_reload_and_back_returns_to_the_step_before(
        served, browser, lang):
    ctx, who = phone(browser, lang)
    page = open_app(ctx, served.link(who))
    current(page, "home")
    page.click(".klynge-nav-profile")
    current(page, "profile")
    page.click(".klynge-nav-canvases")
    current(page, f"canvases/{CANVASES[0]}")
    page.click(".klynge-tab-social_layer")
    current(page, "canvases/social_layer")
    page.click(".klynge-nav-sdg")
    current(page, "sdg")
    page.go_back()
    current(page, "canvases/social_layer")
    page.go_back()
    current(page, f"canvases/{CANVASES[0]}")
    page.go_forward()
    current(page, "canvases/social_layer")
    for address in ("canvases/social_layer", "sdg", "exports", "profile", "home"):
        page.evaluate("(a) => { location.hash = a; }", address)
        current(page, address)
        page.reload()
        page.wait_for_selector(".klynge-app")
        current(page, address)
    close(ctx)


def test_a_profile_edit_not_saved_is_back_after_a_reload_and_leaving_warns_first(served, browser):
    ctx, who = phone(browser, "nb")
    page = open_app(ctx, served.link("gard"))
    page.click(".klynge-nav-profile")
    needs = page.locator(".klynge-profile-needs textarea")
    expect(needs).to_be_enabled()
    typed = "Busselskap som vil ha overnatting i november, og noen som kan kjøre oss til Kjerringa."
    needs.fill(typed)
    # the browser holds a copy as soon as the kernel has seen the text
    page.wait_for_function("() => Object.keys(localStorage).some((k) => k.startsWith('klynge.draft.')"
                           " && localStorage.getItem(k).includes('Kjerringa'))")
    warned = []
    page.on("dialog", lambda dialog: (warned.append(dialog.type), dialog.accept()))
    page.reload()
    page.wait_for_selector(".klynge-app")
    assert warned == ["beforeunload"], "leaving with unsaved input did not warn"
    current(page, "profile")
    expect(page.locator(".klynge-profile-needs textarea")).to_have_value(typed)
    notice = page.locator(".klynge-profile-org .klynge-draft-notice")
    expect(notice).to_contain_text(t("draft.restored", "nb"))
    screenshot(page, "phone-profile-draft")
    # Discarded: the stored needs are back and nothing is kept any more.
    notice.locator(".klynge-draft-discard").click()
    expect(page.locator(".klynge-profile-needs textarea")).not_to_have_value(typed)
    expect(notice).to_be_hidden()
    page.wait_for_function("() => !Object.keys(localStorage).some((k) => k.startsWith('klynge.draft.'))")
    close(ctx)


def test_the_chosen_language_is_kept_across_a_reload(served, browser):
    ctx, who = phone(browser, "nb")
    page = open_app(ctx, served.link("fjell"))
    page.wait_for_selector(".klynge-step")
    expect(page.locator(".klynge-nav-home")).to_have_text(t("nav.home", "nb"))
    page.select_option(".klynge-lang select", label="Svenska")
    expect(page.locator(".klynge-nav-home")).to_have_text(t("nav.home", "sv"))
    page.reload()
    page.wait_for_selector(".klynge-app")
    expect(page.locator(".klynge-nav-profile")).to_have_text(t("nav.profile", "sv"))
    assert page.eval_on_selector(".klynge-lang select", "s => s.selectedOptions[0].textContent") == "Svenska"
    close(ctx)
