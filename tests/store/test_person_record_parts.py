"""A person's record holds every row that names them: the schema is walked, so a new table cannot be forgotten."""

from __future__ import annotations

from datetime import UTC, date, datetime

from klynge.store import schema as s
from klynge.store.admin import RECORD_SOURCES

NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)

#: Columns that name a person but whose rows are deliberately not in a person's record, each with its reason.
#: Empty today: sign-in keys and sessions are in the record without their secrets (no key digest, no
#: session id). A column added here needs a reason a person could accept for not seeing the row.
EXCLUDED: dict[str, str] = {}

#: Person ids kept without a foreign key (to keep the tables acyclic), which the walk cannot find by itself.
WITHOUT_FOREIGN_KEY = {"organisations.updated_by"}


def _naming_people() -> set[str]:
    """Every ``table.column`` of the schema with a foreign key to ``people.id``."""
    return {f"{table.name}.{col.name}" for table in s.metadata.tables.values() for col in table.columns
            if any(fk.target_fullname == "people.id" for fk in col.foreign_keys)}


def test_every_column_that_names_a_person_is_in_their_record_or_excluded_with_a_reason(store, system, cluster):
    naming = _naming_people()
    assert "workshop_votes.person_id" in naming and "people.id" not in naming  # the walk finds foreign keys
    missing = naming - set(RECORD_SOURCES) - set(EXCLUDED)
    assert not missing, f"add these to person_record and RECORD_SOURCES, or to EXCLUDED with a reason: {missing}"
    assert not set(RECORD_SOURCES) & set(EXCLUDED)
    assert set(RECORD_SOURCES) - naming == WITHOUT_FOREIGN_KEY  # no stale entries
    assert all(reason.strip() for reason in EXCLUDED.values())
    record = store.person_record(system, cluster["who"]["fjell"].person_id)
    for column, part in RECORD_SOURCES.items():  # every part it names is in the record, as a list
        held = record
        for step in part.split("."):
            held = held[step]
        assert isinstance(held, list), column


def _work(store, cluster) -> dict[str, int]:
    """Rows of the cluster's work made by fjell's participant and the facilitator, with gard's beside them."""
    cid, orgs = cluster["id"], cluster["orgs"]
    fjell, gard = cluster["who"]["fjell"].person_id, cluster["who"]["gard"].person_id
    fac = cluster["who"]["facilitator"].person_id
    with store.engine.begin() as c:
        def add(table, **values):
            return c.execute(table.insert().values(**values)).inserted_primary_key[0]

        add(s.decisions, cluster_id=cid, finding_id="low-season", option_id="winter-food",
            body={"note": "Vi satser på matpakker om vinteren"}, version=1, created_at=NOW, author_id=fac,
            updated_at=NOW, updated_by=fac)
        add(s.maturity_answers, cluster_id=cid, round="Arena 2026", respondent="facilitator", body={"q1": 3},
            version=1, updated_at=NOW, updated_by=fac)
        add(s.maturity_snapshots, cluster_id=cid, round="Arena 2026", taken_at=NOW, author_id=fac, body={"n": 3})
        add(s.library_items, cluster_id=cid, organisation_id=orgs["fjell"], shared_by=fjell, title="Vintergjester",
            description="Tall fra i fjor", kind="statistics", language="nb", licence="", tags={}, visibility="cluster",
            url="https://example.no/vinter", text="the text read out of a file", searchable=True, version=1,
            created_at=NOW)
        add(s.research_consents, organisation_id=orgs["fjell"], consented=True, given_by=fjell, given_at=NOW)
        add(s.join_requests, person_id=gard, organisation_id=orgs["fjell"], position="staff", created_at=NOW,
            decided_at=NOW, decided_by=fjell, approved=True)
        add(s.hours, person_id=gard, organisation_id=orgs["gard"], activity="meeting", day=date(2026, 10, 1),
            hours=2, note="Ført av Fjell", source="manual", created_at=NOW, created_by=fjell)
        round_id = add(s.workshop_rounds, cluster_id=cid, subject_kind="finding", subject_id="low-season",
                       subject_title="Lavsesong", question="Hva selger om vinteren?", ends_at=NOW, dots=3,
                       state="open", opened_at=NOW, opened_by=fac, version=1, changes=0)
        add(s.workshop_groups, round_id=round_id, title="Mat", created_at=NOW, created_by=fac)
        add(s.workshop_ideas, round_id=round_id, author_id=fjell, organisation_id=orgs["fjell"],
            text="Lammesafari", version=1, created_at=NOW)
        theirs = add(s.workshop_ideas, round_id=round_id, author_id=gard, organisation_id=orgs["gard"],
                     text="Ostesmaking", version=1, created_at=NOW)
        add(s.workshop_comments, round_id=round_id, idea_id=theirs, author_id=fjell, text="Godt med geitost",
            created_at=NOW)
        for person, kind in ((fjell, "like"), (gard, "like")):
            c.execute(s.workshop_reactions.insert().values(round_id=round_id, idea_id=theirs, person_id=person,
                                                           kind=kind))
        for person, dots in ((fjell, 2), (gard, 1)):
            c.execute(s.workshop_votes.insert().values(round_id=round_id, idea_id=theirs, person_id=person,
                                                       count=dots))
        add(s.concepts, cluster_id=cid, owner_id=orgs["fjell"], owner_person_id=fjell, stage="idea",
            title="Lammesafari", body={"pitch": "Safari"}, version=1, created_at=NOW, updated_at=NOW, stage_at=NOW)
        lesson = add(s.lessons, cluster_id=cid, source_kind="none", body={}, version=1, created_at=NOW,
                     updated_at=NOW)
        add(s.lesson_links, lesson_id=lesson, finding_id="low-season", option_id="", linked_at=NOW, linked_by=fac)
        add(s.fees, organisation_id=orgs["gard"], year=2026, amount=5000, currency="NOK", status="invoiced",
            version=1, updated_at=NOW, updated_by=fac)
        for table in (s.package_settings, s.cluster_plans, s.mobilisation_settings):
            c.execute(table.insert().values(cluster_id=cid, body={}, version=1, updated_at=NOW, updated_by=fac))
    return {"fjell": fjell, "gard": gard, "fac": fac, "round": round_id, "theirs": theirs}


