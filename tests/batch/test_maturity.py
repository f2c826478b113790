"""The cluster report's "Maturity" section through the real runner: a snapshot taken after a run is in the next one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from klynge.batch import run_batch
from klynge.batch.data import batch_identity
from klynge.widgets.decisions_service import MaturityService

from .conftest import HOSTILE

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_snapshot_taken_after_a_run_is_in_the_next_runs_cluster_report(settings, members, store, cluster):
    chosen = [members["fjell"], members["stuga"]]
    first = run_batch(settings, workers=1, members=chosen, progress=False)
    assert first.ok
    page = Path(settings.outputs) / "cluster" / "cluster_summary.html"
    assert "No snapshot of the self-assessment has been taken yet" in page.read_text()
    assert store.snapshots(batch_identity(store)) == []  # the batch's identity may read the snapshots

    service = MaturityService(store, cluster["who"]["facilitator"], today=lambda: date(2026, 11, 30))
    round = f"Arena 2026 {HOSTILE}"
    service.save(round, "facilitator", {"services_offer": 2, "relations_trust": 4}, None, "en")
    service.take_snapshot(round, "en")
    again = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert again.ok and again.result("cluster").status == "ok"  # remade on resume: the data is the same, a snapshot new
    html = page.read_text()
    assert "No snapshot" not in html and "snapshot taken Nov 30, 2026" in html
    assert "Arena 2026 &lt;img src=x onerror=alert(&#39;klynge&#39;)&gt;" in html and "<img src=x" not in html
    assert "22 of 24 questions were not answered" in html
    # the members' figures, counted from the store when the snapshot was taken
    assert "Fjellguidene" in html[html.index("<h2>Maturity</h2>"):]

    still = run_batch(settings, workers=1, members=chosen, resume=True, progress=False)
    assert still.result("cluster").status == "skipped"  # nothing new: the report stands
