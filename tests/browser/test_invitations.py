"""Invitations in the real apps: a member invites a partner, who gets the mail, registers, and shows to the facilitator.

The member is Kobberkjelen Bakeri og Kafé (Ingvild), whom no other browser test signs in as, with a
sign-in link of its own. The shared server sends its mail to the session's local SMTP server
(``served.inbox``, see ``conftest.py``), which wants a login and a password. The whole way is one
test, so that the facilitator's Mobilisation page is always checked with the partner who just
registered (tests of one file may run in different pytest-xdist workers, each with its own server).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from klynge import operations as ops
from klynge.i18n import t
from klynge.settings import load_settings

from ..smtp import PASSWORD
from .conftest import PEOPLE, SHOTS, assert_drawn, close, open_app, screenshot, settle

MEMBER = "ingvild@kobberkjelen.example"
PARTNER, PARTNER_EMAIL = "Sigrun Sjöberg", "sigrun@fjallpartner.example"
NEW_ORG, NEW_PLACE = "Fjällpartner AB", "Åre"
PHONE = 390


def sign_in_link(served, email: str) -> str:
    settings = load_settings({"KLYNGE_HOME": str(served.home), "KLYNGE_BASE_URL": served.url})
    with ops.store_for(settings) as store:
        person = store.person_by_email(ops.SYSTEM, email)
        key = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
        return ops.signin_link(settings, key)


def at_both_widths(page, name: str, shoot) -> None:
    """At 1366 and 390 px wide (where nothing may stick out sideways), ``shoot(width, suffix)`` takes the pictures."""
    before = page.viewport_size
    for width, suffix in ((1366, "desktop"), (PHONE, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        if width == PHONE:
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE, f"{name}: the page is {wide} px wide on a phone"
        shoot(width, suffix)
    page.set_viewport_size(before)


def both_widths(page, name: str) -> None:
    """Screenshots of the whole app at 1366 and at 390 px wide, the window made as tall as the app."""
    def shoot(width: int, suffix: str) -> None:
        height = page.evaluate("document.querySelector('.klynge-app').scrollHeight")
        page.set_viewport_size({"width": width, "height": min(8000, height + 80)})
        settle(page)
        screenshot(page, f"{name}-{suffix}")

    at_both_widths(page, name, shoot)


def parts_at_both_widths(page, name: str, *selectors: str) -> None:
    """Screenshots of parts of a long page (``name-1-desktop.png`` ...) at 1366 and at 390 px wide."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(width: int, suffix: str) -> None:
        for n, selector in enumerate(selectors, 1):
            part = page.locator(selector)
            height = part.evaluate("(e) => e.getBoundingClientRect().height")
            page.set_viewport_size({"width": width, "height": min(8000, int(height) + 100)})  # all of it painted
            settle(page)
            part.screenshot(path=str(SHOTS / f"{name}-{n}-{suffix}.png"))

    at_both_widths(page, name, shoot)


