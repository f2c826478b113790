"""The strategy over the batch's own reading of a store: the demo loaded into SQLite, with private markers added.

The demo is loaded once for the module; :func:`klynge.batch.steps.strategy_data` reads it as the
batch does (nothing private), and :func:`klynge.batch.steps.cluster_findings` is what a report calls.
"""

from __future__ import annotations

import json

import pytest

from klynge.batch import steps
from klynge.batch.data import batch_identity
from klynge.demo import load_demo
from klynge.model import Note
from klynge.settings import load_settings
from klynge.store import Identity, open_store
from klynge.strategy import existing_ids, findings, findings_json

MARKER = "PRIVATE-STRATEGY-MARKER"
SYSTEM = Identity.system()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The demo in SQLite; every member's canvas holds a private key-partner note with the marker."""
    home = tmp_path_factory.mktemp("strategy-demo")
    settings = load_settings({}, home=str(home))
    store = open_store(settings.db)
    load_demo(store, settings, progress=False)
    for org in store.organisations(SYSTEM):
        doc, rev = store.canvas(SYSTEM, org.id, "business_model")
        note = Note(id="private-marker", block="key_partners", text=f"{MARKER} bank hotel taxi", visibility="private")
        store.save_canvas(SYSTEM, org.id, "business_model", [*doc.notes, note], rev.number or None)
    yield settings, store
    store.close()


def test_findings_from_the_store_trace_to_rows_that_exist_and_hold_nothing_private(demo_store):
    _settings, store = demo_store
    data = steps.strategy_data(store, batch_identity(store))
    found = findings(data)
    assert len(data.members) == len(store.organisations(SYSTEM)) and data.packages
    text = findings_json(found, "fp")
    assert MARKER not in text and "private-marker" not in text
    offers = {v.value.id for v in store.offers(SYSTEM)}
    existing = existing_ids(data)
    for f in found:
        for row in f.evidence:
            assert row.source == "reference" or row.ref in existing, (f.id, row)
            if row.source == "offer":
                assert dict(row.ids)["offer"] in offers


def test_the_report_calls_the_findings_and_gets_the_same_bytes_twice(demo_store, tmp_path, monkeypatch):
    settings, store = demo_store
    monkeypatch.setenv("KLYNGE_DB", settings.db)
    ids = [o.id for o in store.organisations(SYSTEM)][:30]
    first = steps.cluster_findings(ids)
    steps.write_findings(tmp_path / "a.json", first, "fp")
    steps.write_findings(tmp_path / "b.json", steps.cluster_findings(ids), "fp")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["fingerprint"] == "fp" and data["findings"]
    assert len({f["id"] for f in data["findings"]}) == len(first)
    assert all(m in ids for f in first for m in f.members)  # only the members asked for
