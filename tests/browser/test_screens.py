"""The screens the README shows, at desktop and phone width, on the demo cluster.

Each picture is taken only once the page shows what it should (its heading and the parts
that show it is drawn) and nothing that is wrong (an error, the loading screen): a picture
of an error page fails its test. `make screenshots` saves them in docs/screenshots.
"""

import re

import pytest
from PIL import Image

from klynge import operations as ops
from klynge.canvases import default_registry
from klynge.i18n import t
from klynge.settings import load_settings

from .conftest import PEOPLE, SHOTS, assert_drawn, close, open_app, screenshot, settle

DESKTOP, PHONE = (1280, 900, "desktop"), (390, 844, "phone")


def member(served, name: str) -> tuple[str, int, str, str]:
    """The first name, organisation id, organisation name and cluster name of a person in ``PEOPLE``."""
    with ops.store_for(load_settings({"KLYNGE_HOME": str(served.home)})) as store:
        person = store.person_by_email(ops.SYSTEM, PEOPLE[name])
        organisation = store.organisation(ops.SYSTEM, person.organisation_id).value
        return person.name.split(" ")[0], person.organisation_id, organisation.name, store.cluster(ops.SYSTEM).name


@pytest.mark.parametrize("width,height,name", [DESKTOP, PHONE])
def test_home_and_board(served, browser, width, height, name):
    first, _org, organisation, _cluster = member(served, "fjell2")
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO",
                              device_scale_factor=1)
    page = open_app(ctx, served.link("fjell2"))
    page.wait_for_selector(".klynge-step")
    settle(page)
    assert_drawn(page, ".klynge-nav-home.klynge-current", ".klynge-step",
                 heading=t("home.greeting", "nb", name=first))
    assert organisation in page.locator(".klynge-org").inner_text()
    screenshot(page, f"home-{name}")
    page.click(".klynge-nav-canvases")
    page.wait_for_selector(".kb-add:enabled")
    page.set_viewport_size({"width": width, "height": 1400 if name == "desktop" else height})
    settle(page)
    blocks = default_registry().get("business_model").blocks
    assert_drawn(page, ".klynge-tab-business_model.klynge-current",
                 *(f'.kb-block[data-block="{b.id}"] .kb-block-title' for b in blocks))
    titles = page.locator(".kb-block-title").all_inner_texts()
    assert all(b.title_in("nb") in titles for b in blocks), titles
    assert page.locator(".kb-note, .kb-card").count() > 0
    screenshot(page, f"board-{name}")
    close(ctx)


def test_a_step_card_opens_its_own_canvas(served, context):
    page = open_app(context, served.link("stuga"))
    page.locator(".klynge-step").nth(3).locator("button").click()
    page.wait_for_selector(".klynge-tab-environmental_layer.klynge-current")
    page.wait_for_selector(".kb-add")


# Each step of the participant app: what shows that it is drawn, and its heading.
STEPS = {"profile": (".klynge-profile-figure img", "nav.profile"), "sdg": (".klynge-sdg-goal", "nav.sdg"),
         "library": (".klynge-library-query input", "nav.library"),
         "exports": (".klynge-exports-own-business_model-png", "nav.exports")}


@pytest.mark.parametrize("width,height,name", [DESKTOP, PHONE])
def test_every_step(served, browser, width, height, name):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("fjell2"))
    for step, (ready, heading) in STEPS.items():
        page.click(f".klynge-nav-{step}")
        page.wait_for_selector(ready)
        settle(page)
        assert_drawn(page, f".klynge-nav-{step}.klynge-current", ready, heading=t(heading, "nb"))
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{step}-{name}.png"))  # the first screenful: what a person sees on arrival
    close(ctx)


def test_a_poster(served, browser):
    _first, _org, organisation, _cluster = member(served, "fjell2")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO", accept_downloads=True)
    page = open_app(ctx, served.link("fjell2"))
    page.click(".klynge-nav-exports")
    with page.expect_download() as info:
        page.click(".klynge-exports-own-business_model-png")
    image = Image.open(info.value.path())
    assert image.format == "PNG" and image.width / image.height == pytest.approx(420 / 297, rel=0.005)
    assert image.text["Title"].startswith(f"{organisation}: ")
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.thumbnail((1400, 1400))
    image.save(SHOTS / "poster.png", optimize=True)
    close(ctx)


def test_the_facilitator_app(served, browser):
    for width, height, name in ((1366, 900, "desktop"), PHONE):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO", device_scale_factor=1)
        page = open_app(ctx, served.link("facilitator"))
        page.wait_for_selector(".klynge-members-row")
        settle(page)
        assert_drawn(page, ".klynge-nav-members.klynge-current", ".klynge-members-row",
                     heading=t("members.title", "nb"))
        assert page.locator(".klynge-members-row").count() >= 20  # every demo member
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"facilitator-{name}.png"))
        page.click(".klynge-nav-batch")
        page.wait_for_selector(".klynge-batch-start")
        settle(page)
        assert_drawn(page, ".klynge-nav-batch.klynge-current", ".klynge-batch-start",
                     heading=t("batch.panel.title", "nb"))
        page.screenshot(path=str(SHOTS / f"facilitator-reports-{name}.png"))
        close(ctx)


def test_a_report_at_phone_width(served, browser, tmp_path):
    """A member's report and the cluster's picture from a real batch, as a phone shows them."""
    from klynge.batch import run_batch

    _first, org, organisation, cluster = member(served, "fjell2")
    settings = load_settings({"KLYNGE_HOME": str(served.home)}, outputs=str(tmp_path / "outputs"))
    summary = run_batch(settings, members=[org], workers=1, progress=False)
    assert summary.ok, summary.failed
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = ctx.new_page()
    for source, name, title in (
            (summary.outputs / "members" / str(org) / "report" / "report.html", "report-phone",
             t("batch.report_title", settings.lang, name=organisation)),
            (summary.outputs / "cluster" / "cluster_summary.html", "cluster-report-phone",
             t("batch.cluster_title", settings.lang, name=cluster))):
        page.goto(source.as_uri())
        assert page.locator("h1").inner_text() == title
        assert page.locator("main img").count() > 0  # its figures
        text = page.inner_text("body")
        assert "Traceback" not in text and not re.search(r"\b\w*Error\b", text)
        # Nothing wider than the phone: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    close(ctx)
