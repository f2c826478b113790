"""The "Invite" step, the registration page and the member page's invitations without a browser.

A real SQLite store, real keys and access rules, and, where mail is sent, a real local SMTP server
(aiosmtpd) or a port where none listens.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from klynge.i18n import t
from klynge.model import InvitationRequest
from klynge.settings import load_settings
from klynge.store import schema
from klynge.widgets.invite_page import InvitePage
from klynge.widgets.invite_service import InviteService
from klynge.widgets.members_page import MembersPage
from klynge.widgets.members_service import MembersService
from klynge.widgets.registration_page import RegistrationPage
from klynge.widgets.registration_service import Registered, RegistrationService, Taken, Waiting

from ..smtp import Inbox, free_port

SENDER = "post@klynge.example"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the pages read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _settings(tmp_path, smtp_url: str | None = None):
    return load_settings(home=str(tmp_path / "home"), base_url="https://klynge.example", smtp_url=smtp_url)


@pytest.fixture
def settings(tmp_path):
    return _settings(tmp_path)


def _page(store, who, settings, org) -> InvitePage:
    page = InvitePage(InviteService(store, who, settings, org))
    page.lang = "en"
    return page


def _key(link: str) -> str:
    return parse_qs(urlparse(link).query)["key"][0]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", str(html))


def _invitee(store, cluster, settings, name="Per Partner", email_="per@partner.example"):
    """A partner invited by Fjellguidene, signed in with the link of the invitation."""
    fjell = cluster["who"]["fjell"]
    made = store.create_invitation(fjell, InvitationRequest(name=name, email=email_, relation="supplier", lang="en"))
    key = store.invitation_key(fjell, made.id, settings.server_secret())
    return store.check_key(key, settings.server_secret())


def _position(store, email_: str) -> str | None:
    with store.engine.connect() as c:
        return c.execute(select(schema.people.c.position).where(schema.people.c.email == email_)).scalar()


# -- inviting ---------------------------------------------------------------------------------------------------


def test_without_a_mail_server_the_page_says_so_and_shows_the_link_to_copy(store, cluster, settings):
    fjell = cluster["who"]["fjell"]
    page = _page(store, fjell, settings, cluster["orgs"]["fjell"])
    assert t("invite.no_mail", "en") in _text(page._mail.value)
    assert page.partner._button.description == t("invite.make_link", "en")
    page.partner.set_values(name="Per Partner", email="per@partner.example", relation="customer", lang="sv",
                            note="Vi ses på messen!")
    page.partner.send()
    link = page.partner.links.link
    assert link.startswith("https://klynge.example/signin?key=")
    assert "Per Partner is invited" in _text(page.partner._status.value)
    assert "shown only this once" in page.partner.links._note.value
    invitee = store.check_key(_key(link), settings.server_secret())
    assert invitee.role == "invitee" and invitee.organisation_id is None and invitee.name == "Per Partner"

    [made] = page.list.invitations
    assert (made.email, made.relation, made.lang, made.note, made.delivery) == (
        "per@partner.example", "customer", "sv", "Vi ses på messen!", "link")
    assert made.inviter_organisation_id == cluster["orgs"]["fjell"]
    table = _text(page.list._table.value)
    assert "Per Partner" in table and "Customer" in table and t("invite.state.link", "en") in table
    assert page.partner.values()["name"] == ""  # the form is ready for the next one


def test_a_colleague_joins_my_organisation_as_a_board_member(store, cluster, settings):
    fjell = cluster["who"]["fjell"]
    page = _page(store, fjell, settings, cluster["orgs"]["fjell"])
    page.colleague.set_values(name="Bente Styre", email="bente@fjellguidene.example", relation="board")
    page.colleague.send()
    who = store.check_key(_key(page.colleague.links.link), settings.server_secret())
    assert who.role == "participant" and who.organisation_id == cluster["orgs"]["fjell"]
    assert _position(store, "bente@fjellguidene.example") == "board"
    assert "Board member" in _text(page.list._table.value)


def test_validation_messages_are_in_swedish_beside_their_fields_and_nothing_is_made(store, cluster, settings):
    stuga = cluster["who"]["stuga"]
    page = _page(store, stuga, settings, cluster["orgs"]["stuga"])
    page.lang = "sv"
    page.partner.set_values(name="", email="inte en adress")
    page.partner.send()
    assert t("error.klynge_email", "sv") in _text(page.partner.problem("email"))
    assert t("error.too_short", "sv", n=1) in _text(page.partner.problem("name")) or \
        t("error.missing", "sv") in _text(page.partner.problem("name"))
    assert page.partner.problem("relation") == ""
    assert "Inte skickad: rätta de 2 fält" in _text(page.partner._status.value)
    assert page.partner.links.link == "" and store.invitations(stuga, organisation_id=cluster["orgs"]["stuga"]) == []
    # labels and the list are Swedish too
    assert page.partner._inputs["email"].description == "E-post"
    assert "Inga inbjudningar än." in _text(page.list._table.value)


def test_an_address_already_in_the_network_is_said_beside_the_email_naming_whose(store, cluster, settings):
    page = _page(store, cluster["who"]["fjell"], settings, cluster["orgs"]["fjell"])
    page.partner.set_values(name="Gard Again", email="gard@example.no", relation="supplier")
    page.partner.send()
    message = _text(page.partner.problem("email"))
    assert "gard@example.no" in message and "Gard Person" in message
    assert page.partner.links.link == ""


def test_with_a_mail_server_the_invitation_is_sent_and_a_failed_one_can_be_tried_again(store, cluster, tmp_path):
    port = free_port()  # nobody listens here yet: sending fails
    settings = _settings(tmp_path, f"smtp://127.0.0.1:{port}?from={SENDER}")
    page = _page(store, cluster["who"]["fjell"], settings, cluster["orgs"]["fjell"])
    assert page._mail.value == "" and page.partner._button.description == t("invite.send", "en")
    page.partner.set_values(name="Kari Kunde", email="kari@kunde.example", relation="customer", lang="nb")
    page.partner.send()
    status = _text(page.partner._status.value)
    assert "could not be sent" in status and "klynge-message" in page.partner._status.value
    [failed] = page.list.invitations
    assert failed.delivery == "failed" and failed.last_error
    assert "failed:" in _text(page.list._table.value)
    [retry] = page.list._retries.children
    assert retry.description == "Try again: Kari Kunde"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        retry.click()
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message["To"].addresses[0].addr_spec == "kari@kunde.example" and message["Content-Language"] == "nb"
    body = message.get_body(("plain",)).get_content()
    assert "https://klynge.example/signin?key=" in body
    [sent] = page.list.invitations
    assert sent.delivery == "sent" and page.list._retries.children == ()
    assert "sent" in _text(page.list._table.value)
    assert "Kari Kunde is sent to kari@kunde.example" in _text(page.list._status.value).replace("invitation to ", "")


# -- who joins --------------------------------------------------------------------------------------------------


def _registration(store, who, settings) -> RegistrationPage:
    page = RegistrationPage(RegistrationService(store, who, settings))
    page.lang = "en"
    return page


def test_an_invitee_registers_a_new_organisation_and_gets_a_link_into_the_full_app(store, cluster, settings):
    invitee = _invitee(store, cluster, settings)
    page = _registration(store, invitee, settings)
    page.set_values(name="Partner AS", orgnr="972935443", kind="supplier", country="NO", municipality="5021",
                    position="board")
    page.register()
    assert page.problem("orgnr") != ""  # the check digit is wrong
    assert t("error.klynge_orgnr_check", "en") in _text(page.problem("orgnr"))
    page.set_values(orgnr="989 061 941")
    page.register()
    assert isinstance(page.outcome, Registered)
    assert "Your workspace is ready" in _text(page._done.value)
    assert 'href="https://klynge.example/voila/render/participant.ipynb"' in page._done.value
    assert page._form.layout.display == "none"
    org = store.organisation(cluster["who"]["facilitator"], page.outcome.organisation_id).value
    assert (org.name, org.kind, org.orgnr) == ("Partner AS", "supplier", "989061941")
    person = store.person_by_email(cluster["who"]["facilitator"], "per@partner.example")
    assert person.role == "participant" and person.organisation_id == org.id
    assert _position(store, "per@partner.example") == "board"


def test_a_taken_number_names_its_organisation_and_the_request_to_join_is_approved(store, cluster, settings):
    invitee = _invitee(store, cluster, settings, "Siv Søker", "siv@gard.example")
    page = _registration(store, invitee, settings)
    page.set_values(name="Gardsbutikken AS", orgnr="923609016", country="NO", municipality="5014")
    page.register()
    assert isinstance(page.outcome, Taken) and page.outcome.name == "Gardsbutikken"
    assert "Gardsbutikken is already registered" in _text(page._taken_text.value)
    assert page._join.description == "Ask to join Gardsbutikken" and page._taken.layout.display is None
    page._join.click()
    assert isinstance(page.outcome, Waiting)
    assert "waits for approval" in _text(page._done.value) and "Gardsbutikken" in _text(page._done.value)
    # A new page (after a reload) still says the request waits.
    assert isinstance(_registration(store, invitee, settings).outcome, Waiting)

    # Gardsbutikken's participant sees the request on the Invite step and lets Siv in.
    gard = cluster["who"]["gard"]
    invite = _page(store, gard, settings, cluster["orgs"]["gard"])
    [request] = invite.requests.requests
    assert request.name == "Siv Søker" and "Siv Søker" in _text(invite.requests._rows.children[0].children[0].value)
    approve = invite.requests._rows.children[0].children[1].children[0]
    assert approve.description == "Let them join"
    approve.click()
    assert "Siv Søker is now part of your organisation" in _text(invite.requests._status.value)
    assert invite.requests.requests == [] and "Nobody is waiting" in _text(invite.requests._head.value)
    person = store.person_by_email(cluster["who"]["facilitator"], "siv@gard.example")
    assert person.role == "participant" and person.organisation_id == cluster["orgs"]["gard"]


def test_a_declined_request_is_said_and_the_invitee_may_register_their_own(store, cluster, settings):
    invitee = _invitee(store, cluster, settings, "Siv Søker", "siv@gard.example")
    RegistrationService(store, invitee, settings).request_join(cluster["orgs"]["gard"])
    assert _page(store, cluster["who"]["stuga"], settings, cluster["orgs"]["stuga"]).requests.requests == []

    gard = _page(store, cluster["who"]["gard"], settings, cluster["orgs"]["gard"])
    gard.lang = "sv"
    decline = gard.requests._rows.children[0].children[1].children[1]
    assert decline.description == "Avböj"
    decline.click()
    assert "Förfrågan från Siv Søker är avböjd." in _text(gard.requests._status.value)
    page = _registration(store, invitee, settings)
    assert page.outcome is None and page._form.layout.display != "none"
    assert "Gardsbutikken" in _text(page._done.value) and "klynge-message" in page._done.value
    assert store.person_by_email(cluster["who"]["facilitator"], "siv@gard.example").role == "invitee"


# -- the facilitator's member page ------------------------------------------------------------------------------


def test_the_facilitator_invites_a_partner_for_a_new_organisation_with_relation_language_and_note(
        store, cluster, settings):
    page = MembersPage(MembersService(store, cluster["who"]["facilitator"], settings))
    page.lang = "en"
    assert page._org.value == 0 and "A new organisation" in page._org.label
    assert [v for _l, v in page._relation.options] == ["supplier", "customer", "support", "finance", "research",
                                                       "other"]
    assert page._send_mail.disabled and "KLYNGE_SMTP_URL" in page._mail_note.value
    page._name.value, page._email.value = "Nils Bank", "nils@bank.example"
    page._relation.value, page._language.value, page._note.value = "finance", "sv", "Välkommen!"
    page._invite.click()
    page._yes.click()
    assert page.link.startswith("https://klynge.example/signin?key=")
    who = store.check_key(_key(page.link), settings.server_secret())
    assert who.role == "invitee"
    [made] = page.invitations.invitations
    assert (made.relation, made.lang, made.note, made.inviter_name) == ("finance", "sv", "Välkommen!", "Facilitator")
    assert "Bank, insurer or investor" in _text(page.invitations._table.value)
    # A member organisation chosen: its people are colleagues or board members.
    page._org.value = cluster["orgs"]["gard"]
    assert [v for _l, v in page._relation.options] == ["colleague", "board"]


def test_the_facilitator_lets_a_person_join_a_member_organisation(store, cluster, settings):
    invitee = _invitee(store, cluster, settings, "Siv Søker", "siv@gard.example")
    RegistrationService(store, invitee, settings).request_join(cluster["orgs"]["gard"], "board")
    page = MembersPage(MembersService(store, cluster["who"]["facilitator"], settings))
    page.lang = "nb"
    [request] = page.requests.requests
    row = page.requests._rows.children[0]
    assert "Gardsbutikken" in _text(row.children[0].value) and "Styremedlem" in _text(row.children[0].value)
    row.children[1].children[0].click()
    assert "Siv Søker er nå med" in _text(page.requests._status.value)
    assert "Siv Søker" in next(r for r in page._rows if r.name == "Gardsbutikken").people
    assert _position(store, "siv@gard.example") == "board"


# -- the participant app ----------------------------------------------------------------------------------------


def test_the_participant_app_shows_an_invitee_only_the_registration_page_and_a_member_the_invite_step(
        store, cluster, settings):
    from klynge.apps.participant import ParticipantApp
    from klynge.apps.session import AppSession

    invitee = _invitee(store, cluster, settings)
    app = ParticipantApp(AppSession(settings, store, invitee, "sv"))
    assert list(app.shell._pages) == ["register"]
    assert isinstance(app.shell.page("register"), RegistrationPage)
    assert app.shell.page("register").lang == "sv"

    member = ParticipantApp(AppSession(settings, store, cluster["who"]["fjell"], "nb"))
    assert "invite" in member.shell._pages and "register" not in member.shell._pages
    member.shell.show("invite")
    assert isinstance(member.shell.page("invite"), InvitePage)


def test_what_people_typed_shows_as_text_in_the_lists(store, cluster, settings):
    evil = "Eve <img src=x onerror=alert(1)>"
    invitee = _invitee(store, cluster, settings, evil, "eve@partner.example")
    RegistrationService(store, invitee, settings).request_join(cluster["orgs"]["fjell"])
    page = _page(store, cluster["who"]["fjell"], settings, cluster["orgs"]["fjell"])
    request_html = page.requests._rows.children[0].children[0].value
    for html in (page.list._table.value, request_html):
        assert "<img" not in html and "Eve &lt;img src=x onerror=alert(1)&gt;" in html
