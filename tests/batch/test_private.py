"""Private notes and SDG entries stay in their organisation: the batch over the whole demo cluster,
every member holding a private note and a private SDG entry with a marker text, shows none of them in
its member reports, its cluster outputs, anything a facilitator downloads, or the research tables.

The demo is loaded and the batch run once for the module (SQLite: each batch starts real kernels).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from klynge import reference
from klynge.apps.batch_service import BatchService
from klynge.batch import format_summary, run_batch
from klynge.demo import load_demo
from klynge.model import Note, Person, SdgEntry
from klynge.settings import load_settings
from klynge.store import Identity, open_store
from klynge.widgets.batch_panel import BatchPanel

pytestmark = pytest.mark.slow

MARKER = "PRIVATE-MARKER"


def _private_target(store, system) -> str:
    """An SDG target no demo member has assessed: wherever it shows up, it came from a private entry."""
    used = {target for rev in store.current_documents(system, "sdg") for target in rev.items}
    return next(t.code for t in reference.targets() if t.code not in used)


def _add_private(store, system, organisation_id: int, target: str) -> None:
    """A private note and a private SDG entry holding the member's marker, added to what it has."""
    marker = f"{MARKER}-{organisation_id}"
    doc, rev = store.canvas(system, organisation_id, "business_model")
    note = Note(id="private-marker", block="cost_structure", text=f"{marker} our margins", visibility="private")
    store.save_canvas(system, organisation_id, "business_model", [*doc.notes, note], rev.number or None)
    sdg, rev = store.sdg(system, organisation_id)
    entry = SdgEntry(target=target, relevance=3, impact=2, evidence=marker, action=marker, visibility="private")
    store.save_sdg(system, organisation_id, [*(sdg.entries if sdg else []), entry], rev.number or None)


def _signed_in(store, settings, cluster_id: int, role: str) -> Identity:
    system = Identity.system()
    pid = store.add_person(system, Person(name=role.title(), email=f"{role}@private.example", role=role), cluster_id)
    secret = settings.server_secret()
    return store.check_key(store.issue_key(system, pid, secret), secret)


@pytest.fixture(scope="module")
def demo_batch(tmp_path_factory):
    """The demo with private markers, after one batch: (settings, store, who, target, research_before)."""
    home = tmp_path_factory.mktemp("private-demo")
    settings = load_settings({}, home=str(home), outputs=str(home / "outputs"), lang="en")
    system = Identity.system()
    with open_store(settings.db) as store:
        cluster_id = load_demo(store, settings, progress=False).cluster_id
        who = {role: _signed_in(store, settings, cluster_id, role) for role in ("facilitator", "researcher")}
        research_before = store.research_tables(who["researcher"])
        target = _private_target(store, system)
        members = [o.id for o in store.organisations(system)]
        for oid in members:
            _add_private(store, system, oid, target)
        summary = run_batch(settings, workers=2, progress=False)
        assert summary.ok, format_summary(summary)
        assert len(summary.ran) == 2 * len(members) + 1
        yield settings, store, who, target, research_before


def _private_in(text: str, target: str) -> list[str]:
    """What of the private items ``text`` shows: the marker, the private target in a cell, a private row."""
    found = [MARKER] if MARKER in text else []
    if f">{target}<" in text or f'"{target}"' in text:
        found.append(target)
    if '"visibility": "private"' in text:
        found.append("a private row")
    return found


def test_no_batch_output_shows_a_private_note_or_entry(demo_batch):
    settings, _store, _who, target, _ = demo_batch
    outputs = Path(settings.outputs)
    files = [p for p in outputs.rglob("*") if p.is_file()]
    assert len(list(outputs.glob("members/*/report/report.html"))) > 50
    assert (outputs / "cluster" / "cluster.json").is_file() and (outputs / "index.html").is_file()
    leaks = {str(p.relative_to(outputs)): found for p in files
             if (found := _private_in(p.read_text(encoding="utf-8", errors="replace"), target))}
    assert not leaks, leaks
    # The shared notes and entries are still there: the filter took out only what is private.
    analysis = json.loads(next(outputs.glob("members/*/analysis/analysis.json")).read_text())
    cluster = json.loads((outputs / "cluster" / "cluster.json").read_text())
    assert cluster["sdg_heatmap"]["rows"] and any(a for a in cluster["common"].values())
    assert analysis["rows"]["sdg"] and all(r["visibility"] != "private" for r in analysis["rows"]["sdg"])


def test_a_facilitator_downloads_nothing_private(demo_batch):
    settings, store, who, target, _ = demo_batch
    panel = BatchPanel(BatchService(settings, store, who["facilitator"]))
    sent = []
    panel._download.send = lambda content, buffers=None: sent.append((content["filename"], buffers[0]))
    panel.refresh()
    for _label, button, _output in panel._file_rows:
        button.click()
    assert len(sent) == len(panel._file_rows) > 50
    texts = {}
    for name, data in sent:
        if name.endswith(".zip"):  # every report at once: read what is inside
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts.update({f"{name}/{n}": archive.read(n) for n in archive.namelist()})
        else:
            texts[name] = data
    assert len(texts) > len(sent)
    leaks = {name: found for name, data in texts.items()
             if (found := _private_in(data.decode("utf-8", "replace"), target))}
    assert not leaks, leaks


def test_the_research_tables_hold_nothing_private(demo_batch):
    _settings, store, who, _target, research_before = demo_batch
    tables = store.research_tables(who["researcher"])
    assert MARKER not in json.dumps(tables, default=str)
    # Private entries add no row: the tables are what they were before the members added them.
    assert tables == research_before
