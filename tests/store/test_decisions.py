"""Decisions and the maturity self-assessment in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text

from klynge.archive import export_archive, import_archive
from klynge.canvases import default_registry
from klynge.errors import AccessDenied, Conflict, NotFound, ValidationError
from klynge.model import Decision, MaturityAnswers, MaturitySnapshot, MemberFigures, orphaned, respondent, score
from klynge.store import Identity, Store, open_store
from klynge.store.engine import make_engine
from klynge.store.migrate import _config, current_version, upgrade


def _decision(**change) -> Decision:
    values = {"finding_id": "gap:oppdal:11", "option_id": "winter-weekend", "outcome": "chosen",
              "reasoning": "Three members can host it", "decided_by": ["Fjellguidene", "Gardsbutikken"],
              "decided_on": date(2026, 11, 5)}
    return Decision.model_validate({**values, **change})


def test_a_decision_round_trips_and_every_edit_is_a_version(store, cluster):
    fac = cluster["who"]["facilitator"]
    first = store.record_decision(fac, _decision(decided_by=["Fjellguidene", fac.person_id]))
    assert first.version == 1 and first.author == "Facilitator"
    assert store.decision(fac, first.id).decision.decided_by == ["Fjellguidene", fac.person_id]
    second = store.revise_decision(fac, first.id, _decision(outcome="amended", amendment="Only in November",
                                                            option_id="november-weekend"), first.version)
    third = store.revise_decision(fac, first.id, _decision(outcome="rejected", reasoning="Too few beds"), 2)
    assert (second.version, third.version) == (2, 3)
    history = store.decision_history(fac, first.id)
    assert [(h.version, h.decision.outcome, h.decision.option_id) for h in history] == [
        (1, "chosen", "winter-weekend"), (2, "amended", "november-weekend"), (3, "rejected", "winter-weekend")]
    assert history[0].decision == first.decision  # the first version is kept as it was typed
    assert [d.id for d in store.decisions(fac)] == [first.id]
    assert store.decisions(fac, finding_id="other") == []


def test_a_stale_edit_is_a_conflict_and_saves_nothing(store, cluster):
    fac = cluster["who"]["facilitator"]
    d = store.record_decision(fac, _decision())
    store.revise_decision(fac, d.id, _decision(reasoning="First edit"), 1)
    with pytest.raises(Conflict) as caught:
        store.revise_decision(fac, d.id, _decision(reasoning="Second edit, from version 1"), 1)
    assert caught.value.saved_by == ["Facilitator"] and caught.value.head == 2
    assert store.decision(fac, d.id).decision.reasoning == "First edit"
    with pytest.raises(ValidationError, match="stays on its finding"):
        store.revise_decision(fac, d.id, _decision(finding_id="another"), 2)
    with pytest.raises(NotFound):
        store.revise_decision(fac, 9999, _decision(), 1)


def test_decisions_on_findings_that_are_gone_stay_and_are_flagged(store, cluster):
    fac = cluster["who"]["facilitator"]
    kept = store.record_decision(fac, _decision())
    gone = store.record_decision(fac, _decision(finding_id="sdg-conflict:13"))
    stored = store.decisions(fac)
    assert [d.id for d in orphaned(stored, ["gap:oppdal:11"])] == [gone.id]
    assert {d.id for d in stored} == {kept.id, gone.id}


def test_who_may_record_and_read_decisions(store, cluster):
    who = cluster["who"]
    d = store.record_decision(who["facilitator"], _decision())
    assert [x.id for x in store.decisions(who["fjell"])] == [d.id]  # members read them
    assert store.decision_history(who["gard"], d.id)[-1].id == d.id
    with pytest.raises(AccessDenied):
        store.record_decision(who["fjell"], _decision())
    with pytest.raises(AccessDenied):
        store.revise_decision(who["fjell"], d.id, _decision(reasoning="Mine"), 1)
    for action in (lambda: store.decisions(who["researcher"]), lambda: store.decision(who["researcher"], d.id)):
        with pytest.raises(AccessDenied):
            action()
    other = Identity(person_id=None, role="facilitator", cluster_id=cluster["id"] + 1, name="elsewhere")
    with pytest.raises(AccessDenied):
        store.decision(other, d.id)
    with pytest.raises(AccessDenied, match="not scoped to a cluster"):
        store.record_decision(Identity.system(), _decision())
    assert store.record_decision(Identity.system(), _decision(), cluster_id=cluster["id"]).author == "the system"


def test_an_edit_that_leaves_the_deciders_keeps_the_peoples_ids(store, cluster):
    """The form shows people by name; saving the names unchanged keeps the ids, on SQLite and PostgreSQL."""
    from klynge.widgets.decisions_service import DecisionsService

    who = cluster["who"]
    fjell, gard = who["fjell"].person_id, who["gard"].person_id
    service = DecisionsService(store, who["facilitator"])
    first = store.record_decision(who["facilitator"], _decision(decided_by=[fjell, "Gardsbutikken", gard]))
    store.erase_person(Identity.system(), gard)
    shown = service.shown(first.decision)
    text = ", ".join(service.names(first.decision, "nb"))
    assert text == "Fjell Person, Gardsbutikken, en tidligere deltaker"
    edited = service.save({**first.decision.model_dump(), "reasoning": "Only the reasoning changed",
                           "decided_by": text}, "en", decision_id=first.id, base_version=first.version, shown=shown)
    assert edited.version == 2 and edited.decision.decided_by == [fjell, "Gardsbutikken", gard]
    assert store.decision(who["facilitator"], first.id).decision.decided_by == [fjell, "Gardsbutikken", gard]
    # a name typed over is a typed name; the other ids stay
    typed = "Kari Berg, Gardsbutikken, en tidligere deltaker"
    again = service.save({**edited.decision.model_dump(), "decided_by": typed}, "en", decision_id=first.id,
                         base_version=edited.version, shown=service.shown(edited.decision))
    assert again.decision.decided_by == ["Kari Berg", "Gardsbutikken", gard]


def test_deciders_are_named_only_for_who_may_read_them(store, cluster):
    who = cluster["who"]
    fjell, gard, stuga = (who[k].person_id for k in ("fjell", "gard", "stuga"))
    store.erase_person(Identity.system(), stuga)
    ids = [fjell, gard, stuga, 99999]
    assert store.decider_names(who["facilitator"], ids) == {fjell: "Fjell Person", gard: "Gard Person", stuga: None}
    # a participant reads their own organisation's people; another's stays unnamed (left out), the erased are told
    assert store.decider_names(who["fjell"], ids) == {fjell: "Fjell Person", stuga: None}
    # a member's report names only that member's people; the cluster's report nobody
    system = Identity.system()
    assert store.decider_names(system, ids, organisation_id=cluster["orgs"]["gard"]) == {gard: "Gard Person",
                                                                                         stuga: None}
    assert store.decider_names(system, ids, named=False) == {stuga: None}
    other = Identity(person_id=None, role="facilitator", cluster_id=cluster["id"] + 1, name="elsewhere")
    assert store.decider_names(other, ids) == {}  # another cluster's people: not even the erased are told
    with pytest.raises(AccessDenied):
        store.decider_names(who["researcher"], ids)


# -- the maturity self-assessment ---------------------------------------------------------
def _answers(key: str, round: str = "Spring 2026", **values) -> MaturityAnswers:
    return MaturityAnswers(round=round, respondent=key, answers=values)


def test_answers_round_trip_with_versions_and_a_stale_save_is_a_conflict(store, cluster):
    fac = cluster["who"]["facilitator"]
    first = store.save_maturity_answers(fac, _answers("facilitator", resource_members=2, services_offer=None), None)
    assert first.version == 1
    again = store.save_maturity_answers(fac, _answers("facilitator", resource_members=3), 1)
    assert again.version == 2
    with pytest.raises(Conflict):
        store.save_maturity_answers(fac, _answers("facilitator", resource_members=5), 1)
    with pytest.raises(Conflict):  # a first save that meets one saved meanwhile
        store.save_maturity_answers(fac, _answers("facilitator", resource_members=5), None)
    (held,) = store.maturity_answers(fac, "Spring 2026")
    assert held.value.answers == {"resource_members": 3} and held.version == 2
    history = store.maturity_answer_history(fac, "Spring 2026", "facilitator")
    assert [(h.version, h.value.answers) for h in history] == [
        (1, {"resource_members": 2, "services_offer": None}), (2, {"resource_members": 3})]
    assert store.maturity_answers(fac, "Autumn 2026") == []


def test_members_answer_for_themselves_and_the_facilitator_for_the_management(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    fjell, gard = respondent(orgs["fjell"]), respondent(orgs["gard"])
    store.save_maturity_answers(who["fjell"], _answers(fjell, relations_trust=4), None)
    store.save_maturity_answers(who["gard"], _answers(gard, relations_trust=2), None)
    store.save_maturity_answers(who["facilitator"], _answers("facilitator", relations_trust=3), None)
    with pytest.raises(AccessDenied):
        store.save_maturity_answers(who["fjell"], _answers(gard, relations_trust=5), 1)
    with pytest.raises(AccessDenied):
        store.save_maturity_answers(who["fjell"], _answers("facilitator", relations_trust=5), 1)
    with pytest.raises(AccessDenied, match="each member answers for itself"):
        store.save_maturity_answers(who["facilitator"], _answers(fjell, relations_trust=5), 1)
    with pytest.raises(AccessDenied):
        store.save_maturity_answers(who["researcher"], _answers("facilitator", relations_trust=5), 1)
    with pytest.raises(AccessDenied):
        store.maturity_answers(who["researcher"], "Spring 2026")
    # a member reads only its own answers; the facilitator reads all of them
    assert [a.value.respondent for a in store.maturity_answers(who["fjell"], "Spring 2026")] == [fjell]
    assert store.maturity_rounds(who["gard"]) == ["Spring 2026"]
    everyone = store.maturity_answers(who["facilitator"], "Spring 2026")
    assert {a.value.respondent for a in everyone} == {fjell, gard, "facilitator"}
    framework = default_registry().get("cluster_self_assessment")
    assert score(framework, [a.value for a in everyone]).area("relations").average == 3.0
    with pytest.raises(NotFound):
        store.save_maturity_answers(Identity.system(), _answers(respondent(99999), relations_trust=1), None,
                                    cluster_id=cluster["id"])


def _snapshot(round: str, value: int, offers: int) -> MaturitySnapshot:
    framework = default_registry().get("cluster_self_assessment")
    return MaturitySnapshot(round=round, taken_on=date(2026, 6, 1),
                            score=score(framework, [_answers("facilitator", round, services_offer=value)]),
                            members={"Fjellguidene": MemberFigures(offers=offers, low_season_share=0.3, sdg_actions=1)})


def test_snapshots_are_kept_in_order_and_only_for_facilitators(store, cluster):
    who = cluster["who"]
    store.take_snapshot(who["facilitator"], _snapshot("Spring 2026", 2, 1))
    store.take_snapshot(who["facilitator"], _snapshot("Autumn 2026", 4, 3))
    taken = store.snapshots(who["facilitator"])
    assert [s.snapshot.round for s in taken] == ["Spring 2026", "Autumn 2026"]
    assert taken[1].snapshot == _snapshot("Autumn 2026", 4, 3) and taken[1].author == "Facilitator"
    assert store.maturity_rounds(who["facilitator"]) == ["Autumn 2026", "Spring 2026"]
    for role in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.take_snapshot(who[role], _snapshot("X", 1, 1))
        with pytest.raises(AccessDenied):
            store.snapshots(who[role])


def test_decisions_answers_and_snapshots_travel_in_the_archive(store, cluster, tmp_path):
    fac = cluster["who"]["facilitator"]
    d = store.record_decision(fac, _decision())
    store.revise_decision(fac, d.id, _decision(reasoning="Edited"), 1)
    store.save_maturity_answers(fac, _answers("facilitator", resource_members=2), None)
    store.take_snapshot(fac, _snapshot("Spring 2026", 2, 1))
    path = export_archive(store, tmp_path / "klynge.zip")
    with zipfile.ZipFile(path) as z:
        decisions = list(csv.DictReader(io.StringIO(z.read("decisions.csv").decode())))
        scores = list(csv.DictReader(io.StringIO(z.read("maturity_scores.csv").decode())))
    assert [(r["finding_id"], r["outcome"], r["reasoning"], r["decided_by"], r["version"]) for r in decisions] == [
        ("gap:oppdal:11", "chosen", "Edited", "Fjellguidene;Gardsbutikken", "2")]
    assert {(r["round"], r["area"], r["average"], r["unanswered"]) for r in scores} >= {
        ("Spring 2026", "services", "2.0", "1"), ("Spring 2026", "relations", "", "2")}
    with open_store(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        counts = import_archive(copy, path).counts
        assert counts["decisions"] == 1 and counts["maturity_answers"] == 1 and counts["maturity_snapshots"] == 1
        system = Identity.system()
        history = copy.decision_history(system, d.id)
        assert [h.decision.reasoning for h in history] == ["Three members can host it", "Edited"]
        assert copy.snapshots(system)[0].snapshot == _snapshot("Spring 2026", 2, 1)
        assert copy.maturity_answers(system, "Spring 2026")[0].value.answers == {"resource_members": 2}


def test_the_migration_adds_the_tables_to_a_populated_database_and_takes_them_away_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0004")
    with engine.begin() as c:
        c.execute(text("INSERT INTO clusters (id, name, description, created_at) VALUES (1, 'K', '', '2026-01-01')"))
    upgrade(engine)
    assert current_version(engine) == "0015"
    store = Store(engine)
    made = store.record_decision(Identity.system(), _decision(), cluster_id=1)
    assert store.decision(Identity.system(), made.id).decision == _decision()
    config = _config()
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "0004")
    with engine.connect() as c:
        assert not {"decisions", "maturity_answers", "maturity_snapshots"} & set(inspect(c).get_table_names())
    engine.dispose()
