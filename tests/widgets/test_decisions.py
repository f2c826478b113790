"""The facilitator's "Decisions & maturity" page without a browser: a real SQLite store and real findings files."""

from __future__ import annotations

import json
from datetime import date

import pytest

from klynge.apps.facilitator import FacilitatorApp
from klynge.apps.session import AppSession
from klynge.model import Decision, MemberFigures, respondent
from klynge.settings import load_settings
from klynge.store import Identity
from klynge.widgets.decisions_page import DecisionsMaturityPage, DecisionsPage
from klynge.widgets.decisions_service import (
    DecisionsService,
    MaturityService,
    findings_from_outputs,
    kept_ids,
    member_figures,
)
from klynge.widgets.maturity_page import MaturityPage

from .test_partners import _offer

HOSTILE = "<img src=x onerror=alert(1)>"
FINDINGS = {"findings": [
    {"id": "gap:oppdal:11", "claim": {"nb": "Oppdal er tomt i november", "en": "Oppdal is empty in November"},
     "options": [{"id": "winter-weekend", "title": {"en": "A joint winter weekend", "nb": "En felles vinterhelg"}},
                 {"id": "do-nothing", "title": "Leave it"}]},
    {"id": "sdg:13", "title": "Climate harm undoes good", "options": []},
    {"claim": "no id: skipped"},
]}


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the pages read through the store's API, which the store suite runs on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.fixture
def outputs(tmp_path):
    folder = tmp_path / "outputs"
    (folder / "cluster").mkdir(parents=True)
    (folder / "cluster" / "findings.json").write_text(json.dumps(FINDINGS), encoding="utf-8")
    return folder


def _page(store, cluster, outputs=None) -> DecisionsPage:
    service = DecisionsService(store, cluster["who"]["facilitator"],
                               (lambda lang: findings_from_outputs(outputs, lang)) if outputs else lambda _l: None)
    page = DecisionsPage(service, today=lambda: date(2026, 11, 5))
    page.lang = "en"
    return page


def test_findings_are_read_from_the_latest_run_in_the_readers_language(outputs, tmp_path):
    found = findings_from_outputs(outputs, "nb")
    assert [(f.id, f.label) for f in found] == [("gap:oppdal:11", "Oppdal er tomt i november"),
                                                 ("sdg:13", "Climate harm undoes good")]
    assert found[0].options == (("En felles vinterhelg", "winter-weekend"), ("Leave it", "do-nothing"))
    assert findings_from_outputs(tmp_path / "nothing-here") is None
    (outputs / "cluster" / "findings.json").write_text("{broken", encoding="utf-8")
    assert findings_from_outputs(outputs) is None
    (outputs / "cluster" / "findings.json").write_text(json.dumps([{"id": "a", "options": [{"id": "o"}]}]))
    assert findings_from_outputs(outputs)[0].options == (("o", "o"),)


def test_a_decision_is_recorded_from_the_findings_list_and_shown_as_text(store, cluster, outputs):
    page = _page(store, cluster, outputs)
    assert page._finding.value == "gap:oppdal:11" and page._finding_id.layout.display == "none"
    assert [v for _l, v in page._option.options] == ["winter-weekend", "do-nothing"]
    page._option.value = "do-nothing"
    page._outcome.value = "amended"
    assert page._amendment.layout.display is None
    page._reasoning.value = "Too few beds " + HOSTILE
    page._decided_by.value = "Fjellguidene, Gardsbutikken"
    page._save.click()
    assert "say how the option was amended" in page._status.value and not page._save.disabled
    assert store.decisions(cluster["who"]["facilitator"]) == []
    page._amendment.value = "Only the first weekend"
    page._save.click()
    assert "Saved (version 1)" in page._status.value
    (stored,) = store.decisions(cluster["who"]["facilitator"])
    assert stored.decision.option_id == "do-nothing" and stored.decision.decided_by == ["Fjellguidene",
                                                                                        "Gardsbutikken"]
    html = page._list.value
    assert "Oppdal is empty in November" in html and "Leave it" in html and "Amended" in html
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page._reasoning.value == ""  # the form is ready for the next decision


