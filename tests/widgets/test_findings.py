"""The facilitator's "Findings" page without a browser: a real SQLite store, findings from the real strategy pass."""

from __future__ import annotations

import json
from datetime import date

import pytest

from klynge.apps.facilitator import FacilitatorApp
from klynge.apps.session import AppSession
from klynge.batch.data import batch_identity
from klynge.batch.steps import strategy_data, write_findings
from klynge.model import Decision, Note
from klynge.settings import load_settings
from klynge.strategy import findings
from klynge.widgets.findings_page import FindingsPage
from klynge.widgets.findings_service import FindingsService, matches, with_stale

from .test_partners import _offer

HOSTILE = "<script>window.__hit=1</script>"
SECRET_TEXT = "Hemmelig prisplan for familier"


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the page reads through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _segments(store, who, org: int, text: str, partner: str, *more: Note) -> None:
    notes = [Note(id="seg", block="customer_segments", text=text),
             Note(id="vp", block="value_propositions", text=f"Opplevelser for familier ({org})"),
             Note(id="kp", block="key_partners", text=f"Samarbeid med {partner}"), *more]
    store.save_canvas(who, org, "business_model", notes, None)


@pytest.fixture
def made(store, system, cluster, tmp_path):
    """Three members whose shared notes name families, with offers; the strategy pass's findings.json."""
    orgs, who = cluster["orgs"], cluster["who"]
    _segments(store, who["fjell"], orgs["fjell"], "Barnefamilier på vinterferie " + HOSTILE, "Gardsbutikken",
              Note(id="secret", block="customer_segments", text=SECRET_TEXT, visibility="private"))
    _segments(store, who["gard"], orgs["gard"], "Barnefamilier som vil smake lokal mat", "Fjellguidene")
    _segments(store, who["stuga"], orgs["stuga"], "Barnefamilier i fjällen", "Fjellguidene")
    current = store.organisation(system, orgs["gard"])  # in Oppdal too, so the area's low season is a finding
    store.update_organisation(system, current.value.model_copy(update={"municipality": "5021"}), current.version)
    offers = {"fjell": store.add_offer(system, _offer(orgs["fjell"], "activity", [1, 2, 12], "5021")),
              "gard": store.add_offer(system, _offer(orgs["gard"], "meal", [6, 7], "5021"))}
    found = findings(strategy_data(store, batch_identity(store)))
    outputs = tmp_path / "outputs"
    write_findings(outputs / "cluster" / "findings.json", found, "abc123")
    return {"outputs": outputs, "offers": offers, "found": found}


def _service(store, cluster, outputs) -> FindingsService:
    return FindingsService(store, cluster["who"]["facilitator"], outputs)


def _page(store, cluster, outputs, **kw) -> FindingsPage:
    page = FindingsPage(_service(store, cluster, outputs), **kw)
    page.lang = "en"
    return page


def _chain(page: FindingsPage) -> dict:
    return next(f for f in page.findings.items if f["kind"] == "value_chain")


def _body(page: FindingsPage, finding_id: str):
    card = page.card(finding_id) or page.open_finding(finding_id)
    if finding_id not in page._open:
        page.open_finding(finding_id)
    return card.children[2]


def _note_rows(body) -> list:
    return [c for c in body.children if "klynge-findings-note-row" in c._dom_classes]


def test_the_findings_are_listed_with_every_evidence_row_current(store, cluster, made):
    page = _page(store, cluster, made["outputs"])
    assert [f["id"] for f in page.findings.items] == [f.id for f in made["found"]]
    assert page.findings.fingerprint == "abc123"
    assert not any(e["stale"] for f in page.findings.items for e in f["evidence"])
    assert "Showing" in page._count.value and len(page._list.children) == min(len(made["found"]), 15)
    assert page._reports.layout.display == "none"
    # the secret note reached neither the findings nor the page
    assert SECRET_TEXT not in made["outputs"].joinpath("cluster", "findings.json").read_text(encoding="utf-8")


def test_the_filters_narrow_the_list(store, cluster, made):
    page = _page(store, cluster, made["outputs"])
    total = len(page.findings.items)
    page.filter(kind="value_chain")
    assert page.shown() and {f["kind"] for f in page.shown()} == {"value_chain"}
    page.filter(confidence="high")
    assert all(f["confidence"] == "high" for f in page.shown())
    stuga = cluster["orgs"]["stuga"]
    assert page._member.label == "All"  # every member is a choice that shows, not an empty box
    assert stuga in [v for _l, v in page._member.options]
    page.filter(member=stuga)
    assert page.shown() and len(page.shown()) < total
    page.filter(search="barnefamilier")  # a word of the members' notes
    assert page.shown() and all(f["kind"] == "value_chain" for f in page.shown())
    page.filter(search="no-such-word-anywhere")
    assert page.shown() == [] and "Showing 0 of" in page._count.value
    page.filter()
    assert len(page.shown()) == total


