"""The canvas board in a real Voila page, driven by a real headless Chromium.

A plain ``voila`` serves ``board_harness/board.ipynb``, which builds a board on a throwaway
SQLite store (see ``board_harness/harness.py``); the query string picks the database file, so
each test has canvases of its own. Playwright and Chromium come from the ``browser`` fixture
in ``conftest.py``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from klynge.model import Note
from klynge.store import Identity, open_store

pytestmark = pytest.mark.browser

HARNESS = Path(__file__).parent / "board_harness"
SETTLED = "['saved', 'conflict'].includes(document.querySelector('.klynge-board').dataset.status)"
SHOTS = Path(__file__).parent / "screenshots"
HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<svg onload=window.__pwned=2></svg>",
           "javascript:window.__pwned=3", '"><script>window.__pwned=4</script>']


@dataclass
class Harness:
    url: str
    folder: Path
    log: Path

    def link(self, db: str, **params) -> str:
        return f"{self.url}/?{urlencode({'db': db, **params})}"

    def store(self, db: str):
        """The test's database, opened beside the page's kernel (SQLite in WAL mode)."""
        sys.path.insert(0, str(HARNESS))
        try:
            from harness import people
        finally:
            sys.path.remove(str(HARNESS))
        store = open_store(f"sqlite:///{self.folder / db}.db")
        who, orgs = people(store, self.folder, db)
        return store, who, orgs


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """A plain ``voila`` serving the harness notebook, for this module."""
    folder = tmp_path_factory.mktemp("board")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env.update(KLYNGE_HOME=str(folder / "home"), KLYNGE_BOARD_HARNESS_DIR=str(folder))
    log = folder / "voila.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "voila", "board.ipynb", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
            cwd=HARNESS, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"voila did not start:\n{log.read_text()}") from None
            time.sleep(0.3)
    yield Harness(f"http://127.0.0.1:{port}", folder, log)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def desktop(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    yield ctx
    ctx.close()


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", has_touch=True,
                              is_mobile=True, device_scale_factor=2)
    yield ctx
    ctx.close()


def open_board(context, link: str):
    page = context.new_page()
    page.goto(link)
    page.wait_for_selector(".klynge-board .kb-block", timeout=60_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def block(page, block_id: str):
    return page.locator(f'.kb-block[data-block="{block_id}"]')


def wait_saved(page, timeout=15_000):
    from playwright.sync_api import expect

    expect(page.locator(".klynge-board")).to_have_attribute("data-status", "saved", timeout=timeout)


def add_note(page, block_id: str, text: str):
    block(page, block_id).locator(".kb-add").click()
    area = block(page, block_id).locator("textarea")
    area.fill(text)
    return area


def card_texts(page, block_id: str) -> list[str]:
    return block(page, block_id).locator(".kb-card .kb-text").all_text_contents()


def stored_notes(harness, db: str, owner: str = "kayak", template: str = "business_model") -> list[Note]:
    store, _, orgs = harness.store(db)
    with store:
        doc, _ = store.canvas(Identity.system(), orgs[owner], template)
    return doc.notes


def stored_texts(harness, db: str, **kw) -> dict[str, str]:
    """Texts by block (the tests keep one note per block) and by note id."""
    notes = stored_notes(harness, db, **kw)
    return {n.block: n.text for n in notes} | {n.id: n.text for n in notes}


def test_a_note_in_each_block_survives_a_reload(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("each"))
    blocks = page.locator(".kb-block[data-block]:not([data-block=''])").evaluate_all(
        "els => els.map(e => e.dataset.block)")
    assert len(blocks) == 9
    for i, block_id in enumerate(blocks):
        area = add_note(page, block_id, f"Lapp {i + 1}: {block_id} æøå")
        area.press("Escape")
    wait_saved(page)
    assert page.locator(".kb-status").inner_text().strip().startswith("Saved")
    page.reload()
    page.wait_for_selector(".kb-card")
    for i, block_id in enumerate(blocks):
        assert card_texts(page, block_id) == [f"Lapp {i + 1}: {block_id} æøå"]
    assert page.locator(".kb-banner-offer").count() == 0  # nothing unsaved was left behind
    # visibility, SDG targets (checked as typed) and months, through the editor
    costs = block(page, "cost_structure")
    costs.locator(".kb-card .kb-btn").first.click()
    costs.get_by_role("button", name="Private").click()
    sdg = costs.locator("input[inputmode]")
    sdg.fill("8.99")
    costs.get_by_role("button", name="Add", exact=True).click()
    expect(costs.locator(".kb-field-error")).to_contain_text("8.99 is not a target code")
    sdg.fill("8.9, 12.b")
    sdg.press("Enter")
    expect(costs.locator(".kb-chip")).to_have_count(2)
    costs.get_by_role("button", name="Oct", exact=True).click()
    costs.get_by_role("button", name="Nov", exact=True).click()
    costs.get_by_role("button", name="Done").click()
    channels = block(page, "channels")
    channels.locator(".kb-card .kb-btn").first.click()
    channels.get_by_role("button", name="Public").click()
    channels.get_by_role("button", name="Done").click()
    wait_saved(page)
    saved = {n.block: n for n in stored_notes(harness, "each")}
    assert saved["cost_structure"].visibility == "private" and saved["channels"].visibility == "public"
    assert saved["cost_structure"].sdg_targets == ["8.9", "12.b"] and saved["cost_structure"].months == [10, 11]
    private = costs.locator(".kb-card")
    assert "kb-card-private" in private.get_attribute("class") and "Private" in private.inner_text()
    assert costs.locator(".kb-tag").all_text_contents() == ["8.9", "12.b", "Oct", "Nov"]
    block(page, "value_propositions").locator(".kb-round").first.click()  # the "?" shows questions
    assert block(page, "value_propositions").locator(".kb-help li").count() >= 1
    page.set_viewport_size({"width": 1280, "height": 1500})  # Voila scrolls inside the page: grow it to see all
    page.locator(".klynge-board").screenshot(path=str(SHOTS / "board-desktop-whole.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    block(page, "key_partners").locator(".kb-card .kb-btn").first.click()  # edit, to show the editor
    shot(page, "board-desktop-1280x800")


def test_autosave_shows_saving_then_saved(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("autosave"))
    board = page.locator(".klynge-board")
    area = add_note(page, "channels", "Bestilling på nett")
    expect(board).to_have_attribute("data-status", "saving", timeout=2_000)
    wait_saved(page)
    area.press_sequentially(" og på telefon", delay=30)
    expect(board).to_have_attribute("data-status", "saving", timeout=2_000)
    wait_saved(page)
    assert stored_texts(harness, "autosave")["channels"] == "Bestilling på nett og på telefon"
    assert area.input_value() == "Bestilling på nett og på telefon"  # nothing lost or trimmed while typing
    desktop.set_offline(True)
    expect(board).to_have_attribute("data-status", "offline", timeout=5_000)
    assert "Offline" in page.locator(".kb-status").inner_text()
    area.press_sequentially(", og i resepsjonen", delay=20)
    assert "og i resepsjonen" in page.evaluate("JSON.stringify(localStorage)")
    desktop.set_offline(False)
    wait_saved(page)
    assert stored_texts(harness, "autosave")["channels"].endswith("og i resepsjonen")


def test_the_keyboard_reaches_and_moves_everything(harness, desktop):
    page = open_board(desktop, harness.link("keys"))
    for text in ("Første", "Andre"):
        add_note(page, "key_partners", text).press("Escape")
    wait_saved(page)
    first = block(page, "key_partners").locator(".kb-card").first
    first.focus()
    page.keyboard.press("Alt+ArrowDown")  # reorder within the block
    assert card_texts(page, "key_partners") == ["Andre", "Første"]
    page.keyboard.press("Alt+ArrowRight")  # to the next block: key activities
    assert card_texts(page, "key_activities") == ["Første"]
    assert page.evaluate("document.activeElement.dataset.focus").startswith("card:")
    page.keyboard.press("Enter")  # edit
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.press("End")
    page.keyboard.type(" og siste")
    page.keyboard.press("Escape")
    page.keyboard.press("Delete")  # asks first
    assert page.locator(".kb-confirm").count() == 1
    page.keyboard.press("Escape")
    assert page.locator(".kb-confirm").count() == 0
    wait_saved(page)
    stored = stored_texts(harness, "keys")
    assert stored["key_activities"] == "Første og siste" and stored["key_partners"] == "Andre"
    # Tab reaches the controls: history, questions, add, cards, and their buttons
    page.locator(".kb-top .kb-btn").focus()
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("(document.activeElement.dataset.focus || '').split(':')[0]"))
    assert {"help", "add", "card", "edit", "del"} <= seen
    page.locator('[data-focus^="card:"]').last.focus()
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")  # the confirmation has the focus: Enter deletes
    wait_saved(page)
    assert card_texts(page, "key_partners") == [] or card_texts(page, "key_activities") == []


def test_dragging_moves_a_note_to_another_block(harness, desktop):
    page = open_board(desktop, harness.link("drag"))
    add_note(page, "key_partners", "Dra meg").press("Escape")
    add_note(page, "key_partners", "Dra meg også").press("Escape")
    wait_saved(page)
    # HTML5 drag and drop, as with a mouse on the card
    block(page, "key_partners").locator(".kb-card").first.drag_to(block(page, "customer_segments"))
    assert card_texts(page, "customer_segments") == ["Dra meg"]
    # pointer events on the handle, as with a finger
    handle = block(page, "key_partners").locator(".kb-handle").first
    box, target = handle.bounding_box(), block(page, "channels").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(target["x"] + 60, target["y"] + 70, steps=8)
    page.mouse.up()
    assert card_texts(page, "channels") == ["Dra meg også"]
    wait_saved(page)
    stored = stored_texts(harness, "drag")
    assert stored["customer_segments"] == "Dra meg" and stored["channels"] == "Dra meg også"
    assert "key_partners" not in stored


def test_hostile_text_is_shown_as_text_and_never_runs(harness, desktop, browser):
    db = "hostile"
    store, who, orgs = harness.store(db)
    with store:  # hostile text saved by a colleague arrives from the server, too
        store.save_canvas(who["bo"], orgs["kayak"], "business_model",
                          [Note(id="evil1", block="channels", text=HOSTILE[1], sdg_targets=["8.9"])], None)
    page = open_board(desktop, harness.link(db))
    for text in (HOSTILE[0], HOSTILE[2], HOSTILE[3]):
        add_note(page, "key_partners", text).press("Escape")
    wait_saved(page)
    page.reload()
    page.wait_for_selector(".kb-card")
    assert card_texts(page, "key_partners") == [HOSTILE[0], HOSTILE[2], HOSTILE[3]]
    assert card_texts(page, "channels") == [HOSTILE[1]]
    # a conflict panel and a history view draw the same text
    other = browser.new_context()
    try:
        theirs = open_board(other, harness.link(db, person="bo"))
        for p in (theirs, page):
            block(p, "channels").locator(".kb-card .kb-btn").first.click()
        block(theirs, "channels").locator("textarea").fill(HOSTILE[0] + " bo")
        block(page, "channels").locator("textarea").fill(HOSTILE[3] + " ada")
        for p in (page, theirs):
            p.wait_for_function(SETTLED)
        loser = next(p for p in (page, theirs) if p.locator(".kb-conflict").count())
        assert HOSTILE[0] in loser.locator(".kb-conflict").inner_text()
        loser.locator(".kb-top .kb-btn").click()
        loser.locator(".kb-history-list .kb-btn").last.click()
        loser.wait_for_selector(".kb-banner-view")
        for p in (page, theirs):
            board = p.locator(".klynge-board")
            assert board.locator("img, svg:not(.kb-icon), script, a, iframe, object, embed").count() == 0
            assert p.evaluate("window.__pwned") is None
        assert HOSTILE[1] in loser.locator(".klynge-board").inner_text()
    finally:
        other.close()


def test_unsaved_text_is_offered_back_after_a_reload(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("offer"))
    add_note(page, "revenue_streams", "Lagret tekst").press("Escape")
    wait_saved(page)
    block(page, "revenue_streams").locator(".kb-card .kb-btn").first.click()
    block(page, "revenue_streams").locator("textarea").fill("Ulagret tekst fra toget")
    page.reload()  # before the autosave: the kernel never got it
    offer = page.locator(".kb-banner-offer")
    expect(offer).to_be_visible(timeout=60_000)
    assert re.search(r"unsaved text from \d\d:\d\d", offer.inner_text())
    assert card_texts(page, "revenue_streams") == ["Lagret tekst"]
    offer.get_by_role("button", name="Restore").click()
    assert card_texts(page, "revenue_streams") == ["Ulagret tekst fra toget"]
    wait_saved(page)
    assert stored_texts(harness, "offer")["revenue_streams"] == "Ulagret tekst fra toget"
    page.reload()
    page.wait_for_selector(".kb-card")
    assert page.locator(".kb-banner-offer").count() == 0
    # discard: the offer goes away and the saved text stays
    block(page, "revenue_streams").locator(".kb-card .kb-btn").first.click()
    block(page, "revenue_streams").locator("textarea").fill("Kastes")
    page.reload()
    expect(page.locator(".kb-banner-offer")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Discard").click()
    assert page.locator(".kb-banner-offer").count() == 0
    page.reload()
    page.wait_for_selector(".kb-card")
    assert page.locator(".kb-banner-offer").count() == 0
    assert card_texts(page, "revenue_streams") == ["Ulagret tekst fra toget"]


def test_two_people_on_different_notes_both_survive(harness, browser):
    from playwright.sync_api import expect

    ada_ctx, bo_ctx = browser.new_context(), browser.new_context()
    try:
        ada = open_board(ada_ctx, harness.link("pair"))
        bo = open_board(bo_ctx, harness.link("pair", person="bo"))
        add_note(ada, "key_partners", "Adas lapp")
        add_note(bo, "channels", "Bos lapp")
        wait_saved(ada)
        wait_saved(bo)
        # each sees the other's note within seconds (the board looks every 10 s)
        expect(block(ada, "channels").locator(".kb-text")).to_have_text(["Bos lapp"], timeout=15_000)
        expect(block(bo, "key_partners").locator(".kb-text")).to_have_text(["Adas lapp"], timeout=15_000)
        stored = stored_texts(harness, "pair")
        assert stored["key_partners"] == "Adas lapp" and stored["channels"] == "Bos lapp"
    finally:
        ada_ctx.close()
        bo_ctx.close()


def test_both_editing_one_note_shows_both_texts(harness, browser):
    db = "clash"
    store, who, orgs = harness.store(db)
    with store:
        store.save_canvas(who["ada"], orgs["kayak"], "business_model",
                          [Note(id="shared", block="customer_segments", text="Pensjonister")], None)
    ada_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    bo_ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        ada = open_board(ada_ctx, harness.link(db))
        bo = open_board(bo_ctx, harness.link(db, person="bo"))
        for page in (ada, bo):
            block(page, "customer_segments").locator(".kb-card .kb-btn").first.click()
        block(ada, "customer_segments").locator("textarea").fill("Pensjonister i oktober")
        block(bo, "customer_segments").locator("textarea").fill("Pensjonister og skoleklasser")
        ada.wait_for_function(SETTLED)
        bo.wait_for_function(SETTLED)
        pages = {"ada": ada, "bo": bo}
        loser = next(name for name, p in pages.items() if p.locator(".kb-conflict").count())
        page = pages[loser]
        mine, theirs = (("Pensjonister i oktober", "Pensjonister og skoleklasser") if loser == "ada"
                        else ("Pensjonister og skoleklasser", "Pensjonister i oktober"))
        conflict = page.locator(".kb-conflict")
        assert conflict.locator(".kb-mine .kb-side-text").inner_text() == mine
        assert conflict.locator(".kb-theirs .kb-side-text").inner_text() == theirs
        assert page.locator(".klynge-board").get_attribute("data-status") == "conflict"
        assert block(page, "customer_segments").locator("textarea").input_value() == mine  # kept in the note
        assert stored_texts(harness, db)["shared"] == theirs  # nothing overwritten without a choice
        conflict.scroll_into_view_if_needed()
        shot(page, f"board-conflict-{'1280x800' if loser == 'ada' else '390x844'}")
        conflict.get_by_role("button", name="Keep mine").click()
        wait_saved(page)
        assert page.locator(".kb-conflict").count() == 0
        assert stored_texts(harness, db)["shared"] == mine
    finally:
        ada_ctx.close()
        bo_ctx.close()


def test_phone_layout_stacks_folds_and_has_large_targets(harness, phone):
    page = open_board(phone, harness.link("phone", lang="nb"))
    add_note(page, "key_partners", "Kajakkutleie i Trondheimsfjorden").press("Escape")
    wait_saved(page)
    boxes = page.locator(".kb-block:not([hidden])").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.width, r.y]; })")
    assert len({round(x) for x, _, _ in boxes}) == 1 and all(w > 330 for _, w, _ in boxes)
    assert [y for _, _, y in boxes] == sorted(y for _, _, y in boxes)
    small = page.locator(".klynge-board button, .klynge-board textarea, .klynge-board select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
        ".filter(r => r.width < 44 || r.height < 44).length")
    assert small == 0
    shot(page, "board-phone-390x844")
    fold = block(page, "key_activities").locator(".kb-fold")
    assert fold.get_attribute("aria-expanded") == "true"
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert not block(page, "key_activities").locator(".kb-add").is_visible()
    assert page.locator(".kb-title").inner_text() == "Forretningsmodellkanvas"
    block(page, "key_partners").locator(".kb-card .kb-btn").first.click()
    page.wait_for_selector("textarea")
    assert page.locator(".klynge-board button, .klynge-board textarea, .klynge-board select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
        ".filter(r => r.width < 44 || r.height < 44).length") == 0
    shot(page, "board-phone-editing-390x844")


def test_a_long_note_is_refused_with_the_limit_and_kept(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("long", lang="nb"))
    add_note(page, "cost_structure", "Kort og godt").press("Escape")
    wait_saved(page)
    block(page, "cost_structure").locator(".kb-card .kb-btn").first.click()
    area = block(page, "cost_structure").locator("textarea")
    area.fill("x" * 10_000)
    error = block(page, "cost_structure").locator(".kb-note-error")
    expect(error).to_have_text(re.compile("2000"), timeout=10_000)
    assert page.locator(".klynge-board").get_attribute("data-status") == "error"
    assert area.input_value() == "x" * 10_000
    assert stored_texts(harness, "long")["cost_structure"] == "Kort og godt"
    key = page.evaluate("Object.keys(localStorage).find(k => k.startsWith('klynge.board.'))")
    assert "x" * 10_000 in page.evaluate(f"localStorage.getItem({key!r})")
    area.fill("Kortere")
    wait_saved(page)
    assert stored_texts(harness, "long")["cost_structure"] == "Kortere"


def test_a_failure_shows_a_message_and_no_traceback(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("fail", fail="1"))
    add_note(page, "key_partners", "Dette blir ikke lagret")
    expect(page.locator(".klynge-board")).to_have_attribute("data-status", "error", timeout=10_000)
    text = page.locator("body").inner_text()
    assert "Something went wrong" in text and "Traceback" not in text and "fire" not in text
    assert "Dette blir ikke lagret" in page.evaluate("JSON.stringify(localStorage)")


def test_a_read_only_board_of_another_member(harness, desktop):
    db = "readonly"
    store, who, orgs = harness.store(db)
    with store:
        store.save_canvas(who["ada"], orgs["kayak"], "business_model", [
            Note(id="p", block="cost_structure", text="Nettopris 450 kr", visibility="private"),
            Note(id="c", block="key_partners", text="Deles med klyngen", visibility="cluster"),
            Note(id="o", block="channels", text="Offentlig", visibility="public")], None)
    page = open_board(desktop, harness.link(db, person="gro", owner="kayak"))
    page.wait_for_selector(".kb-card")
    body = page.locator(".klynge-board").inner_text()
    assert "Deles med klyngen" in body and "Offentlig" in body and "Nettopris" not in body
    assert "Nettopris" not in page.content()
    assert page.locator(".kb-add:visible, .kb-card-actions, .kb-handle").count() == 0
    assert page.locator(".klynge-board").get_attribute("data-status") == "readonly"
    assert "Fjord Kajakk" in page.locator(".kb-banner").first.inner_text()
    page.locator(".kb-card").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("textarea").count() == 0


def test_history_view_and_restore_in_the_page(harness, desktop):
    from playwright.sync_api import expect

    page = open_board(desktop, harness.link("history", lang="sv"))
    area = add_note(page, "key_resources", "Första")
    wait_saved(page)
    area.fill("Andra")
    area.press("Escape")
    wait_saved(page)
    page.locator(".kb-top .kb-btn").click()
    rows = page.locator(".kb-history-list li")
    expect(rows).to_have_count(2, timeout=10_000)
    rows.last.locator(".kb-btn").click()  # version 1
    expect(page.locator(".kb-banner-view")).to_contain_text("Version 1")
    assert card_texts(page, "key_resources") == ["Första"]
    shot(page, "board-history-1280x800")
    page.get_by_role("button", name="Återställ den här versionen").click()
    page.get_by_role("button", name="Ja, återställ").click()
    expect(block(page, "key_resources").locator(".kb-text")).to_have_text(["Första"], timeout=10_000)
    wait_saved(page)
    assert page.locator(".kb-banner-view").count() == 0
    assert stored_texts(harness, "history")["key_resources"] == "Första"
    expect(rows).to_have_count(3, timeout=10_000)
