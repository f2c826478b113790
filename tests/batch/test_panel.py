"""The facilitator's reports page, headless: a real batch started from the panel, watched, downloaded."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from klynge.apps.batch_service import BatchService, Output
from klynge.batch import run_batch
from klynge.errors import AccessDenied, NotAnOutput
from klynge.report.bundle import index_links
from klynge.widgets.batch_panel import BatchPanel

from .conftest import NOTEBOOKS

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_a_facilitator_runs_the_batch_from_the_panel_and_downloads_the_reports(settings, members, store, cluster):
    service = BatchService(settings, store, cluster["who"]["facilitator"])
    panel = BatchPanel(service)
    panel.lang = "en"
    assert panel.outputs() == [] and "No reports yet" in panel._files_head.value
    seen = []
    panel._download.send = lambda content, buffers=None: seen.append((content, buffers))
    progress = []
    original = panel._progress
    panel._progress = lambda done, total, result=None: (progress.append((done, total, panel._status.value)),
                                                       original(done, total, result))
    panel._start.click()
    assert panel._start.disabled and "Starting on 5 members" in panel._status.value
    deadline = time.time() + 600
    while service.running and time.time() < deadline:
        time.sleep(0.5)
    assert not service.running, "the batch did not finish"
    assert not panel._start.disabled, (panel._status.value, panel._outcome.value)
    assert progress and progress[-1][0] == progress[-1][1] == 2 * len(members) + 1
    outcome = panel._outcome.value
    assert "5 reports written" in outcome and "Every member was done" in outcome and "notebook" not in outcome
    labels = panel.outputs()
    assert labels[0] == "All reports (zip, with an index)" and labels[1] == "The picture of the cluster"
    assert "Report for Fjellguidene" in labels and len(labels) == 2 + len(members)

    panel._file_rows[labels.index("Report for Fjellguidene")][1].click()
    content, buffers = seen[-1]
    assert content["mime"] == "text/html" and content["filename"] == "Report for Fjellguidene.html"
    assert b"Fjellguidene" in buffers[0]

    pdf, docx = [b for b in panel._format_buttons if "Fjellguidene" in b.tooltip]
    pdf.click()  # the report as PDF, made from its page the first time and kept beside it
    content, buffers = seen[-1]
    assert content["mime"] == "application/pdf" and content["filename"] == "Report for Fjellguidene.pdf"
    assert buffers[0].startswith(b"%PDF") and panel._status.value == ""
    made = next(Path(settings.outputs).glob("members/*/report/report.pdf"))
    assert service.read(next(o for o in service.outputs() if o.label == "Fjellguidene"), "pdf") == made.read_bytes()
    docx.click()
    content, buffers = seen[-1]
    assert content["filename"] == "Report for Fjellguidene.docx" and buffers[0][:2] == b"PK"
    assert "Fjellguidene" in "".join(p.text for p in Document(io.BytesIO(buffers[0])).paragraphs)
    assert panel.outputs() == labels  # the PDF and Word files are not listed as reports of their own
    with pytest.raises(NotAnOutput):
        service.read(service.outputs()[1], "exe")

    panel._file_rows[0][1].click()  # every report in one zip whose index links resolve
    content, buffers = seen[-1]
    assert content["mime"] == "application/zip" and content["filename"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(buffers[0]))
    names = set(archive.namelist())
    index = archive.read("reports/index.html").decode()
    links = index_links(index)
    assert len(links) == 1 + len(members)
    assert all(f"reports/{link}" in names for link in links), (links, names)


def test_the_panel_names_failing_members_as_they_fail(settings, members, store, cluster):
    service = BatchService(settings, store, cluster["who"]["facilitator"])
    panel = BatchPanel(service)
    panel.lang = "en"
    bad = members["museum"]
    summary = run_batch(settings, workers=1, progress=panel._progress,
                        notebooks={"analysis": lambda m: NOTEBOOKS / "fails.ipynb" if m == bad else None})
    assert "Bygdemuseet" in panel._failures.value and "reading their data" in panel._failures.value
    panel._done(summary, None)
    assert "These members could not be done (1)" in panel._failures.value
    assert "1 member could not be done" in panel._outcome.value
    assert "Report for Bygdemuseet" not in panel.outputs() and "Report for Fjellguidene" in panel.outputs()


def test_only_facilitators_get_the_batch(settings, store, cluster):
    with pytest.raises(AccessDenied):
        BatchService(settings, store, cluster["who"]["fjell"])


def test_a_file_outside_the_outputs_folder_is_not_read(settings, store, cluster, tmp_path):
    service = BatchService(settings, store, cluster["who"]["facilitator"])
    secret = tmp_path / "home" / "secret"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("not for the browser")
    with pytest.raises(NotAnOutput, match="not an output"):
        service.read(Output("member", "Report for nobody", secret))
    with pytest.raises(NotAnOutput):  # a path that climbs out of the folder
        service.read(Output("member", "x", Path(settings.outputs) / ".." / "home" / "secret"))
