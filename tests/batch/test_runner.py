"""The runner: passes, a failing member, resume, isolation between members, outputs, summary."""

from __future__ import annotations

import concurrent.futures as cf
import json
import re
from decimal import Decimal
from pathlib import Path

import markupsafe
import pytest

from klynge.batch import format_summary, get_executor, register_executor, run_batch
from klynge.batch.data import batch_identity, load_member, load_members
from klynge.batch.fingerprint import member_fingerprint
from klynge.errors import BatchError
from klynge.model import Lesson, Money, Offer
from klynge.model.concept import ConceptBody

from .conftest import HOSTILE, NOTEBOOKS

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

FAILS = NOTEBOOKS / "fails.ipynb"


def _statuses(summary, step):
    return {r.member: r.status for r in summary.results if r.step == step}


def _outputs(settings) -> Path:
    return Path(settings.outputs)


def test_a_batch_with_a_failing_member_then_resume_after_a_change(settings, members, store, system):
    bad, changed, unchanged = members["museum"], members["gard"], members["fjell"]
    notebooks = {"analysis": lambda m: FAILS if m == bad else None}
    first = run_batch(settings, workers=2, notebooks=notebooks, progress=False)
    out = _outputs(settings)

    # The failing member does not stop the batch; it is listed and the status is non-zero.
    assert not first.ok and first.exit_code == 1
    assert _statuses(first, "analysis") == {m: "failed" if m == bad else "ok" for m in members.values()}
    assert first.result("cluster").status == "ok"
    assert _statuses(first, "report") == {m: "failed" if m == bad else "ok" for m in members.values()}
    failed = first.result("analysis", bad)
    assert failed.error.startswith("ValueError") and failed.failed_cell is not None
    kept = json.loads(Path(failed.notebook).read_text())
    assert Path(failed.notebook) == out / "failed" / f"analysis-{bad}.ipynb"
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in kept["cells"])
    assert [c["metadata"]["papermill"]["status"] for c in kept["cells"] if c["cell_type"] == "code"][-2:] \
        == ["failed", "pending"]
    text = format_summary(first)
    assert "FAILED" in text and "Bygdemuseet" in text and "ValueError" in text

    # The outputs: an index linking every good report and the cluster summary, fingerprints on each.
    index = (out / "index.html").read_text()
    for name, oid in members.items():
        link = f'href="members/{oid}/report/report.html"'
        assert (link in index) == (oid != bad), name
    assert 'href="cluster/cluster_summary.html"' in index and f"failed/analysis-{bad}.ipynb" in index
    with_data = load_members(store, batch_identity(store))
    for oid in set(members.values()) - {bad}:
        analysis = json.loads((out / "members" / str(oid) / "analysis" / "analysis.json").read_text())
        expected = member_fingerprint(with_data[oid])
        assert analysis["fingerprint"] == expected == first.result("analysis", oid).fingerprint
        report = (out / "members" / str(oid) / "report" / "report.html").read_text()
        assert analysis["fingerprint"] in report and first.cluster_fingerprint in report
    cluster = json.loads((out / "cluster" / "cluster.json").read_text())
    assert cluster["fingerprint"] == first.cluster_fingerprint
    assert sorted(cluster["sdg_heatmap"]["members"]) == sorted(with_data[m].organisation.name
                                                                for m in members.values() if m != bad)

    # One member changes, the others do not.
    store.add_offer(system, Offer(organisation_id=changed, title="Autumn harvest dinner", kind="meal",
                                  municipality="5014", months=[10, 11], capacity_per_day=12,
                                  price=Money(amount=Decimal("550"), currency="NOK")))
    second = run_batch(settings, workers=2, resume=True, notebooks=notebooks, progress=False)
    analysis = _statuses(second, "analysis")
    assert analysis[changed] == "ok" and analysis[unchanged] == "skipped" and analysis[bad] == "failed"
    assert {analysis[m] for m in members.values()} == {"ok", "skipped", "failed"}
    assert second.result("cluster").status == "ok" and second.cluster_fingerprint != first.cluster_fingerprint
    # Reports depend on the cluster's picture, which changed: all good members' reports are made again.
    assert _statuses(second, "report") == {m: "failed" if m == bad else "ok" for m in members.values()}
    assert not second.ok

    # Nothing changed: nothing but the failing member runs.
    third = run_batch(settings, workers=2, resume=True, notebooks=notebooks, progress=False)
    assert [r.status for r in third.results if r.member != bad] == ["skipped"] * (len(third.results) - 2)
    assert third.cluster_fingerprint == second.cluster_fingerprint


