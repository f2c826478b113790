"""Workshop rounds in the store, on SQLite and PostgreSQL: ideas, votes, themes, closing, the outcome."""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from sqlalchemy import event, update

from klynge.errors import AccessDenied, Conflict, NotFound, Refused
from klynge.model import Decision, Person
from klynge.store import schema as s

from ..conftest import SECRET

BOARD_STATEMENTS = 10  # reading a board took 9 statements on SQLite and 8 on PostgreSQL, whatever its size
POLL_STATEMENTS = 3  # a poll took 3 on SQLite and 2 on PostgreSQL


def _round(store, fac, **change):
    values = {"subject_kind": "finding", "subject_id": "gap:oppdal:11", "subject_title": "Few winter beds",
              "question": "How do we fill the winter weekends?", "minutes": 30, "dots": 3}
    return store.open_round(fac, **{**values, **change})


def _together(n, work):
    """Run ``work(k)`` in ``n`` threads released at once; returns each result or the exception raised."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(k):
        barrier.wait()
        try:
            results[k] = work(k)
        except Exception as e:  # noqa: BLE001 - the test looks at which ones failed
            results[k] = e

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_a_round_collects_ideas_comments_reactions_and_votes(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    assert rnd.is_open and rnd.dots == 3 and rnd.changes == 1
    idea = store.add_idea(who["fjell"], rnd.id, "  A winter food trail  ")
    other = store.add_idea(who["gard"], rnd.id, "Shared booking for weekends")
    store.comment(who["stuga"], idea, "We can host the guests")
    assert store.react(who["stuga"], idea, "agree") is True
    assert store.react(who["gard"], idea, "agree") is True
    assert store.react(who["gard"], idea, "agree") is False  # a second press takes it back
    assert store.vote(who["stuga"], idea) == 2
    assert store.vote(who["stuga"], idea, 2) == 0
    assert store.vote(who["stuga"], idea, -1) == 1
    assert store.vote(who["stuga"], other) == 0
    board = store.workshop_board(who["stuga"], rnd.id)
    first = {x.id: x for x in board.ideas}[idea]
    assert (first.text, first.author, first.organisation) == ("A winter food trail", "Fjell Person", "Fjellguidene")
    assert (first.votes, first.my_votes, first.reactions, first.my_reactions) == (2, 2, {"agree": 1}, ("agree",))
    assert first.comments == (("Stuga Person", "We can host the guests"),)
    assert board.dots_left == 0 and not board.can_run
    assert board.changes == store.round_state(who["fjell"], rnd.id).changes
    assert store.workshop_board(who["facilitator"], rnd.id).can_run


def test_every_write_bumps_the_change_counter(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    seen = [store.round_state(who["fjell"], rnd.id).changes]
    idea = store.add_idea(who["fjell"], rnd.id, "Idea")
    for write in (lambda: store.comment(who["gard"], idea, "Yes"), lambda: store.react(who["gard"], idea, "heart"),
                  lambda: store.vote(who["gard"], idea), lambda: store.edit_idea(who["fjell"], idea, "Idea!", 1),
                  lambda: store.add_group(who["facilitator"], rnd.id, "Food")):
        seen.append(store.round_state(who["fjell"], rnd.id).changes)
        write()
    seen.append(store.round_state(who["fjell"], rnd.id).changes)
    assert seen == sorted(set(seen)) and len(seen) == 7
    before = store.rounds_signal(who["fjell"])
    store.vote(who["stuga"], idea)
    assert store.rounds_signal(who["fjell"]) != before


def test_a_vote_over_the_limit_is_refused_and_changes_nothing(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"], dots=2)
    a, b = store.add_idea(who["fjell"], rnd.id, "A"), store.add_idea(who["fjell"], rnd.id, "B")
    store.vote(who["gard"], a, 2)
    with pytest.raises(Refused, match="all your 2 dots") as caught:
        store.vote(who["gard"], b)
    assert caught.value.key == "workshop.error.over_limit"
    with pytest.raises(Refused, match="no dots on that idea"):
        store.vote(who["gard"], b, -1)
    assert [(x.id, x.votes) for x in store.workshop_board(who["gard"], rnd.id).ideas] == [(a, 2), (b, 0)]


@pytest.mark.parametrize("threads", [8])
def test_concurrent_votes_never_pass_the_limit(store, cluster, threads):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"], dots=3)
    ideas = [store.add_idea(who["fjell"], rnd.id, f"Idea {k}") for k in range(threads)]
    results = _together(threads, lambda k: store.vote(who["gard"], ideas[k]))
    refused = [x for x in results if isinstance(x, Refused)]
    assert len(refused) == threads - 3 and all(isinstance(x, int) for x in results if x not in refused)
    board = store.workshop_board(who["gard"], rnd.id)
    assert sum(x.votes for x in board.ideas) == 3 and board.dots_left == 0


def test_exactly_one_of_two_concurrent_closes_wins_and_nothing_is_lost(store, cluster, system):
    who = cluster["who"]
    pid = store.add_person(system, Person(
        name="Second Facilitator", email="fac2@klynge.example", role="facilitator"), cluster["id"])
    fac2 = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    for _attempt in range(3):  # several rounds, so the race is really run more than once
        rnd = _round(store, who["facilitator"])
        ideas = [store.add_idea(who["fjell"], rnd.id, f"Idea {k}") for k in range(5)]
        store.vote(who["gard"], ideas[0], 2)
        results = _together(2, lambda k, rid=rnd.id: store.close_round((who["facilitator"], fac2)[k], rid))
        won = [x for x in results if not isinstance(x, Exception)]
        lost = [x for x in results if isinstance(x, Exception)]
        assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Refused)
        assert lost[0].key == "workshop.error.closed" and won[0].closed_by in str(lost[0])
        outcome = store.workshop_outcome(who["facilitator"], rnd.id)
        assert outcome["state"] == "closed" and outcome["closed_by"] == won[0].closed_by
        assert len(outcome["ideas"]) == 5 and outcome["ideas"][0]["votes"] == 2


def test_a_write_racing_a_close_is_either_kept_or_refused_never_lost(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    results = _together(6, lambda k: store.close_round(who["facilitator"], rnd.id) if k == 0
                        else store.add_idea(who["fjell"], rnd.id, f"Racing {k}"))
    added = [x for x in results[1:] if isinstance(x, int)]
    refused = [x for x in results[1:] if isinstance(x, Refused)]
    assert len(added) + len(refused) == 5
    assert sorted(x["id"] for x in store.workshop_outcome(who["fjell"], rnd.id)["ideas"]) == sorted(added)


def test_nothing_is_added_to_a_closed_round(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    idea = store.add_idea(who["fjell"], rnd.id, "Before")
    store.close_round(who["facilitator"], rnd.id)
    for write in (lambda: store.vote(who["gard"], idea), lambda: store.add_idea(who["gard"], rnd.id, "After"),
                  lambda: store.comment(who["gard"], idea, "After"), lambda: store.react(who["gard"], idea, "agree"),
                  lambda: store.edit_idea(who["fjell"], idea, "Changed", 1),
                  lambda: store.close_round(who["facilitator"], rnd.id)):
        with pytest.raises(Refused, match="Facilitator closed this round"):
            write()
    assert store.workshop_board(who["gard"], rnd.id).ideas[0].votes == 0


def test_a_round_whose_time_is_up_refuses_until_it_is_extended(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    with store.engine.begin() as c:
        c.execute(update(s.workshop_rounds).where(s.workshop_rounds.c.id == rnd.id)
                  .values(ends_at=rnd.opened_at.replace(year=2020)))
    with pytest.raises(Refused, match="time for this round is up"):
        store.add_idea(who["fjell"], rnd.id, "Late")
    assert store.extend_round(who["facilitator"], rnd.id, 5).ends_at > rnd.opened_at
    assert store.add_idea(who["fjell"], rnd.id, "In time")


def test_a_member_edits_only_their_own_idea(store, cluster, add_colleague):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    idea = store.add_idea(who["fjell"], rnd.id, "Mine")
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    for other in (who["gard"], colleague, who["facilitator"]):
        with pytest.raises(AccessDenied, match="only your own ideas"):
            store.edit_idea(other, idea, "Theirs", 1)
    assert store.edit_idea(who["fjell"], idea, "Mine, better", 1) == 2
    with pytest.raises(Conflict):
        store.edit_idea(who["fjell"], idea, "From an old window", 1)
    only = store.workshop_board(who["gard"], rnd.id).ideas[0]
    assert (only.text, only.edited, only.mine) == ("Mine, better", True, False)


def test_who_may_run_and_take_part(store, cluster):
    who = cluster["who"]
    with pytest.raises(AccessDenied):
        _round(store, who["fjell"])
    rnd = _round(store, who["facilitator"])
    idea = store.add_idea(who["facilitator"], rnd.id, "The facilitator's own idea")
    for refused in (lambda: store.close_round(who["fjell"], rnd.id), lambda: store.add_group(who["fjell"], rnd.id, "X"),
                    lambda: store.merge_ideas(who["fjell"], idea, idea),
                    lambda: store.add_idea(who["researcher"], rnd.id, "X"),
                    lambda: store.workshop_board(who["researcher"], rnd.id)):
        with pytest.raises((AccessDenied, Refused)):
            refused()
    with pytest.raises(NotFound):
        store.add_idea(who["fjell"], 9999, "X")
    with pytest.raises(Refused, match="at most 1000"):
        store.add_idea(who["fjell"], rnd.id, "x" * 1001)
    with pytest.raises(Refused, match="write something"):
        store.add_idea(who["fjell"], rnd.id, "   ")
    with pytest.raises(Refused):
        _round(store, who["facilitator"], dots=0)
    with pytest.raises(Refused):
        _round(store, who["facilitator"], subject_kind="rumour")


def test_themes_and_merges_keep_every_vote(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"], dots=3)
    a, b, c = (store.add_idea(who["fjell"], rnd.id, t) for t in ("Food trail", "A food trail!", "Ski bus"))
    store.vote(who["gard"], a)
    store.vote(who["gard"], b, 2)
    store.vote(who["stuga"], b)
    store.react(who["stuga"], b, "heart")
    store.comment(who["stuga"], b, "Same as the food trail")
    food = store.add_group(who["facilitator"], rnd.id, "Food")
    store.group_idea(who["facilitator"], a, food)
    store.merge_ideas(who["facilitator"], b, a)
    with pytest.raises(Refused, match="merged into idea"):
        store.vote(who["stuga"], b)
    board = store.workshop_board(who["gard"], rnd.id)
    assert [x.id for x in board.ideas] == [a, c] and board.merged == {b: a} and board.dots_left == 0
    merged = board.ideas[0]
    assert (merged.votes, merged.my_votes, merged.group_id, merged.reactions) == (4, 3, food, {"heart": 1})
    assert merged.comments == (("Stuga Person", "Same as the food trail"),)
    with pytest.raises(Refused, match="itself"):
        store.merge_ideas(who["facilitator"], a, a)
    other = _round(store, who["facilitator"])
    with pytest.raises(NotFound):
        store.group_idea(who["facilitator"], c, store.add_group(who["facilitator"], other.id, "Elsewhere"))
    store.close_round(who["facilitator"], rnd.id)
    store.group_idea(who["facilitator"], c, food)  # themes may still be tidied after the close
    outcome = store.workshop_outcome(who["fjell"], rnd.id)
    assert outcome["themes"] == [{"title": "Food", "ideas": [a, c], "votes": 4}]
    assert outcome["ideas"][0]["merged"] == ["A food trail!"]
    assert outcome["ideas"][0]["agreed"] == ["Gard Person", "Stuga Person"] and outcome["voters"] == 2


def test_the_outcome_names_the_decision_it_fed(store, cluster):
    who = cluster["who"]
    rnd = _round(store, who["facilitator"])
    store.add_idea(who["fjell"], rnd.id, "<img src=x onerror=alert(1)>")
    store.close_round(who["facilitator"], rnd.id)
    decision = store.record_decision(who["facilitator"], Decision.model_validate({
        "finding_id": "gap:oppdal:11", "option_id": "winter-weekend", "outcome": "chosen",
        "reasoning": "The workshop voted for it", "decided_by": ["Fjellguidene"], "decided_on": date(2026, 11, 5)}))
    store.feed_decision(who["facilitator"], rnd.id, decision.id)
    [outcome] = store.workshop_outcomes(who["gard"], subject_id="gap:oppdal:11")
    assert outcome["decision"]["id"] == decision.id and outcome["decision"]["outcome"] == "chosen"
    assert outcome["ideas"][0]["text"] == "<img src=x onerror=alert(1)>"  # stored as typed; shown as text
    assert store.workshop_outcomes(who["gard"], subject_id="other") == []
    assert [x.id for x in store.workshop_rounds(who["gard"], state="closed")] == [rnd.id]
    assert store.workshop_rounds(who["gard"], state="open") == []


def test_a_round_with_a_thousand_ideas_is_read_in_a_few_statements(store, cluster):
    """The board and the poll cost the same few statements however big the round (their time is
    measured in bench/workshop_bench.py)."""
    who = cluster["who"]
    rnd = _round(store, who["facilitator"], dots=20)
    with store.engine.begin() as c:
        first = store.workshop_rounds(who["fjell"])[0].opened_at
        c.execute(s.workshop_ideas.insert(), [
            {"round_id": rnd.id, "author_id": who["fjell"].person_id, "organisation_id": who["fjell"].organisation_id,
             "text": f"Idea number {k}", "version": 1, "created_at": first} for k in range(1000)])
    with _statements(store.engine) as board_reads:
        board = store.workshop_board(who["gard"], rnd.id)
    assert len(board.ideas) == 1000 and len(board_reads) <= BOARD_STATEMENTS, board_reads
    with _statements(store.engine) as polls:
        for _ in range(20):
            store.round_state(who["gard"], rnd.id)
    assert len(polls) <= 20 * POLL_STATEMENTS, polls


@contextlib.contextmanager
def _statements(engine):
    """The SQL statements the engine runs inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
