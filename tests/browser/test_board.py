"""The canvas board in the real app: ``klynge serve`` on the demo cluster, a real headless Chromium.

Every test signs in with a demo person's link, opens the canvases step and picks a tab, as a
participant would. The server and its database are shared by all browser tests of the session,
so each test works on a canvas of its own: an organisation (see ``PEOPLE`` in ``conftest.py``)
whose business model no other test touches, or a template the demo left empty. The database is
opened only to arrange what a test starts from and to check what was saved.

The app's page does not scroll today (see :func:`test_a_long_board_scrolls_in_the_window`), so
the tests open it in a window tall enough for the whole board.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing, contextmanager

import pytest

from klynge import operations as ops
from klynge.canvases import default_registry
from klynge.i18n import t
from klynge.model import Note
from klynge.settings import load_settings
from klynge.store import Identity

from .conftest import PEOPLE, SHOTS, close, open_app, screenshot

pytestmark = pytest.mark.browser

TALL = {"width": 1280, "height": 2000}  # a desktop window the whole board fits in
TALL_PHONE = {"width": 390, "height": 3600}

SETTLED = "['saved', 'conflict'].includes(document.querySelector('.klynge-board').dataset.status)"
HOSTILE = ['<img src=x onerror="window.__pwned=1">', "<svg onload=window.__pwned=2></svg>",
           "javascript:window.__pwned=3", '"><script>window.__pwned=4</script>']


# -- the app ---------------------------------------------------------------------------------


def show_board(page, template: str = "business_model"):
    """Open the canvases step and the tab of ``template``; returns the page once its board is drawn."""
    page.click(".klynge-nav-canvases")
    page.click(f".klynge-tab-{template}")
    first = default_registry().get(template).blocks[0].id
    page.wait_for_selector(f'.klynge-board .kb-block[data-block="{first}"]')
    return page


def open_board(served, context, who: str, template: str = "business_model"):
    """Sign in as ``who`` (a name in ``PEOPLE``) and open their organisation's canvas."""
    return show_board(open_app(context, served.link(who)), template)


def reopen(page, template: str = "business_model"):
    """Reload the page (a new kernel: the app starts at home) and go back to the canvas."""
    page.reload()
    page.wait_for_selector(".klynge-app")
    return show_board(page, template)


def shot_around(page, locator, height: int, name: str) -> None:
    """A screenshot of a window ``height`` high around ``locator``: what one sees scrolled to it."""
    box, width = locator.bounding_box(), page.viewport_size["width"]
    top = max(0, box["y"] + box["height"] / 2 - height / 2)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"),
                    clip={"x": 0, "y": top, "width": width, "height": height})


def block(page, block_id: str):
    return page.locator(f'.kb-block[data-block="{block_id}"]')


def wait_saved(page):
    from playwright.sync_api import expect

    expect(page.locator(".klynge-board")).to_have_attribute("data-status", "saved")


def add_note(page, block_id: str, text: str):
    block(page, block_id).locator(".kb-add").click()
    area = block(page, block_id).locator("textarea")
    area.fill(text)
    return area


def card_texts(page, block_id: str) -> list[str]:
    return block(page, block_id).locator(".kb-card .kb-text").all_text_contents()


# -- the database, to arrange and to check ----------------------------------------------------


@contextmanager
def store_of(served):
    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
        yield store


def as_person(store, who: str) -> Identity:
    """The identity of a demo person, to save what a test starts from in their name."""
    person = store.person_by_email(ops.SYSTEM, PEOPLE[who])
    return Identity(person_id=person.id, role=person.role, organisation_id=person.organisation_id,
                    cluster_id=store.cluster(ops.SYSTEM).id, name=person.name)


def stored_notes(served, who: str, template: str = "business_model") -> list[Note]:
    with store_of(served) as store:
        doc, _ = store.canvas(ops.SYSTEM, served.ids[who], template)
    return doc.notes


def stored_texts(served, who: str, template: str = "business_model") -> dict[str, str]:
    """Texts by block (the tests keep one note per block) and by note id."""
    notes = stored_notes(served, who, template)
    return {n.block: n.text for n in notes} | {n.id: n.text for n in notes}


# -- browser windows --------------------------------------------------------------------------


@pytest.fixture
def window(browser):
    """``window(**options)`` makes a browser context (tall, in Norwegian) and leaves it after the test."""
    made = []

    def make(viewport=TALL, locale="nb-NO", **options):
        made.append(browser.new_context(viewport=viewport, locale=locale, **options))
        return made[-1]

    yield make
    for context in made:
        close(context)


@pytest.fixture
def desktop(window):
    return window()


