"""An open tab stops when its sign-in ends: a revoked key, an erased person or a logout.

Each test signs in a person made for it (the shared demo people stay as they are), opens the
canvas board, ends the sign-in from outside the page, and then tries to save: the save is
refused with a message on the page, the tab's kernel is shut down, and nothing reaches the store.
"""

from __future__ import annotations

import uuid

import pytest

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings

from .conftest import ORGNR, close, open_app
from .test_board import add_note, show_board

pytestmark = pytest.mark.browser

TEMPLATE = "value_proposition"


def _settings(served):
    return load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})


def _notes(served, organisation_id: int) -> tuple[list[tuple[str, str]], int]:
    with ops.store_for(_settings(served)) as store:
        doc, revision = store.canvas(ops.SYSTEM, organisation_id, TEMPLATE)
    return [(n.id, n.text) for n in doc.notes], revision.number


def _end_by_revoking(served, ctx, invitation) -> None:
    ops.revoke(_settings(served), invitation.key)


def _end_by_erasing(served, ctx, invitation) -> None:
    with ops.store_for(_settings(served)) as store:
        store.erase_person(ops.SYSTEM, invitation.person_id)


def _end_by_logging_out(served, ctx, invitation) -> None:
    other_tab = ctx.new_page()
    other_tab.goto(served.url + "/logout")
    assert t("page.logout.title") in other_tab.inner_text("body")
    other_tab.close()


@pytest.mark.parametrize("end", [_end_by_revoking, _end_by_erasing, _end_by_logging_out],
                         ids=["revoked", "erased", "logged-out"])
def test_an_open_board_stops_when_its_sign_in_ends(served, browser, end):
    from playwright.sync_api import expect

    settings = _settings(served)
    invitation = ops.invite(settings, name="Tove Tidsavgrenset", email=f"tove-{uuid.uuid4().hex[:8]}@kjerringa.example",
                            organisation=ORGNR["gard"])
    organisation = served.ids["gard"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 2000}, locale="nb-NO")
    try:
        page = show_board(open_app(ctx, invitation.link), TEMPLATE)
        cookie = next(c for c in ctx.cookies() if c["name"] == "klynge_session")
        before, kernels = _notes(served, organisation), served.kernel_processes()

        end(served, ctx, invitation)
        area = add_note(page, "customer_jobs", "Skrevet etter at innloggingen var slutt")
        area.press("Escape")

        banner = page.locator("#klynge-ended")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(t("page.ended.title"))
        assert served.kernel_processes() == kernels - 1
        assert _notes(served, organisation) == before

        # The cookie the browser had opens nothing any more: the plain sign-in page, no kernel.
        ctx.add_cookies([cookie])
        page.goto(served.url + "/voila/render/participant.ipynb")
        assert "/login" in page.url and t("page.login.title") in page.inner_text("body")
        assert page.locator(".klynge-app").count() == 0
    finally:
        close(ctx)
