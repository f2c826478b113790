"""The facilitator's Mobilisation page in the real app, on the demo cluster, in a real Chromium.

Ingrid opens Mobilisation: the funnel in a picture and in numbers, the referral tree, what is
missing against the targets and the follow-up groups; at desktop width and at 390 px with
nothing wider than the screen.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, insert, select

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings
from klynge.store import Identity
from klynge.store import schema as s

from .conftest import ORGNR, PEOPLE, SHOTS, assert_drawn, close, open_app, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@contextmanager
def _silent_invitation(served):
    """Fjellgløtt invited a demo member (one no other test signs in as) nine days ago, who has not signed in.

    The invitation row is removed again afterwards, so the other tests see the demo as it was.
    """
    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store, store.engine.begin() as c:
        p, o = s.people, s.organisations
        fjell = c.execute(select(o.c.id).where(o.c.orgnr.like(ORGNR["fjell"][:6] + "%"))).scalar_one()
        person = c.execute(select(p.c.id, p.c.name, p.c.email, p.c.cluster_id).where(
            p.c.role == "participant", p.c.organisation_id != fjell, p.c.email.not_in(PEOPLE.values()))
            .order_by(p.c.id)).first()
        inviter = c.execute(select(p.c.id).where(p.c.email == PEOPLE["fjell"])).scalar_one()
        row = c.execute(insert(s.invitations).values(
            cluster_id=person.cluster_id, person_id=person.id, inviter_id=inviter, inviter_organisation_id=fjell,
            relation="supplier", note="", lang="nb", created_at=datetime.now(UTC) - timedelta(days=9),
            delivery="link", reminders=[], attempts=0, last_error="")).inserted_primary_key[0]
    try:
        yield person
    finally:
        with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store, store.engine.begin() as c:
            c.execute(delete(s.invitations).where(s.invitations.c.id == row))


def _tree_summary(served) -> str:
    """The tree's summary sentence as the store's data gives it (the demo's referrals and the silent invitation)."""
    from klynge.widgets.funnel_service import read_funnel

    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
        cluster = store.cluster(ops.SYSTEM)
        who = Identity(person_id=None, role="system", cluster_id=cluster.id, name="system")
        summary = read_funnel(store, who).summary
    assert summary["by_members"] >= 1 and summary["depth"] >= 2  # the demo's members brought members
    return t("funnel.tree_summary", "nb", depth=summary["depth"], by_members=summary["by_members"],
             by_facilitators=summary["by_facilitators"])


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_a_facilitator_sees_the_funnel_and_the_referral_tree(served, browser, viewport):
    with _silent_invitation(served) as person:
        _mobilisation(served, browser, viewport, person)


def _mobilisation(served, browser, viewport, person):
    ctx = browser.new_context(viewport=viewport, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.click(".klynge-nav-funnel")
    expect(page.locator(".klynge-funnel h1")).to_have_text(t("funnel.title", "nb"))
    expect(page.locator(".klynge-funnel-funnel img")).to_be_visible()
    expect(page.locator(".klynge-funnel-tree img")).to_be_visible()
    expect(page.locator(".klynge-funnel-stages")).to_contain_text(t("funnel.stage.invited", "nb"))
    expect(page.locator(".klynge-funnel-missing")).to_contain_text(t("funnel.missing_heading", "nb"))
    for group in ("silent", "not_started", "stopped"):
        expect(page.locator(".klynge-funnel-follow")).to_contain_text(t(f"funnel.group.{group}", "nb"))
    settle(page)
    assert_drawn(page, ".klynge-funnel-funnel", ".klynge-funnel-tree", ".klynge-funnel-follow")
    # The pictures are drawn, not broken: each has a width.
    widths = page.evaluate("[...document.querySelectorAll('.klynge-funnel img')].map(i => i.naturalWidth)")
    assert len(widths) == 2 and all(w > 100 for w in widths)
    # The member Fjellgløtt invited is silent, and the tree has Fjellgløtt bringing their organisation.
    expect(page.locator(".klynge-funnel-tree")).to_contain_text(_tree_summary(served))
    row = page.locator(".klynge-funnel-silent .klynge-funnel-row").filter(has_text=person.name)
    expect(row).to_contain_text(t("funnel.row.silent", "nb", days=9, reminders=0))
    name = "desktop" if viewport["width"] > 400 else "phone"
    if name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # One click on the keyboard: the server has a mail server, so the invitation goes out again, the
    # outcome says so beside the button, and the mail reaches the session's SMTP server.
    mails = len(served.inbox.to(person.email))
    row.locator(".klynge-funnel-remind").focus()
    page.keyboard.press("Enter")
    outcome = row.locator(".klynge-funnel-outcome")
    expect(outcome).to_have_text(t("funnel.sent", "nb", name=person.name))
    expect(outcome.locator(".klynge-funnel-link")).to_be_hidden()  # sent: nothing to copy
    mail = served.inbox.arrived(person.email, before=mails)
    assert mail["Content-Language"] == "nb" and person.name in mail.get_body(("plain",)).get_content()
    screenshot(page, f"funnel-{name}")
    for part in ("tree", "missing", "follow"):  # the app scrolls inside itself: each section on its own too
        page.locator(f".klynge-funnel-{part}").screenshot(path=str(SHOTS / f"funnel-{name}-{part}.png"))
    close(ctx)