def test_matches_reads_the_claim_in_the_pages_language():
    finding = {"id": "x:1", "kind": "open_question", "confidence": "low",
               "claim": {"key": "findings.stale", "params": {}}, "evidence": [], "options": []}
    assert matches(finding, "en", {}, search="gone since")
    assert not matches(finding, "nb", {}, search="gone since")
    assert matches(finding, "nb", {}, search="borte siden")
    assert not matches(finding, "en", {}, kind="value_chain")


def test_a_finding_opens_with_options_decisions_and_its_note_as_it_is_now(store, cluster, made):
    orgs, who = cluster["orgs"], cluster["who"]
    page = _page(store, cluster, made["outputs"])
    chain = _chain(page)
    store.record_decision(who["facilitator"], Decision(
        finding_id=chain["id"], option_id=chain["options"][0]["id"], outcome="chosen",
        reasoning="Vi prøver " + HOSTILE, decided_by=["Fjellguidene"], decided_on=date(2026, 11, 5)))
    # the member changes its shared note after the run: the page shows the text as it is now
    doc, rev = store.canvas(who["fjell"], orgs["fjell"], "business_model")
    notes = [n.model_copy(update={"text": "Barnefamilier hele året"}) if n.id == "seg" else n for n in doc.notes]
    store.save_canvas(who["fjell"], orgs["fjell"], "business_model", notes, rev.number)
    page.refresh()
    body = _body(page, chain["id"])
    html = body.children[0].value
    assert "Vi prøver &lt;script&gt;" in html and "<script>" not in html
    assert "Fjellguidene" in html and "What changes" in html
    rows = _note_rows(body)
    fjell = next(r for r in rows if "Fjellguidene" in r.children[0].value
                 and "Barnefamilier på" in r.children[0].value)
    assert "&lt;script&gt;" in fjell.children[0].value and "<script>" not in fjell.children[0].value
    fjell.children[1].click()
    shown = fjell.children[2].value
    assert "Barnefamilier hele året" in shown and "Fjellguidene" in shown
    assert "Business Model Canvas" in shown and "Customer Segments" in shown
    fjell.children[1].click()  # and closed again
    assert fjell.children[2].value == ""
    assert page._status.value == ""


def test_rows_whose_source_is_gone_are_marked_stale_and_kept(store, system, cluster, made):
    orgs, who = cluster["orgs"], cluster["who"]
    page = _page(store, cluster, made["outputs"])
    before = {f["id"]: len(f["evidence"]) for f in page.findings.items}
    offer = made["offers"]["fjell"]
    version = next(v.version for v in store.offers(system) if v.value.id == offer)
    store.remove_offer(system, offer, version)
    # the note is made private: for the facilitator it is gone
    doc, rev = store.canvas(who["gard"], orgs["gard"], "business_model")
    notes = [n.model_copy(update={"visibility": "private"}) if n.id == "seg" else n for n in doc.notes]
    store.save_canvas(who["gard"], orgs["gard"], "business_model", notes, rev.number)
    page.refresh()
    assert {f["id"]: len(f["evidence"]) for f in page.findings.items} == before  # never dropped
    stale = [(f["id"], e) for f in page.findings.items for e in f["evidence"] if e["stale"]]
    assert any(e["source"] == "offer" and e["ids"]["offer"] == offer for _f, e in stale)
    gone_note = [(fid, e) for fid, e in stale if e["source"] == "note" and e["ids"]["member"] == orgs["gard"]]
    assert gone_note
    body = _body(page, gone_note[0][0])
    row = next(r for r in _note_rows(body) if "Gardsbutikken" in r.children[0].value
               and "klynge-findings-stale" in r.children[0].value)
    assert "Gone since the report was made" in row.children[0].value
    row.children[1].click()
    assert "no longer shared" in row.children[2].value and "smake lokal mat" not in row.children[2].value
    summary = page.card(gone_note[0][0]).children[0].value
    assert "gone" in summary


