"""A canvas board on a throwaway SQLite store, for the browser tests (served by a plain `voila`).

The page's query string picks the database file, the person, whose canvas and the template:
``board.ipynb?db=t1&person=ada&template=business_model&lang=en``. The folder of the database
files comes from ``KLYNGE_BOARD_HARNESS_DIR``, set by the test fixture that starts Voila.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path
from urllib.parse import parse_qs

from klynge.model import Cluster, Organisation, Person
from klynge.store import Identity, Store, open_store
from klynge.widgets import CanvasBoard, CanvasService

SECRET = b"board-harness-secret"
ORGS = {
    "kayak": Organisation(name="Fjord Kajakk", country="NO", orgnr="974760673", municipality="5021", sector="activity"),
    "farm": Organisation(name="Gardsbutikken", country="NO", orgnr="923609016", municipality="5014", sector="food"),
}
PEOPLE = {"ada": ("Ada Kajakk", "kayak"), "bo": ("Bo Kajakk", "kayak"), "gro": ("Gro Gard", "farm")}


def _param(params: dict, name: str, default: str) -> str:
    value = params.get(name, [default])[0]
    return value if re.fullmatch(r"[a-z0-9_]{1,40}", value) else default


def people(store: Store, folder: Path, db: str) -> tuple[dict[str, Identity], dict[str, int]]:
    """The harness cluster's participants (made on first use) and organisation ids."""
    with open(folder / f"{db}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two pages opening a new database at once
        system = Identity.system()
        if store.is_empty():
            cid = store.create_cluster(system, Cluster(name="Harness"))
            orgs = {k: store.add_organisation(system, o, cid) for k, o in ORGS.items()}
            for key, (name, org) in PEOPLE.items():
                store.add_person(system, Person(name=name, email=f"{key}@example.no", organisation_id=orgs[org]), cid)
        found = {p.email.split("@")[0]: p for p in store.people(system)}
        who = {k: store.check_key(store.issue_key(system, found[k].id, SECRET), SECRET) for k in PEOPLE}
        orgs = {k: who[next(p for p, (_, o) in PEOPLE.items() if o == k)].organisation_id for k in ORGS}
        return who, orgs


class FailingService(CanvasService):
    """A service whose saves break, to show that a failure never reaches the page as a traceback."""

    def save(self, *args, **kwargs):
        raise RuntimeError("disk on fire (harness)")


def board_from_request(query: str | None = None) -> CanvasBoard:
    """The board the query string asks for."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":  # importing voila costs ~1.8 s: only when needed
        from voila.utils import wait_for_request

        wait_for_request()
    params = parse_qs(query if query is not None else os.environ.get("QUERY_STRING", ""))
    folder = Path(os.environ["KLYNGE_BOARD_HARNESS_DIR"])
    db = _param(params, "db", "main")
    store = open_store(f"sqlite:///{folder / db}.db", nullpool=True)
    who, orgs = people(store, folder, db)
    person = who[_param(params, "person", "ada")]
    owner = _param(params, "owner", "")
    cls = FailingService if _param(params, "fail", "") == "1" else CanvasService
    service = cls(store, person, orgs[owner] if owner in orgs else person.organisation_id,
                  _param(params, "template", "business_model"))
    return CanvasBoard(service, lang=_param(params, "lang", "en"))
