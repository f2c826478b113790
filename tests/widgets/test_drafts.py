"""Unsaved input kept in the browser: what each form hands over, puts back after a reload, and says.

The browser's side (local storage, the warning before leaving) is shown in
``tests/browser/test_phone.py``; here each form is driven headless against a real store, and
the browser's answer after a reload is played by setting the widget's ``found`` trait.
"""

from __future__ import annotations

import pytest

from klynge.i18n import t
from klynge.widgets.drafts import draft_key, who_saved
from klynge.widgets.profile_page import ProfilePage
from klynge.widgets.profile_service import ProfileService
from klynge.widgets.sdg_page import SdgPage
from klynge.widgets.sdg_service import SdgService

NEEDS = "Bussgrupper i november"


def profile_page(store, cluster, who="fjell", lang="nb"):
    return ProfilePage(ProfileService(store, cluster["who"][who], cluster["orgs"]["fjell"]), lang=lang)


def sdg_page(store, cluster, who="fjell"):
    return SdgPage(SdgService(store, cluster["who"][who], cluster["orgs"]["fjell"]), lang="nb")


def test_who_saved_names_the_person_as_another_window_and_others_by_name():
    assert who_saved(["Kari", "Ola"], "Ola", "en") == f"Kari, {t('draft.you_elsewhere', 'en')}"
    assert who_saved(["Ola"], "Ola", "nb") == t("draft.you_elsewhere", "nb")
    assert who_saved([], "Ola", "sv") == t("board.someone", "sv")


def test_each_form_of_each_person_and_organisation_has_its_own_key_and_readers_keep_none(store, cluster):
    keys = {draft_key(form, org, person) for form in ("profile", "offer", "sdg") for org in (1, 2) for person in (1, 2)}
    assert len(keys) == 12 and all(k.startswith("klynge.draft.") for k in keys)
    mine = ProfileService(store, cluster["who"]["fjell"], cluster["orgs"]["fjell"])
    person = cluster["who"]["fjell"].person_id
    assert mine.draft_key("profile") == draft_key("profile", cluster["orgs"]["fjell"], person)
    reader = ProfileService(store, cluster["who"]["gard"], cluster["orgs"]["fjell"])  # another member only reads
    assert reader.draft_key("profile") == "" and profile_page(store, cluster, "gard")._drafts.key == ""


def test_the_profile_hands_its_unsaved_input_over_and_a_save_clears_it(store, cluster):
    page = profile_page(store, cluster)
    assert page._drafts.unsaved == {}
    page._needs.value = NEEDS
    kept = page._drafts.unsaved
    assert kept["form"]["needs"] == NEEDS and kept["base"] == page._profile.version
    page._needs.value = page._loaded["needs"]  # typed back to what is stored: nothing unsaved
    assert page._drafts.unsaved == {}
    page._needs.value = NEEDS
    page._save.click()
    assert page._drafts.unsaved == {} and page._needs.value == NEEDS


def test_after_a_reload_the_profile_puts_the_kept_input_back_and_it_can_be_discarded(store, cluster):
    first = profile_page(store, cluster)
    first._needs.value = NEEDS
    kept = first._drafts.unsaved
    page = profile_page(store, cluster)  # the page after the reload
    page._drafts.found = kept
    assert page._needs.value == NEEDS and page._drafts.found == {}
    assert page._notice.shown and t("draft.restored", "nb") in page._notice.children[0].value
    assert page._drafts.unsaved == kept  # still unsaved: still kept
    page._notice.children[1].click()  # discard
    assert page._needs.value == page._loaded["needs"] != NEEDS
    assert not page._notice.shown and page._drafts.unsaved == {}


def test_kept_input_that_matches_what_is_stored_or_is_broken_is_dropped(store, cluster):
    page = profile_page(store, cluster)
    page._drafts.found = {"base": page._profile.version, "form": dict(page._loaded)}
    assert not page._notice.shown and page._drafts.found == {}
    page._drafts.found = {"form": "not a form"}
    assert not page._notice.shown and page._drafts.unsaved == {}


