"""One real ``klynge serve`` (behind a trusted proxy) for the server's route tests, spoken to over HTTP.

It serves the built-in apps and a probe notebook that shows what its kernel was handed, on a
database outside its home folder (given as ``--db``) and in Swedish (given as ``KLYNGE_LANG``).
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from klynge import operations as ops
from klynge import resources
from klynge.settings import Settings, load_settings

from ..serving import free_port, klynge_serve

# What a kernel was handed: the settings it reads and the names of Klynge's variables in its environment.
PROBE = """\
import json, os
from klynge.apps.session import open_session

session = open_session()
print("PROBE", json.dumps({"person": session.identity.person_id, "db": session.settings.db,
                           "lang": session.settings.lang,
                           "environ": sorted(k for k in os.environ if k.startswith("KLYNGE_"))}))
"""

PEOPLE = {"kari": "kari@fjellglott.example", "sigrid": "sigrid@kjerringa.example",
          "anna": "anna@fjallbrasa.example", "maria": "maria.ekholm@forskning.example"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    headers: object
    body: str


@dataclass
class Server:
    """A running server: its address, settings, one sign-in key per person and its log."""

    url: str
    settings: Settings
    log: Path
    keys: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, *, cookie: str | None = None, method: str = "GET",
                headers: dict | None = None) -> Reply:
        headers = {**(headers or {}), **({"Cookie": cookie} if cookie else {})}
        request = urllib.request.Request(self.url + path, method=method, headers=headers,
                                         data=b"" if method == "POST" else None)
        try:
            response = urllib.request.build_opener(_NoRedirect).open(request, timeout=120)
        except urllib.error.HTTPError as exc:
            response = exc
        with response:
            return Reply(response.status, response.headers, response.read().decode("utf-8", "replace"))

    def sign_in(self, name: str, headers: dict | None = None) -> tuple[str, str]:
        """The session cookie (``name=value``) a person's sign-in link sets, and its Set-Cookie header."""
        reply = self.request(f"/signin?key={self.keys[name]}", headers=headers)
        assert reply.status == 302, reply.body
        set_cookie = reply.headers["Set-Cookie"]
        return set_cookie.split(";")[0], set_cookie

    def lab_processes(self) -> list:
        """The JupyterLab processes (:class:`psutil.Process`) that run on this server's research folders."""
        import psutil

        research = str(self.settings.home_path / "research")
        found = []
        for process in psutil.process_iter(["cmdline"]):
            try:
                if "klynge.server.lab" in (process.info["cmdline"] or []) and process.cwd().startswith(research):
                    found.append(process)
            except psutil.Error:
                continue
        return found

    def lab_state(self, cookie: str) -> str:
        """How far the research lab of a signed-in researcher is: ``starting``, ``ready`` or why there is none."""
        reply = self.request("/research/lab-status", cookie=cookie)
        assert reply.status == 200 and reply.headers["Content-Type"] == "application/json", reply.body
        return json.loads(reply.body)["state"]

    def wait_for_lab(self, cookie: str, wait: float = 240) -> str:
        """The lab's state once it is no longer starting (asking starts it), after at most ``wait`` seconds."""
        deadline = time.monotonic() + wait
        state = self.lab_state(cookie)
        while state == "starting" and time.monotonic() < deadline:
            time.sleep(0.5)
            state = self.lab_state(cookie)
        return state

    def open_page(self, cookie: str, app: str = "participant") -> tuple[Reply, str | None]:
        """Open an app page as a browser would; returns the reply and the page's kernel id."""
        reply = self.request(f"/voila/render/{app}.ipynb", cookie=cookie, headers={"Accept-Language": "nb"})
        found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', reply.body)
        return reply, found.group(1) if found else None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """``klynge serve --trust-proxy`` on the demo cluster, for the whole session."""
    import nbformat

    from klynge.demo import load_demo

    home = tmp_path_factory.mktemp("server")
    apps = tmp_path_factory.mktemp("apps")
    for notebook in resources.path("notebooks", "apps").glob("*.ipynb"):
        shutil.copy(notebook, apps)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), apps / "probe.ipynb")
    db = tmp_path_factory.mktemp("elsewhere") / "cluster.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": url, "KLYNGE_DB": str(db),
                              "KLYNGE_LANG": "sv"})
    keys = {}
    with ops.store_for(settings) as store:
        load_demo(store, settings)
        for name, email in PEOPLE.items():
            person = store.person_by_email(ops.SYSTEM, email)
            keys[name] = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
    with klynge_serve(home, url, port, "--trust-proxy", "--apps", str(apps), db=str(db), env={"KLYNGE_LANG": "sv"}):
        yield Server(url=url, settings=settings, log=home / "server.log", keys=keys)
