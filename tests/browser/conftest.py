"""One real ``klynge serve`` per pytest process, shared by its browser tests, and a real headless Chromium.

The server runs on the demo cluster in a SQLite file of its own; its log is kept for the
tests that read it. It sends mail to a local SMTP server (aiosmtpd, with a login and a password) that
runs for the whole session: what it received is ``served.inbox``. Every page, element, download and
``expect`` waits up to :data:`TIMEOUT`.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from klynge import operations as ops
from klynge.i18n import LANGUAGES, t
from klynge.settings import load_settings

from ..preflight import CHROMIUM_INSTALL, chromium
from ..serving import free_port, klynge_serve
from ..smtp import PASSWORD, USER, Inbox, authenticator

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# How long a test waits, in milliseconds, for whatever the server and the page do: a page to load,
# an element to show, a download, an `expect`. A page's first load starts a kernel and draws the
# app: seconds on a quiet machine, more than Playwright's default 30 s on a busy one. One number
# for loading and for waiting, so no step gives up before the step it waits for.
TIMEOUT = 90_000
# `make screenshots` points this at docs/screenshots, where the README finds them.
SHOTS = Path(os.environ.get("KLYNGE_SCREENSHOTS") or Path(__file__).parent / "screenshots")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@dataclass
class Served:
    """A running server: its address, sign-in links by name, the database and its log."""

    url: str
    home: Path
    log: Path
    links: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    #: The mail the server sent, as the session's local SMTP server received it.
    inbox: Inbox | None = None

    def link(self, name: str) -> str:
        return self.links[name]

    def kernel_processes(self) -> int:
        """How many kernels the server runs (its ipykernel children), once that number holds still.

        The server keeps a preheated kernel ready and starts a new one after a page takes it, so
        the count is read when it has not changed for three seconds.
        """
        def count() -> int:
            out = subprocess.run(["ps", "-o", "pid=,ppid=,args=", "-e"], capture_output=True, text=True).stdout
            children = [line for line in out.splitlines() if line.split()[1] == str(self.process.pid)]
            return sum("ipykernel" in line for line in children)

        last, since = count(), time.time()
        while time.time() - since < 3:
            time.sleep(0.5)
            now = count()
            if now != last:
                last, since = now, time.time()
        return last


# The demo people the tests sign in as, by a short name.
PEOPLE = {"fjell": "kari@fjellglott.example", "fjell2": "ola@fjellglott.example",
          "gard": "sigrid@kjerringa.example", "stuga": "anna@fjallbrasa.example",
          "facilitator": "ingrid@nysesong.example", "researcher": "maria.ekholm@forskning.example",
          # test_board.py: each test works on a canvas no other test touches (none of these
          # organisations has filled in its business model in the demo; Stølen has no value proposition)
          "oppdal": "lars@naering-oppdal.example", "stifinner": "kristin@stifinner.example",
          "raavare": "kjellarne@ravareformidling.example", "skiskole": "ane@stolen-skiskole.example",
          "innovasjon": "oystein@innovasjon-trondelag.example",
          "innovasjon2": "annegrete@innovasjon-trondelag.example",
          "fylke": "torill@trondelag-fylke.example", "dnt": "arne@dnt-selbu-tydal.example",
          "dnt2": "berit@dnt-selbu-tydal.example", "museum": "astrid@gruvebyen-museum.example",
          "museum2": "perolav@gruvebyen-museum.example", "fjellstyret": "knut@fjellstyret-meraker.example",
          "nidaros": "kjersti@nidaros-ing.example", "engler": "bjorn@reiselivsengler.example",
          "regionjh": "ulrika@regionjh-utveckling.example"}
ORGNR = {"fjell": "977347211", "gard": "987132183"}


def _populate(home: Path, base_url: str) -> tuple[dict[str, str], dict[str, int]]:
    """The demo cluster, and one sign-in link for each of the people above."""
    from klynge.demo import load_demo

    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": base_url})
    links, ids = {}, {}
    with ops.store_for(settings) as store:
        load_demo(store, settings)
        for name, email in PEOPLE.items():
            person = store.person_by_email(ops.SYSTEM, email)
            key = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
            links[name] = ops.signin_link(settings, key)
            if person.organisation_id:
                ids[name] = person.organisation_id
    return links, ids


@pytest.fixture(scope="session")
def chromium_path():
    found = chromium()
    if found is None:
        pytest.exit(f"Chromium is needed for the browser tests and is not installed. Install it with:\n"
                    f"    {CHROMIUM_INSTALL}", returncode=3)
    return found


@pytest.fixture(scope="session")
def mail_inbox():
    """A local SMTP server for the whole session: (its inbox, its KLYNGE_SMTP_URL).

    It takes mail only after a login with :data:`tests.smtp.PASSWORD` (over plain SMTP, which
    Klynge allows only to this machine), so the tests can check that no page, log or file of the
    server ever holds the password.
    """
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, f"smtp://{USER}@127.0.0.1:{port}?from=post@klynge.example"
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def served(tmp_path_factory, chromium_path, mail_inbox):
    """``klynge serve`` on a fresh cluster, sending its mail to the session's SMTP server, for the whole session."""
    home = tmp_path_factory.mktemp("served")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    links, ids = _populate(home, url)
    inbox, smtp_url = mail_inbox
    # No reminder passes: the pages show the demo's invitations as it made them (its failed mail stays failed);
    # the passes have tests of their own (tests/server/test_reminders.py).
    env = {"KLYNGE_SMTP_URL": smtp_url, "KLYNGE_SMTP_PASSWORD": PASSWORD, "KLYNGE_REMIND_EVERY": "0"}
    with klynge_serve(home, url, port, env=env) as process:
        yield Served(url=url, home=home, log=home / "server.log", links=links, ids=ids, process=process,
                     inbox=inbox)


