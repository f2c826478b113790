"""All reports as one zip: the index and every file it links to, under one folder, nothing else."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from klynge.report.bundle import index_links, reports_archive
from klynge.report.html import index_page


def _outputs(root):
    """An outputs folder as the batch leaves it: reports, analyses, a failed notebook, the index."""
    members = [{"name": "Alfa", "href": "members/1/report/report.html", "status": "ok", "fingerprint": "a"},
               {"name": "Beta & Co", "href": None, "status": "failed", "fingerprint": "b"}]
    failures = [{"step": "analysis", "name": "Beta & Co", "error": "boom", "notebook": "failed/analysis-2.ipynb"}]
    for rel, text in (("members/1/report/report.html", "<h1>Alfa</h1>"), ("members/1/analysis/analysis.json", "{}"),
                      ("members/1/report/report.ipynb", "{}"), ("cluster/cluster_summary.html", "<h1>All</h1>"),
                      ("cluster/cluster.json", "{}"), ("failed/analysis-2.ipynb", "{}")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "index.html").write_text(index_page("Nysesong", "en", members, {"href": "cluster/cluster_summary.html"},
                                                failures, "fp"), encoding="utf-8")


def test_every_link_of_the_index_resolves_inside_the_archive(tmp_path):
    root = tmp_path / "outputs"
    _outputs(root)
    archive = zipfile.ZipFile(io.BytesIO(reports_archive(root)))
    names = set(archive.namelist())
    links = index_links(archive.read("reports/index.html").decode())
    assert sorted(links) == ["cluster/cluster_summary.html", "failed/analysis-2.ipynb", "members/1/report/report.html"]
    assert all(f"reports/{link}" in names for link in links)
    assert archive.read("reports/members/1/report/report.html") == b"<h1>Alfa</h1>"
    # what is for the batch and not for readers stays out
    assert not any(n.endswith((".json", "report.ipynb")) for n in names)


def test_a_file_outside_the_outputs_folder_never_enters_the_archive(tmp_path):
    root = tmp_path / "outputs"
    _outputs(root)
    secret = tmp_path / "secret.html"
    secret.write_text("server secret", encoding="utf-8")
    (root / "members" / "9" / "report").mkdir(parents=True)
    os.symlink(secret, root / "members" / "9" / "report" / "report.html")
    data = reports_archive(root)
    assert b"server secret" not in data
    assert "reports/members/9/report/report.html" not in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_no_archive_before_a_batch_has_finished(tmp_path):
    with pytest.raises(FileNotFoundError):
        reports_archive(tmp_path / "outputs")
