"""``klynge workshop import`` on a real SQLite file: the JSON it prints, its plain summary, its one-line errors."""

from __future__ import annotations

import json

import pytest

from klynge.batch.data import batch_identity
from klynge.cli import run
from klynge.cli.workshop import _FORMATS
from klynge.errors import DataError, Refused
from klynge.model import Person
from klynge.store import Identity, open_store
from klynge.workshop_import import FORMATS

from .test_library_cli import db as library_db  # noqa: F401 -- a fixture this module's own builds on
from .test_workshop_import import SAMPLES, sample

SYSTEM = Identity.system()


@pytest.fixture
def db(library_db, tmp_path):  # noqa: F811 -- library_db is the fixture imported above
    """The library's test database (a cluster and Fjellguidene) with Kari, an open round and a closed one."""
    with open_store(library_db) as store:
        batch = batch_identity(store)
        oid = store.organisations(batch)[0].id
        store.add_person(SYSTEM, Person(name="Kari Nergård", email="kari@fjellglott.example", organisation_id=oid),
                         batch.cluster_id)
        rounds = [store.open_round(batch, subject_kind="gap", subject_id="gap:5021:1", subject_title="Oppdal, Jan",
                                   question=q, minutes=30, dots=3).id for q in ("Vinter?", "Vår?")]
        store.close_round(batch, rounds[1])
    for fmt in FORMATS:
        (tmp_path / SAMPLES[fmt]).write_bytes(sample(fmt))
    return library_db, rounds


def test_the_command_imports_a_zoom_chat_and_prints_the_counts_as_json(db, tmp_path, capsys):
    url, (open_id, _closed) = db
    assert run(["workshop", "import", str(tmp_path / "zoom.txt"), "--round", str(open_id), "--db", url,
                "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("imported", "matched", "unmatched", "anonymous", "format")} == {
        "imported": 5, "matched": 2, "unmatched": 3, "anonymous": 0, "format": "zoom"}
    assert out["unmatched_authors"] == ["Malin Åkerström", "Sverre Bjørkmo", "Tone Tilskuer"]
    assert out["skipped"] == {"empty": 1, "system": 0, "reactions": 1, "private": 1, "duplicates": 1}
    assert run(["workshop", "import", str(tmp_path / "miro.csv"), "--round", str(open_id), "--db", url,
                "--format", "miro", "--lang", "nb"]) == 0
    said = capsys.readouterr().out
    assert "5 ideer fra Miro er nå på tavla i denne runden." in said and "Utelatt: 1 duplikat." in said
    assert "Ikke funnet blant personene i klyngen: Åsa Nyberg, berit flønes" in said


def test_a_wrong_format_and_a_closed_round_are_refused(db, tmp_path):
    url, (open_id, closed_id) = db
    with pytest.raises(DataError, match="miro.csv is not a QiqoChat file as expected"):
        run(["workshop", "import", str(tmp_path / "miro.csv"), "--round", str(open_id), "--db", url,
             "--format", "qiqochat", "--lang", "en"])
    with pytest.raises(Refused, match="closed this round"):
        run(["workshop", "import", str(tmp_path / "miro.csv"), "--round", str(closed_id), "--db", url])
    with pytest.raises(DataError, match="cannot read"):
        run(["workshop", "import", str(tmp_path / "nothing.csv"), "--round", str(open_id), "--db", url])


def test_the_format_choices_are_the_formats_read():
    assert _FORMATS == FORMATS