def test_hostile_markup_shows_as_text(settings, members, capsys, caplog):
    caplog.set_level("INFO", logger="klynge.batch")
    summary = run_batch(settings, workers=2, members=[members["buss"], members["fjell"]], progress=True)
    assert summary.ok, format_summary(summary)
    bar = capsys.readouterr().err
    assert "5/5" in bar and "nb/s" in bar  # counts and rate (tqdm)
    lines = [r.getMessage() for r in caplog.records if r.name == "klynge.batch"]
    assert sum(" ok " in line for line in lines) == 5 and lines[-1].startswith("batch done")
    out = _outputs(settings)
    escaped = str(markupsafe.escape(HOSTILE))  # as the templates escape it
    pages = [out / "members" / str(members["buss"]) / "report" / "report.html",
             out / "cluster" / "cluster_summary.html", out / "index.html"]
    for page in pages:
        text = page.read_text()
        assert HOSTILE not in text and "<img src=x" not in text, page.name
        assert not re.search(r"<script|https?://|src=\"(?!data:image/png;base64,)", text), page.name
        assert "Content-Security-Policy" in text
    report = pages[0].read_text()
    assert report.count(escaped) >= 2  # the description and the note
    assert escaped in pages[1].read_text()  # the note is shared with the cluster: it is in the rows
    cluster = pages[1].read_text()
    found = json.loads((out / "cluster" / "findings.json").read_text())["findings"]
    assert found and all(f["id"] in cluster for f in found)  # every finding in "How we concluded"
    assert cluster.index("Findings and options") < cluster.index("The members") < cluster.index("How we concluded")
    assert "What the options mean for you" in report


def test_the_next_member_does_not_see_state_left_behind(settings, members):
    first, second = sorted(members.values())[:2]
    notebooks = {"analysis": lambda m: NOTEBOOKS / ("leaves_state.ipynb" if m == first else "checks_state.ipynb")}
    seen = []
    summary = run_batch(settings, workers=1, members=[first, second], notebooks=notebooks, fresh_every=100,
                        progress=lambda done, total, result: seen.append((done, total, result.step)))
    assert [(d, t) for d, t, _ in seen] == [(n, 5) for n in range(1, 6)]  # an app's own progress display
    assert [step for *_, step in seen] == ["analysis"] * 2 + ["cluster"] + ["report"] * 2
    assert summary.result("analysis", first).status == "ok"
    assert summary.result("analysis", second).status == "ok", summary.result("analysis", second).error
    pids = []
    for member in (first, second):
        nb = json.loads(Path(summary.result("analysis", member).notebook).read_text())
        pids.append(nb["cells"][-1]["outputs"][-1]["text"])
    assert pids[0] == pids[1]  # the same kernel ran both
    assert summary.kernel_starts == 1


def test_same_data_gives_byte_identical_json_and_the_same_fingerprint(settings, members, tmp_path):
    from dataclasses import replace

    chosen = [members["fjell"], members["stuga"]]
    one = run_batch(settings, workers=2, members=chosen, progress=False)
    other = replace(settings, outputs=str(tmp_path / "again"))
    two = run_batch(other, workers=1, members=chosen, executor="threads", progress=False)
    assert one.ok and two.ok
    assert one.cluster_fingerprint == two.cluster_fingerprint
    a, b = Path(settings.outputs), Path(other.outputs)
    files = sorted(p.relative_to(a) for p in a.rglob("*.json")
                   if p.name in ("analysis.json", "cluster.json", "findings.json"))
    assert len(files) == len(chosen) + 2
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    for m in chosen:
        assert one.result("analysis", m).fingerprint == two.result("analysis", m).fingerprint


def test_papermill_engine_on_a_registered_executor(settings, members, store):
    register_executor("test-threads", lambda workers, **_: cf.ThreadPoolExecutor(workers))
    member = members["stuga"]
    summary = run_batch(settings, members=[member], engine="papermill", executor="test-threads", workers=1,
                        progress=False)
    assert summary.ok, format_summary(summary)
    assert summary.kernel_starts == 0  # papermill's own engine: no warm kernel
    assert summary.result("report", member).status == "ok"
    report = json.loads(Path(summary.result("report", member).notebook).read_text())
    assert "postgres" not in json.dumps(report) and settings.db not in json.dumps(report)  # no secrets
    member_data = load_member(store, batch_identity(store), member)
    assert summary.result("analysis", member).fingerprint == member_fingerprint(member_data)


