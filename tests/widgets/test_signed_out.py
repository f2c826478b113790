"""A save after the person's sign-in ended is refused with a message in their language, and writes nothing."""

from __future__ import annotations

import pytest

from klynge.i18n import t
from klynge.store import Identity
from klynge.widgets import CanvasBoard, CanvasService
from klynge.widgets.profile_page import ProfilePage
from klynge.widgets.profile_service import ProfileService
from klynge.widgets.sdg_page import SdgPage
from klynge.widgets.sdg_service import SdgService

BM = "business_model"


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_the_board_says_the_sign_in_ended(store, cluster, signed_in, lang):
    who, key = signed_in
    board = CanvasBoard(CanvasService(store, who, who.organisation_id, BM), lang=lang)
    store.revoke_key(Identity.system(), key.split(".")[0])
    board.handle_message({"type": "save", "request": 1, "base": board.revision,
                          "notes": [{"id": "a", "block": "channels", "text": "Etter", "order": 0}]})
    assert board.answered == {"request": 1, "type": "save", "ok": False}
    assert board.status == "error" and board.message == t("shell.session_ended", lang)
    doc, rev = store.canvas(Identity.system(), who.organisation_id, BM)
    assert rev.number == 1 and [n.text for n in doc.notes] == ["Nett"]


def test_the_sdg_page_says_the_sign_in_ended(store, signed_in):
    who, key = signed_in
    page = SdgPage(SdgService(store, who, who.organisation_id), lang="sv")
    editor = page.open_target("8.9", "suggested")
    editor.relevance.value = 3
    store.revoke_key(Identity.system(), key.split(".")[0])
    editor.save_button.click()
    assert t("shell.session_ended", "sv") in editor.message.value
    assert store.sdg(Identity.system(), who.organisation_id)[1].number == 0


def test_the_profile_page_says_the_sign_in_ended(store, signed_in):
    who, key = signed_in
    page = ProfilePage(ProfileService(store, who, who.organisation_id), lang="en")
    page._needs.value = "Flere gjester i november"
    store.revoke_key(Identity.system(), key.split(".")[0])
    page._save.click()
    assert t("shell.session_ended", "en") in page._status.value
    assert store.organisation(Identity.system(), who.organisation_id).value.needs == ""
