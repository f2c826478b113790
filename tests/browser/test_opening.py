"""Opening a page: the loading screen at once, and a retry when the kernel does not answer."""

from __future__ import annotations

import pytest

from klynge.i18n import t

from .conftest import TIMEOUT, screenshot

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
FRONT_END = "**/voila/static/voila.js*"


class Opening:
    """A sign-in whose page arrives while Voila's front end (the JavaScript that draws the widgets) is held back.

    The page's HTML, with its loading screen and the kernel's output, arrives; nothing is
    drawn until :meth:`release` lets the front end through.
    """

    def __init__(self, browser, size: str, locale: str, link: str):
        self.context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE, locale=locale)
        self.page = self.context.new_page()
        self.held: list = []
        self.page.route(FRONT_END, lambda route: self.held.append(route))
        self.page.goto(link, wait_until="commit")
        config = self.page.wait_for_selector("#jupyter-config-data", state="attached")
        self.kernel = self.page.evaluate("(el) => JSON.parse(el.textContent).kernelId", config)
        # The route handler runs only during Playwright calls: wait until the page asked.
        for _ in range(TIMEOUT // 100):
            if self.held:
                break
            self.page.wait_for_timeout(100)
        assert self.held, "the page never asked for Voila's front end"

    def release(self) -> None:
        for route in self.held:
            route.continue_()
        self.page.unroute(FRONT_END)

    def wait_drawn(self) -> None:
        """Wait for the app, and for the page to take its loading screen and message away."""
        self.page.wait_for_selector(".klynge-app")
        # The page checks for a drawn app a few times a second, then removes both.
        for screen in ("#loading", "#klynge-slow"):
            self.page.wait_for_selector(screen, state="detached")

    def __enter__(self) -> Opening:
        return self

    def __exit__(self, *exc) -> None:
        for page in self.context.pages:
            page.goto("about:blank")  # the page unloads and its kernel shuts down
        self.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_loading_screen_shows_before_the_app_draws_itself(served, browser, size):
    with Opening(browser, size, "nb-NO", served.link("fjell" if size == "desktop" else "stuga")) as opening:
        page = opening.page
        loading = page.locator("#loading")
        assert loading.is_visible()
        assert loading.inner_text().strip() == t("page.loading", "nb")
        assert page.locator(".klynge-app").count() == 0
        assert page.title() == "Klynge"  # the product's name in the tab, not the notebook's
        screenshot(page, f"opening-loading-{size}")
        opening.release()
        opening.wait_drawn()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_page_whose_kernel_is_gone_offers_a_retry_that_opens_it(served, browser, size):
    with Opening(browser, size, "sv-SE", served.link("gard" if size == "desktop" else "fjell2")) as opening:
        page = opening.page
        # The page's kernel stops before the page has drawn anything: its owner shuts it down
        # through the server's kernel API, as a crashed or culled kernel would be gone.
        status = page.evaluate("""async (id) => (await fetch('/api/kernels/' + id,
                                 {method: 'DELETE', credentials: 'same-origin'})).status""", opening.kernel)
        assert status == 204
        opening.release()
        retry = page.locator("#klynge-slow")
        retry.wait_for(state="visible")
        assert t("page.slow.title", "sv") in retry.inner_text()
        assert page.locator("#loading").is_hidden()
        button = retry.get_by_role("button", name=t("page.slow.retry", "sv"))
        assert button.is_visible()
        screenshot(page, f"opening-retry-{size}")
        button.click()
        opening.wait_drawn()
