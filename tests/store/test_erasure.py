"""Erasing a person, on SQLite and PostgreSQL: what they wrote stays under a neutral label or goes at their
request, the only person of an organisation and the last facilitator."""

from __future__ import annotations

from datetime import date

import pytest

from klynge.errors import AccessDenied, Conflict, NotFound, Refused
from klynge.model import Decision, Note, Person, SdgEntry
from klynge.store import erasure
from klynge.store.erasure import FORMER
from klynge.workshop_import import parse_workshop_file

SECRET = b"test-secret"


@pytest.fixture
def writers(store, cluster, add_colleague):
    """Siri and Per of fjell write one canvas: Siri two notes, Per one, and Per rewords one of Siri's."""
    siri = add_colleague("fjell", "Siri Skriver", "siri@example.no")
    per = add_colleague("fjell", "Per Kollega", "per@example.no")
    org = cluster["orgs"]["fjell"]
    first = store.save_canvas(siri, org, "business_model", [
        Note(id="a", block="channels", text="Ring Siri Skriver"), Note(id="b", block="channels", text="Nettside")],
        None)
    second = store.save_canvas(per, org, "business_model", [
        Note(id="a", block="channels", text="Ring Siri Skriver"), Note(id="b", block="channels", text="Nettbutikk"),
        Note(id="c", block="key_partners", text="Bussen")], first.number)
    store.save_canvas(siri, org, "business_model", [
        Note(id="a", block="channels", text="Ring Siri Skriver på 99"),
        Note(id="b", block="channels", text="Nettbutikk"),
        Note(id="c", block="key_partners", text="Bussen")], second.number)
    store.save_sdg(siri, org, [SdgEntry(target="8.9", relevance=3, impact=2, evidence="Siri målte", action="Mer")],
                   None)
    return {"siri": siri, "per": per, "org": org}


def test_what_they_wrote_stays_under_a_neutral_label_by_default(store, system, cluster, writers):
    fac = cluster["who"]["facilitator"]
    result = store.erase_person(fac, writers["siri"].person_id)
    assert result.texts_removed == 0 and not result.alone
    canvas, rev = store.canvas(writers["per"], writers["org"], "business_model")
    assert {n.id: n.text for n in canvas.notes}["a"] == "Ring Siri Skriver på 99"
    assert rev.author == FORMER
    assert [i.author for i in store.history(writers["per"], "canvas", writers["org"], "business_model")] == [
        FORMER, "Per Kollega", FORMER]


def test_at_their_request_what_they_wrote_goes_from_every_revision_and_the_rest_stays(store, system, cluster,
                                                                                      writers):
    fac = cluster["who"]["facilitator"]
    assert store.erasure_plan(fac, writers["siri"].person_id).texts == 4  # three canvas revisions and the SDG
    result = store.erase_person(fac, writers["siri"].person_id, remove_text=True)
    assert result.texts_removed == 4
    per, org = writers["per"], writers["org"]
    history = [store.canvas(per, org, "business_model", n)[0] for n in (1, 2, 3)]
    texts = [{n.id: n.text for n in canvas.notes} for canvas in history]
    # her note a is gone from every revision; b is gone where her wording stood and stays as Per reworded it
    assert texts == [{}, {"b": "Nettbutikk", "c": "Bussen"}, {"b": "Nettbutikk", "c": "Bussen"}]
    assert [r.number for r in store.history(per, "canvas", org, "business_model")] == [1, 2, 3]
    (entry,) = store.sdg(per, org)[0].entries
    assert (entry.relevance, entry.impact, entry.evidence, entry.action) == (3, 2, "", "")
    # a later save on the rewritten head still merges
    saved = store.save_canvas(per, org, "business_model", [Note(id="b", block="channels", text="Nettbutikk"),
                                                           Note(id="d", block="channels", text="Ny")], 3)
    assert saved.number == 4