def test_an_edit_adds_a_version_the_list_keeps_the_history_and_a_stale_edit_is_refused(store, cluster, outputs):
    page = _page(store, cluster, outputs)
    page._reasoning.value = "Three members can host it"
    page._decided_by.value = "Fjellguidene"
    page._save.click()
    other = _page(store, cluster, outputs)
    (stored,) = store.decisions(cluster["who"]["facilitator"])
    for p in (page, other):
        p.refresh()
        p.edit(stored.id)
    assert page._reasoning.value == "Three members can host it" and "Save the edit" == page._save.description
    page._outcome.value = "rejected"
    page._reasoning.value = "The hotel is closed in November"
    page._save.click()
    assert "Saved (version 2)" in page._status.value
    assert "1 earlier version" in page._list.value and "Three members can host it" in page._list.value
    other._reasoning.value = "Made from version 1"
    other._save.click()
    assert "Facilitator saved this decision in the meantime" in other._status.value
    assert store.decision(cluster["who"]["facilitator"], stored.id).decision.reasoning.startswith("The hotel")
    page.new()
    assert page._save.description == "Save the decision" and page._new.layout.display == "none"


def test_without_findings_the_ids_are_typed_and_a_vanished_finding_is_flagged(store, cluster, outputs):
    page = _page(store, cluster)
    assert page._finding.layout.display == "none" and page._finding_id.layout.display is None
    assert "No findings from a run yet" in page._form_head.value
    page._finding_id.value = "value-chain:food"
    page._option_id.value = "shared-supplier"
    page._reasoning.value = "Everyone buys from the same farm"
    page._decided_by.value = "Gardsbutikken"
    page._save.click()
    assert "Saved" in page._status.value and "value-chain:food" in page._list.value
    assert "no longer made" not in page._list.value  # no findings known: nothing to compare with
    listed = _page(store, cluster, outputs)
    assert "The latest run no longer made this finding" in listed._list.value
    listed.edit(store.decisions(cluster["who"]["facilitator"])[0].id)
    assert listed._finding.value == "value-chain:food" and listed._option.value == "shared-supplier"


def test_editing_a_decision_whose_option_is_gone_keeps_that_option(store, cluster, outputs):
    fac = cluster["who"]["facilitator"]
    store.record_decision(fac, Decision(finding_id="gap:oppdal:11", option_id="old-option", outcome="chosen",
                                        reasoning="Chosen last spring", decided_by=["Fjellguidene"],
                                        decided_on=date(2026, 4, 1)))
    page = _page(store, cluster, outputs)
    page.edit(store.decisions(fac)[0].id)
    assert page._option.value == "old-option" and page._finding.value == "gap:oppdal:11"
    page._reasoning.value = "Still chosen"
    page._save.click()
    assert store.decisions(fac)[0].decision.option_id == "old-option"


def test_the_form_keeps_people_named_by_id_and_an_erased_person_reads_as_a_former_participant(store, cluster,
                                                                                               outputs):
    fac, who = cluster["who"]["facilitator"], cluster["who"]
    fjell, gard = who["fjell"].person_id, who["gard"].person_id
    store.record_decision(fac, Decision(finding_id="gap:oppdal:11", option_id="winter-weekend", outcome="chosen",
                                        reasoning="Three members can host it", decided_by=[fjell, "Stugbyn", gard],
                                        decided_on=date(2026, 4, 1)))
    store.erase_person(Identity.system(), gard)
    page = _page(store, cluster, outputs)
    assert "Fjell Person, Stugbyn, a former participant" in page._list.value
    assert f"#{gard}" not in page._list.value
    page.edit(store.decisions(fac)[0].id)
    assert page._decided_by.value == "Fjell Person, Stugbyn, a former participant"
    assert page._by_help.layout.display is None and "left unchanged" in page._by_help.value
    page.lang = "nb"  # the language changes while editing: the form keeps what it shows, and the ids
    page._reasoning.value = "Only the reasoning changed"
    page._save.click()
    assert "Lagret (versjon 2)" in page._status.value
    assert store.decisions(fac)[0].decision.decided_by == [fjell, "Stugbyn", gard]
    assert "Fjell Person, Stugbyn, en tidligere deltaker" in page._list.value
    page._decided_by.value = "Fjell Person, Gard Nyman"  # the erased person is taken off, a name typed on
    page._save.click()
    assert store.decisions(fac)[0].decision.decided_by == [fjell, "Gard Nyman"]
    page.new()
    assert page._by_help.layout.display == "none"  # nobody named by id in a new decision
    page._reasoning.value = "A new decision"
    page._decided_by.value = "Fjell Person"  # a new decision takes names as typed
    page._save.click()
    assert store.decisions(fac)[-1].decision.decided_by == ["Fjell Person"]


