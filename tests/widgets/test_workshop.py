"""The workshop board, the participant's step and the facilitator's page, headless on a real SQLite store."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime

import pytest

from klynge.model import Decision
from klynge.widgets import workshop_board
from klynge.widgets.workshop_board import IdeaCard, WorkshopBoardView, countdown
from klynge.widgets.workshop_service import Poller, Subject, WorkshopService
from klynge.widgets.workshops_page import WorkshopsPage, WorkshopStep

from ..test_workshop_import import sample


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: the store's own tests run the same calls on PostgreSQL."""
    return f"sqlite:///{tmp_path / 'klynge.db'}"


def _open(store, fac, **change):
    values = {"subject_kind": "finding", "subject_id": "gap:oppdal:11", "subject_title": "Few winter beds",
              "question": "How do we fill the winter weekends?", "minutes": 30, "dots": 2}
    return store.open_round(fac, **{**values, **change})


def _cards(board):
    return [c for c in board._list.children if isinstance(c, IdeaCard)]


def test_an_idea_added_on_one_board_appears_on_another_and_votes_count(store, cluster):
    who = cluster["who"]
    rnd = _open(store, who["facilitator"])
    mine = WorkshopBoardView(WorkshopService(store, who["fjell"]), rnd.id, "en", live=False)
    theirs = WorkshopBoardView(WorkshopService(store, who["gard"]), rnd.id, "en", live=False)
    assert "How do we fill the winter weekends?" in mine._head.value and "left" in mine._clock.value
    mine._new.value = "<img src=x onerror=alert(1)> A food trail"
    mine._add.click()
    assert mine._new.value == "" and len(_cards(mine)) == 1
    assert theirs.poller.check() and len(_cards(theirs)) == 1
    card = _cards(theirs)[0]
    assert "&lt;img src=x onerror=alert(1)&gt; A food trail" in card._html.value and "<img" not in card._html.value
    card._up.click()
    card._up.click()
    assert "You have 0 of 2 dots left." in theirs._dots.value and card._up.disabled
    assert "2 dots" in card._html.value
    assert mine.poller.check() and "2 dots" in _cards(mine)[0]._html.value
    assert not theirs.poller.check()  # nothing new since its own vote
    card._down.click()
    assert "1 dot" in card._html.value and not card._up.disabled
    card._reactions["agree"].click()
    card._comment.value = "We can host"
    card._send_comment.click()
    assert "We can host" in card._html.value and "Agree 1" in card._html.value
    assert _cards(mine)[0]._edit.layout.display is None and card._edit.layout.display == "none"


def test_a_refusal_is_said_in_the_readers_language(store, cluster):
    who = cluster["who"]
    rnd = _open(store, who["facilitator"], dots=1)
    idea = store.add_idea(who["fjell"], rnd.id, "Idea")
    store.add_idea(who["fjell"], rnd.id, "Another")
    board = WorkshopBoardView(WorkshopService(store, who["gard"]), rnd.id, "nb", live=False)
    store.vote(who["gard"], idea)  # from another window: this board does not know yet
    _cards(board)[1]._up.disabled = False
    board.act(lambda: board.service.vote(_cards(board)[1].idea_id, 1))
    assert "Du har brukt alle dine 1 prikker" in board._status.value
    store.close_round(who["facilitator"], rnd.id)
    board.lang = "sv"
    board.act(lambda: board.service.add_idea(rnd.id, "Late"))
    assert "stängde den här rundan" in board._status.value
    assert board._adding.layout.display == "none" and "Resultat" in board._outcome.value


def test_a_thousand_ideas_are_paged_and_only_changed_cards_are_drawn_again(store, cluster):
    who = cluster["who"]
    rnd = _open(store, who["facilitator"], dots=5)
    from klynge.store import schema as s
    with store.engine.begin() as c:
        c.execute(s.workshop_ideas.insert(), [
            {"round_id": rnd.id, "author_id": who["fjell"].person_id, "organisation_id": who["fjell"].organisation_id,
             "text": f"Idea {k}", "version": 1, "created_at": rnd.opened_at} for k in range(1000)])
    board = WorkshopBoardView(WorkshopService(store, who["gard"]), rnd.id, "en", live=False)
    cards = _cards(board)
    assert len(cards) == workshop_board.PAGE and "Ideas 1–20 of 1,000" in board._where.value
    drawn = []
    for card in cards:
        card._html.observe(lambda ch, card=card: drawn.append(card.idea_id), "value")
    store.vote(who["stuga"], cards[3].idea_id)
    assert board.poller.check()
    assert drawn == [cards[3].idea_id]
    board._next.click()
    assert "Ideas 21–40 of 1,000" in board._where.value and _cards(board)[0].idea_id == cards[-1].idea_id + 1


