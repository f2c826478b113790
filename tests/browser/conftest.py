"""One real ``klynge serve`` shared by every browser test, and a real headless Chromium.

The server runs on a small cluster of its own (two Norwegian members, a Swedish one, a
facilitator, a researcher) in a SQLite file; its log is kept for the tests that read it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from klynge import operations as ops
from klynge.model import Organisation
from klynge.settings import load_settings

CHROMIUM = os.environ.get("KLYNGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL = "apt-get update && apt-get install -y chromium"
SHOTS = Path(__file__).parent / "screenshots"


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

    def link(self, name: str) -> str:
        return self.links[name]

    def kernel_processes(self) -> int:
        """How many kernels the server has started and still runs (its ipykernel children)."""
        out = subprocess.run(["ps", "-o", "pid=,ppid=,args=", "-e"], capture_output=True, text=True).stdout
        children = [line for line in out.splitlines() if line.split()[1] == str(self.process.pid)]
        return sum("ipykernel" in line for line in children)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _populate(home: Path, base_url: str) -> tuple[dict[str, str], dict[str, int]]:
    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": base_url})
    ops.init_cluster(settings, "Nysesong Trøndelag–Jämtland")
    members = {
        "fjell": Organisation(name="Fjellgløtt Guiding", country="NO", orgnr="974760673", municipality="5021",
                              sector="activity"),
        "gard": Organisation(name="Kjerringa Gårdsmat", country="NO", orgnr="923609016", municipality="5014",
                             sector="food"),
        "stuga": Organisation(name="Stugbyn vid Åresjön", country="SE", orgnr="5560160680", municipality="2321",
                              sector="accommodation"),
    }
    ids = {}
    with ops.store_for(settings) as store:
        cluster_id = store.cluster(ops.SYSTEM).id
        for name, org in members.items():
            ids[name] = store.add_organisation(ops.SYSTEM, org, cluster_id)
    people = {"fjell": ("Kari Nordmann", "kari@fjellglott.example", "participant", "974760673"),
              "fjell2": ("Ola Berg", "ola@fjellglott.example", "participant", "974760673"),
              "gard": ("Marit Lien", "marit@kjerringa.example", "participant", "923609016"),
              "stuga": ("Karin Olsson", "karin@stugbyn.example", "participant", "5560160680"),
              "facilitator": ("Anne Fasilitator", "anne@klynge.example", "facilitator", None),
              "researcher": ("Rolf Forsker", "rolf@klynge.example", "researcher", None)}
    links = {}
    for name, (person, email, role, org) in people.items():
        links[name] = ops.invite(settings, name=person, email=email, role=role, organisation=org).link
    return links, ids


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.exit(f"Chromium is needed for the browser tests and is not installed. Install it with:\n    {INSTALL}",
                    returncode=3)
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@pytest.fixture(scope="session")
def served(tmp_path_factory, chromium_path):
    """``klynge serve`` on a fresh cluster, for the whole session."""
    home = tmp_path_factory.mktemp("served")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    links, ids = _populate(home, url)
    log = home / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLYNGE_")}
    env.update(KLYNGE_HOME=str(home), KLYNGE_BASE_URL=url)
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "klynge", "serve", "--no-browser", "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/login", timeout=2)
        except urllib.error.HTTPError:
            break  # a plain 403 page: the server answers
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError(f"klynge serve did not start:\n{log.read_text()}")
    server = Served(url=url, home=home, log=log, links=links, ids=ids, process=process)
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        from importlib.metadata import version

        print(f"Playwright {version('playwright')}, Chromium {browser.version}")
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nb-NO")
    yield ctx
    ctx.close()


def open_app(context, link: str, timeout: float = 60_000):
    """Sign in with a link and wait for the app to be on screen; returns the page."""
    page = context.new_page()
    page.goto(link)
    page.wait_for_selector(".klynge-app", timeout=timeout)
    return page


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
