"""Batch fixtures: the ``cluster`` fixture's members with offers, canvases and SDG assessments, plus two more.

Batch tests run on SQLite unless they ask for PostgreSQL (``db_url`` parametrised indirectly):
each batch starts real kernels, so running every test on both databases would double a slow
suite for no gain; the Dask test runs on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from klynge.model import Money, Note, Offer, Organisation, SdgEntry
from klynge.settings import load_settings

from ..factories import fictional_orgnr

NOTEBOOKS = Path(__file__).parent / "notebooks"
HOSTILE = "<img src=x onerror=alert('klynge')>"

BLOCK_NOTES = {
    "customer_segments": ["Families from Trondheim who want quiet autumn weekends", "Hikers from Oslo"],
    "value_propositions": ["Local food and guided autumn hikes", f"Winter light {HOSTILE}"],
    "key_partners": ["The bus company and the tourist office"],
    "cost_structure": ["Guide wages and net rates (private)"],
}


def norwegian_orgnr(n: int) -> str:
    """The n-th made-up Norwegian organisation number of the batch tests' series."""
    return fictional_orgnr("NO", n, start=92_000_000, step=13)


def add_member_data(store, who, organisation_id: int, municipality: str, seed: int) -> None:
    """Offers, a business model canvas (one private note, one hostile) and an SDG assessment."""
    months = [[1, 2, 3, 12], [6, 7, 8], [9, 10, 11], [5, 6, 9]][seed % 4]
    store.add_offer(who, Offer(organisation_id=organisation_id, title=f"Guided tour {seed}", kind="activity",
                               municipality=municipality, months=months, capacity_per_day=8 + seed,
                               price=Money(amount=Decimal("650"), currency="NOK")))
    store.add_offer(who, Offer(organisation_id=organisation_id, title=f"Local dinner {seed} $5 & $x$",
                               kind="meal", municipality=municipality, months=[7, 8, 9, 10],
                               capacity_per_day=20, price=Money(amount=Decimal("420"), currency="NOK")))
    notes = []
    for block, texts in BLOCK_NOTES.items():
        for i, text in enumerate(texts):
            notes.append(Note(id=f"{block[:6]}{i}", block=block, text=text, order=i,
                              visibility="private" if block == "cost_structure" else "cluster"))
    store.save_canvas(who, organisation_id, "business_model", notes, None)
    store.save_sdg(who, organisation_id, [
        SdgEntry(target="8.9", relevance=3, impact=2),
        SdgEntry(target="12.5", relevance=2, impact=-1 if seed % 2 else 1),
        SdgEntry(target="13.1", relevance=2, impact=-1, visibility="private"),
    ], None)


@pytest.fixture
def members(store, system, cluster):
    """Five members with data: the ``cluster`` fixture's three and two more; ids by short name."""
    ids = dict(cluster["orgs"])
    extra = {
        "buss": Organisation(name="Fjellbussen", country="NO", orgnr=norwegian_orgnr(1), municipality="5001",
                             sector="transport", kind="company", subclusters=["winter"],
                             description=f"Buses over the mountain {HOSTILE}"),
        "museum": Organisation(name="Bygdemuseet", country="NO", orgnr=norwegian_orgnr(2), municipality="5021",
                               sector="culture", kind="museum", subclusters=["food", "winter"]),
    }
    for key, org in extra.items():
        ids[key] = store.add_organisation(system, org, cluster["id"])
    places = {"fjell": "5021", "gard": "5014", "stuga": "2321", "buss": "5001", "museum": "5021"}
    for n, (key, oid) in enumerate(sorted(ids.items())):
        add_member_data(store, system, oid, places[key], n)
    return ids


@pytest.fixture
def settings(db_url, tmp_path):
    """Settings for a batch over the test database, outputs in the test's folder."""
    return load_settings(home=str(tmp_path / "home"), db=db_url, outputs=str(tmp_path / "outputs"), lang="en")