def test_a_decider_label_with_a_comma_keeps_its_id():
    assert kept_ids("Berg, Kari, Stugbyn, Berg, Kari", [("Berg, Kari", 7), ("Berg, Kari", 9)]) == [7, "Stugbyn", 9]
    assert kept_ids("Berg\nOla,, ", [("Berg, Kari", 7)]) == ["Berg", "Ola"]


def test_the_decisions_page_speaks_each_language(store, cluster, outputs):
    page = _page(store, cluster, outputs)
    for lang, word in (("nb", "Medlemmenes beslutninger"), ("sv", "Medlemmarnas beslut"), ("en", "decisions")):
        page.lang = lang
        assert word in page._head.value
    page.lang = "nb"
    assert page._finding.options[0][0].startswith("Oppdal er tomt i november")


# -- maturity -------------------------------------------------------------------------------------------
FIGURES = [{"Fjellguidene": MemberFigures(offers=1, low_season_share=0.2, sdg_actions=0)},
           {"Fjellguidene": MemberFigures(offers=3, low_season_share=0.5, sdg_actions=2),
            "Stugbyn i Åre": MemberFigures(offers=1, sdg_actions=0)}]


def _maturity(store, cluster, figures=None) -> MaturityPage:
    taken = iter(figures or FIGURES)
    service = MaturityService(store, cluster["who"]["facilitator"], figures=lambda: next(taken),
                              today=lambda: date(2026, 6, 1))
    page = MaturityPage(service)
    page.lang = "en"
    return page


def test_answers_are_saved_scored_with_unanswered_counted_and_the_next_steps_named(store, cluster):
    page = _maturity(store, cluster)
    assert page._round.value == "Round 1" and page._respondent.value == "facilitator"
    assert all(v is None for v in page.values().values())
    page.answer({"services_offer": 1, "services_feedback": 2, "relations_trust": 4, "goals_measurable": 5})
    page._save.click()
    assert "saved (version 1)" in page._status.value
    scores = page._scores.value
    # the bars: services at 1.5 and relations at 4 on a scale from 1 to 5, an area without answers empty
    assert "Scores for Round 1" in scores and "width:12%" in scores and "width:75%" in scores
    assert "0 of 2" in scores
    assert "20 questions are not answered and are left out." in scores
    assert "Ready for Arena" in scores  # the level the total 3.0 reaches
    steps = page._steps.value
    assert steps.index("Services") < steps.index("Relations") and "Pick two or three services" in steps
    page._save.click()  # a save made from the version shown goes on top of it
    assert "version 2" in page._status.value
    page._round.value = "Round 2"  # typed, not shown: the answers go to the new round as its first version
    page._save.click()
    assert "version 1" in page._status.value and page._service.rounds() == ["Round 1", "Round 2"]
    page._round.value = "Round 1"  # back to a round with answers, not shown again: refused, nothing overwritten
    page.answer({"services_offer": 5})
    page._save.click()
    assert "in the meantime" in page._status.value
    assert page._service.answers("Round 1", "facilitator").value.answers["services_offer"] == 1


def test_a_member_and_the_facilitator_are_combined_and_a_stale_save_is_refused(store, cluster):
    fjell = respondent(cluster["orgs"]["fjell"])
    store.save_maturity_answers(cluster["who"]["fjell"], _answers(fjell, relations_trust=2), None)
    page = _maturity(store, cluster)
    other = _maturity(store, cluster)
    page.answer({"relations_trust": 4})
    page._save.click()
    other.answer({"relations_trust": 5})
    other._save.click()
    assert "Facilitator saved answers for the same respondent" in other._status.value
    assert "Relations" in page._steps.value and "3" in page._scores.value
    page._respondent.value = fjell
    assert page.values()["relations_trust"] == 2
    assert [label for label, _k in page._respondent.options][:2] == ["Cluster management (facilitator)",
                                                                     "Fjellguidene"]


def test_snapshots_show_what_matured_declined_and_whose_figures_moved(store, cluster):
    page = _maturity(store, cluster)
    page.answer({"services_offer": 2, "relations_trust": 4})
    page._save.click()
    page._snapshot.click()
    assert "Snapshot of Round 1 saved" in page._snap_status.value
    assert "once there are two snapshots" in page._trend.value
    page._round.value = "Round 2"
    page.load()
    page.answer({"services_offer": 4, "relations_trust": 2})
    page._save.click()
    page._snapshot.click()
    trend = page._trend.value
    assert "From Round 1 to Round 2" in trend and "Matured" in trend and "Declined" in trend
    assert "Services: 2 → 4" in trend and "Relations: 4 → 2" in trend
    assert "Fjellguidene: offers 1 → 3; low-season share 20% → 50%; SDG actions 0 → 2" in trend
    assert "Stugbyn i Åre" in trend  # a new member
    assert [s.snapshot.round for s in store.snapshots(cluster["who"]["facilitator"])] == ["Round 1", "Round 2"]
    page._round.value = " "
    page._snapshot.click()
    assert "name the round" in page._snap_status.value and not page._snapshot.disabled