def test_the_only_person_of_an_organisation_may_be_erased_with_a_warning(store, cluster):
    fac = cluster["who"]["facilitator"]
    gard = cluster["who"]["gard"]
    plan = store.erasure_plan(fac, gard.person_id)
    assert plan.alone and (plan.name, plan.email, plan.organisation) == ("Gard Person", "gard@example.no",
                                                                        "Gardsbutikken")
    assert store.erase_person(fac, gard.person_id).alone
    with pytest.raises(NotFound, match="erased already"):
        store.erase_person(fac, gard.person_id)


def test_the_last_facilitator_is_erased_only_from_the_command_line(store, system, cluster):
    fac = cluster["who"]["facilitator"]
    plan = store.erasure_plan(fac, fac.person_id)
    assert plan.last_facilitator
    with pytest.raises(Refused, match="--last-facilitator") as refused:
        store.erase_person(fac, fac.person_id)
    assert refused.value.key == "rights.erase.last_facilitator"
    with pytest.raises(Refused):
        store.erase_person(system, fac.person_id)  # the system too, unless it says so
    other = store.add_person(system, Person(name="Anna Fasilitator", email="anna@klynge.example",
                                            role="facilitator"), cluster["id"])
    anna = store.check_key(store.issue_key(system, other, SECRET), SECRET)
    assert not store.erasure_plan(anna, fac.person_id).last_facilitator
    store.erase_person(anna, fac.person_id)
    with pytest.raises(Refused):
        store.erase_person(anna, anna.person_id)
    store.erase_person(system, anna.person_id, last_facilitator=True)


def test_only_who_manages_the_cluster_erases_and_the_audit_log_says_so_by_ids(store, system, cluster):
    for role in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.erase_person(cluster["who"][role], cluster["who"]["gard"].person_id)
    fac = cluster["who"]["facilitator"]
    store.erase_person(fac, cluster["who"]["gard"].person_id, remove_text=True)
    (entry,) = store.audit_log(fac, action="erase_person")
    assert entry.actor == "Facilitator" and entry.subject_id == str(cluster["who"]["gard"].person_id)
    assert entry.details["remove_text"] is True and entry.details["alone"] is True


def test_a_part_registered_with_on_erase_runs_in_the_erasure(store, system, cluster, monkeypatch):
    seen = []
    monkeypatch.setattr(erasure, "_STEPS", [])
    erasure.on_erase(lambda c, person_id, remove_text: seen.append((person_id, remove_text)) or {"uploads": 0})
    store.erase_person(system, cluster["who"]["stuga"].person_id)
    assert seen == [(cluster["who"]["stuga"].person_id, False)]
    assert store.audit_log(system, action="erase_person")[0].details["uploads"] == 0


@pytest.fixture
def board(store, cluster, writers):
    """A round in which Siri and Per each add an idea and comment on the other's; Per votes for hers."""
    fac = cluster["who"]["facilitator"]
    siri, per = writers["siri"], writers["per"]
    rnd = store.open_round(fac, subject_kind="finding", subject_id="gap:oppdal:11", subject_title="Few winter beds",
                           question="How do we fill the winter weekends?", minutes=30, dots=3)
    hers = store.add_idea(siri, rnd.id, "Siri Skriver guides a winter walk")
    his = store.add_idea(per, rnd.id, "A food trail")
    store.comment(siri, his, "Ring Siri Skriver for the farms")
    store.comment(per, hers, "Good, and short")
    store.vote(per, hers, 2)
    return {"round": rnd.id, "hers": hers, "his": his}


def _ideas(store, who, round_id):
    return {x.id: x for x in store.workshop_board(who, round_id).ideas}


def test_their_workshop_ideas_and_comments_stay_under_a_neutral_label_by_default(store, cluster, writers, board):
    store.erase_person(cluster["who"]["facilitator"], writers["siri"].person_id)
    ideas = _ideas(store, writers["per"], board["round"])
    assert ideas[board["hers"]].text == "Siri Skriver guides a winter walk" and ideas[board["hers"]].former
    assert ideas[board["his"]].comments == (("", "Ring Siri Skriver for the farms"),)
    assert not ideas[board["his"]].former


