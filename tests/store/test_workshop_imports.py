"""Importing other tools' samples into a round, on SQLite and PostgreSQL: matching, all or nothing, closed rounds."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select, text

from klynge.errors import AccessDenied, Refused
from klynge.store import schema as s
from klynge.store.engine import make_engine
from klynge.store.migrate import _config, upgrade
from klynge.store.workshop_imports import WorkshopImportsMixin
from klynge.workshop_import import parse_workshop_file

from ..test_workshop_import import HOSTILE, PEOPLE, sample


@pytest.fixture
def people(cluster, add_colleague):
    """The demo people the samples name, as colleagues of the test cluster's members."""
    orgs = ("fjell", "gard", "stuga")
    return {name: add_colleague(orgs[k % 3], name, email) for k, (name, email) in enumerate(PEOPLE)}


def _round(store, fac):
    return store.open_round(fac, subject_kind="finding", subject_id="gap:5021:1", subject_title="Few winter beds",
                            question="How do we fill the winter weekends?", minutes=30, dots=3)


def _count(store, table) -> int:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar()


def test_a_chat_log_lands_on_the_board_matched_to_people_with_the_others_named_as_written(store, cluster, people):
    fac = cluster["who"]["facilitator"]
    rnd = _round(store, fac)
    done = store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(sample("qiqochat"), "qiqochat.csv"))
    assert (done.imported, done.matched, done.unmatched, done.anonymous) == (5, 4, 1, 0)
    assert done.unmatched_authors == ("Gæst Gjestesen",) and done.skipped["system"] == 2
    board = store.workshop_board(people["Kari Nergård"], rnd.id)
    by_text = {x.text: x for x in board.ideas}
    kari = by_text["Vi kan lage en vinterpakke med truger og bålkaffe"]
    assert kari.author == "Kari Nergård" and kari.organisation == "Fjellguidene" and kari.mine
    assert kari.source == "qiqochat"
    guest = by_text["Åpne søndagskafé i fjellstua hele vinteren"]
    assert guest.author == "Gæst Gjestesen" and guest.organisation == "" and not guest.mine
    assert by_text[HOSTILE].author == "Sverre Bjørkmo"  # stored as the text it is; the board escapes it
    assert board.changes > rnd.changes  # every open board sees the import at once
    # the same file again adds nothing: each idea is already there
    again = store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(sample("qiqochat"), "qiqochat.csv"))
    assert (again.imported, again.already) == (0, 5) and _count(store, s.workshop_ideas) == 5
    outcome = store.workshop_outcome(fac, rnd.id)
    assert {x["author"] for x in outcome["ideas"]} >= {"Gæst Gjestesen", "Malin Åkerström"}
    # a matched author edits their imported idea like one they typed
    store.edit_idea(people["Kari Nergård"], kari.id, "Vinterpakke med truger", kari.version)


def test_miro_frames_become_themes_and_mentimeter_votes_are_kept(store, cluster, people):
    fac = cluster["who"]["facilitator"]
    rnd = _round(store, fac)
    store.add_group(fac, rnd.id, "mat")
    done = store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(sample("miro"), "miro.csv"))
    assert (done.imported, done.matched, done.unmatched, done.themes) == (5, 4, 1, 1)
    board = store.workshop_board(fac, rnd.id)
    themes = dict(board.groups)
    assert sorted(themes.values()) == ["Overnatting", "mat"]  # the round's own "mat" is reused
    assert [themes.get(x.group_id) for x in board.ideas] == ["mat", "mat", "Overnatting", "Overnatting", None]
    done = store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(sample("mentimeter"), "mentimeter.csv"))
    assert (done.imported, done.matched, done.unmatched, done.anonymous) == (6, 3, 1, 2)
    assert done.unmatched_authors == ("Gunnar Gjest",)
    ideas = store.workshop_board(fac, rnd.id).ideas
    votes = {x.text: x.source_votes for x in ideas if x.source == "mentimeter"}
    assert votes["Matløype med gårdsbutikkene – fra seter til sjø"] == 7 and votes[HOSTILE] == 0
    assert all(x.votes == 0 for x in ideas)  # a tool's votes are not the round's dots


def test_an_import_is_all_or_nothing(store, cluster, people, monkeypatch):
    fac = cluster["who"]["facilitator"]
    rnd = _round(store, fac)
    made = []
    real = WorkshopImportsMixin._theme

    def fail_on_the_second_theme(self, c, who, round_id, themes, title, moment):
        if title == "Overnatting":
            raise RuntimeError("the disk is full")
        made.append(title)
        return real(self, c, who, round_id, themes, title, moment)

    monkeypatch.setattr(WorkshopImportsMixin, "_theme", fail_on_the_second_theme)
    with pytest.raises(RuntimeError):
        store.import_workshop_ideas(fac, rnd.id, parse_workshop_file(sample("miro"), "miro.csv"))
    assert made and _count(store, s.workshop_ideas) == 0 and _count(store, s.workshop_groups) == 0


def test_a_closed_round_refuses_an_import_and_only_facilitators_import(store, cluster, people):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    parsed = parse_workshop_file(sample("zoom"), "zoom.txt")
    for person in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.import_workshop_ideas(who[person], rnd.id, parsed)
    store.close_round(who["facilitator"], rnd.id)
    with pytest.raises(Refused) as refused:
        store.import_workshop_ideas(who["facilitator"], rnd.id, parsed)
    assert refused.value.key == "workshop.error.closed" and "Facilitator closed this round" in str(refused.value)
    assert _count(store, s.workshop_ideas) == 0


def test_the_migration_adds_the_import_columns_to_a_populated_database_and_takes_them_away_again(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0012")
    with engine.begin() as c:
        c.execute(text("INSERT INTO clusters (id, name, description, created_at) VALUES (1, 'K', '', '2026-01-01')"))
        c.execute(text("INSERT INTO workshop_rounds (id, cluster_id, subject_kind, subject_id, subject_title, question,"
                       " ends_at, dots, state, opened_at, version, changes) VALUES (1, 1, 'gap', 'gap:1:1', 'G', 'Q',"
                       " '2099-01-01', 3, 'open', '2026-01-01', 1, 1)"))
        c.execute(text("INSERT INTO workshop_ideas (id, round_id, text, version, created_at)"
                       " VALUES (1, 1, 'Typed on the board', 1, '2026-01-01')"))
    upgrade(engine, "0015")
    with engine.connect() as c:
        row = c.execute(text("SELECT text, source, author_label, source_votes FROM workshop_ideas")).one()
    assert tuple(row) == ("Typed on the board", None, None, None)
    config = _config()
    with engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "0012")
    with engine.connect() as c:
        assert c.execute(text("SELECT text FROM workshop_ideas")).scalar() == "Typed on the board"
    engine.dispose()