def test_the_facilitator_opens_groups_merges_and_closes(store, cluster):
    who = cluster["who"]
    service = WorkshopService(store, who["facilitator"], gaps=lambda: [{"area": "5021", "area_name": "Oppdal",
                                                                        "month": 11}])
    page = WorkshopsPage(service, "en", live=False)
    assert "Workshops" in page._title.value
    page._kind.value = "gap"
    assert page._subject.options[0][0] == "Oppdal, Nov"
    page._question.value = "How do we fill November?"
    page._open.click()
    assert "The round is open." in page._said.value
    board = page.board
    rid = board.round_id
    # an open round takes imports; only a closed one may be said to have fed a decision
    assert page._importing.layout.display is None and page._feeding.layout.display == "none"
    a = store.add_idea(who["fjell"], rid, "Food trail")
    b = store.add_idea(who["gard"], rid, "Food trail again")
    board.refresh()
    board._theme_title.value = "Food"
    board._add_theme.click()
    first = _cards(board)[0]
    first._theme.value = first._theme.options[1][1]
    second = next(c for c in _cards(board) if c.idea_id == b)
    second._merge_into.value = a
    second._merge.click()
    assert [c.idea_id for c in _cards(board)] == [a] and "Food" in board._list.children[0].value
    step = WorkshopStep(WorkshopService(store, who["stuga"]), "en", live=False)
    assert step.board.round_id == rid
    board._close.click()
    assert "Closed by Facilitator" in board._head.value and "Food trail" in board._outcome.value
    assert page._feeding.layout.display is None and page._importing.layout.display == "none"
    assert step.signal.check() and step.board is None and "No round is open" in step._status.value
    decision = store.record_decision(who["facilitator"], Decision.model_validate({
        "finding_id": "gap:5021:11", "option_id": "food-trail", "outcome": "chosen", "reasoning": "Most dots",
        "decided_by": ["the workshop"], "decided_on": date(2026, 11, 30)}))
    page.show_board(rid)
    page._decision.value = decision.id
    page._feed.click()
    assert "Linked." in page._fed.value and "It fed the decision on gap:5021:11" in page.board._outcome.value
    assert store.workshop_outcome(who["fjell"], rid)["decision"]["id"] == decision.id
    page._kind.value = "decision"
    assert page._subject.value == -1
    page._open.click()
    assert "Pick what the round is about" in page._said.value


def test_the_poller_reaches_the_loop_from_a_write_in_another_thread(store, cluster):
    who = cluster["who"]
    rnd = _open(store, who["facilitator"])
    service = WorkshopService(store, who["gard"])
    seen = []

    async def watch():
        done = asyncio.Event()
        poller = Poller(lambda: service.state(rnd.id), lambda board: (seen.append(board), done.set()),
                        interval=0.05, load=lambda: service.board(rnd.id))
        assert poller.start(service.state(rnd.id))
        threading.Thread(target=lambda: store.add_idea(who["fjell"], rnd.id, "From elsewhere")).start()
        await asyncio.wait_for(done.wait(), 3)
        poller.stop()

    # a loop of its own, in a thread of its own: another test may have left a loop running in this one
    runner = threading.Thread(target=lambda: asyncio.run(watch()))
    runner.start()
    runner.join(10)
    assert [x.text for x in seen[0].ideas] == ["From elsewhere"]
    # in a thread with no loop, start says so and the caller checks by itself
    started = []
    bare = threading.Thread(target=lambda: started.append(Poller(lambda: 1, print).start(0)))
    bare.start()
    bare.join(10)
    assert started == [False]


def test_the_countdown_says_minutes_and_seconds_and_when_time_is_up():
    assert countdown(125.4, "en") == ("2:05 left", False)
    assert countdown(59, "nb") == ("0:59 igjen", True)
    assert countdown(-3, "sv") == ("Tiden är slut", True)
    assert Subject("gap", "gap:5021:11", "Oppdal, Nov").kind == "gap"