def test_a_member_invites_a_partner_who_registers_and_the_facilitator_sees_them(served, browser):
    # 1. The member opens "Invite" and invites a partner, in Swedish, with a note; all by keyboard at the end.
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, sign_in_link(served, MEMBER))
    page.click(".klynge-nav-invite")
    page.wait_for_selector(".klynge-invite-partner-send")
    assert_drawn(page, ".klynge-nav-invite.klynge-current", ".klynge-invite-partner", ".klynge-invite-colleague",
                 heading=t("invite.title", "nb"))
    expect(page.locator(".klynge-invite-nomail")).to_have_count(0)  # a mail server is set up: nothing to copy
    expect(page.locator(".klynge-invite-partner-send")).to_have_text(t("invite.send", "nb"))
    form = page.locator(".klynge-invite-partner")
    # A wrong address is said beside its field, in bokmål.
    form.locator(".klynge-profile-invite-name input").fill(PARTNER)
    form.locator(".klynge-profile-invite-email input").fill("sigrun@")
    page.click(".klynge-invite-partner-send")
    expect(form.locator(".klynge-profile-invite-email .klynge-profile-error")).to_have_text(
        t("error.klynge_email", "nb"))
    form.locator(".klynge-profile-invite-email input").fill(PARTNER_EMAIL)
    form.locator(".klynge-profile-invite-relation select").select_option(label=t("invite.relation.supplier", "nb"))
    form.locator(".klynge-profile-invite-lang select").select_option(label="Svenska")
    note = form.locator(".klynge-profile-invite-note textarea")
    note.fill("Vi vil gjerne ha dere med på vinterpakkene!")
    both_widths(page, "invite")
    note.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('klynge-invite-partner-send')")
    page.keyboard.press("Enter")
    status = page.locator(".klynge-invite-partner-status")
    expect(status).to_have_text(t("invite.outcome.sent", "nb", name=PARTNER, email=PARTNER_EMAIL))
    row = page.locator(".klynge-invite-row").filter(has_text=PARTNER_EMAIL)
    expect(row).to_contain_text(t("invite.relation.supplier", "nb"))
    expect(row.locator(".klynge-invite-state")).to_contain_text(re.compile(r"^sendt "))
    expect(page.locator(".klynge-invite-partner-link input")).to_be_hidden()  # sent: no link to copy
    both_widths(page, "invite-sent")
    close(ctx)

    # 2. The e-mail arrived, in Swedish, with the member's note and a sign-in link.
    message = served.inbox.arrived(PARTNER_EMAIL)
    assert message["Content-Language"] == "sv"
    assert "bjuder in dig" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Hej Sigrun Sjöberg," in text and "Vi vil gjerne ha dere med på vinterpakkene!" in text
    link = re.search(rf"{re.escape(served.url)}/signin\?key=[A-Za-z0-9._~%-]+", text).group(0)

    # 3. The partner opens the link in a browser of their own and lands on the registration page.
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="sv-SE", device_scale_factor=1)
    page = open_app(ctx, link)
    page.wait_for_selector(".klynge-register-save")
    assert_drawn(page, ".klynge-nav-register.klynge-current", heading=t("register.title", "sv"))
    assert page.locator(".klynge-nav .jupyter-button").count() == 1  # nothing else until registered
    assert PARTNER in page.inner_text(".klynge-register")
    both_widths(page, "register")
    page.fill(".klynge-profile-register-name input", NEW_ORG)
    page.locator(".klynge-profile-register-country select").select_option(label="Sverige")
    page.locator(".klynge-profile-register-municipality select").select_option(label=NEW_PLACE)
    page.locator(".klynge-profile-register-kind select").select_option(label="Leverantör")
    page.locator(".klynge-profile-register-position select").select_option(label=t("invite.position.board", "sv"))
    page.fill(".klynge-profile-register-orgnr input", "556912-3409")  # a typing error: the check digit
    page.click(".klynge-register-save")
    expect(page.locator(".klynge-profile-register-orgnr .klynge-profile-error")).to_have_text(
        t("error.klynge_orgnr_check", "sv"))
    # The number of an organisation already registered: it is named, and one may ask to join it.
    page.fill(".klynge-profile-register-orgnr input", "559424-0375")
    page.click(".klynge-register-save")
    expect(page.locator(".klynge-register-taken")).to_contain_text("Fjällbrasa Stugby")
    expect(page.locator(".klynge-register-join")).to_have_text(t("register.join", "sv", name="Fjällbrasa Stugby"))
    both_widths(page, "register-taken")
    page.fill(".klynge-profile-register-orgnr input", "556912-3408")
    page.click(".klynge-register-save")
    ready = page.locator(".klynge-register-ready")
    expect(ready).to_contain_text(t("register.ready.title", "sv"))
    assert_drawn(page, ".klynge-register-open")
    both_widths(page, "register-ready")

    # 4. The button opens the full app: the new organisation's home.
    page.click(".klynge-register-open")
    page.wait_for_selector(".klynge-step")
    expect(page.locator(".klynge-org")).to_contain_text(NEW_ORG)
    assert_drawn(page, ".klynge-nav-profile", ".klynge-nav-invite")
    close(ctx)
    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
        person = store.person_by_email(ops.SYSTEM, PARTNER_EMAIL)
        org = store.organisation(ops.SYSTEM, person.organisation_id).value
        assert (person.role, org.name, org.orgnr, org.kind, org.municipality) == (
            "participant", NEW_ORG, "556912-3408", "supplier", "2321")
        registered = person.organisation_id
        member_org = store.person_by_email(ops.SYSTEM, MEMBER).organisation_id
        cluster = store.cluster(ops.SYSTEM).name

    # 5. The facilitator's member page lists the new organisation and its person, and the invitation accepted.
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("facilitator"))
    page.wait_for_selector(".klynge-members-row")
    member = page.locator(f".klynge-members-row[data-org='{registered}']")
    expect(member).to_contain_text(NEW_ORG)
    expect(member).to_contain_text(PARTNER)
    row = page.locator(".klynge-invite-row").filter(has_text=PARTNER_EMAIL)
    expect(row).to_contain_text("Ingvild")
    expect(row.locator(".klynge-invite-state")).to_contain_text(re.compile(r"^takket ja "))
    expect(page.locator(".klynge-members-send")).to_be_enabled()  # a mail server is set up
    assert_drawn(page, ".klynge-members-relation", ".klynge-members-language")
    parts_at_both_widths(page, "members-invitations", ".klynge-members-invite-box", ".klynge-members-invitations")

    # 6. On the Mobilisation page the partner is counted as registered, hangs under the member in the
    # referral tree, and waits in the follow-up list, from where one click mails them a reminder.
    page.click(".klynge-nav-funnel")
    page.wait_for_selector(".klynge-funnel-tree img")
    assert_drawn(page, ".klynge-funnel-funnel img", ".klynge-funnel-tree img", ".klynge-funnel-follow",
                 heading=t("funnel.title", "nb"))
    view = _funnel(served)  # what the page drew, read the way the page reads it
    node = f"org:{registered}"
    assert view.tree.nodes[node]["label"] == NEW_ORG
    assert list(view.tree.predecessors(node)) == [f"org:{member_org}"], "the partner does not hang under the member"
    stage = page.locator(".klynge-funnel-stages li").nth(1)
    registered_now = f"{t('funnel.stage.registered', 'nb')}: {view.funnel.count('registered')}"
    expect(stage).to_have_text(re.compile(rf"^{re.escape(registered_now)}\b"))
    summary = view.summary
    expect(page.locator(".klynge-funnel-tree")).to_contain_text(t(
        "funnel.tree_summary", "nb", depth=summary["depth"], by_members=summary["by_members"],
        by_facilitators=summary["by_facilitators"]))
    waiting = page.locator(".klynge-funnel-not-started")
    row = waiting.locator(".klynge-funnel-row").filter(has_text=PARTNER)
    while not row.count() and waiting.locator(".klynge-funnel-more").is_visible():
        waiting.locator(".klynge-funnel-more").click()
        settle(page)
    expect(row).to_contain_text(NEW_ORG)
    parts_at_both_widths(page, "mobilisation-with-partner", ".klynge-funnel-funnel", ".klynge-funnel-tree")
    mails = len(served.inbox.to(PARTNER_EMAIL))
    row.locator(".klynge-funnel-remind").click()
    expect(row.locator(".klynge-funnel-outcome")).to_have_text(t("funnel.sent", "nb", name=PARTNER))
    reminder = served.inbox.arrived(PARTNER_EMAIL, before=mails)
    assert reminder["Content-Language"] == "sv"
    assert reminder["Subject"] == t("mail.follow_up.subject", "sv", cluster=cluster)
    assert re.search(rf"{re.escape(served.url)}/signin\?key=", reminder.get_body(("plain",)).get_content())
    assert PASSWORD not in page.content()
    close(ctx)

    # 7. The mail server's password is in no page, log or file of the server (it logged in for every mail).
    assert served.inbox.messages and PASSWORD not in served.log.read_text(errors="replace")
    for path in served.home.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), f"the SMTP password is in {path}"


def _funnel(served):
    """The funnel as the facilitator's page reads it."""
    from klynge.widgets.funnel_service import read_funnel

    settings = load_settings({"KLYNGE_HOME": str(served.home)})
    with ops.store_for(settings) as store:
        facilitator = store.person_by_email(ops.SYSTEM, PEOPLE["facilitator"])
        secret = settings.server_secret()
        who = store.check_key(store.issue_key(ops.SYSTEM, facilitator.id, secret, 1), secret)
        return read_funnel(store, who)
