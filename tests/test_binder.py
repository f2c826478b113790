"""The Binder sandbox: binder/postBuild loads the demo, binder/start serves it behind the proxy path,
and the public demo keys sign in only in sandbox mode on the demo cluster."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from klynge import operations as ops
from klynge.demo import PUBLIC_KEYS, check_sandbox_database, load_demo, load_sandbox, sandbox_key
from klynge.errors import KeyRejected, SettingsError
from klynge.settings import load_settings
from klynge.store import Identity, open_store

from .serving import free_port

BINDER = Path(__file__).resolve().parents[1] / "binder"
NB_KEY, SV_KEY = PUBLIC_KEYS
SYSTEM = Identity.system()


def binder_env(home: Path, **extra: str) -> dict[str, str]:
    """A session's environment as Binder gives it: a home folder, Klynge on the PATH, no KLYNGE_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KLYNGE_", "SANDBOX_", "JUPYTERHUB_"))}
    env.update(HOME=str(home), PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """A home folder after binder/postBuild's Klynge part, and what it printed."""
    home = tmp_path_factory.mktemp("binder-home")
    done = subprocess.run(["bash", str(BINDER / "postBuild"), "--no-install"], env=binder_env(home),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return home, done.stdout


def test_postbuild_loads_the_demo_and_prints_the_public_links(built):
    home, printed = built
    settings = load_settings({"KLYNGE_HOME": str(home / ".klynge")})
    counts = ops.status(settings)
    assert counts["organisations"] >= 20 and counts["people"] >= 20
    assert f"signin?key={NB_KEY}" in printed and f"signin?key={SV_KEY}" in printed
    assert "Fjellgløtt Guiding" in printed


@pytest.mark.slow
def test_start_serves_the_sandbox_under_the_proxy_path(built):
    """binder/start runs `klynge serve` where jupyter-server-proxy's /proxy/absolute/<port>/ sends it."""
    home, _ = built
    port = free_port()
    prefix = f"/user/klynge-demo-1a2b3c/proxy/absolute/{port}/"
    env = binder_env(home, JUPYTERHUB_SERVICE_PREFIX="/user/klynge-demo-1a2b3c/", SANDBOX_PORT=str(port))
    done = subprocess.run(["bash", str(BINDER / "start"), "env"], env=env, capture_output=True, text=True,
                          timeout=120)
    pid = int((home / ".klynge" / "serve.pid").read_text())
    try:
        assert done.returncode == 0, done.stderr
        shown = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
        assert shown["KLYNGE_SANDBOX"] == "1" and shown["SANDBOX_PATH"] == prefix

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(Stay)
        base = f"http://127.0.0.1:{port}{prefix}"
        with pytest.raises(urllib.error.HTTPError) as signed_in:
            opener.open(f"{base}signin?key={NB_KEY}", timeout=30)
        assert signed_in.value.code == 302
        assert signed_in.value.headers["Location"] == f"{prefix}voila/render/participant.ipynb"
        cookie = signed_in.value.headers["Set-Cookie"]
        assert f"Path={prefix}" in cookie and "HttpOnly" in cookie
        page = urllib.request.Request(f"http://127.0.0.1:{port}{prefix}voila/render/participant.ipynb",
                                      headers={"Cookie": cookie.split(";")[0]})
        with urllib.request.urlopen(page, timeout=60) as response:
            html = response.read().decode()
        assert f'href="{prefix}voila/templates/klynge/static/klynge.css"' in html
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(f"{base}signin?key=sandbox-nb.not-the-public-key", timeout=30)
        assert refused.value.code == 403
    finally:
        os.kill(pid, signal.SIGTERM)


def test_the_readme_badge_opens_the_public_link_where_binder_start_serves_it():
    readme = (BINDER.parent / "README.md").read_text(encoding="utf-8")
    launch = urlsplit(next(line for line in readme.splitlines() if line.startswith("[sandbox]: ")).split(" ", 1)[1])
    # Binder builds the repository that pyproject.toml names.
    repository = tomllib.loads((BINDER.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    github = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?", repository["Repository"])
    assert github, f"the Repository URL in pyproject.toml is not a GitHub repository: {repository['Repository']}"
    assert (launch.scheme, launch.netloc, launch.path) == ("https", "mybinder.org", f"/v2/gh/{github.group(1)}/HEAD")
    urlpath = unquote(parse_qs(launch.query)["urlpath"][0])
    port = re.search(r'SANDBOX_PORT="\$\{SANDBOX_PORT:-(\d+)\}"', (BINDER / "sandbox-env").read_text()).group(1)
    assert urlpath == f"proxy/absolute/{port}/signin?key={NB_KEY}"
    assert "[![Binder](https://mybinder.org/badge_logo.svg)][sandbox]" in readme


@pytest.fixture
def demo_db(tmp_path):
    """The demo cluster in a database of its own, loaded outside sandbox mode."""
    settings = load_settings({"KLYNGE_HOME": str(tmp_path / "demo")})
    with open_store(settings.db) as store:
        load_demo(store, settings, progress=False)
    return settings


def test_outside_sandbox_mode_a_public_key_is_an_unknown_key(demo_db):
    with open_store(demo_db.db, create=False) as store:
        for key in PUBLIC_KEYS:
            assert sandbox_key(store, demo_db, key) == key
            with pytest.raises(KeyRejected) as rejected:
                store.check_key(key, demo_db.server_secret())
            assert rejected.value.reason == "unknown"


def test_in_sandbox_mode_a_public_key_signs_in_as_its_demo_participant(demo_db):
    sandbox = load_settings({"KLYNGE_HOME": demo_db.home, "KLYNGE_SANDBOX": "1"})
    with open_store(sandbox.db, create=False) as store:
        for key, email in PUBLIC_KEYS.items():
            personal = sandbox_key(store, sandbox, key)
            assert personal != key
            who = store.check_key(personal, sandbox.server_secret())
            person = store.person_by_email(SYSTEM, email)
            assert (who.person_id, who.role, who.organisation_id) == (person.id, "participant",
                                                                       person.organisation_id)
        assert sandbox_key(store, sandbox, "0123456789abcdef.someone-elses") == "0123456789abcdef.someone-elses"


def test_sandbox_mode_refuses_a_database_that_is_not_the_demo(tmp_path):
    sandbox = load_settings({"KLYNGE_HOME": str(tmp_path / "other"), "KLYNGE_SANDBOX": "1"})
    ops.init_cluster(sandbox, "Ekte klynge")
    with pytest.raises(SettingsError, match="demo cluster"):
        check_sandbox_database(sandbox)
    with open_store(sandbox.db, create=False) as store:
        with pytest.raises(SettingsError, match="demo cluster"):
            load_sandbox(store, sandbox)
    from klynge.server import serve

    with pytest.raises(SettingsError, match="demo cluster"):
        serve(sandbox, port=free_port())


def test_the_sandbox_option_needs_sandbox_mode(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path / "plain")})
    with open_store(settings.db) as store:
        with pytest.raises(SettingsError, match="KLYNGE_SANDBOX=1"):
            load_sandbox(store, settings)
        assert store.is_empty(SYSTEM)
    with pytest.raises(SettingsError, match="KLYNGE_SANDBOX=1"):
        check_sandbox_database(settings)
