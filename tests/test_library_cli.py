"""``klynge library add`` and ``klynge library search`` on a real SQLite file."""

from __future__ import annotations

import json

import pytest

from klynge.cli import run
from klynge.model import Cluster, Organisation
from klynge.settings import load_settings
from klynge.store import Identity, open_store

from .store.test_library import docx_bytes, pdf_bytes

SYSTEM = Identity.system()


@pytest.fixture
def db(tmp_path):
    url = load_settings({}, home=str(tmp_path / "home")).db
    with open_store(url) as store:
        cid = store.create_cluster(SYSTEM, Cluster(name="Nysesong"))
        store.add_organisation(SYSTEM, Organisation(name="Fjellguidene", country="NO", orgnr="974760673",
                                                    municipality="5021", sector="activity"), cid)
    return url


def test_a_file_added_from_the_command_line_is_found_by_a_word_inside_it(db, tmp_path, capsys):
    (tmp_path / "rapport.pdf").write_bytes(pdf_bytes("Nordlyset over Oppdal trekker gjester i januar."))
    assert run(["library", "add", str(tmp_path / "rapport.pdf"), "--db", db, "--title", "Vinterrapport",
                "--tag", "sdg:8", "--tag", "region:Oppdal", "--kind", "report", "--lang", "nb",
                "--licence", "CC BY 4.0", "--member", "974 760 673"]) == 0
    assert "added library item 1: Vinterrapport" in capsys.readouterr().out
    assert run(["library", "search", "nordlyset", "--db", db, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["title"], h["kind"]) for h in hits] == [("Vinterrapport", "report")]
    assert "**Nordlyset**" in hits[0]["snippet"] and "<mark>Nordlyset</mark>" in hits[0]["snippet_html"]
    assert run(["library", "search", "gjester", "--db", db, "--tag", "sdg:8"]) == 0
    out = capsys.readouterr().out
    assert "1. Vinterrapport [Rapport] (rapport.pdf, item 1)" in out and "[gjester]" in out
    with open_store(db) as store:
        item = store.library_item(SYSTEM, 1)
    assert (item.organisation, item.licence, item.tags) == ("Fjellguidene", "CC BY 4.0",
                                                           {"region": ["Oppdal"], "sdg": [8]})


def test_a_link_is_added_and_a_query_of_only_syntax_says_there_is_nothing_to_search_for(db, capsys):
    assert run(["library", "add", "https://example.org/kurs", "--db", db, "--title", "Kurs i vertskap",
                "--kind", "course", "--lang", "en", "--public"]) == 0
    capsys.readouterr()
    assert run(["library", "search", 'vertskap" OR (', "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == "Kurs i vertskap"
    with pytest.raises(Exception, match="Nothing to search for"):
        run(["library", "search", '"*"', "--db", db, "--lang", "en"])


def test_a_renamed_file_is_refused_from_the_command_line_in_one_line(db, tmp_path, capsys):
    from klynge.cli import main

    (tmp_path / "tall.pdf").write_bytes(docx_bytes("tekst"))
    with pytest.raises(SystemExit) as ended:
        main(["library", "add", str(tmp_path / "tall.pdf"), "--db", db, "--title", "Tall"])
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("klynge: ") and "egentlig et Word-dokument" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):
        main(["library", "add", str(tmp_path / "missing.pdf"), "--db", db, "--title", "Tall"])
    assert "no such file" in capsys.readouterr().err