# -- the tests --------------------------------------------------------------------------------


def test_a_long_board_scrolls_in_the_window(served, window):
    # the demo's fullest business model, only read here
    page = open_board(served, window(viewport={"width": 1280, "height": 800}), "fjell")
    costs = block(page, "cost_structure")
    top = costs.bounding_box()["y"]
    if top < 800:
        pytest.fail("the board fits in the window: this test shows nothing")
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 600)
    page.wait_for_function("(top) => document.querySelector('.kb-block[data-block=\"cost_structure\"]')"
                           ".getBoundingClientRect().y < top", arg=top)


def test_a_note_in_each_block_survives_a_reload(served, desktop):
    from playwright.sync_api import expect

    page = open_board(served, desktop, "oppdal")
    blocks = page.locator(".kb-block[data-block]:not([data-block=''])").evaluate_all(
        "els => els.map(e => e.dataset.block)")
    assert len(blocks) == 9
    for i, block_id in enumerate(blocks):
        area = add_note(page, block_id, f"Lapp {i + 1}: {block_id} æøå")
        area.press("Escape")
    wait_saved(page)
    assert page.locator(".kb-status").inner_text().strip().startswith(t("board.status.saved"))
    reopen(page)
    for i, block_id in enumerate(blocks):
        assert card_texts(page, block_id) == [f"Lapp {i + 1}: {block_id} æøå"]
    assert page.locator(".kb-banner-offer").count() == 0  # nothing unsaved was left behind
    # visibility, SDG targets (checked as typed) and months, through the editor
    costs = block(page, "cost_structure")
    costs.locator(".kb-card .kb-btn").first.click()
    costs.get_by_role("button", name=t("board.vis.private")).click()
    sdg = costs.locator("input[inputmode]")
    sdg.fill("8.99")
    costs.get_by_role("button", name=t("board.sdg_add"), exact=True).click()
    expect(costs.locator(".kb-field-error")).to_contain_text(t("board.sdg_bad_form", code="8.99"))
    sdg.fill("8.9, 12.b")
    sdg.press("Enter")
    expect(costs.locator(".kb-chip")).to_have_count(2)
    october, november = t("board.month.10"), t("board.month.11")
    costs.get_by_role("button", name=october, exact=True).click()
    costs.get_by_role("button", name=november, exact=True).click()
    costs.get_by_role("button", name=t("board.done")).click()
    channels = block(page, "channels")
    channels.locator(".kb-card .kb-btn").first.click()
    channels.get_by_role("button", name=t("board.vis.public")).click()
    channels.get_by_role("button", name=t("board.done")).click()
    wait_saved(page)
    saved = {n.block: n for n in stored_notes(served, "oppdal")}
    assert saved["cost_structure"].visibility == "private" and saved["channels"].visibility == "public"
    assert saved["cost_structure"].sdg_targets == ["8.9", "12.b"] and saved["cost_structure"].months == [10, 11]
    private = costs.locator(".kb-card")
    assert "kb-card-private" in private.get_attribute("class") and t("board.vis.private") in private.inner_text()
    assert costs.locator(".kb-tag").all_text_contents() == ["8.9", "12.b", october, november]
    block(page, "value_propositions").locator(".kb-round").first.click()  # the "?" shows questions
    assert block(page, "value_propositions").locator(".kb-help li").count() >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".klynge-board").screenshot(path=str(SHOTS / "board-desktop-whole.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    block(page, "key_partners").locator(".kb-card .kb-btn").first.click()  # edit, to show the editor
    screenshot(page, "board-desktop-1280x800")


def test_autosave_shows_saving_then_saved(served, desktop):
    from playwright.sync_api import expect

    page = open_board(served, desktop, "stifinner")
    board = page.locator(".klynge-board")
    area = add_note(page, "channels", "Bestilling på nett")
    expect(board).to_have_attribute("data-status", "saving")
    wait_saved(page)
    area.press_sequentially(" og på telefon", delay=30)
    expect(board).to_have_attribute("data-status", "saving")
    wait_saved(page)
    assert stored_texts(served, "stifinner")["channels"] == "Bestilling på nett og på telefon"
    assert area.input_value() == "Bestilling på nett og på telefon"  # nothing lost or trimmed while typing
    desktop.set_offline(True)
    expect(board).to_have_attribute("data-status", "offline")
    assert t("board.status.offline").split(":")[0] in page.locator(".kb-status").inner_text()
    area.press_sequentially(", og i resepsjonen", delay=20)
    assert "og i resepsjonen" in page.evaluate("JSON.stringify(localStorage)")
    desktop.set_offline(False)
    wait_saved(page)
    assert stored_texts(served, "stifinner")["channels"].endswith("og i resepsjonen")
    # the app's language switch relabels the board and keeps the text
    page.select_option(".klynge-lang select", label="English")
    expect(page.locator(".kb-title")).to_have_text(default_registry().get("business_model").title_in("en"))
    expect(page.locator(".kb-status")).to_contain_text(t("board.status.saved", "en"))
    assert area.input_value() == "Bestilling på nett og på telefon, og i resepsjonen"  # still open, as typed


def test_the_keyboard_reaches_and_moves_everything(served, desktop):
    page = open_board(served, desktop, "raavare")
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
    stored = stored_texts(served, "raavare")
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


def test_dragging_moves_a_note_to_another_block(served, desktop):
    # Stølen has a business model in the demo, but no value proposition: that tab is empty.
    page = open_board(served, desktop, "skiskole", "value_proposition")
    add_note(page, "customer_jobs", "Dra meg").press("Escape")
    add_note(page, "customer_jobs", "Dra meg også").press("Escape")
    wait_saved(page)
    # HTML5 drag and drop, as with a mouse on the card
    block(page, "customer_jobs").locator(".kb-card").first.drag_to(block(page, "pains"))
    assert card_texts(page, "pains") == ["Dra meg"]
    # pointer events on the handle, as with a finger
    handle = block(page, "customer_jobs").locator(".kb-handle").first
    handle.scroll_into_view_if_needed()
    box, target = handle.bounding_box(), block(page, "gains").bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(target["x"] + 60, target["y"] + 70, steps=8)
    page.mouse.up()
    assert card_texts(page, "gains") == ["Dra meg også"]
    wait_saved(page)
    stored = stored_texts(served, "skiskole", "value_proposition")
    assert stored["pains"] == "Dra meg" and stored["gains"] == "Dra meg også"
    assert "customer_jobs" not in stored
    assert stored_notes(served, "skiskole"), "the business model of the demo is still there"


def test_hostile_text_is_shown_as_text_and_never_runs(served, desktop, window):
    with store_of(served) as store:  # hostile text saved by a colleague arrives from the server, too
        store.save_canvas(as_person(store, "innovasjon2"), served.ids["innovasjon"], "business_model",
                          [Note(id="evil1", block="channels", text=HOSTILE[1], sdg_targets=["8.9"])], None)
    page = open_board(served, desktop, "innovasjon")
    for text in (HOSTILE[0], HOSTILE[2], HOSTILE[3]):
        add_note(page, "key_partners", text).press("Escape")
    wait_saved(page)
    reopen(page)
    assert card_texts(page, "key_partners") == [HOSTILE[0], HOSTILE[2], HOSTILE[3]]
    assert card_texts(page, "channels") == [HOSTILE[1]]
    # a conflict panel and a history view draw the same text
    other = window()
    theirs = open_board(served, other, "innovasjon2")
    for p in (theirs, page):
        block(p, "channels").locator(".kb-card .kb-btn").first.click()
    block(theirs, "channels").locator("textarea").fill(HOSTILE[0] + " annegrete")
    block(page, "channels").locator("textarea").fill(HOSTILE[3] + " øystein")
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


def test_unsaved_text_is_offered_back_after_a_reload(served, desktop):
    from playwright.sync_api import expect

    page = open_board(served, desktop, "fylke")
    add_note(page, "revenue_streams", "Lagret tekst").press("Escape")
    wait_saved(page)
    block(page, "revenue_streams").locator(".kb-card .kb-btn").first.click()
    block(page, "revenue_streams").locator("textarea").fill("Ulagret tekst fra toget")
    reopen(page)  # before the autosave: the kernel never got it
    offer = page.locator(".kb-banner-offer")
    expect(offer).to_be_visible()
    said = re.escape(t("board.unsaved_offer", time="TIME")).replace("TIME", r"\d\d[:.]\d\d")
    assert re.search(said, offer.inner_text())
    assert card_texts(page, "revenue_streams") == ["Lagret tekst"]
    offer.get_by_role("button", name=t("board.offer_restore")).click()
    assert card_texts(page, "revenue_streams") == ["Ulagret tekst fra toget"]
    wait_saved(page)
    assert stored_texts(served, "fylke")["revenue_streams"] == "Ulagret tekst fra toget"
    reopen(page)
    assert page.locator(".kb-banner-offer").count() == 0
    # discard: the offer goes away and the saved text stays
    block(page, "revenue_streams").locator(".kb-card .kb-btn").first.click()
    block(page, "revenue_streams").locator("textarea").fill("Kastes")
    reopen(page)
    expect(page.locator(".kb-banner-offer")).to_be_visible()
    page.get_by_role("button", name=t("board.offer_discard")).click()
    assert page.locator(".kb-banner-offer").count() == 0
    reopen(page)
    assert page.locator(".kb-banner-offer").count() == 0
    assert card_texts(page, "revenue_streams") == ["Ulagret tekst fra toget"]


def test_two_people_on_different_notes_both_survive(served, window):
    from playwright.sync_api import expect

    arne = open_board(served, window(), "dnt")
    berit = open_board(served, window(), "dnt2")
    add_note(arne, "key_partners", "Arnes lapp")
    add_note(berit, "channels", "Berits lapp")
    wait_saved(arne)
    wait_saved(berit)
    # each sees the other's note within seconds (the board looks every 10 s)
    expect(block(arne, "channels").locator(".kb-text")).to_have_text(["Berits lapp"])
    expect(block(berit, "key_partners").locator(".kb-text")).to_have_text(["Arnes lapp"])
    stored = stored_texts(served, "dnt")
    assert stored["key_partners"] == "Arnes lapp" and stored["channels"] == "Berits lapp"


def test_both_editing_one_note_shows_both_texts(served, window):
    with store_of(served) as store:
        store.save_canvas(as_person(store, "museum"), served.ids["museum"], "business_model",
                          [Note(id="shared", block="customer_segments", text="Pensjonister")], None)
    astrid = open_board(served, window(), "museum")
    perolav = open_board(served, window(viewport=TALL_PHONE), "museum2")
    for page in (astrid, perolav):
        block(page, "customer_segments").locator(".kb-card .kb-btn").first.click()
    block(astrid, "customer_segments").locator("textarea").fill("Pensjonister i oktober")
    block(perolav, "customer_segments").locator("textarea").fill("Pensjonister og skoleklasser")
    astrid.wait_for_function(SETTLED)
    perolav.wait_for_function(SETTLED)
    pages = {"astrid": astrid, "perolav": perolav}
    loser = next(name for name, p in pages.items() if p.locator(".kb-conflict").count())
    page = pages[loser]
    mine, theirs = (("Pensjonister i oktober", "Pensjonister og skoleklasser") if loser == "astrid"
                    else ("Pensjonister og skoleklasser", "Pensjonister i oktober"))
    conflict = page.locator(".kb-conflict")
    assert conflict.locator(".kb-mine .kb-side-text").inner_text() == mine
    assert conflict.locator(".kb-theirs .kb-side-text").inner_text() == theirs
    assert page.locator(".klynge-board").get_attribute("data-status") == "conflict"
    assert block(page, "customer_segments").locator("textarea").input_value() == mine  # kept in the note
    assert stored_texts(served, "museum")["shared"] == theirs  # nothing overwritten without a choice
    shot_around(page, conflict, 800 if loser == "astrid" else 844, "board-conflict")
    conflict.get_by_role("button", name=t("board.keep_mine")).click()
    wait_saved(page)
    assert page.locator(".kb-conflict").count() == 0
    assert stored_texts(served, "museum")["shared"] == mine


def test_phone_layout_stacks_folds_and_has_large_targets(served, window):
    phone = window(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, device_scale_factor=2)
    page = open_board(served, phone, "fjellstyret")
    add_note(page, "key_partners", "Fiskekort og hytteutleie i Meråker").press("Escape")
    wait_saved(page)
    boxes = page.locator(".kb-block:not([hidden])").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.width, r.y]; })")
    assert len({round(x) for x, _, _ in boxes}) == 1 and all(w > 330 for _, w, _ in boxes)
    assert [y for _, _, y in boxes] == sorted(y for _, _, y in boxes)
    small = page.locator(".klynge-board button, .klynge-board textarea, .klynge-board select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
        ".filter(r => r.width < 44 || r.height < 44).length")
    assert small == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board scrolls sideways at phone width ({width}px)"
    screenshot(page, "board-phone-390x844")
    fold = block(page, "key_activities").locator(".kb-fold")
    assert fold.get_attribute("aria-expanded") == "true"
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert not block(page, "key_activities").locator(".kb-add").is_visible()
    assert page.locator(".kb-title").inner_text() == default_registry().get("business_model").title_in("nb")
    block(page, "key_partners").locator(".kb-card .kb-btn").first.click()
    page.wait_for_selector(".klynge-board textarea")
    assert page.locator(".klynge-board button, .klynge-board textarea, .klynge-board select").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
        ".filter(r => r.width < 44 || r.height < 44).length") == 0
    screenshot(page, "board-phone-editing-390x844")


