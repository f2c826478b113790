"""The learning log in the store, on SQLite and PostgreSQL: who writes what, sources, revisions, links, filters."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from klynge.errors import AccessDenied, Conflict, NotFound, Refused
from klynge.model import Lesson
from klynge.model.concept import ConceptBody
from klynge.model.event import local
from klynge.store import schema as s

from .test_workshops import _together

BASE = {"assumed": "Guests come for the skiing", "saw": "They asked for the food trail first",
        "change": "Lead the winter package with the food", "themes": ["winter food"], "goals": [12], "months": [11]}


def _lesson(**change) -> Lesson:
    return Lesson.model_validate({**BASE, **change})


def _closed_round(store, fac, close=True):
    rnd = store.open_round(fac, subject_kind="option", subject_id="low_season_gap:5021#winter",
                           subject_title="Winter", question="What fills November?", minutes=30, dots=3)
    if close:
        store.close_round(fac, rnd.id)
    return rnd


def _written_past_the_check(store, who, kind: str, source_id: int):
    """A lesson of ``who`` that names ``kind`` ``source_id`` without the store's check (as a hand-edited row would)."""
    lesson = store.add_lesson(who, _lesson())
    with store.engine.begin() as c:
        body = {**lesson.lesson.model_dump(mode="json"), "source_kind": kind, "source_id": source_id}
        c.execute(s.lessons.update().where(s.lessons.c.id == lesson.id).values(source_kind=kind, source_id=source_id,
                                                                               body=body))
    return lesson


