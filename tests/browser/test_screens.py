"""The screens the README shows, at desktop and phone width, on the demo cluster."""

import pytest

from .conftest import close, open_app, screenshot


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
    page.locator(".klynge-step").nth(2).locator("button").click()
    page.wait_for_selector(".klynge-tab-environmental_layer.klynge-current")
    page.wait_for_selector(".kb-add")
