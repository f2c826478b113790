"""The server's research labs: what a lab is started with, a cluster with nothing to publish, and a lab that starts."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from markupsafe import escape

from klynge import operations as ops
from klynge.i18n import t
from klynge.server.lab import KERNEL_NAME, LabUnavailable, ResearchLabs, kernel_spec, lab_environment
from klynge.settings import load_settings


def test_the_lab_gets_no_klynge_settings_database_or_secret():
    environ = {"PATH": "/usr/bin", "HOME": "/home/k", "KLYNGE_DB": "sqlite:///x.db", "KLYNGE_SECRET": "s",
               "DATABASE_URL": "postgresql://u:p@h/d", "PGPASSWORD": "p", "AWS_SECRET_ACCESS_KEY": "a",
               "GITHUB_TOKEN": "t", "SMTP_PASSWORD": "p", "JUPYTER_PATH": "/srv/widgets", "HTTP_COOKIE": "c"}
    assert lab_environment(environ, JUPYTER_DATA_DIR="/lab/data") == {"PATH": "/usr/bin", "HOME": "/home/k",
                                                                      "JUPYTER_DATA_DIR": "/lab/data"}


def test_the_one_kernel_spec_is_the_guarded_launcher(tmp_path):
    spec = kernel_spec(tmp_path / "tables", tmp_path / "scratch")
    assert spec["argv"] == [sys.executable, "-m", "klynge.research_kernel", "--tables", str(tmp_path / "tables"),
                            "--scratch", str(tmp_path / "scratch"), "-f", "{connection_file}"]
    assert KERNEL_NAME == "python3"  # the name the example notebooks (and most others) ask for
    json.dumps(spec)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_cluster_too_small_to_publish_gets_no_lab(store, cluster, tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path / "home"), "KLYNGE_DB": store.url})
    labs = ResearchLabs(settings)
    with pytest.raises(LabUnavailable) as gone:
        asyncio.run(labs.ensure(cluster["who"]["researcher"]))
    assert gone.value.reason == "nothing"
    assert labs.running(cluster["id"]) is None
    lab = labs._labs[cluster["id"]]
    assert lab.process.poll() is not None  # the lab that started meanwhile was stopped
    assert not (labs.folder(cluster["id"]) / "organisations.csv").exists()
    # Asked again at once, it says the same without starting another JupyterLab.
    with pytest.raises(LabUnavailable) as again:
        asyncio.run(labs.ensure(cluster["who"]["researcher"]))
    assert again.value is gone.value and labs._labs[cluster["id"]] is lab


# A lab that starts while the researcher waits -----------------------------------------------------

@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A server of its own whose labs nobody has opened: the demo cluster, and a second one whose lab cannot start.

    The second cluster's lab folder is taken by a file, so its JupyterLab fails to start as a full
    disk or a wrong permission would make it fail.
    """
    from klynge.demo import load_demo
    from klynge.model import Cluster, Person

    from ..serving import free_port, klynge_serve
    from .conftest import PEOPLE, Server

    home = tmp_path_factory.mktemp("fresh")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": url})
    keys = {}
    with ops.store_for(settings) as store:
        load_demo(store, settings)
        for name in ("kari", "maria"):
            person = store.person_by_email(ops.SYSTEM, PEOPLE[name])
            keys[name] = store.reissue_key(ops.SYSTEM, person.id, settings.server_secret(), settings.key_days)
        other = store.create_cluster(ops.SYSTEM, Cluster(name="Fjordklyngen"))
        person = store.add_person(ops.SYSTEM, Person(name="Eva Forsker", email="eva@forskning.example",
                                                     role="researcher"), other)
        keys["eva"] = store.reissue_key(ops.SYSTEM, person, settings.server_secret(), settings.key_days)
    (home / "research" / ".lab").mkdir(parents=True)
    (home / "research" / ".lab" / str(other)).write_text("not a folder")
    with klynge_serve(home, url, port):
        yield Server(url=url, settings=settings, log=home / "server.log", keys=keys)