def test_kept_input_from_before_someone_else_saved_shows_the_conflict_when_saved(store, cluster, add_colleague):
    first = profile_page(store, cluster)
    first._needs.value = NEEDS
    kept = first._drafts.unsaved
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    theirs = ProfilePage(ProfileService(store, colleague, cluster["orgs"]["fjell"]))
    theirs._description.value = "Kari skrev dette"
    theirs._save.click()
    page = profile_page(store, cluster)
    page._drafts.found = kept
    page._save.click()
    assert page._conflict.layout.display != "none" and "Kari Fjell" in page._status.value


def test_a_save_of_ones_own_in_another_window_is_named_so(store, cluster):
    one, other = profile_page(store, cluster, lang="en"), profile_page(store, cluster, lang="en")
    one._needs.value = "From the first window"
    one._save.click()
    other._needs.value = "From the second window"
    other._save.click()
    assert t("draft.you_elsewhere", "en") in other._status.value
    assert "Fjell Person" not in other._status.value


def test_an_offer_being_written_is_kept_and_opened_again_after_a_reload(store, cluster):
    page = profile_page(store, cluster)
    offers = page._offers
    offers._add.click()
    assert offers._drafts.unsaved == {}  # a new, untouched form holds nothing of the person's
    offers._title.value = "Nordlystur"
    offers._months[11].value = True
    kept = offers._drafts.unsaved
    assert kept["editing"] is None and kept["form"]["title"] == "Nordlystur"
    again = profile_page(store, cluster)._offers
    again._drafts.found = kept
    assert again._form.layout.display != "none" and again._notice.shown
    assert again._title.value == "Nordlystur" and again._months[11].value
    again._cancel.click()
    assert again._drafts.unsaved == {} and not again._notice.shown


def test_an_sdg_target_being_assessed_is_kept_opened_again_and_saved_next_to_its_button(store, cluster):
    page = sdg_page(store, cluster)
    editor = page.open_target("8.9")
    editor.evidence.value = "Lokale guider hele året"
    kept = page._drafts.unsaved
    assert kept["code"] == "8.9" and kept["form"]["evidence"] == "Lokale guider hele året"
    again = sdg_page(store, cluster)
    again._drafts.found = kept
    assert again.editor is not None and again.editor.code == "8.9"
    assert again.editor.evidence.value == "Lokale guider hele året" and again._notice.shown
    again.editor.save_button.click()
    assert again.editor is None and again._drafts.unsaved == {}
    row = next(slot for key, slot in again._slots.items() if key[1] == "8.9" and slot.children)
    assert t("sdg.saved", "nb", code="8.9") in row.children[0].value


def test_an_sdg_target_that_no_longer_exists_is_not_restored(store, cluster):
    page = sdg_page(store, cluster)
    page._drafts.found = {"code": "99.9", "base": 0, "form": {"evidence": "x"}}
    assert page.editor is None and page._drafts.found == {}


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_the_notice_speaks_the_pages_language(store, cluster, lang):
    page = profile_page(store, cluster)
    page.lang = lang
    assert t("draft.discard", lang) == page._notice.children[1].description


def test_an_sdg_target_saved_in_another_window_of_the_same_person_is_named_so(store, cluster):
    one, other = sdg_page(store, cluster), sdg_page(store, cluster)
    for page, text in ((one, "Fra det første vinduet"), (other, "Fra det andre vinduet")):
        editor = page.open_target("8.9")
        editor.evidence.value = text
    one.editor.save_button.click()
    other.editor.save_button.click()
    clash = other.editor.clash.children[0].value
    assert t("draft.you_elsewhere", "nb") in clash and "Fjell Person" not in clash
    assert other.editor.evidence.value == "Fra det andre vinduet"  # the input stays
