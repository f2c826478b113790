"""The facilitator's reports page, headless: a real batch started from the panel, watched, downloaded."""

import time

import pytest

from klynge.apps.batch_service import BatchService
from klynge.errors import AccessDenied
from klynge.widgets.batch_panel import BatchPanel

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_facilitator_runs_the_batch_from_the_panel_and_downloads_a_report(settings, members, store, cluster):
    service = BatchService(settings, store, cluster["who"]["facilitator"])
    panel = BatchPanel(service)
    panel.lang = "en"
    seen = []
    panel._download.send = lambda content, buffers=None: seen.append((content, buffers))
    progress = []
    original = panel._progress
    panel._progress = lambda done, total, result=None: (progress.append((done, total)), original(done, total))
    panel._start.click()
    assert panel._start.disabled
    deadline = time.time() + 600
    while service.running and time.time() < deadline:
        time.sleep(0.5)
    assert not service.running, "the batch did not finish"
    assert not panel._start.disabled, (panel._status.value, panel._outcome.value)
    assert progress and progress[-1][0] == progress[-1][1] == 2 * len(members) + 1
    assert "0 failed" in panel._outcome.value
    labels = [label for label, _ in panel._outputs.options]
    assert labels[0] == "Index of all reports" and any("Fjellguidene" in label for label in labels)
    panel._outputs.value = next(o for label, o in panel._outputs.options if "Fjellguidene" in label)
    panel._get.click()
    (content, buffers), = seen
    assert content["mime"] == "text/html" and content["filename"].endswith(".html")
    assert b"Fjellguidene" in buffers[0]


def test_only_facilitators_get_the_batch(settings, store, cluster):
    with pytest.raises(AccessDenied):
        BatchService(settings, store, cluster["who"]["fjell"])