def test_the_maturity_page_speaks_each_language(store, cluster):
    page = _maturity(store, cluster)
    for lang, word in (("nb", "Klyngens egenvurdering"), ("sv", "Klustrets självskattning"),
                       ("en", "Cluster self-assessment")):
        page.lang = lang
        assert word in page._head.value
    page.lang = "sv"
    box = page._answers["services_offer"]
    assert box.options[0][0] == "– inte besvarad –" and box.label == "– inte besvarad –"  # shown, not blank
    assert "Tjänster" in page._labels["services_offer"].value


def test_member_figures_come_from_what_members_share(store, system, cluster):
    store.add_offer(system, _offer(cluster["orgs"]["fjell"], "activity", [1, 2, 7], "5021"))
    figures = member_figures(store, cluster["who"]["facilitator"])
    assert set(figures) == {"Fjellguidene", "Gardsbutikken", "Stugbyn i Åre"}
    fjell = figures["Fjellguidene"]
    assert fjell.offers == 1 and 0 < fjell.low_season_share < 1 and fjell.sdg_actions == 0
    assert figures["Gardsbutikken"].low_season_share is None


def test_a_snapshot_taken_in_the_app_fills_every_members_figures_from_the_store(store, system, cluster):
    from klynge.model import SdgEntry

    fjell = cluster["orgs"]["fjell"]
    store.add_offer(system, _offer(fjell, "activity", [1, 2, 7], "5021"))
    store.add_offer(system, _offer(fjell, "meal", [11], "5021"))
    store.save_sdg(system, fjell, [SdgEntry(target="8.9", relevance=3, action="Hire guides all year"),
                                   SdgEntry(target="12.5", relevance=2, impact=1),
                                   SdgEntry(target="13.1", relevance=2, impact=-1),
                                   SdgEntry(target="15.1", relevance=2, action="Mend paths", visibility="private")],
                   None)
    page = MaturityPage(MaturityService(store, cluster["who"]["facilitator"], today=lambda: date(2026, 6, 1)))
    page.lang = "en"
    page._snapshot.click()  # the facilitator app's service: no figures handed in
    assert "Snapshot of Round 1 saved" in page._snap_status.value
    (taken,) = store.snapshots(cluster["who"]["facilitator"])
    members = taken.snapshot.members
    assert set(members) == {"Fjellguidene", "Gardsbutikken", "Stugbyn i Åre"}
    assert members["Fjellguidene"].offers == 2 and members["Fjellguidene"].sdg_actions == 2  # not harm, not private
    assert 0 < members["Fjellguidene"].low_season_share < 1
    assert members["Stugbyn i Åre"] == MemberFigures(offers=0, low_season_share=None, sdg_actions=0)


def test_the_trend_compares_rounds_and_a_round_snapshotted_again_counts_once(store, cluster):
    page = _maturity(store, cluster, FIGURES + FIGURES)
    page.answer({"services_offer": 2})
    page._save.click()
    page._snapshot.click()
    page._round.value = "Round 2"
    page.load()
    page.answer({"services_offer": 4})
    page._save.click()
    page._snapshot.click()
    page._snapshot.click()  # Round 2 again: still compared with Round 1, not with itself
    assert "From Round 1 to Round 2" in page._trend.value and "Services: 2 → 4" in page._trend.value


def test_the_facilitator_app_has_the_decisions_and_maturity_page(store, cluster, outputs, tmp_path, db_url):
    settings = load_settings(home=str(tmp_path / "home"), db=db_url, outputs=str(outputs))
    app = FacilitatorApp(AppSession(settings, store, cluster["who"]["facilitator"], "en"))
    app.shell.show("decisions")
    page = app.shell.page("decisions")
    assert isinstance(page, DecisionsMaturityPage) and page.titles == ("Decisions", "Maturity")
    assert page.decisions._finding.value == "gap:oppdal:11"
    app.shell.lang = "nb"
    assert page.titles == ("Beslutninger", "Modenhet") and page.maturity.lang == "nb"


def _answers(key, **values):
    from klynge.model import MaturityAnswers

    return MaturityAnswers(round="Round 1", respondent=key, answers=values)