def test_a_long_note_is_refused_with_the_limit_and_kept(served, desktop):
    from playwright.sync_api import expect

    page = open_board(served, desktop, "nidaros")
    add_note(page, "cost_structure", "Kort og godt").press("Escape")
    wait_saved(page)
    block(page, "cost_structure").locator(".kb-card .kb-btn").first.click()
    area = block(page, "cost_structure").locator("textarea")
    area.fill("x" * 10_000)
    error = block(page, "cost_structure").locator(".kb-note-error")
    expect(error).to_have_text(re.compile(r"2\s?000"))
    assert page.locator(".klynge-board").get_attribute("data-status") == "error"
    assert area.input_value() == "x" * 10_000
    count = block(page, "cost_structure").locator(".kb-chars")  # the limit the server sent, read by the page
    expect(count).to_have_class(re.compile("kb-over"))
    expect(count).to_have_text(re.compile(r"10\D?000.*2\D?000"))
    assert stored_texts(served, "nidaros")["cost_structure"] == "Kort og godt"
    key = page.evaluate("Object.keys(localStorage).find(k => k.startsWith('klynge.board.'))")
    assert "x" * 10_000 in page.evaluate(f"localStorage.getItem({key!r})")
    area.fill("Kortere")
    wait_saved(page)
    expect(count).not_to_have_class(re.compile("kb-over"))
    assert stored_texts(served, "nidaros")["cost_structure"] == "Kortere"


