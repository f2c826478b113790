"""The public sandbox in a real browser: the public demo link opens the participant app with its banner.

The server is the one binder/start runs after binder/postBuild has loaded the demo: sandbox mode,
the demo cluster, under the path jupyter-server-proxy's ``/proxy/absolute/<port>/`` passes on
(pages, websockets and all).
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from klynge.demo import PUBLIC_KEYS
from klynge.i18n import t

from ..serving import free_port
from ..test_binder import BINDER, binder_env
from .conftest import close, screenshot

NB_KEY, SV_KEY = PUBLIC_KEYS


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, chromium_path):
    """binder/postBuild's demo and binder/start's server in a home of its own; yields the public links."""
    home = tmp_path_factory.mktemp("sandbox")
    port = free_port()
    env = binder_env(home, JUPYTERHUB_SERVICE_PREFIX="/user/klynge-demo/", SANDBOX_PORT=str(port))
    for script in (["postBuild", "--no-install"], ["start", "true"]):
        done = subprocess.run(["bash", str(BINDER / script[0]), *script[1:]], env=env, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    base = f"http://127.0.0.1:{port}/user/klynge-demo/proxy/absolute/{port}/signin?key="
    yield {"nb": base + NB_KEY, "sv": base + SV_KEY}
    os.kill(int((home / ".klynge" / "serve.pid").read_text()), signal.SIGTERM)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_public_link_opens_the_app_with_the_sandbox_banner(browser, sandbox, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="nb-NO")
    try:
        page = ctx.new_page()
        page.goto(sandbox["nb"])
        page.wait_for_selector(".klynge-app")
        assert "key=" not in page.url and "/proxy/absolute/" in page.url
        banner = page.locator(".klynge-banner")
        assert banner.is_visible()
        assert banner.inner_text().strip() == t("sandbox.banner", "nb")
        assert "Kari" in page.locator(".klynge-who").inner_text()
        box = banner.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The board loads and talks to its kernel through the prefixed websocket.
        page.click(".klynge-nav-canvases")
        page.wait_for_selector(".kb-add:enabled")
        page.click(".klynge-nav-home")
        page.wait_for_selector(".klynge-banner")
        screenshot(page, f"sandbox-{'desktop' if width > 800 else 'phone'}")
    finally:
        close(ctx)


def test_the_swedish_public_link_signs_in_its_own_participant(browser, sandbox):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="sv-SE")
    try:
        page = ctx.new_page()
        page.goto(sandbox["sv"])
        page.wait_for_selector(".klynge-banner")
        assert page.locator(".klynge-banner").inner_text().strip() == t("sandbox.banner", "sv")
        assert "Fjällbrasa" in page.inner_text("body")
    finally:
        close(ctx)
