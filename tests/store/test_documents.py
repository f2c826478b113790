import threading

import pytest

from klynge.errors import Conflict, NotFound
from klynge.model import Note, Package, PackageComponent, SdgEntry
from klynge.store import open_store

BMC = "business_model"


def note(id, text, block="key_partners", **kw):
    return Note(id=id, block=block, text=text, **kw)


def test_save_read_and_history(store, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    first = store.save_canvas(kari, org, BMC, [note("a", "Turistkontoret")], None)
    second = store.save_canvas(kari, org, BMC, [note("a", "Turistkontoret"), note("b", "Hotellet")], first.number)
    doc, rev = store.canvas(kari, org, BMC)
    assert rev.number == second.number == 2 and rev.author == "Fjell Person"
    assert [n.text for n in doc.notes] == ["Turistkontoret", "Hotellet"]
    old, _ = store.canvas(kari, org, BMC, number=1)
    assert [n.id for n in old.notes] == ["a"]
    history = store.history(kari, "canvas", org, BMC)
    assert [(h.number, h.author) for h in history] == [(1, "Fjell Person"), (2, "Fjell Person")]


def test_different_notes_merge_silently(store, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    base = store.save_canvas(kari, org, BMC, [note("a", "one"), note("b", "two")], None).number
    store.save_canvas(kari, org, BMC, [note("a", "ONE"), note("b", "two")], base)
    merged = store.save_canvas(kari, org, BMC, [note("a", "one"), note("b", "TWO"), note("c", "new")], base)
    assert merged.merged
    doc, _ = store.canvas(kari, org, BMC)
    assert {n.id: n.text for n in doc.notes} == {"a": "ONE", "b": "TWO", "c": "new"}


def test_same_note_changed_on_both_sides_is_a_conflict_naming_who_and_what(store, cluster, system):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    base = store.save_canvas(kari, org, BMC, [note("a", "one")], None).number
    store.save_canvas(kari, org, BMC, [note("a", "theirs")], base)
    with pytest.raises(Conflict) as info:
        store.save_canvas(kari, org, BMC, [note("a", "mine")], base)
    conflict = info.value
    assert conflict.saved_by == ["Fjell Person"] and conflict.head == 2
    assert [(c.item_id, c.theirs["text"], c.mine["text"]) for c in conflict.clashes] == [("a", "theirs", "mine")]
    assert "Fjell Person" in str(conflict) and " a" in str(conflict)
    # Choosing resolves it: a save on the current head always lands, and nothing was lost.
    store.save_canvas(kari, org, BMC, [note("a", "mine")], conflict.head)
    assert [h.number for h in store.history(kari, "canvas", org, BMC)] == [1, 2, 3]


def test_restore_makes_an_old_revision_current_as_a_new_one(store, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [note("a", "first")], None)
    store.save_canvas(kari, org, BMC, [note("a", "second")], 1)
    restored = store.restore(kari, "canvas", org, BMC, 1)
    assert restored.number == 3
    doc, _ = store.canvas(kari, org, BMC)
    assert doc.notes[0].text == "first"
    assert store.history(kari, "canvas", org, BMC)[-1].restored_from == 1
    with pytest.raises(NotFound):
        store.restore(kari, "canvas", org, BMC, 9)


def test_an_empty_canvas_reads_as_revision_zero(store, cluster):
    doc, rev = store.canvas(cluster["who"]["fjell"], cluster["orgs"]["fjell"], BMC)
    assert rev.number == 0 and doc.notes == []


def test_sdg_assessment_merges_by_target(store, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_sdg(kari, org, [SdgEntry(target="8.9", relevance=3)], None)
    store.save_sdg(kari, org, [SdgEntry(target="8.9", relevance=3, evidence="Miljøfyrtårn")], 1)
    store.save_sdg(kari, org, [SdgEntry(target="8.9", relevance=3), SdgEntry(target="13.1", impact=-1)], 1)
    doc, rev = store.sdg(kari, org)
    assert rev.number == 3
    assert {e.target: e.evidence for e in doc.entries} == {"8.9": "Miljøfyrtårn", "13.1": ""}


def test_packages_are_seen_by_the_organisations_taking_part(store, cluster):
    who, orgs = cluster["who"], cluster["orgs"]
    pkg = Package(title="Fra fjell til fjøs", visibility="private", components=[
        PackageComponent(offer_id=1, organisation_id=orgs["fjell"]),
        PackageComponent(offer_id=2, organisation_id=orgs["gard"])])
    rev = store.save_package(who["fjell"], orgs["fjell"], pkg, None)
    seen, _ = store.package(who["gard"], orgs["fjell"], rev.document)
    assert seen.title == pkg.title
    with pytest.raises(NotFound):
        store.package(who["stuga"], orgs["fjell"], rev.document)
    assert [p.title for p, _ in store.packages(who["gard"])] == [pkg.title]
    assert store.packages(who["stuga"]) == []


def _at_once(db_url, saves):
    """Run every ``save(store)`` at the same moment, each in a thread with its own store (its own connections)."""
    barrier = threading.Barrier(len(saves))
    results = []

    def run(save):
        with open_store(db_url) as mine:
            barrier.wait()
            try:
                results.append(save(mine))
            except Exception as exc:  # collected: the tests look at what failed and why
                results.append(exc)

    threads = [threading.Thread(target=run, args=(save,)) for save in saves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _race(db_url, cluster, texts):
    """Threads save on the same base, one for each list of notes."""
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    return _at_once(db_url, [lambda st, notes=notes: st.save_canvas(kari, org, BMC, notes, 1) for notes in texts])


@pytest.mark.parametrize("round", range(3))
def test_racing_saves_on_different_notes_both_land(store, db_url, cluster, round):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [note("a", "a0"), note("b", "b0")], None)
    results = _race(db_url, cluster, [[note("a", "A"), note("b", "b0")], [note("a", "a0"), note("b", "B")]])
    assert sorted(r.number for r in results) == [2, 3]
    doc, rev = store.canvas(kari, org, BMC)
    assert rev.number == 3 and {n.id: n.text for n in doc.notes} == {"a": "A", "b": "B"}


@pytest.mark.parametrize("round", range(3))
def test_racing_saves_on_the_same_note_exactly_one_wins(store, db_url, cluster, round):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [note("a", "a0")], None)
    results = _race(db_url, cluster, [[note("a", "first")], [note("a", "second")]])
    wins = [r for r in results if not isinstance(r, Conflict)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1
    doc, rev = store.canvas(kari, org, BMC)
    assert rev.number == 2 and doc.notes[0].text == wins[0].items["a"]["text"]
    # The loser's text is not lost: the conflict carries it for the person to choose.
    assert losses[0].clashes[0].mine["text"] in ("first", "second")


def test_fifty_saves_of_different_notes_at_once_all_land_without_a_conflict(store, db_url, cluster):
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [note("base", "start")], None)
    n = 50
    results = _race(db_url, cluster, [[note("base", "start"), note(f"n{i}", f"text {i}")] for i in range(n)])
    failures = [r for r in results if isinstance(r, Exception)]
    assert not failures, failures[:3]
    assert sorted(r.number for r in results) == list(range(2, n + 2))
    doc, rev = store.canvas(kari, org, BMC)
    assert rev.number == n + 1
    assert {x.id: x.text for x in doc.notes} == {"base": "start", **{f"n{i}": f"text {i}" for i in range(n)}}


def test_racing_first_saves_of_a_new_document_all_land(store, db_url, cluster):
    # Nothing to lock yet: the saves meet on the new document's unique name, and merge again.
    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    n = 12
    layer = "social_layer"
    results = _at_once(db_url, [lambda st, i=i: st.save_canvas(kari, org, layer, [note(f"n{i}", f"t{i}")], None)
                                for i in range(n)])
    assert not [r for r in results if isinstance(r, Exception)]
    doc, rev = store.canvas(kari, org, layer)
    assert rev.number == n and {x.id for x in doc.notes} == {f"n{i}" for i in range(n)}


def test_a_save_that_keeps_meeting_racing_saves_gives_up_with_its_own_error(store, cluster):
    from sqlalchemy import event
    from sqlalchemy.exc import IntegrityError

    from klynge.errors import Contended

    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    store.save_canvas(kari, org, BMC, [note("a", "one")], None)
    attempts = []

    def race(conn, cursor, statement, parameters, context, executemany):
        # Another save of the same document landing first, every time: the parent is taken.
        if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
            attempts.append(1)
            raise IntegrityError(statement, parameters, _Unique())

    event.listen(store.engine, "before_cursor_execute", race)
    try:
        with pytest.raises(Contended) as info:
            store.save_canvas(kari, org, BMC, [note("a", "two")], 1)
    finally:
        event.remove(store.engine, "before_cursor_execute", race)
    assert len(attempts) == info.value.attempts > 1
    assert [h.number for h in store.history(kari, "canvas", org, BMC)] == [1]


class _Unique(Exception):
    """What a database driver says when a save's parent revision was taken by another save."""

    def __str__(self):
        return "UNIQUE constraint failed: revisions.parent_id"


def test_other_integrity_errors_are_not_retried(store, cluster):
    from sqlalchemy import event
    from sqlalchemy.exc import IntegrityError

    kari, org = cluster["who"]["fjell"], cluster["orgs"]["fjell"]
    attempts = []

    def broken(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO REVISIONS"):
            attempts.append(1)
            raise IntegrityError(statement, parameters, Exception("FOREIGN KEY constraint failed"))

    event.listen(store.engine, "before_cursor_execute", broken)
    try:
        with pytest.raises(IntegrityError):
            store.save_canvas(kari, org, BMC, [note("a", "one")], None)
    finally:
        event.remove(store.engine, "before_cursor_execute", broken)
    assert len(attempts) == 1
