"""Sign-in before any kernel, the Klynge look, navigation and language, in a real browser."""

from __future__ import annotations

import urllib.request

import pytest

from klynge import operations as ops
from klynge.model import Note
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import ORGNR, PEOPLE, close, open_app, screenshot

HOSTILE = '<img src=x onerror="window.__pwned=1"><svg onload="window.__pwned=2">'


def _request(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        return exc


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_participant_link_signs_in_and_lands_without_the_key(served, context):
    page = open_app(context, served.link("fjell"))
    # (the fragment after the path names the step shown)
    assert "key=" not in page.url and page.url.partition("#")[0].endswith("/voila/render/participant.ipynb")
    assert page.locator(".klynge-brand").inner_text().strip().lower() == "klynge"
    assert "Kari Nergård" in page.locator(".klynge-who").inner_text()
    assert "Fjellgløtt Guiding" in page.inner_text("body")
    cookie = next(c for c in context.cookies() if c["name"] == "klynge_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("klynge_session") == -1
    # Nothing of Jupyter on screen: no code, no prompts.
    assert page.locator(".jp-InputArea:visible").count() == 0
    assert "import" not in page.inner_text("body")
    screenshot(page, "home-desktop")


def test_signin_response_headers(served):
    response = _request(served.link("gard"))
    assert response.status == 302
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "key=" not in response.headers["Location"]
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "Secure" not in response.headers["Set-Cookie"]  # plain HTTP
    # This server trusts no proxy: a browser that claims HTTPS itself changes nothing.
    claimed = _request(served.link("gard"), {"X-Forwarded-Proto": "https"})
    assert claimed.status == 302 and "Secure" not in claimed.headers["Set-Cookie"]


@pytest.mark.parametrize("mangle", [lambda link: link[:-2] + "xx", lambda link: link.split("?")[0] + "?key=nope",
                                    lambda link: link.split("?")[0]])
def test_a_wrong_key_sees_a_plain_page_and_starts_no_kernel(served, browser, mangle):
    before = served.kernel_processes()
    ctx = browser.new_context(locale="sv-SE")
    page = ctx.new_page()
    response = page.goto(mangle(served.link("stuga")))
    assert response.status == 403
    body = page.inner_text("body")
    assert "Den här inloggningslänken fungerar inte" in body
    assert "Fjällbrasa" not in body and "Anna" not in body
    page.goto(served.url + "/voila/render/participant.ipynb")
    assert "/login" in page.url and page.locator(".klynge-app").count() == 0
    close(ctx)
    assert served.kernel_processes() == before


def test_a_forged_or_tampered_cookie_is_refused(served, browser):
    ctx = browser.new_context()
    page = open_app(ctx, served.link("gard"))
    cookie = next(c for c in ctx.cookies() if c["name"] == "klynge_session")
    value = cookie["value"]
    # Claim another person by editing the signed payload: the signature no longer matches.
    forged = value.replace(value.split("|")[4], "MjpmZmZmZmZmZmZmZmZmZmZm")
    ctx.clear_cookies()
    ctx.add_cookies([{**cookie, "value": forged}])
    page.goto(served.url + "/voila/render/participant.ipynb")
    assert "/login" in page.url and page.locator(".klynge-app").count() == 0
    close(ctx)


def test_a_revoked_key_ends_the_session(served, browser):
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    invitation = ops.invite(settings, name="Per Kortvarig", email="per@fjellglott.example",
                            organisation=ORGNR["fjell"])
    ctx = browser.new_context()
    page = open_app(ctx, invitation.link)
    ops.revoke(settings, invitation.key)
    page.goto(served.url + "/voila/render/participant.ipynb")
    assert "/login" in page.url
    page.goto(invitation.link)
    assert "trukket tilbake" in page.inner_text("body") or "withdrawn" in page.inner_text("body")
    close(ctx)


def test_private_notes_of_another_member_never_reach_the_page(served, browser):
    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        gard = served.ids["gard"]
        sigrid = store.person_by_email(ops.SYSTEM, PEOPLE["gard"])
        who = Identity(person_id=sigrid.id, role="participant", organisation_id=gard, cluster_id=1)
        store.save_canvas(who, gard, "environmental_layer", [
            Note(id="secret", block="supplies_and_outsourcing", text="Nettopris fra slakteriet 54 kr/kg",
                 visibility="private")], store.canvas(who, gard, "environmental_layer")[1].number or None)
    ctx = browser.new_context()
    page = open_app(ctx, served.link("fjell"))
    for path in (f"?organisation={gard}", f"?org={gard}&template=environmental_layer"):
        page.goto(served.url + "/voila/render/participant.ipynb" + path)
        page.wait_for_selector(".klynge-app")
        assert "Nettopris" not in page.content()
    close(ctx)


def test_the_language_switch_relabels_everything(served, context):
    page = open_app(context, served.link("fjell"))
    page.wait_for_function("document.body.innerText.includes('Hei, Kari')")
    page.select_option(".klynge-lang select", label="Svenska")
    # The page relabels piece by piece: wait for the last piece, not the first.
    page.wait_for_function("['Hej, Kari', 'Affärsmodell'].every(t => document.body.innerText.includes(t))")
    body = page.inner_text("body")
    assert "Affärsmodell" in body and "Hjem" not in body and "Forretningsmodell" not in body
    page.select_option(".klynge-lang select", label="English")
    page.wait_for_function("['Hello, Kari', 'Business model'].every(t => document.body.innerText.includes(t))")
    assert "Business model" in page.inner_text("body")


def test_hostile_names_are_shown_as_text(served, browser):
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    invitation = ops.invite(settings, name=HOSTILE, email="hostile@kjerringa.example", organisation=ORGNR["gard"])
    ctx = browser.new_context()
    page = open_app(ctx, invitation.link)
    assert HOSTILE in page.locator(".klynge-who").inner_text()
    assert page.evaluate("window.__pwned") is None
    close(ctx)


def test_the_app_at_phone_width_and_by_keyboard(served, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", has_touch=True)
    page = open_app(ctx, served.link("gard"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    # Every step is reachable with Tab, and Enter opens it.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText") == "Kanvas":
            break
    else:
        pytest.fail("the Canvases step cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector(".klynge-canvases")
    screenshot(page, "home-phone")
    close(ctx)


def test_keys_never_reach_the_server_log(served):
    key = served.link("facilitator").split("key=")[1]
    _request(served.link("facilitator"))
    assert key not in served.log.read_text()
    assert key.split(".")[1] not in served.log.read_text()


def test_one_person_cannot_reach_another_persons_kernel(served, browser):
    first = browser.new_context()
    page = open_app(first, served.link("gard"))
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    second = browser.new_context()
    other = open_app(second, served.link("stuga"))
    response = other.request.get(f"{served.url}/api/kernels/{kernel_id}")
    assert response.status == 403
    own = page.request.get(f"{served.url}/api/kernels/{kernel_id}")
    assert own.status == 200
    close(first)
    close(second)


def test_pages_are_compressed(served):
    response = _request(served.url + "/voila/templates/klynge/static/klynge.css", {"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_a_key_of_an_erased_person_sees_a_plain_page(served, browser):
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    invitation = ops.invite(settings, name="Siri Slettet", email="siri@kjerringa.example", organisation=ORGNR["gard"])
    with ops.store_for(settings) as store:
        store.erase_person(ops.SYSTEM, invitation.person_id)
    ctx = browser.new_context(locale="en-GB")
    page = ctx.new_page()
    response = page.goto(invitation.link)
    assert response.status == 403 and "Siri" not in page.inner_text("body")
    assert page.locator(".klynge-app").count() == 0
    close(ctx)


def test_the_coherence_view_puts_the_three_layers_side_by_side(served, context):
    page = open_app(context, served.link("stuga"))
    page.click(".klynge-nav-canvases")
    page.click(".klynge-tab-coherence")
    page.wait_for_selector(".klynge-coherence")
    titles = page.locator(".klynge-layer-title").all_inner_texts()
    assert len(titles) == 3
    assert page.locator(".klynge-coherence .klynge-note").count() > 0
    screenshot(page, "coherence")
