"""Shared fixtures: a clean environment, a SQLite store per test, and PostgreSQL for the store suite."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from klynge import i18n
from klynge.model import Cluster, Note, Organisation, Person, SubCluster
from klynge.store import Identity, open_store

from . import pgserver
from .smtp import certificate, smtp_server, trusting  # noqa: F401  (fixtures: a real local SMTP server)

SECRET = b"test-server-secret"
HERE = Path(__file__).parent
# Folders whose tests start a server (one per pytest process) and take longest.
SHARED_SERVER = ("browser", "server")


def pytest_collection_modifyitems(items):
    """The browser and server tests first, so the longest tests start early (``make test`` runs one
    pytest-xdist worker per core, and each worker starts the servers for the tests it is given)."""
    def folder(item) -> str:
        parts = Path(str(item.fspath)).relative_to(HERE).parts
        return parts[0] if len(parts) > 1 else ""

    items.sort(key=lambda item: (folder(item) not in SHARED_SERVER, SHARED_SERVER.index(folder(item))
                                 if folder(item) in SHARED_SERVER else 0))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """Every test starts from a clean environment with its own home folder."""
    for name in list(os.environ):
        if name.startswith("KLYNGE_") and name != "KLYNGE_TEST_POSTGRES":
            monkeypatch.delenv(name)
    monkeypatch.setenv("KLYNGE_HOME", str(tmp_path / "home"))


@pytest.fixture(autouse=True, scope="session")
def strict_messages():
    """A message that cannot be filled in fails the test (in production it is logged and shown as it is)."""
    before = i18n.strict(True)
    yield
    i18n.strict(before)


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server: KLYNGE_TEST_POSTGRES, or a throwaway one. Missing PostgreSQL stops the run."""
    url = os.environ.get("KLYNGE_TEST_POSTGRES")
    if url:
        yield url
        return
    bindir = pgserver.find_bin()
    if bindir is None:
        pytest.exit(f"PostgreSQL is needed for the store tests and is not installed. Install it with:\n"
                    f"    {pgserver.INSTALL}\nor point KLYNGE_TEST_POSTGRES at a server.", returncode=3)
    server = pgserver.Server(bindir).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh database URL, on SQLite and on PostgreSQL (one schema per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'klynge.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def store(db_url):
    with open_store(db_url) as s:
        yield s


@pytest.fixture
def system():
    return Identity.system()


@pytest.fixture
def cluster(store, system):
    """A small cluster: two Norwegian members and a Swedish one, each with a participant, plus staff."""
    cid = store.create_cluster(system, Cluster(name="Nysesong", subclusters=[
        SubCluster(slug="food", name="Mat"), SubCluster(slug="winter", name="Vinter")]))
    orgs = {
        "fjell": Organisation(name="Fjellguidene", country="NO", orgnr="974760673", municipality="5021",
                              sector="activity", subclusters=["winter"]),
        "gard": Organisation(name="Gardsbutikken", country="NO", orgnr="923609016", municipality="5014",
                             sector="food", subclusters=["food"]),
        "stuga": Organisation(name="Stugbyn i Åre", country="SE", orgnr="5560160680", municipality="2321",
                              sector="accommodation"),
    }
    ids = {k: store.add_organisation(system, o, cid) for k, o in orgs.items()}
    people = {}
    for k, oid in ids.items():
        pid = store.add_person(system, Person(name=f"{k.title()} Person", email=f"{k}@example.no",
                                              organisation_id=oid), cid)
        people[k] = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    for role in ("facilitator", "researcher"):
        pid = store.add_person(system, Person(name=role.title(), email=f"{role}@klynge.example", role=role), cid)
        people[role] = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    return {"id": cid, "orgs": ids, "who": people}


@pytest.fixture
def add_colleague(store, cluster, system):
    """Sign in one more participant of one of the cluster's organisations (``"fjell"``, ``"gard"`` ...)."""
    def add(org: str, name: str, email: str) -> Identity:
        pid = store.add_person(system, Person(name=name, email=email, organisation_id=cluster["orgs"][org]),
                               cluster["id"])
        return store.check_key(store.issue_key(system, pid, SECRET), SECRET)

    return add


@pytest.fixture
def signed_in(store, system, cluster, add_colleague):
    """A participant of ``fjell`` signed in through a server session, with a canvas saved; and their key."""
    person = add_colleague("fjell", "Siri Fjell", "siri@example.no")
    key = store.issue_key(system, person.person_id, SECRET)
    who = store.open_session(key, SECRET)
    store.save_canvas(who, cluster["orgs"]["fjell"], "business_model", [Note(id="a", block="channels", text="Nett")],
                      None)
    return who, key