def test_at_their_request_their_workshop_ideas_and_comments_are_emptied_and_the_votes_stay(store, cluster, writers,
                                                                                          board):
    fac, per = cluster["who"]["facilitator"], writers["per"]
    before = store.round_state(per, board["round"]).changes
    result = store.erase_person(fac, writers["siri"].person_id, remove_text=True)
    assert (result.extra["workshop_ideas_removed"], result.extra["workshop_comments_removed"]) == (1, 1)
    ideas = _ideas(store, per, board["round"])
    hers, his = ideas[board["hers"]], ideas[board["his"]]
    assert (hers.text, hers.votes, hers.former, hers.comments) == ("", 2, True, (("Per Kollega", "Good, and short"),))
    assert (his.text, his.comments) == ("A food trail", (("", ""),))
    assert store.round_state(per, board["round"]).changes > before  # open boards draw again
    (entry,) = store.audit_log(fac, action="erase_person")
    assert entry.details["workshop_ideas_removed"] == 1 and entry.details["workshop_comments_removed"] == 1


def _decision(**change) -> Decision:
    values = {"finding_id": "gap:oppdal:11", "option_id": "winter_package", "outcome": "chosen",
              "reasoning": "Enough beds in February", "decided_by": ["Fjellguidene"], "decided_on": date(2026, 10, 1)}
    return Decision(**{**values, **change})


@pytest.mark.parametrize("remove_text", [False, True])
def test_their_name_typed_as_a_decider_becomes_their_id_in_every_version(store, cluster, writers, remove_text):
    fac, siri = cluster["who"]["facilitator"], writers["siri"].person_id
    first = store.record_decision(fac, _decision(decided_by=["  siri   SKRIVER ", "Fjellguidene"]))
    second = store.revise_decision(fac, first.id, _decision(decided_by=["Siri Skriver", siri, "Per Kollega"]),
                                   first.version)
    other = store.record_decision(fac, _decision(decided_by=["Per Kollega", "Siri Skrivervik"]))
    store.erase_person(fac, siri, remove_text=remove_text)
    now = store.decision(fac, first.id)
    assert now.version == second.version + 1 and now.decision.decided_by == [siri, "Per Kollega"]
    assert now.decision.reasoning == "Enough beds in February"
    assert [v.decision.decided_by for v in store.decision_history(fac, first.id)] == [
        [siri, "Fjellguidene"], [siri, "Per Kollega"], [siri, "Per Kollega"]]
    assert store.decision(fac, other.id).version == 1  # another name that begins the same is not theirs
    with pytest.raises(Conflict):  # an editor who opened it before the erasure cannot bring the name back
        store.revise_decision(fac, first.id, _decision(decided_by=["Siri Skriver"]), second.version)
    (entry,) = store.audit_log(fac, action="erase_person")
    assert entry.details["decisions_named_by_id"] == [first.id]
    assert entry.details["decision_versions_named_by_id"] == 2


def test_an_imported_idea_under_their_name_becomes_theirs_and_goes_at_their_request(store, system, cluster):
    fac = cluster["who"]["facilitator"]
    rnd = store.open_round(fac, subject_kind="finding", subject_id="gap:oppdal:11", subject_title="Few winter beds",
                           question="How do we fill the winter weekends?", minutes=30, dots=3)
    chat = b"00:02:11 From KARI  nerg\xc3\xa5rd to Everyone:\n\tVinterpakke med truger og b\xc3\xa5lkaffe\n"
    store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(chat, "zoom.txt", "zoom"))
    (idea,) = store.workshop_board(fac, rnd.id).ideas
    assert idea.author == "KARI  nergård"  # not a person of the cluster when the chat was imported
    kari = store.add_person(system, Person(name="Kari Nergård", email="kari@example.no",
                                           organisation_id=cluster["orgs"]["fjell"]), cluster["id"])
    result = store.erase_person(fac, kari, remove_text=True)
    assert result.extra["workshop_ideas_removed"] == 1
    (idea,) = store.workshop_board(fac, rnd.id).ideas
    assert (idea.author, idea.text, idea.former) == ("", "", True)
