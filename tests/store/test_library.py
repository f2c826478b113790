"""The library in the store, on SQLite and PostgreSQL: files found by the words inside them, safely."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from klynge.errors import AccessDenied, NotFound, NothingToSearch, ValidationError
from klynge.library import LibraryEntry
from klynge.store import Identity, bulk, open_store

MB = 1_000_000


def pdf_bytes(body: str) -> bytes:
    from klynge.report.formats import to_pdf

    return to_pdf(f"<html><body><h1>Rapport</h1><p>{body}</p></body></html>")


def docx_bytes(body: str) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_heading("Notat", 1)
    doc.add_paragraph(body)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes(body: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["År", "Merknad"])
    book.active.append([2026, body])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("hemmelig innhold om fjellet"))))
    writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def entry(title: str, **more) -> LibraryEntry:
    return LibraryEntry(title=title, **more)


@pytest.fixture
def fjell(cluster):
    return cluster["who"]["fjell"]


def test_a_phrase_inside_a_pdf_a_docx_and_an_xlsx_is_found(store, fjell):
    made = {
        "pdf": store.add_library_file(fjell, "rapport.pdf", pdf_bytes("Vintersesongen i Oppdal er kort og kald."),
                                      entry("Sesongrapport", kind="report"), max_bytes=20 * MB),
        "docx": store.add_library_file(fjell, "notat.docx", docx_bytes("Pilegrimsleden gjennom Gauldalen trekker "
                                                                       "turister om høsten."),
                                       entry("Notat om leden", kind="research"), max_bytes=20 * MB),
        "xlsx": store.add_library_file(fjell, "tall.xlsx", xlsx_bytes("Overnattinger steg kraftig i november"),
                                       entry("Overnattingstall", kind="statistics"), max_bytes=20 * MB),
    }
    assert all(item.searchable for item in made.values())
    for query, kind in (("vintersesongen oppdal", "pdf"), ("pilegrimsleden gauldalen", "docx"),
                        ("overnattinger november", "xlsx")):
        hits = store.search_library(fjell, query)
        assert [h.item.id for h in hits] == [made[kind].id], query
        assert "\x02" in hits[0].snippet and "\x03" in hits[0].snippet  # the match is marked
    assert store.search_library(fjell, "Sesongrapport")[0].item.title == "Sesongrapport"
    filename, media_type, data = store.library_file(fjell, made["docx"].id)
    assert (filename, media_type) == ("notat.docx", made["docx"].media_type) and data[:2] == b"PK"


def test_filters_narrow_the_hits(store, fjell):
    a = store.add_library_file(fjell, "a.csv", b"tema;tekst\nmat;lokal mat om vinteren\n",
                               LibraryEntry.with_tags(["sdg:12", "theme:food"], title="Mat", kind="statistics",
                                                      language="nb"), max_bytes=MB)
    b = store.add_library_link(fjell, "https://example.org/video", LibraryEntry.with_tags(
        ["month:1", "region:Oppdal"], title="Mat om vinteren", kind="video", language="en"))
    ids = lambda **f: {h.item.id for h in store.search_library(fjell, "vinteren mat", **f)}  # noqa: E731
    assert ids() == {a.id, b.id}
    assert ids(kind="video") == {b.id} and ids(language="nb") == {a.id}
    assert ids(tag="sdg:12") == {a.id} and ids(tag="theme:food") == {a.id} and ids(tag="region:Oppdal") == {b.id}
    assert ids(tag="month:1") == {b.id} and ids(tag="sdg:3") == set() and ids(visibility="public") == set()


def test_a_limit_keeps_the_best_hits_in_order_each_with_its_snippet(store, fjell):
    from klynge.store.search import START, STOP

    for n in range(12):
        store.add_library_file(fjell, f"d{n}.csv", f"nr;tekst\n{n};skreddersydde turer nummer {n}\n".encode(),
                               entry(f"Dokument {n}"), max_bytes=MB)
    best = store.add_library_link(fjell, "https://example.org/s", entry("Skreddersydde turer", description="om turer"))
    every = store.search_library(fjell, "skreddersydde turer", limit=50)
    hits = store.search_library(fjell, "skreddersydde turer", limit=4)
    assert len(every) == 13 and [h.item.id for h in hits] == [h.item.id for h in every[:4]]
    assert hits[0].item.id == best.id and [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    for hit in every:
        assert f"{START}skreddersydde{STOP}" in hit.snippet.lower()


@pytest.mark.parametrize("query", ['mat"', "mat AND OR NOT", "(mat", "mat*", "mat:*", "^mat", "NEAR(mat vinter)",
                                   "title:mat", "mat & | ! <->", "'mat'", "mat -vinter", "{mat}", "ø'; DROP TABLE x"])
def test_fts_syntax_never_errors(store, fjell, query):
    store.add_library_link(fjell, "https://example.org/m", entry("Mat og vinter", description="lokal mat"))
    hits = store.search_library(fjell, query)
    assert isinstance(hits, list)


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', '""', "--", "*", "og i på", "the and of", "och att"])
def test_a_query_with_nothing_to_search_for_says_so(store, fjell, query):
    with pytest.raises(NothingToSearch, match="Ingenting å søke etter"):
        store.search_library(fjell, query, lang="nb")


def test_the_same_file_is_stored_once(store, fjell, cluster, system):
    data = pdf_bytes("Samme fil to ganger")
    store.add_library_file(fjell, "a.pdf", data, entry("Første"), max_bytes=MB)
    with pytest.raises(ValidationError, match="allerede: «Første»"):
        store.add_library_file(cluster["who"]["gard"], "b.pdf", data, entry("Andre"), max_bytes=MB, lang="nb")
    other = store.create_cluster(system, __import__("klynge.model", fromlist=["Cluster"]).Cluster(name="Annen"))
    store.add_library_file(system, "c.pdf", data, entry("I en annen klynge"), max_bytes=MB, cluster_id=other)
    assert store.library_blob_count(system) == 1
    with store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM library_items")).scalar() == 2


@pytest.mark.parametrize(("name", "data", "message"), [
    ("tom.pdf", b"", "The file is empty"),
    ("stor.csv", b"a,b\n" * 300_000, "is 1.2 MB; the library takes files up to 1 MB"),
    ("rapport.pdf", b"PK\x03\x04", "This file is a ZIP archive"),
    ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100, "This file is a program"),
    ("bilde.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "This file is an image"),
    ("side.csv", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "This file is a web page"),
    ("gammel.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "an old Office file"),
    ("skadet.pdf", b"%PDF-1.7\nthis is not really a pdf", "cannot be read as a PDF"),
])
def test_files_the_library_does_not_take_are_refused_with_the_reason(store, fjell, name, data, message):
    with pytest.raises(ValidationError, match=message):
        store.add_library_file(fjell, name, data, entry("X"), max_bytes=MB)
    assert store.library_items(fjell) == []


def test_a_renamed_file_is_refused_naming_what_it_really_is(store, fjell):
    with pytest.raises(ValidationError, match=r"called rapport\.pdf, but it is really a Word document \(DOCX\)"):
        store.add_library_file(fjell, "rapport.pdf", docx_bytes("tekst"), entry("X"), max_bytes=MB)
    with pytest.raises(ValidationError, match=r"called tall\.csv, but it is really a PDF"):
        store.add_library_file(fjell, "tall.csv", pdf_bytes("tekst"), entry("X"), max_bytes=MB)
    # a name with no ending the library knows gets the true one
    item = store.add_library_file(fjell, "tall.exe", xlsx_bytes("tekst"), entry("X"), max_bytes=MB)
    assert item.filename == "tall.xlsx"


def test_encrypted_files_are_refused_but_a_pdf_that_opens_without_a_password_is_read(store, fjell):
    with pytest.raises(ValidationError, match="protected with a password"):
        store.add_library_file(fjell, "låst.pdf", encrypted_pdf("hemmelig"), entry("X"), max_bytes=MB)
    # An encrypted Office file is a compound file with an EncryptionInfo stream (made by hand here).
    office = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(ValidationError, match="protected with a password"):
        store.add_library_file(fjell, "låst.docx", office, entry("X"), max_bytes=MB)
    item = store.add_library_file(fjell, "åpen.pdf", encrypted_pdf(""), entry("Åpen"), max_bytes=MB)
    assert item.searchable and store.search_library(fjell, "hemmelig fjellet")[0].item.id == item.id


def test_a_pdf_without_a_text_layer_is_stored_and_said_to_be_unsearchable(store, fjell):
    item = store.add_library_file(fjell, "skanning.pdf", blank_pdf(), entry("Skannet brosjyre"), max_bytes=MB)
    assert (item.searchable, item.unsearchable_reason) == (False, "no_text_layer")
    assert [h.item.id for h in store.search_library(fjell, "brosjyre")] == [item.id]  # by its title


def test_hostile_text_in_a_file_stays_text_and_cannot_forge_the_marks(store, fjell):
    data = b"navn;merknad\nx;<img src=x onerror=alert(1)> \x02fjellbeite\x03 er bra\n"
    store.add_library_file(fjell, "ondt.csv", data, entry("Beite"), max_bytes=MB)
    snippet = store.search_library(fjell, "fjellbeite")[0].snippet
    assert snippet.count("\x02") == 1 and snippet.count("\x03") == 1  # only the engine's own marks


def test_who_reads_shares_and_removes(store, cluster, system):
    fjell, gard, fac, res = (cluster["who"][k] for k in ("fjell", "gard", "facilitator", "researcher"))
    item = store.add_library_link(fjell, "https://example.org/a", entry("Felles kurs", kind="course"))
    assert item.organisation == "Fjellguidene" and item.shared_by == "Fjell Person"
    assert store.library_item(gard, item.id).title == "Felles kurs"
    assert [h.item.id for h in store.search_library(fac, "kurs")] == [item.id]
    with pytest.raises(AccessDenied):
        store.search_library(res, "kurs")
    with pytest.raises(AccessDenied):
        store.add_library_link(res, "https://example.org/b", entry("R"))
    with pytest.raises(AccessDenied):
        store.add_library_link(fac, "https://example.org/b", entry("F"))
    with pytest.raises(AccessDenied):
        store.add_library_link(gard, "https://example.org/b", entry("G"), organisation_id=cluster["orgs"]["fjell"])
    with pytest.raises(AccessDenied):
        store.remove_library_item(gard, item.id)
    with pytest.raises(ValidationError, match="https://"):
        store.add_library_link(fjell, "javascript:alert(1)", entry("J"))
    store.remove_library_item(fac, item.id)
    assert store.search_library(fjell, "kurs") == [] and store.library_items(fjell) == []
    with pytest.raises(NotFound):
        store.library_item(fjell, item.id)


def test_a_public_item_is_read_by_another_cluster_a_cluster_item_is_not(store, cluster, system):
    from klynge.model import Cluster, Person

    fjell = cluster["who"]["fjell"]
    shared = store.add_library_link(fjell, "https://example.org/p", entry("Offentlig veileder", visibility="public"))
    private = store.add_library_link(fjell, "https://example.org/c", entry("Intern veileder"))
    other = store.create_cluster(system, Cluster(name="Annen"))
    pid = store.add_person(system, Person(name="Ola", email="ola@example.no", role="facilitator"), other)
    from ..conftest import SECRET
    ola = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    assert [h.item.id for h in store.search_library(ola, "veileder")] == [shared.id]
    assert store.library_item(ola, shared.id).title == "Offentlig veileder"
    with pytest.raises(AccessDenied):
        store.library_item(ola, private.id)
    with pytest.raises(AccessDenied):
        store.remove_library_item(ola, shared.id)


def test_a_dump_holds_the_files_and_a_load_makes_the_index_again(store, fjell, system, db_url, tmp_path):
    data = pdf_bytes("Nordlyset over Røros om vinteren")
    item = store.add_library_file(fjell, "nordlys.pdf", data, entry("Nordlys"), max_bytes=MB)
    dumped = bulk.dump(store, system)
    assert dumped["library_blobs"][0]["sha256"] == item.sha256
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    with open_store(copy_url) as copy:
        bulk.load(copy, system, dumped)
        assert copy.library_file(system, item.id)[2] == data
        assert [h.item.id for h in copy.search_library(system, "nordlyset røros")] == [item.id]
        bulk.load(copy, system, dumped, replace=True)
        assert len(copy.search_library(system, "nordlyset")) == 1


def test_norwegian_words_are_found_in_another_form(store, fjell):
    store.add_library_link(fjell, "https://example.org/r", entry("Reiselivet i fjellbygdene", language="nb"))
    assert len(store.search_library(fjell, "reiseliv")) == 1


def test_a_system_identity_needs_a_cluster(store):
    with pytest.raises(AccessDenied, match="name the cluster"):
        store.add_library_link(Identity.system(), "https://example.org", entry("X"))


def test_purging_items_deletes_the_bytes_no_other_item_uses(store, cluster, system):
    from klynge.model import Cluster
    from klynge.store.engine import writing

    fjell, gard = cluster["who"]["fjell"], cluster["who"]["gard"]
    shared = pdf_bytes("Delt fil")
    own = store.add_library_file(fjell, "a.pdf", shared, entry("A"), max_bytes=MB)
    only = store.add_library_file(fjell, "b.csv", b"x;y\nunikord;1\n", entry("B"), max_bytes=MB)
    other = store.create_cluster(system, Cluster(name="Annen"))
    kept = store.add_library_file(system, "c.pdf", shared, entry("C"), max_bytes=MB, cluster_id=other)
    store.add_library_link(gard, "https://example.org", entry("Lenke"))
    with writing(store.engine) as c:
        assert store.purge_library_items(c, [own.id, only.id]) == 1  # the PDF is still used by the other cluster
    assert store.library_blob_count(system) == 1
    assert store.library_file(system, kept.id)[2] == shared
    assert store.search_library(system, "unikord") == [] and [i.title for i in store.library_items(fjell)] == ["Lenke"]


def test_a_file_with_a_long_text_is_indexed_to_its_end(store, fjell):
    import random

    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefghijklmnoprstuvyæøå") for _ in range(rng.randint(4, 11))) for _ in range(5000)]
    body = " ".join(rng.choice(words) for _ in range(60_000))
    body += " " + " ".join(f"o{n}x" for n in range(60_000)) + " sluttordet"  # many different words
    item = store.add_library_file(fjell, "lang.csv", body.encode(), entry("Lang tekst"), max_bytes=20 * MB)
    assert item.searchable
    assert [h.item.id for h in store.search_library(fjell, "sluttordet")] == [item.id]


def test_a_text_with_more_words_than_an_index_entry_holds_is_indexed_as_far_as_it_fits(store, fjell):
    body = "startordet " + " ".join(f"w{n}q" for n in range(180_000))
    item = store.add_library_file(fjell, "mange.csv", body.encode(), entry("Mange ord"), max_bytes=20 * MB)
    assert [h.item.id for h in store.search_library(fjell, "startordet")] == [item.id]


def test_an_archive_carries_the_files_and_an_import_finds_them_again(store, fjell, system, tmp_path):
    from klynge.archive import export_archive, import_archive

    data = docx_bytes("Midnattssol over Saltfjellet i juni")
    item = store.add_library_file(fjell, "sol.docx", data, entry("Midnattssol"), max_bytes=MB)
    path = export_archive(store, tmp_path / "klynge.zip")
    with open_store(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        import_archive(copy, path)
        assert copy.library_file(system, item.id)[2] == data
        assert [h.item.title for h in copy.search_library(system, "midnattssol saltfjellet")] == ["Midnattssol"]
