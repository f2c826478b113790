"""The facilitator's member page without a browser: a real SQLite store, real keys, real access rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from klynge.errors import AccessDenied
from klynge.model import Note
from klynge.settings import load_settings
from klynge.widgets.members_page import MembersPage
from klynge.widgets.members_service import MembersService


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the page reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def settings(db_url, tmp_path):
    return load_settings(home=str(tmp_path / "home"), db=db_url, base_url="https://klynge.example")


@pytest.fixture
def page(store, cluster, settings):
    page = MembersPage(MembersService(store, cluster["who"]["facilitator"], settings))
    page.lang = "en"
    return page


def _row(page, name):
    return next(r for r in page._rows if r.name == name)


def _key(link: str) -> str:
    return parse_qs(urlparse(link).query)["key"][0]


def test_the_list_shows_each_members_progress_per_step_and_follows_their_saves(page, store, cluster):
    row = _row(page, "Fjellguidene")
    assert [s.step for s in row.steps] == ["profile", "business_model", "value_proposition",
                                           "environmental_layer", "social_layer", "sdg"]
    assert row.step("business_model").done == 0 and row.step("business_model").total == 9
    assert row.last_activity is None and "Fjell Person" in row.people
    table = page._table.value
    assert "Business model" in table and "Sustainable Development Goals" in table
    assert "0 of 9" in table and "never" in table and "has not saved anything yet" in table

    fjell, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(fjell, org, "business_model", [
        Note(id="a", block="customer_segments", text="Families from Trondheim"),
        Note(id="b", block="channels", text="The tourist office")], None)
    page.refresh()
    row = _row(page, "Fjellguidene")
    assert row.step("business_model").done == 2 and row.last_activity is not None
    assert datetime.now(UTC) - row.last_activity < timedelta(days=1)
    assert "2 of 9" in page._table.value and "today" in page._table.value
    assert _row(page, "Gardsbutikken").last_activity is None  # others are not touched


def test_only_stuck_members_are_listed_when_asked(store, cluster, settings):
    fjell, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(fjell, org, "business_model", [Note(id="a", block="channels", text="Bus")], None)
    later = datetime.now(UTC) + timedelta(days=30, minutes=1)
    page = MembersPage(MembersService(store, cluster["who"]["facilitator"], settings), clock=lambda: later)
    page.lang = "en"
    page._only_stuck.value = True
    assert "nothing saved for 30 days" in page._table.value  # quiet for 30 days, with the default of 14
    page._days.value = 60
    assert "nothing saved for" not in page._table.value
    assert {r.name for r in page.stuck()} == {"Fjellguidene", "Gardsbutikken", "Stugbyn i Åre"}  # empty steps
    assert page._table.value.count("klynge-members-row") == 3


def test_inviting_shows_the_link_once_after_a_confirmation_and_the_link_signs_in(page, store, cluster, settings):
    page._name.value, page._email.value = "Eva Ny", "eva@fjellguidene.example"
    page._role.value, page._org.value = "participant", cluster["orgs"]["fjell"]
    page._invite.click()
    assert "Invite Eva Ny (eva@fjellguidene.example)" in page._question.value
    assert page.link == "" and page._confirm.layout.display is None
    page._yes.click()
    link = page.link
    assert link.startswith("https://klynge.example/signin?key=") and page._link_box.value == link
    assert "shown only this once" in page._link_note.value
    who = store.check_key(_key(link), settings.server_secret())
    assert who.name == "Eva Ny" and who.organisation_id == cluster["orgs"]["fjell"]
    assert any(p.name == "Eva Ny" and p.live_keys == 1 for p in page._people)
    page.refresh()  # the page drawn again: the link is gone for good
    assert page.link == "" and page._link_box.value == "" and link not in repr(page._link_box.get_state())


def test_a_wrong_invitation_says_what_is_wrong_and_registers_no_one(page, store, cluster):
    before = len(store.people(cluster["who"]["facilitator"]))
    page._name.value, page._email.value, page._role.value = "Eva", "not an address", "facilitator"
    page._invite.click()
    page._yes.click()
    assert "klynge-message" in page._status.value and "E-mail" in page._status.value and page.link == ""
    page._email.value = "fjell@example.no"  # taken
    page._invite.click()
    page._yes.click()
    assert "fjell@example.no is already registered" in page._status.value
    assert len(store.people(cluster["who"]["facilitator"])) == before


def test_renewing_a_key_shows_a_new_link_and_the_old_one_stops(page, store, cluster, settings):
    old_key_id = cluster["who"]["gard"].person_id
    person = next(p for p in page._people if p.name == "Gard Person")
    page._person.value = person.id
    page._renew.click()
    assert "Make a new sign-in link for Gard Person?" in page._question.value
    page._no.click()  # cancelled: nothing changes
    assert page.link == "" and "Nothing was changed" in page._status.value
    assert store.keys_of(cluster["who"]["facilitator"], person.id)[0].revoked_at is None
    page._renew.click()
    page._yes.click()
    new = store.check_key(_key(page.link), settings.server_secret())
    assert new.person_id == person.id == old_key_id
    keys = store.keys_of(cluster["who"]["facilitator"], person.id)
    assert len(keys) == 2 and keys[1].revoked_at is not None and keys[0].revoked_at is None


def test_revoking_really_revokes_the_key_in_the_store(page, store, cluster):
    person = next(p for p in page._people if p.name == "Stuga Person")
    key_id = store.keys_of(cluster["who"]["facilitator"], person.id)[0].id
    page._person.value = person.id
    page._revoke.click()
    assert "Revoke Stuga Person&#39;s sign-in?" in page._question.value
    page._yes.click()
    assert "can no longer sign in" in page._status.value and page.link == ""
    keys = store.keys_of(cluster["who"]["facilitator"], person.id)
    assert [k.id for k in keys] == [key_id] and keys[0].revoked_at is not None
    assert page._revoke.disabled  # nothing left to revoke
    assert "no valid sign-in link" in page._person_state.value


def test_the_page_speaks_each_language(page):
    for lang, word in (("nb", "Medlemmene"), ("sv", "Medlemmarna"), ("en", "Members")):
        page.lang = lang
        assert word in page._head.value
        assert page._days.description and page._person.description and page._org.description


def test_only_facilitators_read_the_progress_or_manage_keys(store, cluster, settings):
    service = MembersService(store, cluster["who"]["fjell"], settings)
    with pytest.raises(AccessDenied):
        service.progress()
    with pytest.raises(AccessDenied):
        service.renew(cluster["who"]["gard"].person_id)


def test_the_chosen_role_and_organisation_stay_chosen_through_a_change_of_language(page, store, cluster, settings):
    page._org.value = cluster["orgs"]["stuga"]
    page._role.value = "researcher"
    assert page._org.layout.display == "none"  # only participants belong to an organisation
    page.lang = "sv"
    assert page._role.value == "researcher" and page._role.label == "Forskare"
    page._role.value = "participant"
    assert page._org.value == cluster["orgs"]["stuga"] and page._org.layout.display is None
    page._role.value = "facilitator"
    page._name.value, page._email.value = "Fia Fasilitator", "fia@klynge.example"
    page._invite.click()
    page._yes.click()
    who = store.check_key(_key(page.link), settings.server_secret())
    assert who.role == "facilitator" and who.organisation_id is None


def test_last_activity_reads_as_today_yesterday_or_days_ago():
    from klynge.widgets.members_page import _ago

    assert [_ago(n, "nb") for n in (0, 1, 5)] == ["i dag", "i går", "for 5 dager siden"]
    assert [_ago(n, "sv") for n in (0, 1, 5)] == ["i dag", "i går", "för 5 dagar sedan"]
    assert [_ago(n, "en") for n in (0, 1, 5)] == ["today", "yesterday", "5 days ago"]


def test_typed_names_are_shown_as_text(store, cluster, settings):
    from klynge.store import Identity

    hostile = "<img src=x onerror=alert(1)>"
    org = store.organisation(Identity.system(), cluster["orgs"]["fjell"])
    store.update_organisation(Identity.system(), org.value.model_copy(update={"name": f"Fjell {hostile}"}),
                              org.version)
    page = MembersPage(MembersService(store, cluster["who"]["facilitator"], settings))
    table = page._table.value
    assert "<img" not in table and "<td class=\"name\">Fjell &lt;img src=x onerror=alert(1)&gt;" in table
