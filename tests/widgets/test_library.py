"""The participant's "Library" step without a browser: a real SQLite store, real files, the page's own buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from klynge.widgets.library_page import LibraryPage
from klynge.widgets.library_service import LibraryService

from ..store.test_library import blank_pdf, pdf_bytes


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the service reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _page(store, who, org, lang="en") -> tuple[LibraryPage, list]:
    page = LibraryPage(LibraryService(store, who, org, max_bytes=1_000_000))
    page.lang = lang
    sent: list = []
    page._download.send = lambda content, buffers=None: sent.append((content, buffers))
    return page, sent


def _upload(page: LibraryPage, name: str, data: bytes) -> None:
    page._upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                           "last_modified": datetime(2026, 1, 1, tzinfo=UTC)},)


def test_a_participant_uploads_a_pdf_finds_it_by_a_word_inside_and_downloads_it(store, cluster):
    fjell = cluster["who"]["fjell"]
    page, sent = _page(store, fjell, cluster["orgs"]["fjell"])
    data = pdf_bytes("Reinsdyrbeite og vinterturisme i Røros")
    _upload(page, "beite_rapport.pdf", data)
    assert page._title.value == "beite rapport"  # the file's name proposes a title
    page._title.value = "Beiterapport"
    page._tags.value = "sdg:15, month:1, reindrift"
    page._add.click()
    assert "Added: “Beiterapport”." in page._form_status.value and not page._add.disabled
    assert page._upload.value == () and page._title.value == ""
    page._query.value = "reinsdyrbeite"
    page._search.click()
    assert "1 hits" in page._status.value
    card = page._list.children[0]
    html = card.children[0].value
    assert "<mark>Reinsdyrbeite</mark>" in html and "Beiterapport" in html and "SDG 15 · January · reindrift" in html
    download = [b for b in card.children[1].children if "klynge-library-download" in b._dom_classes][0]
    download.click()
    assert sent[0][0]["filename"] == "beite_rapport.pdf" and bytes(sent[0][1][0]) == data


def test_hostile_text_in_a_file_is_shown_as_text_only_the_marks_are_html(store, cluster):
    page, _sent = _page(store, cluster["who"]["fjell"], cluster["orgs"]["fjell"])
    _upload(page, "x.csv", b"a;b\n<img src=x onerror=alert(1)>;<script>alert(2)</script> fjellbeite\n")
    page._title.value = "<b>Beite</b>"
    page._add.click()
    page._query.value = "fjellbeite"
    page._search.click()
    html = page._list.children[0].children[0].value
    assert "<img" not in html and "<script" not in html and "<b>Beite" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<mark>fjellbeite</mark>" in html


def test_a_refused_file_is_said_beside_the_form_in_the_persons_language(store, cluster):
    page, _sent = _page(store, cluster["who"]["fjell"], cluster["orgs"]["fjell"], lang="sv")
    _upload(page, "rapport.pdf", b"PK\x03\x04 not really")
    page._title.value = "Rapport"
    page._add.click()
    assert "Den här filen är ett ZIP-arkiv" in page._form_status.value
    _upload(page, "skanning.pdf", blank_pdf())
    page._add.click()
    assert "inget textlager" in page._form_status.value  # stored, and said to be unsearchable
    page._add.click()
    assert "Välj en fil eller skriv en länk" in page._form_status.value
    page._query.value = '"(*'
    page._search.click()
    assert "Inget att söka efter" in page._status.value and "Traceback" not in page._status.value


def test_a_link_is_shared_and_a_facilitator_may_remove_it(store, cluster):
    page, _sent = _page(store, cluster["who"]["fjell"], cluster["orgs"]["fjell"], lang="nb")
    page._url.value = "https://example.org/kurs"
    page._title.value = "Vertskapskurs"
    page._kind.value = "course"
    page._add.click()
    assert "Lagt til" in page._form_status.value
    assert [c.children[0].value.count('href="https://example.org/kurs"') for c in page._list.children] == [1]
    other, _ = _page(store, cluster["who"]["gard"], cluster["orgs"]["gard"])
    assert other._list.children[0].children[1].children == ()  # another member may not remove it
    fac, _ = _page(store, cluster["who"]["facilitator"], None)
    fac._query.value = "vertskapskurs"
    fac._kind_filter.value = "course"
    fac._search.click()
    (remove,) = fac._list.children[0].children[1].children
    remove.click()  # the first click asks
    (sure,) = fac._list.children[0].children[1].children
    assert sure.description == "Yes, remove it" and store.library_items(cluster["who"]["fjell"])
    sure.click()
    assert fac._list.children == () and "Fjernet" not in fac._status.value  # the page is in English
    page.lang = "sv"
    assert "Klustrets bibliotek" in page._head.value


def test_a_file_past_the_limit_is_refused_with_the_sizes(store, cluster):
    page, _sent = _page(store, cluster["who"]["fjell"], cluster["orgs"]["fjell"], lang="nb")
    _upload(page, "stor.csv", b"a;b\n" * 400_000)
    page._title.value = "Stor"
    page._add.click()
    assert "Filen er 1,6 MB; biblioteket tar filer opptil 1 MB." in page._form_status.value
    assert page._list.children == ()
