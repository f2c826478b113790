"""The concept pipeline in the store, on SQLite and PostgreSQL: stages, revisions, stale saves, access, ideas."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from klynge.errors import AccessDenied, Conflict, NotFound, Refused, ValidationError
from klynge.model.concept import ConceptBody, Measure, TestPlan, TestResult

from .test_workshops import _round, _together


def _concept_fields(cluster, **change) -> dict:
    values = {"title": "Vinterens mattur", "customer": "Couples from Trondheim", "job": "A weekend away without a car",
              "experience": "Guided walk, farm dinner, a night in a cabin", "partners": [cluster["orgs"]["gard"]],
              "months": [11, 1, 2], "price_from": Decimal("2500"), "price_to": Decimal("4200"), "currency": "NOK",
              "sustainability": "Local food, by train and bus", "sdgs": [12, 8]}
    return {**values, **change}


def _started(store, cluster, who="fjell"):
    return store.start_concept(cluster["who"][who], ConceptBody(title="Vinterens mattur"))


def test_a_concept_moves_through_every_stage_and_keeps_each_revision(store, cluster):
    who = cluster["who"]
    c = _started(store, cluster)
    assert (c.stage, c.version, c.owner, c.owner_person, c.idea_id) == ("idea", 1, "Fjellguidene", "Fjell Person", None)
    c = store.promote_concept(who["fjell"], c.id, 1, ConceptBody(**_concept_fields(cluster)))
    assert (c.stage, c.version, c.body.months, c.body.sdgs) == ("concept", 2, [1, 2, 11], [8, 12])
    proto = c.body.model_copy(update={"package_owner": cluster["orgs"]["fjell"], "package": "vintermat",
                                      "plan": TestPlan(what="Will couples pay 3 000?", how="Two test weekends",
                                                       with_whom="Ten couples of our guests", by=date(2027, 2, 1))})
    c = store.promote_concept(who["gard"], c.id, 2, proto)  # a partner promotes too
    assert c.stage == "prototype"
    tested = c.body.model_copy(update={"result": TestResult(
        testers="Eight couples", worked="The dinner", failed="The bus came late", bookings=6,
        feedback=Decimal("8.5"), measures=[Measure(name="Returned guests", value=Decimal(2))])})
    c = store.promote_concept(who["fjell"], c.id, 3, tested)
    c = store.promote_concept(who["fjell"], c.id, 4, c.body.model_copy(update={"reason": "Sold out twice"}))
    assert (c.stage, c.version) == ("launched", 5)
    history = store.concept_history(who["stuga"], c.id)  # every member reads the pipeline
    assert [(h.number, h.action, h.stage) for h in history] == [
        (1, "start", "idea"), (2, "promote", "concept"), (3, "promote", "prototype"), (4, "promote", "tested"),
        (5, "promote", "launched")]
    assert [h.author for h in history] == ["Fjell Person", "Fjell Person", "Gard Person", "Fjell Person",
                                           "Fjell Person"]
    with pytest.raises(Refused) as nothing_after:
        store.drop_concept(who["fjell"], c.id, "Too late", 5)
    assert nothing_after.value.key == "concept.error.final"


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_a_promotion_names_every_missing_field_in_the_persons_language(store, cluster, lang):
    from klynge.i18n import t

    who = cluster["who"]
    c = _started(store, cluster)
    body = ConceptBody(**_concept_fields(cluster, customer="", partners=[], price_to=None))
    with pytest.raises(ValidationError) as missing:
        store.promote_concept(who["fjell"], c.id, 1, body, lang=lang)
    named = [f for f, _m in missing.value.problems]
    assert named == [t(f"concept.field.{f}", lang) for f in ("customer", "partners", "price_to")]
    assert all(m == t("concept.error.needed", lang, stage=t("concept.stage.concept", lang))
               for _f, m in missing.value.problems)
    assert store.concept(who["fjell"], c.id).version == 1  # nothing saved
    c = store.promote_concept(who["fjell"], c.id, 1, ConceptBody(**_concept_fields(cluster)), lang=lang)
    with pytest.raises(ValidationError) as prototype:
        store.promote_concept(who["fjell"], c.id, 2, lang=lang)
    assert [f for f, _m in prototype.value.problems] == [
        t(f"concept.field.{f}", lang) for f in ("package", "plan_what", "plan_how", "plan_with_whom", "plan_by")]
    with pytest.raises(ValidationError) as emptied:  # an edit keeps what its stage needs
        store.save_concept(who["fjell"], c.id, c.body.model_copy(update={"job": ""}), 2, lang=lang)
    assert [f for f, _m in emptied.value.problems] == [t("concept.field.job", lang)]


def test_a_test_needs_a_measure_and_launching_or_dropping_a_reason(store, cluster):
    who = cluster["who"]
    c = store.start_concept(who["fjell"], ConceptBody(title="Pilegrimsuke"))
    with pytest.raises(ValidationError) as no_reason:
        store.drop_concept(who["fjell"], c.id, "  ", 1)
    assert [f for f, _m in no_reason.value.problems] == ["Reason"]
    c = store.promote_concept(who["fjell"], c.id, 1, ConceptBody(**_concept_fields(cluster)))
    c = store.promote_concept(who["fjell"], c.id, 2, c.body.model_copy(update={
        "package_owner": cluster["orgs"]["fjell"], "package": "p",
        "plan": TestPlan(what="a", how="b", with_whom="c", by=date(2027, 1, 1))}))
    result = TestResult(testers="Five walkers", worked="The route", failed="The beds")
    with pytest.raises(ValidationError) as unmeasured:
        store.promote_concept(who["fjell"], c.id, 3, c.body.model_copy(update={"result": result}), lang="en")
    assert [f for f, _m in unmeasured.value.problems] == ["Measures (bookings, feedback or other)"]
    c = store.drop_concept(who["facilitator"], c.id, "No beds in the low season", 3)  # a facilitator drops
    assert (c.stage, c.body.reason, c.version) == ("dropped", "No beds in the low season", 4)


def test_a_stale_save_is_a_conflict_not_an_overwrite(store, cluster):
    who = cluster["who"]
    c = _started(store, cluster)
    store.save_concept(who["fjell"], c.id, ConceptBody(title="Mattur i vinterferien"), 1)
    with pytest.raises(Conflict) as stale:
        store.save_concept(who["fjell"], c.id, ConceptBody(title="Vintermat"), 1)
    assert (stale.value.head, stale.value.saved_by) == (2, ["Fjell Person"])
    with pytest.raises(Conflict):
        store.promote_concept(who["fjell"], c.id, 1, ConceptBody(**_concept_fields(cluster)))
    now = store.concept(who["fjell"], c.id)
    assert (now.title, now.version, now.stage) == ("Mattur i vinterferien", 2, "idea")
    assert len(store.concept_history(who["fjell"], c.id)) == 2


def test_of_two_saves_from_the_same_version_at_once_exactly_one_lands(store, cluster, add_colleague):
    c = _started(store, cluster)
    people = [cluster["who"]["fjell"], add_colleague("fjell", "Ola Fjell", "ola@example.no")]
    results = _together(2, lambda k: store.save_concept(people[k], c.id, ConceptBody(title=f"Title {k}"), 1))
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1 and sum(isinstance(r, Conflict) for r in results) == 1, results
    history = store.concept_history(people[0], c.id)
    assert [h.number for h in history] == [1, 2] and history[-1].body.title == won[0].title
    assert store.concept(people[0], c.id).title == won[0].title


def test_owner_and_partners_edit_others_do_not_and_a_facilitator_re_owns(store, cluster, add_colleague):
    who, orgs = cluster["who"], cluster["orgs"]
    c = _started(store, cluster)
    colleague = add_colleague("fjell", "Ola Fjell", "ola@example.no")
    c = store.save_concept(colleague, c.id, ConceptBody(title="Mattur", partners=[orgs["gard"]]), 1)
    c = store.save_concept(who["gard"], c.id, c.body.model_copy(update={"customer": "Families"}), 2)
    for stranger in (who["stuga"], who["facilitator"], who["researcher"]):
        with pytest.raises(AccessDenied):
            store.save_concept(stranger, c.id, c.body.model_copy(update={"title": "Mine"}), 3)
    with pytest.raises(AccessDenied):  # a member that is no partner cannot make itself one
        store.save_concept(who["stuga"], c.id, c.body.model_copy(update={"partners": [orgs["stuga"]]}), 3)
    with pytest.raises(AccessDenied):
        store.drop_concept(who["stuga"], c.id, "Not ours", 3)
    with pytest.raises(AccessDenied):
        store.concepts(who["researcher"])
    with pytest.raises(AccessDenied):
        store.reown_concept(who["fjell"], c.id, orgs["stuga"], 3)
    with pytest.raises(Refused):
        store.save_concept(who["fjell"], c.id, c.body.model_copy(update={"partners": [orgs["fjell"]]}), 3)
    c = store.reown_concept(who["facilitator"], c.id, orgs["gard"], 3)
    assert (c.owner_id, c.owner, c.body.partners, c.owner_person) == (orgs["gard"], "Gardsbutikken", [], "")
    with pytest.raises(AccessDenied):  # Fjellguidene is neither owner nor partner now
        store.save_concept(who["fjell"], c.id, c.body, 4)
    assert store.concept_history(who["gard"], c.id)[-1].action == "reown"
    with pytest.raises(AccessDenied):
        store.start_concept(who["facilitator"], ConceptBody(title="Facilitators do not own concepts"))


def test_an_idea_of_a_closed_round_becomes_a_concept_once(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    idea = store.add_idea(who["stuga"], rnd.id, "Sauna evenings with local food")
    other = store.add_idea(who["gard"], rnd.id, "Sauna nights and farm food")
    store.vote(who["fjell"], idea, 2)
    with pytest.raises(Refused) as still_open:
        store.promote_idea(who["fjell"], idea)
    assert still_open.value.key == "concept.error.round_open"
    store.merge_ideas(who["facilitator"], other, idea)
    store.close_round(who["facilitator"], rnd.id)
    waiting = store.promotable_ideas(who["fjell"])
    assert [(x.id, x.text, x.votes, x.organisation) for x in waiting] == [
        (idea, "Sauna evenings with local food", 2, "Stugbyn i Åre")]
    with pytest.raises(Refused) as merged:
        store.promote_idea(who["fjell"], other)
    assert merged.value.key == "concept.error.merged"
    c = store.promote_idea(who["fjell"], idea)
    assert (c.stage, c.idea_id, c.title, c.owner_id) == ("idea", idea, "Sauna evenings with local food",
                                                          cluster["orgs"]["fjell"])
    assert store.promotable_ideas(who["gard"]) == []
    with pytest.raises(Refused) as twice:
        store.promote_idea(who["gard"], idea)
    assert twice.value.key == "concept.error.promoted"
    with pytest.raises(NotFound):
        store.promote_idea(who["gard"], 9999)


def test_concepts_stay_in_their_cluster(store, cluster, system):
    from klynge.model import Cluster, Organisation, Person

    from ..conftest import SECRET

    c = _started(store, cluster)
    other = store.create_cluster(system, Cluster(name="Fjordklyngen"))
    org = store.add_organisation(system, Organisation(name="Havbris", country="NO", orgnr="984851006",
                                                      municipality="5001"), other)
    pid = store.add_person(system, Person(name="Hav", email="hav@example.no", organisation_id=org), other)
    away = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    assert store.concepts(away) == []
    with pytest.raises(AccessDenied):
        store.concept(away, c.id)
    with pytest.raises(Refused):  # a partner of another cluster
        store.save_concept(cluster["who"]["fjell"], c.id, ConceptBody(title="x", partners=[org]), 1)
    assert [x.id for x in store.concepts(cluster["who"]["facilitator"])] == [c.id]


def test_erasing_a_person_with_their_texts_empties_what_they_wrote_into_concepts(store, cluster):
    who = cluster["who"]
    c = _started(store, cluster)
    c = store.save_concept(who["fjell"], c.id, ConceptBody(title="Mattur", partners=[cluster["orgs"]["gard"]],
                                                           customer="Kari's own words"), 1)
    c = store.save_concept(who["gard"], c.id, c.body.model_copy(update={
        "job": "Sigrid's words", "plan": TestPlan(what="Sigrid's test")}), 2)
    result = store.erase_person(who["facilitator"], who["gard"].person_id, remove_text=True)
    assert result.extra["concept_texts_removed"] == 2
    now = store.concept(who["fjell"], c.id)
    assert (now.body.customer, now.body.job, now.body.plan.what, now.title) == ("Kari's own words", "", "", "Mattur")
    history = store.concept_history(who["fjell"], c.id)
    assert all("Sigrid" not in h.body.model_dump_json() for h in history)
    assert history[1].body.customer == "Kari's own words"


def test_a_persons_record_holds_the_concept_revisions_they_saved(store, cluster):
    c = _started(store, cluster)
    store.save_concept(cluster["who"]["fjell"], c.id, ConceptBody(title="Mattur", customer="Par"), 1)
    record = store.person_record(cluster["who"]["fjell"], cluster["who"]["fjell"].person_id)
    assert [(r["concept_id"], r["number"], r["action"], r["body"]["customer"]) for r in record["concept_revisions"]] \
        == [(c.id, 1, "start", ""), (c.id, 2, "edit", "Par")]
    assert store.person_record(cluster["who"]["gard"], cluster["who"]["gard"].person_id)["concept_revisions"] == []
