"""What a file really is, the words of a snippet, tags as typed, and the demo's library."""

from __future__ import annotations

import pytest

from klynge.errors import ValidationError
from klynge.library import LibraryEntry, check_url, highlight_html, highlight_text, parse_tag, sniff

from .store.test_library import docx_bytes, pdf_bytes, xlsx_bytes


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.4\n", "pdf"), (b"PK\x03\x04junk", "zip"), (b"\x89PNG\r\n\x1a\n", "image"), (b"MZ\x90", "program"),
    (b"\x7fELF", "program"), (b"#!/bin/sh\nrm -rf /", "program"), (b"\xef\xbb\xbfa;b\n1;2\n", "csv"),
    ("år;gjester\n2026;ø\n".encode("cp1252"), "csv"), (b"  <!doctype html><p>x", "html"), (b"<svg onload=x>", "html"),
    (b"\x00\x01\x02\x03" * 10, "binary"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "office_old"),
])
def test_a_file_is_known_by_its_bytes(data, kind):
    assert sniff(data) == kind


def test_office_packages_are_told_apart():
    assert (sniff(docx_bytes("x")), sniff(xlsx_bytes("x")), sniff(pdf_bytes("x"))) == ("docx", "xlsx", "pdf")


def test_snippets_escape_the_text_and_pair_the_marks():
    raw = "<script>x</script> \x02ord\x03 & \x03stray \x02open"
    assert str(highlight_html(raw)) == "&lt;script&gt;x&lt;/script&gt; <mark>ord</mark> &amp; stray <mark>open</mark>"
    assert highlight_text(raw, "[", "]") == "<script>x</script> [ord] & stray [open]"


def test_tags_and_links_as_typed():
    assert parse_tag("sdg:08") == ("sdg", "8") and parse_tag("mat") == ("themes", "mat")
    assert parse_tag("Region: Oppdal") == ("region", "Oppdal")
    for bad in ("sdg:18", "month:0", "colour:red", "sdg:"):
        with pytest.raises(ValidationError):
            parse_tag(bad)
    entry = LibraryEntry.with_tags(["month:3", "month:1", "sdg:8", "mat", "mat"], title=" T ")
    assert entry.tags == {"months": [1, 3], "sdg": [8], "themes": ["mat"]} and entry.title == "T"
    for url in ("javascript:alert(1)", "data:text/html,x", "ftp://x.no", "https://", "https://a b.no"):
        with pytest.raises(ValidationError):
            check_url(url)


def test_the_demo_shares_a_small_library_found_by_the_words_in_its_files(tmp_path):
    from klynge.demo import load_demo
    from klynge.settings import load_settings
    from klynge.store import Identity, open_store

    settings = load_settings({}, home=str(tmp_path / "home"))
    with open_store(settings.db) as store:
        load_demo(store, settings, progress=False)
        system = Identity.system()
        items = store.library_items(system)
        assert len(items) == 4 and {i.kind for i in items} == {"report", "statistics", "research", "other"}
        assert all(i.searchable for i in items) and all(i.shared_by != "the system" for i in items)
        for query, title in (("nordlysturer truger", "Vintersesongen i Oppdal 2025/26"),
                             ("gästnätter östersund", "Gästnätter per månad i Jämtland Härjedalen"),
                             ("bagasjetransport", "Notat om pilegrimsleden")):
            assert [h.item.title for h in store.search_library(system, query)] == [title]