def test_a_participants_record_holds_their_ideas_comments_reactions_dots_shares_consents_and_decisions(
        store, system, cluster):
    ids = _work(store, cluster)
    record = store.person_record(system, ids["fjell"])
    assert [i["text"] for i in record["workshop_ideas"]] == ["Lammesafari"]
    assert [i["text"] for i in record["workshop_comments"]] == ["Godt med geitost"]
    # a reaction or a dot: the idea and its text, never who else reacted or voted
    assert record["workshop_reactions"] == [{"round_id": ids["round"], "idea_id": ids["theirs"],
                                             "person_id": ids["fjell"], "kind": "like", "idea_text": "Ostesmaking"}]
    assert record["workshop_votes"] == [{"round_id": ids["round"], "idea_id": ids["theirs"],
                                         "person_id": ids["fjell"], "count": 2, "idea_text": "Ostesmaking"}]
    (item,) = record["library_items"]
    assert item["title"] == "Vintergjester" and "text" not in item
    assert [r["consented"] for r in record["research_consents"]] == [True]
    (decided,) = record["join_requests_decided"]
    assert decided["approved"] is True and "person_id" not in decided  # who asked is the asker's
    (entered,) = record["hours_entered"]
    assert entered["note"] == "Ført av Fjell" and "person_id" not in entered
    assert record["hours"] == []  # hours they entered for gard are not their hours
    (concept,) = record["concepts"]
    assert concept["title"] == "Lammesafari" and "body" not in concept
    for part in ("decisions", "maturity_answers", "maturity_snapshots", "workshop_rounds", "workshop_groups",
                 "lesson_links"):
        assert record[part] == [], part
    gard = store.person_record(system, ids["gard"])
    assert [v["count"] for v in gard["workshop_votes"]] == [1]
    assert [r["position"] for r in gard["join_requests"]] == ["staff"] and gard["join_requests_decided"] == []


def test_a_facilitators_record_holds_the_decisions_rounds_snapshots_links_and_settings_they_made(
        store, system, cluster):
    ids = _work(store, cluster)
    record = store.person_record(system, ids["fac"])
    assert [d["body"]["note"] for d in record["decisions"]] == ["Vi satser på matpakker om vinteren"]
    assert [a["body"] for a in record["maturity_answers"]] == [{"q1": 3}]
    assert [m["round"] for m in record["maturity_snapshots"]] == ["Arena 2026"]
    assert [r["question"] for r in record["workshop_rounds"]] == ["Hva selger om vinteren?"]
    assert [g["title"] for g in record["workshop_groups"]] == ["Mat"]
    assert [k["finding_id"] for k in record["lesson_links"]] == ["low-season"]
    changed = record["last_changed"]
    assert len(changed["fees"]) == 1
    for table in ("package_settings", "cluster_plans", "mobilisation_settings"):
        assert changed[table] == [cluster["id"]], table
    assert record["workshop_ideas"] == [] and record["workshop_votes"] == []