def test_the_facilitator_imports_a_chat_log_into_the_round_shown_and_is_told_what_came_in(store, cluster,
                                                                                        add_colleague):
    who = cluster["who"]
    add_colleague("fjell", "Kari Nergård", "kari@fjellglott.example")
    add_colleague("stuga", "Malin Åkerström", "malin@storsjoporten.example")
    page = WorkshopsPage(WorkshopService(store, who["facilitator"]), "en", live=False)
    assert page._importing.layout.display == page._feeding.layout.display == "none"  # no round yet
    rnd = _open(store, who["facilitator"])
    page.show_rounds()
    assert page.board.round_id == rnd.id and page._importing.layout.display is None
    assert "Import ideas from another tool" in page._import_title.value
    assert [label for label, _v in page._format.options] == ["Recognise it", "Mentimeter", "Miro", "QiqoChat", "Zoom"]
    # as the browser sends a chosen file
    page._upload.value = ({"name": "zoom.txt", "type": "text/plain", "size": 1,
                           "last_modified": datetime(2026, 11, 30, 14, tzinfo=UTC),
                           "content": memoryview(sample("zoom"))},)
    said = page._imported.value
    assert "5 ideas from Zoom are now on the board of this round." in said
    assert "Matched to people of the cluster: 3. Written by others (their names kept as written): 2." in said
    assert "Not found among the people of the cluster: Sverre Bjørkmo, Tone Tilskuer." in said
    assert "Left out: 1 empty line, 1 reaction, 1 private message, 1 duplicate." in said
    assert page._upload.value == () and not page._upload.disabled
    cards = {c.idea_id: c for c in _cards(page.board)}
    assert len(cards) == 5
    hostile = next(c for c in cards.values() if "script" in c._html.value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile._html.value and "<script>" not in hostile._html.value
    assert "from the Zoom chat" in hostile._html.value and "Kari Nergård" in hostile._html.value
    guest = next(c for c in cards.values() if "gavekort" in c._html.value)
    assert "Tone Tilskuer" in guest._html.value
    # the same file again adds nothing, and says so; a file of another kind says what was expected
    page.import_file(sample("zoom"), "zoom.txt")
    assert "Nothing new: every idea in zoom.txt is already on the board" in page._imported.value
    page._format.value = "miro"
    page.import_file(sample("zoom"), "zoom.txt")
    assert "zoom.txt is not a Miro file as expected: a CSV of sticky notes" in page._imported.value
    assert 'role="alert"' in page._imported.value
    page.lang = "sv"
    page._format.value = ""
    store.close_round(who["facilitator"], rnd.id)
    page.import_file(sample("miro"), "miro.csv")
    assert "stängde den här rundan" in page._imported.value and len(_cards(page.board)) == 5


@pytest.mark.parametrize(("lang", "removed", "former"), [("nb", "(teksten er fjernet)", "tidligere deltaker"),
                                                         ("sv", "(texten är borttagen)", "tidigare deltagare"),
                                                         ("en", "(text removed)", "former participant")])
def test_an_erased_persons_removed_idea_and_comment_read_as_removed(store, system, cluster, add_colleague, lang,
                                                                    removed, former):
    who = cluster["who"]
    rnd = _open(store, who["facilitator"])
    siri = add_colleague("fjell", "Siri Skriver", "siri@example.no")
    hers = store.add_idea(siri, rnd.id, "Siri Skriver guides a winter walk")
    his = store.add_idea(who["gard"], rnd.id, "A food trail")
    store.comment(siri, his, "Ring Siri Skriver")
    store.vote(who["gard"], hers, 2)
    board = WorkshopBoardView(WorkshopService(store, who["gard"]), rnd.id, lang, live=False)
    store.erase_person(who["facilitator"], siri.person_id, remove_text=True)
    assert board.poller.check()
    cards = {c.idea_id: c._html.value for c in _cards(board)}
    assert removed in cards[hers] and former in cards[hers] and "Siri" not in cards[hers]
    assert f"<b>{former}:</b>" in cards[his] and removed in cards[his] and "Siri" not in cards[his]
    assert "A food trail" in cards[his]
