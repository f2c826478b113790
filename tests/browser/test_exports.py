"""Posters in a real browser: a member downloads their own; another member gets it without private notes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from klynge import operations as ops
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import close, open_app, screenshot, settle

# Demo people no other browser test signs in as: the first has private notes on the business model.
OWNER = "vidar@havgapet.example"
OTHER = "tove@kvitfossen.example"


@pytest.fixture(scope="module")
def people(served):
    """Sign-in links for the two members, the owner's organisation and its notes by visibility."""
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    found = {}
    with ops.store_for(settings) as store:
        for email in (OWNER, OTHER):
            person = store.person_by_email(ops.SYSTEM, email)
            key = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
            found[email] = (ops.signin_link(settings, key), person.organisation_id)
        org = found[OWNER][1]
        doc, _rev = store.canvas(Identity.system(), org, "business_model")
        name = store.organisation(ops.SYSTEM, org).value.name
    private = [n.text for n in doc.notes if n.visibility == "private" and n.text.strip()]
    shared = [n.text for n in doc.notes if n.visibility != "private" and n.text.strip()]
    assert private and shared, "the demo gives the owner private and shared notes"
    return {"owner": found[OWNER][0], "other": found[OTHER][0], "name": name, "private": private, "shared": shared}


def download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return open(info.value.path(), "rb").read()


def poster_notes(data: bytes) -> str:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.width / image.height == pytest.approx(420 / 297, rel=0.005)
    return " ".join(image.text["Description"].split())


def open_exports(ctx, link: str):
    page = open_app(ctx, link)
    page.click(".klynge-nav-exports")
    page.wait_for_selector(".klynge-exports-own-business_model-png")
    return page


def test_a_member_downloads_their_poster_with_every_note(served, browser, people):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO", accept_downloads=True)
    page = open_exports(ctx, people["owner"])
    data = download(page, ".klynge-exports-own-business_model-png")
    text = poster_notes(data)
    for note in people["private"] + people["shared"]:
        assert " ".join(note.split()) in text
    page.wait_for_selector(".klynge-exports-done")
    page.locator(".klynge-exports-member").scroll_into_view_if_needed()
    screenshot(page, "exports-desktop-lower-1280")
    page.locator(".klynge-exports-own-business_model-png").scroll_into_view_if_needed()
    page.wait_for_selector(".klynge-exports-preview img")
    assert page.locator(".jupyter-widgets-error-widget").count() == 0
    screenshot(page, "exports-desktop-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    screenshot(page, "exports-phone-390")
    close(ctx)


def test_another_member_gets_the_poster_without_private_notes(served, browser, people):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", accept_downloads=True)
    page = open_exports(ctx, people["other"])
    page.select_option(".klynge-exports-member select", label=people["name"])
    page.wait_for_function("n => [...document.querySelectorAll('.klynge-exports-text')]"
                           ".some(e => e.textContent.includes(n))", arg=people["name"])
    data = download(page, ".klynge-exports-other-business_model-png")
    text = poster_notes(data)
    assert any(" ".join(note.split()) in text for note in people["shared"])
    for note in people["private"]:
        assert " ".join(note.split()) not in text
    screenshot(page, "exports-other-phone-390")
    close(ctx)