def _open(server, cookie: str, lang: str, path: str = "/research/lab"):
    """A browser's navigation to ``path``."""
    return server.request(path, cookie=cookie, headers={"Accept": HTML, "Accept-Language": lang})


HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_the_status_answers_only_those_who_may_use_the_lab(fresh):
    before = len(fresh.lab_processes())
    anonymous = fresh.request("/research/lab-status", headers={"Accept-Language": "sv"})
    assert anonymous.status == 403 and t("page.login.title", "sv") in anonymous.body
    cookie = fresh.sign_in("kari")[0]
    try:
        refused = fresh.request("/research/lab-status", cookie=cookie, headers={"Accept-Language": "sv"})
        assert refused.status == 404 and t("page.notfound.title", "sv") in refused.body
        assert "starting" not in refused.body and "ready" not in refused.body
    finally:
        fresh.request("/logout", cookie=cookie)
    assert len(fresh.lab_processes()) == before  # asking started nothing


def test_a_starting_lab_answers_at_once_in_each_language_starts_once_and_opens_when_ready(fresh):
    cookie = fresh.sign_in("maria")[0]
    try:
        pages = [("nb", "/research/lab"), ("sv", "/research/lab"), ("en", "/research/lab/tree/x.ipynb")]
        # All at once, as a researcher's tabs and the lab's own calls would come: one lab starts.
        with ThreadPoolExecutor(len(pages) + 1) as pool:
            asked = [pool.submit(_open, fresh, cookie, lang, path) for lang, path in pages]
            asked.append(pool.submit(fresh.request, "/research/api/contents", cookie=cookie,
                                     headers={"Accept-Language": "en"}))
            replies = [a.result() for a in asked]
        # Every page asked for while the lab starts is the page that says so, in its reader's language.
        for (lang, _), reply in zip(pages, replies):
            assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html"), reply.body
            assert f'<html lang="{lang}">' in reply.body
            assert str(escape(t("page.lab_starting.title", lang))) in reply.body
            assert str(escape(t("page.lab_starting.body", lang))) in reply.body
            assert 'role="progressbar"' in reply.body and '"/research/lab-status"' in reply.body
            assert "jupyter-config-data" not in reply.body
        # A script's call waits for nothing either: it is told when to ask again.
        api = replies[3]
        assert api.status == 503 and api.headers["Retry-After"] == "5"
        assert json.loads(api.body) == {"message": t("page.lab_starting.retry", "en")}
        assert fresh.lab_state(cookie) in ("starting", "ready")

        assert fresh.wait_for_lab(cookie) == "ready"
        # Ready, the same address is the lab (the starting page loads itself again), and one lab was started.
        lab = _open(fresh, cookie, "nb")
        assert lab.status == 200 and "jupyter-config-data" in lab.body
        assert len(fresh.lab_processes()) == 1
        assert len(re.findall(r"the research lab of cluster \d+ runs", fresh.log.read_text())) == 1
    finally:
        fresh.request("/logout", cookie=cookie)


def test_a_lab_that_cannot_start_says_so_plainly(fresh):
    cookie = fresh.sign_in("eva")[0]
    try:
        first = _open(fresh, cookie, "sv")
        assert first.status == 200 and str(escape(t("page.lab_starting.title", "sv"))) in first.body
        assert fresh.wait_for_lab(cookie) == "failed"
        # The starting page then loads itself again: the reader's language, what to do, nothing of Python.
        for lang in ("nb", "sv", "en"):
            page = _open(fresh, cookie, lang)
            assert page.status == 503 and f'<html lang="{lang}">' in page.body
            assert str(escape(t("page.researcher.failed.title", lang))) in page.body
            assert str(escape(t("page.researcher.failed", lang))) in page.body
            assert not any(word in page.body for word in ("Traceback", "Error", "NotADirectory", ".lab"))
        api = fresh.request("/research/api/contents", cookie=cookie)
        assert api.status == 503 and "Traceback" not in api.body
        # The log has the reason, once; the failed start left no JupyterLab behind.
        assert fresh.log.read_text().count("did not start") == 1
        assert "NotADirectoryError" in fresh.log.read_text()
    finally:
        fresh.request("/logout", cookie=cookie)