class Chromium:
    """The session's browser, whose every context waits :data:`TIMEOUT` for pages, elements and downloads."""

    def __init__(self, browser):
        self._browser = browser
        self.version = browser.version

    def new_context(self, **options):
        ctx = self._browser.new_context(**options)
        ctx.set_default_timeout(TIMEOUT)
        ctx.set_default_navigation_timeout(TIMEOUT)
        return ctx


# Package-scoped: Playwright's sync API keeps an event loop running in this thread while it is
# open, and the tests a worker runs after the browser tests (asyncio.run among them) need none.
@pytest.fixture(scope="package")
def browser(chromium_path):
    from importlib.metadata import version

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        print(f"Playwright {version('playwright')}, Chromium {browser.version}")
        yield Chromium(browser)
        browser.close()


def close(ctx) -> None:
    """Close a browser context as a person closes their tabs, so each page's kernel shuts down.

    Voila asks the server to shut a page's kernel down when the page unloads; closing the
    context alone unloads nothing, and the kernels would count against the server's cap.
    """
    for page in ctx.pages:
        try:
            page.goto("about:blank", timeout=10_000)
        except Exception:  # a page that is gone already
            pass
    ctx.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
    yield ctx
    close(ctx)


def open_app(context, link: str):
    """Sign in with a link and wait for the app to be on screen; returns the page."""
    page = context.new_page()
    page.goto(link)
    page.wait_for_selector(".klynge-app")
    return page


# Waits until the app's text and pictures have held still for `quiet` ms, every picture loaded.
_STILL = """(quiet) => {
  const app = document.querySelector('.klynge-app');
  if (!app) return false;
  const images = [...app.querySelectorAll('img')];
  const now = app.innerText + '|' + images.map((i) => i.src.length).join(',');
  const seen = window.__klyngeStill;
  if (!seen || seen.now !== now || !images.every((i) => i.complete)) {
    window.__klyngeStill = {now, since: Date.now()};
    return false;
  }
  return Date.now() - seen.since >= quiet;
}"""


def settle(page, quiet: int = 700) -> None:
    """Wait until the app has drawn itself: its text and pictures unchanged for ``quiet`` ms.

    The app draws a step in pieces (labels, then pictures made in the kernel); call this after
    waiting for what shows that the step is there.
    """
    page.evaluate("delete window.__klyngeStill")
    page.wait_for_function(_STILL, arg=quiet, polling=100)


# What a page shows when something is wrong, in every language: an error notice, the busy or
# sign-in page, the "not answering" screen, the banner of an ended sign-in.
TROUBLE = sorted({t(f"page.{what}.title", lang) for what in ("error", "busy", "slow", "ended", "login")
                  for lang in LANGUAGES})


def assert_drawn(page, *shown: str, heading: str | None = None) -> None:
    """The app is on screen with each selector in ``shown`` and its heading ``heading``, and nothing is wrong.

    Nothing wrong: no loading or waiting screen, no error notice or widget, no Python error or
    traceback, none of the texts of :data:`TROUBLE`.
    """
    from playwright.sync_api import expect

    if heading is not None:
        expect(page.locator(".klynge-app h1").filter(has_text=heading).first).to_be_visible()
    for selector in (".klynge-app", *shown):
        expect(page.locator(selector).first).to_be_visible()
    for screen in ("#loading", "#klynge-slow", "#klynge-ended"):
        expect(page.locator(screen)).to_be_hidden()
    assert page.locator(".klynge-notice, .jupyter-widgets-error-widget, [data-mime-type*='stderr']").count() == 0
    text = page.inner_text("body")
    wrong = [w for w in (*TROUBLE, "Traceback") if w in text] + re.findall(r"\b\w*Error\b", text)
    assert not wrong, f"the page shows {wrong}"


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