def test_what_cannot_run_says_why(settings, members):
    with pytest.raises(BatchError, match="registered executors: .*local"):
        get_executor("nowhere")
    with pytest.raises(BatchError, match="engines are klynge, papermill"):
        run_batch(settings, engine="voodoo")
    with pytest.raises(BatchError, match="PostgreSQL"):
        run_batch(settings, executor="dask", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(BatchError, match="no member with id 999"):
        run_batch(settings, members=[999], progress=False)
    assert not list(Path(settings.outputs).parent.glob(".outputs.work/*"))


def test_a_decision_recorded_after_a_run_is_in_the_next_runs_reports(settings, members, store, cluster, add_colleague,
                                                                      system):
    from datetime import date

    from klynge.model import Decision

    chosen = [members["fjell"], members["stuga"]]
    first = run_batch(settings, workers=1, members=chosen, progress=False)
    assert first.ok
    out = _outputs(settings)
    found = json.loads((out / "cluster" / "findings.json").read_text())["findings"]
    finding = next(f for f in found if f["options"])
    option = finding["options"][0]
    gone = add_colleague("gard", "Gunn Gone", "gunn@example.no")
    store.erase_person(system, gone.person_id)
    store.record_decision(cluster["who"]["facilitator"], Decision(
        finding_id=finding["id"], option_id=option["id"], outcome="chosen", reasoning="agreed at the kick-off <b>",
        decided_by=["the members at the kick-off", cluster["who"]["fjell"].person_id, gone.person_id],
        decided_on=date(2026, 11, 30)))
    again = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert again.ok and again.result("cluster").status == "ok"  # remade: the decisions changed, the data did not
    page = (out / "cluster" / "cluster_summary.html").read_text()
    assert "agreed at the kick-off &lt;b&gt;" in page and "the members at the kick-off" in page
    # the cluster's report is read by every member: a person is not named, an erased one is a former participant
    assert "a former participant" in page and "a member&#39;s participant" in page and "Fjell Person" not in page
    member = option["consequences"][0]["member"] if option["consequences"] else None
    if member in chosen:
        assert again.result("report", member).status == "ok"
    third = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert third.result("cluster").status == "skipped"  # nothing changed since


def test_a_workshop_round_closed_after_a_run_is_beside_its_finding_in_the_next_cluster_report(settings, members, store,
                                                                                                cluster):
    chosen = [members["fjell"], members["stuga"]]
    assert run_batch(settings, workers=1, members=chosen, progress=False).ok
    out = _outputs(settings)
    found = json.loads((out / "cluster" / "findings.json").read_text())["findings"]
    finding = next(f for f in found if f["options"])
    fac = cluster["who"]["facilitator"]
    rnd = store.open_round(fac, subject_kind="option", subject_id=f"{finding['id']}#{finding['options'][0]['id']}",
                           subject_title="an option", question="Which weekend first?", minutes=30, dots=3)
    idea = store.add_idea(cluster["who"]["fjell"], rnd.id, "The first weekend of November <b>")
    store.vote(cluster["who"]["gard"], idea, 2)
    store.close_round(fac, rnd.id)
    again = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert again.ok and again.result("cluster").status == "ok"  # remade: a round was closed, the data did not change
    page = (out / "cluster" / "cluster_summary.html").read_text()
    assert "Which weekend first?" in page and "The first weekend of November &lt;b&gt;" in page


def test_a_lesson_linked_to_a_finding_after_a_run_is_cited_beside_it_in_the_next_cluster_report(settings, members,
                                                                                                 store, cluster):
    chosen = [members["fjell"], members["stuga"]]
    assert run_batch(settings, workers=1, members=chosen, progress=False).ok
    out = _outputs(settings)
    found = json.loads((out / "cluster" / "findings.json").read_text())["findings"]
    finding = next(f for f in found if f["options"])
    fac, fjell = cluster["who"]["facilitator"], cluster["who"]["fjell"]
    rnd = store.open_round(fac, subject_kind="finding", subject_id=finding["id"], subject_title="a finding",
                           question="What did November teach us?", minutes=30, dots=3)
    store.close_round(fac, rnd.id)
    lesson = store.add_lesson(fjell, Lesson(assumed="Guests come for the skiing", saw="They asked for food <b>",
                                            change="Lead with the food trail", source_kind="round", source_id=rnd.id))
    store.add_lesson(fjell, Lesson(assumed="Not linked", saw="Not cited", change="Nothing"))
    again = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert again.result("cluster").status == "ok"  # remade: the round was closed
    assert "Lead with the food trail" not in (out / "cluster" / "cluster_summary.html").read_text()  # not linked yet
    store.link_lesson(fac, lesson.id, [f"{finding['id']}#{finding['options'][0]['id']}"])
    concept = store.start_concept(fjell, ConceptBody(title="Vinterens mattur"))
    tested = store.add_lesson(fjell, Lesson(assumed="Couples want a guide", saw="They wanted a map",
                                            change="Sell the trail with a map", source_kind="concept",
                                            source_id=concept.id))
    store.link_lesson(fac, tested.id, [finding["id"]])
    third = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert third.ok and third.result("cluster").status == "ok"  # remade: a lesson now changed a finding
    page = (out / "cluster" / "cluster_summary.html").read_text()
    assert "What we learned" in page and "Lead with the food trail" in page and "They asked for food &lt;b&gt;" in page
    assert "What did November teach us?" in page and "Not cited" not in page
    assert "Sell the trail with a map" in page and "the test of the concept “Vinterens mattur” (Idea)" in page
