"""The library in a real browser: a participant uploads a PDF and finds it by a word inside it."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import assert_drawn, close, open_app, screenshot, settle

WORD = "Tindevandringer"  # in the PDF's text only, not in its title or name


def _pdf() -> bytes:
    from klynge.report.formats import to_pdf

    return to_pdf(f"<h1>Høstrapport</h1><p>{WORD} i Trollheimen gir gjester i oktober. "
                  "&lt;img src=x onerror=alert(1)&gt; skal stå som tekst.</p>")


def test_a_participant_uploads_a_pdf_and_finds_it_by_a_word_inside_it(served, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO", accept_downloads=True)
    page = open_app(ctx, served.link("nidaros"))
    page.click(".klynge-nav-library")
    data = _pdf()
    with page.expect_file_chooser() as chooser:
        page.click(".klynge-library-upload")
    chooser.value.set_files(files=[{"name": "host_2026.pdf", "mimeType": "application/pdf", "buffer": data}])
    expect(page.locator(".klynge-library-title input")).to_have_value("host 2026")
    page.fill(".klynge-library-title input", "Høsten i fjellet")
    page.fill(".klynge-library-tags-input input", "sdg:8, month:10, region:Trollheimen")
    page.click(".klynge-library-add")
    expect(page.locator(".klynge-library-ok")).to_contain_text("Lagt til: «Høsten i fjellet».")
    page.fill(".klynge-library-query input", WORD.lower())
    page.press(".klynge-library-query input", "Enter")
    card = page.locator(".klynge-library-card").first
    expect(card).to_contain_text("Høsten i fjellet")
    expect(card.locator("mark")).to_have_text(WORD)
    expect(card).to_contain_text("<img src=x onerror=alert(1)>")  # the file's text shows as text
    assert page.locator(".klynge-library-card img").count() == 0
    assert_drawn(page, ".klynge-library-list")
    settle(page)
    screenshot(page, "library-desktop-1366")
    with page.expect_download() as info:
        card.locator(".klynge-library-download").click()
    assert info.value.suggested_filename == "host_2026.pdf"
    assert open(info.value.path(), "rb").read() == data
    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    screenshot(page, "library-phone-390")
    page.fill(".klynge-library-query input", '"(*')
    page.press(".klynge-library-query input", "Enter")
    expect(page.locator(".klynge-library-problem")).to_contain_text("Ingenting å søke etter")
    close(ctx)


def test_the_library_is_reached_and_used_with_the_keyboard(served, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    page = open_app(ctx, served.link("museum2"))
    page.click(".klynge-nav-library")
    page.wait_for_selector(".klynge-library-query input")
    page.focus(".klynge-library-query input")
    page.keyboard.type("ingenting-som-finnes-her")
    page.keyboard.press("Enter")
    expect(page.locator(".klynge-library-finder-status, .klynge-library p[role=status]").first).to_contain_text(
        "Ingen treff")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.klynge-library-search') !== null")
    assert focused, "Tab from the search box reaches the search button"
    close(ctx)
