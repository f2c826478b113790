"""The screens the README shows, at desktop and phone width, on the demo cluster."""

import pytest
from PIL import Image

from .conftest import SHOTS, close, open_app, screenshot


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_home_and_board(served, browser, width, height, name):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO",
                              device_scale_factor=1)
    page = open_app(ctx, served.link("fjell2"))
    page.wait_for_selector(".klynge-step")
    assert screenshot(page, f"home-{name}").stat().st_size > 10_000
    page.click(".klynge-nav-canvases")
    page.wait_for_selector(".kb-add:enabled")
    assert page.locator(".kb-note, .kb-card").count() > 0
    page.wait_for_timeout(300)
    page.set_viewport_size({"width": width, "height": 1400 if name == "desktop" else height})
    path = screenshot(page, f"board-{name}")
    assert path.stat().st_size > 10_000
    close(ctx)


def test_a_step_card_opens_its_own_canvas(served, context):
    page = open_app(context, served.link("stuga"))
    page.locator(".klynge-step").nth(3).locator("button").click()
    page.wait_for_selector(".klynge-tab-environmental_layer.klynge-current")
    page.wait_for_selector(".kb-add")


# Each step of the participant app, and what shows that it is drawn.
STEPS = {"profile": ".klynge-profile-figure img", "sdg": ".klynge-sdg-goal",
         "exports": ".klynge-exports-own-business_model-png"}


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_every_step(served, browser, width, height, name):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO", device_scale_factor=1)
    page = open_app(ctx, served.link("fjell2"))
    for step, ready in STEPS.items():
        page.click(f".klynge-nav-{step}")
        page.wait_for_selector(ready)
        page.wait_for_timeout(500)
        path = SHOTS / f"{step}-{name}.png"
        page.screenshot(path=str(path))  # the first screenful: what a person sees on arrival
        assert path.stat().st_size > 10_000
        assert page.locator(".jupyter-widgets-error-widget").count() == 0
    close(ctx)


def test_a_poster(served, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO", accept_downloads=True)
    page = open_app(ctx, served.link("fjell2"))
    page.click(".klynge-nav-exports")
    with page.expect_download(timeout=90_000) as info:
        page.click(".klynge-exports-own-business_model-png")
    image = Image.open(info.value.path())
    assert image.format == "PNG" and image.width / image.height == pytest.approx(420 / 297, rel=0.005)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.thumbnail((1400, 1400))
    image.save(SHOTS / "poster.png", optimize=True)
    close(ctx)


def test_the_facilitator_app(served, browser):
    for width, height, name in ((1366, 900, "desktop"), (390, 844, "phone")):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO", device_scale_factor=1)
        page = open_app(ctx, served.link("facilitator"))
        page.wait_for_selector(".klynge-members-row")
        page.wait_for_timeout(300)
        path = SHOTS / f"facilitator-{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
        page.click(".klynge-nav-batch")
        page.wait_for_selector(".klynge-batch-start")
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"facilitator-reports-{name}.png"))
        assert page.locator(".jupyter-widgets-error-widget").count() == 0
        close(ctx)


def test_a_report_at_phone_width(served, browser, tmp_path):
    """A member's report and the cluster's picture from a real batch, as a phone shows them."""
    from klynge import operations as ops
    from klynge.batch import run_batch
    from klynge.settings import load_settings

    from .conftest import PEOPLE

    settings = load_settings({"KLYNGE_HOME": str(served.home)}, outputs=str(tmp_path / "outputs"))
    with ops.store_for(settings) as store:
        org = store.person_by_email(ops.SYSTEM, PEOPLE["fjell2"]).organisation_id
    summary = run_batch(settings, members=[org], workers=1, progress=False)
    assert summary.ok, summary.failed
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = ctx.new_page()
    for source, name in ((summary.outputs / "members" / str(org) / "report" / "report.html", "report-phone"),
                         (summary.outputs / "cluster" / "cluster_summary.html", "cluster-report-phone")):
        page.goto(source.as_uri())
        page.wait_for_load_state("load")
        # Nothing wider than the phone: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    close(ctx)