def test_a_participant_writes_for_their_organisation_and_edits_only_its_lessons(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    mine = store.add_lesson(who["fjell"], _lesson())
    assert (mine.organisation_id, mine.organisation, mine.version, mine.can_edit) == (
        orgs["fjell"], "Fjellguidene", 1, True)
    with pytest.raises(AccessDenied):
        store.add_lesson(who["fjell"], _lesson(), organisation_id=orgs["gard"])
    with pytest.raises(AccessDenied):
        store.revise_lesson(who["gard"], mine.id, _lesson(change="Something else"), 1)
    assert not store.lesson(who["gard"], mine.id).can_edit  # the neighbour reads it, may not edit it
    edited = store.revise_lesson(who["fjell"], mine.id, _lesson(change="Lead with the food, then the skiing"), 1)
    assert edited.version == 2 and edited.lesson.change.startswith("Lead with the food")
    with pytest.raises(AccessDenied):
        store.lessons(who["researcher"])
    with pytest.raises(AccessDenied):
        store.link_lesson(who["fjell"], mine.id, ["low_season_gap:5021"])


def test_a_facilitator_adds_and_edits_any_lesson_and_links_it(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    theirs = store.add_lesson(who["gard"], _lesson())
    ours = store.add_lesson(who["facilitator"], _lesson(themes=["pilgrim"]))
    assert ours.organisation_id is None and ours.organisation == ""
    named = store.add_lesson(who["facilitator"], _lesson(), organisation_id=orgs["stuga"])
    assert named.organisation == "Stugbyn i Åre"
    assert store.revise_lesson(who["facilitator"], theirs.id, _lesson(saw="Fewer came"), 1).version == 2
    linked = store.link_lesson(who["facilitator"], theirs.id, ["low_season_gap:5021#winter", "low_season_gap:5021",
                                                                "low_season_gap:5021"])
    assert linked.links == ("low_season_gap:5021", "low_season_gap:5021#winter")
    assert store.link_lesson(who["facilitator"], theirs.id, ["economics:deficit"]).links == ("economics:deficit",)
    assert store.lesson(who["fjell"], theirs.id).links == ("economics:deficit",)
    with pytest.raises(ValueError):
        store.link_lesson(who["facilitator"], theirs.id, ["not a finding"])
    with pytest.raises(Refused):
        store.link_lesson(who["facilitator"], theirs.id, [f"f:{k}" for k in range(41)])


def test_an_edit_from_a_stale_version_is_a_conflict_and_the_history_keeps_every_version(store, cluster, add_colleague):
    who = cluster["who"]
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    lesson = store.add_lesson(who["fjell"], _lesson())
    store.revise_lesson(colleague, lesson.id, _lesson(saw="Second"), 1)
    with pytest.raises(Conflict) as caught:
        store.revise_lesson(who["fjell"], lesson.id, _lesson(saw="Third, from the first version"), 1)
    assert caught.value.saved_by == ["Kari Fjell"] and caught.value.head == 2
    history = store.lesson_history(who["gard"], lesson.id)
    assert [(h.version, h.lesson.saw) for h in history] == [(1, BASE["saw"]), (2, "Second")]
    assert history[-1].author == "Kari Fjell"


def test_a_lesson_from_a_round_needs_a_closed_round_of_the_cluster(store, cluster, system):
    who = cluster["who"]
    open_round = _closed_round(store, who["facilitator"], close=False)
    with pytest.raises(Refused) as caught:
        store.add_lesson(who["fjell"], _lesson(source_kind="round", source_id=open_round.id))
    assert caught.value.key == "lesson.error.round_open"
    with pytest.raises(Refused) as caught:
        store.add_lesson(who["fjell"], _lesson(source_kind="round", source_id=9999))
    assert caught.value.key == "lesson.error.no_round" and caught.value.values == {"id": 9999}
    store.close_round(who["facilitator"], open_round.id)
    from_round = store.add_lesson(who["fjell"], _lesson(source_kind="round", source_id=open_round.id))
    assert from_round.source == "What fills November?"
    assert [x.id for x in store.lessons(who["gard"], round_id=open_round.id)] == [from_round.id]
    with pytest.raises(Refused) as caught:
        store.add_lesson(who["fjell"], _lesson(source_kind="concept", source_id=9999))
    assert caught.value.key == "lesson.error.no_concept" and caught.value.values == {"id": 9999}
    tested = store.start_concept(who["gard"], ConceptBody(title="Gardsmat i november"))
    concept = store.add_lesson(who["fjell"], _lesson(source_kind="concept", source_id=tested.id))
    assert (concept.lesson.source_kind, concept.lesson.source_id, concept.source, concept.source_stage) == (
        "concept", tested.id, "Gardsmat i november", "idea")
    with pytest.raises(NotFound):
        store.revise_lesson(who["fjell"], 9999, _lesson(), 1)


def test_a_lesson_from_a_concept_reads_its_title_and_stage_as_they_are_now_and_says_when_it_is_gone(store, cluster):
    who = cluster["who"]
    concept = store.start_concept(who["gard"], ConceptBody(title="Gardsmat i november"))
    lesson = store.add_lesson(who["fjell"], _lesson(source_kind="concept", source_id=concept.id))
    assert (lesson.source, lesson.source_stage) == ("Gardsmat i november", "idea")
    store.drop_concept(who["gard"], concept.id, "Too few guests in November", 1)
    store.link_lesson(who["facilitator"], lesson.id, ["low_season_gap:5021"])
    [cited] = store.lesson_citations(who["facilitator"])
    assert (cited["source_kind"], cited["source"], cited["source_stage"]) == ("concept", "Gardsmat i november",
                                                                              "dropped")
    with store.engine.begin() as c:  # the lesson keeps the concept's id only: the concept may be gone
        c.execute(delete(s.concept_revisions).where(s.concept_revisions.c.concept_id == concept.id))
        c.execute(delete(s.concepts).where(s.concepts.c.id == concept.id))
    gone = store.lesson(who["stuga"], lesson.id)
    assert (gone.lesson.source_id, gone.source, gone.source_stage) == (concept.id, "", "")
    assert [(x["source"], x["source_stage"]) for x in store.lesson_citations(who["facilitator"])] == [("", "")]
    with pytest.raises(Refused) as caught:  # nor can an edit name it again
        store.revise_lesson(who["fjell"], lesson.id, _lesson(source_kind="concept", source_id=concept.id), 1)
    assert caught.value.key == "lesson.error.no_concept"


def test_a_lesson_from_a_round_reads_its_question_and_the_day_it_closed_and_says_when_it_is_gone(store, cluster):
    who = cluster["who"]
    rnd = _closed_round(store, who["facilitator"])
    [closed] = store.workshop_rounds(who["facilitator"], state="closed")
    lesson = store.add_lesson(who["fjell"], _lesson(source_kind="round", source_id=rnd.id))
    day = local(closed.closed_at).date()  # the day on the cluster's clock, as the store read it back
    assert (lesson.source, lesson.source_day) == ("What fills November?", day)
    store.link_lesson(who["facilitator"], lesson.id, ["low_season_gap:5021"])
    [cited] = store.lesson_citations(who["facilitator"])
    assert (cited["source"], cited["source_day"]) == ("What fills November?", day.isoformat())
    with store.engine.begin() as c:  # the lesson keeps the round's id only: the round may be gone
        c.execute(delete(s.workshop_rounds).where(s.workshop_rounds.c.id == rnd.id))
    gone = store.lesson(who["stuga"], lesson.id)
    assert (gone.lesson.source_kind, gone.lesson.source_id, gone.source, gone.source_day) == (
        "round", rnd.id, "", None)
    assert [(x["source"], x["source_day"]) for x in store.lesson_citations(who["facilitator"])] == [("", "")]
    assert [h.source for h in store.lesson_history(who["gard"], lesson.id)] == [""]


def test_a_concept_of_another_cluster_is_neither_a_source_nor_named(store, cluster, system):
    from klynge.model import Cluster, Organisation, Person

    from ..conftest import SECRET

    other = store.create_cluster(system, Cluster(name="Fjordklyngen"))
    org = store.add_organisation(system, Organisation(name="Havbris", country="NO", orgnr="984851006",
                                                      municipality="5001"), other)
    pid = store.add_person(system, Person(name="Hav", email="hav@example.no", organisation_id=org), other)
    away = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    theirs = store.start_concept(away, ConceptBody(title="Hemmelig fjordkonsept"))
    with pytest.raises(Refused) as caught:
        store.add_lesson(cluster["who"]["fjell"], _lesson(source_kind="concept", source_id=theirs.id))
    assert caught.value.key == "lesson.error.no_concept"
    lesson = _written_past_the_check(store, cluster["who"]["fjell"], "concept", theirs.id)  # still never named here
    read = store.lesson(cluster["who"]["gard"], lesson.id)
    assert (read.lesson.source_id, read.source, read.source_stage) == (theirs.id, "", "")


def test_a_round_of_another_cluster_is_not_a_source(store, cluster, system):
    from klynge.model import Cluster

    other = store.create_cluster(system, Cluster(name="Fjordklyngen"))
    rnd = store.open_round(system, subject_kind="finding", subject_id="x:1", subject_title="X", question="Elsewhere?",
                           minutes=10, dots=1, cluster_id=other)
    store.close_round(system, rnd.id)
    with pytest.raises(Refused):
        store.add_lesson(cluster["who"]["fjell"], _lesson(source_kind="round", source_id=rnd.id))
    lesson = _written_past_the_check(store, cluster["who"]["fjell"], "round", rnd.id)  # still never named here
    read = store.lesson(cluster["who"]["gard"], lesson.id)
    assert (read.lesson.source_id, read.source, read.source_day) == (rnd.id, "", None)


def test_the_log_is_newest_first_and_filters_by_theme_goal_month_and_finding(store, cluster):
    who = cluster["who"]
    a = store.add_lesson(who["fjell"], _lesson(themes=["Winter Food"], goals=[8, 12], months=[11, 12]))
    b = store.add_lesson(who["gard"], _lesson(themes=["pilgrim"], goals=[3], months=[6]))
    c = store.add_lesson(who["facilitator"], _lesson(themes=["winter food", "pilgrim"], goals=[12], months=[6]))
    ids = lambda **f: [x.id for x in store.lessons(who["stuga"], **f)]  # noqa: E731
    assert ids() == [c.id, b.id, a.id]
    assert ids(theme=" winter   FOOD ") == [c.id, a.id]
    assert ids(goal=12) == [c.id, a.id] and ids(month=6) == [c.id, b.id]
    assert ids(theme="pilgrim", goal=12, month=6) == [c.id] and ids(goal=17) == []
    store.link_lesson(who["facilitator"], b.id, ["low_season_gap:5021#winter"])
    assert ids(finding_id="low_season_gap:5021") == [b.id]


def test_citations_hold_the_linked_lessons_with_their_source_for_the_report(store, cluster):
    who = cluster["who"]
    rnd = _closed_round(store, who["facilitator"])
    cited = store.add_lesson(who["fjell"], _lesson(source_kind="round", source_id=rnd.id))
    store.add_lesson(who["gard"], _lesson())  # not linked: not cited
    store.link_lesson(who["facilitator"], cited.id, ["low_season_gap:5021#winter"])
    [one] = store.lesson_citations(who["facilitator"])
    assert one["id"] == cited.id and one["links"] == ["low_season_gap:5021#winter"]
    assert (one["assumed"], one["source"], one["organisation"]) == (BASE["assumed"], "What fills November?",
                                                                   "Fjellguidene")


def test_the_store_keeps_to_the_cluster_and_writes_one_row_per_link(store, cluster):
    who = cluster["who"]
    lesson = store.add_lesson(who["fjell"], _lesson())
    store.link_lesson(who["facilitator"], lesson.id, ["a:1", "a:1#x"])
    store.link_lesson(who["facilitator"], lesson.id, ["a:1#x", "b:2"])
    with store.engine.connect() as c:
        rows = c.execute(s.lesson_links.select().order_by(s.lesson_links.c.finding_id)).mappings().all()
    assert [(r["finding_id"], r["option_id"]) for r in rows] == [("a:1", "x"), ("b:2", "")]


def test_two_edits_from_the_same_version_at_once_one_wins_and_nothing_is_lost(store, cluster, add_colleague):
    who = cluster["who"]
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    lesson = store.add_lesson(who["fjell"], _lesson())
    editors = (who["fjell"], colleague)
    results = _together(2, lambda k: store.revise_lesson(editors[k], lesson.id, _lesson(saw=f"edit {k}"), 1))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "StoredLesson"]
    won = next(r for r in results if not isinstance(r, Exception))
    assert store.lesson(who["gard"], lesson.id).lesson.saw == won.lesson.saw
    assert [h.version for h in store.lesson_history(who["gard"], lesson.id)] == [1, 2]


def test_a_persons_record_holds_the_lessons_they_wrote(store, cluster, system):
    who = cluster["who"]
    lesson = store.add_lesson(who["fjell"], _lesson())
    store.add_lesson(who["gard"], _lesson())
    record = store.person_record(system, who["fjell"].person_id)
    assert [x["id"] for x in record["lessons"]] == [lesson.id]
    assert record["lessons"][0]["body"]["assumed"] == BASE["assumed"]