@contextmanager
def refused_saves(served, who: str):
    """The database refuses every canvas revision ``who`` saves (with "string or blob too big")."""
    with store_of(served) as store:
        person_id = store.person_by_email(ops.SYSTEM, PEOPLE[who]).id
    trigger = f"test_board_refuse_{person_id}"
    with closing(sqlite3.connect(served.home / "klynge.db", timeout=30)) as db, db:
        db.execute(f"CREATE TRIGGER {trigger} BEFORE INSERT ON revisions WHEN NEW.author_id = {person_id} "
                   "BEGIN SELECT zeroblob(2000000000); END")
    try:
        yield
    finally:
        with closing(sqlite3.connect(served.home / "klynge.db", timeout=30)) as db, db:
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def test_a_failure_shows_a_message_and_no_traceback(served, desktop):
    from playwright.sync_api import expect

    page = open_board(served, desktop, "engler")
    with refused_saves(served, "engler"):
        add_note(page, "key_partners", "Lagres når det går igjen")
        expect(page.locator(".klynge-board")).to_have_attribute("data-status", "error")
        text = page.locator("body").inner_text()
        assert t("board.error.unexpected") in text
        assert "Traceback" not in text and "too big" not in text and "zeroblob" not in text
        assert "Lagres når det går igjen" in page.evaluate("JSON.stringify(localStorage)")
        assert stored_notes(served, "engler") == []
    # the board tries again by itself (it looks every 10 s) once the database takes saves again
    wait_saved(page)
    assert stored_texts(served, "engler")["key_partners"] == "Lagres når det går igjen"


