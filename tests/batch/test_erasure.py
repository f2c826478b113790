"""Erasure leaves no trace of the person's name or e-mail in the database, an archive export or the batch outputs.

The scans read every table the database holds (the schema's, and the library's search index), every
file in an export archive, and every file under the outputs folder. The person shares a library
file that names them; the library's files live in the database, so the table scan reads them.
"""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from klynge import operations as ops
from klynge.batch import run_batch
from klynge.library import LibraryEntry
from klynge.model import Decision, HoursEntry, InvitationRequest, Note, SdgEntry

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

NAME, EMAIL = "Siri Sporlos", "siri.sporlos@example.no"


def _write_as(store, person, organisation_id) -> None:
    """What a person leaves behind: canvas notes and SDG texts naming them, hours, an invitation."""
    canvas, rev = store.canvas(person, organisation_id, "business_model")
    store.save_canvas(person, organisation_id, "business_model", [*canvas.notes,
        Note(id="sp1", block="value_propositions", text=f"Guided walks with {NAME}"),
        Note(id="sp2", block="customer_segments", text=f"Write to {EMAIL} for groups")], rev.number)
    sdg, rev = store.sdg(person, organisation_id)
    entries = [e for e in sdg.entries if e.target != "8.9"]
    store.save_sdg(person, organisation_id, [*entries, SdgEntry(target="8.9", relevance=3, impact=2,
                                                                 evidence=f"Counted by {NAME}")], rev.number)
    store.log_hours(person, HoursEntry(activity="workshop", day=date(2026, 10, 1), hours=Decimal("2"),
                                       note=f"{NAME} led it"))
    store.create_invitation(person, InvitationRequest(name="Ola Partner", email="ola@example.no",
                                                      relation="supplier", note=f"Hei, {NAME} her"))
    store.add_library_file(person, "gjester.csv", f"guide,kontakt\n{NAME},{EMAIL}\n".encode(),
                           LibraryEntry(title=f"Gjester hos {NAME}", description=f"Skriv til {EMAIL}"),
                           max_bytes=1_000_000)


def _workshop_and_decision(store, facilitator, person) -> None:
    """An idea and a comment the person wrote in a round, and a decision with their name typed as a decider."""
    rnd = store.open_round(facilitator, subject_kind="finding", subject_id="gap:oppdal:11",
                           subject_title="Few winter beds", question="How do we fill the winter weekends?",
                           minutes=30, dots=2)
    idea = store.add_idea(person, rnd.id, f"Winter walks guided by {NAME}")
    store.comment(person, idea, f"Write to {EMAIL}")
    store.record_decision(facilitator, Decision(
        finding_id="gap:oppdal:11", option_id="winter_walks", outcome="chosen", reasoning="Enough beds",
        decided_by=[f" {NAME.upper()} ", "Fjellguidene"], decided_on=date(2026, 10, 1)))


def _traces(store, archive: Path, outputs: Path) -> list[str]:
    """Where the name or the address still stands: table names, archive members and output files."""
    needles = (NAME.casefold(), EMAIL.casefold())
    found = []
    with store.engine.connect() as c:
        # every table the database holds, the search index's own tables too
        for name in inspect(c).get_table_names():
            rows = c.execute(text(f'SELECT * FROM "{name}"'))
            content = " ".join(repr(tuple(row)) for row in rows).casefold()
            found += [f"table {name}" for needle in needles if needle in content]
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            content = z.read(name).decode("utf-8", "replace").casefold()
            found += [f"archive {name}" for needle in needles if needle in content]
    for path in sorted(p for p in outputs.rglob("*") if p.is_file()):
        content = path.read_bytes().decode("utf-8", "replace").casefold()
        found += [f"output {path.relative_to(outputs)}" for needle in needles if needle in content]
    return sorted(set(found))


def test_erasing_after_a_batch_leaves_no_name_or_address_anywhere(settings, members, store, system, cluster,
                                                                  add_colleague, tmp_path):
    org = members["fjell"]
    siri = add_colleague("fjell", NAME, EMAIL)
    _write_as(store, siri, org)
    _workshop_and_decision(store, cluster["who"]["facilitator"], siri)
    summary = run_batch(settings, workers=1, members=[org, members["gard"]], progress=False)
    assert summary.ok
    outputs = Path(settings.outputs)
    before = _traces(store, ops.export_cluster(settings, str(tmp_path / "before.zip")), outputs)
    assert any(t.startswith("output members/") for t in before), before  # the scan finds what it looks for
    assert any(t.startswith("archive ") for t in before) and "table people" in before
    assert {"table workshop_ideas", "table workshop_comments", "table decisions"} <= set(before)

    result = ops.erase_person(settings, EMAIL, remove_text=True)
    assert result.texts_removed >= 2
    assert _traces(store, ops.export_cluster(settings, str(tmp_path / "after.zip")), outputs) == []
    assert not (outputs / "members" / str(org)).exists()  # made again by the next batch
    assert (outputs / "members" / str(members["gard"])).exists()

    again = run_batch(settings, workers=1, members=[org], resume=True, progress=False)
    assert again.ok and (outputs / "members" / str(org) / "report" / "report.html").is_file()
    assert _traces(store, ops.export_cluster(settings, str(tmp_path / "again.zip")), outputs) == []
    actions = [e.action for e in store.audit_log(system)]
    assert "erase_person" in actions and actions.count("export_archive") == 3


def test_without_remove_text_only_the_text_stays_under_the_neutral_label(settings, store, system, cluster,
                                                                          add_colleague, tmp_path):
    siri = add_colleague("fjell", NAME, EMAIL)
    store.log_hours(siri, HoursEntry(activity="workshop", day=date(2026, 10, 1), hours=Decimal("2")))
    store.save_canvas(siri, siri.organisation_id, "business_model",
                      [Note(id="x", block="channels", text="Guided walks")], None)
    decided = store.record_decision(cluster["who"]["facilitator"], Decision(
        finding_id="gap:oppdal:11", option_id="winter_walks", outcome="chosen", reasoning="Enough beds",
        decided_by=[NAME.lower()], decided_on=date(2026, 10, 1)))
    ops.erase_person(settings, EMAIL)
    assert _traces(store, ops.export_cluster(settings, str(tmp_path / "a.zip")), Path(settings.outputs)) == []
    export = ops.export_research(settings, str(tmp_path / "r"), k=1)  # three members: k = 1 publishes them
    research = [p.read_bytes().decode("utf-8", "replace").casefold() for p in export.files]
    assert research and not any(NAME.casefold() in text or EMAIL in text for text in research)
    fjell = cluster["who"]["fjell"]
    canvas, rev = store.canvas(fjell, fjell.organisation_id, "business_model")
    assert [n.text for n in canvas.notes] == ["Guided walks"] and rev.author == "former participant"
    assert store.decision(system, decided.id).decision.decided_by == [siri.person_id]  # the name goes always