def test_a_private_note_is_never_shown(store, cluster, made):
    service = _service(store, cluster, made["outputs"])
    assert service.note(cluster["orgs"]["fjell"], "business_model", "secret", "en") is None
    assert service.note(cluster["orgs"]["fjell"], "business_model", "seg", "en").text.startswith("Barnefamilier")
    assert service.note(cluster["orgs"]["fjell"], "no_such_canvas", "seg", "en") is None
    assert service.note(99999, "business_model", "seg", "en") is None


def test_with_stale_keeps_rows_it_cannot_read_and_what_the_run_marked():
    finding = {"id": "k:1", "kind": "k", "evidence": [
        {"source": "offer", "ids": {"member": 1, "offer": 5}, "stale": False},
        {"source": "offer", "ids": {"member": 1, "offer": 6}, "stale": True},
        {"source": "weird", "ids": {}, "stale": False},
        {"source": "reference", "ids": {"table": "t", "area": "a"}, "stale": False}]}
    checked = with_stale(finding, {"member:1", "offer:6"})
    assert [e["stale"] for e in checked["evidence"]] == [True, True, False, False]


def test_without_findings_the_page_says_so_and_points_to_the_reports(store, cluster, tmp_path):
    went = []
    page = _page(store, cluster, tmp_path / "nothing", on_reports=lambda: went.append("batch"))
    assert page.findings is None
    assert "No findings yet" in page._head.value and "Reports page" in page._head.value
    assert page._reports.layout.display is None and page._filters.layout.display == "none"
    page._reports.click()
    assert went == ["batch"]
    page.lang = "nb"
    assert "Ingen funn ennå" in page._head.value


def test_a_broken_findings_file_is_no_findings_and_a_failing_read_a_plain_message(store, cluster, made):
    path = made["outputs"] / "cluster" / "findings.json"
    path.write_text("{broken", encoding="utf-8")
    page = _page(store, cluster, made["outputs"])
    assert page.findings is None and "No findings yet" in page._head.value

    def boom():
        raise RuntimeError("the database went away")

    path.write_text(json.dumps({"findings": []}), encoding="utf-8")
    page = FindingsPage(FindingsService(store, cluster["who"]["facilitator"], made["outputs"], existing=boom))
    page.lang = "en"
    assert "could not be shown" in page._status.value and "RuntimeError" not in page._status.value


def test_record_a_decision_opens_the_decisions_page_with_the_finding_chosen(store, cluster, made, tmp_path, db_url):
    settings = load_settings(home=str(tmp_path / "home"), db=db_url, outputs=str(made["outputs"]))
    app = FacilitatorApp(AppSession(settings, store, cluster["who"]["facilitator"], "en"))
    nav = [b for b in app.shell.children[1].children]
    labels = [b.description for b in nav]
    assert labels.index("Findings") + 1 == labels.index("Decisions & maturity")
    app.shell.show("findings")
    page = app.shell.page("findings")
    chain = _chain(page)
    page.filter(kind="value_chain")
    page.card(chain["id"]).children[1].children[1].click()
    assert app.shell.current == "decisions"
    decisions = app.shell.page("decisions")
    assert decisions.selected_index == 0
    form = decisions.decisions
    assert form._finding.value == chain["id"] and form._option.value == chain["options"][0]["id"]
    form._reasoning.value = "Vi satser på familier"
    form._decided_by.value = "Fjellguidene"
    form._save.click()
    assert [d.decision.reasoning for d in store.decisions(cluster["who"]["facilitator"], chain["id"])] == [
        "Vi satser på familier"]
    app.shell.show("findings")
    assert "1 decision" in page.card(chain["id"]).children[0].value
    body = _body(page, chain["id"])
    assert "Vi satser på familier" in body.children[0].value
    targets = page.children[-1]  # the cluster's targets and economics, below the findings, in the page's language
    assert targets.lang == "en" and "Targets and economics" in targets._head.value
    app.shell.lang = "sv"
    assert "Mål och ekonomi" in targets._head.value


def test_choose_keeps_a_finding_the_list_does_not_know(store, cluster, made):
    from klynge.widgets.decisions_page import DecisionsPage
    from klynge.widgets.decisions_service import DecisionsService, findings_from_outputs

    outputs = made["outputs"]
    form = DecisionsPage(DecisionsService(store, cluster["who"]["facilitator"],
                                          lambda lang: findings_from_outputs(outputs, lang)))
    form.choose("gone:1", "opt")
    assert form._finding.value == "gone:1" and form.values()["option_id"] == "opt"
    none = DecisionsPage(DecisionsService(store, cluster["who"]["facilitator"]))
    none.choose("typed:1", "o")
    assert none.values()["finding_id"] == "typed:1" and none.values()["option_id"] == "o"