def test_history_view_and_restore_in_the_page(served, window):
    from playwright.sync_api import expect

    swedish = window(locale="sv-SE")
    page = open_board(served, swedish, "regionjh")
    area = add_note(page, "key_resources", "Första")
    wait_saved(page)
    area.fill("Andra")
    area.press("Escape")
    wait_saved(page)
    page.locator(".kb-top .kb-btn").click()
    rows = page.locator(".kb-history-list li")
    expect(rows).to_have_count(2)
    rows.last.locator(".kb-btn").click()  # version 1
    expect(page.locator(".kb-banner-view")).to_contain_text(t("board.version", "sv", n=1))
    assert card_texts(page, "key_resources") == ["Första"]
    # an old version is read only: nothing to add, move or edit, and Enter opens no editor
    assert page.locator(".kb-add:visible, .kb-card-actions, .kb-handle").count() == 0
    assert "kb-readonly" in page.locator(".klynge-board").get_attribute("class")
    block(page, "key_resources").locator(".kb-card").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".klynge-board textarea").count() == 0
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "board-history-1280x800")
    page.set_viewport_size(TALL)
    page.get_by_role("button", name=t("board.restore", "sv")).click()
    page.get_by_role("button", name=t("board.restore_yes", "sv")).click()
    expect(block(page, "key_resources").locator(".kb-text")).to_have_text(["Första"])
    wait_saved(page)
    assert page.locator(".kb-banner-view").count() == 0
    assert stored_texts(served, "regionjh")["key_resources"] == "Första"
    expect(rows).to_have_count(3)
